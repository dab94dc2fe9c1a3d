"""Organisation services: reading the tree in bulk, and every write to units and people."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from superteam.org.models import Assignment, AssignmentKind, Person, Position, Unit


def child_counts(units: Iterable[Unit]) -> dict[int, int]:
    """Number of active children of each unit, in one query."""
    ids = [u.pk for u in units if u is not None]
    if not ids:
        return {}
    return dict(
        Unit.objects.filter(parent_id__in=ids, is_active=True)
        .values_list("parent_id")
        .annotate(n=Count("id"))
    )


def current_holders(
    positions: Iterable[Position], day: datetime.date | None = None
) -> dict[int, list[Assignment]]:
    """Who holds each position on a day (definitive first, then acting), in one query."""
    ids = [p.pk for p in positions]
    held: dict[int, list[Assignment]] = {}
    if not ids:
        return held
    rows = (
        Assignment.objects.current(day)
        .filter(position_id__in=ids)
        .select_related("person")
        .order_by("kind", "-start")
    )
    for a in rows:
        held.setdefault(a.position_id, []).append(a)
    return held


@transaction.atomic
def assign(
    *,
    person: Person,
    position: Position,
    start: datetime.date,
    kind: str = AssignmentKind.DEFINITIVE,
    decree: str = "",
    end_previous: bool = True,
) -> Assignment:
    """Put a person in a position from a date. A definitive appointment ends the previous
    definitive holder's assignment the day before; history is kept, never deleted."""
    if end_previous and kind == AssignmentKind.DEFINITIVE:
        day_before = start - datetime.timedelta(days=1)
        for previous in (
            Assignment.objects.select_for_update()
            .current(start)
            .filter(position=position)
            .exclude(person=person)
        ):
            # A Plt covering the vacancy ends too when the definitive holder arrives.
            previous.end = max(previous.start, day_before)
            previous.save(update_fields=["end"])
    assignment = Assignment(
        regency_id=position.regency_id,
        person=person,
        position=position,
        start=start,
        kind=kind,
        decree=decree,
    )
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def end_assignment(*, assignment: Assignment, end: datetime.date | None = None) -> Assignment:
    """End an assignment on a date (today by default); the row stays as history."""
    assignment.end = end or timezone.localdate()
    assignment.full_clean()
    assignment.save(update_fields=["end"])
    return assignment
