"""Meetings services: every write of the rakor app, and the contract other apps call.

Contract (see the brief): :func:`record_decision_evidence`, :func:`last_rakor_end`,
:func:`overdue_decisions`.
"""

from __future__ import annotations

import datetime
import math
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from superteam.ledger.services import record
from superteam.meetings import scheduler as S
from superteam.meetings.invitations import sync_invitations
from superteam.meetings.models import (
    AgendaItem,
    AgendaKind,
    Attendance,
    CheckInMethod,
    Decision,
    DecisionStatus,
    Invitation,
    Participant,
    ParticipantRole,
    Rakor,
    RakorStatus,
    Room,
    RunStatus,
    ScheduleRun,
    Session,
    SessionStatus,
    Unavailability,
)
from superteam.meetings.planning import (
    apply_solution,
    attendees_by_session,
    build_plan,
    current_solution,
    planned_sessions,
    refresh_roster,
    session_attendees,
    unit_map,
)
from superteam.meetings.slides import check_slides
from superteam.org.models import Assignment, Cluster, Position, Unit

# --- Contract with reports, scoring and the digest --------------------------------------


@transaction.atomic
def record_decision_evidence(*, decision: Decision, report, at: datetime.datetime) -> Decision:
    """A report linked to the decision shows it acted on; the earliest evidence is kept."""
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    if locked.first_evidence_at is not None and locked.first_evidence_at <= at:
        return locked
    locked.first_evidence_at = at
    locked.first_evidence_report_id = report.pk
    locked.save(update_fields=["first_evidence_at", "first_evidence_report_id"])
    record(
        regency=locked.regency_id,
        kind="meetings.decision_evidence",
        subject=locked,
        payload={
            "report": report.pk,
            "at": at,
            "hours_to_action": round((at - locked.decided_at).total_seconds() / 3600, 1),
        },
    )
    decision.first_evidence_at = locked.first_evidence_at
    decision.first_evidence_report_id = locked.first_evidence_report_id
    return locked


def last_rakor_end(*, regency, day: datetime.date | None = None) -> datetime.date | None:
    """The last day of the most recent rakor that has already begun (None: no rakor yet)."""
    day = day or timezone.localdate()
    return (
        Rakor.objects.filter(regency=regency, start_date__lte=day)
        .exclude(status=RakorStatus.CANCELLED)
        .order_by("-end_date")
        .values_list("end_date", flat=True)
        .first()
    )


def overdue_decisions(*, regency, day: datetime.date | None = None):
    """Open rakor decisions past their deadline, oldest deadline first (for the regent)."""
    return (
        Decision.objects.filter(regency=regency)
        .overdue(day)
        .select_related("owner_position", "owner_position__unit", "session", "session__rakor")
        .order_by("deadline", "pk")
    )


# --- Rakor, sessions and rosters --------------------------------------------------------


def _check_dates(start: datetime.date, end: datetime.date) -> None:
    if end < start:
        raise ValidationError(_("The last day is before the first day."))
    if (end - start).days > 13:
        raise ValidationError(_("A rakor lasts at most two weeks."))


@transaction.atomic
def create_rakor(
    *,
    regency,
    title: str,
    start_date: datetime.date,
    end_date: datetime.date,
    organiser,
    rooms: list[Room],
    clusters: list[Cluster] = (),
    session_length: int | None = None,
    first_slot_start: datetime.time = datetime.time(8, 0),
    slot_minutes: int = 60,
    slots_per_day: int = 8,
    min_on_duty_percent: int = 50,
) -> Rakor:
    """A new rakor with one session per cluster and the roster of each cluster. Without a
    ``session_length``, each session is sized for its presenters (see
    :func:`suggested_length`)."""
    _check_dates(start_date, end_date)
    if any(r.regency_id != regency.pk for r in rooms):
        raise ValidationError(_("A room belongs to another regency."))
    rakor = Rakor(
        regency=regency,
        title=title.strip(),
        start_date=start_date,
        end_date=end_date,
        organiser=organiser,
        first_slot_start=first_slot_start,
        slot_minutes=slot_minutes,
        slots_per_day=slots_per_day,
        min_on_duty_percent=min_on_duty_percent,
    )
    rakor.full_clean()
    rakor.save()
    rakor.rooms.set(rooms)
    for order, cluster in enumerate(clusters):
        if cluster.regency_id != regency.pk:
            raise ValidationError(_("A cluster belongs to another regency."))
        Session.objects.create(
            regency=regency,
            rakor=rakor,
            cluster=cluster,
            title=str(cluster.localized_name),
            length_slots=min(session_length or 1, slots_per_day),
            sort_order=order,
        )
    counts = refresh_roster(rakor)
    if session_length is None:
        for session in planned_sessions(rakor):
            session.length_slots = suggested_length(rakor, session)
            session.save(update_fields=["length_slots"])
    record(
        regency=regency,
        kind="meetings.rakor_created",
        subject=rakor,
        actor=organiser,
        payload={
            "title": rakor.title,
            "start": start_date,
            "end": end_date,
            "clusters": [c.pk for c in clusters],
            "participants": counts["added"],
        },
    )
    return rakor


RAKOR_FIELDS = [
    "title",
    "start_date",
    "end_date",
    "first_slot_start",
    "slot_minutes",
    "slots_per_day",
    "min_on_duty_percent",
    "day_weight",
    "spread_over_days",
    "time_limit_seconds",
]


@transaction.atomic
def update_rakor(*, rakor: Rakor, actor, rooms: list[Room] | None = None, **fields) -> Rakor:
    """Change a rakor's days, time grid, on-duty share or rooms; the roster follows."""
    _require_open(rakor)
    for name, value in fields.items():
        if name not in RAKOR_FIELDS:
            raise ValueError(name)
        setattr(rakor, name, value)
    _check_dates(rakor.start_date, rakor.end_date)
    rakor.full_clean()
    rakor.save()
    if rooms is not None:
        rakor.rooms.set(rooms)
    refresh_roster(rakor)
    refresh_violations(rakor)
    record(
        regency=rakor.regency_id,
        kind="meetings.rakor_updated",
        subject=rakor,
        actor=actor,
        payload={k: str(v) for k, v in fields.items()},
    )
    return rakor


PRESENTATION_MINUTES = 4  # what a kabid or kasi needs to present their programme, at least
FIXED_MINUTES = 30  # opening and direction, discussion and decisions


def suggested_length(rakor: Rakor, session: Session) -> int:
    """Time slots a session needs so that every kabid, kasubag and kasi presents (their
    cluster's presenters shared among its sessions), within one day."""
    presenters = Participant.objects.filter(
        rakor=rakor,
        cluster_id=session.cluster_id,
        excluded=False,
        role__in=[ParticipantRole.KABID, ParticipantRole.KASUBAG, ParticipantRole.KASI],
    ).count()
    sessions = max(
        1, len([s for s in planned_sessions(rakor) if s.cluster_id == session.cluster_id])
    )
    minutes = FIXED_MINUTES + PRESENTATION_MINUTES * math.ceil(presenters / sessions)
    return max(1, min(rakor.slots_per_day, math.ceil(minutes / rakor.slot_minutes)))


def _require_open(rakor: Rakor) -> None:
    if not rakor.is_open_for_changes:
        raise ValidationError(_("This rakor is closed: it can no longer be changed."))


SESSION_FIELDS = ["title", "length_slots", "priority", "fixed_day", "include_staff", "minute_taker"]


@transaction.atomic
def add_session(
    *,
    rakor: Rakor,
    cluster: Cluster,
    actor,
    title: str = "",
    length_slots: int | None = None,
    priority: int = 0,
    fixed_day: datetime.date | None = None,
    include_staff: bool = False,
) -> Session:
    """One more session for a cluster (its people are then shared among its sessions).
    Without a length, the cluster's sessions are sized for their presenters."""
    _require_open(rakor)
    if cluster.regency_id != rakor.regency_id:
        raise ValidationError(_("The cluster belongs to another regency."))
    _check_session(rakor, length_slots or 1, fixed_day)
    siblings = rakor.sessions.filter(cluster=cluster).count()
    session = Session.objects.create(
        regency_id=rakor.regency_id,
        rakor=rakor,
        cluster=cluster,
        title=title.strip()
        or (
            _("%(cluster)s (session %(n)s)")
            % {"cluster": cluster.localized_name, "n": siblings + 1}
            if siblings
            else str(cluster.localized_name)
        ),
        length_slots=length_slots or 1,
        priority=priority,
        fixed_day=fixed_day,
        include_staff=include_staff,
        sort_order=rakor.sessions.count(),
    )
    refresh_roster(rakor)
    if length_slots is None:
        for sibling in planned_sessions(rakor):
            if sibling.cluster_id == cluster.pk:
                sibling.length_slots = suggested_length(rakor, sibling)
                sibling.save(update_fields=["length_slots"])
        session.refresh_from_db()
    refresh_violations(rakor)
    record(
        regency=rakor.regency_id,
        kind="meetings.session_added",
        subject=session,
        actor=actor,
        payload={"rakor": rakor.pk, "cluster": cluster.pk, "title": session.title},
    )
    return session


def _check_session(rakor: Rakor, length_slots: int, fixed_day) -> None:
    if not 1 <= length_slots <= rakor.slots_per_day:
        raise ValidationError(
            _("A session lasts between 1 and %(n)s time slots.") % {"n": rakor.slots_per_day}
        )
    if fixed_day is not None and not rakor.start_date <= fixed_day <= rakor.end_date:
        raise ValidationError(_("The fixed day is outside the rakor."))


@transaction.atomic
def update_session(*, session: Session, actor, **fields) -> Session:
    """Change a session's title, length, preferred order, fixed day, staff or minute-taker."""
    _require_open(session.rakor)
    for name, value in fields.items():
        if name not in SESSION_FIELDS:
            raise ValueError(name)
        setattr(session, name, value)
    _check_session(session.rakor, session.length_slots, session.fixed_day)
    session.save()
    if "include_staff" in fields:
        refresh_roster(session.rakor)
    refresh_violations(session.rakor)
    record(
        regency=session.regency_id,
        kind="meetings.session_updated",
        subject=session,
        actor=actor,
        payload={k: getattr(v, "pk", v) for k, v in fields.items()},
    )
    return session


@transaction.atomic
def cancel_session(*, session: Session, actor) -> Session:
    """Cancel a session: its people move to the cluster's other sessions; invitations are
    withdrawn at the next sending."""
    _require_open(session.rakor)
    session.status = SessionStatus.CANCELLED
    session.save(update_fields=["status"])
    Participant.objects.filter(session=session).update(session=None)
    Participant.objects.filter(pinned_session=session).update(pinned_session=None)
    refresh_roster(session.rakor)
    refresh_violations(session.rakor)
    record(
        regency=session.regency_id,
        kind="meetings.session_cancelled",
        subject=session,
        actor=actor,
        payload={"rakor": session.rakor_id},
    )
    return session


@transaction.atomic
def add_participant(
    *, rakor: Rakor, cluster: Cluster, person, actor, all_sessions: bool = False
) -> Participant:
    """The organiser adds someone to a cluster's roster (e.g. the regent, a staff member)."""
    _require_open(rakor)
    if person.regency_id not in (None, rakor.regency_id):
        raise ValidationError(_("This person works in another regency."))
    if not rakor.sessions.filter(cluster=cluster).exclude(status=SessionStatus.CANCELLED).exists():
        raise ValidationError(_("This cluster has no session in this rakor."))
    assignment = (
        Assignment.objects.current(rakor.start_date)
        .filter(person=person)
        .select_related("position")
        .order_by("kind", "position__unit__path")
        .first()
    )
    anchor = None
    if assignment is not None:
        anchor = unit_map(rakor.regency_id)[assignment.position.unit_id].anchor
    participant, created = Participant.objects.get_or_create(
        rakor=rakor,
        cluster=cluster,
        person=person,
        defaults={
            "regency_id": rakor.regency_id,
            "position": assignment.position if assignment else None,
            "unit_id": anchor,
            "role": ParticipantRole.GUEST,
            "added_by_organiser": True,
            "all_sessions": all_sessions,
        },
    )
    if not created:
        participant.excluded = False
        participant.added_by_organiser = True
        participant.all_sessions = participant.all_sessions or all_sessions
        participant.save(update_fields=["excluded", "added_by_organiser", "all_sessions"])
    refresh_violations(rakor)
    record(
        regency=rakor.regency_id,
        kind="meetings.participant_added",
        subject=participant,
        actor=actor,
        payload={"person": person.pk, "cluster": cluster.pk},
    )
    return participant


@transaction.atomic
def update_participant(
    *,
    participant: Participant,
    actor,
    excluded: bool | None = None,
    all_sessions: bool | None = None,
    pinned_session: Session | bool | None = False,
) -> Participant:
    """Exclude or include someone, make them attend every session, or fix their session."""
    _require_open(participant.rakor)
    changed = {}
    if excluded is not None:
        participant.excluded = excluded
        changed["excluded"] = excluded
    if all_sessions is not None:
        participant.all_sessions = all_sessions
        changed["all_sessions"] = all_sessions
    if pinned_session is not False:
        if pinned_session is not None and (
            pinned_session.rakor_id != participant.rakor_id
            or pinned_session.cluster_id != participant.cluster_id
        ):
            raise ValidationError(_("That session is not one of this cluster's sessions."))
        participant.pinned_session = pinned_session
        if pinned_session is not None:
            participant.session = pinned_session
        changed["pinned_session"] = pinned_session.pk if pinned_session else None
    participant.save()
    refresh_violations(participant.rakor)
    record(
        regency=participant.regency_id,
        kind="meetings.participant_updated",
        subject=participant,
        actor=actor,
        payload={"person": participant.person_id, **changed},
    )
    return participant


@transaction.atomic
def declare_unavailability(
    *, person, start: datetime.datetime, end: datetime.datetime, reason: str = "", actor
) -> Unavailability:
    """A person declares a period in which they cannot attend meetings."""
    if end <= start:
        raise ValidationError(_("The end of the period must be after its start."))
    if person.regency_id is None:
        raise ValidationError(_("Only people of a regency can declare unavailability."))
    entry = Unavailability.objects.create(
        regency_id=person.regency_id, person=person, start=start, end=end, reason=reason.strip()
    )
    _refresh_rakor_of(person=person, start=start, end=end)
    record(
        regency=person.regency_id,
        kind="meetings.unavailability_declared",
        subject=entry,
        actor=actor,
        payload={"person": person.pk, "start": start, "end": end},
    )
    return entry


@transaction.atomic
def withdraw_unavailability(*, entry: Unavailability, actor) -> None:
    """Remove a declared unavailability."""
    record(
        regency=entry.regency_id,
        kind="meetings.unavailability_withdrawn",
        subject=entry,
        actor=actor,
        payload={"person": entry.person_id, "start": entry.start, "end": entry.end},
    )
    entry.delete()
    _refresh_rakor_of(person=entry.person, start=entry.start, end=entry.end)


def _refresh_rakor_of(*, person, start: datetime.datetime, end: datetime.datetime) -> None:
    """A person's availability changed: re-check the schedules of the open rakor they
    attend that meet during the period, so their pages name any rule now broken."""
    days = (start - datetime.timedelta(days=1)).date(), (end + datetime.timedelta(days=1)).date()
    for rakor in (
        Rakor.objects.filter(
            regency_id=person.regency_id,
            start_date__lte=days[1],
            end_date__gte=days[0],
            participants__person=person,
            participants__excluded=False,
        )
        .exclude(status__in=[RakorStatus.CLOSED, RakorStatus.CANCELLED])
        .distinct()
        .order_by("pk")
    ):
        refresh_violations(rakor)


# --- Scheduling -------------------------------------------------------------------------


@transaction.atomic
def request_schedule(*, rakor: Rakor, actor) -> ScheduleRun:
    """Queue a scheduler run for the rakor (the worker solves it; the page polls)."""
    _require_open(rakor)
    running = rakor.runs.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).first()
    if running is not None:
        # A run the worker never finished (it stopped or crashed) does not block forever.
        stale = timezone.now() - datetime.timedelta(seconds=rakor.time_limit_seconds * 10 + 600)
        if running.created_at > stale:
            return running
        ScheduleRun.objects.filter(pk=running.pk).update(
            status=RunStatus.FAILED,
            message=_("The background worker did not finish this run."),
            finished_at=timezone.now(),
        )
    if not planned_sessions(rakor):
        raise ValidationError(_("Add at least one session before scheduling."))
    if not rakor.rooms.filter(is_active=True).exists():
        raise ValidationError(_("Choose at least one room before scheduling."))
    run = ScheduleRun.objects.create(regency_id=rakor.regency_id, rakor=rakor, requested_by=actor)
    from superteam.meetings.tasks import solve_rakor

    transaction.on_commit(lambda: solve_rakor.enqueue(run.pk))
    return run


def run_schedule(*, run_id: int, workers: int | None = None) -> ScheduleRun:
    """Solve a queued run: progress is written as it goes, the result in one transaction."""
    run = ScheduleRun.objects.select_related("rakor").get(pk=run_id)
    if run.is_finished:
        return run
    rakor = run.rakor
    ScheduleRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, started_at=timezone.now(), progress=1
    )
    limit = rakor.time_limit_seconds
    try:
        with transaction.atomic():
            refresh_roster(rakor)
        plan = build_plan(rakor)

        def progress(info: dict) -> None:
            share = min(99, max(1, int(100 * info.get("seconds", 0) / (limit * 3 or 1))))
            if info.get("stage") == "improved":
                message = _("Better schedule found (%(n)s so far)") % {
                    "n": info.get("solutions", 1)
                }
            else:
                message = {
                    "model": _("Model built"),
                    "feasible": _("A schedule keeping every rule was found; improving it"),
                    "explaining": _("No schedule exists; looking for the reason"),
                }.get(info.get("stage"), "")
            ScheduleRun.objects.filter(pk=run.pk).update(progress=share, message=message[:255])

        solution = S.solve(
            plan.instance,
            time_limit=limit,
            workers=workers or getattr(settings, "MEETINGS_SOLVER_WORKERS", 1),
            on_progress=progress,
        )
        with transaction.atomic():
            run = ScheduleRun.objects.select_for_update().get(pk=run.pk)
            result = {
                "status": solution.status,
                "seconds": round(solution.wall_time, 2),
                "first_feasible_seconds": round(solution.first_solution_time, 2)
                if solution.first_solution_time is not None
                else None,
                **solution.objective,
            }
            if solution.found:
                baseline = S.greedy(plan.instance)
                result["greedy_disruption_minutes"] = baseline.objective["disruption_minutes"]
                result["greedy_violations"] = len(S.check(plan.instance, baseline))
                moved = apply_solution(plan, solution)
                if rakor.status == RakorStatus.DRAFT:
                    rakor.status = RakorStatus.SCHEDULED
                    rakor.save(update_fields=["status"])
                refresh_violations(rakor)
                result["moved"] = len(moved)
            run.status = {
                "optimal": RunStatus.OPTIMAL,
                "feasible": RunStatus.FEASIBLE,
                "infeasible": RunStatus.INFEASIBLE,
            }.get(solution.status, RunStatus.UNKNOWN)
            run.result = result
            run.explanation = [r.as_dict() for r in solution.explanation]
            run.progress = 100
            run.message = ""
            run.finished_at = timezone.now()
            run.save()
            record(
                regency=rakor.regency_id,
                kind="meetings.scheduled",
                subject=rakor,
                actor=run.requested_by_id,
                payload={"run": run.pk, **{k: v for k, v in result.items() if v is not None}},
            )
    except Exception as exc:
        ScheduleRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED,
            message=str(exc)[:255],
            finished_at=timezone.now(),
            progress=100,
        )
        raise
    return run


def refresh_violations(rakor: Rakor) -> list[dict]:
    """Check the current placement against every hard rule and store what it breaks."""
    plan = build_plan(rakor)
    if not any(s.is_placed for s in plan.sessions):
        problems = []
    else:
        problems = [r.as_dict() for r in S.check(plan.instance, current_solution(plan))]
    if problems != rakor.violations:
        rakor.violations = problems
        rakor.save(update_fields=["violations"])
    return problems


@transaction.atomic
def move_session(
    *, session: Session, day: datetime.date, start_slot: int, room: Room, actor
) -> list[dict]:
    """The organiser places a session by hand; returns every rule the schedule now breaks."""
    rakor = session.rakor
    _require_open(rakor)
    if day not in rakor.days:
        raise ValidationError(_("That day is not one of the rakor's days."))
    if not 0 <= start_slot < rakor.slots_per_day:
        raise ValidationError(_("That time slot does not exist."))
    if start_slot + session.length_slots > rakor.slots_per_day:
        raise ValidationError(
            _("The session would run past the end of the day (%(end)s).")
            % {"end": f"{rakor.slot_start(rakor.slots_per_day):%H:%M}"}
        )
    if not rakor.rooms.filter(pk=room.pk).exists():
        raise ValidationError(_("That room is not available to this rakor."))
    before = (session.day, session.start_slot, session.room_id)
    session.day, session.start_slot, session.room = day, start_slot, room
    session.placed_by = "organiser"
    session.save(update_fields=["day", "start_slot", "room", "placed_by"])
    problems = refresh_violations(rakor)
    record(
        regency=rakor.regency_id,
        kind="meetings.session_moved",
        subject=session,
        actor=actor,
        payload={
            "from": [before[0], before[1], before[2]],
            "to": [day, start_slot, room.pk],
            "rules_broken": len(problems),
        },
    )
    return problems


@transaction.atomic
def release_session(*, session: Session, actor) -> Session:
    """Let the scheduler place a session again (undo the pin of a manual move)."""
    _require_open(session.rakor)
    session.placed_by = "solver" if session.is_placed else ""
    session.save(update_fields=["placed_by"])
    record(
        regency=session.regency_id,
        kind="meetings.session_released",
        subject=session,
        actor=actor,
        payload={},
    )
    return session


# --- Agenda -----------------------------------------------------------------------------

OPENING_MINUTES = 10
REVIEW_MINUTES = 3
DISCUSSION_MINUTES = 20
MIN_PRESENTATION = 3
MAX_PRESENTATION = 15


def decisions_to_review(*, session: Session):
    """Decisions of earlier rakor of the cluster that are still open: those of the previous
    rakor, and overdue ones carried over from before."""
    rakor = session.rakor
    return (
        Decision.objects.open()
        .filter(
            regency_id=session.regency_id,
            session__cluster_id=session.cluster_id,
            session__rakor__start_date__lt=rakor.start_date,
        )
        .select_related("owner_position", "session__rakor")
        .order_by("deadline", "pk")
    )


@transaction.atomic
def build_agendas(*, rakor: Rakor, actor) -> int:
    """(Re)build every session's agenda: opening, review of open decisions, a time-boxed
    presentation for every kabid, kasubag and kasi attending, discussion and decisions.

    Existing items are kept (with their slides and the organiser's order); a presenter
    who moved to another session of the cluster takes their item along.
    """
    _require_open(rakor)
    attendees = attendees_by_session(rakor)
    sessions = planned_sessions(rakor)
    existing = list(AgendaItem.objects.filter(session__rakor=rakor).select_related("session"))
    by_key: dict[tuple, AgendaItem] = {}
    for item in existing:
        cluster = item.session.cluster_id
        if item.kind == AgendaKind.PRESENTATION and item.presenter_position_id:
            by_key[(cluster, "p", item.presenter_position_id)] = item
        elif item.kind == AgendaKind.REVIEW and item.decision_id:
            by_key[(cluster, "r", item.decision_id)] = item
        else:
            by_key[(item.session_id, item.kind)] = item
    kept: set[int] = set()
    count = 0
    reviewed_in_cluster: set[int] = set()
    for session in sessions:
        presenters = [
            p
            for p in attendees.get(session.pk, [])
            if p.role in (ParticipantRole.KABID, ParticipantRole.KASI, ParticipantRole.KASUBAG)
            and p.position_id
        ]
        reviews = [
            d for d in decisions_to_review(session=session) if d.pk not in reviewed_in_cluster
        ]
        reviewed_in_cluster |= {d.pk for d in reviews}
        total = session.minutes_long
        opening = min(OPENING_MINUTES, total // 6)
        discussion = min(DISCUSSION_MINUTES, total // 5)
        review_total = REVIEW_MINUTES * len(reviews)
        left = max(0, total - opening - discussion - review_total)
        each = MAX_PRESENTATION
        if presenters:
            each = max(MIN_PRESENTATION, min(MAX_PRESENTATION, left // len(presenters)))
        order = 0
        wanted: list[tuple[tuple, dict]] = [
            (
                (session.pk, AgendaKind.OPENING),
                {
                    "kind": AgendaKind.OPENING,
                    "title": _("Opening and direction"),
                    "minutes": opening,
                },
            )
        ]
        for d in reviews:
            wanted.append(
                (
                    (session.cluster_id, "r", d.pk),
                    {
                        "kind": AgendaKind.REVIEW,
                        "title": _("Review: %(decision)s") % {"decision": d.text[:200]},
                        "minutes": REVIEW_MINUTES,
                        "decision": d,
                        "presenter_position": d.owner_position,
                    },
                )
            )
        for p in presenters:
            wanted.append(
                (
                    (session.cluster_id, "p", p.position_id),
                    {
                        "kind": AgendaKind.PRESENTATION,
                        # Name the unit: a cluster session hears the same post of many units.
                        "title": (
                            _("Programme of %(position)s, %(unit)s")
                            % {"position": p.position.title, "unit": p.unit.display_name}
                            if p.unit_id
                            and p.unit.display_name.lower() not in p.position.title.lower()
                            else _("Programme of %(position)s") % {"position": p.position.title}
                        )[:255],
                        "minutes": each,
                        "presenter_position": p.position,
                        "presenter": p.person,
                    },
                )
            )
        wanted.append(
            (
                (session.pk, AgendaKind.DISCUSSION),
                {
                    "kind": AgendaKind.DISCUSSION,
                    "title": _("Discussion and decisions"),
                    "minutes": discussion,
                },
            )
        )
        for key, values in wanted:
            item = by_key.get(key)
            if item is None:
                item = AgendaItem(regency_id=rakor.regency_id, session=session)
                order += 1
                item.order = 1000 + order  # new items go after the organiser's order
            elif item.session_id != session.pk:
                item.session = session
                item.order = 1000 + order
            for name, value in values.items():
                setattr(item, name, value)
            item.save()
            kept.add(item.pk)
            count += 1
        # Number 1..n in the current order, opening first and discussion last.
        items = sorted(
            AgendaItem.objects.filter(session=session, pk__in=kept),
            key=lambda i: (
                i.kind != AgendaKind.OPENING,
                i.kind == AgendaKind.DISCUSSION,
                i.order,
                i.pk,
            ),
        )
        for n, item in enumerate(items, start=1):
            item.order = n
        AgendaItem.objects.bulk_update(items, ["order"])
    AgendaItem.objects.filter(session__rakor=rakor).exclude(pk__in=kept).delete()
    record(
        regency=rakor.regency_id,
        kind="meetings.agenda_built",
        subject=rakor,
        actor=actor,
        payload={"items": count},
    )
    return count


@transaction.atomic
def move_agenda_item(*, item: AgendaItem, direction: str, actor) -> AgendaItem:
    """Move an item one place up or down in its session's agenda."""
    _require_open(item.session.rakor)
    items = list(
        AgendaItem.objects.select_for_update().filter(session=item.session).order_by("order", "pk")
    )
    index = next(i for i, x in enumerate(items) if x.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down"):
        raise ValidationError(_("Unknown direction."))
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
        for n, x in enumerate(items, start=1):
            x.order = n
        AgendaItem.objects.bulk_update(items, ["order"])
        record(
            regency=item.regency_id,
            kind="meetings.agenda_reordered",
            subject=item.session,
            actor=actor,
            payload={"item": item.pk, "direction": direction},
        )
    return item


@transaction.atomic
def upload_slides(*, item: AgendaItem, upload, actor) -> AgendaItem:
    """Store a presenter's slides (PDF or PPTX, checked by content) in private storage."""
    _require_open(item.session.rakor)
    kind = check_slides(upload)
    old = item.slides.name if item.slides else ""
    name = f"{item.session_id}-{item.pk}.{kind}"
    item.slides.save(name, upload, save=False)
    item.slides_name = (getattr(upload, "name", "") or name)[-200:]
    item.slides_uploaded_at = timezone.now()
    item.save(update_fields=["slides", "slides_name", "slides_uploaded_at"])
    if old and old != item.slides.name:
        transaction.on_commit(lambda: item.slides.storage.delete(old))
    record(
        regency=item.regency_id,
        kind="meetings.slides_uploaded",
        subject=item,
        actor=actor,
        payload={"type": kind, "size": upload.size},
    )
    return item


# --- Invitations ------------------------------------------------------------------------


@transaction.atomic
def send_invitations(*, rakor: Rakor, actor) -> dict[str, int]:
    """Send every participant the calendar invitations they need: new ones, updates when a
    session moved (SEQUENCE + 1) and cancellations for those who no longer attend."""
    _require_open(rakor)
    # Check the schedule as it is now: an availability or a roster may have changed.
    problems = refresh_violations(rakor)
    placed = any(s.is_placed for s in planned_sessions(rakor))
    sent_before = Invitation.objects.filter(session__rakor=rakor, method="REQUEST").exists()
    if not placed and not sent_before:
        raise ValidationError(
            _("Nothing is scheduled yet: place the sessions before sending invitations.")
        )
    if (
        problems
        and not sync_invitations(rakor, dry_run=True, cancellations_only=True)[1]["cancelled"]
    ):
        raise ValidationError(
            ngettext(
                "The schedule breaks %(n)s rule: fix it before sending invitations.",
                "The schedule breaks %(n)s rules: fix it before sending invitations.",
                len(problems),
            )
            % {"n": len(problems)}
        )
    # While a rule is broken, only cancellations go out (people who no longer attend
    # should know at once); invitations and updates wait until every rule holds.
    ids, counts = sync_invitations(rakor, cancellations_only=bool(problems))
    if not problems and rakor.status in (RakorStatus.DRAFT, RakorStatus.SCHEDULED):
        rakor.status = RakorStatus.PUBLISHED
        rakor.save(update_fields=["status"])
    record(
        regency=rakor.regency_id,
        kind="meetings.invitations_sent",
        subject=rakor,
        actor=actor,
        payload={**counts, "rules_broken": len(problems)},
    )
    if ids:
        from superteam.meetings.tasks import email_invitations

        transaction.on_commit(lambda: email_invitations.enqueue(ids))
    return counts


# --- Attendance -------------------------------------------------------------------------


def is_attendee(session: Session, person) -> bool:
    return any(p.person_id == person.pk for p in session_attendees(session))


def checkin_refusal(
    *, session: Session, at: datetime.datetime | None = None, by_organiser: bool = False
) -> str:
    """Why nobody can check in to the session now ("" when they can). Participants check
    in from shortly before the start until the end; the organiser may also record
    attendance after the end (from the paper list), never before check-in opens."""
    if session.status == SessionStatus.CANCELLED:
        return _("This session was cancelled.")
    window = session.checkin_window()
    if window is None:
        return _("This session has no day and time yet: check-in opens once it is scheduled.")
    at = at or timezone.now()
    opens, closes = window
    tz = session.rakor.tz
    if at < opens:
        local = timezone.localtime(opens, tz)
        return _(
            "Check-in opens at %(time)s on %(day)s, %(minutes)s minutes before the session starts."
        ) % {
            "time": formats.time_format(local, "H:i"),
            "day": formats.date_format(local, "l, j F Y"),
            "minutes": int((session.starts_at - opens).total_seconds() // 60),
        }
    if at > closes and not by_organiser:
        local = timezone.localtime(closes, tz)
        return _(
            "This session ended at %(time)s on %(day)s: check-in is closed. Ask the organiser "
            "to record your attendance."
        ) % {
            "time": formats.time_format(local, "H:i"),
            "day": formats.date_format(local, "l, j F Y"),
        }
    return ""


@transaction.atomic
def check_in(
    *,
    session: Session,
    person,
    actor,
    method: str = CheckInMethod.QR,
    at: datetime.datetime | None = None,
) -> Attendance:
    """Record that a person is present (by scanning the session's QR code during the
    session, or by the organiser); checking in twice keeps the first time."""
    at = at or timezone.now()
    refusal = checkin_refusal(
        session=session, at=at, by_organiser=method == CheckInMethod.ORGANISER
    )
    if refusal:
        raise ValidationError(refusal)
    if not is_attendee(session, person):
        raise ValidationError(_("%(person)s is not on this session's list.") % {"person": person})
    attendance, created = Attendance.objects.get_or_create(
        session=session,
        person=person,
        defaults={
            "regency_id": session.regency_id,
            "checked_in_at": at,
            "method": method,
            "recorded_by": actor,
        },
    )
    if created:
        record(
            regency=session.regency_id,
            kind="meetings.checked_in",
            subject=session,
            actor=actor,
            payload={"person": person.pk, "method": method},
        )
    return attendance


def attendance_by_unit(session: Session) -> list[dict]:
    """Per unit: how many of its people attend the session and how many checked in."""
    people = session_attendees(session)
    present = set(session.attendances.values_list("person_id", flat=True))
    rows: dict[int | None, dict] = {}
    for p in people:
        key = p.unit_id
        row = rows.setdefault(
            key,
            {"unit": p.unit.display_name if p.unit else _("Other"), "expected": 0, "present": 0},
        )
        row["expected"] += 1
        row["present"] += p.person_id in present
    out = sorted(rows.values(), key=lambda r: (-r["expected"], r["unit"]))
    for r in out:
        r["share"] = round(100 * r["present"] / r["expected"]) if r["expected"] else 0
    return out


# --- Minutes and decisions --------------------------------------------------------------


@transaction.atomic
def record_minutes(*, session: Session, text: str, actor) -> Session:
    """The minute-taker's notes of the session (notulen)."""
    session.minutes = text.strip()
    session.minutes_updated_at = timezone.now()
    session.save(update_fields=["minutes", "minutes_updated_at"])
    record(
        regency=session.regency_id,
        kind="meetings.minutes_recorded",
        subject=session,
        actor=actor,
        payload={"length": len(session.minutes)},
    )
    return session


def _decision_time(session: Session) -> datetime.datetime:
    """When a decision recorded now was taken: now, during or before its session; the end of
    the session when the minute-taker types the decisions up afterwards (its deadline and
    the time to action count from the meeting, not from the typing)."""
    now = timezone.now()
    end = session.ends_at
    return end if end is not None and end < now else now


@transaction.atomic
def record_decision(
    *,
    session: Session,
    actor,
    text: str,
    owner_position: Position,
    indicator_name: str,
    unit_of_measure: str,
    target: Decimal,
    deadline: datetime.date,
    contributing_units: list[Unit] = (),
    decided_at: datetime.datetime | None = None,
    code: str = "",
) -> Decision:
    """A decision of the session: owner position, contributing units, indicator, target
    and deadline."""
    if owner_position.regency_id != session.regency_id:
        raise ValidationError(_("The owner's position belongs to another regency."))
    if any(u.regency_id != session.regency_id for u in contributing_units):
        raise ValidationError(_("A contributing unit belongs to another regency."))
    decided_at = decided_at or _decision_time(session)
    # The deadline is a date where the regency is: compare it with the decision's date
    # there (UTC's date is the day before between midnight and 7 a.m. WIB).
    if deadline < timezone.localdate(decided_at, session.rakor.tz):
        raise ValidationError(_("The deadline is before the decision."))
    decision = Decision(
        regency_id=session.regency_id,
        session=session,
        code=code,
        text=text.strip(),
        owner_position=owner_position,
        indicator_name=indicator_name.strip(),
        unit_of_measure=unit_of_measure.strip(),
        target=target,
        deadline=deadline,
        decided_at=decided_at,
        recorded_by=actor,
    )
    decision.full_clean(exclude=["contributing_units"])
    decision.save()
    decision.contributing_units.set(contributing_units)
    record(
        regency=session.regency_id,
        kind="meetings.decision_made",
        subject=decision,
        actor=actor,
        payload={
            "session": session.pk,
            "text": decision.text,
            "owner_position": owner_position.pk,
            "contributing_units": [u.pk for u in contributing_units],
            "indicator": decision.indicator_name,
            "target": target,
            "deadline": deadline,
        },
    )
    return decision


@transaction.atomic
def close_decision(*, decision: Decision, status: str, actor) -> Decision:
    """Mark a decision done or dropped (or open again)."""
    if status not in DecisionStatus.values:
        raise ValidationError(_("Unknown status."))
    if decision.is_withdrawn:
        raise ValidationError(
            _("This decision was withdrawn; it cannot be opened or closed again. Record it anew.")
        )
    decision.status = status
    decision.closed_at = None if status == DecisionStatus.OPEN else timezone.now()
    decision.save(update_fields=["status", "closed_at"])
    record(
        regency=decision.regency_id,
        kind="meetings.decision_status",
        subject=decision,
        actor=actor,
        payload={"status": status},
    )
    return decision


# --- Correcting and withdrawing a decision ----------------------------------------------
#
# A decision may be corrected (or withdrawn when it was recorded by mistake) as long as no
# party has been asked to sign it: before it is in a joint agreement, freely; while it is in
# the *draft* of an agreement (an amendment being written), the change is written into that
# draft too, which every party then reads and signs; once the agreement's newest version has
# been sent for signing, signed or closed, its terms are refused here: the agreement must be
# amended first (agreements' own workflow), never changed silently. The code is an internal
# reference, not part of the agreement, and stays editable.

DECISION_FIELDS = (
    "text",
    "owner_position",
    "contributing_units",
    "indicator_name",
    "unit_of_measure",
    "target",
    "deadline",
    "code",
)
# Fields that are not written into the agreement (everything else becomes indicator terms).
OUTSIDE_AGREEMENT = frozenset({"code"})


def _snapshot(decision: Decision) -> dict:
    """The decision's editable fields as ledger values (ids with the names shown then)."""
    owner = decision.owner_position
    return {
        "text": decision.text,
        "owner_position": {"id": owner.pk, "title": owner.title, "unit": owner.unit.display_name},
        "contributing_units": [
            {"id": u.pk, "name": u.display_name}
            for u in sorted(decision.contributing_units.all(), key=lambda u: (u.name, u.pk))
        ],
        "indicator_name": decision.indicator_name,
        "unit_of_measure": decision.unit_of_measure,
        "target": str(Decimal(decision.target).quantize(Decimal("0.01"))),
        "deadline": decision.deadline.isoformat(),
        "code": decision.code,
    }


def decision_fingerprint(decision: Decision) -> str:
    """A digest of the decision's editable fields: an edit form carries it, so that an edit
    made from a stale page (someone else changed the decision meanwhile) is refused."""
    import hashlib
    import json

    data = json.dumps(_snapshot(decision), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()[:32]


def _agreement_of(decision: Decision, *, lock: bool = False):
    """(agreement, its newest version) a decision belongs to, or (None, None)."""
    if decision.agreement_id is None:
        return None, None
    from superteam.agreements.models import Agreement, AgreementVersion

    agreement = Agreement.objects.get(pk=decision.agreement_id)
    if agreement.current_version_id is None:
        return agreement, None
    versions = AgreementVersion.objects.all()
    if lock:  # send_for_signing locks the version too: freezing and editing cannot overlap
        versions = versions.select_for_update()
    return agreement, versions.get(pk=agreement.current_version_id)


def decision_lock(decision: Decision, *, lock: bool = False) -> str:
    """Why the decision's terms cannot change now ("" when they can): its joint agreement's
    newest version has been sent for signing, signed or closed."""
    if decision.is_withdrawn:
        return _("This decision was withdrawn; it cannot change any more.")
    agreement, version = _agreement_of(decision, lock=lock)
    if agreement is None:
        return ""
    from superteam.agreements.models import AgreementStatus, VersionStatus

    title = {"title": agreement.title}
    if agreement.status == AgreementStatus.CLOSED:
        return (
            _(
                "This decision is a target of the joint agreement “%(title)s”, which is closed: "
                "its terms can no longer change."
            )
            % title
        )
    if version is None or version.status == VersionStatus.DRAFT:
        return ""
    if version.status == VersionStatus.CIRCULATING:
        why = _(
            "This decision is a target of the joint agreement “%(title)s”, which has been sent "
            "to its parties for signing, so its terms cannot change here."
        )
    elif version.status == VersionStatus.DECLINED:
        why = _(
            "This decision is a target of the joint agreement “%(title)s”, which a party "
            "declined to sign, so its terms cannot change here."
        )
    else:
        why = _(
            "This decision is a target of the joint agreement “%(title)s”, which its parties "
            "have signed: a signed agreement never changes silently."
        )
    amend = _(
        "Amend the agreement first (a new version that every party signs again); the "
        "correction then goes into the amendment."
    )
    return f"{why % title} {amend}"


def _draft_terms(version, decision: Decision):
    if version is None or decision.indicator_id is None:
        return None
    return version.indicator_terms.filter(indicator_id=decision.indicator_id).first()


def _draft_parties(*, agreement, version, session: Session, add=None, drop=None, actor) -> None:
    """Keep the draft's parties those who own its targets: a new owner joins; an owner
    left with no target leaves (not the cluster's coordinator; at least two parties)."""
    from superteam.agreements.services import update_draft

    positions = [p.position for p in version.parties.select_related("position__unit")]
    changed = False
    if add is not None and add not in positions:
        positions.append(add)
        changed = True
    coordinator_id = session.cluster.coordinator_id
    if (
        drop is not None
        and drop in positions
        and drop.pk != coordinator_id
        and len(positions) > 2
        and not version.indicator_terms.filter(responsible_position=drop).exists()
    ):
        positions.remove(drop)
        changed = True
    if changed:
        update_draft(agreement=agreement, actor=actor, title=version.title, parties=positions)


def _into_draft(problem: ValidationError, agreement) -> ValidationError:
    return ValidationError(
        _("The correction cannot go into the draft of the joint agreement “%(title)s”: %(why)s")
        % {"title": agreement.title, "why": " ".join(problem.messages)}
    )


def _refresh_reviews(decision: Decision) -> None:
    """Agenda items of rakor still to come that review the decision follow its text and owner."""
    items = list(
        AgendaItem.objects.filter(decision=decision, kind=AgendaKind.REVIEW).exclude(
            session__rakor__status__in=(RakorStatus.CLOSED, RakorStatus.CANCELLED)
        )
    )
    for item in items:
        item.title = (_("Review: %(decision)s") % {"decision": decision.text[:200]})[:255]
        item.presenter_position = decision.owner_position
    AgendaItem.objects.bulk_update(items, ["title", "presenter_position"])


def _locked(decision: Decision) -> Decision:
    """The decision read again under a row lock (inside the caller's transaction)."""
    return (
        Decision.objects.select_for_update()
        .select_related("owner_position__unit", "session__rakor", "session__cluster")
        .get(pk=decision.pk)
    )


@transaction.atomic
def edit_decision(*, decision: Decision, actor, reason: str, fingerprint: str = "", **fields):
    """Correct a decision's text, owner, contributing units, indicator, target, deadline or
    code, saying why; the ledger keeps the old and new values. Refused once its joint
    agreement has been sent for signing (see above); written into the agreement's draft."""
    unknown = set(fields) - set(DECISION_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {sorted(unknown)}")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the decision is corrected."))
    locked = _locked(decision)
    if locked.is_withdrawn:
        raise ValidationError(_("This decision was withdrawn; it cannot change any more."))
    if fingerprint and fingerprint != decision_fingerprint(locked):
        raise ValidationError(
            _(
                "Someone else changed this decision while you were editing it. Its current "
                "values are shown: check them and make your correction again."
            ),
            code="stale",
        )
    before = _snapshot(locked)
    old_owner = locked.owner_position
    units = fields.pop("contributing_units", None)
    for name in ("text", "indicator_name", "unit_of_measure", "code"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    owner = fields.get("owner_position", old_owner)
    if owner.regency_id != locked.regency_id:
        raise ValidationError(_("The owner's position belongs to another regency."))
    if units is not None and any(u.regency_id != locked.regency_id for u in units):
        raise ValidationError(_("A contributing unit belongs to another regency."))
    if "target" in fields and fields["target"] < 0:
        raise ValidationError(_("The target cannot be negative."))
    deadline = fields.get("deadline", locked.deadline)
    if deadline < timezone.localdate(locked.decided_at, locked.session.rakor.tz):
        raise ValidationError(_("The deadline is before the decision."))
    code = fields.get("code")
    if (
        code
        and Decision.objects.filter(regency_id=locked.regency_id, code=code)
        .exclude(pk=locked.pk)
        .exists()
    ):
        raise ValidationError(
            _("Another decision of the regency already has the code “%(code)s”.") % {"code": code}
        )
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean(
        exclude=["contributing_units", "session", "recorded_by", "agreement", "indicator"]
    )
    locked.save(update_fields=list(fields))
    if units is not None:
        locked.contributing_units.set(units)
    after = _snapshot(locked)
    changes = {
        k: {"old": before[k], "new": after[k]} for k in DECISION_FIELDS if before[k] != after[k]
    }
    if not changes:
        raise ValidationError(_("Nothing was changed."), code="unchanged")
    payload = {"reason": reason, "changes": changes}
    if set(changes) - OUTSIDE_AGREEMENT and locked.agreement_id:
        refusal = decision_lock(locked, lock=True)
        if refusal:
            raise ValidationError(refusal, code="agreement_frozen")
        agreement, version = _agreement_of(locked)
        terms = _draft_terms(version, locked)
        if terms is not None:
            _edit_draft(locked, agreement=agreement, version=version, terms=terms, actor=actor)
            _draft_parties(
                agreement=agreement,
                version=version,
                session=locked.session,
                add=locked.owner_position,
                drop=old_owner if old_owner != locked.owner_position else None,
                actor=actor,
            )
            payload["agreement"] = {"id": agreement.pk, "version": version.number}
    if {"text", "owner_position"} & set(changes):
        _refresh_reviews(locked)
    record(
        regency=locked.regency_id,
        kind="meetings.decision_edited",
        subject=locked,
        actor=actor,
        payload=payload,
    )
    return locked


def _edit_draft(decision: Decision, *, agreement, version, terms, actor) -> None:
    """Write the decision's terms into the agreement's draft, keeping what only the
    agreement holds (baseline, quarterly targets, polarity, programme, budget)."""
    from superteam.agreements.services import update_indicator

    spec = {
        "sasaran": decision.text[:300],
        "name": decision.indicator_name,
        "unit_of_measure": decision.unit_of_measure,
        "target": decision.target,
        "target_high": terms.target_high,
        "baseline": terms.baseline,
        "quarterly_targets": terms.quarterly_targets,
        "polarity": terms.polarity,
        "aggregation": terms.aggregation,
        "deadline": decision.deadline,
        "responsible_position": decision.owner_position,
        "contributing_units": list(decision.contributing_units.all()),
        "programme": terms.programme,
        "budget": terms.budget,
    }
    try:
        update_indicator(agreement=agreement, indicator=decision.indicator, actor=actor, spec=spec)
    except ValidationError as exc:
        raise _into_draft(exc, agreement) from None


@transaction.atomic
def withdraw_decision(*, decision: Decision, actor, reason: str) -> Decision:
    """Withdraw a decision recorded by mistake, saying why: it leaves open decisions,
    agendas to come and the draft of its agreement; refused once that agreement has been
    sent for signing (amend it first)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the decision is withdrawn."))
    locked = _locked(decision)
    if locked.is_withdrawn:
        raise ValidationError(_("This decision was already withdrawn."))
    payload = {"reason": reason, "status": locked.status}
    if locked.agreement_id:
        refusal = decision_lock(locked, lock=True)
        if refusal:
            raise ValidationError(refusal, code="agreement_frozen")
        agreement, version = _agreement_of(locked)
        if _draft_terms(version, locked) is not None:
            from superteam.agreements.services import remove_indicator

            try:
                remove_indicator(agreement=agreement, indicator=locked.indicator, actor=actor)
                _draft_parties(
                    agreement=agreement,
                    version=version,
                    session=locked.session,
                    drop=locked.owner_position,
                    actor=actor,
                )
            except ValidationError as exc:
                raise _into_draft(exc, agreement) from None
            payload["agreement"] = {"id": agreement.pk, "version": version.number}
            locked.agreement = locked.indicator = None
    now = timezone.now()
    locked.status = DecisionStatus.DROPPED
    locked.closed_at = locked.withdrawn_at = now
    locked.withdrawal_reason = reason
    locked.save(
        update_fields=[
            "status",
            "closed_at",
            "withdrawn_at",
            "withdrawal_reason",
            "agreement",
            "indicator",
        ]
    )
    # Rakor still to come no longer review it; those held keep their agenda as it was.
    AgendaItem.objects.filter(decision=locked).exclude(
        session__rakor__status__in=(RakorStatus.CLOSED, RakorStatus.CANCELLED)
    ).delete()
    record(
        regency=locked.regency_id,
        kind="meetings.decision_withdrawn",
        subject=locked,
        actor=actor,
        payload=payload,
    )
    return locked


@transaction.atomic
def draft_agreement_from_session(*, session: Session, actor) -> list:
    """Turn the session's decisions (those not yet in an agreement) into draft joint
    agreements, one per year of their deadlines (an agreement covers one calendar year),
    whose parties are the decisions' owners, and send them out for signing."""
    decisions = list(
        session.decisions.filter(agreement__isnull=True)
        .exclude(status=DecisionStatus.DROPPED)
        .select_related("owner_position", "owner_position__unit")
        .prefetch_related("contributing_units")
        .order_by("pk")
    )
    if not decisions:
        raise ValidationError(_("This session has no decision that is not in an agreement yet."))
    by_year: dict[int, list[Decision]] = {}
    for d in sorted(decisions, key=lambda d: (d.deadline.year, d.pk)):
        by_year.setdefault(d.deadline.year, []).append(d)
    # A decision of December due next March belongs to next year's agreement.
    day = session.day or session.rakor.start_date
    name_year = len(by_year) > 1 or day.year not in by_year
    agreements = [
        _draft_agreement(
            session=session, decisions=group, year=year, name_year=name_year, actor=actor
        )
        for year, group in by_year.items()
    ]
    record(
        regency=session.regency_id,
        kind="meetings.agreement_drafted",
        subject=session,
        actor=actor,
        payload={
            "agreement": agreements[0].pk,
            "agreements": [a.pk for a in agreements],
            "decisions": [d.pk for d in decisions],
        },
    )
    return agreements


def _draft_agreement(*, session: Session, decisions: list[Decision], year: int, name_year, actor):
    from superteam.agreements.models import AgreementKind
    from superteam.agreements.services import create_draft_agreement, send_for_signing

    parties: list[Position] = []
    for d in decisions:
        if d.owner_position not in parties:
            parties.append(d.owner_position)
    coordinator = session.cluster.coordinator
    if len(parties) < 2 and coordinator is not None and coordinator not in parties:
        # A joint agreement has at least two parties: the cluster's coordinator joins.
        parties.insert(0, coordinator)
    if len(parties) < 2:
        raise ValidationError(
            _(
                "A joint agreement needs two parties: give the decisions due in %(year)s "
                "different owners, or name the cluster's coordinator."
            )
            % {"year": year}
        )
    title = _("Joint agreement: %(session)s (%(rakor)s)") % {
        "session": session.title,
        "rakor": session.rakor.title,
    }
    if name_year:
        title = _("%(title)s, %(year)s") % {"title": title, "year": year}
    agreement = create_draft_agreement(
        regency=session.rakor.regency,
        title=title,
        year=year,
        parties=parties,
        indicators=[
            {
                "sasaran": d.text[:300],
                "name": d.indicator_name,
                "unit_of_measure": d.unit_of_measure,
                "target": d.target,
                "deadline": d.deadline,
                "responsible_position": d.owner_position,
                "contributing_units": list(d.contributing_units.all()),
                "polarity": "higher",
                "aggregation": "last",
                "baseline": None,
                "quarterly_targets": [],
            }
            for d in decisions
        ],
        created_by=actor,
        source=session,
        kind=AgreementKind.JOINT,
        cluster=session.cluster,
    )
    send_for_signing(agreement=agreement, actor=actor)
    indicators = list(agreement.indicators.order_by("number"))
    for d, indicator in zip(decisions, indicators, strict=True):
        d.agreement, d.indicator = agreement, indicator
    Decision.objects.bulk_update(decisions, ["agreement", "indicator"])
    return agreement
