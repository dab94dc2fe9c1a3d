"""Browser journey (real Chromium): a nurse proposes an idea, the head of health makes it an
innovation and rolls it out, the nurse files evidence, a verifier accepts it, an admin
publishes, and the public leaderboard shows the health centre."""

import pytest
from django.utils import timezone

from superteam.innovations.models import Innovation
from tests.conftest import sign_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def as_user(context, live_server, person):
    context.clear_cookies()
    page = context.new_page()
    sign_in_browser(page, live_server, person.username)
    return page


def test_from_idea_to_the_public_leaderboard(
    live_server, personas, browser_context, phone_context, private_media
):
    p = personas
    # The nurse proposes an idea from her phone.
    page = as_user(phone_context, live_server, p.staff)
    page.goto(f"{live_server.url}/innovations/ideas/new/")
    page.select_option("#id_unit", str(p.puskesmas.pk))
    page.fill("#id_title", "Pengingat Minum Obat")
    page.fill("#id_problem", "Pasien hipertensi sering lupa minum obat.")
    page.fill("#id_proposal", "Pengingat otomatis lewat WhatsApp dari pustu.")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Terima kasih!")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The head of health reviews it and makes it an innovation of the puskesmas.
    page = as_user(browser_context, live_server, p.head)
    page.goto(f"{live_server.url}/innovations/ideas/")
    page.click("text=Pengingat Minum Obat")
    page.check("input[name=decision][value=promote]")
    page.select_option("#id_owner_unit", str(p.puskesmas.pk))
    page.click("text=Simpan keputusan")
    page.wait_for_selector("h1:has-text('Pengingat Minum Obat')")
    assert "gagasan " + p.staff.full_name in page.content()
    # ... and rolls it out today.
    page.click("text=Ubah tahapan")
    page.select_option("#id_stage", "penerapan")
    page.fill("#id_on", timezone.localdate().isoformat())
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=kini pada tahap Penerapan")
    innovation = Innovation.objects.get(title="Pengingat Minum Obat")

    # The nurse files evidence for the legal basis, as a link.
    page = as_user(phone_context, live_server, p.staff)
    page.goto(f"{live_server.url}/innovations/{innovation.pk}/evidence/new/?indicator=regulasi")
    page.check("input[name=level][value='2']")
    page.fill("#id_link", "https://jdih.example.org/perbup-12-2025")
    page.click("text=Kirim untuk diverifikasi")
    page.wait_for_selector("text=Bukti dukung terkirim")

    # The verifier accepts it from the queue.
    page = as_user(browser_context, live_server, p.verifier)
    page.click("text=Verifikasi bukti dukung")
    page.wait_for_selector("text=Regulasi inovasi")
    page.check("input[name=decision][value=accept]")
    page.click("main form.verify-inline button[type=submit]")
    page.wait_for_selector("text=Diterima: kini dihitung dalam indeks.")

    # An admin publishes; the public (not signed in) sees the health centre ranked.
    page = as_user(browser_context, live_server, p.admin)
    page.goto(f"{live_server.url}/scoring/?family=puskesmas&view=live")
    assert "Puskesmas Genteng Kulon" in page.content()
    page.click("text=Terbitkan nilai sekarang")
    page.wait_for_selector("text=nilai terbit")
    browser_context.clear_cookies()
    public = browser_context.new_page()
    public.goto(f"{live_server.url}/scoring/public/?family=puskesmas")
    row = public.locator("tbody tr", has_text="Puskesmas Genteng Kulon")
    assert row.count() == 1
    assert "Kurang Inovatif" in row.inner_text()
