"""Periodic jobs of the news portal (started by ``manage.py run_scheduler``)."""

from django.conf import settings

from superteam.core.scheduler import periodic
from superteam.news.models import Frequency
from superteam.news.tasks import send_due_digests


@periodic("news.immediate_digest", every_minutes=5)
def immediate_digest(now):
    """Subscribers who want news as it comes: also catches scheduled publications."""
    send_due_digests.enqueue(Frequency.IMMEDIATE)


@periodic("news.daily_digest", at=settings.NEWS_DAILY_DIGEST_AT)
def daily_digest(now):
    send_due_digests.enqueue(Frequency.DAILY)
