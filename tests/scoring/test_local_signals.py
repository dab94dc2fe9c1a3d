"""The local signals come from the other apps' services (reports' compliance, agreements'
achievement, meetings' decisions) and are blended with the admin-set weights."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone

from superteam.agreements import services as agreements
from superteam.meetings import services as meetings
from superteam.meetings.models import Decision, Rakor, Session
from superteam.reports.compliance import compliance_rate, enrol_reporting_units
from superteam.reports.services import regency_today
from superteam.scoring import local_signals, services
from superteam.scoring.models import UnitScore
from tests.agreements.conftest import YEAR, active, circulating, draft, position_of  # noqa: F401
from tests.innovations import factories as fi
from tests.reports import helpers as reports

pytestmark = pytest.mark.django_db


def test_no_data_means_not_available_never_a_guess(personas):
    p = personas
    values = local_signals.read(unit=p.dinkes, today=timezone.localdate())
    assert values["compliance"] is None and values["achievement"] is None
    assert values["decision_days"] is None


def test_signals_are_read_from_the_other_apps_and_blended(personas, active, tmp_path, settings):  # noqa: F811
    p = personas
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    today = regency_today(p.regency)
    # Reports: the pustu reports every working day (its puskesmas gets its rate); one report
    # was sent on the last working day.
    enrol_reporting_units(
        regency=p.regency, units=[p.pustu], since=today - datetime.timedelta(days=40)
    )
    day = today - datetime.timedelta(days=1)
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    report = reports.submit(p, day).report
    # Agreements: a realisation of the kabid's indicator (Dinkes contributes).
    indicator = active.indicators.first()
    agreements.record_realisation(
        indicator=indicator,
        period_end=datetime.date(YEAR, 6, 30),
        value=Decimal("90"),
        actor=p.kabid,
    )
    # Meetings: a rakor decision owned by the head of Dinkes, acted on 36 hours later.
    rakor = Rakor.objects.create(
        regency=p.regency, title="Rakor Kesehatan", start_date=today, end_date=today
    )
    session = Session.objects.create(
        regency=p.regency, rakor=rakor, cluster=p.cluster, title="Sesi Dinkes"
    )
    decided = timezone.now() - datetime.timedelta(days=3)
    decision = Decision.objects.create(
        regency=p.regency,
        session=session,
        text="Jemput bola lansia mulai besok",
        owner_position=position_of(p.head),
        indicator_name="Lansia dikunjungi",
        unit_of_measure="orang",
        target=Decimal("100"),
        deadline=today + datetime.timedelta(days=30),
        decided_at=decided,
    )
    meetings.record_decision_evidence(
        decision=decision, report=report, at=decided + datetime.timedelta(hours=36)
    )

    inn = fi.innovation(p.puskesmas, p.head)
    fi.accepted(p.puskesmas, p.staff, p.verifier, "regulasi", 3, innovation=inn)
    fi.accepted(p.dinkes, p.head, p.verifier, "inst-tim", 2)
    model = services.current_model(regency=p.regency)
    # The model in use is frozen: the blend weights come with a new version.
    draft_model = services.copy_model(model=model, actor=p.admin)
    services.update_draft(
        model=draft_model,
        actor=p.admin,
        fields={
            "weight_compliance": Decimal("20"),
            "weight_achievement": Decimal("10"),
            "weight_decision_speed": Decimal("10"),
        },
    )
    services.activate_model(model=draft_model, actor=p.admin)
    services.refresh_signals(regency=p.regency, today=today)

    pkm = UnitScore.objects.get(unit=p.puskesmas, model=draft_model)
    expected = compliance_rate(
        unit=p.puskesmas,
        start=today - datetime.timedelta(days=28),
        end=today - datetime.timedelta(days=1),
    )
    assert expected is not None
    assert Decimal(pkm.signals["compliance"]) == expected.quantize(Decimal("0.01"))
    dinkes = UnitScore.objects.get(unit=p.dinkes, model=draft_model)
    assert Decimal(dinkes.signals["achievement"]) == agreements.unit_achievement(
        unit=p.dinkes, year=today.year
    )
    assert Decimal(dinkes.signals["decision_days"]) == Decimal("1.50")
    # Blend by hand for the puskesmas: it contributes to the kabid's indicator (achievement)
    # and reports (compliance); no decision is owned there, so that 10 % stays with the index.
    assert pkm.signals["decision_days"] is None
    compliance = Decimal(pkm.signals["compliance"])
    achievement = min(Decimal(100), Decimal(pkm.signals["achievement"]))
    blended = (Decimal(70) * pkm.score + 20 * compliance + 10 * achievement) / 100
    assert pkm.final == blended.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
