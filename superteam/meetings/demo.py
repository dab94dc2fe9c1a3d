"""Demo data: the January 2026 rakor of the demo regency, as in the source article.

Eight clusters meet from Sunday 4 to Tuesday 6 January 2026; the scheduler places the
sessions at load time. The health cluster meets first, on 4 January, and decides the
"jemput bola" outreach (puskesmas staff visiting elderly residents at home to monitor
their health); the reports app (loaded after this) shows it acted on the next day. A
December 2026 rakor is planned but not yet scheduled, so the organiser can try the solver.

Deterministic (seeded) and idempotent (a rakor that exists is left alone).
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction

from superteam.core.progress import Progress
from superteam.meetings import services
from superteam.meetings.models import (
    Attendance,
    CheckInMethod,
    Decision,
    Rakor,
    RakorStatus,
    Room,
    ScheduleRun,
    Session,
)
from superteam.meetings.planning import attendees_by_session
from superteam.org.models import Cluster, Person, Position, Unit

JANUARY_TITLE = "Rakor Klaster Januari 2026"
DECEMBER_TITLE = "Rakor Klaster Desember 2026"
# The reports demo links its 5 January report to this decision (first evidence).
JEMPUT_BOLA_CODE = "jemput-bola-lansia"
DEMO_TIME_LIMIT = 8  # deterministic seconds: keeps the whole load well under a minute

ROOMS = [
    ("Pendopo Sabha Swagata Blambangan", 300, "Kantor Bupati, Jl. Ahmad Yani 100"),
    ("Aula Rempeg Jogopati", 200, "Kantor Bupati, lantai 2"),
    ("Gedung Juang 45", 150, "Jl. Veteran, Banyuwangi"),
    ("Aula Dinas Kesehatan", 120, "Jl. Letkol Istiqlah 42"),
    ("Ruang Rapat Command Center", 80, "Kantor Bupati, lantai 3"),
    ("Ruang Rapat Sekda", 60, "Kantor Bupati, lantai 1"),
]

TZ = datetime.timezone(datetime.timedelta(hours=7))


def load(*, regency, stdout) -> None:
    """Create the demo rakor unless they exist."""
    if Rakor.objects.filter(regency=regency, title=JANUARY_TITLE).exists():
        stdout.write("Meetings: the demo rakor are already loaded.\n")
        return
    rng = random.Random(3510)
    organiser = Person.objects.filter(username="admin", regency=regency).first()
    regent = Person.objects.filter(username="bupati", regency=regency).first()
    with Progress(6, "Rakor", stdout) as bar:
        with transaction.atomic():
            rooms = [
                Room.objects.get_or_create(
                    regency=regency, name=name, defaults={"capacity": cap, "location": where}
                )[0]
                for name, cap, where in ROOMS
            ]
            clusters = list(Cluster.objects.filter(regency=regency).order_by("sort_order", "pk"))
            rakor = services.create_rakor(
                regency=regency,
                title=JANUARY_TITLE,
                start_date=datetime.date(2026, 1, 4),
                end_date=datetime.date(2026, 1, 6),
                organiser=organiser,
                rooms=rooms,
                clusters=clusters,
            )
            # As in the article, the clusters meet over the three days.
            rakor.time_limit_seconds = DEMO_TIME_LIMIT
            rakor.spread_over_days = True
            rakor.save(update_fields=["time_limit_seconds", "spread_over_days"])
            _shape_sessions(rakor, clusters, organiser, regent)
            _unavailability(rakor, rng, organiser)
        bar.advance()
        # The scheduler places every session (the same run the organiser starts from the page).
        run = ScheduleRun.objects.create(regency=regency, rakor=rakor, requested_by=organiser)
        services.run_schedule(run_id=run.pk, workers=1)
        run.refresh_from_db()
        stdout.write(
            f"Meetings: January rakor scheduled ({run.status}, {run.result.get('seconds')} s, "
            f"{run.result.get('disruption_minutes')} frontline staff-minutes away vs "
            f"{run.result.get('greedy_disruption_minutes')} first-fit).\n"
        )
        if run.status not in ("optimal", "feasible"):
            raise RuntimeError(f"The demo rakor could not be scheduled: {run.explanation}")
        bar.advance()
        with transaction.atomic():
            services.build_agendas(rakor=rakor, actor=organiser)
            _attendance(rakor, rng, organiser)
        bar.advance()
        with transaction.atomic():
            decisions = _decisions(rakor, organiser)
            _minutes(rakor, organiser)
        bar.advance()
        with transaction.atomic():
            health = decisions[JEMPUT_BOLA_CODE].session
            services.draft_agreement_from_session(session=health, actor=organiser)
            rakor.status = RakorStatus.CLOSED
            rakor.save(update_fields=["status"])
        bar.advance()
        with transaction.atomic():
            services.create_rakor(
                regency=regency,
                title=DECEMBER_TITLE,
                start_date=datetime.date(2026, 12, 14),
                end_date=datetime.date(2026, 12, 16),
                organiser=organiser,
                rooms=rooms,
                clusters=clusters,
            )
        bar.advance()
    stdout.write(
        f"Meetings: {Session.objects.filter(rakor=rakor).count()} sessions in January, "
        f"{Decision.objects.filter(regency=regency).count()} decisions, "
        f"{Attendance.objects.filter(session__rakor=rakor).count()} check-ins.\n"
    )


def _shape_sessions(rakor: Rakor, clusters, organiser, regent) -> None:
    """As the organiser would: health first on 4 January, districts split in two sessions
    (a kecamatan office cannot spare its camat, secretary and three kasi at once), the
    regent chairing the health session."""
    by_code = {c.code: c for c in clusters}
    health = Session.objects.get(rakor=rakor, cluster=by_code["kesehatan"])
    services.update_session(
        session=health,
        actor=organiser,
        title="Klaster Kesehatan",
        priority=1,
        fixed_day=datetime.date(2026, 1, 4),
    )
    villages = by_code.get("pemerintahan-desa")
    if villages is not None:
        first = Session.objects.get(rakor=rakor, cluster=villages)
        services.update_session(session=first, actor=organiser, title="Pemerintahan dan Desa (I)")
        services.add_session(
            rakor=rakor,
            cluster=villages,
            actor=organiser,
            title="Pemerintahan dan Desa (II)",
        )
    if regent is not None:
        services.add_participant(
            rakor=rakor, cluster=by_code["kesehatan"], person=regent, actor=organiser
        )


def _unavailability(rakor: Rakor, rng: random.Random, organiser) -> None:
    """A few people declared themselves unavailable (duty travel, a surgery list)."""
    people = list(
        rakor.participants.filter(role__in=["kabid", "kasi"])
        .order_by("pk")
        .values_list("person_id", flat=True)
    )
    for person_id in rng.sample(people, k=min(6, len(people))):
        day = rakor.start_date + datetime.timedelta(days=rng.randrange(1, 3))
        start = datetime.datetime.combine(day, datetime.time(8, 0), tzinfo=TZ)
        services.declare_unavailability(
            person=Person.objects.get(pk=person_id),
            start=start,
            end=start + datetime.timedelta(hours=4),
            reason=rng.choice(["Perjalanan dinas ke Surabaya", "Bimtek di Jakarta", "Cuti"]),
            actor=organiser,
        )


def _attendance(rakor: Rakor, rng: random.Random, organiser) -> None:
    """Most participants checked in by QR code, a few at the door by the organiser."""
    attending = attendees_by_session(rakor)
    rows = []
    for session in rakor.sessions.order_by("pk"):
        start = session.starts_at
        for p in attending.get(session.pk, []):
            if rng.random() > 0.93:
                continue
            by_qr = rng.random() < 0.85
            rows.append(
                Attendance(
                    regency_id=rakor.regency_id,
                    session=session,
                    person_id=p.person_id,
                    checked_in_at=start - datetime.timedelta(minutes=rng.randint(0, 25)),
                    method=CheckInMethod.QR if by_qr else CheckInMethod.ORGANISER,
                    recorded_by_id=p.person_id if by_qr else organiser.pk,
                )
            )
    Attendance.objects.bulk_create(rows, batch_size=500)


def _position(regency, code: str) -> Position:
    return Position.objects.get(regency=regency, code=code)


def _decisions(rakor: Rakor, organiser) -> dict[str, Decision]:
    regency = rakor.regency
    sessions = {s.cluster.code: s for s in rakor.sessions.select_related("cluster").order_by("pk")}
    units = {u.code: u for u in Unit.objects.filter(regency=regency)}
    puskesmas = list(Unit.objects.filter(regency=regency, kind="puskesmas").order_by("pk")[:6])
    specs = [
        (
            "kesehatan",
            JEMPUT_BOLA_CODE,
            "Jemput bola: petugas puskesmas mengunjungi lansia di rumah untuk memantau "
            "kesehatannya, dimulai besok pagi di seluruh kecamatan.",
            "DINKES-B3-HEAD",
            ["DINKES-B3", "DINSOS", *[u.code for u in puskesmas]],
            "Lansia yang dikunjungi dan diperiksa di rumah",
            "orang",
            Decimal("12000"),
            datetime.date(2026, 12, 31),
            2,
        ),
        (
            "kesehatan",
            "data-lansia-terpadu",
            "Data lansia Dinas Sosial dan Dinas Kesehatan dipadukan dalam satu daftar "
            "sasaran kunjungan.",
            "DINSOS-HEAD",
            ["DINSOS", "DINKES"],
            "Daftar sasaran lansia terpadu",
            "dokumen",
            Decimal("1"),
            datetime.date(2026, 2, 28),
            3,
        ),
        (
            "pelayanan-publik",
            "adminduk-keliling",
            "Layanan adminduk keliling: KTP-el dan KIA dilayani di balai desa setiap pekan.",
            "DISPENDUKCAPIL-HEAD",
            ["DISPENDUKCAPIL", "DISKOMINFO"],
            "Desa yang dilayani adminduk keliling",
            "desa",
            Decimal("217"),
            datetime.date(2026, 9, 30),
            2,
        ),
        (
            "pemerintahan-desa",
            "smart-kampung-apbdes",
            "Smart Kampung: setiap desa menayangkan APBDes di papan informasi digital balai desa.",
            "DPMD-HEAD",
            ["DPMD", "DISKOMINFO"],
            "Desa yang menayangkan APBDes secara digital",
            "desa",
            Decimal("189"),
            datetime.date(2026, 4, 30),
            2,
        ),
        (
            "ekonomi",
            "umkm-naik-kelas",
            "Pendampingan UMKM naik kelas melalui pasar daring kabupaten.",
            "DISKOP-HEAD",
            ["DISKOP", "DISPERIN"],
            "UMKM yang berjualan di pasar daring",
            "UMKM",
            Decimal("1500"),
            datetime.date(2026, 12, 31),
            2,
        ),
    ]
    out = {}
    for cluster, code, text, owner, contributors, indicator, unit, target, deadline, hours in specs:
        session = sessions.get(cluster)
        if session is None:
            continue
        out[code] = services.record_decision(
            session=session,
            actor=organiser,
            text=text,
            owner_position=_position(regency, owner),
            contributing_units=[units[c] for c in contributors if c in units],
            indicator_name=indicator,
            unit_of_measure=unit,
            target=target,
            deadline=deadline,
            decided_at=session.starts_at + datetime.timedelta(hours=hours),
            code=code,
        )
    return out


def _minutes(rakor: Rakor, organiser) -> None:
    health = rakor.sessions.filter(cluster__code="kesehatan").order_by("pk").first()
    if health is None:
        return
    services.record_minutes(
        session=health,
        actor=organiser,
        text=(
            "Bupati membuka rakor klaster kesehatan dan meminta seluruh OPD bekerja sebagai "
            "super team. Setiap kabid dan kasi memaparkan programnya.\n\n"
            "Diputuskan: program jemput bola lansia mulai besok; data lansia Dinsos dan "
            "Dinkes dipadukan; target ditandatangani bersama."
        ),
    )
