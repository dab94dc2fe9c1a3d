"""Calendar invitations by email (real SMTP server), each in the recipient's language; the
ICS files parse with icalendar; moves send updates and removals send cancellations."""

from __future__ import annotations

import datetime

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from superteam.ledger.models import Entry
from superteam.meetings import services
from superteam.meetings.models import Invitation, RakorStatus, Room, Session
from tests.meetings.world import world

pytestmark = pytest.mark.django_db


def calendar_of(message) -> icalendar.Calendar:
    for part in message.walk():
        if part.get_content_type() in ("text/calendar", "application/ics"):
            return icalendar.Calendar.from_ical(part.get_payload(decode=True))
    raise AssertionError("no calendar part")


def event_of(message) -> icalendar.Event:
    return next(iter(calendar_of(message).walk("VEVENT")))


def send(rakor, actor, capture):
    with capture(execute=True):
        return services.send_invitations(rakor=rakor, actor=actor)


def test_invitations_updates_and_cancellations(
    personas, smtp_server, immediate_tasks, django_capture_on_commit_callbacks
):
    data = world(personas)
    rakor, session = data["rakor"], data["session"]
    personas.kasi.language = "en"
    personas.kasi.save(update_fields=["language"])

    counts = send(rakor, personas.admin, django_capture_on_commit_callbacks)
    assert counts == {"new": 3, "updated": 0, "cancelled": 0}
    kasi_mail = smtp_server.to(personas.kasi.email)[-1]
    head_mail = smtp_server.to(personas.head.email)[-1]
    assert kasi_mail["Subject"].startswith("Invitation: ")
    assert head_mail["Subject"].startswith("Undangan: ")
    assert "You are invited" in kasi_mail.get_body(("plain",)).get_content()
    assert "Anda diundang" in head_mail.get_body(("plain",)).get_content()

    cal = calendar_of(kasi_mail)
    assert str(cal["METHOD"]) == "REQUEST"
    event = event_of(kasi_mail)
    uid = str(event["UID"])
    assert uid == f"{session.uid}@superteam"
    assert int(event["SEQUENCE"]) == 0
    start = event.decoded("DTSTART")
    assert start == session.starts_at
    assert event.decoded("DTEND") - start == datetime.timedelta(hours=2)
    assert str(event["LOCATION"]) == "Aula Uji"
    assert str(event["ATTENDEE"]).lower() == f"mailto:{personas.kasi.email}"

    # Sending again without a change sends nothing.
    assert send(rakor, personas.admin, django_capture_on_commit_callbacks) == {
        "new": 0,
        "updated": 0,
        "cancelled": 0,
    }
    assert len(smtp_server.to(personas.kasi.email)) == 1

    # The session moves: everyone gets an update of the same event with SEQUENCE 1.
    services.move_session(
        session=session,
        day=datetime.date(2026, 1, 5),
        start_slot=4,
        room=data["room"],
        actor=personas.admin,
    )
    counts = send(rakor, personas.admin, django_capture_on_commit_callbacks)
    assert counts == {"new": 0, "updated": 3, "cancelled": 0}
    update = smtp_server.to(personas.kasi.email)[-1]
    assert update["Subject"].startswith("Updated invitation: ")
    event = event_of(update)
    assert str(event["UID"]) == uid
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART").astimezone(rakor.tz).hour == 12

    # The organiser excludes the kasi: a cancellation (METHOD:CANCEL) with a higher SEQUENCE.
    services.update_participant(
        participant=rakor.participants.get(person=personas.kasi),
        actor=personas.admin,
        excluded=True,
    )
    counts = send(rakor, personas.admin, django_capture_on_commit_callbacks)
    assert counts == {"new": 0, "updated": 0, "cancelled": 1}
    cancel = smtp_server.to(personas.kasi.email)[-1]
    assert cancel["Subject"].startswith("Cancelled: ")
    assert str(calendar_of(cancel)["METHOD"]) == "CANCEL"
    event = event_of(cancel)
    assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == 2
    assert str(event["STATUS"]) == "CANCELLED"
    assert len(smtp_server.to(personas.head.email)) == 2  # the others were not disturbed


def test_invitations_wait_until_the_schedule_keeps_every_rule(
    personas, smtp_server, immediate_tasks, django_capture_on_commit_callbacks
):
    data = world(personas)
    rakor = data["rakor"]
    # The head declares the session's morning unavailable: the stored check follows at once.
    start = data["session"].starts_at
    entry = services.declare_unavailability(
        person=personas.head,
        start=start - datetime.timedelta(hours=1),
        end=start + datetime.timedelta(hours=9),
        actor=personas.head,
    )
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        send(rakor, personas.admin, django_capture_on_commit_callbacks)
    assert refused.value.messages == [
        "The schedule breaks 1 rule: fix it before sending invitations."
    ]
    assert smtp_server.messages == []
    services.withdraw_unavailability(entry=entry, actor=personas.admin)
    counts = send(rakor, personas.admin, django_capture_on_commit_callbacks)
    assert counts["new"] == 3


def test_nothing_scheduled_means_no_invitations(personas, smtp_server, immediate_tasks):
    data = world(personas)
    rakor = data["rakor"]
    Session.objects.filter(pk=data["session"].pk).update(day=None, start_slot=None, room=None)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.send_invitations(rakor=rakor, actor=personas.admin)
    assert refused.value.messages == [
        "Nothing is scheduled yet: place the sessions before sending invitations."
    ]
    rakor.refresh_from_db()
    assert rakor.status == RakorStatus.DRAFT
    assert not Invitation.objects.exists()
    assert not Entry.objects.filter(kind="meetings.invitations_sent").exists()


def test_a_cancelled_session_is_cancelled_in_calendars_while_another_rule_is_broken(
    personas, smtp_server, immediate_tasks, django_capture_on_commit_callbacks
):
    data = world(personas)
    rakor, session = data["rakor"], data["session"]
    assert send(rakor, personas.admin, django_capture_on_commit_callbacks)["new"] == 3
    # A second session of the cluster, not placed yet (a broken rule), then the first one
    # is cancelled: its people must hear of it now, not once the new one is placed.
    other = services.add_session(
        rakor=rakor, cluster=personas.cluster, actor=personas.admin, length_slots=2
    )
    small = Room.objects.create(regency=personas.regency, name="Ruang Kecil", capacity=1)
    rakor.rooms.add(small)
    services.move_session(
        session=other, day=rakor.start_date, start_slot=4, room=small, actor=personas.admin
    )
    services.cancel_session(session=session, actor=personas.admin)
    rakor.refresh_from_db()
    assert [v["kind"] for v in rakor.violations] == ["capacity"]  # 3 people, 1 seat
    counts = send(rakor, personas.admin, django_capture_on_commit_callbacks)
    assert counts == {"new": 0, "updated": 0, "cancelled": 3}
    cancel = smtp_server.to(personas.kasi.email)[-1]
    assert str(calendar_of(cancel)["METHOD"]) == "CANCEL"
    # Nothing else may go out while the rule is broken.
    with pytest.raises(ValidationError):
        send(rakor, personas.admin, django_capture_on_commit_callbacks)


def test_the_email_gives_the_session_span_and_one_charset(
    personas, smtp_server, immediate_tasks, django_capture_on_commit_callbacks
):
    data = world(personas)
    send(data["rakor"], personas.admin, django_capture_on_commit_callbacks)
    mail = smtp_server.to(personas.head.email)[-1]
    assert "08:00–10:00" in mail.get_body(("plain",)).get_content()
    part = next(p for p in mail.walk() if p.get_content_type() == "text/calendar")
    header = part["Content-Type"]
    assert header.lower().count("charset") == 1, header
    assert part.get_param("method") == "REQUEST"


def test_my_calendar_file_parses(personas, client_as):
    data = world(personas)
    response = client_as(personas.kabid).get(
        f"/meetings/sessions/{data['session'].pk}/calendar.ics"
    )
    assert response.status_code == 200
    cal = icalendar.Calendar.from_ical(response.content)
    event = next(iter(cal.walk("VEVENT")))
    assert event.decoded("DTSTART") == data["session"].starts_at
