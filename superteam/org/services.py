"""Organisation services: reading the tree in bulk, and every write to units and people."""

from __future__ import annotations

import datetime
import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from superteam.org.models import (
    PATH_SEGMENT_WIDTH,
    Assignment,
    AssignmentKind,
    Person,
    Position,
    Regency,
    Unit,
    UnitRollup,
)


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


def refresh_rollups(*, regency: Regency, day: datetime.date | None = None) -> int:
    """Recount every unit's subtree of a regency (people by level, active sub-units by
    kind) in one pass: one grouped query, sums up the paths in memory, one bulk write."""
    day = day or timezone.localdate()
    units = list(
        Unit.objects.filter(regency=regency).values_list("pk", "path", "is_active", "kind")
    )
    lineage = {
        pk: [int(s) for s in path.strip("/").split("/") if s] or [pk] for pk, path, *_ in units
    }
    people: dict[int, Counter] = defaultdict(Counter)
    direct = (
        Assignment.objects.current(day)
        .filter(regency=regency, position__is_active=True)
        .values_list("position__unit_id", "position__level")
        .annotate(n=Count("id"))
        .order_by()
    )
    for unit_id, level, n in direct:
        for ancestor in lineage.get(unit_id, ()):
            people[ancestor][level] += n
    kinds: dict[int, Counter] = defaultdict(Counter)
    for pk, _path, active, kind in units:
        if active:
            for ancestor in lineage[pk]:
                kinds[ancestor][kind] += 1
    now = timezone.now()
    rows = [
        UnitRollup(
            unit_id=pk,
            regency=regency,
            people=sum(people[pk].values()),
            by_level=dict(people[pk]),
            subunits=sum(kinds[pk].values()) - (1 if active else 0),
            by_kind=dict(kinds[pk]),
            computed_at=now,
        )
        for pk, _path, active, _kind in units
    ]
    with transaction.atomic():
        UnitRollup.objects.filter(regency=regency).delete()
        UnitRollup.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def refresh_rollups_soon(regency_id: int) -> None:
    """Recount the regency in the background once the current transaction commits."""
    from superteam.org.tasks import refresh_rollups_task

    transaction.on_commit(lambda: refresh_rollups_task.enqueue(regency_id))


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


# A decree is dated at most about a year ahead: a later date is a typing mistake (2062).
FURTHEST_AHEAD = datetime.timedelta(days=366)


def _check_not_far_ahead(errors: dict, field: str, day: datetime.date | None) -> None:
    if day is not None and day > timezone.localdate() + FURTHEST_AHEAD:
        errors[field].append(
            _("%(date)s is more than a year from now; check the year.")
            % {"date": date_format(day, "SHORT_DATE_FORMAT")}
        )


def check_appointment(
    *,
    person: Person,
    position: Position,
    start: datetime.date,
    end: datetime.date | None = None,
    kind: str = AssignmentKind.DEFINITIVE,
    replace: bool = False,
) -> list[Assignment]:
    """Raise ValidationError (by field, explained) unless ``person`` may hold ``position``
    from ``start``; returns the assignments a replacement ends the day before ``start``.
    A head or regent position has one definitive holder at a time: one already in office
    is named, and is ended only when ``replace`` is asked for and started earlier."""
    errors: dict[str, list[str]] = defaultdict(list)
    if person.regency_id != position.regency_id:
        errors["person"].append(
            _(
                "%(person)s is not registered in %(regency)s: only the regency's own people "
                "can hold its positions."
            )
            % {"person": person, "regency": position.regency}
        )
    if not person.is_active:
        errors["person"].append(_("The account of %(person)s is inactive.") % {"person": person})
    if not position.is_active:
        errors["position"].append(
            _("The position %(position)s is no longer in use.") % {"position": position}
        )
    if end is not None and end < start:
        errors["end"].append(_("The end date is before the start date."))
    _check_not_far_ahead(errors, "start", start)
    _check_not_far_ahead(errors, "end", end)
    if errors:
        raise ValidationError(dict(errors))
    overlapping = (
        Assignment.objects.overlapping(start, end)
        .filter(position=position)
        .select_related("person")
        .order_by("start", "pk")
    )
    for same in overlapping.filter(person=person):
        errors["position"].append(
            _("%(person)s already holds this position %(period)s.")
            % {"person": person, "period": _period(same)}
        )
    ending = []
    if kind == AssignmentKind.DEFINITIVE and position.has_single_holder:
        in_office = {a.pk for a in Assignment.objects.current(start).filter(position=position)}
        for other in overlapping.exclude(person=person):
            if replace and other.pk in in_office and other.start < start:
                ending.append(other)
            elif other.kind == AssignmentKind.DEFINITIVE:
                errors["__all__"].append(
                    _(
                        "%(position)s already has a definitive holder: %(holder)s, %(period)s. "
                        "End that assignment first, or appoint %(person)s as acting holder "
                        "(Plt)."
                    )
                    % {
                        "position": position,
                        "holder": other.person,
                        "period": _period(other),
                        "person": person,
                    }
                )
    if errors:
        raise ValidationError(dict(errors))
    return ending


def _period(assignment: Assignment) -> str:
    """ "from 02/01/2024" or "from 02/01/2024 until 31/12/2025", in the reader's language."""
    start = date_format(assignment.start, "SHORT_DATE_FORMAT")
    if assignment.end is None:
        return _("from %(start)s") % {"start": start}
    end = date_format(assignment.end, "SHORT_DATE_FORMAT")
    return _("from %(start)s until %(end)s") % {"start": start, "end": end}


@transaction.atomic
def assign(
    *,
    person: Person,
    position: Position,
    start: datetime.date,
    end: datetime.date | None = None,
    kind: str = AssignmentKind.DEFINITIVE,
    decree: str = "",
    end_previous: bool = True,
    actor: Person | None = None,
) -> Assignment:
    """Put a person in a position from a date (until a date, if known). A definitive
    appointment to a head or regent position ends the holder in office (a Plt's too) the
    day before when ``end_previous``; otherwise an overlapping definitive holder is refused
    (ValidationError, nothing written). History is kept, never deleted."""
    from superteam.ledger.services import record

    # One appointment to a position at a time: a second one waits and then sees the first.
    Position.objects.select_for_update().filter(pk=position.pk).first()
    ending = check_appointment(
        person=person, position=position, start=start, end=end, kind=kind, replace=end_previous
    )
    day_before = start - datetime.timedelta(days=1)
    for previous in ending:
        previous.end = day_before
        previous.save(update_fields=["end"])
    assignment = Assignment(
        regency_id=position.regency_id,
        person=person,
        position=position,
        start=start,
        end=end,
        kind=kind,
        decree=decree,
    )
    assignment.full_clean()
    assignment.save()
    record(
        regency=position.regency_id,
        kind="org.assigned",
        subject=assignment,
        actor=actor,
        payload={
            "person": person.pk,
            "position": position.code,
            "kind": kind,
            "start": start,
            "end": end,
            "decree": decree,
            "ended": [a.pk for a in ending],
        },
    )
    refresh_rollups_soon(position.regency_id)
    return assignment


@transaction.atomic
def end_assignment(
    *,
    assignment: Assignment,
    end: datetime.date | None = None,
    reason: str = "",
    actor: Person | None = None,
) -> Assignment:
    """End an assignment on a date (today by default); the row stays as history, and the
    reason (retirement, transfer, a new decree) goes to the ledger."""
    from superteam.ledger.services import record

    end = end or timezone.localdate()
    errors: dict[str, list[str]] = defaultdict(list)
    _check_not_far_ahead(errors, "end", end)
    if errors:
        raise ValidationError(dict(errors))
    previous_end = assignment.end
    assignment.end = end
    try:
        assignment.full_clean()
    except ValidationError:
        assignment.end = previous_end
        raise
    assignment.save(update_fields=["end"])
    record(
        regency=assignment.regency_id,
        kind="org.assignment_ended",
        subject=assignment,
        actor=actor,
        payload={
            "person": assignment.person_id,
            "position": assignment.position_id,
            "end": assignment.end,
            "previous_end": previous_end,
            "reason": reason,
        },
    )
    refresh_rollups_soon(assignment.regency_id)
    return assignment


class ImportRejected(Exception):
    """The workbook has bad rows; nothing was imported. ``plan.problems`` lists them."""

    def __init__(self, plan):
        super().__init__(f"{len(plan.problems)} problem(s) in the workbook")
        self.plan = plan


@transaction.atomic
def import_organisation(*, regency: Regency, data: bytes, actor: Person | None, filename: str = ""):
    """Import a workbook of units, positions, people and assignments into a regency:
    all rows or none. Rows are matched by code / NIP / (person, position, start), so a
    second import of the same workbook changes nothing. Returns the plan that was applied."""
    from superteam.ledger.services import record
    from superteam.org.exchange import plan_import
    from superteam.org.workbook import read_workbook

    # One import at a time per regency (the row lock queues a second one on PostgreSQL).
    Regency.objects.select_for_update().filter(pk=regency.pk).first()
    plan = plan_import(regency=regency, read=read_workbook(data))
    if not plan.ok:
        raise ImportRejected(plan)
    units = _apply_units(plan)
    positions = _apply_positions(plan, units)
    people = _apply_people(plan)
    _apply_assignments(plan, positions, people)
    refresh_rollups(regency=regency)
    record(
        regency=regency,
        kind="org.imported",
        subject=regency,
        actor=actor,
        payload={
            "file": filename[:200],
            "sha256": hashlib.sha256(data).hexdigest(),
            "counts": plan.summary(),
        },
    )
    return plan


UNIT_ATTRS = [
    ("kind", "kind"),
    ("name", "name"),
    ("short_name", "short_name"),
    ("latitude", "latitude"),
    ("longitude", "longitude"),
    ("address", "address"),
    ("email", "email"),
    ("frontline", "is_frontline"),
    ("service_hours", "service_hours"),
    ("order", "sort_order"),
    ("active", "is_active"),
]


def _apply_units(plan) -> dict[str, Unit]:
    """Create and update units, parents before children, then rewrite every changed path."""
    units = dict(plan.existing_units)
    new = {code: v for code, v in plan.unit_rows.items() if code not in units}
    changed = [units[code] for code in plan.unit_rows if code in units]
    while new:
        wave = [code for code, v in new.items() if not v["parent"] or v["parent"] not in new]
        objs = []
        for code in wave:
            v = new.pop(code)
            unit = Unit(regency=plan.regency, code=code)
            for key, attr in UNIT_ATTRS:
                setattr(unit, attr, v[key])
            unit.parent_id = units[v["parent"]].pk if v["parent"] else None
            objs.append(unit)
        Unit.objects.bulk_create(objs, batch_size=500)
        units.update({u.code: u for u in objs})
    columns = plan.columns.get("units", set())
    for unit in changed:
        v = plan.unit_rows[unit.code]
        for key, attr in UNIT_ATTRS:
            if key in columns:  # a column the sheet lacks changes nothing
                setattr(unit, attr, v[key])
        if "parent" in columns:
            unit.parent_id = units[v["parent"]].pk if v["parent"] else None
    Unit.objects.bulk_update(
        changed, ["parent", *[attr for _key, attr in UNIT_ATTRS]], batch_size=500
    )
    rewrite_paths(regency=plan.regency)
    return units


def rewrite_paths(*, regency: Regency) -> int:
    """Recompute the materialised path of every unit of a regency from its parent links
    (one read, one bulk write of the paths that changed); returns how many changed."""
    rows = list(Unit.objects.filter(regency=regency).values_list("pk", "parent_id", "path"))
    parent = {pk: parent_id for pk, parent_id, _path in rows}
    paths: dict[int, str] = {}

    def path_of(pk: int) -> str:
        chain = []
        while pk is not None and pk not in paths:
            chain.append(pk)
            pk = parent[pk]
        prefix = paths[pk] if pk is not None else ""
        for node in reversed(chain):
            prefix = f"{prefix}{node:0{PATH_SEGMENT_WIDTH}d}/"
            paths[node] = prefix
        return paths[chain[0]] if chain else prefix

    stale = []
    for pk, _parent_id, old in rows:
        new_path = path_of(pk)
        if new_path != old:
            stale.append(Unit(pk=pk, path=new_path, depth=new_path.count("/") - 1))
    Unit.objects.bulk_update(stale, ["path", "depth"], batch_size=500)
    return len(stale)


POSITION_ATTRS = [
    ("title", "title"),
    ("level", "level"),
    ("is_admin", "is_admin"),
    ("is_verifier", "is_verifier"),
    ("order", "sort_order"),
    ("active", "is_active"),
]


def _apply_positions(plan, units: dict[str, Unit]) -> dict[str, Position]:
    positions = dict(plan.existing_positions)
    columns = plan.columns.get("positions", set())
    created, changed = [], []
    for code, v in plan.position_rows.items():
        position = positions.get(code) or Position(regency=plan.regency, code=code)
        for key, attr in POSITION_ATTRS:
            if position.pk is None or key in columns:
                setattr(position, attr, v[key])
        position.unit_id = units[v["unit"]].pk
        (changed if position.pk else created).append(position)
    Position.objects.bulk_create(created, batch_size=500)
    Position.objects.bulk_update(
        changed, ["unit", *[attr for _key, attr in POSITION_ATTRS]], batch_size=500
    )
    positions.update({p.code: p for p in created})
    return positions


PERSON_ATTRS = [
    ("nip", "nip"),
    ("username", "username"),
    ("full_name", "full_name"),
    ("email", "email"),
    ("phone", "phone"),
    ("language", "language"),
    ("active", "is_active"),
]


def _apply_people(plan) -> dict[int, Person]:
    """Create and update people; returns the people created, by their row number."""
    columns = plan.columns.get("people", set()) | {"username"}  # resolved by the plan
    created, changed, by_row = [], [], {}
    for person, v in plan.person_rows:
        if person is None:
            # No password yet: an admin sets one (or the person resets it) before signing in.
            person = Person(regency=plan.regency, password=make_password(None))
            created.append(person)
            by_row[v["_row"]] = person
        else:
            changed.append(person)
        for key, attr in PERSON_ATTRS:
            if person.pk is None or key in columns:
                setattr(person, attr, v[key])
    Person.objects.bulk_create(created, batch_size=500)
    Person.objects.bulk_update(changed, [attr for _key, attr in PERSON_ATTRS], batch_size=500)
    return by_row


def _apply_assignments(plan, positions: dict[str, Position], people: dict[int, Person]) -> None:
    created, changed = [], []
    for assignment, v in plan.assignment_rows:
        target = v["target"]
        person = target if isinstance(target, Person) else people[target.number]
        if assignment is None:
            created.append(
                Assignment(
                    regency=plan.regency,
                    person=person,
                    position=positions[v["code"]],
                    kind=v["kind"],
                    start=v["start"],
                    end=v["end"],
                    decree=v["decree"],
                )
            )
        else:
            assignment.kind, assignment.end, assignment.decree = v["kind"], v["end"], v["decree"]
            changed.append(assignment)
    Assignment.objects.bulk_create(created, batch_size=500)
    Assignment.objects.bulk_update(changed, ["kind", "end", "decree"], batch_size=500)
