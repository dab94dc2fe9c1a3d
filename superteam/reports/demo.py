"""Demo data: four weeks of daily reports with drawn photos, plus the days after the
January 2026 rakor, when the health cluster's "jemput bola" outreach (puskesmas staff
visiting elderly residents at home) was reported the day after it was decided.

Agencies, hospitals, districts, health centres and the auxiliary posts of a few health
centres report every working day (some diligently, some not, one never). About a third of
the reports carry a photo with camera EXIF; a few are made to show each kind of flag:
taken far from the unit, taken on another day, and the same picture sent again (by
another unit, resized; and by the same unit on another day). A verifier then approves,
holds or rejects the older reports.

Everything goes through the services (ledger, rollups, flags). Deterministic (seeded) and
idempotent (skipped when the demo reports exist). Called by ``manage.py load_demo``.
"""

from __future__ import annotations

import datetime
import io
import random
import zoneinfo
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from PIL import Image

from superteam.core.permissions import actor_for
from superteam.core.progress import Progress
from superteam.innovations.models import Innovation
from superteam.meetings.models import Decision
from superteam.org.models import Assignment, Person, PositionLevel, Unit, UnitKind
from superteam.reports.compliance import enrol_reporting_units, working_days
from superteam.reports.models import (
    WARNING_FLAGS,
    Channel,
    FlagKind,
    Photo,
    PhotoFlag,
    Report,
    ReportStatus,
)
from superteam.reports.photos import check_upload
from superteam.reports.scenes import photo_bytes
from superteam.reports.services import (
    ReportData,
    process_photo,
    regency_today,
    submit_report,
    verify_report,
)

SEED = 4404
RECENT_DAYS = 28  # four weeks up to today (the compliance page's default period)
VERIFIED_SAMPLE = 200
KEY_PREFIX = "demo-"
REPORTING_KINDS = [
    UnitKind.DINAS,
    UnitKind.BADAN,
    UnitKind.INSPEKTORAT,
    UnitKind.RSUD,
    UnitKind.KECAMATAN,
    UnitKind.PUSKESMAS,
]
# Auxiliary posts report too, under these health centres (the rest is left out to keep
# the demo quick; admins enrol more units in the admin).
PUSTU_OF = ["PKM-GENTENGKULON", "PKM-KABAT"]
ENROLLED_SINCE = datetime.date(2025, 12, 1)
JANUARY_WEEK = (datetime.date(2026, 1, 5), datetime.date(2026, 1, 7))
JEMPUT_BOLA_DAY = datetime.date(2026, 1, 5)  # the day after the health session of 4 January
JEMPUT_BOLA_DECISION = "jemput-bola-lansia"
JEMPUT_BOLA_INNOVATION = "Jemput Bola Kesehatan Lansia"
PHOTO_SIZE = (400, 300)
FAR_AWAY = [
    (-7.2575, 112.7521),
    (-8.6500, 115.2167),
    (-8.1724, 113.7003),
]  # Surabaya, Denpasar, Jember

ACTIVITIES = {
    UnitKind.PUSKESMAS: [
        ("Posyandu lansia", "Pemeriksaan tekanan darah dan gula darah {n} lansia di posyandu."),
        (
            "Jemput bola lansia",
            "Petugas mengunjungi {n} lansia di rumah, memeriksa tensi dan obat rutin.",
        ),
        ("Imunisasi balita", "Imunisasi dasar lengkap untuk {n} balita di posyandu desa."),
        ("Kelas ibu hamil", "Kelas ibu hamil diikuti {n} peserta, materi tanda bahaya kehamilan."),
        ("Pelayanan rawat jalan", "{n} pasien dilayani di poli umum dan poli lansia."),
    ],
    UnitKind.PUSTU: [
        ("Kunjungan rumah lansia", "Perawat dan bidan desa mengunjungi {n} lansia di rumahnya."),
        ("Pelayanan pustu", "{n} warga dilayani di pustu; dua dirujuk ke puskesmas."),
        ("Posyandu balita", "Penimbangan dan pemberian PMT untuk {n} balita."),
    ],
    UnitKind.KECAMATAN: [
        ("Pelayanan adminduk", "{n} warga dilayani KTP-el dan KIA di kantor kecamatan."),
        ("Rapat koordinasi desa", "Rakor dengan kepala desa membahas {n} usulan Musrenbang."),
        ("Monitoring dana desa", "Monitoring penggunaan dana desa di {n} lokasi pembangunan."),
    ],
    UnitKind.RSUD: [
        ("Layanan IGD", "{n} pasien dilayani di IGD, waktu tunggu rata-rata 12 menit."),
        ("Operasi terjadwal", "{n} tindakan operasi terjadwal berjalan sesuai jadwal."),
    ],
}
AGENCY_ACTIVITIES = [
    ("Pelayanan masyarakat", "{n} permohonan warga dilayani dan diselesaikan hari ini."),
    ("Rapat teknis", "Rapat teknis tindak lanjut rakor klaster, {n} peserta."),
    (
        "Monitoring lapangan",
        "Monitoring kegiatan di {n} lokasi, temuan dicatat untuk tindak lanjut.",
    ),
    ("Sosialisasi program", "Sosialisasi program kepada {n} warga dan perangkat desa."),
]


@dataclass
class Plan:
    unit: Unit
    person: Person
    position: object
    day: datetime.date
    title: str
    narrative: str
    received_at: datetime.datetime
    photo: bytes | None = None
    decisions: list = field(default_factory=list)
    innovations: list = field(default_factory=list)
    key: str = ""


def load(*, regency, stdout) -> None:
    """Load the demo reports unless they exist."""
    if Report.objects.filter(regency=regency, idempotency_key__startswith=KEY_PREFIX).exists():
        stdout.write("Reports: the demo reports are already loaded.\n")
        return
    rng = random.Random(SEED)
    tz = zoneinfo.ZoneInfo(regency.time_zone)
    now = timezone.localtime(timezone.now(), tz)
    today = regency_today(regency)
    units = _reporting_units(regency)
    enrol_reporting_units(regency=regency, units=units, since=ENROLLED_SINCE)
    stdout.write(f"Reports: {len(units)} units are expected to report every working day.\n")
    reporters = _reporters(units)
    days = working_days(regency=regency, start=JANUARY_WEEK[0], end=JANUARY_WEEK[1])
    start = today - datetime.timedelta(days=RECENT_DAYS - 1)
    recent = working_days(regency=regency, start=start, end=today)
    if recent and recent[-1] == today and now.hour < 9:
        recent = recent[:-1]  # too early: nobody has reported today yet
    days += [d for d in recent if d not in days]
    plans = _plan(rng, units, reporters, days, now, tz)
    _special_cases(rng, regency, plans, reporters, tz)
    stored = _submit(plans, stdout)
    _verify(rng, regency, stored, today, stdout)
    flags = PhotoFlag.objects.filter(regency=regency, kind__in=WARNING_FLAGS).count()
    stdout.write(
        f"Reports: {len(stored)} reports over {len(days)} working days, "
        f"{Photo.objects.filter(report__regency=regency).count()} photos, {flags} flagged.\n"
    )


def _reporting_units(regency) -> list[Unit]:
    base = Unit.objects.filter(regency=regency, is_active=True, kind__in=REPORTING_KINDS)
    pustu = Unit.objects.filter(
        regency=regency, is_active=True, kind=UnitKind.PUSTU, parent__code__in=PUSTU_OF
    )
    return list((base | pustu).select_related("regency").order_by("path"))


def _reporters(units) -> dict[int, tuple]:
    """For each unit, who writes its reports: a staff member, else the unit's head
    (never the demo verifier, who verifies them)."""
    order = {PositionLevel.STAFF: 0, PositionLevel.FUNCTIONAL: 1}
    found: dict[int, tuple] = {}
    rows = (
        Assignment.objects.current(JANUARY_WEEK[0])
        .filter(position__unit__in=units, position__is_active=True, person__is_active=True)
        .exclude(position__is_verifier=True)
        .select_related("person", "position", "position__unit")
        .order_by("position__sort_order", "pk")
    )
    for a in rows:
        best = found.get(a.position.unit_id)
        rank = 0 if a.person.username == "staf" else 1 + order.get(a.position.level, 5)
        if best is None or rank < best[0]:
            found[a.position.unit_id] = (rank, a.person, a.position)
    return {unit_id: (person, position) for unit_id, (_r, person, position) in found.items()}


def _plan(rng, units, reporters, days, now, tz) -> list[Plan]:
    diligence = {}
    for i, unit in enumerate(units):
        roll = rng.random()
        diligence[unit.pk] = (
            0.0 if i == 7 else 0.96 if roll < 0.7 else 0.75 if roll < 0.92 else 0.45
        )
    plans = []
    for day in days:
        for unit in units:
            if unit.pk not in reporters or rng.random() > diligence[unit.pk]:
                continue
            person, position = reporters[unit.pk]
            title, text = rng.choice(ACTIVITIES.get(unit.kind, AGENCY_ACTIVITIES))
            start = datetime.datetime.combine(day, datetime.time(7, 30), tz)
            received = start + datetime.timedelta(minutes=rng.randint(0, 8 * 60))
            if received > now:
                received = now - datetime.timedelta(minutes=rng.randint(1, 20))
            if received.date() < day:
                continue
            plan = Plan(
                unit=unit,
                person=person,
                position=position,
                day=day,
                title=title,
                narrative=text.format(n=rng.randint(5, 60)),
                received_at=received,
            )
            if rng.random() < 0.25 and unit.latitude is not None:
                gps = None if rng.random() < 0.12 else _near(rng, unit)
                plan.photo = _photo(rng.randrange(1 << 30), day, gps, tz)
            plans.append(plan)
    plans.sort(key=lambda p: (p.received_at, p.unit.path))
    for n, plan in enumerate(plans, start=1):
        plan.key = f"{KEY_PREFIX}{plan.day:%Y%m%d}-{plan.unit.pk}-{n:05d}"
    return plans


def _near(rng, unit) -> tuple[float, float]:
    return (
        float(unit.latitude) + rng.uniform(-0.006, 0.006),
        float(unit.longitude) + rng.uniform(-0.006, 0.006),
    )


def _photo(seed, day, gps, tz, *, taken_on=None, scene=None) -> bytes:
    taken = datetime.datetime.combine(taken_on or day, datetime.time(9, 0)) + datetime.timedelta(
        minutes=seed % 300
    )
    return photo_bytes(seed=seed, size=PHOTO_SIZE, taken_at=taken, gps=gps, quality=72, scene=scene)


def _recompressed(data: bytes) -> bytes:
    image = Image.open(io.BytesIO(data))
    exif = image.getexif()
    image = image.resize((int(image.width * 0.85), int(image.height * 0.85)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=60, exif=exif)
    return out.getvalue()


def _special_cases(rng, regency, plans, reporters, tz) -> None:
    """The jemput bola outreach, and one of each kind of flag."""
    decision = Decision.objects.filter(regency=regency, code=JEMPUT_BOLA_DECISION).first()
    innovation = (
        Innovation.objects.filter(regency=regency, title=JEMPUT_BOLA_INNOVATION)
        .order_by("replicated_from_id", "pk")
        .first()
    )
    wetan = Unit.objects.filter(regency=regency, name="Pustu Genteng Wetan").first()
    outreach = [
        p
        for p in plans
        if p.day == JEMPUT_BOLA_DAY and p.unit.kind in (UnitKind.PUSKESMAS, UnitKind.PUSTU)
    ]
    for plan in outreach[:12]:
        plan.title = "Jemput bola: kunjungan rumah lansia"
        plan.narrative = (
            "Menindaklanjuti keputusan rakor klaster kesehatan kemarin, petugas mengunjungi "
            f"{rng.randint(8, 25)} lansia di rumah: tensi, gula darah, dan obat rutin diperiksa."
        )
        plan.decisions = [decision] if decision else []
        plan.innovations = [innovation] if innovation else []
    if wetan is not None and wetan.pk in reporters:
        person, position = reporters[wetan.pk]
        plans[:] = [p for p in plans if not (p.unit.pk == wetan.pk and p.day == JEMPUT_BOLA_DAY)]
        plans.append(
            Plan(
                unit=wetan,
                person=person,
                position=position,
                day=JEMPUT_BOLA_DAY,
                title="Jemput bola lansia di Genteng Wetan",
                narrative=(
                    "Hari pertama jemput bola: perawat dan bidan desa Pustu Genteng Wetan "
                    "mengunjungi 14 lansia di rumah, memeriksa tekanan darah dan obat rutin. "
                    "Dua lansia dirujuk ke Puskesmas Genteng Kulon."
                ),
                received_at=datetime.datetime.combine(JEMPUT_BOLA_DAY, datetime.time(13, 40), tz),
                photo=_photo(777, JEMPUT_BOLA_DAY, _near(rng, wetan), tz, scene="visit"),
                decisions=[decision] if decision else [],
                innovations=[innovation] if innovation else [],
                key=f"{KEY_PREFIX}jemput-bola-genteng-wetan",
            )
        )
    # One of each flag, spread over the recent weeks, each on a different report.
    with_photos = [p for p in plans if p.photo is not None and p.day > JANUARY_WEEK[1]]
    if len(with_photos) < 20:
        return
    picks = sorted(rng.sample(range(len(with_photos) - 1), 8))
    for i in picks[:3]:  # taken far away
        plan = with_photos[i]
        plan.photo = _photo(rng.randrange(1 << 30), plan.day, rng.choice(FAR_AWAY), tz)
    for i in picks[3:6]:  # taken some days earlier
        plan = with_photos[i]
        plan.photo = _photo(
            rng.randrange(1 << 30),
            plan.day,
            _near(rng, plan.unit),
            tz,
            taken_on=plan.day - datetime.timedelta(days=rng.randint(3, 9)),
        )
    taken = {id(with_photos[i]) for i in picks}
    # The same picture sent again: by another unit on a later day (resized and
    # recompressed), and by the same unit on a later day (the identical file).
    first = with_photos[picks[6]]
    later = next(
        (
            p
            for p in plans
            if p.unit.pk != first.unit.pk and p.day > first.day and id(p) not in taken
        ),
        None,
    )
    if later is not None:
        later.photo = _recompressed(first.photo)
        taken.add(id(later))
    own = with_photos[picks[7]]
    again = next(
        (p for p in plans if p.unit.pk == own.unit.pk and p.day > own.day and id(p) not in taken),
        None,
    )
    if again is not None:
        again.photo = own.photo


def _submit(plans: list[Plan], stdout) -> list[Report]:
    plans.sort(key=lambda p: (p.received_at, p.key))
    actors: dict[int, object] = {}
    stored: list[Report] = []
    with Progress(len(plans), "Reports", stdout) as bar:
        for day in sorted({p.day for p in plans}):
            todays = [p for p in plans if p.day == day]
            with transaction.atomic():
                for plan in todays:
                    actor = actors.get(plan.person.pk) or actors.setdefault(
                        plan.person.pk, actor_for(plan.person, plan.day)
                    )
                    photos = []
                    if plan.photo is not None:
                        photos = [check_upload(_Upload(plan.photo))]
                    result = submit_report(
                        author=plan.person,
                        idempotency_key=plan.key,
                        data=ReportData(
                            unit=plan.unit,
                            position=plan.position,
                            date=plan.day,
                            title=plan.title,
                            narrative=plan.narrative,
                            photos_expected=len(photos),
                            decisions=plan.decisions,
                            innovations=plan.innovations,
                        ),
                        photos=photos,
                        channel=Channel.WEB,
                        received_at=plan.received_at,
                        actor=actor,
                        process_photos=False,
                    )
                    stored.append(result.report)
                    bar.advance()
            # Photos of the day are processed (derivatives, EXIF, hashes, flags) in order,
            # so that a picture sent again later is compared with the earlier one.
            for photo in Photo.objects.filter(report__in=[r for r in stored if r.date == day]):
                process_photo(photo_id=photo.pk)
    return stored


class _Upload(io.BytesIO):
    name = "IMG_demo.jpg"

    @property
    def size(self) -> int:
        return len(self.getvalue())


def _verify(rng, regency, stored: list[Report], today, stdout) -> None:
    verifier = Person.objects.filter(regency=regency, username="verifikator").first()
    if verifier is None:
        return
    cutoff = today - datetime.timedelta(days=2)
    candidates = list(
        Report.objects.filter(pk__in=[r.pk for r in stored], date__lte=cutoff).order_by("pk")
    )
    flagged: dict[int, set] = {}
    for report_id, kind in PhotoFlag.objects.filter(
        report__in=candidates, kind__in=WARNING_FLAGS
    ).values_list("report_id", "kind"):
        flagged.setdefault(report_id, set()).add(kind)
    # Flagged reports, the jemput bola outreach, and a sample of the rest.
    special = [r for r in candidates if r.pk in flagged or r.title.startswith("Jemput bola")]
    rest = [r for r in candidates if r not in special]
    chosen = special + rng.sample(rest, k=min(VERIFIED_SAMPLE, len(rest)))
    with Progress(len(chosen), "Verification", stdout) as bar, transaction.atomic():
        for report in chosen:
            kinds = flagged.get(report.pk, set())
            if FlagKind.REUSED in kinds:
                decision, comment = ReportStatus.REJECTED, "Foto sama dengan laporan sebelumnya."
            elif kinds:
                decision, comment = (
                    ReportStatus.ON_HOLD,
                    "Mohon jelaskan waktu dan lokasi foto, atau kirim foto kegiatan hari itu.",
                )
            elif rng.random() < 0.05:
                decision, comment = (
                    ReportStatus.ON_HOLD,
                    "Mohon lengkapi jumlah warga yang dilayani.",
                )
            else:
                decision, comment = ReportStatus.APPROVED, ""
            verify_report(report=report, verifier=verifier, decision=decision, comment=comment)
            bar.advance()
