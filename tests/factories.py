"""Small factories for tests: a regency with units, positions, people and assignments."""

from __future__ import annotations

import datetime
import itertools

from superteam.org.models import (
    Assignment,
    AssignmentKind,
    Cluster,
    Person,
    Position,
    PositionLevel,
    Regency,
    Unit,
    UnitKind,
)

_seq = itertools.count(1)
PASSWORD = "correct horse battery"


def regency(**kw) -> Regency:
    n = next(_seq)
    defaults = {
        "name": f"Kabupaten Uji {n}",
        "code": f"9{n:03d}",
        "slug": f"uji-{n}",
        "province": "Jawa Timur",
    }
    defaults.update(kw)
    return Regency.objects.create(**defaults)


def unit(regency: Regency, *, parent: Unit | None = None, kind: str = UnitKind.DINAS, **kw) -> Unit:
    n = next(_seq)
    if parent is None and kind != UnitKind.KABUPATEN:
        parent = Unit.objects.filter(regency=regency, parent__isnull=True).first() or unit(
            regency, kind=UnitKind.KABUPATEN, name=f"Pemerintah {regency.name}"
        )
    defaults = {"code": f"U{n}", "name": f"Unit {n}"}
    defaults.update(kw)
    return Unit.objects.create(regency=regency, parent=parent, kind=kind, **defaults)


def position(unit: Unit, *, level: str = PositionLevel.STAFF, **kw) -> Position:
    n = next(_seq)
    defaults = {"code": f"P{n}", "title": f"Jabatan {n}"}
    defaults.update(kw)
    return Position.objects.create(regency=unit.regency, unit=unit, level=level, **defaults)


def person(regency: Regency | None = None, *, password: str | None = PASSWORD, **kw) -> Person:
    n = next(_seq)
    defaults = {
        "username": f"user{n}",
        "full_name": f"Orang Uji {n}",
        "email": f"user{n}@example.org",
    }
    defaults.update(kw)
    p = Person(regency=regency, **defaults)
    if password:
        p.set_password(password)
    else:
        p.set_unusable_password()
    p.save()
    return p


def assign(
    person: Person,
    position: Position,
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    kind: str = AssignmentKind.DEFINITIVE,
) -> Assignment:
    return Assignment.objects.create(
        regency=position.regency,
        person=person,
        position=position,
        start=start or datetime.date(2020, 1, 1),
        end=end,
        kind=kind,
    )


def holder(unit: Unit, level: str = PositionLevel.STAFF, **position_kw) -> Person:
    """A person holding a new position of the given level in the unit since 2020."""
    p = person(unit.regency)
    assign(p, position(unit, level=level, **position_kw))
    return p


def cluster(regency: Regency, *, lead: Unit, units: list[Unit], **kw) -> Cluster:
    n = next(_seq)
    defaults = {"code": f"c{n}", "name": f"Klaster {n}"}
    defaults.update(kw)
    c = Cluster.objects.create(regency=regency, lead_unit=lead, **defaults)
    c.units.set(units)
    return c
