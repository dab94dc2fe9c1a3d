"""Synthetic regencies of any size, shaped like the demo one: for benchmarks and load tests.

``generate_regency(units=10_000, people=50_000, ...)`` writes a regency in a few bulk
inserts per table: agencies with secretariats, bidang and seksi; a health agency with
many puskesmas and their pustu; hospitals; kecamatan with their villages; one position
per person; an admin account; a health cluster. Deterministic for a given seed.
"""

from __future__ import annotations

import datetime
import random
import sys
from dataclasses import dataclass
from typing import TextIO

from django.db import transaction

from superteam.core.progress import Progress
from superteam.org.demo import UnitSpec, write_units
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
from superteam.org.services import refresh_rollups

FRONTLINE_KINDS = {UnitKind.PUSKESMAS, UnitKind.PUSTU, UnitKind.DESA, UnitKind.RSUD}
UNUSABLE_PASSWORD = "!generated"  # noqa: S105 - not a hash: nobody signs in with it

HEAD_LEVEL_BY_KIND = {
    UnitKind.KABUPATEN: PositionLevel.REGENT,
    UnitKind.SEKRETARIAT_DAERAH: PositionLevel.SEKDA,
    UnitKind.SEKRETARIAT: PositionLevel.SECRETARY,
    UnitKind.BIDANG: PositionLevel.KABID,
    UnitKind.SUBBAGIAN: PositionLevel.KASUBAG,
    UnitKind.SEKSI: PositionLevel.KASI,
}
# How many staff positions a unit of each kind gets, relative to the others.
STAFF_WEIGHT = {
    UnitKind.DINAS: 6,
    UnitKind.BADAN: 6,
    UnitKind.BIDANG: 2,
    UnitKind.SEKSI: 3,
    UnitKind.SUBBAGIAN: 2,
    UnitKind.PUSKESMAS: 20,
    UnitKind.PUSTU: 2,
    UnitKind.RSUD: 10,
    UnitKind.KECAMATAN: 5,
    UnitKind.DESA: 2,
    UnitKind.KELURAHAN: 3,
    UnitKind.BAGIAN: 3,
}


@dataclass
class Spec:
    code: str
    name: str
    kind: str
    parent: str | None


def shape(units: int) -> list[Spec]:
    """The units of a regency of about ``units`` units, parents before children; exactly
    ``units`` long when ``units`` is at least the skeleton (a few dozen)."""
    specs: list[Spec] = [Spec("PEMKAB", "Pemerintah Kabupaten", UnitKind.KABUPATEN, None)]

    def add(code, name, kind, parent):
        specs.append(Spec(code, name, kind, parent))

    add("SETDA", "Sekretariat Daerah", UnitKind.SEKRETARIAT_DAERAH, "PEMKAB")
    for i in range(1, 7):
        add(f"BAG-{i}", f"Bagian {i}", UnitKind.BAGIAN, "SETDA")
    agencies = min(80, max(1, units // 250))
    puskesmas = max(1, units // 25)
    hospitals = max(1, units // 1000)
    kecamatan = max(1, units // 100)
    for a in range(agencies):
        code = "DINKES" if a == 0 else f"DINAS-{a}"
        name = "Dinas Kesehatan" if a == 0 else f"Dinas {a}"
        add(code, name, UnitKind.DINAS if a % 3 else UnitKind.BADAN, "PEMKAB")
        add(f"{code}-SEK", f"Sekretariat {name}", UnitKind.SEKRETARIAT, code)
        for s in (1, 2):
            add(f"{code}-SEK-SUB{s}", f"Subbagian {s}", UnitKind.SUBBAGIAN, f"{code}-SEK")
        for b in (1, 2, 3):
            add(f"{code}-B{b}", f"Bidang {b} {name}", UnitKind.BIDANG, code)
            for s in (1, 2):
                add(f"{code}-B{b}-S{s}", f"Seksi {s} Bidang {b}", UnitKind.SEKSI, f"{code}-B{b}")
    for p in range(1, puskesmas + 1):
        add(f"PKM-{p}", f"Puskesmas {p}", UnitKind.PUSKESMAS, "DINKES")
        for t in (1, 2, 3):
            add(f"PKM-{p}-PUSTU{t}", f"Pustu {p}.{t}", UnitKind.PUSTU, f"PKM-{p}")
    for h in range(1, hospitals + 1):
        add(f"RSUD-{h}", f"RSUD {h}", UnitKind.RSUD, "PEMKAB")
        for b in range(1, 5):
            add(f"RSUD-{h}-B{b}", f"Bidang {b} RSUD {h}", UnitKind.BIDANG, f"RSUD-{h}")
    for k in range(1, kecamatan + 1):
        add(f"KEC-{k}", f"Kecamatan {k}", UnitKind.KECAMATAN, "PEMKAB")
    villages = max(0, units - len(specs))
    for v in range(villages):
        k = v % kecamatan + 1
        kind = UnitKind.KELURAHAN if v % 8 == 0 else UnitKind.DESA
        label = "Kelurahan" if kind == UnitKind.KELURAHAN else "Desa"
        add(f"KEC-{k}-DS{v // kecamatan + 1}", f"{label} {v + 1}", kind, f"KEC-{k}")
    return specs[:units] if units >= 1 else specs[:1]


def generate_regency(
    *,
    code: str,
    name: str,
    units: int,
    people: int,
    seed: int = 1,
    stdout: TextIO | None = None,
) -> Regency:
    """Write a synthetic regency (``code`` is its 4-digit BPS-like code, unique)."""
    stdout = stdout or sys.stdout
    rng = random.Random(seed)
    specs = shape(units)
    with transaction.atomic():
        regency = Regency.objects.create(name=name, code=code, slug=f"gen-{code}")
        by_code = write_units(
            regency,
            [
                UnitSpec(
                    code=s.code,
                    name=s.name,
                    kind=s.kind,
                    parent=s.parent,
                    frontline=s.kind in FRONTLINE_KINDS,
                    hours="24h" if s.kind == UnitKind.RSUD else {},
                    order=i,
                )
                for i, s in enumerate(specs)
            ],
            stdout,
        )
        positions = _write_positions(regency, specs, by_code, people, rng, stdout)
        _write_people(regency, positions, rng, stdout)
        cluster = Cluster.objects.create(
            regency=regency,
            code="kesehatan",
            name="Kesehatan",
            name_en="Health",
            lead_unit=by_code["DINKES"],
        )
        cluster.units.set(
            [u for u in by_code.values() if u.kind in (UnitKind.PUSKESMAS, UnitKind.RSUD)]
            + [by_code["DINKES"]]
        )
        refresh_rollups(regency=regency)
    return regency


def _write_positions(
    regency: Regency,
    specs: list[Spec],
    units: dict[str, Unit],
    people: int,
    rng: random.Random,
    stdout,
) -> list[Position]:
    """One head position per unit, the admin, and staff positions spread by weight, with
    the health agency itself holding a large share (the "big unit" of the benchmark)."""
    positions: list[Position] = []

    def add(unit: Unit, code: str, title: str, level: str, **kw) -> None:
        positions.append(
            Position(
                regency=regency,
                unit=unit,
                code=code,
                title=title,
                level=level,
                sort_order=len(positions),
                **kw,
            )
        )

    for s in specs:
        unit = units[s.code]
        add(unit, f"{s.code}-HEAD", f"Kepala {s.name}", HEAD_LEVEL_BY_KIND.get(s.kind, "head"))
    add(units.get("BAG-1", units["PEMKAB"]), "ADMIN", "Admin SuperTeam", "staff", is_admin=True)
    staff_total = max(0, people - len(positions))
    big = staff_total // 50  # 2 % of the people work in the health agency's own office
    for i in range(big):
        add(units["DINKES"], f"DINKES-OFF{i + 1}", f"Staf Dinas Kesehatan {i + 1}", "staff")
    weights = [(s, STAFF_WEIGHT.get(s.kind, 1)) for s in specs]
    total_weight = sum(w for _s, w in weights) or 1
    remaining = staff_total - big
    for s, w in weights:
        n = remaining * w // total_weight
        for i in range(n):
            add(units[s.code], f"{s.code}-STF{i + 1}", f"Staf {s.name}", "staff")
    while len(positions) < people:
        s = rng.choice(specs)
        add(units[s.code], f"{s.code}-X{len(positions)}", f"Staf {s.name}", "staff")
    with Progress(len(positions), "Positions", stdout) as bar:
        for i in range(0, len(positions), 2000):
            Position.objects.bulk_create(positions[i : i + 2000])
            bar.advance(len(positions[i : i + 2000]))
    return positions


def _write_people(regency: Regency, positions: list[Position], rng: random.Random, stdout) -> None:
    """One person per position (the admin's is ``admin-<code>``), a few acting heads,
    and earlier holders of some head positions (history)."""
    start_anchor = datetime.date(2025, 1, 1)
    serial = 0
    with Progress(len(positions), "People", stdout) as bar:
        for i in range(0, len(positions), 2000):
            chunk = positions[i : i + 2000]
            people, assignments = [], []
            for position in chunk:
                serial += 1
                birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(5800))
                nip = f"{birth:%Y%m%d}{regency.code[-4:]:0>4}{serial:06d}"
                username = (
                    f"admin-{regency.code}"
                    if position.code == "ADMIN"
                    else f"g{regency.code}-{serial}"
                )
                people.append(
                    Person(
                        regency=regency,
                        username=username,
                        full_name=f"Pegawai {serial}",
                        nip=nip,
                        password=UNUSABLE_PASSWORD,
                    )
                )
                start = start_anchor - datetime.timedelta(days=rng.randrange(2000))
                acting = position.level == "head" and rng.random() < 0.05
                assignments.append(
                    (
                        len(people) - 1,
                        position,
                        AssignmentKind.ACTING if acting else AssignmentKind.DEFINITIVE,
                        start,
                    )
                )
            Person.objects.bulk_create(people)
            rows = [
                Assignment(regency=regency, person=people[k], position=p, kind=kind, start=start)
                for k, p, kind, start in assignments
            ]
            # Earlier holders of one head position in twenty: ended, kept as history.
            for k, p, _kind, start in assignments:
                if p.level == "head" and k % 20 == 0:
                    rows.append(
                        Assignment(
                            regency=regency,
                            person=people[(k + 1) % len(people)],
                            position=p,
                            start=start - datetime.timedelta(days=900),
                            end=start - datetime.timedelta(days=1),
                        )
                    )
            Assignment.objects.bulk_create(rows, batch_size=2000)
            bar.advance(len(chunk))
