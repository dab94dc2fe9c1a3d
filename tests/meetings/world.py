"""A small rakor around the personas: the health cluster meets in one session."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from superteam.meetings import services
from superteam.meetings.models import AgendaKind, Room, ScheduleRun, Unavailability
from superteam.org.models import Position


def world(p):
    """Built once per test (memoised on the personas)."""
    if getattr(p, "_meetings", None):
        return p._meetings
    room = Room.objects.create(regency=p.regency, name="Aula Uji", capacity=50)
    rakor = services.create_rakor(
        regency=p.regency,
        title="Rakor Uji",
        start_date=datetime.date(2026, 1, 5),
        end_date=datetime.date(2026, 1, 6),
        organiser=p.admin,
        rooms=[room],
        clusters=[p.cluster],
        session_length=2,
    )
    session = rakor.sessions.get()
    session.day, session.start_slot, session.room, session.placed_by = (
        rakor.start_date,
        0,
        room,
        "solver",
    )
    session.minute_taker = p.kabid
    session.save()
    services.build_agendas(rakor=rakor, actor=p.admin)
    item = session.agenda.get(kind=AgendaKind.PRESENTATION, presenter=p.kasi)
    kabid_position = Position.objects.get(code="DINKES-B3-HEAD")
    decision = services.record_decision(
        session=session,
        actor=p.admin,
        text="Jemput bola lansia",
        owner_position=kabid_position,
        contributing_units=[p.puskesmas],
        indicator_name="Lansia dikunjungi",
        unit_of_measure="orang",
        target=Decimal("100"),
        deadline=datetime.date(2026, 12, 31),
    )
    start = timezone.make_aware(datetime.datetime(2026, 1, 6, 8, 0))
    unavailable = Unavailability.objects.create(
        regency=p.regency, person=p.kasi, start=start, end=start + datetime.timedelta(hours=4)
    )
    run = ScheduleRun.objects.create(regency=p.regency, rakor=rakor, requested_by=p.admin)
    participant = rakor.participants.get(person=p.kabid)
    p._meetings = {
        "room": room,
        "rakor": rakor,
        "session": session,
        "item": item,
        "decision": decision,
        "unavailable": unavailable,
        "run": run,
        "participant": participant,
    }
    return p._meetings
