"""Background work of the reports app (django-tasks; ``manage.py db_worker``)."""

from __future__ import annotations

import datetime

from django_tasks import task


@task(queue_name="photos")
def process_photo_task(photo_id: int) -> None:
    """Derivatives, EXIF facts, perceptual hashes and flags of one photo."""
    from superteam.reports.services import process_photo

    process_photo(photo_id=photo_id)


@task(queue_name="mail")
def notify_reporter_task(report_id: int) -> None:
    """Tell the reporter that a verifier put the report on hold or rejected it."""
    from superteam.reports.digest import notify_reporter

    notify_reporter(report_id=report_id)


@task(queue_name="mail")
def notify_verifier_task(report_id: int) -> None:
    """Tell the verifier who put a report on hold that its author answered."""
    from superteam.reports.digest import notify_verifier

    notify_verifier(report_id=report_id)


@task(queue_name="mail")
def send_digests_task(regency_id: int, day: str) -> int:
    """Queue one digest email per recipient (the regent's and each head's)."""
    from superteam.reports.digest import digest_recipients

    count = 0
    for person_id, unit_id in digest_recipients(regency_id=regency_id):
        send_digest_to_task.enqueue(person_id, unit_id, day)
        count += 1
    return count


@task(queue_name="mail")
def send_digest_to_task(person_id: int, unit_id: int, day: str) -> bool:
    from superteam.reports.digest import send_digest

    return send_digest(person_id=person_id, unit_id=unit_id, day=datetime.date.fromisoformat(day))


@task(queue_name="mail")
def send_reminders_task(regency_id: int, day: str) -> int:
    """Remind the units that have not reported today."""
    from superteam.reports.digest import send_reminders

    return send_reminders(regency_id=regency_id, day=datetime.date.fromisoformat(day))
