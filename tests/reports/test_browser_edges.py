"""On a phone, when things go wrong: signed out while a report waits offline, a refused
photo, a verifier's decision without the comment it needs."""

import re
import time

import pytest

from superteam.reports.models import Report, ReportStatus
from superteam.reports.services import regency_today
from tests.conftest import sign_in_browser
from tests.reports.helpers import jpeg, pustu_gps, queue_offline, submit, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_report_queued_offline_waits_for_sign_in_and_is_then_sent_once(
    personas, reporting, live_server, phone_context
):
    today = regency_today(personas.regency)
    page = phone_context.new_page()
    sign_in_browser(page, live_server, personas.staff.username)
    page.goto(f"{live_server.url}/reports/new/")
    queue_offline(
        page,
        phone_context,
        title="Kunjungan nifas Dusun Sumberan",
        narrative="Tiga ibu nifas dikunjungi.",
        photo=jpeg(9, day=today, gps=pustu_gps(personas)),
        name="IMG_0009.jpg",
    )
    # Signed out while offline (the session ended); then the signal returns.
    phone_context.clear_cookies()
    phone_context.set_offline(False)
    page.wait_for_function(
        "document.getElementById('report-status').textContent.includes('masuk lagi')",
        timeout=30000,
    )
    assert "Kunjungan nifas Dusun Sumberan" in page.inner_text("#report-queue")
    assert "tidak diterima" not in page.inner_text("#report-queue")
    assert page.locator("#report-status a").get_attribute("href").startswith("/accounts/login/")
    assert Report.objects.count() == 0
    # Signed in again (a new session, a new CSRF token): the report goes, once.
    sign_in_browser(page, live_server, personas.staff.username)
    page.goto(f"{live_server.url}/reports/new/")
    assert wait_for(lambda: Report.objects.count() == 1, timeout=30), "never sent"
    page.wait_for_selector("#report-queue", state="hidden")
    time.sleep(1)
    assert Report.objects.get().title == "Kunjungan nifas Dusun Sumberan"


def test_a_refused_photo_is_said_once_and_brought_into_view(
    personas, reporting, live_server, phone_context
):
    page = phone_context.new_page()
    sign_in_browser(page, live_server, personas.staff.username)
    page.goto(f"{live_server.url}/reports/new/")
    page.fill("#id_title", "Posyandu balita")
    page.fill("#id_narrative", "Penimbangan 30 balita.")
    page.set_input_files(
        "#id_photos",
        files=[
            {"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": b"<html>bukan foto</html>"}
        ],
    )
    page.click("#report-form button[type=submit]")
    page.wait_for_selector("#report-status.bad")
    status = page.inner_text("#report-status")
    assert "foto.jpg" in status
    assert status.count("foto.jpg adalah") == 1, status  # not said twice
    assert page.evaluate("document.activeElement.id") == "report-status"
    top = page.evaluate("document.getElementById('report-status').getBoundingClientRect().top")
    assert 0 <= top < 844
    assert Report.objects.count() == 0


def test_a_verifier_sees_why_a_decision_was_not_recorded_and_when_it_was(
    personas, reporting, live_server, phone_context
):
    today = regency_today(personas.regency)
    report = submit(personas, today, key="browser-verify-1").report
    page = phone_context.new_page()
    sign_in_browser(page, live_server, personas.verifier.username)
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    page.check("input[name=decision][value=on_hold]")
    page.click("#verification button[type=submit]")
    page.wait_for_selector("#verification .errorlist")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    page.check("input[name=decision][value=on_hold]")
    page.fill("textarea[name=comment]", "Foto kurang jelas, mohon kirim ulang.")
    page.click("#verification button[type=submit]")
    page.wait_for_selector("#verification .msg-success")
    assert re.search(r"Keputusan (dicatat|tersimpan)", page.inner_text("#verification"))
    report.refresh_from_db()
    assert report.status == ReportStatus.ON_HOLD
    # The status under the title agrees at once, and no decision is pre-chosen any more.
    assert page.inner_text("#report-status-badge") == "Ditunda"
    assert page.locator("input[name=decision]:checked").count() == 0


def test_a_refused_queued_report_can_be_put_back_in_the_form(
    personas, reporting, live_server, phone_context
):
    page = phone_context.new_page()
    sign_in_browser(page, live_server, personas.staff.username)
    page.goto(f"{live_server.url}/reports/new/")
    queue_offline(
        page,
        phone_context,
        title="Penyuluhan gizi Desa Kembiritan",
        narrative="Dua puluh ibu balita hadir.",
        photo=b"<html>bukan foto</html>",
        name="foto.jpg",
    )
    assert page.input_value("#id_title") == ""
    phone_context.set_offline(False)
    page.wait_for_selector("#report-queue li button", timeout=30000)  # refused: the buttons
    assert "tidak diterima" in page.inner_text("#report-queue")
    page.click("#report-queue li button:has-text('Kembalikan ke formulir')")
    page.wait_for_selector("#report-queue", state="hidden")
    assert page.input_value("#id_title") == "Penyuluhan gizi Desa Kembiritan"
    assert page.input_value("#id_narrative") == "Dua puluh ibu balita hadir."
    assert page.evaluate("document.getElementById('id_photos').files[0].name") == "foto.jpg"
    assert "foto.jpg" in page.inner_text("#report-status")  # why it was refused
    assert Report.objects.count() == 0


def test_on_a_shared_phone_a_waiting_report_is_sent_only_by_its_author(
    personas, reporting, live_server, phone_context
):
    """A nurse queues a report offline and her session ends; a colleague signs in on the
    same phone: he does not see it, and it is not stored as his; once she signs in again it
    is sent as hers."""
    today = regency_today(personas.regency)
    page = phone_context.new_page()
    sign_in_browser(page, live_server, personas.staff.username)
    page.goto(f"{live_server.url}/reports/new/")
    queue_offline(
        page,
        phone_context,
        title="Imunisasi dasar Dusun Krajan",
        narrative="Dua belas bayi diimunisasi.",
        photo=jpeg(10, day=today),
        name="IMG_0010.jpg",
    )
    phone_context.clear_cookies()
    phone_context.set_offline(False)
    sign_in_browser(page, live_server, personas.head.username)
    page.goto(f"{live_server.url}/reports/new/")
    page.wait_for_timeout(3000)  # the page flushes its queue on load, the worker may sync
    assert page.locator("#report-queue").is_hidden()
    assert Report.objects.count() == 0
    phone_context.clear_cookies()  # he signs out; she signs in
    sign_in_browser(page, live_server, personas.staff.username)
    page.goto(f"{live_server.url}/reports/new/")
    assert wait_for(lambda: Report.objects.count() == 1, timeout=30), "never sent"
    assert Report.objects.get().author == personas.staff


def test_offline_the_form_opens_in_the_language_chosen_last(
    personas, reporting, live_server, phone_context
):
    """The form was opened in English; the person switches to Indonesian elsewhere, then
    loses the signal: the form still opens, in Indonesian (the service worker keeps a copy
    in each language)."""
    page = phone_context.new_page()
    sign_in_browser(page, live_server, personas.staff.username)
    phone_context.add_cookies(
        [{"name": "superteam_language", "value": "en", "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/reports/new/")
    assert page.get_attribute("html", "lang") == "en"
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    kept = (
        "caches.open('superteam-reports-v3').then(c => c.keys())"
        ".then(keys => keys.map(r => r.url).filter(u => u.includes('?lang=')).length)"
    )
    assert wait_for(lambda: page.evaluate(kept) >= 2, timeout=20), "no copy per language"
    phone_context.add_cookies(
        [{"name": "superteam_language", "value": "id", "url": live_server.url}]
    )
    phone_context.set_offline(True)
    page.goto(f"{live_server.url}/reports/new/")
    assert page.get_attribute("html", "lang") == "id"
    assert "Kirim laporan" in page.inner_text("#report-form")
    phone_context.set_offline(False)
