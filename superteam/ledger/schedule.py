"""Periodic ledger jobs: a signed checkpoint and a full verification of every chain, daily."""

from django.conf import settings

from superteam.core.scheduler import periodic


@periodic("ledger.daily_checkpoint", at=settings.LEDGER_CHECKPOINT_AT)
def daily_checkpoint(now):
    from superteam.ledger.services import make_checkpoint, run_verification
    from superteam.org.models import Regency

    for regency in Regency.objects.all():
        make_checkpoint(regency=regency)
        run_verification(regency=regency)
