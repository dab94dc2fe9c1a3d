"""Who may do what: the one place that answers "may this person do this to this object now?"

Roles follow positions, never persons. An :class:`Actor` is a person as seen today through
the positions they hold: the regent (bupati, wakil bupati, sekda) and admins act for
everything in their regency; a verifier reads everything and may verify; the holder of a
head-level position (kepala, sekretaris, kabid, kasubag, kasi) acts for that unit and its
sub-units; every holder is a member of their unit.

Each app declares its rules in ``superteam/<app>/rules.py`` with :func:`rule`; views, the
API and commands ask :func:`can` (or :func:`require`). Nobody checks roles inline.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

Rule = Callable[["Actor", Any], bool]

_ASSIGNMENTS: dict = {}


def _current_assignments(person_id: int, day: datetime.date) -> list:
    """A person's assignments in force on ``day`` in active positions, with position and
    unit, definitive before acting, by the unit's place in the tree: the same as
    ``Assignment.objects.current(day).filter(person=..., position__is_active=True)
    .select_related("position", "position__unit").order_by("kind", "position__unit__path")``
    (tests/core/test_fastsql.py), read with SQL compiled once: nearly every request asks."""
    from django.db import connections, router

    from superteam.core.fastsql import Joined
    from superteam.org.models import Assignment, Position, Unit

    using = router.db_for_read(Assignment)
    connection = connections[using]
    compiled = _ASSIGNMENTS.get(using)
    if compiled is None:
        q = connection.ops.quote_name
        joined = Joined((Assignment, "a"), (Position, "p"), (Unit, "u"))
        a, p, u = (m._meta for m in (Assignment, Position, Unit))
        # Only quoted model names go into the text; the values are parameters.
        sql = (
            f"SELECT {joined.columns(connection)} FROM {q(a.db_table)} a"  # noqa: S608
            f" INNER JOIN {q(p.db_table)} p ON a.{q('position_id')} = p.{q('id')}"
            f" INNER JOIN {q(u.db_table)} u ON p.{q('unit_id')} = u.{q('id')}"
            f" WHERE a.{q('person_id')} = %s AND a.{q('start')} <= %s"
            f" AND (a.{q('end')} IS NULL OR a.{q('end')} >= %s) AND p.{q('is_active')}"
            f" ORDER BY a.{q('kind')} ASC, u.{q('path')} ASC"
        )
        compiled = _ASSIGNMENTS[using] = (joined, sql)
    joined, sql = compiled
    when = connection.ops.adapt_datefield_value(day)
    with connection.cursor() as cursor:
        cursor.execute(sql, [person_id, when, when])
        rows = cursor.fetchall()
    out = []
    for row in rows:
        assignment, position, unit = joined.instances(row, connection)
        Position.unit.field.set_cached_value(position, unit)
        Assignment.position.field.set_cached_value(assignment, position)
        out.append(assignment)
    return out


_RULES: dict[str, Rule] = {}


def rule(action: str) -> Callable[[Rule], Rule]:
    """Register the rule deciding ``action`` (e.g. ``"agreements.sign"``)."""

    def register(fn: Rule) -> Rule:
        if action in _RULES and _RULES[action] is not fn:
            raise ValueError(f"Permission rule {action!r} is declared twice.")
        _RULES[action] = fn
        return fn

    return register


def registered_actions() -> list[str]:
    return sorted(_RULES)


ROLE_REGENT = "regent"
ROLE_ADMIN = "admin"
ROLE_VERIFIER = "verifier"
ROLE_HEAD = "head"
ROLE_KABID = "kabid"
ROLE_KASI = "kasi"
ROLE_STAFF = "staff"


@dataclass
class Actor:
    """A person (or nobody) as they may act on a given day."""

    person: Any = None  # org.Person or None for the public
    day: datetime.date = field(default_factory=timezone.localdate)

    @property
    def is_authenticated(self) -> bool:
        return bool(
            self.person is not None and self.person.is_authenticated and self.person.is_active
        )

    @property
    def is_superuser(self) -> bool:
        return self.is_authenticated and self.person.is_superuser

    @cached_property
    def assignments(self) -> list:
        """Assignments in force today, with position and unit (one query)."""
        if not self.is_authenticated:
            return []
        return _current_assignments(self.person.pk, self.day)

    @cached_property
    def positions(self) -> list:
        return [a.position for a in self.assignments]

    @cached_property
    def regency_ids(self) -> set[int]:
        ids = {p.regency_id for p in self.positions}
        if self.is_authenticated and self.person.regency_id:
            ids.add(self.person.regency_id)
        return ids

    @cached_property
    def roles(self) -> set[str]:
        from superteam.org.models import PositionLevel

        roles: set[str] = set()
        for p in self.positions:
            if p.is_regent:
                roles.add(ROLE_REGENT)
            if p.is_admin:
                roles.add(ROLE_ADMIN)
            if p.is_verifier:
                roles.add(ROLE_VERIFIER)
            if p.level == PositionLevel.HEAD:
                roles.add(ROLE_HEAD)
            elif p.level in (PositionLevel.KABID, PositionLevel.SECRETARY):
                roles.add(ROLE_KABID)
            elif p.level in (PositionLevel.KASI, PositionLevel.KASUBAG):
                roles.add(ROLE_KASI)
            else:
                roles.add(ROLE_STAFF)
        if self.is_superuser:
            roles.add(ROLE_ADMIN)
        return roles

    @property
    def is_regent(self) -> bool:
        return ROLE_REGENT in self.roles

    @property
    def is_admin(self) -> bool:
        return ROLE_ADMIN in self.roles

    @property
    def is_verifier(self) -> bool:
        return ROLE_VERIFIER in self.roles

    @property
    def sees_everything(self) -> bool:
        """The regent, admins and verifiers read everything in their regency."""
        return self.is_regent or self.is_admin or self.is_verifier

    @cached_property
    def headed_units(self) -> list:
        """Units whose head-level position this person holds today."""
        return [p.unit for p in self.positions if p.is_head]

    @cached_property
    def member_units(self) -> list:
        """Units in which this person holds any position today."""
        seen, units = set(), []
        for p in self.positions:
            if p.unit_id not in seen:
                seen.add(p.unit_id)
                units.append(p.unit)
        return units

    def in_regency(self, obj: Any) -> bool:
        """Whether the object belongs to a regency this person works in (superusers: all)."""
        regency_id = _regency_id_of(obj)
        if regency_id is None:
            return True
        return self.is_superuser or regency_id in self.regency_ids

    def governs(self, obj: Any) -> bool:
        """Regent or admin of the object's regency: may act for everything in it."""
        return (self.is_regent or self.is_admin) and self.in_regency(obj)

    def reads_all(self, obj: Any) -> bool:
        return self.sees_everything and self.in_regency(obj)

    def acts_for(self, unit: Any) -> bool:
        """May act for the unit: governs the regency, or heads the unit or an ancestor."""
        if unit is None:
            return False
        if self.governs(unit):
            return True
        return any(unit.path.startswith(h.path) for h in self.headed_units)

    def is_member_of(self, unit: Any) -> bool:
        """Holds a position in the unit or one of its sub-units (staff report for it)."""
        if unit is None:
            return False
        return any(m.path.startswith(unit.path) for m in self.member_units)

    def holds(self, position: Any) -> bool:
        return any(p.pk == position.pk for p in self.positions)


def _regency_id_of(obj: Any) -> int | None:
    if obj is None or isinstance(obj, type):
        return None
    from superteam.org.models import Regency

    if isinstance(obj, Regency):
        return obj.pk
    return getattr(obj, "regency_id", None)


def actor_for(person: Any, day: datetime.date | None = None) -> Actor:
    return Actor(person=person, day=day or timezone.localdate())


def can(actor: Actor | Any, action: str, obj: Any = None) -> bool:
    """May ``actor`` (an Actor or a Person) do ``action`` to ``obj`` now?"""
    if not isinstance(actor, Actor):
        actor = actor_for(actor if getattr(actor, "is_authenticated", False) else None)
    try:
        decide = _RULES[action]
    except KeyError:
        raise KeyError(
            f"No permission rule for {action!r}; declare it in the app's rules.py."
        ) from None
    return bool(decide(actor, obj))


def require(request, action: str, obj: Any = None) -> None:
    """Raise PermissionDenied unless the request's actor may do ``action`` to ``obj``."""
    if not can(request.actor, action, obj):
        raise PermissionDenied


# --- Rules shared by every app ---------------------------------------------------------


@rule("core.dashboard")
def _dashboard(actor: Actor, obj: Any) -> bool:
    return actor.is_authenticated


@rule("core.admin_site")
def _admin_site(actor: Actor, obj: Any) -> bool:
    return actor.is_admin
