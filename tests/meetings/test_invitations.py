"""Calendar invitations by email (real SMTP server), each in the recipient's language; the
ICS files parse with icalendar; moves send updates and removals send cancellations."""

from __future__ import annotations

import datetime

import icalendar
import pytest
from django.core.exceptions import ValidationError

from superteam.meetings import services
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
    personas, smtp_server, immediate_tasks
):
    data = world(personas)
    rakor = data["rakor"]
    rakor.violations = [{"kind": "unplaced", "params": {"session": "X"}}]
    rakor.save(update_fields=["violations"])
    with pytest.raises(ValidationError):
        services.send_invitations(rakor=rakor, actor=personas.admin)
    assert smtp_server.messages == []


def test_my_calendar_file_parses(personas, client_as):
    data = world(personas)
    response = client_as(personas.kabid).get(
        f"/meetings/sessions/{data['session'].pk}/calendar.ics"
    )
    assert response.status_code == 200
    cal = icalendar.Calendar.from_ical(response.content)
    event = next(iter(cal.walk("VEVENT")))
    assert event.decoded("DTSTART") == data["session"].starts_at
