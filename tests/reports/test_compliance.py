"""Who has not reported: the working-day calendar, compliance per unit and cluster, the
compliance page (constant queries), reminders by email to late units."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from superteam.reports import compliance
from superteam.reports.compliance import bump_unit_day, enrol_reporting_units
from superteam.reports.digest import send_reminders
from superteam.reports.models import DigestDelivery, Holiday, HolidayKind, UnitDay
from tests import factories as f
from tests.reports.helpers import submit

pytestmark = pytest.mark.django_db

D = datetime.date
# Around Nyepi and Idulfitri 2026: 18 (cuti), 19 (Nyepi), 20 (cuti), 23-24 (cuti) March.
MARCH_16, MARCH_27 = D(2026, 3, 16), D(2026, 3, 27)
WORKING = [D(2026, 3, 16), D(2026, 3, 17), D(2026, 3, 25), D(2026, 3, 26), D(2026, 3, 27)]


@pytest.fixture
def march(personas):
    enrol_reporting_units(
        regency=personas.regency,
        units=[personas.pustu, personas.puskesmas, personas.dinkes],
        since=D(2026, 3, 1),
    )
    for day in (D(2026, 3, 16), D(2026, 3, 25)):
        bump_unit_day(regency_id=personas.regency.pk, unit_id=personas.pustu.pk, day=day, reports=1)
    for day in WORKING:
        bump_unit_day(
            regency_id=personas.regency.pk, unit_id=personas.dinkes.pk, day=day, reports=2
        )
    # A report on a holiday counts for nothing (nobody was expected to report).
    bump_unit_day(
        regency_id=personas.regency.pk, unit_id=personas.puskesmas.pk, day=D(2026, 3, 19), reports=1
    )


def test_weekends_national_holidays_and_cuti_bersama_are_not_working_days(personas):
    assert (
        compliance.working_days(regency=personas.regency, start=MARCH_16, end=MARCH_27) == WORKING
    )
    assert compliance.is_working_day(regency=personas.regency, day=D(2026, 8, 17)) is False
    assert compliance.is_working_day(regency=personas.regency, day=D(2026, 8, 18)) is True


def test_the_regency_calendar_overrides_the_national_one(personas):
    Holiday.objects.create(
        regency=personas.regency, date=D(2026, 3, 18), name="Masuk", kind=HolidayKind.WORKDAY
    )
    Holiday.objects.create(
        regency=personas.regency,
        date=D(2026, 3, 16),
        name="Hari libur daerah",
        kind=HolidayKind.REGIONAL,
    )
    days = compliance.working_days(regency=personas.regency, start=MARCH_16, end=MARCH_27)
    assert D(2026, 3, 18) in days and D(2026, 3, 16) not in days
    # Another regency keeps the national calendar.
    other = f.regency()
    assert D(2026, 3, 16) in compliance.working_days(regency=other, start=MARCH_16, end=MARCH_27)


def test_compliance_per_unit_and_cluster(personas, march):
    rows = {
        r.unit.code: r
        for r in compliance.unit_compliance(regency=personas.regency, start=MARCH_16, end=MARCH_27)
    }
    assert (rows["PKM-GENTENG-PUSTU1"].reported, rows["PKM-GENTENG-PUSTU1"].expected) == (2, 5)
    assert rows["PKM-GENTENG-PUSTU1"].rate == 40
    assert rows["PKM-GENTENG"].rate == 0
    assert rows["DINKES"].rate == 100 and rows["DINKES"].reports == 10
    (health,) = [
        c
        for c in compliance.cluster_compliance(
            regency=personas.regency, start=MARCH_16, end=MARCH_27
        )
        if c.cluster == personas.cluster
    ]
    # The pustu belongs to the health cluster through its puskesmas.
    assert (health.units, health.expected, health.reported) == (3, 15, 7)
    assert [str(v) for _d, v in health.series] == ["66.7", "33.3", "66.7", "33.3", "33.3"]
    assert compliance.compliance_rate(unit=personas.dinkes, start=MARCH_16, end=MARCH_27) == 100
    # The regency itself does not report: the rate of the units under it.
    rate = compliance.compliance_rate(unit=personas.root, start=MARCH_16, end=MARCH_27)
    assert str(rate) == "46.7"
    assert (
        compliance.compliance_rate(unit=personas.other_dinas, start=MARCH_16, end=MARCH_27) is None
    )


def test_days_before_enrolment_are_not_expected(personas):
    enrol_reporting_units(regency=personas.regency, units=[personas.pustu], since=D(2026, 3, 25))
    (row,) = compliance.unit_compliance(regency=personas.regency, start=MARCH_16, end=MARCH_27)
    assert row.expected == 3


def test_silent_units(personas, march):
    silent = compliance.silent_units(regency=personas.regency, day=D(2026, 3, 25))
    assert silent == [personas.puskesmas]
    assert compliance.silent_units(regency=personas.regency, day=D(2026, 3, 19)) == []


def test_the_rollup_adds_up_and_keeps_the_time_of_the_first_report(personas):
    day, regency, unit = D(2026, 3, 16), personas.regency.pk, personas.pustu.pk
    first = timezone.now() - datetime.timedelta(hours=2)
    bump_unit_day(regency_id=regency, unit_id=unit, day=day, first_at=first, reports=1, photos=2)
    bump_unit_day(
        regency_id=regency,
        unit_id=unit,
        day=day,
        first_at=timezone.now(),
        reports=1,
        photos_missing=1,
    )
    bump_unit_day(regency_id=regency, unit_id=unit, day=day, photos=1, photos_missing=-1)
    row = UnitDay.objects.get(unit=personas.pustu, date=day)
    assert (row.reports, row.photos, row.photos_missing) == (2, 3, 0)
    assert row.first_submitted_at == first


def _page_queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("reports:compliance"), params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_compliance_page_reads_rollups_with_constant_queries(personas, march, client_as):
    client = client_as(personas.regent)
    params = {"start": "2026-03-16", "end": "2026-03-27"}
    _page_queries(client, **params)  # warm-up: the first request caches the regency
    few = _page_queries(client, **params)
    units = [
        f.unit(personas.regency, parent=personas.puskesmas, kind="pustu", code=f"PUSTU-X{i}")
        for i in range(30)
    ]
    enrol_reporting_units(regency=personas.regency, units=units, since=D(2026, 3, 1))
    for u in units:
        for day in WORKING[:3]:
            bump_unit_day(regency_id=personas.regency.pk, unit_id=u.pk, day=day, reports=1)
    many = _page_queries(client, **params)
    assert many == few
    response = client.get(reverse("reports:compliance"), params)
    html = response.content.decode()
    assert "Kesehatan" in html and 'role="meter"' in html and "<svg" in html


def test_a_head_sees_only_the_units_under_them(personas, march, client_as):
    enrol_reporting_units(
        regency=personas.regency, units=[personas.other_dinas], since=D(2026, 3, 1)
    )
    page = client_as(personas.head).get(
        reverse("reports:compliance"), {"start": "2026-03-16", "end": "2026-03-27"}
    )
    codes = {row.unit.code for row in page.context["page"]}
    assert codes == {"DINKES", "PKM-GENTENG", "PKM-GENTENG-PUSTU1"}
    # Another unit's compliance is not theirs to see.
    denied = client_as(personas.head).get(
        reverse("reports:compliance"), {"unit": personas.other_dinas.pk}
    )
    assert denied.status_code == 403


def test_reminders_go_to_late_units_once_in_each_recipients_language(personas, march, smtp_server):
    personas.puskesmas.email = "pkm.gentengkulon@example.org"
    personas.puskesmas.save()
    head = f.holder(personas.puskesmas, "head", title="Kepala Puskesmas Genteng Kulon")
    head.language = "en"
    head.save()
    sent = send_reminders(regency_id=personas.regency.pk, day=D(2026, 3, 25))
    assert sent == 2
    (to_unit,) = smtp_server.to("pkm.gentengkulon@example.org")
    assert "belum mengirim laporan" in to_unit["Subject"]
    (to_head,) = smtp_server.to(head.email)
    assert "no report yet from Puskesmas Genteng Kulon" in to_head["Subject"]
    assert "/reports/new/" in to_head.get_body().get_content()
    # Sent once: a second run (a restarted worker) sends nothing.
    assert send_reminders(regency_id=personas.regency.pk, day=D(2026, 3, 25)) == 0
    assert DigestDelivery.objects.filter(kind="reminder").count() == 2
    # Nobody is reminded on a holiday.
    assert send_reminders(regency_id=personas.regency.pk, day=D(2026, 3, 19)) == 0


def test_a_report_updates_the_rollup_the_pages_read(personas, reporting, today):
    received = timezone.now()
    submit(personas, today, received_at=received)
    rows = compliance.unit_compliance(regency=personas.regency, start=today, end=today)
    pustu = next(r for r in rows if r.unit == personas.pustu)
    if compliance.is_working_day(regency=personas.regency, day=today):
        assert (pustu.reported, pustu.expected) == (1, 1)
    assert pustu.reports == 1 and pustu.last_day == today


def test_a_rejected_report_does_not_make_the_day_count(personas, march):
    """The pustu reported on 16 and 25 March; the verifier rejects the 25 March report (a
    reused photo): the day no longer counts, the pustu is silent that day, and approving it
    after all brings the day back."""
    from superteam.reports.services import verify_report

    received = timezone.make_aware(datetime.datetime(2026, 3, 25, 14, 0))
    report = submit(personas, D(2026, 3, 25), key="rejected-000001", received_at=received).report
    bump_unit_day(  # the fixture's rollup stands for this report: one report that day
        regency_id=personas.regency.pk, unit_id=personas.pustu.pk, day=D(2026, 3, 25), reports=-1
    )

    def pustu_rate():
        return compliance.compliance_rate(unit=personas.pustu, start=MARCH_16, end=MARCH_27)

    before = pustu_rate()
    assert before == compliance.percent(2, 5)
    verify_report(
        report=report, verifier=personas.verifier, decision="rejected", comment="Foto lama."
    )
    assert pustu_rate() == compliance.percent(1, 5)
    assert personas.pustu in compliance.silent_units(regency=personas.regency, day=D(2026, 3, 25))
    series = dict(compliance.regency_series(regency=personas.regency, start=MARCH_16, end=MARCH_27))
    assert series[D(2026, 3, 25)] == compliance.percent(1, 3)  # only the agency counts
    verify_report(report=report, verifier=personas.verifier, decision="approved", comment="")
    assert pustu_rate() == before
    assert personas.pustu not in compliance.silent_units(
        regency=personas.regency, day=D(2026, 3, 25)
    )
