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


def _median_days(rows, today: datetime.date) -> Decimal | None:
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


def _decisions(regency_id: int, today: datetime.date, path_prefix: str = ""):
    """(owner unit path, decided_at, first_evidence_at) of the rakor decisions of the window;
    None when the meetings app does not provide decisions."""
    try:
        from superteam.meetings.models import Decision
    except ImportError:
        return None
    since = today - datetime.timedelta(days=DECISION_WINDOW_DAYS)
    qs = Decision.objects.filter(
        regency_id=regency_id,
        decided_at__date__gte=since,
        decided_at__date__lte=today,
    ).exclude(status="dropped")
    if path_prefix:
        qs = qs.filter(owner_position__unit__path__startswith=path_prefix)
    return list(qs.values_list("owner_position__unit__path", "decided_at", "first_evidence_at"))


def decision_days(*, unit, today: datetime.date) -> Decimal | None:
    """Median days from a rakor decision owned by a position of the unit (or its sub-units)
    to its first evidence, over decisions of the last six months. A decision still without
    evidence counts with the days it has waited so far, so silence never looks fast."""
    rows = _decisions(unit.regency_id, today, unit.path)
    if rows is None:
        return None
    return _median_days([(d, e) for _path, d, e in rows], today)


def read(*, unit, today: datetime.date) -> dict:
    """All signals of a unit as JSON-ready text numbers (None: not available)."""
    return read_many(units=[unit], today=today)[unit.pk]


def read_many(*, units, today: datetime.date) -> dict[int, dict]:
    """The signals of many units: decisions are read in one query and credited to every
    unit above their owner (by the materialised path); the other apps' services per unit."""
    units = list(units)
    by_path = {u.path: u.pk for u in units}
    decided: dict[int, list] = {u.pk: [] for u in units}
    rows = _decisions(units[0].regency_id, today) if units else None
    for path, at, evidence in rows or []:
        segments = path.split("/")[:-1]
        for depth in range(1, len(segments) + 1):
            unit_id = by_path.get("/".join(segments[:depth]) + "/")
            if unit_id is not None:
                decided[unit_id].append((at, evidence))
    out = {}
    for unit in units:
        out[unit.pk] = {
            "compliance": _as_number(compliance(unit=unit, today=today)),
            "achievement": _as_number(achievement(unit=unit, today=today)),
            "decision_days": (
                _as_number(_median_days(decided[unit.pk], today)) if rows is not None else None
            ),
            "as_of": today.isoformat(),
        }
    return out
