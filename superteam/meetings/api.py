"""Meetings API (mounted under /api/meetings/): rakor schedules, my sessions, decisions and
what became of them, checking in from an app."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from superteam.core.permissions import can
from superteam.meetings import services
from superteam.meetings.models import Decision, Rakor, Session
from superteam.meetings.planning import attendees_by_session

router = Router()


class RakorOut(Schema):
    id: int
    title: str
    start_date: datetime.date
    end_date: datetime.date
    status: str


class SessionOut(Schema):
    id: int
    title: str
    cluster_id: int
    status: str
    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None
    room: str | None
    participants: int
    placed_by: str


class ScheduleOut(RakorOut):
    sessions: list[SessionOut]
    rules_broken: list[dict]


class DecisionOut(Schema):
    id: int
    code: str
    text: str
    session_id: int
    owner_position_id: int
    contributing_unit_ids: list[int]
    indicator: str
    unit_of_measure: str
    target: str
    deadline: datetime.date
    status: str
    withdrawn_at: datetime.datetime | None
    decided_at: datetime.datetime
    agreement_id: int | None
    first_evidence_at: datetime.datetime | None
    first_evidence_report_id: int | None
    hours_to_action: float | None
    overdue: bool


class CheckInOut(Schema):
    session_id: int
    checked_in_at: datetime.datetime
    method: str


def _rakor(request, rakor_id: int) -> Rakor:
    rakor = get_object_or_404(Rakor, pk=rakor_id)
    if not can(request.actor, "meetings.view", rakor):
        raise HttpError(403, "Not allowed")
    return rakor


@router.get("/rakor", response=list[RakorOut], summary="Rakor of my regency, newest first")
def list_rakor(request):
    return list(
        Rakor.objects.filter(regency_id__in=request.actor.regency_ids).order_by(
            "-start_date", "-pk"
        )[:200]
    )


@router.get("/rakor/{rakor_id}", response=ScheduleOut, summary="A rakor's schedule")
def get_schedule(request, rakor_id: int):
    rakor = _rakor(request, rakor_id)
    attending = attendees_by_session(rakor)
    sessions = rakor.sessions.select_related("room", "rakor").order_by("day", "start_slot", "pk")
    return {
        "id": rakor.pk,
        "title": rakor.title,
        "start_date": rakor.start_date,
        "end_date": rakor.end_date,
        "status": rakor.status,
        "rules_broken": rakor.violations,
        "sessions": [
            {
                "id": s.pk,
                "title": s.title,
                "cluster_id": s.cluster_id,
                "status": s.status,
                "starts_at": s.starts_at,
                "ends_at": s.ends_at,
                "room": s.room.name if s.room else None,
                "participants": len(attending.get(s.pk, [])),
                "placed_by": s.placed_by,
            }
            for s in sessions
        ],
    }


def _decision_out(d: Decision) -> dict:
    hours = d.time_to_action.total_seconds() / 3600 if d.first_evidence_at else None
    return {
        "id": d.pk,
        "code": d.code,
        "text": d.text,
        "session_id": d.session_id,
        "owner_position_id": d.owner_position_id,
        "contributing_unit_ids": [u.pk for u in d.contributing_units.all()],
        "indicator": d.indicator_name,
        "unit_of_measure": d.unit_of_measure,
        "target": str(d.target),
        "deadline": d.deadline,
        "status": d.status,
        "withdrawn_at": d.withdrawn_at,
        "decided_at": d.decided_at,
        "agreement_id": d.agreement_id,
        "first_evidence_at": d.first_evidence_at,
        "first_evidence_report_id": d.first_evidence_report_id,
        "hours_to_action": round(hours, 1) if hours is not None else None,
        "overdue": d.is_overdue(),
    }


@router.get(
    "/decisions", response=list[DecisionOut], summary="Rakor decisions (open, overdue, all)"
)
def list_decisions(request, show: str = "open"):
    qs = Decision.objects.filter(regency_id__in=request.actor.regency_ids)
    if show == "open":
        qs = qs.open()
    elif show == "overdue":
        qs = qs.overdue()
    elif show != "all":
        raise HttpError(400, "show is one of open, overdue, all")
    qs = qs.prefetch_related("contributing_units").order_by("deadline", "pk")[:1000]
    return [_decision_out(d) for d in qs]


@router.get("/decisions/{decision_id}", response=DecisionOut, summary="One decision")
def get_decision(request, decision_id: int):
    decision = get_object_or_404(Decision, pk=decision_id)
    if not can(request.actor, "meetings.view", decision):
        raise HttpError(403, "Not allowed")
    return _decision_out(decision)


@router.post("/sessions/{session_id}/check-in", response=CheckInOut, summary="Check myself in")
def check_in(request, session_id: int):
    session = get_object_or_404(Session, pk=session_id)
    if not can(request.actor, "meetings.check_in", session):
        raise HttpError(403, "You are not on this session's list.")
    try:
        attendance = services.check_in(session=session, person=request.user, actor=request.user)
    except ValidationError as exc:
        raise HttpError(400, " ".join(exc.messages)) from None
    return {
        "session_id": session.pk,
        "checked_in_at": attendance.checked_in_at,
        "method": attendance.method,
    }
