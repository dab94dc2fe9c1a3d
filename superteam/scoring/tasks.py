"""Background work of the index (django-tasks; the worker is ``manage.py db_worker``)."""

import datetime

from django_tasks import task


@task()
def publish_weekly_task(regency_id: int, now: str) -> int:
    """Publish a regency's weekly snapshot (once per week; a second run returns the first)."""
    from superteam.org.models import Regency
    from superteam.scoring import services
    from superteam.scoring.models import SnapshotKind

    regency = Regency.objects.get(pk=regency_id)
    snapshot = services.publish_snapshot(
        regency=regency, kind=SnapshotKind.WEEKLY, now=datetime.datetime.fromisoformat(now)
    )
    return snapshot.pk


@task()
def refresh_signals_task(regency_id: int) -> int:
    from superteam.org.models import Regency
    from superteam.scoring import services

    return services.refresh_signals(regency=Regency.objects.get(pk=regency_id))


@task()
def recompute_regency_task(regency_id: int, model_id: int) -> int:
    """Rebuild the live scores after a new model version was put in use."""
    from superteam.org.models import Regency
    from superteam.scoring import services
    from superteam.scoring.models import ScoringModel

    regency = Regency.objects.get(pk=regency_id)
    model = ScoringModel.objects.get(pk=model_id)
    return services.recompute_regency(regency=regency, model=model)
