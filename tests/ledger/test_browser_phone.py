"""The ledger page on a phone: events read in words, the filter fits the screen and works."""

import pytest

from superteam.ledger.services import record
from tests.conftest import sign_in_browser
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_on_a_phone_the_regent_reads_events_and_filters_by_app(
    live_server, personas, phone_context
):
    record(regency=personas.regency, kind="reports.verified", payload={})
    record(regency=personas.regency, kind="agreements.circulated", payload={})
    page = phone_context.new_page()
    sign_in_browser(page, live_server, personas.regent.username, PASSWORD)
    page.goto(f"{live_server.url}/ledger/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    select = page.locator("#l-kind")
    box = select.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    cell = page.locator("tbody td", has_text="Perjanjian kinerja dikirim untuk ditandatangani")
    assert cell.is_visible()

    select.select_option("reports.")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "kind=reports." in page.url
    assert page.locator("tbody td", has_text="Laporan diperiksa verifikator").is_visible()
    assert page.locator("tbody code", has_text="agreements.circulated").count() == 0

    page.click("text=Untuk administrator sistem")
    command = page.locator("details pre")
    assert command.is_visible()
    box = command.bounding_box()
    assert box and box["x"] + box["width"] <= 390
    page.screenshot(path="/tmp/ledgerwork/phone.png", full_page=True)
