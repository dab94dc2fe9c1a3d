"""Browser journeys on a phone (390 px): an admin imports a workbook; a colleague browses."""

from __future__ import annotations

import pytest

from superteam.org.exchange import export_rows
from superteam.org.models import Unit
from superteam.org.workbook import write_workbook
from tests.conftest import sign_in_browser
from tests.org.conftest import row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_admin_checks_a_workbook_fixes_it_and_imports_it_on_a_phone(
    live_server, personas, phone_context, tmp_path, settings
):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    rows = export_rows(regency=personas.regency, language="id")
    rows["units"].append(
        row("units", code="PKM-SEMPU", parent="DINKES", kind="puskesmas", name="Puskesmas Sempu")
    )
    good = tmp_path / "organisasi.xlsx"
    good.write_bytes(write_workbook(rows, language="id"))
    rows["units"].append(row("units", code="X1", parent="TIDAK-ADA", kind="seksi", name="X"))
    bad = tmp_path / "organisasi-salah.xlsx"
    bad.write_bytes(write_workbook(rows, language="id"))

    page = phone_context.new_page()
    sign_in_browser(page, live_server, personas.admin.username)
    page.click("nav.main-nav >> text=Impor dan ekspor")
    page.wait_for_selector("h1:has-text('Impor dan ekspor organisasi')")
    assert fits_the_screen(page)
    with page.expect_download() as download:
        page.click("text=Templat kosong (.xlsx)")
    assert download.value.suggested_filename == "templat-organisasi.xlsx"

    page.set_input_files("input[type=file]", str(bad))
    page.click("text=Periksa berkas")
    page.wait_for_selector("text=Tidak ada yang diimpor: 1 baris perlu diperbaiki.")
    problem = page.locator(".problems tbody tr").first.inner_text()
    assert "Unit" in problem and str(len(rows["units"]) + 1) in problem and "TIDAK-ADA" in problem
    assert page.locator("text=Impor sekarang").count() == 0
    assert fits_the_screen(page)

    page.click("text=Unggah berkas yang sudah diperbaiki")
    page.set_input_files("input[type=file]", str(good))
    page.click("text=Periksa berkas")
    page.wait_for_selector("text=Yang akan dilakukan impor")
    assert not Unit.objects.filter(code="PKM-SEMPU").exists()
    page.click("text=Impor sekarang")
    page.wait_for_selector("text=Impor selesai: 1 unit")
    assert Unit.objects.get(code="PKM-SEMPU").parent == personas.dinkes
    assert page.locator("text=organisasi.xlsx").count() == 1  # in the recent imports

    page.goto(f"{live_server.url}/org/")
    page.click("summary:has-text('Dinas Kesehatan') >> nth=0")
    page.wait_for_selector("a:has-text('Puskesmas Sempu')")
    assert fits_the_screen(page)


def test_a_colleague_browses_in_english_on_a_phone_without_seeing_personal_data(
    live_server, personas, phone_context
):
    personas.kasi.nip = "197501012000121001"
    personas.kasi.save()
    page = phone_context.new_page()
    sign_in_browser(page, live_server, personas.staff.username)
    page.click("button[lang=en]")
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/org/")
    page.wait_for_selector("text=Unit tree")
    page.click("summary:has-text('Dinas Kesehatan') >> nth=0")
    page.click("a:has-text('Bidang Pelayanan Kesehatan')")
    page.wait_for_selector("h1:has-text('Bidang Pelayanan Kesehatan')")
    assert "Positions and who holds them" in page.content()
    assert fits_the_screen(page)
    page.click(f"a:has-text('{personas.kabid.full_name}')")
    page.wait_for_selector(f"h1:has-text('{personas.kabid.full_name}')")
    assert "Positions held now" in page.content()
    page.goto(f"{live_server.url}/org/people/{personas.kasi.pk}/")
    assert personas.kasi.full_name in page.content()
    assert personas.kasi.nip not in page.content() and personas.kasi.email not in page.content()
    assert fits_the_screen(page)
