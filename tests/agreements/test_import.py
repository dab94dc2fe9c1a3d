"""Excel import of targets: the template round-trips; any bad row stops the whole import
and every problem is named by row and column."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from superteam.agreements import importing
from superteam.agreements.models import IndicatorTerms

pytestmark = pytest.mark.django_db
HEADERS_ID = [
    "Sasaran strategis",
    "Indikator",
    "Satuan",
    "Kondisi awal (baseline)",
    "Target",
    "Batas atas (rentang)",
    "Target Tw 1",
    "Target Tw 2",
    "Target Tw 3",
    "Target Tw 4",
    "Polaritas (higher, lower, range)",
    "Agregasi (sum, last, average)",
    "Tenggat",
    "Jabatan penanggung jawab (kode)",
    "Unit pendukung (kode)",
    "Program",
    "Anggaran (Rp)",
]


def workbook(rows, headers=HEADERS_ID) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("target.xlsx", out.getvalue())


GOOD = [
    "Meningkatnya derajat kesehatan",
    "Cakupan imunisasi dasar lengkap",
    "%",
    "88,5",
    95,
    None,
    80,
    85,
    90,
    95,
    "semakin tinggi semakin baik",
    "terakhir",
    datetime.datetime(2026, 12, 31),
    "DINKES-HEAD",
    "DINKES; PKM-GENTENG",
    "Program Pemenuhan Upaya Kesehatan",
    "1.250.000.000",
]


def test_the_templates_example_is_never_imported_as_an_indicator(draft, personas, client):
    client.force_login(personas.head)
    response = client.get(reverse("agreements:import_template"))
    data = response.content
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(data))
    headers = [c.value for c in book.worksheets[0][1]]
    assert headers[0] == "Sasaran strategis"  # the page's language
    assert book.worksheets[0].max_row == 1  # the imported sheet: headers only
    example = book.worksheets[1]
    assert "tidak diimpor" in example.title.lower()
    assert [c.value for c in example[2]] == headers
    assert example[3][1].value.startswith("Persentase ibu hamil")
    before = IndicatorTerms.objects.count()
    page = client.post(
        reverse("agreements:import", args=[draft.pk]),
        {"file": SimpleUploadedFile("t.xlsx", data)},
    ).content.decode()
    assert "Tidak ada baris di bawah judul kolom." in page
    assert IndicatorTerms.objects.count() == before
    # Copied onto the first sheet, the example is an ordinary row.
    example_row = [c.value for c in example[3]]
    count = importing.import_targets(
        agreement=draft, file=workbook([example_row], headers=headers), actor=personas.head
    )
    assert count == 1


def test_export_then_import_gives_the_same_indicators(active, personas, client):
    """A signed version's targets exported, then imported into an amendment's draft in
    place of its indicators: the same indicators, field by field."""
    from superteam.agreements import services

    client.force_login(personas.head)
    signed = active.active_version
    response = client.get(reverse("agreements:export", args=[active.pk, signed.number]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    headers = [c.value for c in load_workbook(io.BytesIO(response.content)).active[1]]
    assert headers == template_headers()  # the template's layout
    services.amend_agreement(agreement=active, actor=personas.head, reason="Revisi target")
    active.refresh_from_db()
    count = importing.import_targets(
        agreement=active,
        file=SimpleUploadedFile("export.xlsx", response.content),
        actor=personas.head,
        replace=True,
    )
    assert count == 2

    def fields(version):
        return [
            (
                t.sasaran,
                t.name,
                t.unit_of_measure,
                t.baseline,
                t.target,
                t.target_high,
                t.quarterly_targets,
                t.polarity,
                t.aggregation,
                t.deadline,
                t.responsible_position_id,
                sorted(c.unit_id for c in t.contributions.all()),
                t.programme,
                t.budget,
            )
            for t in version.indicator_terms.order_by("order")
        ]

    assert fields(active.current_version) == fields(signed)
    assert fields(signed)[0][11]  # contributing units went through too


def template_headers(language: str = "id") -> list[str]:
    from django.utils import translation

    with translation.override(language):
        return [str(label) for _key, label in importing.COLUMNS]


def test_negative_targets_are_named_row_by_row(draft, personas):
    bad = list(GOOD)
    bad[4] = -10  # target
    bad[8] = "-5"  # Q3
    with pytest.raises(importing.ImportFailed) as failure:
        importing.import_targets(
            agreement=draft,
            file=workbook([GOOD, bad], headers=template_headers()),
            actor=personas.head,
        )
    problems = {(e.row, e.column): e.message for e in failure.value.errors}
    assert set(problems) == {(3, "Target"), (3, "Q1 target")}  # quarters share a column key
    assert "cannot be negative" in problems[(3, "Target")]


def test_good_rows_are_imported_with_indonesian_numbers_and_words(draft, personas):
    count = importing.import_targets(
        agreement=draft,
        file=workbook([GOOD, [*GOOD[:1], "Indikator kedua", *GOOD[2:]]]),
        actor=personas.head,
    )
    assert count == 2
    terms = IndicatorTerms.objects.filter(version=draft.current_version).order_by("order")
    assert terms.count() == 4  # two from the fixture, two imported
    new = terms[2]
    assert (new.baseline, new.budget) == (88.5, 1250000000)
    assert new.polarity == "higher" and new.aggregation == "last"
    assert new.responsible_position.code == "DINKES-HEAD"
    assert {c.unit_code for c in new.contributions.all()} == {"DINKES", "PKM-GENTENG"}


def test_one_bad_row_imports_nothing_and_every_problem_is_named(draft, personas, client):
    bad = list(GOOD)
    bad[4] = "banyak"  # target
    bad[11] = "median"  # aggregation
    bad[13] = "TIDAK-ADA"  # position code
    before = IndicatorTerms.objects.count()
    with pytest.raises(importing.ImportFailed) as failure:
        importing.import_targets(
            agreement=draft, file=workbook([GOOD, bad]), actor=personas.head, replace=True
        )
    problems = {(e.row, e.column) for e in failure.value.errors}
    assert problems == {
        (3, "Target"),
        (3, "Aggregation (sum, last, average)"),
        (3, "Responsible position (code)"),
    }
    assert IndicatorTerms.objects.count() == before
    # The same through the page, in Indonesian.
    client.force_login(personas.head)
    page = client.post(
        reverse("agreements:import", args=[draft.pk]),
        {"file": workbook([GOOD, bad]), "replace": "on"},
    ).content.decode()
    assert "3 masalah: tidak ada yang diimpor" in page
    assert "Kode jabatan TIDAK-ADA tidak dikenal." in page
    assert IndicatorTerms.objects.count() == before


def test_files_that_are_not_workbooks_or_lack_columns_are_refused(draft, personas, client):
    client.force_login(personas.head)
    url = reverse("agreements:import", args=[draft.pk])
    page = client.post(url, {"file": SimpleUploadedFile("t.xlsx", b"%PDF-1.4 nope")})
    assert "Ini bukan berkas Excel" in page.content.decode()
    page = client.post(url, {"file": workbook([["a"]], headers=["Sasaran strategis"])})
    assert "Kolom berikut tidak ada di baris pertama" in page.content.decode()


def test_english_headers_are_understood_too(draft, personas):
    headers = [str(label) for _key, label in importing.COLUMNS]
    from django.utils import translation

    with translation.override("en"):
        headers = [str(label) for _key, label in importing.COLUMNS]
    assert headers[0] == "Strategic goal"
    count = importing.import_targets(
        agreement=draft, file=workbook([GOOD], headers=headers), actor=personas.head
    )
    assert count == 1


def test_quarters_named_as_indonesian_tables_name_them_are_imported(draft, personas):
    """The file's own headers ("Target Tw 1") is the template's "target Tw I": the quarterly
    targets were dropped without a word before; a row-number column is allowed."""
    headers = ["No.", *HEADERS_ID]
    headers[7:11] = ["Target Tw 1", "target TW II", "Target Triwulan 3", "Q4"]
    importing.import_targets(
        agreement=draft, file=workbook([[1, *GOOD]], headers=headers), actor=personas.head
    )
    new = IndicatorTerms.objects.filter(version=draft.current_version).order_by("order").last()
    assert new.name == "Cakupan imunisasi dasar lengkap"
    assert [float(v) for v in new.quarterly_targets] == [80, 85, 90, 95]


def test_a_column_the_import_does_not_know_is_refused_not_dropped(draft, personas, client):
    headers = [*HEADERS_ID[:6], "Target semester 1", *HEADERS_ID[6:]]
    row = [*GOOD[:6], 50, *GOOD[6:]]
    before = IndicatorTerms.objects.count()
    client.force_login(personas.head)
    page = client.post(
        reverse("agreements:import", args=[draft.pk]), {"file": workbook([row], headers=headers)}
    ).content.decode()
    assert "Kolom tidak dikenali: “Target semester 1”." in page
    assert IndicatorTerms.objects.count() == before
