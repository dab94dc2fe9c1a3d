"""Browser journey: sign in, switch language, browse the organisation tree (real Chromium)."""

import pytest

from tests.conftest import sign_in_browser
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_switch_language_and_browse_the_tree(live_server, personas, browser_context):
    page = browser_context.new_page()
    sign_in_browser(page, live_server, personas.kasi.username, PASSWORD)
    assert page.locator("h1").first.inner_text().startswith("Halo")

    page.click("text=Organisasi")
    page.wait_for_selector("text=Pohon unit")
    # Open the health agency: its sub-units arrive through HTMX.
    page.click("summary:has-text('Dinas Kesehatan') >> nth=0")
    page.wait_for_selector("a:has-text('Bidang Pelayanan Kesehatan')")
    page.click("a:has-text('Bidang Pelayanan Kesehatan')")
    page.wait_for_selector("h1:has-text('Bidang Pelayanan Kesehatan')")
    assert "Jabatan dan pemegangnya" in page.content()

    page.click("button[lang=en]")
    page.wait_for_selector("text=Positions and who holds them")
    # The choice is remembered on the next page and after signing in again.
    page.click("text=Clusters")
    page.wait_for_selector("h1:has-text('Clusters')")
    personas.kasi.refresh_from_db()
    assert personas.kasi.language == "en"
