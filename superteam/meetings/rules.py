"""Permission rules of the rakor pages (see core/permissions.py).

- Everyone signed in to the regency reads the rakor, its schedule, agendas and decisions.
- The organiser (the regent, an admin, or the person named organiser of the rakor) plans:
  sessions, rooms, rosters, the scheduler, manual moves, agendas, invitations, check-in of
  others, turning decisions into agreements.
- The minute-taker of a session records its minutes and decisions, and corrects or
  withdraws those decisions (the services refuse what a joint agreement already fixes).
- Participants check themselves in; presenters upload their slides; slides are read by the
  session's participants, the organiser and those who read everything.
"""

from superteam.core.permissions import rule


def _rakor_of(obj):
    from superteam.meetings.models import AgendaItem, Decision, Participant, Rakor, Session

    if isinstance(obj, Rakor):
        return obj
    if isinstance(obj, Session | Participant):
        return obj.rakor
    if isinstance(obj, AgendaItem | Decision):
        return obj.session.rakor
    return None


@rule("meetings.view")
def view(actor, obj):
    return actor.is_authenticated and actor.in_regency(obj)


@rule("meetings.organise")
def organise(actor, obj):
    """Plan a rakor (obj: the regency for creating, or a rakor / session / item of it)."""
    if not actor.is_authenticated:
        return False
    if actor.governs(obj):
        return True
    rakor = _rakor_of(obj) if obj is not None else None
    return rakor is not None and rakor.organiser_id == actor.person.pk


@rule("meetings.take_minutes")
def take_minutes(actor, session):
    if organise(actor, session):
        return True
    return actor.is_authenticated and session.minute_taker_id == actor.person.pk


@rule("meetings.edit_decision")
def edit_decision(actor, decision):
    """Correct a decision: whoever may record the session's decisions."""
    return take_minutes(actor, decision.session)


@rule("meetings.withdraw_decision")
def withdraw_decision(actor, decision):
    """Withdraw a decision recorded by mistake: whoever may record the session's decisions."""
    return take_minutes(actor, decision.session)


@rule("meetings.check_in")
def check_in(actor, session):
    """A participant checks themselves in (the service also checks the session's list)."""
    if not (actor.is_authenticated and actor.in_regency(session)):
        return False
    from superteam.meetings.planning import session_attendees

    return any(p.person_id == actor.person.pk for p in session_attendees(session))


@rule("meetings.upload_slides")
def upload_slides(actor, item):
    if organise(actor, item):
        return True
    if not actor.is_authenticated:
        return False
    if item.presenter_id == actor.person.pk:
        return True
    return item.presenter_position_id is not None and any(
        p.pk == item.presenter_position_id for p in actor.positions
    )


@rule("meetings.view_slides")
def view_slides(actor, item):
    if upload_slides(actor, item) or actor.reads_all(item):
        return True
    return check_in(actor, item.session)


@rule("meetings.overdue")
def overdue(actor, obj):
    """The list of overdue decisions: the regent, admins and verifiers."""
    return actor.reads_all(obj)


@rule("meetings.close_decision")
def close_decision(actor, decision):
    """The organiser, or whoever heads the owner's unit."""
    return organise(actor, decision.session) or actor.acts_for(decision.owner_position.unit)


@rule("meetings.declare_unavailability")
def declare_unavailability(actor, obj):
    """Every civil servant of a regency declares their own unavailability."""
    return actor.is_authenticated and actor.person.regency_id is not None
