"""Ledger API (mounted under /api/ledger/): the chain's head, its entries, verification,
and the signed checkpoints (public)."""

from __future__ import annotations

import datetime
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from superteam.core.permissions import can
from superteam.ledger.models import Entry, Head
from superteam.ledger.services import export_checkpoints, run_verification
from superteam.org.models import Regency

router = Router()
MAX_LIMIT = 1000


class HeadOut(Schema):
    regency_id: int
    entries: int
    head_hash: str


class EntryOut(Schema):
    seq: int
    kind: str
    subject: str
    actor_id: int | None
    payload: dict[str, Any]
    created_at: datetime.datetime
    prev_hash: str
    hash: str


class VerificationOut(Schema):
    ok: bool
    checked: int
    first_broken_seq: int | None
    reason: str
    checkpoints_checked: int


def _regency(request, code: str | None) -> Regency:
    actor = request.actor
    if code:
        regency = get_object_or_404(Regency, code=code)
    else:
        regency = Regency.objects.filter(pk__in=actor.regency_ids).order_by("pk").first()
        if regency is None:
            raise HttpError(404, "No regency")
    return regency


@router.get("/head", response=HeadOut, summary="Size and head hash of my regency's chain")
def head(request, regency: str | None = None):
    r = _regency(request, regency)
    if not can(request.actor, "ledger.view", r):
        raise HttpError(403, "Not allowed")
    h = Head.objects.filter(regency=r).first()
    return {
        "regency_id": r.pk,
        "entries": h.seq if h else 0,
        "head_hash": h.hash if h else "0" * 64,
    }


@router.get("/entries", response=list[EntryOut], summary="Entries after a number, in order")
def entries(
    request, after: int = 0, limit: int = 200, kind: str | None = None, regency: str | None = None
):
    r = _regency(request, regency)
    if not can(request.actor, "ledger.view", r):
        raise HttpError(403, "Not allowed")
    qs = Entry.objects.filter(regency=r, seq__gt=after).order_by("seq")
    if kind:
        qs = qs.filter(kind__startswith=kind)
    limit = max(1, min(limit, MAX_LIMIT))
    return [
        {
            "seq": e.seq,
            "kind": e.kind,
            "subject": f"{e.subject_type}:{e.subject_id}" if e.subject_type else "",
            "actor_id": e.actor_id,
            "payload": e.payload,
            "created_at": e.created_at,
            "prev_hash": e.prev_hash,
            "hash": e.hash,
        }
        for e in qs[:limit]
    ]


@router.post("/verify", response=VerificationOut, summary="Verify the chain now")
def verify(request, regency: str | None = None):
    r = _regency(request, regency)
    if not can(request.actor, "ledger.verify", r):
        raise HttpError(403, "Not allowed")
    verification, report, _problems = run_verification(regency=r, requested_by=request.user)
    return {
        "ok": verification.ok,
        "checked": report.checked,
        "first_broken_seq": report.first_broken_seq,
        "reason": verification.reason,
        "checkpoints_checked": report.checkpoints_checked,
    }


@router.get("/checkpoints", auth=None, summary="The signed checkpoints of a regency (public)")
def checkpoints(request, regency: str):
    return export_checkpoints(regency=get_object_or_404(Regency, code=regency))
