"""Browser journey on a phone: create a token, then revoke it only after confirming."""

import pytest

from superteam.api.models import ApiToken
from tests.conftest import sign_in_browser
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_on_a_phone_the_revoke_button_is_on_screen_and_asks_first(
    live_server, personas, phone_context
):
    page = phone_context.new_page()
    sign_in_browser(page, live_server, personas.staff.username, PASSWORD)
    page.goto(f"{live_server.url}/accounts/tokens/")
    page.fill("input[name=name]", "Ponsel dinas dengan nama yang cukup panjang sekali")
    page.click("form:has(input[name=name]) button[type=submit]")
    page.wait_for_selector("#new-token")

    button = page.locator("form[action*=revoke] button")
    box = button.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390  # no sideways scroll

    page.once("dialog", lambda dialog: dialog.dismiss())
    button.click()
    page.wait_for_timeout(300)
    assert ApiToken.objects.get(person=personas.staff).revoked_at is None  # said no

    page.once("dialog", lambda dialog: dialog.accept())
    button.click()
    page.wait_for_selector("text=sudah tidak berlaku")
    assert ApiToken.objects.get(person=personas.staff).revoked_at is not None
