"""Background work of the organisation (django-tasks; run by ``manage.py db_worker``)."""

from django_tasks import task


@task()
def refresh_rollups_task(regency_id: int) -> int:
    """Recount the subtree figures of every unit of one regency."""
    from superteam.org.models import Regency
    from superteam.org.services import refresh_rollups

    regency = Regency.objects.filter(pk=regency_id).first()
    return refresh_rollups(regency=regency) if regency else 0
