"""The pages as people use them: drafting, signing, comparing, PDF, achievement pages; and
a fixed number of queries whatever the amount of data."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from superteam.agreements import services
from superteam.agreements.models import Agreement, AgreementStatus, Signature
from tests.agreements.conftest import YEAR, position_of, spec
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def queries(client, url) -> tuple[int, str]:
    client.get(url)  # once before: one-off work of a first request is not the page's cost
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured), response.content.decode()


def make_active(personas, n_indicators: int = 2, title: str = "PK") -> Agreement:
    agreement = services.create_draft_agreement(
        regency=personas.regency,
        title=title,
        year=YEAR,
        parties=[position_of(personas.regent), position_of(personas.head)],
        indicators=[
            spec(name=f"Indikator {i}", responsible_position=position_of(personas.kabid))
            for i in range(n_indicators)
        ],
        created_by=personas.head,
    )
    services.send_for_signing(agreement=agreement, actor=personas.head)
    services.sign_agreement(agreement=agreement, signer=personas.regent, password=PASSWORD)
    services.sign_agreement(agreement=agreement, signer=personas.head, password=PASSWORD)
    agreement.refresh_from_db()
    for indicator in agreement.indicators.all():
        services.record_realisation(
            indicator=indicator,
            period_end=datetime.date(YEAR, 3, 31),
            value=Decimal("81"),
            actor=personas.head,
        )
    return agreement


def test_pages_run_a_fixed_number_of_queries_whatever_the_data(personas, client):
    client.force_login(personas.regent)
    first = make_active(personas, n_indicators=1, title="PK A")
    urls = lambda a: [  # noqa: E731
        reverse("agreements:list") + f"?year={YEAR}",
        reverse("agreements:overview") + f"?year={YEAR}",
        reverse("agreements:unit", args=[personas.dinkes.pk]) + f"?year={YEAR}",
        reverse("agreements:detail", args=[a.pk]),
        reverse("agreements:indicator", args=[a.indicators.first().pk]),
        reverse("verify_agreement", args=[a.active_version.short_code]),
        reverse("agreements:version", args=[a.pk, 1]),
    ]
    small = [queries(client, url)[0] for url in urls(first)]
    big = make_active(personas, n_indicators=6, title="PK B")
    for i in range(4):
        make_active(personas, n_indicators=2, title=f"PK C{i}")
    large = [queries(client, url)[0] for url in urls(big)]
    assert small == large, list(zip(urls(big), small, large, strict=True))
    assert max(large) <= 40


def test_draft_create_and_edit_through_the_pages(personas, client):
    client.force_login(personas.head)
    page = client.get(reverse("agreements:create")).content.decode()
    # A head starts with the usual vertical parties: the regent, then their own position.
    assert page.index("Bupati") < page.index("Kepala Dinas Kesehatan")
    response = client.post(
        reverse("agreements:create"),
        {
            "title": "Perjanjian Kinerja Tahun 2026 Dinas Kesehatan",
            "year": YEAR,
            "kind": "vertical",
            "parties": [position_of(personas.regent).pk, position_of(personas.head).pk],
        },
    )
    agreement = Agreement.objects.get()
    assert response["Location"] == reverse("agreements:detail", args=[agreement.pk])
    response = client.post(
        reverse("agreements:indicator_add", args=[agreement.pk]),
        {
            "sasaran": "Meningkatnya derajat kesehatan",
            "name": "Cakupan imunisasi dasar lengkap",
            "unit_of_measure": "%",
            "polarity": "higher",
            "aggregation": "last",
            "target": "95,5",
            "q1": "80",
            "q4": "95,5",
            "deadline": "2026-12-31",
            "budget": "1.250.000.000",
            "responsible_position": position_of(personas.head).pk,
            "contributing_units": [personas.puskesmas.pk],
        },
    )
    assert response.status_code == 302, response.context["form"].errors.as_text()
    terms = agreement.current_version.indicator_terms.get()
    assert terms.target == Decimal("95.5") and terms.budget == Decimal("1250000000")
    assert list(terms.contributions.values_list("unit_id", flat=True)) == [personas.puskesmas.pk]
    # A bad value is explained on the form and nothing changes.
    bad = client.post(
        reverse("agreements:indicator_edit", args=[agreement.pk, terms.indicator_id]),
        {
            "sasaran": "x",
            "name": "y",
            "unit_of_measure": "%",
            "polarity": "range",
            "aggregation": "last",
            "target": "10",
            "target_high": "5",
        },
    )
    assert bad.status_code == 200 and "Batas atas rentang lebih kecil" in bad.content.decode()
    client.post(reverse("agreements:send", args=[agreement.pk]))
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.CIRCULATING
    page = client.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    assert "Tandatangani" in page and agreement.current_version.document_hash in page


def test_position_search_finds_heads_by_title_unit_or_code(personas, client):
    client.force_login(personas.head)
    page = client.get(reverse("agreements:position_search"), {"q": "pelayanan"}).content.decode()
    assert "Kepala Bidang Pelayanan Kesehatan" in page and "data-add-party" in page
    assert (
        "Perawat Pustu"
        not in client.get(reverse("agreements:position_search"), {"q": "Perawat"}).content.decode()
    )


def test_signing_page_refuses_a_wrong_password_then_signs(circulating, personas, client):
    client.force_login(personas.kabid)
    url = reverse("agreements:sign", args=[circulating.pk])
    page = client.get(url).content.decode()
    assert circulating.current_version.document_hash in page
    wrong = client.post(url, {"confirm": "on", "password": "salah sekali"})
    assert wrong.status_code == 200 and "Kata sandi salah" in wrong.content.decode()
    assert not Signature.objects.exists()
    unconfirmed = client.post(url, {"password": PASSWORD})
    assert "Nyatakan bahwa Anda telah membaca" in unconfirmed.content.decode()
    assert not Signature.objects.exists()
    done = client.post(url, {"confirm": "on", "password": PASSWORD})
    assert done.status_code == 302 and Signature.objects.count() == 1
    assert client.get(url).status_code == 302  # nothing left to sign for the kabid


def test_compare_shows_what_an_amendment_changed(active, personas, client):
    services.amend_agreement(agreement=active, actor=personas.head, reason="Revisi target")
    active.refresh_from_db()
    services.update_indicator(
        agreement=active,
        indicator=active.indicators.get(number=1),
        actor=personas.head,
        spec=spec(target=Decimal("97.5")),
    )
    client.force_login(personas.kasi)
    page = client.get(reverse("agreements:compare", args=[active.pk])).content.decode()
    assert "Versi 1 dibandingkan dengan versi 2" in page
    assert "97,5" in page and "Revisi target" in page
    assert page.count("diubah") >= 1 and "tidak berubah" in page


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_pdf_in_each_language(active, personas, client, language):
    client.force_login(personas.staff)
    url = reverse("agreements:pdf", args=[active.pk, 1]) + f"?lang={language}"
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    data = response.content
    assert data.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b", data)) >= 2  # statement and attachment
    assert b"/Subtype /Image" in data  # the QR code
    assert f"-{language}.pdf" in response["Content-Disposition"]


def test_the_pdf_is_written_in_the_chosen_language_and_links_to_verification(active, settings):
    from superteam.agreements import pdf

    settings.SITE_URL = "https://kinerja.banyuwangikab.go.id"
    version = active.active_version
    pdf_id = pdf.render(version, language="id")
    pdf_en = pdf.render(version, language="en")
    assert b"PERJANJIAN KINERJA BERSAMA TAHUN 2026" in pdf_id
    assert b"JOINT PERFORMANCE AGREEMENT 2026" in pdf_en
    url = f"https://kinerja.banyuwangikab.go.id/v/{version.short_code}".encode()
    assert url in pdf_id and url in pdf_en  # the QR code is also a link to the page


def test_a_draft_pdf_says_it_is_a_draft_and_has_no_code(draft, personas, client):
    client.force_login(personas.head)
    data = client.get(reverse("agreements:pdf", args=[draft.pk, 1])).content
    assert data.startswith(b"%PDF-") and b"/Subtype /Image" not in data


def test_unit_and_regent_pages_show_charts_of_stored_values(active, personas, client):
    services.record_realisation(
        indicator=active.indicators.get(number=1),
        period_end=datetime.date(YEAR, 3, 31),
        value=Decimal("76"),
        actor=personas.head,
    )
    client.force_login(personas.regent)
    overview = client.get(reverse("agreements:overview") + f"?year={YEAR}").content.decode()
    assert 'class="bars"' in overview and "80 %" in overview  # 76 of 95
    unit = client.get(
        reverse("agreements:unit", args=[personas.dinkes.pk]) + f"?year={YEAR}"
    ).content.decode()
    assert "<svg" in unit and "80%" in unit
    assert "2026" in unit and "2.026" not in unit


def test_the_regent_sees_what_waits_for_their_signature_first(other_circulating, personas, client):
    client.force_login(personas.regent)
    page = client.get(reverse("agreements:list") + f"?year={YEAR}").content.decode()
    assert "perlu ditandatangani" in page


def test_negative_targets_are_refused_on_the_indicator_form(draft, personas, client):
    client.force_login(personas.head)
    indicator = draft.indicators.get(number=1)
    page = client.post(
        reverse("agreements:indicator_edit", args=[draft.pk, indicator.pk]),
        {
            "sasaran": "Meningkatnya derajat kesehatan",
            "name": "Cakupan imunisasi dasar lengkap",
            "unit_of_measure": "%",
            "polarity": "higher",
            "aggregation": "last",
            "target": "-10",
            "q2": "-1",
            "deadline": "2026-12-31",
        },
    ).content.decode()
    assert "Target tidak boleh negatif" in page and "Target Tw 2 tidak boleh negatif." in page
    terms = draft.current_version.indicator_terms.get(indicator=indicator)
    assert terms.target == Decimal("95")


def test_one_imported_indicator_is_said_in_the_singular(draft, personas, client):
    import io

    from django.conf import settings
    from django.contrib.messages import get_messages
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import translation
    from openpyxl import Workbook

    from superteam.agreements import importing

    with translation.override("en"):
        headers = [str(label) for _key, label in importing.COLUMNS]
    wb = Workbook()
    wb.active.append(headers)
    wb.active.append(["Sasaran", "Indikator baru", "%", None, 90])
    data = io.BytesIO()
    wb.save(data)
    client.force_login(personas.head)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("agreements:import", args=[draft.pk]),
        {"file": SimpleUploadedFile("t.xlsx", data.getvalue())},
    )
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["1 indicator imported."]


def test_money_keeps_two_decimals_or_none(draft, personas, client):
    from django.utils import translation

    from superteam.agreements.pdf import money

    with translation.override("id"):
        assert money(Decimal("1250000.50")) == "1.250.000,50"
        assert money(Decimal("1250000.5000")) == "1.250.000,50"
        assert money(Decimal("1250000")) == "1.250.000"
    with translation.override("en"):
        assert money(Decimal("1250000.5")) == "1,250,000.50"
    services.update_indicator(
        agreement=draft,
        indicator=draft.indicators.get(number=1),
        actor=personas.head,
        spec=spec(budget=Decimal("1250000.50")),
    )
    client.force_login(personas.head)
    page = client.get(reverse("agreements:detail", args=[draft.pk])).content.decode()
    assert "Rp 1.250.000,50" in page and "Rp 1.250.000,5<" not in page


def test_the_pdf_attachment_gives_polarity_deadline_and_signature_time_zone(active, monkeypatch):
    from superteam.agreements import pdf

    written = []  # the text of every table cell, as the PDF lays it out
    real_row = pdf._row
    monkeypatch.setattr(
        pdf,
        "_row",
        lambda doc, widths, cells, aligns: (
            written.extend(cells),
            real_row(doc, widths, cells, aligns),
        ),
    )
    data = pdf.render(active.active_version, language="id")
    assert data.startswith(b"%PDF-")
    text = "\n".join(written)
    assert "Semakin tinggi semakin baik; tenggat 31 Desember 2026" in text
    assert "Semakin rendah semakin baik; tenggat 31 Desember 2026" in text
    assert re.search(r"\d{1,2} \w+ 2026 \d\d:\d\d WIB \(UTC\+07:00\)", text), text


def test_a_tampered_sign_as_position_is_explained(circulating, personas, client):
    client.force_login(personas.kabid)
    page = client.post(
        reverse("agreements:sign", args=[circulating.pk]),
        {"confirm": "on", "password": PASSWORD, "position": "999999"},
    ).content.decode()
    assert "Anda tidak dapat menandatangani sebagai jabatan ini" in page
    assert not Signature.objects.exists()


def test_quarters_are_named_in_the_pages_language(active, personas, client):
    """The quarter columns and chart labels said "Tw I" (triwulan) on English pages too."""
    client.force_login(personas.head)
    indicator = active.active_version.indicator_terms.first().indicator
    urls = [
        reverse("agreements:detail", args=[active.pk]),
        reverse("agreements:indicator", args=[indicator.pk]),
    ]
    for url in urls:
        client.cookies["superteam_language"] = "id"
        indonesian = client.get(url).content.decode()
        assert "Tw I" in indonesian and "Tw IV" in indonesian, url
        client.cookies["superteam_language"] = "en"
        english = client.get(url).content.decode()
        assert "Tw I" not in english and "Q1" in english and "Q4" in english, url
