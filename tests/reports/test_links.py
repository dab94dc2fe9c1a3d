"""Reports linked to innovations and agreement indicators; readings become realisations."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from superteam.agreements import services as agreements
from superteam.agreements.models import Realisation
from superteam.api.services import issue_token
from superteam.reports.digest import build_digest
from superteam.reports.models import IndicatorReading, Report
from tests.agreements.conftest import position_of, spec
from tests.factories import PASSWORD
from tests.innovations.factories import innovation

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicator(personas, today):
    """An indicator in force this year; the puskesmas contributes to it."""
    agreement = agreements.create_draft_agreement(
        regency=personas.regency,
        title="Perjanjian Kinerja Layanan Lansia",
        year=today.year,
        parties=[position_of(personas.head), position_of(personas.kabid)],
        indicators=[
            spec(
                name="Lansia yang mendapat skrining kesehatan",
                unit_of_measure="orang",
                deadline=datetime.date(today.year, 12, 31),
                responsible_position=position_of(personas.kabid),
                contributing_units=[personas.puskesmas],
                target=Decimal("500"),
                baseline=Decimal("0"),
                quarterly_targets=[125, 250, 375, 500],
            )
        ],
        created_by=personas.head,
        kind="joint",
    )
    agreements.send_for_signing(agreement=agreement, actor=personas.head)
    agreements.sign_agreement(agreement=agreement, signer=personas.head, password=PASSWORD)
    agreements.sign_agreement(agreement=agreement, signer=personas.kabid, password=PASSWORD)
    return agreement.indicators.get()


@pytest.fixture
def jemput_bola(personas):
    return innovation(personas.puskesmas, personas.head, title="Jemput Bola Lansia")


def _post(client, raw, today, **fields):
    data = {
        "idempotency_key": "links-0000001",
        "title": "Jemput bola lansia",
        "narrative": "Kunjungan rumah, 14 lansia diperiksa.",
        "date": today.isoformat(),
    }
    data.update(fields)
    return client.post(
        reverse("api:reports_submit"), data, headers={"Authorization": f"Bearer {raw}"}
    )


def test_the_form_offers_the_units_innovations_and_indicators(
    personas, reporting, indicator, jemput_bola, client_as
):
    page = client_as(personas.staff).get(reverse("reports:submit"))
    html = page.content.decode()
    assert "Jemput Bola Lansia" in html
    assert "Lansia yang mendapat skrining kesehatan" in html
    assert f'name="reading_{indicator.pk}"' in html


def test_a_reading_becomes_a_realisation_once(
    personas, reporting, indicator, jemput_bola, today, english_client
):
    _token, raw = issue_token(person=personas.staff, name="phone")
    fields = {
        "innovations": [jemput_bola.pk],
        "indicators": [indicator.pk],
        f"reading_{indicator.pk}": "14",
    }
    response = _post(english_client, raw, today, **fields)
    assert response.status_code == 201, response.content
    report = Report.objects.get()
    assert list(report.innovations.all()) == [jemput_bola]
    reading = IndicatorReading.objects.get(report=report)
    assert reading.value == Decimal("14")
    realisation = Realisation.objects.get(indicator=indicator)
    assert reading.realisation == realisation
    assert realisation.period_end == today and realisation.value == Decimal("14")
    assert realisation.source_type == "reports.report"
    # A resend of the same report does not record the value twice.
    assert _post(english_client, raw, today, **fields).status_code == 200
    assert Realisation.objects.filter(indicator=indicator).count() == 1
    # The regent's digest shows the indicator that moved.
    digest = build_digest(regency=personas.regency, day=today)
    assert [row["name"] for row in digest.indicators] == ["Lansia yang mendapat skrining kesehatan"]


def test_links_the_unit_may_not_use_are_refused(
    personas, reporting, indicator, today, english_client
):
    other = innovation(personas.other_dinas, personas.other_head, title="Sekolah Ramah Anak")
    _token, raw = issue_token(person=personas.staff, name="phone")
    response = _post(english_client, raw, today, innovations=[other.pk])
    assert response.status_code == 400
    assert "cannot be linked" in response.json()["detail"]
    response = _post(
        english_client,
        raw,
        today,
        indicators=[indicator.pk],
        **{f"reading_{indicator.pk}": "banyak"},
    )
    assert response.status_code == 400
    assert "not a number" in response.json()["detail"]
    assert not Report.objects.exists()


@pytest.fixture
def decision(personas, today):
    """The health cluster's rakor decided on jemput bola yesterday."""
    from superteam.meetings import services as meetings
    from superteam.meetings.models import Room

    room = Room.objects.create(regency=personas.regency, name="Aula Dinkes", capacity=80)
    yesterday = today - datetime.timedelta(days=1)
    rakor = meetings.create_rakor(
        regency=personas.regency,
        title="Rakor klaster",
        start_date=yesterday,
        end_date=yesterday,
        organiser=personas.admin,
        rooms=[room],
        clusters=[personas.cluster],
    )
    session = rakor.sessions.get()
    return meetings.record_decision(
        session=session,
        actor=personas.admin,
        text="Jemput bola: puskesmas mengunjungi lansia di rumah mulai besok.",
        owner_position=position_of(personas.kabid),
        indicator_name="Lansia dikunjungi",
        unit_of_measure="orang",
        target=Decimal("500"),
        deadline=today + datetime.timedelta(days=90),
        decided_at=timezone.now() - datetime.timedelta(hours=20),
    )


def test_a_report_acting_on_a_rakor_decision_is_its_first_evidence(
    personas, reporting, decision, today, client_as
):
    # Offered to the pustu's nurse: the decision was taken in her cluster's session.
    client = client_as(personas.staff)
    page = client.get(reverse("reports:submit"))
    assert "Jemput bola: puskesmas mengunjungi lansia" in page.content.decode()
    form = page.context["form"]
    response = client.post(
        reverse("reports:submit"),
        {
            "idempotency_key": form["idempotency_key"].value(),
            "position": form["position"].value(),
            "date": today.isoformat(),
            "title": "Jemput bola hari pertama",
            "narrative": "12 lansia dikunjungi.",
            "decisions": [decision.pk],
        },
    )
    assert response.status_code == 302
    report = Report.objects.get()
    decision.refresh_from_db()
    assert decision.first_evidence_report_id == report.pk
    assert decision.first_evidence_at == report.submitted_at
    digest = build_digest(regency=personas.regency, day=today)
    health = next(s for s in digest.sections if s.cluster == personas.cluster)
    assert health.decisions == [(decision, report)]
    assert digest.since_rakor == today - datetime.timedelta(days=1)
