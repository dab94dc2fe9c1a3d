"""Background work of the news portal (django-tasks; run by ``manage.py db_worker``)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from superteam.news.models import Subscriber


@task(queue_name="mail")
def send_subscription_email(subscriber_id: int, kind: str) -> str:
    """Send a confirmation request or an "already subscribed" notice."""
    from superteam.news.services import send_subscription_email as send

    subscriber = Subscriber.objects.select_related("regency").filter(pk=subscriber_id).first()
    if subscriber is None:  # erased in the meantime
        return "gone"
    send(subscriber=subscriber, kind=kind)
    return "sent"


@task(queue_name="mail")
def send_due_digests(frequency: str) -> dict:
    """Send the digest of this frequency in every regency that has new articles."""
    from superteam.news.digest import WINDOW
    from superteam.news.models import Article
    from superteam.news.services import send_digest
    from superteam.org.models import Regency

    now = timezone.now()
    regency_ids = (
        Article.objects.public(now)
        .filter(publish_at__gt=now - WINDOW)
        .values_list("regency_id", flat=True)
        .distinct()
    )
    sent = {}
    for regency in Regency.objects.filter(pk__in=list(regency_ids)):
        run = send_digest(regency=regency, frequency=frequency)
        sent[regency.slug] = run.sent
    return sent
