"""A nurse at a pustu reports from her phone, with a photo, online and then offline."""

import re
import time

import pytest

from superteam.reports.models import Channel, Report
from superteam.reports.services import regency_today
from tests.conftest import sign_in_browser
from tests.reports.helpers import jpeg, pustu_gps, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_report_with_a_photo_from_a_phone_online_and_offline(
    personas, reporting, live_server, phone_context
):
    today = regency_today(personas.regency)
    photo = jpeg(1, day=today, gps=pustu_gps(personas))
    page = phone_context.new_page()
    sign_in_browser(page, live_server, personas.staff.username)
    page.goto(f"{live_server.url}/reports/new/")
    assert page.viewport_size["width"] == 390
    # The form fits the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")

    # Online: the report and its photo are stored, the phone shows the report.
    page.fill("#id_title", "Jemput bola lansia Dusun Krajan")
    page.fill("#id_narrative", "Kunjungan rumah ke 12 lansia, tekanan darah diperiksa.")
    page.set_input_files(
        "#id_photos", files=[{"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": photo}]
    )
    page.click("#report-form button[type=submit]")
    page.wait_for_url(re.compile(r"/reports/\d+/$"), timeout=20000)
    report = Report.objects.get()
    assert page.url.endswith(f"/reports/{report.pk}/")
    assert report.photos.get().byte_size == len(photo)
    assert "Jemput bola lansia Dusun Krajan" in page.content()

    # A draft survives a reload.
    page.goto(f"{live_server.url}/reports/new/")
    page.fill("#id_title", "Posyandu lansia sore")
    page.fill("#id_narrative", "Sinyal hilang di Dusun Sumberan.")
    page.reload()
    assert page.input_value("#id_title") == "Posyandu lansia sore"

    # Offline: the page still opens (service worker), the report waits on the phone.
    phone_context.set_offline(True)
    page.reload()
    assert page.input_value("#id_title") == "Posyandu lansia sore"
    page.set_input_files(
        "#id_photos",
        files=[{"name": "IMG_0002.jpg", "mimeType": "image/jpeg", "buffer": jpeg(2, day=today)}],
    )
    page.click("#report-form button[type=submit]")
    page.wait_for_selector("#report-queue li")
    status = page.inner_text("#report-status")
    assert "Tidak ada sinyal" in status
    assert "Posyandu lansia sore" in page.inner_text("#report-queue")
    assert Report.objects.count() == 1
    assert page.input_value("#id_title") == ""  # ready for the next report

    # Back online: the queued report is sent by itself, once.
    phone_context.set_offline(False)
    # (the "online" event, or the page's retry every ten seconds if the event is missed)
    assert wait_for(lambda: Report.objects.count() == 2, timeout=45), (
        "the queued report never arrived"
    )
    page.wait_for_selector("#report-queue", state="hidden")
    queued = Report.objects.get(title="Posyandu lansia sore")
    assert queued.channel == Channel.OFFLINE
    assert queued.photos.get().original_name == "IMG_0002.jpg"
    time.sleep(1)
    assert Report.objects.count() == 2
