"""Shared fixtures: a small regency with one person per role (the personas), and a browser.

Personas: regent, admin, head (kepala dinas kesehatan), kabid, kasi, staff (at a pustu),
verifier (inspektorat), outsider (signed in, holds no position), and anonymous.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass

import pytest

from superteam.org.models import PositionLevel, UnitKind
from tests import factories as f

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: ids are reused after a rollback on SQLite (a
    cached row of an earlier test would look like this test's) and not on PostgreSQL."""
    from django.core.cache import cache

    cache.clear()
    yield


ROLES = ["anonymous", "outsider", "staff", "kasi", "kabid", "head", "verifier", "admin", "regent"]


@dataclass
class Personas:
    regency: object
    root: object
    setda: object
    dinkes: object
    bidang: object
    seksi: object
    puskesmas: object
    pustu: object
    inspektorat: object
    other_dinas: object
    cluster: object
    regent: object
    admin: object
    head: object
    kabid: object
    kasi: object
    staff: object
    verifier: object
    outsider: object
    other_head: object

    def person(self, role: str):
        return None if role == "anonymous" else getattr(self, role)


@pytest.fixture
def personas(db) -> Personas:
    r = f.regency(name="Kabupaten Banyuwangi Uji")
    root = f.unit(r, kind=UnitKind.KABUPATEN, code="PEMKAB", name="Pemerintah Kabupaten Uji")
    setda = f.unit(
        r, parent=root, kind=UnitKind.SEKRETARIAT_DAERAH, code="SETDA", name="Sekretariat Daerah"
    )
    bag_org = f.unit(
        r, parent=setda, kind=UnitKind.BAGIAN, code="BAG-ORG", name="Bagian Organisasi"
    )
    dinkes = f.unit(
        r,
        parent=root,
        kind=UnitKind.DINAS,
        code="DINKES",
        name="Dinas Kesehatan",
        latitude="-8.2191",
        longitude="114.3691",
    )
    bidang = f.unit(
        r, parent=dinkes, kind=UnitKind.BIDANG, code="DINKES-B3", name="Bidang Pelayanan Kesehatan"
    )
    seksi = f.unit(
        r,
        parent=bidang,
        kind=UnitKind.SEKSI,
        code="DINKES-B3-S1",
        name="Seksi Pelayanan Kesehatan Primer",
    )
    puskesmas = f.unit(
        r,
        parent=dinkes,
        kind=UnitKind.PUSKESMAS,
        code="PKM-GENTENG",
        name="Puskesmas Genteng Kulon",
        is_frontline=True,
        latitude="-8.3660",
        longitude="114.1480",
    )
    pustu = f.unit(
        r,
        parent=puskesmas,
        kind=UnitKind.PUSTU,
        code="PKM-GENTENG-PUSTU1",
        name="Pustu Genteng Wetan",
        is_frontline=True,
        latitude="-8.3700",
        longitude="114.1550",
    )
    inspektorat = f.unit(
        r, parent=root, kind=UnitKind.INSPEKTORAT, code="INSPEKTORAT", name="Inspektorat"
    )
    other = f.unit(r, parent=root, kind=UnitKind.DINAS, code="DISPENDIK", name="Dinas Pendidikan")
    cluster = f.cluster(
        r,
        lead=dinkes,
        units=[dinkes, puskesmas],
        code="kesehatan",
        name="Kesehatan",
        name_en="Health",
    )
    return Personas(
        regency=r,
        root=root,
        setda=setda,
        dinkes=dinkes,
        bidang=bidang,
        seksi=seksi,
        puskesmas=puskesmas,
        pustu=pustu,
        inspektorat=inspektorat,
        other_dinas=other,
        cluster=cluster,
        regent=f.holder(root, PositionLevel.REGENT, title="Bupati", code="BUPATI"),
        admin=f.holder(bag_org, PositionLevel.STAFF, title="Admin SuperTeam", is_admin=True),
        head=f.holder(
            dinkes, PositionLevel.HEAD, title="Kepala Dinas Kesehatan", code="DINKES-HEAD"
        ),
        kabid=f.holder(
            bidang,
            PositionLevel.KABID,
            title="Kepala Bidang Pelayanan Kesehatan",
            code="DINKES-B3-HEAD",
        ),
        kasi=f.holder(seksi, PositionLevel.KASI, title="Kepala Seksi Pelayanan Kesehatan Primer"),
        staff=f.holder(pustu, PositionLevel.STAFF, title="Perawat Pustu"),
        verifier=f.holder(
            inspektorat, PositionLevel.FUNCTIONAL, title="Auditor Ahli Muda", is_verifier=True
        ),
        outsider=f.person(r, full_name="Tanpa Jabatan"),
        other_head=f.holder(other, PositionLevel.HEAD, title="Kepala Dinas Pendidikan"),
    )


@pytest.fixture
def client_as(client):
    """``client_as(person)``: the test client signed in as that person (None: anonymous)."""

    def sign_in(person):
        client.logout()
        if person is not None:
            client.force_login(person)
        return client

    return sign_in


# --- Browser tests ----------------------------------------------------------------------


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    if os.environ.get("REQUIRE_BROWSER"):
        raise pytest.UsageError(f"REQUIRE_BROWSER is set but Chromium is missing at {CHROMIUM}")
    skip = pytest.mark.skip(
        reason=f"browser tests need Chromium at {CHROMIUM} (apt install chromium)"
    )
    skipped = 0
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)
            skipped += 1
    if skipped:
        print(f"\nNOTE: {skipped} browser test(s) skipped: Chromium not found at {CHROMIUM}.")


@pytest.fixture(scope="session")
def _playwright_browser():
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the
    # test body are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_context(_playwright_browser):
    """A fresh browser context (a desktop window)."""
    context = _playwright_browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="id-ID"
    )
    context.set_default_timeout(15000)
    yield context
    context.close()


@pytest.fixture
def phone_context(_playwright_browser):
    """A fresh browser context the size of a phone, with touch."""
    context = _playwright_browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="id-ID",
    )
    context.set_default_timeout(15000)
    yield context
    context.close()


def sign_in_browser(page, live_server, username: str, password: str = f.PASSWORD) -> None:
    """Sign in through the real form."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")


# --- A real SMTP server ------------------------------------------------------------------


class _Inbox:
    """Messages received by the test SMTP server, parsed with the standard library."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        import email
        from email import policy

        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(
            {"from": envelope.mail_from, "to": list(envelope.rcpt_tos), "message": message}
        )
        return "250 Message accepted for delivery"

    def to(self, address):
        return [m["message"] for m in self.messages if address in m["to"]]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on a free local port; Django's mail goes to it.

    Yields the inbox: ``smtp_server.messages`` (dicts with from, to, message) and
    ``smtp_server.to(address)`` (parsed ``email.message.EmailMessage`` objects).
    """
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox
    finally:
        controller.stop()
