"""Calendar invitations (iCalendar, RFC 5545/5546) by email, in each participant's language.

Every session is one calendar event with a stable UID. The first invitation is a
``METHOD:REQUEST`` at the session's current SEQUENCE; when the session moves (day, time or
room) its SEQUENCE grows and everyone gets the updated REQUEST; someone who no longer
attends (excluded, moved to another session, session cancelled) gets a ``METHOD:CANCEL``.
Calendar programs apply these to the event they already hold.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar, Event, vCalAddress, vText

from superteam.meetings.models import Invitation, Rakor, Session, SessionStatus
from superteam.meetings.planning import attendees_by_session

PRODID = "-//SuperTeam//Rakor//ID"


def sync_invitations(
    rakor: Rakor, *, cancellations_only: bool = False, dry_run: bool = False
) -> tuple[list[int], dict[str, int]]:
    """Decide which invitations, updates and cancellations are due; store them (the caller
    emails them after commit). Returns their ids and counts.

    ``cancellations_only``: only tell those who no longer attend (while the schedule
    breaks a rule, new times must not go out); ``dry_run``: count, write nothing.
    """
    now = timezone.now()
    sessions = list(rakor.sessions.select_related("room").order_by("pk"))
    attending = attendees_by_session(rakor)
    existing: dict[tuple[int, int], Invitation] = {
        (i.session_id, i.person_id): i for i in Invitation.objects.filter(session__rakor=rakor)
    }
    due: list[Invitation] = []
    counts = {"new": 0, "updated": 0, "cancelled": 0}
    for session in sessions:
        live = session.status != SessionStatus.CANCELLED and session.is_placed
        people = {
            p.person_id: p.person
            for p in attending.get(session.pk, [])
            if live and p.person.email and p.person.is_active
        }
        starts, room = session.starts_at, session.room.name if session.room_id else ""
        sent = {k[1]: v for k, v in existing.items() if k[0] == session.pk}
        moved = any(
            inv.method == "REQUEST" and (inv.starts_at != starts or inv.room_name != room)
            for inv in sent.values()
        )
        leaving = [
            inv for person, inv in sent.items() if person not in people and inv.method == "REQUEST"
        ]
        returning = [p for p, inv in sent.items() if p in people and inv.method == "CANCEL"]
        if cancellations_only:
            people, moved, returning = {}, False, []
        counts["cancelled"] += len(leaving)
        if dry_run:
            continue
        if moved or leaving or returning:
            session.sequence += 1
            session.save(update_fields=["sequence"])
        for person_id, person in people.items():
            inv = sent.get(person_id)
            if inv is None:
                inv = Invitation(regency_id=rakor.regency_id, session=session, person=person)
                counts["new"] += 1
            elif inv.method == "REQUEST" and inv.starts_at == starts and inv.room_name == room:
                continue
            else:
                counts["updated"] += 1
            inv.method, inv.sequence = "REQUEST", session.sequence
            inv.starts_at, inv.room_name, inv.sent_at = starts, room, now
            inv.save()
            due.append(inv)
        for inv in leaving:
            inv.method, inv.sequence, inv.sent_at = "CANCEL", session.sequence, now
            inv.save(update_fields=["method", "sequence", "sent_at"])
            due.append(inv)
    return [i.pk for i in due], counts


def build_ics(invitation: Invitation) -> bytes:
    """The iCalendar file of one invitation (REQUEST or CANCEL), in the recipient's language
    (the caller activates it)."""
    session: Session = invitation.session
    rakor = session.rakor
    person = invitation.person
    start = invitation.starts_at or session.starts_at
    end = start + datetime.timedelta(minutes=session.length_slots * rakor.slot_minutes)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", invitation.method)
    event = Event()
    event.add("uid", f"{session.uid}@superteam")
    event.add("sequence", invitation.sequence)
    event.add("dtstamp", invitation.sent_at.astimezone(datetime.UTC))
    event.add("dtstart", start.astimezone(datetime.UTC))
    event.add("dtend", end.astimezone(datetime.UTC))
    event.add("summary", f"{rakor.title}: {session.title}")
    event.add("location", vText(invitation.room_name))
    url = settings.SITE_URL + reverse("meetings:session", args=[session.pk])
    event.add("url", url)
    event.add(
        "description",
        render_to_string("meetings/email/ics_description.txt", {"session": session, "url": url}),
    )
    event.add("status", "CANCELLED" if invitation.method == "CANCEL" else "CONFIRMED")
    organiser = vCalAddress(f"mailto:{_address(settings.DEFAULT_FROM_EMAIL)}")
    organiser.params["cn"] = vText(rakor.regency.name)
    event["organizer"] = organiser
    attendee = vCalAddress(f"mailto:{person.email}")
    attendee.params["cn"] = vText(person.full_name or person.username)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("NEEDS-ACTION")
    attendee.params["rsvp"] = vText("FALSE")
    event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    return cal.to_ical()


def _address(from_email: str) -> str:
    if "<" in from_email and ">" in from_email:
        return from_email.split("<", 1)[1].split(">", 1)[0]
    return from_email


def email_invitation(invitation: Invitation) -> None:
    """Send one invitation, update or cancellation, in the recipient's language."""
    person = invitation.person
    session = invitation.session
    with translation.override(person.language or settings.LANGUAGE_CODE):
        context = {
            "person": person,
            "session": session,
            "rakor": session.rakor,
            "invitation": invitation,
            "starts_at": timezone.localtime(invitation.starts_at, session.rakor.tz)
            if invitation.starts_at
            else None,
            "ends_at": timezone.localtime(
                invitation.starts_at + datetime.timedelta(minutes=session.minutes_long),
                session.rakor.tz,
            )
            if invitation.starts_at
            else None,
            "url": settings.SITE_URL + reverse("meetings:session", args=[session.pk]),
            "update": invitation.sequence > 0,
        }
        subject = " ".join(
            render_to_string("meetings/email/invitation_subject.txt", context).split()
        )
        body = render_to_string("meetings/email/invitation.txt", context)
        ics = build_ics(invitation)
    message = EmailMultiAlternatives(subject, body, to=[person.email])
    method = invitation.method
    # Django adds the charset of a text part itself: naming it here would repeat it.
    message.attach_alternative(ics.decode(), f"text/calendar; method={method}")
    message.attach("rakor.ics", ics, f"application/ics; method={method}")
    message.send()


def email_invitations(ids: list[int]) -> int:
    """Send the stored invitations with these ids (the worker calls this)."""
    sent = 0
    for invitation in (
        Invitation.objects.filter(pk__in=ids)
        .select_related("session", "session__rakor", "session__rakor__regency", "person")
        .order_by("pk")
    ):
        email_invitation(invitation)
        sent += 1
    return sent
