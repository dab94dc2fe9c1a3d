"""The account menu in the header opens in full on a phone and on a desktop: it sat in
the menu strip that scrolls sideways, which cut it to the strip's height (43 of 173 px),
so "Sign out" could not be tapped."""

import pytest

from tests.conftest import sign_in_browser
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_account_menu_opens_in_full_and_signs_out(live_server, personas, phone_context):
    page = phone_context.new_page()
    sign_in_browser(page, live_server, personas.head.username, PASSWORD)
    page.goto(f"{live_server.url}/reports/mine/")
    page.click(".user-menu summary")
    sign_out = page.locator(".user-menu button[type=submit]")
    box = sign_out.bounding_box()
    assert box and box["height"] > 20 and box["x"] >= 0 and box["x"] + box["width"] <= 391
    # What is under the button's centre is the button itself, not the page below it.
    hit = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('.user-menu') !== null",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert hit
    for item in ("Profil saya", "Ganti kata sandi"):
        assert page.locator(f".user-menu >> text={item}").is_visible()
    sign_out.click()
    page.wait_for_url("**/")
    assert page.locator(".user-menu").count() == 0  # signed out: no account menu
