"""Periodic agreement jobs: every indicator's status follows the calendar, daily."""

from django.conf import settings

from superteam.core.scheduler import periodic


@periodic("agreements.refresh_statuses", at=settings.AGREEMENTS_PROGRESS_AT)
def refresh_statuses(now):
    """Milestones and deadlines pass without new values: recompute on track / at risk / late."""
    from superteam.agreements.services import refresh_all_progress
    from superteam.org.models import Regency

    for regency in Regency.objects.all():
        refresh_all_progress(regency=regency)
