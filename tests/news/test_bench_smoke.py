"""The benchmark's code path at tiny size (bench/portal.py): data, load, digest, inbox."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import portal

pytestmark = pytest.mark.django_db(transaction=True)


def test_bench_code_path_at_tiny_size(live_server, settings):
    import socket

    from aiosmtpd.controller import Controller

    from superteam.news.models import Frequency
    from superteam.news.services import send_digest

    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
    regency = portal.create_regency()
    slugs = portal.create_articles(regency, 12)
    emails = portal.create_subscribers(regency, 6)
    [new] = portal.publish_new(regency, ["Berita bangku uji"])
    port = int(live_server.url.rsplit(":", 1)[1])
    paths = ["/id/", "/en/"] + [f"/en/news/{slug}/" for slug in slugs[:3]]
    result = portal.measure(port, [*paths, "/healthz"], clients=2, seconds=0.5)
    assert result["ok"] > 0 and result["bad"] == 0
    inbox = portal.Inbox()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        smtp_port = s.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_port
    try:
        run = send_digest(regency=regency, frequency=Frequency.IMMEDIATE)
    finally:
        controller.stop()
    assert run.sent == len(emails)
    assert sorted(r for r, _s, _t in inbox.received) == sorted(emails)
    assert all(slugs_got == (new.slug,) for _r, slugs_got, _t in inbox.received)
