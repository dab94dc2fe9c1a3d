"""The shared SMTP fixture really speaks SMTP (other tests rely on it)."""

from django.core.mail import send_mail


def test_mail_reaches_the_real_smtp_server(smtp_server):
    send_mail("Subjek", "Isi pesan", "noreply@example.org", ["bupati@example.org"])
    [message] = smtp_server.to("bupati@example.org")
    assert message["Subject"] == "Subjek"
    assert "Isi pesan" in message.get_content()
