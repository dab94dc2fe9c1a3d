"""Agreements API (mounted under /api/agreements/): agreements with their versions,
parties and signatures, indicators with their progress, realisation values (read and
enter), the canonical document of a version, and public verification."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from superteam.agreements import canonical, services
from superteam.agreements.models import (
    Agreement,
    AgreementStatus,
    AgreementVersion,
    Indicator,
    Realisation,
)
from superteam.agreements.verification import verify_version
from superteam.core.permissions import can
from superteam.org.models import Unit

router = Router()
MAX_LIMIT = 200


class PartyOut(Schema):
    order: int
    role: str
    position_id: int
    position_code: str
    position_title: str
    unit_code: str
    unit_name: str


class SignatureOut(Schema):
    party_order: int
    signer_name: str
    acting: bool
    signed_at: datetime.datetime
    key_fingerprint: str
    document_hash: str
    signature: str


class VersionOut(Schema):
    number: int
    status: str
    title: str
    document_hash: str
    previous_hash: str
    verification_code: str | None
    amendment_reason: str
    parties: list[PartyOut]
    signatures: list[SignatureOut]


class TermsOut(Schema):
    sasaran: str
    name: str
    unit_of_measure: str
    baseline: Decimal | None
    target: Decimal
    target_high: Decimal | None
    quarterly_targets: list[Decimal | None]
    polarity: str
    aggregation: str
    deadline: datetime.date
    responsible_position_id: int | None
    contributing_unit_ids: list[int]
    programme: str
    budget: Decimal | None


class IndicatorOut(Schema):
    id: int
    agreement_id: int
    number: int
    in_force: bool
    terms: TermsOut | None
    realised: Decimal | None
    capaian: Decimal | None
    status: str
    last_period_end: datetime.date | None


class AgreementOut(Schema):
    id: int
    title: str
    year: int
    kind: str
    status: str
    owner_unit_id: int
    capaian: Decimal | None
    current_version: int | None
    version_in_force: int | None


class AgreementDetailOut(AgreementOut):
    current: VersionOut
    in_force: VersionOut | None
    indicators: list[IndicatorOut]


class RealisationIn(Schema):
    period_end: datetime.date
    value: Decimal
    note: str = ""
    idempotency_key: str | None = None


class RealisationOut(Schema):
    id: int
    indicator_id: int
    period_end: datetime.date
    value: Decimal
    note: str
    is_current: bool
    has_evidence: bool
    entered_at: datetime.datetime


class ProblemOut(Schema):
    code: str
    message: str


class SignatureCheckOut(Schema):
    party_order: int
    position_title: str
    signer_name: str
    signed_at: datetime.datetime
    key_fingerprint: str
    valid: bool
    problems: list[ProblemOut]


class VerificationOut(Schema):
    verdict: str
    unchanged: bool
    document_hash: str
    computed_hash: str
    version: int
    title: str
    in_force: bool
    problems: list[ProblemOut]
    changes: list[str]
    signatures: list[SignatureCheckOut]
    unsigned_positions: list[str]


def _agreement_out(a: Agreement) -> dict:
    return {
        "id": a.pk,
        "title": a.title,
        "year": a.year,
        "kind": a.kind,
        "status": a.status,
        "owner_unit_id": a.owner_unit_id,
        "capaian": a.capaian,
        "current_version": a.current_version.number if a.current_version else None,
        "version_in_force": a.active_version.number if a.active_version else None,
    }


def _version_out(v: AgreementVersion) -> dict:
    parties = list(v.parties.order_by("order"))
    orders = {p.pk: p.order for p in parties}
    return {
        "number": v.number,
        "status": v.status,
        "title": v.title,
        "document_hash": v.document_hash,
        "previous_hash": v.previous_hash,
        "verification_code": v.short_code,
        "amendment_reason": v.amendment_reason,
        "parties": [
            {
                "order": p.order,
                "role": p.role,
                "position_id": p.position_id,
                "position_code": p.position_code,
                "position_title": p.position_title,
                "unit_code": p.unit_code,
                "unit_name": p.unit_name,
            }
            for p in parties
        ],
        "signatures": [
            {
                "party_order": orders.get(s.party_id, 0),
                "signer_name": s.signer_name,
                "acting": s.acting,
                "signed_at": s.signed_at,
                "key_fingerprint": s.key.fingerprint,
                "document_hash": s.document_hash,
                "signature": s.signature,
            }
            for s in v.signatures.select_related("key").order_by("signed_at")
        ],
    }


def _terms_out(t) -> dict | None:
    if t is None:
        return None
    return {
        "sasaran": t.sasaran,
        "name": t.name,
        "unit_of_measure": t.unit_of_measure,
        "baseline": t.baseline,
        "target": t.target,
        "target_high": t.target_high,
        "quarterly_targets": t.quarterly_targets,
        "polarity": t.polarity,
        "aggregation": t.aggregation,
        "deadline": t.deadline,
        "responsible_position_id": t.responsible_position_id,
        "contributing_unit_ids": [c.unit_id for c in t.contributions.all()],
        "programme": t.programme,
        "budget": t.budget,
    }


def _indicator_out(i: Indicator) -> dict:
    return {
        "id": i.pk,
        "agreement_id": i.agreement_id,
        "number": i.number,
        "in_force": i.is_active,
        "terms": _terms_out(i.terms),
        "realised": i.realised,
        "capaian": i.capaian,
        "status": i.progress,
        "last_period_end": i.last_period_end,
    }


def _load(request, agreement_id: int) -> Agreement:
    agreement = get_object_or_404(
        Agreement.objects.select_related("current_version", "active_version", "owner_unit"),
        pk=agreement_id,
    )
    if not can(request.actor, "agreements.view", agreement):
        raise HttpError(403, "Not allowed")
    return agreement


@router.get("/", response=list[AgreementOut], summary="Agreements of my regency")
def list_agreements(
    request,
    year: int | None = None,
    status: str | None = None,
    unit: int | None = None,
    limit: int = 50,
    offset: int = 0,
):
    actor = request.actor
    qs = Agreement.objects.filter(regency_id__in=actor.regency_ids).select_related(
        "current_version", "active_version"
    )
    if not actor.sees_everything:
        qs = qs.filter(
            ~Q(status=AgreementStatus.DRAFT)
            | Q(created_by=actor.person)
            | Q(pk__in=Agreement.objects.held_by(actor.positions).values("pk"))
        )
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    if unit:
        qs = qs.involving(get_object_or_404(Unit, pk=unit, regency_id__in=actor.regency_ids))
    limit = max(1, min(limit, MAX_LIMIT))
    return [_agreement_out(a) for a in qs.order_by("-year", "title")[offset : offset + limit]]


@router.get("/{agreement_id}", response=AgreementDetailOut, summary="An agreement in full")
def get_agreement(request, agreement_id: int):
    agreement = _load(request, agreement_id)
    indicators = (
        Indicator.objects.filter(agreement=agreement)
        .select_related("terms")
        .prefetch_related("terms__contributions")
        .order_by("number")
    )
    return {
        **_agreement_out(agreement),
        "current": _version_out(agreement.current_version),
        "in_force": _version_out(agreement.active_version) if agreement.active_version else None,
        "indicators": [_indicator_out(i) for i in indicators],
    }


@router.get(
    "/{agreement_id}/versions/{number}/document",
    summary="The canonical document of a version (its SHA-256 is the document id)",
)
def get_document(request, agreement_id: int, number: int):
    agreement = _load(request, agreement_id)
    version = get_object_or_404(AgreementVersion, agreement=agreement, number=number)
    document = canonical.load_document(version.pk)
    return {
        "document": document,
        "document_hash": canonical.document_hash(document),
        "stored_document_hash": version.document_hash,
    }


@router.get("/indicators/{indicator_id}", response=IndicatorOut, summary="An indicator")
def get_indicator(request, indicator_id: int):
    indicator = get_object_or_404(
        Indicator.objects.select_related("terms", "agreement"), pk=indicator_id
    )
    if not can(request.actor, "agreements.view", indicator.agreement):
        raise HttpError(403, "Not allowed")
    return _indicator_out(indicator)


def _realisation_out(r: Realisation) -> dict:
    return {
        "id": r.pk,
        "indicator_id": r.indicator_id,
        "period_end": r.period_end,
        "value": r.value,
        "note": r.note,
        "is_current": r.is_current,
        "has_evidence": bool(r.evidence),
        "entered_at": r.entered_at,
    }


@router.get(
    "/indicators/{indicator_id}/realisations",
    response=list[RealisationOut],
    summary="Realisation values of an indicator (with corrections)",
)
def list_realisations(request, indicator_id: int):
    indicator = get_object_or_404(Indicator.objects.select_related("agreement"), pk=indicator_id)
    if not can(request.actor, "agreements.view", indicator.agreement):
        raise HttpError(403, "Not allowed")
    return [
        _realisation_out(r)
        for r in Realisation.objects.filter(indicator=indicator).order_by(
            "period_end", "entered_at"
        )[:1000]
    ]


@router.post(
    "/indicators/{indicator_id}/realisations",
    response={201: RealisationOut, 400: dict},
    summary="Enter a realisation value (idempotent with an idempotency key)",
)
def create_realisation(request, indicator_id: int, payload: RealisationIn):
    indicator = get_object_or_404(
        Indicator.objects.select_related("agreement", "terms"), pk=indicator_id
    )
    if not can(request.actor, "agreements.realise", indicator):
        raise HttpError(403, "Not allowed")
    try:
        entry = services.record_realisation(
            indicator=indicator,
            period_end=payload.period_end,
            value=payload.value,
            actor=request.user,
            note=payload.note,
            source=payload.idempotency_key or None,
        )
    except ValidationError as exc:
        return Status(400, {"errors": exc.messages})
    return Status(201, _realisation_out(entry))


@router.get(
    "/units/{unit_id}/achievement",
    summary="A unit's capaian (%) in a year, from the indicators in force",
)
def get_unit_achievement(request, unit_id: int, year: int):
    unit = get_object_or_404(Unit, pk=unit_id)
    if not can(request.actor, "agreements.unit", unit):
        raise HttpError(403, "Not allowed")
    return {
        "unit_id": unit.pk,
        "year": year,
        "capaian": services.unit_achievement(unit=unit, year=year),
    }


@router.get(
    "/verify/{code}",
    response=VerificationOut,
    auth=None,
    summary="Verify a version by its code (public): signatures valid, document unchanged?",
)
def verify(request, code: str):
    version = get_object_or_404(
        AgreementVersion.objects.select_related("agreement"), short_code=code
    )
    check = verify_version(version)
    return {
        "verdict": check.verdict,
        "unchanged": check.unchanged,
        "document_hash": check.stored_hash,
        "computed_hash": check.computed_hash,
        "version": check.number,
        "title": check.title,
        "in_force": check.in_force,
        "problems": [{"code": p.code, "message": p.text} for p in check.problems],
        "changes": check.changes,
        "signatures": [
            {
                "party_order": s.party_order,
                "position_title": s.position_title,
                "signer_name": s.signer_name,
                "signed_at": s.signed_at,
                "key_fingerprint": s.fingerprint,
                "valid": s.ok,
                "problems": [{"code": p.code, "message": p.text} for p in s.problems],
            }
            for s in check.signatures
        ],
        "unsigned_positions": [p["position"]["title"] for p in check.unsigned],
    }
