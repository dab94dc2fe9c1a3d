"""Browser (real Chromium, phone-sized): the draft agreement page with its editing column
fits a 390 px screen; wide tables scroll inside their own box."""

import pytest
from django.urls import reverse

from tests.conftest import sign_in_browser
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_draft_page_does_not_pan_sideways_on_a_phone(
    live_server, personas, draft, phone_context
):
    page = phone_context.new_page()
    sign_in_browser(page, live_server, personas.head.username, PASSWORD)
    page.goto(live_server.url + reverse("agreements:detail", args=[draft.pk]))
    page.wait_for_selector("text=Angka kematian ibu")
    assert page.locator("form[action$='/remove/'] button").count() == 2  # the Actions column
    # (A visually hidden header, positioned against the page, once stuck out of the table's
    # scrolling box and made the whole page 637 px wide.)
    assert page.evaluate("document.documentElement.scrollWidth") <= 392
    wrap = page.locator(".table-wrap:has(form[action$='/remove/'])")
    assert wrap.evaluate("e => e.scrollWidth > e.clientWidth")  # the table scrolls inside
