"""Importing and exporting the organisation workbook: the checks of every row against the
database and each other (the plan), and the rows of an export.

The plan reads the regency once (a few queries, whatever the size) and decides, row by
row, what an import would create, update or leave unchanged; ``services.import_organisation``
applies it in one transaction only when no row has a problem.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from superteam.org.models import (
    SINGLE_HOLDER_LEVELS,
    Assignment,
    Person,
    Position,
    Regency,
    Unit,
    UnitKind,
)
from superteam.org.workbook import (
    ASSIGNMENTS,
    PEOPLE,
    POSITIONS,
    SHEETS,
    UNITS,
    Problem,
    ReadWorkbook,
    Row,
    write_bool,
    write_service_hours,
    write_workbook,
)

CHUNK = 900  # stays under every database's limit of query parameters

UNIT_FIELDS = {
    "kind": "kind",
    "name": "name",
    "short_name": "short_name",
    "latitude": "latitude",
    "longitude": "longitude",
    "address": "address",
    "email": "email",
    "frontline": "is_frontline",
    "service_hours": "service_hours",
    "order": "sort_order",
    "active": "is_active",
}
POSITION_FIELDS = {
    "title": "title",
    "level": "level",
    "is_admin": "is_admin",
    "is_verifier": "is_verifier",
    "order": "sort_order",
    "active": "is_active",
}
PERSON_FIELDS = {
    "full_name": "full_name",
    "email": "email",
    "phone": "phone",
    "language": "language",
    "active": "is_active",
}


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass
class ImportPlan:
    """What an import would do, or why it cannot (``problems``)."""

    regency: Regency
    problems: list[Problem] = field(default_factory=list)
    missing_sheets: list[str] = field(default_factory=list)
    counts: dict[str, Counts] = field(default_factory=lambda: {s.key: Counts() for s in SHEETS})
    # What to write, by code / key; filled only for rows that create or change something.
    unit_rows: dict[str, dict] = field(default_factory=dict)
    position_rows: dict[str, dict] = field(default_factory=dict)
    person_rows: list[tuple[Person | None, dict]] = field(default_factory=list)
    assignment_rows: list[tuple[Assignment | None, dict]] = field(default_factory=list)
    columns: dict[str, set[str]] = field(default_factory=dict)  # the columns each sheet has
    # (sheet, row number, created/updated/unchanged) of every row checked.
    verdicts: list[tuple[str, int, str]] = field(default_factory=list)
    existing_units: dict[str, Unit] = field(default_factory=dict)
    existing_positions: dict[str, Position] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changes(self) -> int:
        return sum(c.created + c.updated for c in self.counts.values())

    def sorted_problems(self) -> list[Problem]:
        order = {s.key: i for i, s in enumerate(SHEETS)}
        return sorted(self.problems, key=lambda p: (order.get(p.sheet, 9), p.row, p.column))

    def summary(self) -> dict[str, dict[str, int]]:
        return {key: counts.as_dict() for key, counts in self.counts.items()}


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _hours_key(hours) -> Any:
    if hours == "24h":
        return "24h"
    return {day: spans for day, spans in (hours or {}).items() if spans}


def _duplicates(sheet: str, rows: list[Row], key, label: str, problems: list[Problem]) -> set:
    """Report every row whose key an earlier row already used; returns the keys seen."""
    first: dict[Any, int] = {}
    for row in rows:
        k = key(row)
        if k in (None, "", ()):
            continue
        if k in first:
            problems.append(
                Problem(
                    sheet,
                    row.number,
                    label,
                    _("Appears twice: row %(first)s has the same %(what)s.")
                    % {"first": first[k], "what": label},
                )
            )
        else:
            first[k] = row.number
    return set(first)


def plan_import(*, regency: Regency, read: ReadWorkbook) -> ImportPlan:
    """Check every row of a read workbook against the regency; nothing is written."""
    plan = ImportPlan(
        regency=regency, missing_sheets=list(read.missing_sheets), columns=read.columns
    )
    plan.problems.extend(read.problems)
    bad_rows = {(p.sheet, p.row) for p in read.problems}
    rows = {key: read.rows.get(key, []) for key in (s.key for s in SHEETS)}
    _plan_units(plan, rows["units"], bad_rows)
    _plan_positions(plan, rows["positions"], rows["units"], bad_rows)
    people_keys = _plan_people(plan, rows["people"], bad_rows)
    _plan_assignments(plan, rows["assignments"], rows["positions"], people_keys, bad_rows)
    # Counted last, so that a row with a problem found anywhere is not counted.
    bad_rows = {(p.sheet, p.row) for p in plan.problems}
    for sheet, number, verdict in plan.verdicts:
        if (sheet, number) not in bad_rows:
            counts = plan.counts[sheet]
            setattr(counts, verdict, getattr(counts, verdict) + 1)
    return plan


def _plan_units(plan: ImportPlan, rows: list[Row], bad_rows: set) -> None:
    regency, problems = plan.regency, plan.problems
    code_label, parent_label = str(UNITS.column("code").label), str(UNITS.column("parent").label)
    existing = {u.code: u for u in Unit.objects.filter(regency=regency).select_related("parent")}
    plan.existing_units = existing
    columns = plan.columns.get("units", set())
    sheet_codes = _duplicates("units", rows, lambda r: r.values.get("code"), code_label, problems)
    seen: set[str] = set()
    parents: dict[str, str | None] = {
        code: (u.parent.code if u.parent else None) for code, u in existing.items()
    }
    row_of: dict[str, Row] = {}
    for row in rows:
        v, code = row.values, row.values.get("code")
        if not code or code in seen:
            continue
        seen.add(code)
        row_of[code] = row
        # Without a parent column, existing units stay where they are.
        parent = (v.get("parent") or None) if "parent" in columns else parents.get(code)
        parents[code] = parent
        if parent == code:
            problems.append(
                Problem("units", row.number, parent_label, _("A unit cannot be its own parent."))
            )
        elif parent and parent not in sheet_codes and parent not in existing:
            problems.append(
                Problem(
                    "units",
                    row.number,
                    parent_label,
                    _("Unknown parent code %(code)s: it is neither in this sheet nor in SuperTeam.")
                    % {"code": parent},
                )
            )
        kind = v.get("kind")
        if kind == UnitKind.KABUPATEN and parent:
            problems.append(
                Problem(
                    "units",
                    row.number,
                    parent_label,
                    _("The regency itself (kind kabupaten) has no parent unit."),
                )
            )
        elif kind and kind != UnitKind.KABUPATEN and not parent:
            problems.append(
                Problem(
                    "units",
                    row.number,
                    parent_label,
                    _("Fill in the parent code: only the regency itself has none."),
                )
            )
        if (v.get("latitude") is None) != (v.get("longitude") is None):
            problems.append(
                Problem(
                    "units",
                    row.number,
                    str(UNITS.column("latitude").label),
                    _("Give both latitude and longitude, or neither."),
                )
            )
    # Cycles in the final tree: the sheet's parents over the database's.
    reported: set[str] = set()
    for code in row_of:
        path, current = [code], parents.get(code)
        while current is not None and current not in path and current in parents:
            path.append(current)
            current = parents.get(current)
        if current is not None and current in path:
            cycle = [*path[path.index(current) :], current]
            for member in cycle[:-1]:
                if member in row_of and member not in reported:
                    reported.add(member)
                    problems.append(
                        Problem(
                            "units",
                            row_of[member].number,
                            parent_label,
                            _("These units would sit under each other in a circle: %(cycle)s.")
                            % {"cycle": " → ".join(cycle)},
                        )
                    )
    roots = sorted(code for code, parent in parents.items() if parent is None)
    if len(roots) > 1:
        for code in roots:
            if code in row_of and code not in existing:
                problems.append(
                    Problem(
                        "units",
                        row_of[code].number,
                        parent_label,
                        _("The regency has one root unit; %(others)s is one already.")
                        % {"others": ", ".join(r for r in roots if r != code)},
                    )
                )
    for code, row in row_of.items():
        if ("units", row.number) in bad_rows:
            continue
        unit = existing.get(code)
        if unit is None:
            plan.verdicts.append(("units", row.number, "created"))
            plan.unit_rows[code] = row.values
            continue
        changed = parents[code] != (unit.parent.code if unit.parent else None) or any(
            (
                _hours_key(getattr(unit, attr)) != _hours_key(row.values[key])
                if key == "service_hours"
                else getattr(unit, attr) != row.values[key]
            )
            for key, attr in UNIT_FIELDS.items()
            if key in columns
        )
        if changed:
            plan.verdicts.append(("units", row.number, "updated"))
            plan.unit_rows[code] = row.values
        else:
            plan.verdicts.append(("units", row.number, "unchanged"))


def _plan_positions(plan: ImportPlan, rows: list[Row], unit_rows: list[Row], bad_rows) -> None:
    problems = plan.problems
    code_label = str(POSITIONS.column("code").label)
    existing = {
        p.code: p for p in Position.objects.filter(regency=plan.regency).select_related("unit")
    }
    plan.existing_positions = existing
    unit_codes = {r.values.get("code") for r in unit_rows} | set(plan.existing_units)
    _duplicates("positions", rows, lambda r: r.values.get("code"), code_label, problems)
    seen: set[str] = set()
    for row in rows:
        v, code = row.values, row.values.get("code")
        if not code or code in seen:
            continue
        seen.add(code)
        if v.get("unit") and v["unit"] not in unit_codes:
            problems.append(
                Problem(
                    "positions",
                    row.number,
                    str(POSITIONS.column("unit").label),
                    _(
                        "Unknown unit code %(code)s: it is neither in the Units sheet nor in SuperTeam."
                    )
                    % {"code": v["unit"]},
                )
            )
            continue
        if ("positions", row.number) in bad_rows:
            continue
        position = existing.get(code)
        if position is None:
            plan.verdicts.append(("positions", row.number, "created"))
            plan.position_rows[code] = v
        elif position.unit.code != v["unit"] or any(
            getattr(position, attr) != v[key]
            for key, attr in POSITION_FIELDS.items()
            if key in plan.columns.get("positions", set())
        ):
            plan.verdicts.append(("positions", row.number, "updated"))
            plan.position_rows[code] = v
        else:
            plan.verdicts.append(("positions", row.number, "unchanged"))


def _plan_people(plan: ImportPlan, rows: list[Row], bad_rows) -> dict[str, Any]:
    """Check people; returns every key (NIP, username) an assignment may use → person
    (an existing Person, or the Row of a person this import creates)."""
    regency, problems = plan.regency, plan.problems
    nip_label = str(PEOPLE.column("nip").label)
    username_label = str(PEOPLE.column("username").label)
    ours = list(Person.objects.filter(regency=regency))
    by_nip = {p.nip: p for p in ours if p.nip}
    by_username = {p.username: p for p in ours}
    columns = plan.columns.get("people", set())
    has_nip, has_username = "nip" in columns, "username" in columns

    def username_of(row: Row) -> str:
        """The username cell; empty means the NIP, and a sheet without the column keeps
        the usernames people already have."""
        nip = row.values.get("nip") or ""
        if has_username:
            return row.values.get("username") or nip
        return by_nip[nip].username if nip in by_nip else nip

    nips = [r.values["nip"] for r in rows if r.values.get("nip")]
    usernames = [u for u in map(username_of, rows) if u]
    foreign_nips: set[str] = set()
    foreign_usernames: set[str] = set()
    for chunk in _chunks(nips):
        foreign_nips.update(
            Person.objects.filter(nip__in=chunk)
            .exclude(regency=regency)
            .values_list("nip", flat=True)
        )
    for chunk in _chunks(usernames):
        foreign_usernames.update(
            Person.objects.filter(username__in=chunk)
            .exclude(regency=regency)
            .values_list("username", flat=True)
        )
    _duplicates("people", rows, lambda r: r.values.get("nip"), nip_label, problems)
    _duplicates("people", rows, username_of, username_label, problems)
    validate_username = UnicodeUsernameValidator()
    keys: dict[str, Any] = {}
    seen: set[str] = set()
    for row in rows:
        v = row.values
        nip, username = v.get("nip") or "", username_of(row)
        if not username:
            if ("people", row.number) not in bad_rows:
                problems.append(
                    Problem("people", row.number, nip_label, _("Give a NIP or a username."))
                )
            continue
        if username in seen or (nip and nip in seen):
            continue  # a duplicate, reported above
        seen.update({username, nip} - {""})
        try:
            validate_username(username)
        except ValidationError:
            problems.append(
                Problem(
                    "people",
                    row.number,
                    username_label,
                    _("A username has letters, digits and @ . + - _ only."),
                )
            )
            continue
        if nip in foreign_nips:
            problems.append(
                Problem(
                    "people",
                    row.number,
                    nip_label,
                    _("This NIP belongs to a person of another regency."),
                )
            )
            continue
        person = by_nip.get(nip) if nip else None
        holder = by_username.get(username)
        if person is None and holder is not None and (not has_nip or holder.nip in (None, "", nip)):
            person = holder  # matched by username (no NIP yet, the same NIP, or no NIP column)
        if username in foreign_usernames or (holder is not None and holder != person):
            problems.append(
                Problem(
                    "people",
                    row.number,
                    username_label,
                    _("The username %(username)s is already used by someone else.")
                    % {"username": username},
                )
            )
            continue
        target = person if person is not None else row
        keys[username] = target
        if nip:
            keys[nip] = target
        if ("people", row.number) in bad_rows:
            continue
        values = dict(v, nip=nip or None, username=username, _row=row.number)
        if person is None:
            plan.verdicts.append(("people", row.number, "created"))
            plan.person_rows.append((None, values))
        elif (
            person.username != username
            or (has_nip and (person.nip or None) != values["nip"])
            or any(
                getattr(person, attr) != v[key]
                for key, attr in PERSON_FIELDS.items()
                if key in columns
            )
        ):
            plan.verdicts.append(("people", row.number, "updated"))
            plan.person_rows.append((person, values))
        else:
            plan.verdicts.append(("people", row.number, "unchanged"))
    # People of the regency not in the sheet can still be named by the assignments.
    for p in ours:
        if p.nip:
            keys.setdefault(p.nip, p)
        keys.setdefault(p.username, p)
    return keys


def _plan_assignments(
    plan: ImportPlan, rows: list[Row], position_rows: list[Row], people: dict, bad_rows
) -> None:
    problems = plan.problems
    columns = plan.columns.get("assignments", set())
    person_label = str(ASSIGNMENTS.column("person").label)
    position_label = str(ASSIGNMENTS.column("position").label)
    levels = {code: p.level for code, p in plan.existing_positions.items()}
    for r in position_rows:
        code = r.values.get("code")
        if code:  # the sheet's level wins; a row with a bad level still names a position
            levels[code] = r.values.get("level") or levels.get(code)
    positions_by_pk = {p.pk: p for p in plan.existing_positions.values()}
    existing: dict[tuple, Assignment] = {}
    for a in Assignment.objects.filter(regency=plan.regency):
        position = positions_by_pk.get(a.position_id)
        if position is not None:
            existing[(a.person_id, position.code, a.start)] = a

    def identity(target) -> Any:
        return ("person", target.pk) if isinstance(target, Person) else ("row", target.number)

    # Definitive holders of single-holder positions, to find two at once.
    intervals: dict[str, list[tuple[datetime.date, datetime.date | None, Any, int | None]]] = (
        defaultdict(list)
    )
    in_sheet: set[tuple] = set()
    seen: dict[tuple, int] = {}
    for row in rows:
        v = row.values
        target = people.get(v.get("person") or "")
        if v.get("person") and target is None:
            problems.append(
                Problem(
                    "assignments",
                    row.number,
                    person_label,
                    _(
                        "Unknown person %(key)s: no NIP or username like it in the People sheet or in SuperTeam."
                    )
                    % {"key": v["person"]},
                )
            )
        code = v.get("position")
        if code and code not in levels:
            problems.append(
                Problem(
                    "assignments",
                    row.number,
                    position_label,
                    _(
                        "Unknown position code %(code)s: it is neither in the Positions sheet nor in SuperTeam."
                    )
                    % {"code": code},
                )
            )
        start, end = v.get("start"), v.get("end")
        if start and end and end < start:
            problems.append(
                Problem(
                    "assignments",
                    row.number,
                    str(ASSIGNMENTS.column("end").label),
                    _("The end date is before the start date."),
                )
            )
            continue
        if target is None or not code or code not in levels or not start:
            continue
        key = (identity(target), code, start)
        if key in seen:
            problems.append(
                Problem(
                    "assignments",
                    row.number,
                    str(ASSIGNMENTS.column("start").label),
                    _("Appears twice: row %(first)s has the same person, position and start date.")
                    % {"first": seen[key]},
                )
            )
            continue
        seen[key] = row.number
        assignment = existing.get((target.pk, code, start)) if isinstance(target, Person) else None
        if assignment is not None:
            in_sheet.add(assignment.pk)
        # A column the sheet does not have leaves an existing assignment's value as it is.
        kind = v["kind"] if assignment is None or "kind" in columns else assignment.kind
        if assignment is not None and "end" not in columns:
            end = assignment.end
        decree = v.get("decree") or ""
        if assignment is not None and "decree" not in columns:
            decree = assignment.decree
        unchanged = assignment is not None and (
            assignment.kind == kind and assignment.end == end and assignment.decree == decree
        )
        if kind == "definitive" and levels[code] in SINGLE_HOLDER_LEVELS:
            intervals[code].append((start, end, row if not unchanged else None, key[0]))
        if ("assignments", row.number) in bad_rows:
            continue
        values = dict(v, kind=kind, end=end, decree=decree, target=target, code=code)
        if assignment is None:
            plan.verdicts.append(("assignments", row.number, "created"))
            plan.assignment_rows.append((None, values))
        elif unchanged:
            plan.verdicts.append(("assignments", row.number, "unchanged"))
        else:
            plan.verdicts.append(("assignments", row.number, "updated"))
            plan.assignment_rows.append((assignment, values))
    for (person_id, code, _start), a in existing.items():
        if (
            a.pk not in in_sheet
            and a.kind == "definitive"
            and levels.get(code) in SINGLE_HOLDER_LEVELS
        ):
            intervals[code].append((a.start, a.end, None, ("person", person_id)))
    _overlaps(plan, intervals)


def _overlaps(plan: ImportPlan, intervals: dict) -> None:
    """A head-level position has one definitive holder at a time (acting holders aside).
    Only rows this import adds or changes are blamed, so old history never blocks it."""
    far = datetime.date.max
    for code, spans in intervals.items():
        spans.sort(key=lambda s: s[0])
        for i, (start, end, row, who) in enumerate(spans):
            for other_start, _other_end, other_row, other_who in spans[i + 1 :]:
                if other_start > (end or far):
                    break
                if who == other_who or (row is None and other_row is None):
                    continue
                blamed = other_row or row
                plan.problems.append(
                    Problem(
                        "assignments",
                        blamed.number,
                        str(ASSIGNMENTS.column("start").label),
                        _(
                            "Position %(code)s would have two definitive holders at the same "
                            "time (from %(start)s); end the earlier assignment first."
                        )
                        % {"code": code, "start": max(start, other_start).isoformat()},
                    )
                )


# --- Export ---------------------------------------------------------------------------------


def export_rows(*, regency: Regency, language: str) -> dict[str, list[list]]:
    """The regency as workbook rows, in the same columns the import reads."""
    with translation.override(language):
        units = list(Unit.objects.filter(regency=regency).select_related("parent").order_by("path"))
        unit_rows = [
            [
                u.code,
                u.parent.code if u.parent else "",
                u.kind,
                u.name,
                u.short_name,
                float(u.latitude) if u.latitude is not None else None,
                float(u.longitude) if u.longitude is not None else None,
                u.address,
                u.email,
                write_bool(u.is_frontline),
                write_service_hours(u.service_hours, language),
                u.sort_order,
                write_bool(u.is_active),
            ]
            for u in units
        ]
        positions = Position.objects.filter(regency=regency).select_related("unit")
        position_rows = [
            [
                p.code,
                p.unit.code,
                p.title,
                p.level,
                write_bool(p.is_admin),
                write_bool(p.is_verifier),
                p.sort_order,
                write_bool(p.is_active),
            ]
            for p in positions.order_by("unit__path", "sort_order", "code")
        ]
        people = list(Person.objects.filter(regency=regency).order_by("full_name", "username"))
        person_rows = [
            [
                p.nip or "",
                "" if p.nip and p.username == p.nip else p.username,
                p.full_name,
                p.email,
                p.phone,
                p.language,
                write_bool(p.is_active),
            ]
            for p in people
        ]
        keys = {p.pk: p.nip or p.username for p in people}
        missing = (
            Assignment.objects.filter(regency=regency)
            .exclude(person__regency=regency)
            .values_list("person_id", flat=True)
        )
        for p in Person.objects.filter(pk__in=list(missing)):
            keys[p.pk] = p.nip or p.username
        assignment_rows = [
            [keys[a.person_id], a.position.code, a.kind, a.start, a.end, a.decree]
            for a in Assignment.objects.filter(regency=regency)
            .select_related("position")
            .order_by(
                "position__unit__path", "position__sort_order", "position__code", "start", "pk"
            )
        ]
    return {
        UNITS.key: unit_rows,
        POSITIONS.key: position_rows,
        PEOPLE.key: person_rows,
        ASSIGNMENTS.key: assignment_rows,
    }


def export_workbook(*, regency: Regency, language: str) -> bytes:
    """The whole organisation of a regency as a workbook that imports back unchanged."""
    return write_workbook(export_rows(regency=regency, language=language), language=language)


def template_workbook(*, language: str) -> bytes:
    """An empty workbook with instructions, headers and drop-down lists."""
    return write_workbook({}, language=language)
