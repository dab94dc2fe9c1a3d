"""Rakor pages: planning and scheduling, agendas, invitations, check-in, minutes, decisions.

Views are thin: load, ask the permission module, validate with a form, call a service.
Pages read in bulk, so the number of queries does not grow with the size of a rakor.
"""

from __future__ import annotations

import datetime
import io
import mimetypes
from collections import Counter, defaultdict

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from superteam.core.permissions import can, require
from superteam.core.tenancy import current_regency
from superteam.meetings import services
from superteam.meetings.explain import describe_all
from superteam.meetings.forms import (
    AddParticipantForm,
    DecisionEditForm,
    DecisionForm,
    MinutesForm,
    MoveForm,
    RakorForm,
    SessionForm,
    SlidesForm,
    UnavailabilityForm,
    WithdrawDecisionForm,
)
from superteam.meetings.history import decision_history
from superteam.meetings.invitations import build_ics
from superteam.meetings.models import (
    AgendaItem,
    Attendance,
    CheckInMethod,
    Decision,
    DecisionStatus,
    Invitation,
    Participant,
    Rakor,
    ScheduleRun,
    Session,
    SessionStatus,
    Unavailability,
)
from superteam.meetings.planning import attendees_by_session, session_attendees
from superteam.org.models import Person


def _regency(request):
    regency = current_regency(request)
    if regency is None:
        raise Http404(_("No regency has been set up yet."))
    return regency


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- Rakor list and planning -------------------------------------------------------------


@login_required
def index(request):
    """The rakor of the regency, the sessions I attend, and decisions to follow."""
    regency = _regency(request)
    require(request, "meetings.view", regency)
    page = Paginator(
        Rakor.objects.filter(regency=regency)
        .annotate(n_sessions=Count("sessions"))
        .order_by("-start_date", "-pk"),
        20,
    ).get_page(request.GET.get("page"))
    mine = _my_sessions(request.user, regency)
    overdue = None
    if can(request.actor, "meetings.overdue", regency):
        overdue = services.overdue_decisions(regency=regency).count()
    return render(
        request,
        "meetings/index.html",
        {
            "page": page,
            "mine": mine,
            "overdue": overdue,
            "can_organise": can(request.actor, "meetings.organise", regency),
        },
    )


def _my_sessions(person, regency) -> list[Session]:
    """Sessions of recent and coming rakor that I attend (a few bounded queries)."""
    since = timezone.localdate() - datetime.timedelta(days=60)
    mine = list(
        Participant.objects.filter(
            person=person, excluded=False, rakor__regency=regency, rakor__end_date__gte=since
        )
    )
    if not mine:
        return []
    sessions = list(
        Session.objects.filter(
            rakor_id__in={p.rakor_id for p in mine}, cluster_id__in={p.cluster_id for p in mine}
        )
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("rakor", "room")
    )
    by_group = defaultdict(list)
    for s in sessions:
        by_group[(s.rakor_id, s.cluster_id)].append(s)
    out = {}
    for p in mine:
        group = by_group.get((p.rakor_id, p.cluster_id), [])
        for s in group:
            if (
                p.pinned_session_id == s.pk
                or (not p.pinned_session_id and (p.all_sessions or len(group) == 1))
                or (not p.pinned_session_id and p.session_id == s.pk)
            ):
                out[s.pk] = s
    return sorted(out.values(), key=lambda s: (s.day or datetime.date.max, s.start_slot or 0))


@login_required
def rakor_create(request):
    regency = _regency(request)
    require(request, "meetings.organise", regency)
    form = RakorForm(request.POST or None, regency=regency, creating=True)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            rakor = services.create_rakor(
                regency=regency,
                title=d["title"],
                start_date=d["start_date"],
                end_date=d["end_date"],
                organiser=request.user,
                rooms=list(d["rooms"]),
                clusters=list(d["clusters"]),
                session_length=d["session_length"],
                first_slot_start=d["first_slot_start"],
                slot_minutes=d["slot_minutes"],
                slots_per_day=d["slots_per_day"],
                min_on_duty_percent=d["min_on_duty_percent"],
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("The rakor was created with one session per cluster."))
            return redirect("meetings:rakor", pk=rakor.pk)
    return render(request, "meetings/rakor_form.html", {"form": form, "rakor": None})


def _rakor(request, pk: int, action: str = "meetings.view") -> Rakor:
    rakor = get_object_or_404(Rakor.objects.select_related("regency", "organiser"), pk=pk)
    require(request, action, rakor)
    return rakor


def _timetable(rakor: Rakor, sessions: list[Session]) -> list[dict]:
    """Per day: the placed sessions in time order, with their time labels."""
    days = []
    for day in rakor.days:
        rows = [s for s in sessions if s.day == day and s.is_placed]
        rows.sort(key=lambda s: (s.start_slot, s.room.name if s.room else ""))
        days.append(
            {
                "day": day,
                "sessions": [
                    {
                        "session": s,
                        "start": rakor.slot_start(s.start_slot),
                        "end": rakor.slot_start(s.start_slot + s.length_slots),
                    }
                    for s in rows
                ],
            }
        )
    return days


@login_required
def rakor_detail(request, pk: int):
    """A rakor: its schedule by day, the scheduler's last run, the rules the schedule breaks."""
    rakor = _rakor(request, pk)
    sessions = list(
        rakor.sessions.select_related("room", "cluster").order_by("day", "start_slot", "pk")
    )
    attending = attendees_by_session(rakor)
    for s in sessions:
        s.n_attendees = len(attending.get(s.pk, []))
        s.n_frontline = sum(1 for p in attending.get(s.pk, []) if p.unit and p.unit.is_frontline)
    run = rakor.runs.select_related("requested_by").first()
    present = Counter(
        Attendance.objects.filter(session__rakor=rakor).values_list("session_id", flat=True)
    )
    chart = [
        (s.title, round(100 * present.get(s.pk, 0) / s.n_attendees) if s.n_attendees else 0)
        for s in sessions
        if s.status != SessionStatus.CANCELLED
    ]
    invitations = dict(
        Invitation.objects.filter(session__rakor=rakor)
        .values_list("method")
        .annotate(n=Count("id"))
    )
    context = {
        "rakor": rakor,
        "sessions": sessions,
        "unplaced": [
            s for s in sessions if not s.is_placed and s.status != SessionStatus.CANCELLED
        ],
        "timetable": _timetable(
            rakor, [s for s in sessions if s.status != SessionStatus.CANCELLED]
        ),
        "run": run,
        "run_explanation": describe_all(run.explanation) if run else [],
        "violations": describe_all(rakor.violations),
        "rooms": list(rakor.rooms.all()),
        "can_organise": can(request.actor, "meetings.organise", rakor),
        "can_plan": can(request.actor, "meetings.organise", rakor) and rakor.is_open_for_changes,
        "attendance_chart": chart,
        "invitations": invitations,
        "participant_total": Participant.objects.filter(rakor=rakor, excluded=False).count(),
    }
    return render(request, "meetings/rakor_detail.html", context)


@login_required
def rakor_edit(request, pk: int):
    rakor = _rakor(request, pk, "meetings.organise")
    form = RakorForm(request.POST or None, instance=rakor, regency=rakor.regency)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "rooms"}
        try:
            services.update_rakor(
                rakor=Rakor.objects.get(pk=rakor.pk),
                actor=request.user,
                rooms=list(form.cleaned_data["rooms"]),
                **fields,
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("The rakor was saved."))
            return redirect("meetings:rakor", pk=rakor.pk)
    return render(request, "meetings/rakor_form.html", {"form": form, "rakor": rakor})


@login_required
def session_add(request, pk: int):
    rakor = _rakor(request, pk, "meetings.organise")
    form = SessionForm(request.POST or None, rakor=rakor)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            session = services.add_session(
                rakor=rakor,
                cluster=d["cluster"],
                actor=request.user,
                title=d["title"],
                length_slots=d["length_slots"],
                priority=d["priority"],
                fixed_day=d["fixed_day"],
                include_staff=d["include_staff"],
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(
                request, _("Session “%(title)s” was added.") % {"title": session.title}
            )
            return redirect("meetings:rakor", pk=rakor.pk)
    return render(request, "meetings/session_form.html", {"form": form, "rakor": rakor})


@login_required
@require_POST
def solve(request, pk: int):
    """Queue the scheduler; the page then polls the run."""
    rakor = _rakor(request, pk, "meetings.organise")
    try:
        run = services.request_schedule(rakor=rakor, actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("meetings:rakor", pk=rakor.pk)
    if request.htmx:
        run.refresh_from_db()
        return render(request, "meetings/partials/run.html", _run_context(run, poll=True))
    return redirect("meetings:rakor", pk=rakor.pk)


def _run_context(run: ScheduleRun, poll: bool = False) -> dict:
    return {
        "run": run,
        "rakor": run.rakor,
        "run_explanation": describe_all(run.explanation),
        "poll": poll,
    }


@login_required
def run_status(request, pk: int):
    """HTMX: the progress of a scheduler run; reloads the page once it has finished."""
    run = get_object_or_404(ScheduleRun.objects.select_related("rakor"), pk=pk)
    require(request, "meetings.view", run.rakor)
    response = render(request, "meetings/partials/run.html", _run_context(run, poll=True))
    if run.is_finished and request.GET.get("poll"):
        response["HX-Refresh"] = "true"
    return response


# --- Sessions ---------------------------------------------------------------------------


def _session(request, pk: int, action: str = "meetings.view") -> Session:
    session = get_object_or_404(
        Session.objects.select_related(
            "rakor", "rakor__regency", "room", "cluster", "minute_taker"
        ),
        pk=pk,
    )
    require(request, action, session)
    return session


@login_required
def session_detail(request, pk: int):
    """A session: when and where, the agenda, who attends and who checked in, minutes and
    decisions."""
    session = _session(request, pk)
    rakor = session.rakor
    people = session_attendees(session)
    present = {
        a.person_id: a
        for a in Attendance.objects.filter(session=session).select_related("recorded_by")
    }
    agenda = list(
        session.agenda.select_related("presenter", "presenter_position", "decision").order_by(
            "order", "pk"
        )
    )
    decisions = list(
        session.decisions.select_related("owner_position", "owner_position__unit", "agreement")
        .prefetch_related("contributing_units")
        .order_by("pk")
    )
    by_unit = services.attendance_by_unit(session)
    me = next((p for p in people if p.person_id == request.user.pk), None)
    can_organise = can(request.actor, "meetings.organise", session)
    context = {
        "session": session,
        "rakor": rakor,
        "people": people,
        "present": present,
        "agenda": agenda,
        "agenda_total": sum(i.minutes for i in agenda),
        "decisions": decisions,
        "attendance_chart": [(r["unit"], r["share"]) for r in by_unit],
        "attendance_rows": by_unit,
        "present_total": sum(1 for p in people if p.person_id in present),
        "me": me,
        "i_am_present": request.user.pk in present,
        "can_organise": can_organise,
        "can_plan": can_organise and rakor.is_open_for_changes,
        "can_minutes": can(request.actor, "meetings.take_minutes", session),
        "minutes_form": MinutesForm(initial={"minutes": session.minutes}),
        "checkin_url": settings.SITE_URL + reverse("meetings:checkin", args=[session.checkin_token])
        if can_organise
        else "",
        "my_positions": {p.pk for p in request.actor.positions},
        "pending_decisions": [
            d for d in decisions if d.agreement_id is None and d.status != DecisionStatus.DROPPED
        ],
        "agreements_ready": _agreements_ready(),
    }
    return render(request, "meetings/session_detail.html", context)


def _agreements_ready() -> bool:
    try:
        from superteam.agreements.services import create_draft_agreement  # noqa: F401
    except ImportError:
        return False
    return True


@login_required
def session_edit(request, pk: int):
    session = _session(request, pk, "meetings.organise")
    form = SessionForm(request.POST or None, instance=session, rakor=session.rakor)
    if request.method == "POST" and form.is_valid():
        fields = {
            k: form.cleaned_data[k] for k in services.SESSION_FIELDS if k in form.cleaned_data
        }
        try:
            services.update_session(
                session=Session.objects.get(pk=session.pk), actor=request.user, **fields
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("The session was saved."))
            return redirect("meetings:session", pk=session.pk)
    return render(
        request,
        "meetings/session_form.html",
        {"form": form, "rakor": session.rakor, "session": session},
    )


@login_required
def session_move(request, pk: int):
    """Place a session by hand; the page lists every rule the schedule then breaks."""
    session = _session(request, pk, "meetings.organise")
    form = MoveForm(request.POST or None, session=session)
    problems = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            problems = services.move_session(
                session=session,
                day=d["day"],
                start_slot=d["start_slot"],
                room=d["room"],
                actor=request.user,
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            if problems:
                messages.warning(
                    request,
                    _("The session was moved, but the schedule now breaks %(n)s rule(s).")
                    % {"n": len(problems)},
                )
            else:
                messages.success(request, _("The session was moved; every rule still holds."))
    return render(
        request,
        "meetings/session_move.html",
        {
            "session": session,
            "rakor": session.rakor,
            "form": form,
            "problems": describe_all(
                problems if problems is not None else session.rakor.violations
            ),
            "moved": problems is not None,
        },
    )


@login_required
@require_POST
def session_release(request, pk: int):
    session = _session(request, pk, "meetings.organise")
    try:
        services.release_session(session=session, actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The scheduler may place this session again."))
    return redirect("meetings:rakor", pk=session.rakor_id)


@login_required
@require_POST
def session_cancel(request, pk: int):
    session = _session(request, pk, "meetings.organise")
    try:
        services.cancel_session(session=session, actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The session was cancelled."))
    return redirect("meetings:rakor", pk=session.rakor_id)


# --- Participants -----------------------------------------------------------------------


@login_required
def participants(request, pk: int):
    """The roster: by cluster, with the organiser's additions and exclusions."""
    rakor = _rakor(request, pk)
    cluster = request.GET.get("cluster", "")
    query = request.GET.get("q", "").strip()
    qs = Participant.objects.filter(rakor=rakor).select_related(
        "person", "position", "unit", "cluster", "session", "pinned_session"
    )
    if cluster.isdigit():
        qs = qs.filter(cluster_id=int(cluster))
    if query:
        qs = qs.filter(
            Q(person__full_name__icontains=query)
            | Q(unit__name__icontains=query)
            | Q(position__title__icontains=query)
        )
    page = Paginator(
        qs.order_by("cluster__sort_order", "unit__path", "role", "person__full_name"), 50
    ).get_page(request.GET.get("page"))
    sessions = list(rakor.sessions.exclude(status=SessionStatus.CANCELLED).order_by("pk"))
    by_cluster = defaultdict(list)
    for s in sessions:
        by_cluster[s.cluster_id].append(s)
    clusters = {s.cluster_id: s.cluster for s in rakor.sessions.select_related("cluster")}
    counts = dict(
        Participant.objects.filter(rakor=rakor, excluded=False)
        .values_list("cluster_id")
        .annotate(n=Count("id"))
    )
    context = {
        "rakor": rakor,
        "page": page,
        "cluster": cluster,
        "query": query,
        "clusters": sorted(clusters.values(), key=lambda c: (c.sort_order, c.name)),
        "counts": counts,
        "sessions_by_cluster": by_cluster,
        "can_organise": can(request.actor, "meetings.organise", rakor)
        and rakor.is_open_for_changes,
        "add_form": AddParticipantForm(rakor=rakor),
    }
    return render(request, "meetings/participants.html", context)


@login_required
@require_POST
def participant_add(request, pk: int):
    rakor = _rakor(request, pk, "meetings.organise")
    form = AddParticipantForm(request.POST, rakor=rakor)
    if form.is_valid():
        try:
            p = services.add_participant(
                rakor=rakor,
                cluster=form.cleaned_data["cluster"],
                person=form.cleaned_data["who"],
                actor=request.user,
                all_sessions=form.cleaned_data["all_sessions"],
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("%(person)s was added.") % {"person": p.person})
    else:
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    return redirect("meetings:participants", pk=rakor.pk)


@login_required
@require_POST
def participant_update(request, pk: int):
    """Exclude or include someone, make them a chair, or fix their session."""
    participant = get_object_or_404(Participant.objects.select_related("rakor"), pk=pk)
    require(request, "meetings.organise", participant)
    action = request.POST.get("action")
    kwargs = {}
    if action in ("exclude", "include"):
        kwargs["excluded"] = action == "exclude"
    elif action in ("chair", "unchair"):
        kwargs["all_sessions"] = action == "chair"
    elif action == "pin":
        value = request.POST.get("session", "")
        kwargs["pinned_session"] = (
            get_object_or_404(Session, pk=int(value), rakor=participant.rakor)
            if value.isdigit()
            else None
        )
    else:
        messages.error(request, _("Unknown action."))
        return redirect("meetings:participants", pk=participant.rakor_id)
    try:
        services.update_participant(participant=participant, actor=request.user, **kwargs)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The roster was updated."))
    back = request.POST.get("next", "")
    if back.startswith("/meetings/"):
        return redirect(back)
    return redirect("meetings:participants", pk=participant.rakor_id)


@login_required
@require_POST
def invite(request, pk: int):
    rakor = _rakor(request, pk, "meetings.organise")
    try:
        counts = services.send_invitations(rakor=rakor, actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        if rakor.violations:  # only cancellations went out
            messages.warning(
                request,
                _(
                    "Cancellations sent: %(cancelled)s. Invitations and updates wait until the "
                    "schedule keeps every rule (rules broken: %(rules_broken)s)."
                )
                % {**counts, "rules_broken": len(rakor.violations)},
            )
        else:
            messages.success(
                request,
                _("Invitations: %(new)s new, %(updated)s updated, %(cancelled)s cancelled.")
                % counts,
            )
    return redirect("meetings:rakor", pk=rakor.pk)


# --- Agenda and slides ------------------------------------------------------------------


@login_required
@require_POST
def agenda_build(request, pk: int):
    rakor = _rakor(request, pk, "meetings.organise")
    try:
        n = services.build_agendas(rakor=rakor, actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The agendas were built (%(n)s items).") % {"n": n})
    back = request.POST.get("next", "")
    if back.startswith("/meetings/"):
        return redirect(back)
    return redirect("meetings:rakor", pk=rakor.pk)


@login_required
@require_POST
def agenda_move(request, pk: int):
    """Move an agenda item up or down (HTMX swaps the agenda; a plain form reloads)."""
    item = get_object_or_404(AgendaItem.objects.select_related("session", "session__rakor"), pk=pk)
    require(request, "meetings.organise", item)
    try:
        services.move_agenda_item(
            item=item, direction=request.POST.get("direction", ""), actor=request.user
        )
    except ValidationError as exc:
        _errors(request, exc)
    if request.htmx:
        session = item.session
        agenda = list(
            session.agenda.select_related("presenter", "presenter_position", "decision").order_by(
                "order", "pk"
            )
        )
        return render(
            request,
            "meetings/partials/agenda.html",
            {
                "session": session,
                "agenda": agenda,
                "agenda_total": sum(i.minutes for i in agenda),
                "can_organise": True,
                "can_plan": True,
                "my_positions": {p.pk for p in request.actor.positions},
                "moved_item": item.pk,
            },
        )
    return redirect(reverse("meetings:session", args=[item.session_id]) + "#agenda")


@login_required
@require_POST
def slides_upload(request, pk: int):
    item = get_object_or_404(AgendaItem.objects.select_related("session", "session__rakor"), pk=pk)
    require(request, "meetings.upload_slides", item)
    form = SlidesForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.upload_slides(
                item=item, upload=form.cleaned_data["slides"], actor=request.user
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Your slides were uploaded."))
    else:
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    return redirect(reverse("meetings:session", args=[item.session_id]) + "#agenda")


@login_required
def slides(request, pk: int):
    """Download slides from private storage (participants, the organiser, readers of all)."""
    item = get_object_or_404(AgendaItem.objects.select_related("session", "session__rakor"), pk=pk)
    require(request, "meetings.view_slides", item)
    if not item.slides:
        raise Http404(_("No slides were uploaded for this item."))
    content_type = mimetypes.guess_type(item.slides.name)[0] or "application/octet-stream"
    response = FileResponse(
        item.slides.open("rb"),
        as_attachment=True,
        filename=item.slides_name or item.slides.name.rsplit("/", 1)[-1],
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Attendance -------------------------------------------------------------------------


@login_required
def qr(request, pk: int):
    """The session's check-in QR code (SVG), to show on the screen at the door."""
    session = _session(request, pk, "meetings.organise")
    url = settings.SITE_URL + reverse("meetings:checkin", args=[session.checkin_token])
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=8, border=2, title=session.title)
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def checkin(request, token: str):
    """Reached from the QR code on a phone: the signed-in participant confirms presence."""
    session = get_object_or_404(
        Session.objects.select_related("rakor", "room", "cluster"), checkin_token=token
    )
    require(request, "meetings.view", session)
    on_list = can(request.actor, "meetings.check_in", session)
    attendance = Attendance.objects.filter(session=session, person=request.user).first()
    refusal = services.checkin_refusal(session=session)
    if request.method == "POST" and on_list and attendance is None and not refusal:
        try:
            attendance = services.check_in(
                session=session, person=request.user, actor=request.user, method=CheckInMethod.QR
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("You are checked in. Welcome!"))
            return redirect("meetings:checkin", token=token)
    return render(
        request,
        "meetings/checkin.html",
        {"session": session, "on_list": on_list, "attendance": attendance, "refusal": refusal},
        status=200 if on_list or attendance else 403,
    )


@login_required
@require_POST
def attend(request, pk: int):
    """The organiser checks someone in (no phone, or the QR code did not work)."""
    session = _session(request, pk, "meetings.organise")
    person = get_object_or_404(Person, pk=request.POST.get("person") or 0)
    try:
        services.check_in(
            session=session, person=person, actor=request.user, method=CheckInMethod.ORGANISER
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("%(person)s is checked in.") % {"person": person})
    return redirect(reverse("meetings:session", args=[session.pk]) + "#attendance")


@login_required
def my_ics(request, pk: int):
    """My calendar file for a session (the same event the invitation email carries)."""
    session = _session(request, pk)
    invitation = (
        Invitation.objects.filter(session=session, person=request.user)
        .select_related("session", "session__rakor", "session__rakor__regency", "person")
        .first()
    )
    if invitation is None:
        require(request, "meetings.check_in", session)
        if not session.is_placed:
            raise Http404(_("This session has no time yet."))
        invitation = Invitation(
            session=session,
            person=request.user,
            method="REQUEST",
            sequence=session.sequence,
            starts_at=session.starts_at,
            room_name=session.room.name if session.room else "",
            sent_at=timezone.now(),
        )
    response = HttpResponse(build_ics(invitation), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rakor-{session.pk}.ics"'
    return response


# --- Minutes and decisions --------------------------------------------------------------


@login_required
@require_POST
def minutes(request, pk: int):
    session = _session(request, pk, "meetings.take_minutes")
    form = MinutesForm(request.POST)
    if form.is_valid():
        services.record_minutes(
            session=session, text=form.cleaned_data["minutes"], actor=request.user
        )
        messages.success(request, _("The minutes were saved."))
    return redirect(reverse("meetings:session", args=[session.pk]) + "#minutes")


@login_required
def decision_add(request, pk: int):
    session = _session(request, pk, "meetings.take_minutes")
    form = DecisionForm(request.POST or None, session=session)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.record_decision(
                session=session,
                actor=request.user,
                text=d["text"],
                owner_position=d["owner_position"],
                contributing_units=list(d["contributing_units"]),
                indicator_name=d["indicator_name"],
                unit_of_measure=d["unit_of_measure"],
                target=d["target"],
                deadline=d["deadline"],
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("The decision was recorded."))
            return redirect(reverse("meetings:session", args=[session.pk]) + "#decisions")
    return render(
        request,
        "meetings/decision_form.html",
        {"form": form, "session": session, "rakor": session.rakor},
    )


@login_required
@require_POST
def draft_agreement(request, pk: int):
    """Turn the session's decisions into a draft joint agreement sent out for signing."""
    session = _session(request, pk, "meetings.organise")
    try:
        agreements = services.draft_agreement_from_session(session=session, actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect(reverse("meetings:session", args=[session.pk]) + "#decisions")
    if len(agreements) == 1:
        messages.success(
            request,
            _("The draft joint agreement was created and sent to its parties for signing."),
        )
        return redirect("agreements:detail", pk=agreements[0].pk)
    # Decisions due in different years: one agreement per year, listed on the session page.
    messages.success(
        request,
        _(
            "%(n)s draft joint agreements were created, one for each year of the deadlines "
            "(%(years)s), and sent to their parties for signing."
        )
        % {"n": len(agreements), "years": ", ".join(str(a.year) for a in agreements)},
    )
    return redirect(reverse("meetings:session", args=[session.pk]) + "#decisions")


def _decision(request, pk: int, action: str = "meetings.view") -> Decision:
    decision = get_object_or_404(
        Decision.objects.select_related(
            "session",
            "session__rakor",
            "session__cluster",
            "owner_position",
            "owner_position__unit",
            "agreement",
            "indicator",
        ),
        pk=pk,
    )
    require(request, action, decision)
    return decision


@login_required
def decision_detail(request, pk: int):
    """A decision and what became of it: agreement, first evidence, time to action."""
    decision = _decision(request, pk)
    reviews = list(decision.reviews.select_related("session", "session__rakor"))
    report_url = ""
    if decision.first_evidence_report_id:
        try:
            report_url = reverse("reports:detail", args=[decision.first_evidence_report_id])
        except NoReverseMatch:  # the reports app may not offer a page
            report_url = ""
    return render(
        request,
        "meetings/decision_detail.html",
        {
            "decision": decision,
            "reviews": reviews,
            "report_url": report_url,
            "days_to_action": decision.time_to_action.days if decision.first_evidence_at else None,
            "hours_to_action": decision.time_to_action.total_seconds() / 3600
            if decision.first_evidence_at
            else None,
            "overdue": decision.is_overdue(),
            "can_close": can(request.actor, "meetings.close_decision", decision)
            and not decision.is_withdrawn,
            "statuses": DecisionStatus.choices,
            "can_edit": can(request.actor, "meetings.edit_decision", decision)
            and not decision.is_withdrawn,
            "can_withdraw": can(request.actor, "meetings.withdraw_decision", decision)
            and not decision.is_withdrawn,
            "lock": services.decision_lock(decision) if not decision.is_withdrawn else "",
            "can_amend": _can_amend(request, decision),
            "history": decision_history(decision),
            "can_read_ledger": can(request.actor, "ledger.view", decision),
        },
    )


@login_required
def decision_edit(request, pk: int):
    """Correct a decision (a typo, the wrong owner, target or deadline), saying why."""
    decision = _decision(request, pk, "meetings.edit_decision")
    if decision.is_withdrawn:
        messages.error(request, _("This decision was withdrawn; it cannot change any more."))
        return redirect("meetings:decision", pk=decision.pk)
    lock = services.decision_lock(decision)
    form = DecisionEditForm(
        request.POST or None,
        decision=decision,
        fingerprint=services.decision_fingerprint(decision),
        locked=bool(lock),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_decision(
                decision=decision,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                fingerprint=form.cleaned_data["fingerprint"],
                **form.changed_values(),
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) != "stale":
                form.add_error(None, exc.messages)
            else:  # show the current values to make the correction again
                _errors(request, exc)
                decision = _decision(request, pk, "meetings.edit_decision")
                lock = services.decision_lock(decision)
                form = DecisionEditForm(
                    decision=decision,
                    fingerprint=services.decision_fingerprint(decision),
                    locked=bool(lock),
                )
                form.initial["reason"] = request.POST.get("reason", "")
        else:
            messages.success(request, _("The decision was corrected."))
            return redirect("meetings:decision", pk=decision.pk)
    return render(
        request,
        "meetings/decision_edit.html",
        {
            "form": form,
            "decision": decision,
            "lock": lock,
            "session": decision.session,
            "can_amend": _can_amend(request, decision),
        },
    )


def _can_amend(request, decision: Decision) -> bool:
    """Whether to link a refused correction straight to amending the agreement."""
    from superteam.agreements.models import AgreementStatus

    agreement = decision.agreement
    return (
        agreement is not None
        and agreement.status != AgreementStatus.CLOSED
        and can(request.actor, "agreements.edit", agreement)
    )


@login_required
def decision_withdraw(request, pk: int):
    """Withdraw a decision recorded by mistake, saying why (confirmation page on a phone)."""
    decision = _decision(request, pk, "meetings.withdraw_decision")
    if decision.is_withdrawn:
        messages.info(request, _("This decision was already withdrawn."))
        return redirect("meetings:decision", pk=decision.pk)
    lock = services.decision_lock(decision)
    form = WithdrawDecisionForm(request.POST or None)
    if request.method == "POST" and not lock and form.is_valid():
        try:
            services.withdraw_decision(
                decision=decision, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("The decision was withdrawn."))
            return redirect("meetings:decision", pk=decision.pk)
    return render(
        request,
        "meetings/decision_withdraw.html",
        {
            "form": form,
            "decision": decision,
            "lock": lock,
            "session": decision.session,
            "can_amend": _can_amend(request, decision),
        },
    )


@login_required
@require_POST
def decision_close(request, pk: int):
    decision = _decision(request, pk, "meetings.close_decision")
    try:
        services.close_decision(
            decision=decision, status=request.POST.get("status", ""), actor=request.user
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The decision's status was changed."))
    return redirect("meetings:decision", pk=decision.pk)


def _decision_rows(qs):
    return qs.select_related("owner_position", "owner_position__unit", "session", "session__rakor")


@login_required
def decisions(request):
    """Every rakor decision of the regency: open, overdue, acted on, by deadline."""
    regency = _regency(request)
    require(request, "meetings.view", regency)
    show = request.GET.get("show", "open")
    qs = Decision.objects.filter(regency=regency)
    today = timezone.localdate()
    if show == "open":
        qs = qs.open()
    elif show == "overdue":
        qs = qs.overdue(today)
    elif show == "waiting":
        qs = qs.open().filter(first_evidence_at__isnull=True)
    elif show == "acted":
        qs = qs.filter(first_evidence_at__isnull=False)
    totals = Decision.objects.filter(regency=regency).aggregate(
        open=Count("id", filter=Q(status=DecisionStatus.OPEN)),
        overdue=Count("id", filter=Q(status=DecisionStatus.OPEN, deadline__lt=today)),
        acted=Count("id", filter=Q(first_evidence_at__isnull=False)),
        all=Count("id"),
    )
    page = Paginator(_decision_rows(qs).order_by("deadline", "pk"), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "meetings/decisions.html",
        {"page": page, "show": show, "totals": totals, "today": today},
    )


@login_required
def overdue(request):
    """For the regent: open decisions past their deadline, by owner unit, oldest first."""
    regency = _regency(request)
    require(request, "meetings.overdue", regency)
    rows = list(services.overdue_decisions(regency=regency)[:200])
    total = services.overdue_decisions(regency=regency).count()
    by_unit = Counter(d.owner_position.unit.display_name for d in rows)
    today = timezone.localdate()
    for d in rows:
        d.days_late = (today - d.deadline).days
    return render(
        request,
        "meetings/overdue.html",
        {"rows": rows, "total": total, "chart": by_unit.most_common(12)},
    )


# --- My unavailability ------------------------------------------------------------------


@login_required
def unavailability(request):
    """The periods I cannot attend meetings (the scheduler keeps me out of them)."""
    require(request, "meetings.declare_unavailability")
    form = UnavailabilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.declare_unavailability(
                person=request.user,
                start=d["start"],
                end=d["end"],
                reason=d["reason"],
                actor=request.user,
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Saved: the scheduler will keep you out of this period."))
            return redirect("meetings:unavailability")
    entries = list(
        Unavailability.objects.filter(person=request.user, end__gte=timezone.now()).order_by(
            "start"
        )
    )
    return render(request, "meetings/unavailability.html", {"form": form, "entries": entries})


@login_required
@require_POST
def unavailability_delete(request, pk: int):
    entry = get_object_or_404(Unavailability, pk=pk)
    if entry.person_id != request.user.pk:
        raise PermissionDenied
    services.withdraw_unavailability(entry=entry, actor=request.user)
    messages.success(request, _("The period was removed."))
    return redirect("meetings:unavailability")
