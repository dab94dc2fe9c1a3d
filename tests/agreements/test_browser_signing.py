"""Browser journey (real Chromium): the kabid and the head of Dinkes each open the joint
agreement, confirm and enter their password, and it comes into force; anyone can then
verify it on the public page without signing in. On a phone-sized screen."""

import pytest

from superteam.agreements.models import AgreementStatus
from tests.conftest import sign_in_browser
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_as(context, live_server, person, agreement, password=PASSWORD):
    page = context.new_page()
    sign_in_browser(page, live_server, person.username, PASSWORD)
    page.goto(f"{live_server.url}/agreements/")
    page.click(f"a:has-text('{agreement.title}') >> nth=0")
    page.click("a:has-text('Tandatangani')")
    page.wait_for_selector("h1:has-text('Tandatangani versi 1')")
    page.check("input[name=confirm]")
    page.fill("input[name=password]", password)
    page.click("button:has-text('Tandatangani dengan kunci saya')")
    page.wait_for_load_state("networkidle")
    return page


def test_kabid_and_head_sign_a_joint_agreement_and_it_comes_into_force(
    live_server, personas, circulating, phone_context
):
    # The kabid first mistypes the password: refused, nothing signed.
    page = sign_as(phone_context, live_server, personas.kabid, circulating, password="keliru")
    assert "Kata sandi salah. Tidak ada yang ditandatangani." in page.content()
    page.fill("input[name=password]", PASSWORD)
    page.check("input[name=confirm]")
    page.click("button:has-text('Tandatangani dengan kunci saya')")
    page.wait_for_selector("text=Menunggu pihak lainnya")
    assert "1 dari 2 pihak sudah menandatangani" in page.content()
    # Nothing overflows sideways on a 390 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 392
    page.close()
    phone_context.clear_cookies()

    page = sign_as(phone_context, live_server, personas.head, circulating)
    page.wait_for_selector("text=Semua pihak kini telah menandatangani")
    assert "versi 1 berlaku" in page.content()
    circulating.refresh_from_db()
    assert circulating.status == AgreementStatus.ACTIVE

    # The public verification page, as the QR code on the PDF leads to it.
    phone_context.clear_cookies()
    page.goto(f"{live_server.url}/v/{circulating.active_version.short_code}")
    verdict = page.locator(".verdict")
    assert "Sah" in verdict.inner_text() and "Valid" in verdict.inner_text()
    assert page.locator("td:has-text('sah')").count() >= 2
