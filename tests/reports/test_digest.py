"""The regent's daily digest (and each head's): grouped by cluster, sent by real SMTP in
the recipient's language, at the configured time, once."""

import datetime
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from superteam.core.scheduler import run_due
from superteam.reports.compliance import enrol_reporting_units
from superteam.reports.digest import build_digest, digest_recipients, send_digest
from superteam.reports.models import FlagKind
from superteam.reports.services import process_photo
from tests.reports.helpers import jpeg, pustu_gps, submit

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 25)  # a Wednesday after Idulfitri
RECEIVED = timezone.make_aware(datetime.datetime(2026, 3, 25, 14, 0))


@pytest.fixture
def day_of_reports(personas):
    enrol_reporting_units(
        regency=personas.regency,
        units=[personas.pustu, personas.puskesmas, personas.dinkes, personas.other_dinas],
        since=datetime.date(2026, 3, 1),
    )
    good = submit(
        personas,
        DAY,
        key="digest-000001",
        title="Jemput bola lansia Dusun Krajan",
        photos=[jpeg(1, day=DAY, gps=pustu_gps(personas))],
        received_at=RECEIVED,
    ).report
    flagged = submit(
        personas,
        DAY,
        key="digest-000002",
        title="Posyandu balita",
        photos=[jpeg(2, day=DAY - datetime.timedelta(days=4), gps=pustu_gps(personas))],
        received_at=RECEIVED,
    ).report
    for report in (good, flagged):
        for photo in report.photos.all():
            process_photo(photo_id=photo.pk)
    return good, flagged


def _section(digest, name):
    return next(s for s in digest.sections if s.name == name)


def test_the_digest_is_grouped_by_cluster(personas, day_of_reports):
    good, flagged = day_of_reports
    digest = build_digest(regency=personas.regency, day=DAY)
    health = _section(digest, "Health")
    assert [line.unit for line in health.reported] == [personas.pustu]
    assert set(health.silent) == {personas.dinkes, personas.puskesmas}
    assert health.highlights == [good]
    assert [(f.report, f.kind) for f in health.flags] == [(flagged, FlagKind.WRONG_DAY)]
    assert str(health.rate) == "33.3"
    others = _section(digest, "Units outside any cluster")
    assert others.silent == [personas.other_dinas]
    assert digest.totals["reports"] == 2 and digest.silent_count == 3


def test_a_heads_digest_covers_the_units_under_them(personas, day_of_reports):
    digest = build_digest(regency=personas.regency, day=DAY, under=personas.dinkes)
    names = [s.name for s in digest.sections]
    assert "Units outside any cluster" not in names
    assert digest.silent_count == 2


def test_recipients_the_regent_for_the_regency_and_heads_for_their_sub_units(
    personas, day_of_reports
):
    pairs = set(digest_recipients(regency_id=personas.regency.pk))
    assert (personas.regent.pk, personas.root.pk) in pairs
    assert (personas.head.pk, personas.dinkes.pk) in pairs
    # The head of the education agency has no reporting unit under theirs.
    assert all(person != personas.other_head.pk for person, _unit in pairs)


def test_the_digest_email_arrives_in_each_recipients_language(
    personas, day_of_reports, smtp_server, settings
):
    settings.SITE_URL = "https://superteam.example.go.id"
    personas.head.language = "en"
    personas.head.save()
    assert send_digest(person_id=personas.regent.pk, unit_id=personas.root.pk, day=DAY)
    assert send_digest(person_id=personas.head.pk, unit_id=personas.dinkes.pk, day=DAY)
    (to_regent,) = smtp_server.to(personas.regent.email)
    assert to_regent["Subject"].startswith("Ringkasan harian 25-03-2026")
    text = to_regent.get_body(("plain",)).get_content()
    assert "Belum melapor" in text and "Jemput bola lansia Dusun Krajan" in text
    assert "Diambil pada hari lain" in text
    html = to_regent.get_body(("html",)).get_content()
    assert "https://superteam.example.go.id/media/reports/" in html  # derivative photos
    assert "/private/" not in html
    (to_head,) = smtp_server.to(personas.head.email)
    assert to_head["Subject"].startswith("Daily digest 25-03-2026: Dinas Kesehatan")
    body = to_head.get_body(("plain",)).get_content()
    assert "Silent" in body and "Taken on another day" in body
    assert "Dinas Pendidikan" not in body
    # Once per recipient and day.
    assert not send_digest(person_id=personas.regent.pk, unit_id=personas.root.pk, day=DAY)
    assert len(smtp_server.to(personas.regent.email)) == 1


@pytest.mark.django_db(transaction=True)  # the worker closes its connection
def test_the_scheduler_sends_the_digest_at_the_configured_time(
    personas, day_of_reports, smtp_server
):
    from django.conf import settings

    hour, minute = map(int, settings.REPORTS_DIGEST_TIME.split(":"))
    before = timezone.make_aware(
        datetime.datetime(2026, 3, 25, hour, minute) - datetime.timedelta(minutes=5)
    )
    after = before + datetime.timedelta(minutes=10)
    assert "reports.daily_digest" not in run_due(now=before)
    # The job works on the regency's "today": pin it to the test's day.
    with mock.patch("superteam.reports.services.regency_today", return_value=DAY):
        assert "reports.daily_digest" in run_due(now=after)
    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", verbosity=0)
    assert smtp_server.to(personas.regent.email) and smtp_server.to(personas.head.email)


def test_reminders_are_not_sent_late_at_night_when_the_scheduler_was_down(personas):
    """A scheduler started at 23:00 must not ask units to report "today" at bedtime: the
    day's reminders are skipped after REPORTS_REMINDER_UNTIL; the digest still goes."""
    from superteam.core.scheduler import JOBS

    late = timezone.make_aware(datetime.datetime(2026, 3, 25, 23, 13))
    afternoon = timezone.make_aware(datetime.datetime(2026, 3, 25, 14, 0))
    run_due(now=late - datetime.timedelta(days=1))  # registers the jobs
    reminders = JOBS["reports.reminders"]
    assert reminders.slot(afternoon) == "2026-03-25"
    assert reminders.slot(late) is None
    assert JOBS["reports.daily_digest"].slot(late) == "2026-03-25"


def test_an_english_digest_email_has_english_clusters_greeting_and_plurals(
    personas, day_of_reports, smtp_server, settings
):
    settings.SITE_URL = "https://superteam.example.go.id"
    personas.regent.language = "en"
    personas.regent.save()
    with mock.patch(
        "django.utils.timezone.now",
        return_value=timezone.make_aware(datetime.datetime(2026, 3, 25, 20, 30)),
    ):
        assert send_digest(person_id=personas.regent.pk, unit_id=personas.root.pk, day=DAY)
    (mail,) = smtp_server.to(personas.regent.email)
    text = mail.get_body(("plain",)).get_content()
    assert "== Health (" in text and "== Kesehatan" not in text
    assert "Units outside any cluster" in text
    assert text.startswith("Good evening,")
    assert "1 unit reported (2 reports), 3 were silent, 1 photo was flagged." in text
    html = mail.get_body(("html",)).get_content()
    flagged = day_of_reports[1]
    # Each flag links to its report.
    assert f"https://superteam.example.go.id/reports/{flagged.pk}/" in html


def test_the_digest_page_has_constant_queries(personas, day_of_reports, client_as):
    client = client_as(personas.regent)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("reports:digest"), {"day": DAY.isoformat()})
        assert response.status_code == 200
        return len(ctx.captured_queries), response

    count()  # warm-up: the first request reads the regency into the cache
    few, response = count()
    assert "Jemput bola lansia Dusun Krajan" in response.content.decode()
    for i in range(6):
        submit(
            personas,
            DAY,
            key=f"digest-more-{i:03d}",
            title=f"Laporan {i}",
            photos=[jpeg(10 + i, day=DAY, gps=pustu_gps(personas))],
            received_at=RECEIVED,
        )
    many, _response = count()
    assert many == few


def test_on_a_day_off_the_digest_opens_on_the_last_working_day(personas, client_as, monkeypatch):
    """Sunday morning, nothing reported: the regent sees Friday's digest, told so; a day
    asked for is shown as asked; reports sent on the Sunday keep the Sunday."""
    from superteam.reports import views
    from superteam.reports.models import UnitDay

    sunday, friday = datetime.date(2026, 3, 8), datetime.date(2026, 3, 6)
    monkeypatch.setattr(views, "regency_today", lambda regency, now=None: sunday)
    client = client_as(personas.regent)
    page = client.get(reverse("reports:digest"))
    assert page.context["digest"].day == friday and page.context["instead_of"] == sunday
    assert "Hari ini (Minggu) bukan hari kerja" in page.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("reports:digest"))
    assert "Today (Sunday) is not a working day" in page.content.decode()
    asked = client.get(reverse("reports:digest"), {"day": sunday.isoformat()})
    assert asked.context["digest"].day == sunday and asked.context["instead_of"] is None
    UnitDay.objects.create(regency=personas.regency, unit=personas.pustu, date=sunday, reports=1)
    again = client.get(reverse("reports:digest"))
    assert again.context["digest"].day == sunday and again.context["instead_of"] is None
