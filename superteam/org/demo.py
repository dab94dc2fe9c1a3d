"""Load the Banyuwangi demo regency: units, positions, ~3,000 fictional people, clusters and
one demo account per role. Deterministic (seeded) and idempotent (skips what exists).

Called by ``manage.py load_demo`` through :func:`load`.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction

from superteam.core.demo_accounts import DEMO_PASSWORD
from superteam.core.progress import Progress
from superteam.org import demo_data as D
from superteam.org.models import (
    PATH_SEGMENT_WIDTH,
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

TODAY_ANCHOR = datetime.date(2026, 1, 2)  # appointments are dated before the January rakor


@dataclass
class UnitSpec:
    code: str
    name: str
    kind: str
    parent: str | None
    lat: str | None = None
    lon: str | None = None
    address: str = ""
    frontline: bool = False
    hours: dict | str = field(default_factory=dict)
    short: str = ""
    order: int = 0


@dataclass
class PositionSpec:
    code: str
    unit: str
    title: str
    level: str
    holders: int = 1
    is_admin: bool = False
    is_verifier: bool = False
    account: str | None = None  # demo username for the (first) holder
    order: int = 0


class Builder:
    """Collects the regency as plain specs first, then writes it in a few bulk inserts."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.units: list[UnitSpec] = []
        self.positions: list[PositionSpec] = []

    def unit(self, **kw) -> UnitSpec:
        spec = UnitSpec(**kw)
        spec.order = len(self.units)
        self.units.append(spec)
        return spec

    def position(self, **kw) -> PositionSpec:
        spec = PositionSpec(**kw)
        spec.order = len(self.positions)
        self.positions.append(spec)
        return spec

    def staff(self, unit: str, titles: list[str], count: int) -> None:
        for i in range(count):
            title = titles[i % len(titles)]
            self.position(
                code=f"{unit}-STF{i + 1}", unit=unit, title=title, level=PositionLevel.STAFF
            )


def build(rng: random.Random) -> Builder:
    """The whole demo organisation as specs (no database access)."""
    b = Builder(rng)
    b.unit(
        code=D.ROOT["code"],
        name=D.ROOT["name"],
        kind=UnitKind.KABUPATEN,
        parent=None,
        lat=D.ROOT["lat"],
        lon=D.ROOT["lon"],
        address=D.ROOT["address"],
        hours=D.OFFICE_HOURS,
    )
    b.position(
        code="BUPATI",
        unit="PEMKAB",
        title="Bupati Banyuwangi",
        level=PositionLevel.REGENT,
        account="bupati",
    )
    b.position(
        code="WABUP",
        unit="PEMKAB",
        title="Wakil Bupati Banyuwangi",
        level=PositionLevel.VICE_REGENT,
    )

    b.unit(
        code="SETDA",
        name="Sekretariat Daerah",
        kind=UnitKind.SEKRETARIAT_DAERAH,
        parent="PEMKAB",
        lat=D.ROOT["lat"],
        lon=D.ROOT["lon"],
        address=D.ROOT["address"],
        hours=D.OFFICE_HOURS,
        short="Setda",
    )
    b.position(code="SEKDA", unit="SETDA", title="Sekretaris Daerah", level=PositionLevel.SEKDA)
    for code, name in D.SETDA_BAGIAN:
        b.unit(code=code, name=name, kind=UnitKind.BAGIAN, parent="SETDA", hours=D.OFFICE_HOURS)
        b.position(
            code=f"{code}-KABAG", unit=code, title=f"Kepala {name}", level=PositionLevel.HEAD
        )
        if code == "BAG-ORG":
            # The organisation bureau administers SuperTeam (DESIGN.md: admin role).
            b.position(
                code="BAG-ORG-ADMIN",
                unit=code,
                title="Analis Kelembagaan (Admin SuperTeam)",
                level=PositionLevel.STAFF,
                is_admin=True,
                account="admin",
            )
        b.staff(code, D.STAFF_TITLES, 2)

    for code, name, kind, bidang in D.AGENCIES:
        frontline = code in D.FRONTLINE_AGENCIES
        hours = "24h" if code in D.ROUND_THE_CLOCK_AGENCIES else D.OFFICE_HOURS
        lat = f"{-8.2191 + b.rng.uniform(-0.012, 0.012):.6f}"
        lon = f"{114.3691 + b.rng.uniform(-0.012, 0.012):.6f}"
        b.unit(
            code=code,
            name=name,
            kind=kind,
            parent="PEMKAB",
            lat=lat,
            lon=lon,
            frontline=frontline,
            hours=hours,
            address="Banyuwangi",
        )
        head_title = {
            "INSPEKTORAT": "Inspektur",
            "SATPOLPP": "Kepala Satuan Polisi Pamong Praja",
            "DPRD-SET": "Sekretaris DPRD",
        }.get(code, f"Kepala {name}")
        b.position(
            code=f"{code}-HEAD",
            unit=code,
            title=head_title,
            level=PositionLevel.HEAD,
            account="kadinkes" if code == "DINKES" else None,
        )
        if code != "DPRD-SET":
            sek = f"{code}-SEK"
            b.unit(
                code=sek,
                name=f"Sekretariat {name}",
                kind=UnitKind.SEKRETARIAT,
                parent=code,
                hours=hours,
            )
            b.position(
                code=f"{sek}-HEAD", unit=sek, title="Sekretaris", level=PositionLevel.SECRETARY
            )
            for j, sub in enumerate(D.SUBBAGIAN[: 2 + (len(bidang) > 3)]):
                sc = f"{sek}-SUB{j + 1}"
                b.unit(code=sc, name=sub, kind=UnitKind.SUBBAGIAN, parent=sek, hours=hours)
                b.position(
                    code=f"{sc}-HEAD", unit=sc, title=f"Kepala {sub}", level=PositionLevel.KASUBAG
                )
                b.staff(sc, D.STAFF_TITLES, 2)
        if code == "INSPEKTORAT":
            for k in range(3):
                b.position(
                    code=f"INSPEKTORAT-AUD{k + 1}",
                    unit="INSPEKTORAT",
                    title="Auditor Ahli Muda",
                    level=PositionLevel.FUNCTIONAL,
                    is_verifier=True,
                    account="verifikator" if k == 0 else None,
                )
        if code == "BAPPEDA":
            b.position(
                code="BAPPEDA-VER1",
                unit="BAPPEDA",
                title="Perencana Ahli Muda (Validator Inovasi)",
                level=PositionLevel.FUNCTIONAL,
                is_verifier=True,
            )
        for i, bname in enumerate(bidang):
            bc = f"{code}-B{i + 1}"
            b.unit(code=bc, name=bname, kind=UnitKind.BIDANG, parent=code, hours=hours)
            is_irban = bname.startswith("Inspektur Pembantu")
            b.position(
                code=f"{bc}-HEAD",
                unit=bc,
                title=bname if is_irban else f"Kepala {bname}",
                level=PositionLevel.KABID,
                account="kabid"
                if (code == "DINKES" and bname == "Bidang Pelayanan Kesehatan")
                else None,
            )
            topic = bname.removeprefix("Bidang ").removeprefix("Inspektur Pembantu ")
            seksi = D.DINKES_SEKSI.get(bname) or [
                f"{p} {topic}" for p in D.SEKSI_PATTERNS[: 2 + (i % 2)]
            ]
            for j, sname in enumerate(seksi):
                sc = f"{bc}-S{j + 1}"
                b.unit(code=sc, name=sname, kind=UnitKind.SEKSI, parent=bc, hours=hours)
                b.position(
                    code=f"{sc}-HEAD",
                    unit=sc,
                    title=f"Kepala {sname}",
                    level=PositionLevel.KASI,
                    account="kasi" if sname == "Seksi Pelayanan Kesehatan Primer" else None,
                )
                b.staff(sc, D.STAFF_TITLES, 2 + (j % 2))

    for code, name, lat, lon, address in D.HOSPITALS:
        b.unit(
            code=code,
            name=name,
            kind=UnitKind.RSUD,
            parent="PEMKAB",
            lat=lat,
            lon=lon,
            address=address,
            frontline=True,
            hours="24h",
        )
        b.position(
            code=f"{code}-HEAD", unit=code, title=f"Direktur {name}", level=PositionLevel.HEAD
        )
        for i, dname in enumerate(D.HOSPITAL_DIVISIONS):
            dc = f"{code}-B{i + 1}"
            b.unit(code=dc, name=dname, kind=UnitKind.BIDANG, parent=code, hours="24h")
            b.position(
                code=f"{dc}-HEAD", unit=dc, title=f"Kepala {dname}", level=PositionLevel.KABID
            )
            b.staff(dc, ["Dokter Spesialis", "Perawat", "Bidan", "Apoteker"], 8)

    kec_codes = {}
    for name, lat, lon in D.KECAMATAN:
        kc = f"KEC-{name.upper().replace(' ', '')}"
        kec_codes[name] = kc
        b.unit(
            code=kc,
            name=f"Kecamatan {name}",
            kind=UnitKind.KECAMATAN,
            parent="PEMKAB",
            lat=lat,
            lon=lon,
            frontline=True,
            hours=D.OFFICE_HOURS,
            address=f"Kantor Kecamatan {name}",
            short=f"Kec. {name}",
        )
        b.position(code=f"{kc}-HEAD", unit=kc, title=f"Camat {name}", level=PositionLevel.HEAD)
        b.position(
            code=f"{kc}-SEK",
            unit=kc,
            title=f"Sekretaris Kecamatan {name}",
            level=PositionLevel.SECRETARY,
        )
        b.position(
            code=f"{kc}-KASI1", unit=kc, title="Kepala Seksi Pemerintahan", level=PositionLevel.KASI
        )
        b.position(
            code=f"{kc}-KASI2",
            unit=kc,
            title="Kepala Seksi Pelayanan Umum",
            level=PositionLevel.KASI,
        )
        b.position(
            code=f"{kc}-KASI3",
            unit=kc,
            title="Kepala Seksi Kesejahteraan Sosial",
            level=PositionLevel.KASI,
        )
        b.staff(kc, ["Pengadministrasi Umum", "Petugas Pelayanan"], 3)

    _villages(b, kec_codes)
    _health_centres(b, kec_codes)
    return b


def _villages(b: Builder, kec_codes: dict[str, str]) -> None:
    """217 villages: 28 kelurahan in four urban districts, 189 desa spread over the rest."""
    names_used: set[str] = set()
    desa_quota = {name: 0 for name, _, _ in D.KECAMATAN}
    rural = [n for n, _, _ in D.KECAMATAN if n != "Banyuwangi"]
    remaining = D.DESA_COUNT
    for i, name in enumerate(rural):
        share = remaining // (len(rural) - i)
        if name in D.KELURAHAN:
            share = min(share, 5 - len(D.KELURAHAN[name]) + 2)
        desa_quota[name] = share
        remaining -= share
    for name, lat, lon in D.KECAMATAN:
        kc = kec_codes[name]
        villages = [(v, UnitKind.KELURAHAN) for v in D.KELURAHAN.get(name, [])]
        known = list(D.KNOWN_DESA.get(name, []))
        for _k in range(desa_quota[name]):
            if known:
                v = known.pop(0)
            else:
                while True:
                    v = b.rng.choice(D.VILLAGE_PARTS_A) + b.rng.choice(D.VILLAGE_PARTS_B)
                    if v not in names_used:
                        break
            villages.append((v, UnitKind.DESA))
        for idx, (v, kind) in enumerate(villages):
            names_used.add(v)
            vc = f"{kc}-{'KEL' if kind == UnitKind.KELURAHAN else 'DS'}{idx + 1:02d}"
            vlat = f"{float(lat) + b.rng.uniform(-0.03, 0.03):.6f}"
            vlon = f"{float(lon) + b.rng.uniform(-0.03, 0.03):.6f}"
            label = "Kelurahan" if kind == UnitKind.KELURAHAN else "Desa"
            b.unit(
                code=vc,
                name=f"{label} {v}",
                kind=kind,
                parent=kc,
                lat=vlat,
                lon=vlon,
                frontline=True,
                hours=D.VILLAGE_HOURS,
                address=f"Kantor {label} {v}, Kecamatan {name}",
                short=v,
            )
            head = "Lurah" if kind == UnitKind.KELURAHAN else "Kepala Desa"
            b.position(code=f"{vc}-HEAD", unit=vc, title=f"{head} {v}", level=PositionLevel.HEAD)
            b.position(
                code=f"{vc}-SEK",
                unit=vc,
                title=f"Sekretaris {label}",
                level=PositionLevel.SECRETARY,
            )
            b.position(
                code=f"{vc}-KASI1",
                unit=vc,
                title="Kepala Seksi Pemerintahan",
                level=PositionLevel.KASI,
            )
            b.staff(vc, ["Kepala Urusan Umum", "Operator Desa"], 1 + (idx % 2))


def _health_centres(b: Builder, kec_codes: dict[str, str]) -> None:
    """45 puskesmas under the health agency, each with one to three pustu."""
    for kec_name, lat, lon in D.KECAMATAN:
        for name in D.PUSKESMAS.get(kec_name, []):
            pc = "PKM-" + name.upper().replace(" ", "")
            plat = f"{float(lat) + b.rng.uniform(-0.02, 0.02):.6f}"
            plon = f"{float(lon) + b.rng.uniform(-0.02, 0.02):.6f}"
            b.unit(
                code=pc,
                name=f"Puskesmas {name}",
                kind=UnitKind.PUSKESMAS,
                parent="DINKES",
                lat=plat,
                lon=plon,
                frontline=True,
                hours="24h" if name in D.PUSKESMAS_24H else D.PUSKESMAS_HOURS,
                address=f"Puskesmas {name}, Kecamatan {kec_name}",
                short=f"PKM {name}",
            )
            b.position(
                code=f"{pc}-HEAD",
                unit=pc,
                title=f"Kepala Puskesmas {name}",
                level=PositionLevel.HEAD,
            )
            b.position(
                code=f"{pc}-TU",
                unit=pc,
                title="Kepala Sub Bagian Tata Usaha",
                level=PositionLevel.KASUBAG,
            )
            b.staff(pc, D.PUSKESMAS_STAFF, 10)
            pustu_count = 1 + (sum(map(ord, name)) % 3)
            for k in range(pustu_count):
                pu = f"{pc}-PUSTU{k + 1}"
                place = f"{name} {['Utara', 'Selatan', 'Timur'][k]}"
                if name == "Genteng Kulon" and k == 0:
                    place = "Genteng Wetan"
                b.unit(
                    code=pu,
                    name=f"Pustu {place}",
                    kind=UnitKind.PUSTU,
                    parent=pc,
                    lat=f"{float(plat) + b.rng.uniform(-0.015, 0.015):.6f}",
                    lon=f"{float(plon) + b.rng.uniform(-0.015, 0.015):.6f}",
                    frontline=True,
                    hours=D.PUSKESMAS_HOURS,
                    address=f"Pustu {place}, Kecamatan {kec_name}",
                    short=f"Pustu {place}",
                )
                b.position(
                    code=f"{pu}-HEAD",
                    unit=pu,
                    title=f"Penanggung Jawab Pustu {place}",
                    level=PositionLevel.HEAD,
                )
                b.position(
                    code=f"{pu}-STF1",
                    unit=pu,
                    title="Perawat Pustu",
                    level=PositionLevel.STAFF,
                    account="staf" if (name == "Genteng Kulon" and k == 0) else None,
                )
                b.position(
                    code=f"{pu}-STF2", unit=pu, title="Bidan Desa", level=PositionLevel.STAFF
                )


def _nip(rng: random.Random, used: set[str]) -> tuple[str, bool]:
    while True:
        female = rng.random() < 0.5
        birth = datetime.date(1966, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 32))
        appointed_year = min(2024, birth.year + rng.randint(22, 30))
        nip = f"{birth:%Y%m%d}{appointed_year}{rng.randint(1, 12):02d}{2 if female else 1}{rng.randint(1, 999):03d}"
        if nip not in used:
            used.add(nip)
            return nip, female


def _name(rng: random.Random, female: bool) -> str:
    first = rng.choice(D.FIRST_NAMES_F if female else D.FIRST_NAMES_M)
    return f"{first} {rng.choice(D.LAST_NAMES)}"


def load(*, stdout, seed: int = 3510) -> Regency:
    """Create the demo regency unless it exists; returns it either way."""
    existing = Regency.objects.filter(code=D.REGENCY["code"]).first()
    if existing is not None:
        stdout.write("Organisation: the demo regency is already loaded.\n")
        return existing
    rng = random.Random(seed)
    b = build(rng)
    with transaction.atomic():
        regency = Regency.objects.create(**D.REGENCY)
        units = write_units(regency, b.units, stdout)
        positions = _write_positions(regency, b, units, stdout)
        _write_people(regency, b, positions, rng, stdout)
        _write_clusters(regency, units, positions)
        refresh_rollups(regency=regency)
    return regency


def write_units(regency: Regency, specs: list[UnitSpec], stdout) -> dict[str, Unit]:
    """Create units level by level (a bulk insert per level, then their paths); also used
    by the generator of large regencies."""
    units: dict[str, Unit] = {}
    by_parent: dict[str | None, list[UnitSpec]] = {}
    for spec in specs:
        by_parent.setdefault(spec.parent, []).append(spec)
    level = by_parent[None]
    with Progress(len(specs), "Units", stdout) as bar:
        while level:
            objs = [
                Unit(
                    regency=regency,
                    parent=units.get(s.parent),
                    kind=s.kind,
                    code=s.code,
                    name=s.name,
                    short_name=s.short,
                    latitude=s.lat,
                    longitude=s.lon,
                    address=s.address,
                    is_frontline=s.frontline,
                    service_hours=s.hours,
                    sort_order=s.order,
                )
                for s in level
            ]
            Unit.objects.bulk_create(objs, batch_size=500)
            for obj in objs:
                prefix = obj.parent.path if obj.parent else ""
                obj.path = f"{prefix}{obj.pk:0{PATH_SEGMENT_WIDTH}d}/"
                obj.depth = obj.path.count("/") - 1
                units[obj.code] = obj
            Unit.objects.bulk_update(objs, ["path", "depth"], batch_size=500)
            bar.advance(len(objs))
            level = [child for s in level for child in by_parent.get(s.code, [])]
    return units


def _write_positions(
    regency: Regency, b: Builder, units: dict[str, Unit], stdout
) -> dict[str, Position]:
    objs = [
        Position(
            regency=regency,
            unit=units[s.unit],
            code=s.code,
            title=s.title,
            level=s.level,
            is_admin=s.is_admin,
            is_verifier=s.is_verifier,
            sort_order=s.order,
        )
        for s in b.positions
    ]
    with Progress(len(objs), "Positions", stdout) as bar:
        for i in range(0, len(objs), 1000):
            Position.objects.bulk_create(objs[i : i + 1000])
            bar.advance(len(objs[i : i + 1000]))
    return {p.code: p for p in objs}


def _write_people(
    regency: Regency, b: Builder, positions: dict[str, Position], rng: random.Random, stdout
) -> None:
    """One person per position (staff positions in puskesmas get two), plus history."""
    used_nips: set[str] = set()
    demo_hash = make_password(DEMO_PASSWORD)
    people: list[Person] = []
    assignments: list[tuple[int, str, str, datetime.date, datetime.date | None]] = []
    accounts = {s.code: s.account for s in b.positions if s.account}
    total_slots = sum(
        2
        if (s.level == PositionLevel.STAFF and s.unit.startswith("PKM-") and "PUSTU" not in s.unit)
        else 1
        for s in b.positions
    )
    with Progress(total_slots, "People", stdout) as bar:
        for s in b.positions:
            slots = (
                2
                if (
                    s.level == PositionLevel.STAFF
                    and s.unit.startswith("PKM-")
                    and "PUSTU" not in s.unit
                )
                else 1
            )
            for k in range(slots):
                nip, female = _nip(rng, used_nips)
                account = accounts.get(s.code) if k == 0 else None
                username = account or f"p{nip}"
                person = Person(
                    regency=regency,
                    username=username,
                    full_name=_name(rng, female),
                    nip=nip,
                    email=f"{username}@demo.banyuwangikab.go.id",
                    language="id",
                    password=demo_hash if account else "!demo-no-password",
                )
                people.append(person)
                start = TODAY_ANCHOR - datetime.timedelta(days=rng.randint(30, 2400))
                kind = AssignmentKind.DEFINITIVE
                # A few heads are acting (Plt) while the post awaits a definitive appointment.
                if s.level == PositionLevel.HEAD and not account and rng.random() < 0.06:
                    kind = AssignmentKind.ACTING
                assignments.append((len(people) - 1, s.code, kind, start, None))
                bar.advance()
    # History: the previous holders of a sample of head positions, now elsewhere or retired.
    heads = [s for s in b.positions if s.level in (PositionLevel.HEAD, PositionLevel.KABID)]
    for s in rng.sample(heads, k=min(60, len(heads))):
        nip, female = _nip(rng, used_nips)
        people.append(
            Person(
                regency=regency,
                username=f"p{nip}",
                full_name=_name(rng, female),
                nip=nip,
                email="",
                language="id",
                password="!demo-no-password",  # noqa: S106 - an unusable hash
                is_active=rng.random() < 0.5,
            )
        )
        current_start = next(a[3] for a in assignments if a[1] == s.code)
        start = current_start - datetime.timedelta(days=rng.randint(400, 1800))
        assignments.append(
            (
                len(people) - 1,
                s.code,
                AssignmentKind.DEFINITIVE,
                start,
                current_start - datetime.timedelta(days=1),
            )
        )
    # The current head of health was acting head before being appointed definitively.
    kadinkes_index = next(i for i, a in enumerate(assignments) if a[1] == "DINKES-HEAD")
    first_start = assignments[kadinkes_index][3]
    assignments.append(
        (
            assignments[kadinkes_index][0],
            "DINKES-B3-HEAD",
            AssignmentKind.DEFINITIVE,
            first_start - datetime.timedelta(days=1500),
            first_start - datetime.timedelta(days=181),
        )
    )
    assignments.append(
        (
            assignments[kadinkes_index][0],
            "DINKES-HEAD",
            AssignmentKind.ACTING,
            first_start - datetime.timedelta(days=180),
            first_start - datetime.timedelta(days=1),
        )
    )
    for i in range(0, len(people), 1000):
        Person.objects.bulk_create(people[i : i + 1000])
    Assignment.objects.bulk_create(
        [
            Assignment(
                regency=regency,
                person=people[pi],
                position=positions[code],
                kind=kind,
                start=start,
                end=end,
                decree=f"SK Bupati No. 821/{(pi % 900) + 100}/429.011/{start.year}",
            )
            for pi, code, kind, start, end in assignments
        ],
        batch_size=1000,
    )
    stdout.write(f"Organisation: {len(people)} people, {len(assignments)} assignments.\n")


def _write_clusters(
    regency: Regency, units: dict[str, Unit], positions: dict[str, Position]
) -> None:
    for order, (code, name, name_en, lead, members) in enumerate(D.CLUSTERS):
        cluster = Cluster.objects.create(
            regency=regency,
            code=code,
            name=name,
            name_en=name_en,
            lead_unit=units[lead],
            coordinator=positions[f"{lead}-HEAD"],
            sort_order=order,
            description="",
        )
        member_units = []
        for m in members:
            if m == "@puskesmas":
                member_units += [u for u in units.values() if u.kind == UnitKind.PUSKESMAS]
            elif m == "@kecamatan":
                member_units += [u for u in units.values() if u.kind == UnitKind.KECAMATAN]
            else:
                member_units.append(units[m])
        cluster.units.set(member_units)
