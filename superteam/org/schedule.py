"""Periodic jobs of the organisation (started by ``manage.py run_scheduler``)."""

from superteam.core.scheduler import periodic
from superteam.org.models import Regency
from superteam.org.tasks import refresh_rollups_task


@periodic("org.refresh_rollups", every_minutes=30)
def refresh_rollups(now):
    """Assignments start and end by date, and admins edit in Django's admin: recount all."""
    for regency_id in Regency.objects.values_list("pk", flat=True):
        refresh_rollups_task.enqueue(regency_id)
