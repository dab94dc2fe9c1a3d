"""Capaian (achievement) as in Indonesian performance accountability (SAKIP): pure functions.

- higher is better: ``capaian = realisasi / target × 100``
- lower is better: ``capaian = (1 + (1 − realisasi / target)) × 100``
- range [lo, hi]: 100 inside; below ``realisasi / lo × 100``; above
  ``(1 + (1 − realisasi / hi)) × 100`` (the nearer bound, with that side's polarity)

Values of several periods make the value of the year by the indicator's aggregation:
sum (cumulative), last (the latest period), average. Quarterly targets (Tw I–IV) are
milestones: the value the indicator should have reached, in its own aggregation, by the
end of each quarter (so for a summed indicator they are cumulative).

Status of an indicator on a day (docs/agreements.md). A milestone or the deadline is
*due* from its day on, once a value for a period ending on or after it has been entered,
or once the reporting grace (15 days, the usual time to report a quarter) after it has
passed; never before its day:
- late: the deadline is due and the target is not met, or the two latest due milestones
  are both missed;
- at risk: the latest due milestone is missed (no value counts as missed);
- on track: otherwise (including before the first milestone is due).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
# An indicator far above its target must not hide another one far below it in an average.
AVERAGE_CAP = Decimal(120)
REPORTING_GRACE = datetime.timedelta(days=15)

HIGHER, LOWER, RANGE = "higher", "lower", "range"
SUM, LAST, AVERAGE = "sum", "last", "average"
ON_TRACK, AT_RISK, LATE = "on_track", "at_risk", "late"


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def capaian(
    *,
    polarity: str,
    realised: Decimal | None,
    target: Decimal | None,
    target_high: Decimal | None = None,
) -> Decimal | None:
    """Achievement in percent (two decimals), never below zero; None without a value.

    A zero target cannot divide: for "lower is better" (e.g. zero maternal deaths) it is
    met (100) only by a value of zero or less, else 0; for "higher is better" any value
    of zero or more meets it."""
    if realised is None or target is None:
        return None
    if polarity == HIGHER:
        if target == 0:
            result = HUNDRED if realised >= 0 else Decimal(0)
        else:
            result = realised / target * HUNDRED
    elif polarity == LOWER:
        # "Zero deaths": a zero target is met only by zero (or less); anything above fails.
        if target == 0:
            result = HUNDRED if realised <= 0 else Decimal(0)
        else:
            result = (1 + (1 - realised / target)) * HUNDRED
    elif polarity == RANGE:
        low, high = target, target_high if target_high is not None else target
        if low > high:
            low, high = high, low
        if low <= realised <= high:
            result = HUNDRED
        elif realised < low:
            result = realised / low * HUNDRED if low > 0 else Decimal(0)
        else:
            result = (1 + (1 - realised / high)) * HUNDRED if high != 0 else Decimal(0)
    else:
        raise ValueError(f"Unknown polarity {polarity!r}.")
    return _round(max(result, Decimal(0)))


def aggregate(
    values: Sequence[tuple[datetime.date, Decimal]],
    how: str,
    *,
    until: datetime.date | None = None,
) -> Decimal | None:
    """The value of the periods ending on or before ``until`` (all when None)."""
    chosen = sorted(
        ((day, v) for day, v in values if until is None or day <= until), key=lambda x: x[0]
    )
    if not chosen:
        return None
    if how == SUM:
        return sum((v for _, v in chosen), Decimal(0))
    if how == LAST:
        return chosen[-1][1]
    if how == AVERAGE:
        return sum((v for _, v in chosen), Decimal(0)) / len(chosen)
    raise ValueError(f"Unknown aggregation {how!r}.")


def quarter_ends(year: int) -> list[datetime.date]:
    return [
        datetime.date(year, 3, 31),
        datetime.date(year, 6, 30),
        datetime.date(year, 9, 30),
        datetime.date(year, 12, 31),
    ]


def milestones(
    year: int, quarterly_targets: Sequence[Decimal | None]
) -> list[tuple[datetime.date, Decimal]]:
    """(quarter end, target) for every quarter that has a target."""
    return [
        (end, target)
        for end, target in zip(quarter_ends(year), quarterly_targets, strict=False)
        if target is not None
    ]


def milestone_met(
    *,
    polarity: str,
    aggregation: str,
    values: Sequence[tuple[datetime.date, Decimal]],
    when: datetime.date,
    target: Decimal,
    range_bounds: tuple[Decimal, Decimal | None] | None = None,
) -> bool:
    """Whether the value reached by ``when`` meets the milestone (a range indicator must be
    inside its range)."""
    reached = aggregate(values, aggregation, until=when)
    if reached is None:
        return False
    if polarity == RANGE and range_bounds is not None:
        result = capaian(
            polarity=RANGE, realised=reached, target=range_bounds[0], target_high=range_bounds[1]
        )
    else:
        result = capaian(polarity=polarity, realised=reached, target=target)
    return result is not None and result >= HUNDRED


def status(
    *,
    today: datetime.date,
    year: int,
    deadline: datetime.date,
    polarity: str,
    aggregation: str,
    target: Decimal,
    target_high: Decimal | None,
    quarterly_targets: Sequence[Decimal | None],
    values: Sequence[tuple[datetime.date, Decimal]],
) -> str:
    """On track, at risk or late on ``today`` (see the module docstring)."""
    bounds = (target, target_high) if polarity == RANGE else None
    latest_value = max((day for day, _ in values), default=None)

    def due(day: datetime.date) -> bool:
        # Never before its day (a value for a period not ended yet is refused anyway).
        if today < day:
            return False
        return today > day + REPORTING_GRACE or (latest_value is not None and latest_value >= day)

    if due(deadline):
        final = capaian(
            polarity=polarity,
            realised=aggregate(values, aggregation, until=deadline),
            target=target,
            target_high=target_high,
        )
        return ON_TRACK if final is not None and final >= HUNDRED else LATE
    passed = [(day, t) for day, t in milestones(year, quarterly_targets) if due(day)]
    if not passed:
        return ON_TRACK
    met = [
        milestone_met(
            polarity=polarity,
            aggregation=aggregation,
            values=values,
            when=day,
            target=t,
            range_bounds=bounds,
        )
        for day, t in passed[-2:]
    ]
    if met[-1]:
        return ON_TRACK
    if len(met) == 2 and not met[0]:
        return LATE
    return AT_RISK


def average_capaian(values: Sequence[Decimal | None]) -> Decimal | None:
    """The mean of several indicators' capaian, each counted at most AVERAGE_CAP."""
    known = [min(v, AVERAGE_CAP) for v in values if v is not None]
    if not known:
        return None
    return _round(sum(known, Decimal(0)) / len(known))
