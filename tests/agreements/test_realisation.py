"""Realisation values: entered once per source, corrected, with checked evidence kept
private; progress rollups and a unit's capaian."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from superteam.agreements import services
from superteam.agreements.models import ProgressStatus, Realisation
from superteam.ledger.models import Entry
from tests.agreements.conftest import YEAR

pytestmark = pytest.mark.django_db
Q1, Q2 = datetime.date(YEAR, 3, 31), datetime.date(YEAR, 6, 30)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (20, 120, 60)).save(out, format="PNG")
    return out.getvalue()


def indicators(active):
    return {i.number: i for i in active.indicators.select_related("terms")}


def test_a_value_is_recorded_in_the_ledger_and_updates_progress(active, personas):
    coverage = indicators(active)[1]
    entry = services.record_realisation(
        indicator=coverage, period_end=Q1, value=Decimal("82"), actor=personas.kabid
    )
    assert entry.is_current and entry.value == Decimal("82")
    ledger = Entry.objects.get(kind="agreements.realisation")
    assert ledger.payload["value"] == "82.0000" and ledger.payload["period_end"] == "2026-03-31"
    coverage.refresh_from_db()
    assert coverage.realised == Decimal("82") and coverage.capaian == Decimal("86.32")
    assert coverage.last_period_end == Q1
    active.refresh_from_db()
    assert active.capaian is not None and active.progress_on is not None


def test_the_same_source_is_recorded_once_and_a_new_value_corrects_it(active, personas):
    coverage = indicators(active)[1]
    source = personas.cluster  # any model instance, e.g. a daily report
    first = services.record_realisation(
        indicator=coverage, period_end=Q1, value=Decimal("82"), actor=personas.kabid, source=source
    )
    again = services.record_realisation(
        indicator=coverage, period_end=Q1, value=Decimal("82"), actor=personas.kabid, source=source
    )
    assert again.pk == first.pk and Realisation.objects.count() == 1
    assert Entry.objects.filter(kind="agreements.realisation").count() == 1
    corrected = services.record_realisation(
        indicator=coverage, period_end=Q1, value=Decimal("84"), actor=personas.kabid, source=source
    )
    assert corrected.pk == first.pk and corrected.value == Decimal("84")
    assert Entry.objects.filter(kind="agreements.realisation_corrected").count() == 1
    by_key = services.record_realisation(
        indicator=coverage, period_end=Q1, value=Decimal("85"), actor=personas.kabid, source="k-1"
    )
    assert (by_key.source_type, by_key.source_id) == ("api", "k-1")


def test_a_later_entry_for_a_period_replaces_the_earlier(active, personas):
    mortality = indicators(active)[2]  # lower is better, summed by quarter
    services.record_realisation(indicator=mortality, period_end=Q1, value=20, actor=personas.head)
    services.record_realisation(indicator=mortality, period_end=Q1, value=12, actor=personas.head)
    services.record_realisation(indicator=mortality, period_end=Q2, value=10, actor=personas.head)
    current = Realisation.objects.filter(indicator=mortality, is_current=True)
    assert sorted(current.values_list("value", flat=True)) == [10, 12]
    mortality.refresh_from_db()
    assert mortality.realised == 22  # 12 + 10
    assert mortality.capaian == Decimal("163.33")  # (1 + (1 - 22/60)) x 100


def test_values_only_for_agreements_in_force_and_within_their_period(
    other_circulating, active, personas
):
    with pytest.raises(ValidationError, match="in force"):
        services.record_realisation(
            indicator=other_circulating.indicators.first(),
            period_end=Q1,
            value=1,
            actor=personas.head,
        )
    with pytest.raises(ValidationError, match="within the agreement's period"):
        services.record_realisation(
            indicator=indicators(active)[1],
            period_end=datetime.date(YEAR + 1, 3, 31),
            value=1,
            actor=personas.head,
        )
    assert not Realisation.objects.exists()


def test_evidence_is_content_checked_and_kept_private(active, personas, client):
    coverage = indicators(active)[1]
    fake = SimpleUploadedFile("laporan.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf")
    with pytest.raises(ValidationError, match="not accepted"):
        services.record_realisation(
            indicator=coverage, period_end=Q1, value=80, actor=personas.kabid, evidence=fake
        )
    assert not Realisation.objects.exists()
    photo = SimpleUploadedFile("foto-posyandu.png", png(), "image/png")
    entry = services.record_realisation(
        indicator=coverage, period_end=Q1, value=80, actor=personas.kabid, evidence=photo
    )
    assert entry.evidence_type == "image/png" and entry.evidence_name == "foto-posyandu.png"
    digest = Entry.objects.get(kind="agreements.realisation").payload["evidence_sha256"]
    import hashlib

    assert digest == hashlib.sha256(png()).hexdigest()
    url = reverse("agreements:evidence", args=[entry.pk])
    client.force_login(personas.outsider)
    assert client.get(url).status_code == 403
    client.force_login(personas.head)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == png()
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    assert "/media/" not in entry.evidence.path


def test_the_realisation_form_on_the_indicator_page(active, personas, client):
    coverage = indicators(active)[1]
    url = reverse("agreements:indicator", args=[coverage.pk])
    client.force_login(personas.kasi)  # not allowed to enter values: no form
    assert "Isi nilai realisasi" not in client.get(url).content.decode()
    assert client.post(url, {"period_end": "2026-03-31", "value": "1"}).status_code == 403
    client.force_login(personas.kabid)  # holds the responsible position
    page = client.get(url).content.decode()
    assert "Isi nilai realisasi" in page
    response = client.post(
        url,
        {
            "period_end": "2026-03-31",
            "value": "83,5",
            "note": "Laporan triwulan I",
            "evidence": SimpleUploadedFile("bukti.png", png(), "image/png"),
        },
    )
    assert response.status_code == 302
    assert Realisation.objects.get().value == Decimal("83.5")
    # A bad value is explained and nothing is saved.
    bad = client.post(url, {"period_end": "2027-03-31", "value": "5"})
    assert bad.status_code == 200 and "periode perjanjian" in bad.content.decode()
    assert Realisation.objects.count() == 1


def test_unit_achievement_reads_the_indicators_the_unit_answers_for(active, personas):
    mapping = indicators(active)
    services.record_realisation(indicator=mapping[1], period_end=Q1, value=76, actor=personas.head)
    services.record_realisation(indicator=mapping[2], period_end=Q1, value=15, actor=personas.head)
    # Indicator 1 is the kabid's (bidang, inside Dinkes; puskesmas contributes), indicator 2
    # the head's: Dinkes answers for both, the bidang for the first, the puskesmas contributes.
    assert services.unit_achievement(unit=personas.dinkes, year=YEAR) == Decimal("100.00")
    assert services.unit_achievement(unit=personas.bidang, year=YEAR) == Decimal("80.00")
    assert services.unit_achievement(unit=personas.puskesmas, year=YEAR) == Decimal("80.00")
    assert services.unit_achievement(unit=personas.other_dinas, year=YEAR) is None
    assert services.unit_achievement(unit=personas.dinkes, year=YEAR + 1) is None


def test_the_daily_refresh_moves_statuses_with_the_calendar(active, personas):
    coverage = indicators(active)[1]
    services.record_realisation(indicator=coverage, period_end=Q1, value=70, actor=personas.head)
    services.refresh_progress(agreement_ids=[active.pk], today=datetime.date(YEAR, 4, 20))
    coverage.refresh_from_db()
    assert coverage.progress == ProgressStatus.AT_RISK
    services.refresh_progress(agreement_ids=[active.pk], today=datetime.date(YEAR, 7, 20))
    coverage.refresh_from_db()
    assert coverage.progress == ProgressStatus.LATE  # Q1 and Q2 both missed
    from superteam.agreements.schedule import refresh_statuses

    refresh_statuses(None)
    coverage.refresh_from_db()
    assert coverage.progress_on == datetime.date.today()


def test_date_inputs_carry_iso_values_in_indonesian(active, personas, client):
    """A browser date picker shows an empty field for "30-09-2026": always ISO."""
    from django.utils import timezone

    from superteam.agreements.achievement import quarter_ends

    ended = [d for d in quarter_ends(YEAR) if d <= timezone.localdate()] or [Q1]
    coverage = indicators(active)[1]
    client.force_login(personas.kabid)
    page = client.get(reverse("agreements:indicator", args=[coverage.pk])).content.decode()
    assert 'type="date"' in page
    assert f'value="{ended[-1].isoformat()}"' in page  # the latest quarter ended, ISO
    # A refused entry re-renders the form with the typed date, ISO too.
    page = client.post(
        reverse("agreements:indicator", args=[coverage.pk]),
        {"period_end": "2026-06-30", "value": "-5"},
    ).content.decode()
    assert 'value="2026-06-30"' in page
    # The indicator form of a draft (its deadline).
    services.amend_agreement(agreement=active, actor=personas.head, reason="Revisi")
    client.force_login(personas.head)
    page = client.get(
        reverse("agreements:indicator_edit", args=[active.pk, coverage.pk])
    ).content.decode()
    assert 'name="deadline" value="2026-12-31"' in page


def test_negative_realisation_values_are_refused_everywhere(active, personas, client):
    coverage = indicators(active)[1]
    with pytest.raises(ValidationError) as refused:
        services.record_realisation(
            indicator=coverage, period_end=Q1, value=Decimal("-5"), actor=personas.kabid
        )
    assert refused.value.message_dict == {"value": ["The value cannot be negative."]}
    client.force_login(personas.kabid)
    page = client.post(
        reverse("agreements:indicator", args=[coverage.pk]),
        {"period_end": "2026-03-31", "value": "-5"},
    ).content.decode()
    assert "Nilai tidak boleh negatif." in page
    assert Realisation.objects.count() == 0


def test_a_period_that_has_not_ended_yet_cannot_have_a_value(active, personas, client):
    from unittest import mock

    from django.utils import timezone

    coverage = indicators(active)[1]
    # Mid-year, whatever the date the suite runs on.
    noon = timezone.make_aware(datetime.datetime(YEAR, 7, 15, 12, 0))
    patched = mock.patch("django.utils.timezone.now", return_value=noon)
    patched.start()
    try:
        _not_ended_yet(coverage, personas, client)
    finally:
        patched.stop()


def _not_ended_yet(coverage, personas, client):
    from django.utils import timezone

    today = timezone.localdate()
    assert today == datetime.date(YEAR, 7, 15)
    later = datetime.date(YEAR, 12, 31)
    with pytest.raises(ValidationError) as refused:
        services.record_realisation(
            indicator=coverage, period_end=later, value=Decimal("90"), actor=personas.kabid
        )
    assert "has not ended yet" in refused.value.messages[0]
    client.force_login(personas.kabid)
    page = client.post(
        reverse("agreements:indicator", args=[coverage.pk]),
        {"period_end": later.isoformat(), "value": "90"},
    ).content.decode()
    assert "belum berakhir" in page
    assert Realisation.objects.count() == 0
    # A period ending today has ended (daily reports enter their day's value).
    services.record_realisation(
        indicator=coverage, period_end=today, value=Decimal("90"), actor=personas.kabid
    )
    assert Realisation.objects.count() == 1
