"""Our own signals shown beside the national-style index, read from the other apps'
services (never their tables): daily-report compliance (reports), agreement achievement
(agreements) and the time from a rakor decision to its first evidence (meetings).

A signal whose app does not provide it (yet) is ``None``: shown as "not available",
never guessed.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

COMPLIANCE_WINDOW_DAYS = 28
DECISION_WINDOW_DAYS = 180


def _as_number(value) -> str | None:
    if value is None:
        return None
    return str(Decimal(str(value)).quantize(Decimal("0.01")))


def compliance(*, unit, today: datetime.date) -> Decimal | None:
    """Share of expected daily reports sent over the last four weeks (reports' rollups)."""
    try:
        from superteam.reports.services import compliance_rate
    except ImportError:
        return None
    end = today - datetime.timedelta(days=1)
    start = end - datetime.timedelta(days=COMPLIANCE_WINDOW_DAYS - 1)
    return compliance_rate(unit=unit, start=start, end=end)


def achievement(*, unit, today: datetime.date) -> Decimal | None:
    """Average achievement (capaian %) of the unit's signed agreements this year."""
    try:
        from superteam.agreements.services import unit_achievement
    except ImportError:
        return None
    return unit_achievement(unit=unit, year=today.year)


def decision_days(*, unit, today: datetime.date) -> Decimal | None:
    """Median days from a rakor decision owned by a position of the unit (or its sub-units)
    to its first evidence, over decisions of the last six months. A decision still without
    evidence counts with the days it has waited so far, so silence never looks fast."""
    try:
        from superteam.meetings.models import Decision
    except ImportError:
        return None
    since = today - datetime.timedelta(days=DECISION_WINDOW_DAYS)
    rows = list(
        Decision.objects.filter(
            regency_id=unit.regency_id,
            owner_position__unit__path__startswith=unit.path,
            decided_at__date__gte=since,
            decided_at__date__lte=today,
        )
        .exclude(status="dropped")
        .values_list("decided_at", "first_evidence_at")
    )
    if not rows:
        return None
    end_of_today = timezone.make_aware(datetime.datetime.combine(today, datetime.time.max))
    days = sorted(
        Decimal(((evidence or end_of_today) - decided).total_seconds()) / Decimal(86400)
        for decided, evidence in rows
    )
    middle = len(days) // 2
    median = days[middle] if len(days) % 2 else (days[middle - 1] + days[middle]) / 2
    return max(Decimal(0), median)


def read(*, unit, today: datetime.date) -> dict:
    """All signals of a unit as JSON-ready text numbers (None: not available)."""
    return {
        "compliance": _as_number(compliance(unit=unit, today=today)),
        "achievement": _as_number(achievement(unit=unit, today=today)),
        "decision_days": _as_number(decision_days(unit=unit, today=today)),
        "as_of": today.isoformat(),
    }
