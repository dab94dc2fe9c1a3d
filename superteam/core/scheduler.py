"""Periodic jobs (daily digest, reminders, weekly snapshots) without another service.

Apps declare jobs in ``superteam/<app>/schedule.py``::

    from superteam.core.scheduler import periodic

    @periodic("reports.daily_digest", at=settings_time("DIGEST_TIME", "16:00"))
    def daily_digest(now): send_digests_task.enqueue(...)

``manage.py run_scheduler`` (started by ``make demo``) wakes up every few seconds and runs
each job once per slot: once a day at a local time, or once every N minutes. A job's
slot is claimed in the database first, so several schedulers never run it twice.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    fn: Callable[[datetime.datetime], object]
    at: datetime.time | None = None  # daily at this local time
    every_minutes: int | None = None  # or every N minutes
    weekday: int | None = None  # with ``at``: only on this weekday (0 = Monday)
    until: datetime.time | None = None  # with ``at``: a day's run not made by then is skipped

    def slot(self, now: datetime.datetime) -> str | None:
        """The slot ``now`` falls in, or None when the job is not due yet today."""
        local = timezone.localtime(now)
        if self.every_minutes:
            minutes = int(local.timestamp() // 60)
            return f"m{minutes - minutes % self.every_minutes}"
        assert self.at is not None
        if self.weekday is not None and local.weekday() != self.weekday:
            return None
        if local.time() < self.at:
            return None
        if self.until is not None and local.time() >= self.until:
            return None  # too late today (the scheduler was down): wait for tomorrow's
        return local.date().isoformat()


JOBS: dict[str, Job] = {}


def periodic(
    name: str,
    *,
    at: str | datetime.time | None = None,
    every_minutes: int | None = None,
    weekday: int | None = None,
    until: str | datetime.time | None = None,
):
    """Register a periodic job; exactly one of ``at`` (local "HH:MM") or ``every_minutes``.
    ``until`` (with ``at``): a run that could not start by then (the scheduler was down)
    is not made that day, e.g. a reminder to report "today" at midnight."""
    if (at is None) == (every_minutes is None):
        raise ValueError("Give exactly one of at= or every_minutes=.")
    when = datetime.time.fromisoformat(at) if isinstance(at, str) else at
    until = datetime.time.fromisoformat(until) if isinstance(until, str) else until

    def register(fn):
        JOBS[name] = Job(
            name=name, fn=fn, at=when, every_minutes=every_minutes, weekday=weekday, until=until
        )
        return fn

    return register


def run_due(now: datetime.datetime | None = None) -> list[str]:
    """Run every job whose current slot has not run yet; returns the names run."""
    from django.utils.module_loading import autodiscover_modules

    from superteam.core.models import ScheduledRun

    autodiscover_modules("schedule")
    now = now or timezone.now()
    ran = []
    for job in sorted(JOBS.values(), key=lambda j: j.name):
        slot = job.slot(now)
        if slot is None:
            continue
        with transaction.atomic():
            ScheduledRun.objects.get_or_create(name=job.name)
            run = ScheduledRun.objects.select_for_update().get(name=job.name)
            if run.last_slot == slot:
                continue
            run.last_slot, run.last_run_at = slot, now
            run.save(update_fields=["last_slot", "last_run_at"])
        try:
            job.fn(now)
            ran.append(job.name)
        except Exception:
            log.exception("Periodic job %s failed", job.name)
    return ran
