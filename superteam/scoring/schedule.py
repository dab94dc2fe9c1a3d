"""Periodic jobs of the index (started by ``manage.py run_scheduler``)."""

from superteam.core.scheduler import periodic

# Local signals are read every night; scores are published every Monday morning.
SIGNALS_AT = "05:00"
PUBLISH_AT = "06:00"


@periodic("scoring.refresh_signals", at=SIGNALS_AT)
def refresh_signals(now):
    from superteam.org.models import Regency
    from superteam.scoring.tasks import refresh_signals_task

    for regency_id in Regency.objects.values_list("pk", flat=True):
        refresh_signals_task.enqueue(regency_id)


@periodic("scoring.weekly_snapshot", at=PUBLISH_AT, weekday=0)
def weekly_snapshot(now):
    from superteam.org.models import Regency
    from superteam.scoring.tasks import publish_weekly_task

    for regency_id in Regency.objects.values_list("pk", flat=True):
        publish_weekly_task.enqueue(regency_id, now.isoformat())
