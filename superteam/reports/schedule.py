"""Periodic jobs of the reports app (started by ``manage.py run_scheduler``)."""

from __future__ import annotations

from django.conf import settings

from superteam.core.scheduler import periodic


def _regencies_working_today(now):
    from superteam.org.models import Regency
    from superteam.reports.services import is_working_day, regency_today

    for regency in Regency.objects.all():
        day = regency_today(regency)
        if is_working_day(regency=regency, day=day):
            yield regency, day


@periodic("reports.daily_digest", at=settings.REPORTS_DIGEST_TIME)
def daily_digest(now):
    """The regent's and heads' daily digest, on working days at REPORTS_DIGEST_TIME."""
    from superteam.reports.tasks import send_digests_task

    for regency, day in _regencies_working_today(now):
        send_digests_task.enqueue(regency.pk, day.isoformat())


@periodic(
    "reports.reminders",
    at=settings.REPORTS_REMINDER_TIME,
    until=settings.REPORTS_REMINDER_UNTIL,
)
def reminders(now):
    """Remind units that have not reported by REPORTS_REMINDER_TIME on a working day; not
    after REPORTS_REMINDER_UNTIL (a scheduler started late at night sends none)."""
    from superteam.reports.tasks import send_reminders_task

    for regency, day in _regencies_working_today(now):
        send_reminders_task.enqueue(regency.pk, day.isoformat())


@periodic("reports.requeue_photos", every_minutes=15)
def requeue_photos(now):
    """Photos whose processing was lost (a worker stopped) are queued again."""
    from superteam.reports.services import requeue_unprocessed

    requeue_unprocessed()
