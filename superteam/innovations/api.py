"""Innovations API (mounted under /api/innovations/): innovations of my regency, proposing
an idea from a device, and the public showcase (no authentication)."""

import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from superteam.core.permissions import can
from superteam.core.tenancy import current_regency
from superteam.innovations import services
from superteam.innovations.models import Innovation
from superteam.org.models import Regency, Unit

router = Router()


class InnovationOut(Schema):
    id: int
    title: str
    owner_unit_id: int
    owner_unit: str
    counts_for_unit_id: int | None
    stage: str
    form: str
    is_digital: bool
    affair: str
    initiated_on: datetime.date
    trial_started_on: datetime.date | None
    implemented_on: datetime.date | None
    replicated_from_id: int | None
    is_active: bool


class ShowcaseOut(Schema):
    id: int
    title: str
    unit_name: str
    stage: str
    stage_label: str
    affair_label: str
    is_digital: bool
    summary: str
    benefits: str
    beneficiary_count: int | None
    implemented_on: datetime.date | None
    replicated_from_unit: str | None
    replica_count: int


class IdeaIn(Schema):
    unit_id: int
    title: str
    problem: str
    proposal: str
    expected_benefit: str = ""


class IdeaOut(Schema):
    id: int
    status: str


def _out(i: Innovation) -> dict:
    return {
        "id": i.pk,
        "title": i.title,
        "owner_unit_id": i.owner_unit_id,
        "owner_unit": i.owner_unit.name,
        "counts_for_unit_id": i.scoring_unit_id,
        "stage": i.stage,
        "form": i.form,
        "is_digital": i.is_digital,
        "affair": i.affair,
        "initiated_on": i.initiated_on,
        "trial_started_on": i.trial_started_on,
        "implemented_on": i.implemented_on,
        "replicated_from_id": i.replicated_from_id,
        "is_active": i.is_active,
    }


@router.get("/", response=list[InnovationOut], summary="Innovations of my regency")
def list_innovations(
    request, unit: int | None = None, stage: str | None = None, limit: int = 200, offset: int = 0
):
    qs = Innovation.objects.filter(regency_id__in=request.actor.regency_ids).select_related(
        "owner_unit"
    )
    if unit is not None:
        qs = qs.filter(scoring_unit_id=unit) | qs.filter(owner_unit_id=unit)
    if stage:
        qs = qs.filter(stage=stage)
    limit = max(1, min(limit, 1000))
    return [_out(i) for i in qs.order_by("pk")[offset : offset + limit]]


@router.get(
    "/showcase", response=list[ShowcaseOut], auth=None, summary="Public innovation showcase"
)
def public_showcase(request, regency: str | None = None, limit: int = 100):
    """Rolled-out and replicated innovations, public fields only (for the news portal)."""
    target = Regency.objects.filter(code=regency).first() if regency else current_regency(request)
    if target is None:
        return []
    return [
        item.__dict__ for item in services.showcase(regency=target, limit=max(1, min(limit, 500)))
    ]


@router.get("/{int:innovation_id}", response=InnovationOut, summary="One innovation")
def get_innovation(request, innovation_id: int):
    innovation = get_object_or_404(
        Innovation.objects.select_related("owner_unit"), pk=innovation_id
    )
    if not can(request.actor, "innovations.view", innovation):
        raise HttpError(403, "Not allowed")
    return _out(innovation)


@router.post("/ideas", response={201: IdeaOut}, summary="Propose an idea to a unit")
def propose_idea(request, payload: IdeaIn):
    unit = get_object_or_404(Unit, pk=payload.unit_id)
    if not can(request.actor, "innovations.propose", unit):
        raise HttpError(403, "Not allowed")
    try:
        idea = services.propose_idea(
            unit=unit,
            proposer=request.user,
            title=payload.title,
            problem=payload.problem,
            proposal=payload.proposal,
            expected_benefit=payload.expected_benefit,
        )
    except ValidationError as exc:
        raise HttpError(422, "; ".join(exc.messages)) from None
    return Status(201, {"id": idea.pk, "status": idea.status})
