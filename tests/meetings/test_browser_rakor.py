"""Browser journey (real Chromium): an organiser creates and schedules a rakor, a kasi checks
in by the session's QR URL on a phone, and a decision becomes a draft joint agreement."""

import datetime
import re

import pytest

from superteam.meetings.models import Attendance, Decision, Room, Session
from superteam.org.models import Position
from tests.conftest import sign_in_browser
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_schedule_check_in_and_decide(
    live_server, personas, browser_context, phone_context, immediate_tasks, settings, clock
):
    settings.SITE_URL = live_server.url
    Room.objects.create(regency=personas.regency, name="Pendopo Uji", capacity=100)
    personas.cluster.coordinator = Position.objects.get(code="DINKES-HEAD")
    personas.cluster.save()

    # The organiser creates the rakor and lets the solver schedule it.
    page = browser_context.new_page()
    sign_in_browser(page, live_server, personas.admin.username, PASSWORD)
    page.goto(f"{live_server.url}/meetings/")
    page.click("text=Rakor baru")
    page.fill("#id_title", "Rakor Klaster Uji")
    page.fill("#id_start_date", "2026-01-05")
    page.fill("#id_end_date", "2026-01-06")
    page.check("text=Pendopo Uji")
    page.click("main button[type=submit]")
    page.wait_for_selector("h1:has-text('Rakor Klaster Uji')")
    page.click("text=Susun jadwal dengan penjadwal")
    page.wait_for_selector("text=Jadwal terbaik ditemukan")
    page.reload()
    page.wait_for_selector("text=Jadwal memenuhi semua aturan.")
    session = Session.objects.get(rakor__title="Rakor Klaster Uji")
    assert session.is_placed
    assert page.locator(".timeline .slot").count() == 1
    # From here on it is the morning of the session (check-in is open only then).
    clock(session.starts_at + datetime.timedelta(minutes=5))

    # The organiser shows the QR code; it leads to the check-in URL.
    page.click(f"a[href='/meetings/sessions/{session.pk}/']")
    page.wait_for_selector("img[src$='qr.svg']")
    checkin_url = page.locator(".qr a").get_attribute("href")
    assert re.search(r"/meetings/checkin/[\w-]+/$", checkin_url)

    # A kasi scans it on a phone: signs in, confirms presence.
    phone = phone_context.new_page()
    sign_in_browser(phone, live_server, personas.kasi.username, PASSWORD)
    phone.goto(checkin_url)
    phone.click("text=Saya hadir")
    phone.wait_for_selector("text=Kehadiran Anda tercatat")
    assert Attendance.objects.filter(session=session, person=personas.kasi, method="qr").exists()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # The organiser sees the attendance and records a decision ...
    page.reload()
    assert "1 hadir" in page.content()
    page.click("text=Catat keputusan")
    page.fill("#id_text", "Jemput bola: petugas puskesmas mengunjungi lansia di rumah")
    owner = Position.objects.get(code="DINKES-B3-HEAD")
    page.select_option("#id_owner_position", value=str(owner.pk))
    page.select_option("#id_contributing_units", label="Puskesmas Genteng Kulon")
    page.fill("#id_indicator_name", "Lansia dikunjungi di rumah")
    page.fill("#id_unit_of_measure", "orang")
    page.fill("#id_target", "500")
    page.fill("#id_deadline", "2026-12-31")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Keputusan dicatat.")

    # ... and turns the session's decisions into a draft joint agreement sent for signing.
    page.click("text=Jadikan 1 keputusan draf perjanjian bersama")
    page.wait_for_url(re.compile(r"/agreements/\d+/$"))
    decision = Decision.objects.get()
    assert decision.agreement is not None
    assert decision.agreement.status == "circulating"
    assert (
        "Perjanjian bersama: Klaster" in page.content()
        or decision.agreement.title in page.content()
    )
