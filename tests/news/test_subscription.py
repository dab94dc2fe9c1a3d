"""Email subscription against a real SMTP server: double opt-in, one-click unsubscribe,
no leak of whether an address is subscribed, rate limits."""

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from superteam.news import services
from superteam.news.models import (
    Dispatch,
    DispatchKind,
    Frequency,
    Subscriber,
    SubscriberStatus,
)
from tests.news.conftest import make_article

# The real task worker closes the connection between tasks: real transactions, not a wrapper.
pytestmark = pytest.mark.django_db(transaction=True)

ADDRESS = "warga.genteng@example.org"


def run_worker():
    """Run the real task queue once (the mail queue included)."""
    call_command(
        "db_worker",
        "--batch",
        "--queue-name",
        "*",
        "--no-startup-delay",
        "--no-reload",
        verbosity=0,
    )


def without_tokens(response) -> str:
    """The page without its CSRF tokens (masked differently on every page)."""
    return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", response.content.decode())


def subscribe(client, email=ADDRESS, language="id", **extra):
    with translation.override(language):
        path = reverse("news:subscribe")
    data = {"email": email, "language": language, "frequency": Frequency.IMMEDIATE, **extra}
    return client.post(path, data)


def links_in(message) -> list[str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.findall(r"https?://\S+", text)


def test_double_opt_in_and_one_click_unsubscribe(client, newsroom, smtp_server, settings):
    settings.SITE_URL = "https://berita.example.org"
    r = newsroom.regency
    response = subscribe(client)
    assert response.status_code == 302
    assert response["Location"] == "/id/subscribe/check-your-inbox/"
    assert smtp_server.messages == []  # sent by the task queue, not in the request
    run_worker()
    [confirmation] = smtp_server.to(ADDRESS)
    assert confirmation["Subject"].startswith("Konfirmasi langganan berita")
    unsubscribe_header = confirmation["List-Unsubscribe"]
    assert "<https://berita.example.org/id/unsubscribe/" in unsubscribe_header
    assert "<mailto:" in unsubscribe_header
    assert confirmation["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Nothing else arrives before the link is clicked, even when news is published.
    make_article(r, title_id="Berita sebelum konfirmasi", title_en="News before confirming")
    services.send_digest(regency=r, frequency=Frequency.IMMEDIATE)
    run_worker()
    assert len(smtp_server.to(ADDRESS)) == 1

    confirm_url = next(u for u in links_in(confirmation) if "/subscribe/confirm/" in u)
    path = confirm_url.removeprefix("https://berita.example.org")
    page = client.get(path)  # a link scanner opening the link confirms nothing
    assert page.status_code == 200
    assert Subscriber.objects.get(email=ADDRESS).status == SubscriberStatus.PENDING
    assert client.post(path).status_code == 200
    subscriber = Subscriber.objects.get(email=ADDRESS)
    assert subscriber.status == SubscriberStatus.CONFIRMED

    make_article(r, title_id="Berita setelah konfirmasi", title_en="News after confirming")
    services.send_digest(regency=r, frequency=Frequency.IMMEDIATE)
    messages = smtp_server.to(ADDRESS)
    assert len(messages) == 2
    digest = messages[1]
    assert digest["Subject"] == "Berita setelah konfirmasi"  # only news after confirming
    assert "Berita sebelum konfirmasi" not in digest.get_body(("plain",)).get_content()
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert any("/id/subscription/" in u for u in links_in(digest))  # manage preferences

    # The mail client's one-click POST: no session, no CSRF token.
    url = re.search(r"<(https://[^>]+)>", digest["List-Unsubscribe"]).group(1)
    one_click = Client(enforce_csrf_checks=True).post(
        url.removeprefix("https://berita.example.org"),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert one_click.status_code == 200
    assert Subscriber.objects.get(email=ADDRESS).status == SubscriberStatus.UNSUBSCRIBED
    make_article(r, title_id="Berita setelah berhenti", title_en="News after unsubscribing")
    services.send_digest(regency=r, frequency=Frequency.IMMEDIATE)
    assert len(smtp_server.to(ADDRESS)) == 2


def test_answer_never_reveals_whether_an_address_is_subscribed(client, newsroom, smtp_server):
    r = newsroom.regency
    known = "sudah@example.org"
    subscribe(client, email=known, language="en", frequency=Frequency.DAILY)
    run_worker()
    subscriber = Subscriber.objects.get(email=known)
    services.confirm_subscription(subscriber=subscriber)
    first = subscribe(client, email=known, language="id")  # someone tries the known address
    fresh = subscribe(client, email="baru@example.org", language="id")
    assert first.status_code == fresh.status_code == 302
    assert first["Location"] == fresh["Location"]
    assert without_tokens(client.get(first["Location"])) == without_tokens(
        client.get(fresh["Location"])
    )
    run_worker()
    [_confirmation, notice] = smtp_server.to(known)
    # The owner hears about it, in their own language, with the manage link only.
    assert notice["Subject"] == f"You already receive the news of {r.name}"
    assert not any("/confirm/" in u for u in links_in(notice))
    assert any("/en/subscription/" in u for u in links_in(notice))
    # ...and nobody else could change the owner's choices.
    subscriber.refresh_from_db()
    assert (subscriber.language, subscriber.frequency) == ("en", Frequency.DAILY)
    [fresh_mail] = smtp_server.to("baru@example.org")
    assert fresh_mail["Subject"].startswith("Konfirmasi langganan")


def test_requests_are_rate_limited_per_address_and_per_client(client, newsroom, smtp_server):
    for _ in range(5):
        assert subscribe(client, email="ulang@example.org").status_code == 302
    run_worker()
    # Five requests, three emails: the address limit is silent (same answer).
    assert len(smtp_server.to("ulang@example.org")) == services.EMAIL_LIMIT
    for i in range(services.IP_LIMIT - 5):
        assert subscribe(client, email=f"lain{i}@example.org").status_code == 302
    blocked = subscribe(client, email="terakhir@example.org")
    assert blocked.status_code == 429
    assert "Terlalu banyak permintaan" in blocked.content.decode()
    assert not Subscriber.objects.filter(email="terakhir@example.org").exists()
    other_client = Client(REMOTE_ADDR="10.0.0.7")
    assert subscribe(other_client, email="terakhir@example.org").status_code == 302


def test_bad_input_gets_a_translated_error_and_keeps_what_was_typed(client, newsroom):
    response = subscribe(client, email="bukan-email")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Masukkan alamat email yang valid" in html
    assert 'value="bukan-email"' in html
    assert not Subscriber.objects.exists()


def test_manage_preferences_unsubscribe_and_erase(client, newsroom, smtp_server):
    r = newsroom.regency
    subscribe(client, email="atur@example.org")
    subscriber = Subscriber.objects.get(email="atur@example.org")
    services.confirm_subscription(subscriber=subscriber)
    path = reverse("news:manage", kwargs={"key": subscriber.key})
    page = client.get(path)
    assert page.status_code == 200 and "atur@example.org" in page.content.decode()
    saved = client.post(
        path,
        {"language": "en", "frequency": Frequency.DAILY, "topics": [newsroom.cluster.pk]},
    )
    assert saved.status_code == 200
    subscriber.refresh_from_db()
    assert (subscriber.language, subscriber.frequency) == ("en", Frequency.DAILY)
    assert list(subscriber.topics.all()) == [newsroom.cluster]
    assert client.get(reverse("news:manage", kwargs={"key": "not-a-key"})).status_code == 404
    client.post(path, {"action": "erase"})
    assert not Subscriber.objects.filter(email="atur@example.org").exists()
    assert not Dispatch.objects.filter(regency=r, kind=DispatchKind.CONFIRM).exists()


def test_confirmation_link_is_signed_and_expires(client, newsroom, monkeypatch):
    subscribe(client, email="kadaluwarsa@example.org")
    subscriber = Subscriber.objects.get(email="kadaluwarsa@example.org")
    token = services.confirmation_token(subscriber)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.post(reverse("news:confirm", kwargs={"token": tampered})).status_code == 404
    import time

    real = time.time
    with monkeypatch.context() as later:
        later.setattr(time, "time", lambda: real() + 8 * 24 * 3600)
        assert client.post(reverse("news:confirm", kwargs={"token": token})).status_code == 404
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING
    assert client.post(reverse("news:confirm", kwargs={"token": token})).status_code == 200


def test_addresses_without_a_domain_name_are_refused_and_real_ones_accepted(
    client, newsroom, smtp_server
):
    """``user@localhost`` passes Django's check but reaches nobody: refused, saying why,
    with no email sent; real addresses (also internationalised domains) are accepted."""
    for email, language, reason in [
        ("warga@localhost", "id", "Bagian setelah @ harus berupa nama domain lengkap"),
        ("warga@intranet", "en", "The part after @ must be a full domain name with a dot"),
        ("warga@[127.0.0.1]", "en", "The part after @ must be a full domain name with a dot"),
    ]:
        response = subscribe(client, email=email, language=language)
        assert response.status_code == 400
        html = response.content.decode()
        assert reason in html
        assert "nama@banyuwangikab.go.id" in html
    response = subscribe(client, email="bukan-email")
    html = response.content.decode()
    assert "Masukkan alamat email yang valid" in html
    assert "nama domain lengkap" not in html  # one error for one mistake
    run_worker()
    assert not Subscriber.objects.exists() and smtp_server.messages == []
    accepted = ["Warga.Genteng@Dinkes.BanyuwangiKab.go.id", "pembaca@bányuwangi.id"]
    for email in accepted:
        assert subscribe(client, email=email).status_code == 302
    run_worker()
    assert len(smtp_server.to("Warga.Genteng@dinkes.banyuwangikab.go.id")) == 1
    assert Subscriber.objects.count() == 2


def test_confirmation_link_opened_again_says_it_is_already_confirmed(client, newsroom):
    subscribe(client, email="dua-kali@example.org")
    subscriber = Subscriber.objects.get(email="dua-kali@example.org")
    token = services.confirmation_token(subscriber)
    path = reverse("news:confirm", kwargs={"token": token})
    assert "Ya, konfirmasi" in client.get(path).content.decode()
    assert client.post(path).status_code == 200
    for method in (client.get, client.post):
        page = method(path)
        assert page.status_code == 200
        html = page.content.decode()
        assert "Langganan Anda sudah terkonfirmasi" in html
        assert "dua-kali@example.org" in html
        assert reverse("news:manage", kwargs={"key": subscriber.key}) in html
        assert "Ya, konfirmasi" not in html
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED
    # After unsubscribing the old link confirms nothing and offers nothing.
    services.unsubscribe(subscriber=subscriber)
    page = client.get(path)
    assert page.status_code == 404
    assert "Tautan ini tidak (lagi) berlaku" in page.content.decode()
    assert client.post(path).status_code == 404
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
