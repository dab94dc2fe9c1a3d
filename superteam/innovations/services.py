"""Innovation services: every write to innovations, ideas and evidence, and what other apps
read (``innovations_started_between``, ``showcase``).

Each write runs in one transaction with its ledger entry; a verified piece of evidence or a
stage change updates the scoring rollups of that innovation and its unit in the same
transaction (superteam.scoring.services), so leaderboards never recompute on a page view.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from superteam.core.permissions import actor_for
from superteam.innovations.files import check_evidence_file
from superteam.innovations.models import (
    STAGE_ORDER,
    EventKind,
    Evidence,
    EvidenceStatus,
    Idea,
    IdeaStatus,
    InitiatorKind,
    Innovation,
    InnovationEvent,
    NoticeKind,
    Stage,
    stage_date_errors,
)
from superteam.innovations.notifications import notify
from superteam.ledger.services import record
from superteam.org.models import HEAD_LEVELS, Assignment, Position, PositionLevel, Unit
from superteam.scoring import services as scoring
from superteam.scoring.families import family_of, scoring_unit_for
from superteam.scoring.models import Side

# Fields of an innovation a form may set (everything else is set by the services).
EDITABLE_FIELDS = [
    "title",
    "problem",
    "design",
    "goals",
    "benefits",
    "results",
    "form",
    "is_digital",
    "initiator_kind",
    "initiator_name",
    "affair",
    "beneficiaries",
    "beneficiary_count",
    "responsible_position",
    "video_url",
    "is_public",
]


def acting_position(person, unit: Unit) -> Position | None:
    """The position through which a person acts for a unit today: a head-level post in the
    unit or an ancestor first, else any post inside the unit."""
    if person is None:
        return None
    positions = actor_for(person).positions
    heads = [p for p in positions if p.is_head and unit.path.startswith(p.unit.path)]
    if heads:
        return max(heads, key=lambda p: len(p.unit.path))
    inside = [p for p in positions if p.unit.path.startswith(unit.path)]
    if inside:
        return inside[0]
    return positions[0] if positions else None


def _event(innovation, kind, actor, *, on=None, stage_from="", stage_to="", related=None, note=""):
    return InnovationEvent.objects.create(
        regency_id=innovation.regency_id,
        innovation=innovation,
        kind=kind,
        stage_from=stage_from,
        stage_to=stage_to,
        on=on or timezone.localdate(),
        actor=actor,
        position=acting_position(actor, innovation.owner_unit),
        related=related,
        note=note,
    )


def _check_dates(innovation: Innovation) -> None:
    errors = stage_date_errors(
        stage=innovation.stage,
        initiated_on=innovation.initiated_on,
        trial_started_on=innovation.trial_started_on,
        implemented_on=innovation.implemented_on,
    )
    if errors:
        raise ValidationError(errors)


def _check_position(innovation: Innovation) -> None:
    pos = innovation.responsible_position
    if (
        pos is not None
        and not innovation.owner_unit.path.startswith(pos.unit.path)
        and not (pos.unit.path.startswith(innovation.owner_unit.path))
    ):
        raise ValidationError(
            {
                "responsible_position": _(
                    "The responsible position must belong to the owner unit, one of its "
                    "sub-units or a unit above it."
                )
            }
        )


# --- Innovations ----------------------------------------------------------------------------


@transaction.atomic
def register_innovation(
    *,
    owner_unit: Unit,
    actor,
    data: dict,
    stage: str = Stage.INISIATIF,
    initiated_on: datetime.date | None = None,
    trial_started_on: datetime.date | None = None,
    implemented_on: datetime.date | None = None,
    involved_units: Iterable[Unit] = (),
) -> Innovation:
    """Register an innovation of a unit (it belongs to the unit, never to a person)."""
    innovation = Innovation(
        regency_id=owner_unit.regency_id,
        owner_unit=owner_unit,
        stage=stage,
        initiated_on=initiated_on or timezone.localdate(),
        trial_started_on=trial_started_on,
        implemented_on=implemented_on,
        created_by=actor,
    )
    target = scoring_unit_for(owner_unit)
    innovation.scoring_unit = target
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(innovation, name, data[name])
    if innovation.responsible_position is None:
        heads = sorted(
            Position.objects.filter(unit=owner_unit, level__in=HEAD_LEVELS, is_active=True),
            key=lambda p: (p.level != PositionLevel.HEAD, p.sort_order),
        )
        innovation.responsible_position = heads[0] if heads else acting_position(actor, owner_unit)
        if innovation.responsible_position is not None:
            try:
                _check_position(innovation)
            except ValidationError:
                innovation.responsible_position = None
    innovation.full_clean(exclude=["scoring_unit", "created_by"])
    _check_dates(innovation)
    _check_position(innovation)
    innovation.save()
    units = [u for u in involved_units if u.regency_id == owner_unit.regency_id]
    innovation.involved_units.set(units)
    _event(innovation, EventKind.CREATED, actor, on=innovation.initiated_on, stage_to=stage)
    record(
        regency=owner_unit.regency_id,
        kind="innovations.registered",
        subject=innovation,
        actor=actor,
        payload={"title": innovation.title, "unit": owner_unit.pk, "stage": stage},
    )
    scoring.refresh_for_innovation(innovation=innovation)
    return innovation


@transaction.atomic
def update_innovation(
    *, innovation: Innovation, actor, data: dict, involved_units: Iterable[Unit] | None = None
) -> Innovation:
    """Change an innovation's description; a change of the responsible position is kept in
    its history."""
    innovation = Innovation.objects.select_for_update().get(pk=innovation.pk)
    before = {name: getattr(innovation, name) for name in EDITABLE_FIELDS}
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(innovation, name, data[name])
    innovation.full_clean(exclude=["scoring_unit", "created_by"])
    _check_position(innovation)
    changed = [name for name in EDITABLE_FIELDS if getattr(innovation, name) != before[name]]
    innovation.save()
    if involved_units is not None:
        innovation.involved_units.set(
            [u for u in involved_units if u.regency_id == innovation.regency_id]
        )
    if "responsible_position" in changed:
        old = before["responsible_position"]
        _event(
            innovation,
            EventKind.RESPONSIBLE,
            actor,
            note=f"{old.title if old else '—'} → "
            f"{innovation.responsible_position.title if innovation.responsible_position else '—'}",
        )
    if set(changed) - {"responsible_position"}:
        _event(innovation, EventKind.EDITED, actor, note=", ".join(sorted(changed)))
    if changed:
        record(
            regency=innovation.regency_id,
            kind="innovations.edited",
            subject=innovation,
            actor=actor,
            payload={"fields": sorted(changed)},
        )
    if "affair" in changed:
        scoring.refresh_for_innovation(innovation=innovation)
    return innovation


@transaction.atomic
def change_stage(
    *, innovation: Innovation, stage: str, on: datetime.date, actor, note: str = ""
) -> Innovation:
    """Move an innovation to another stage from a date. Going back (a trial that failed)
    needs a note; the dates of the stages after it are cleared, the history keeps them."""
    innovation = Innovation.objects.select_for_update().get(pk=innovation.pk)
    if stage not in STAGE_ORDER:
        raise ValidationError({"stage": _("Unknown stage.")})
    if stage == innovation.stage:
        raise ValidationError({"stage": _("The innovation is already at this stage.")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    old = innovation.stage
    forward = STAGE_ORDER.index(stage) > STAGE_ORDER.index(old)
    if not forward and not note.strip():
        raise ValidationError({"note": _("Say why the innovation goes back a stage.")})
    current_date = innovation.stage_date(old)
    if forward and current_date and on < current_date:
        raise ValidationError(
            {
                "on": _("The new stage cannot start before the current one (%(date)s).")
                % {"date": date_format(current_date, "SHORT_DATE_FORMAT")}
            }
        )
    if stage == Stage.INISIATIF:
        innovation.trial_started_on = None
        innovation.implemented_on = None
    elif stage == Stage.UJI_COBA:
        innovation.implemented_on = None
        if forward:
            innovation.trial_started_on = on
    else:
        innovation.implemented_on = on
    innovation.stage = stage
    _check_dates(innovation)
    innovation.save(update_fields=["stage", "trial_started_on", "implemented_on", "updated_at"])
    _event(innovation, EventKind.STAGE, actor, on=on, stage_from=old, stage_to=stage, note=note)
    record(
        regency=innovation.regency_id,
        kind="innovations.stage_changed",
        subject=innovation,
        actor=actor,
        payload={"from": old, "to": stage, "on": on, "note": note},
    )
    scoring.refresh_for_innovation(innovation=innovation)
    return innovation


@transaction.atomic
def set_running(*, innovation: Innovation, running: bool, actor, note: str = "") -> Innovation:
    """Stop an innovation (it no longer counts) or resume it; a stop needs a reason."""
    innovation = Innovation.objects.select_for_update().get(pk=innovation.pk)
    if innovation.is_active == running:
        return innovation
    if not running and not note.strip():
        raise ValidationError({"note": _("Say why the innovation stops.")})
    innovation.is_active = running
    innovation.save(update_fields=["is_active", "updated_at"])
    _event(innovation, EventKind.RESUMED if running else EventKind.STOPPED, actor, note=note)
    record(
        regency=innovation.regency_id,
        kind="innovations.resumed" if running else "innovations.stopped",
        subject=innovation,
        actor=actor,
        payload={"note": note},
    )
    scoring.refresh_for_innovation(innovation=innovation)
    return innovation


@transaction.atomic
def replicate_innovation(
    *,
    original: Innovation,
    unit: Unit,
    actor,
    on: datetime.date,
    stage: str = Stage.UJI_COBA,
    note: str = "",
) -> Innovation:
    """Another unit adopts an innovation: it gets its own innovation (counted for it) that
    names the original, and the original's history records the replication."""
    if original.stage != Stage.PENERAPAN or not original.is_active:
        raise ValidationError(_("Only an innovation in rollout can be replicated."))
    if unit.pk == original.owner_unit_id or unit.regency_id != original.regency_id:
        raise ValidationError({"unit": _("Choose another unit of the regency.")})
    if original.replicas.filter(owner_unit=unit, is_active=True).exists():
        raise ValidationError({"unit": _("This unit already replicates this innovation.")})
    if stage not in STAGE_ORDER:
        raise ValidationError({"stage": _("Unknown stage.")})
    copy = register_innovation(
        owner_unit=unit,
        actor=actor,
        data={
            "title": original.title,
            "problem": original.problem,
            "design": original.design,
            "goals": original.goals,
            "benefits": original.benefits,
            "form": original.form,
            "is_digital": original.is_digital,
            "initiator_kind": InitiatorKind.AGENCY,
            "initiator_name": original.owner_unit.name,
            "affair": original.affair,
            "is_public": original.is_public,
        },
        stage=stage,
        initiated_on=on,
        trial_started_on=on if stage in (Stage.UJI_COBA, Stage.PENERAPAN) else None,
        implemented_on=on if stage == Stage.PENERAPAN else None,
    )
    copy.replicated_from = original
    copy.save(update_fields=["replicated_from"])
    _event(original, EventKind.REPLICATED, actor, on=on, related=copy, note=note)
    record(
        regency=original.regency_id,
        kind="innovations.replicated",
        subject=copy,
        actor=actor,
        payload={"original": original.pk, "unit": unit.pk, "stage": stage, "on": on},
    )
    return copy


# --- Ideas ----------------------------------------------------------------------------------


def unit_heads(unit: Unit) -> list:
    """People holding the head post of the unit today, or of the nearest unit above it."""
    chain = [unit.pk, *reversed(unit.ancestor_ids)]
    rows = list(
        Assignment.objects.current()
        .filter(position__unit_id__in=chain, position__level=PositionLevel.HEAD)
        .select_related("person", "position")
    )
    for unit_id in chain:
        people = [a.person for a in rows if a.position.unit_id == unit_id and a.person.is_active]
        if people:
            return people
    return []


@transaction.atomic
def propose_idea(
    *,
    unit: Unit,
    proposer,
    title: str,
    problem: str,
    proposal: str,
    expected_benefit: str = "",
    affair: str = "",
) -> Idea:
    """Any civil servant proposes an idea to a unit; its head is told to review it."""
    idea = Idea(
        regency_id=unit.regency_id,
        unit=unit,
        proposer=proposer,
        proposer_position=acting_position(proposer, unit),
        title=title.strip(),
        problem=problem.strip(),
        proposal=proposal.strip(),
        expected_benefit=expected_benefit.strip(),
        affair=affair,
    )
    idea.full_clean()
    idea.save()
    record(
        regency=unit.regency_id,
        kind="innovations.idea_proposed",
        subject=idea,
        actor=proposer,
        payload={"title": idea.title, "unit": unit.pk},
    )
    for head in unit_heads(unit):
        if head.pk != proposer.pk:
            notify(person=head, kind=NoticeKind.IDEA_SUBMITTED, idea=idea, email=True)
    return idea


def _open_idea(idea: Idea) -> Idea:
    idea = Idea.objects.select_for_update().get(pk=idea.pk)
    if idea.status != IdeaStatus.SUBMITTED:
        raise ValidationError(_("This idea has already been reviewed."))
    return idea


@transaction.atomic
def promote_idea(
    *, idea: Idea, actor, owner_unit: Unit | None = None, title: str | None = None
) -> Innovation:
    """The head makes the idea an innovation of the unit at stage inisiatif; the proposer is
    credited as initiator and told (email in their language and a notice)."""
    idea = _open_idea(idea)
    owner = owner_unit or idea.unit
    innovation = register_innovation(
        owner_unit=owner,
        actor=actor,
        data={
            "title": (title or idea.title).strip(),
            "problem": idea.problem,
            "design": idea.proposal,
            "benefits": idea.expected_benefit,
            "initiator_kind": InitiatorKind.ASN,
            "initiator_name": idea.proposer.full_name,
            "affair": idea.affair or _default_affair(owner),
        },
        stage=Stage.INISIATIF,
        initiated_on=timezone.localdate(),
    )
    idea.status = IdeaStatus.PROMOTED
    idea.innovation = innovation
    idea.reviewed_by = actor
    idea.reviewed_at = timezone.now()
    idea.save(update_fields=["status", "innovation", "reviewed_by", "reviewed_at"])
    record(
        regency=idea.regency_id,
        kind="innovations.idea_promoted",
        subject=idea,
        actor=actor,
        payload={"innovation": innovation.pk, "proposer": idea.proposer_id},
    )
    notify(
        person=idea.proposer,
        kind=NoticeKind.IDEA_PROMOTED,
        idea=idea,
        innovation=innovation,
        email=True,
    )
    return innovation


def _default_affair(unit: Unit) -> str:
    from superteam.innovations.models import Affair
    from superteam.org.models import UnitKind

    return {
        UnitKind.PUSKESMAS: Affair.KESEHATAN,
        UnitKind.PUSTU: Affair.KESEHATAN,
        UnitKind.RSUD: Affair.KESEHATAN,
        UnitKind.DESA: Affair.DESA,
        UnitKind.KELURAHAN: Affair.DESA,
        UnitKind.KECAMATAN: Affair.DESA,
    }.get(unit.kind, Affair.PENUNJANG)


@transaction.atomic
def decline_idea(*, idea: Idea, actor, reason: str) -> Idea:
    """The head declines the idea with a reason the proposer reads (email and notice)."""
    idea = _open_idea(idea)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the proposer a reason.")})
    idea.status = IdeaStatus.DECLINED
    idea.decline_reason = reason.strip()
    idea.reviewed_by = actor
    idea.reviewed_at = timezone.now()
    idea.save(update_fields=["status", "decline_reason", "reviewed_by", "reviewed_at"])
    record(
        regency=idea.regency_id,
        kind="innovations.idea_declined",
        subject=idea,
        actor=actor,
        payload={"reason": idea.decline_reason, "proposer": idea.proposer_id},
    )
    notify(person=idea.proposer, kind=NoticeKind.IDEA_DECLINED, idea=idea, email=True)
    return idea


# --- Evidence -------------------------------------------------------------------------------


def submit_evidence(
    *,
    unit: Unit,
    actor,
    indicator_code: str,
    level: int,
    innovation: Innovation | None = None,
    file=None,
    link: str = "",
    note: str = "",
) -> Evidence:
    """Claim a level of a catalogue indicator with a file (content-checked, stored privately)
    or a link; it waits for a verifier. Nothing is kept if anything is wrong."""
    model = scoring.current_model(regency=unit.regency)
    indicator = model.indicators.filter(code=indicator_code).first()
    if indicator is None:
        raise ValidationError(
            {"indicator_code": _("This indicator is not in the scoring model in use.")}
        )
    if innovation is not None:
        if indicator.side != Side.INNOVATION:
            raise ValidationError(
                {"indicator_code": _("This indicator is about the unit, not an innovation.")}
            )
        unit = innovation.owner_unit
    else:
        if indicator.side != Side.INSTITUTION:
            raise ValidationError(
                {"indicator_code": _("This indicator is about an innovation; file it there.")}
            )
        if family_of(unit) is None:
            raise ValidationError(
                _("Institution evidence is filed by a unit that competes on a leaderboard.")
            )
    if not 1 <= int(level) <= indicator.max_level:
        raise ValidationError(
            {"level": _("Choose a level from 1 to %(max)s.") % {"max": indicator.max_level}}
        )
    if not file and not link:
        raise ValidationError(_("Attach a file or give a link as evidence."))
    evidence = Evidence(
        regency_id=unit.regency_id,
        unit=unit,
        innovation=innovation,
        indicator_code=indicator.code,
        level=int(level),
        link=link,
        note=note.strip(),
        submitted_by=actor,
    )
    if file:
        checked = check_evidence_file(file)
        evidence.file_name = (getattr(file, "name", "") or "")[-200:]
        evidence.file_type = checked.content_type
        evidence.file_size = checked.size
        evidence.file.save(f"evidence{checked.extension}", file, save=False)
    try:
        with transaction.atomic():
            evidence.full_clean(exclude=["file"])
            evidence.save()
            record(
                regency=unit.regency_id,
                kind="innovations.evidence_submitted",
                subject=evidence,
                actor=actor,
                payload={
                    "indicator": evidence.indicator_code,
                    "level": evidence.level,
                    "innovation": innovation.pk if innovation else None,
                    "unit": unit.pk,
                    "file_size": evidence.file_size,
                    "link": bool(link),
                },
            )
            scoring.refresh_for_evidence(evidence=evidence)
    except Exception:
        if evidence.file:
            evidence.file.delete(save=False)
        raise
    return evidence


@transaction.atomic
def verify_evidence(
    *, evidence: Evidence, actor, accept: bool, level: int | None = None, note: str = ""
) -> Evidence:
    """A verifier accepts evidence (at the claimed level or lower) or rejects it with a
    reason; accepted evidence can later be rejected when a check finds it does not hold.
    The innovation's and unit's scores follow in the same transaction."""
    evidence = (
        Evidence.objects.select_for_update(of=("self",))
        .select_related("innovation", "unit")
        .get(pk=evidence.pk)
    )
    allowed = {EvidenceStatus.PENDING} | ({EvidenceStatus.ACCEPTED} if not accept else set())
    if evidence.status not in allowed:
        raise ValidationError(_("This evidence has already been decided."))
    if evidence.submitted_by_id == getattr(actor, "pk", None):
        raise ValidationError(_("Nobody verifies their own evidence."))
    note = note.strip()
    previous = evidence.status
    if accept:
        level = evidence.level if level in (None, "") else int(level)
        if not 1 <= level <= evidence.level:
            raise ValidationError(
                {
                    "level": _("Accept at the claimed level or lower (1–%(max)s).")
                    % {"max": evidence.level}
                }
            )
        evidence.status = EvidenceStatus.ACCEPTED
        evidence.accepted_level = level
    else:
        if not note:
            raise ValidationError({"note": _("Give the reason for rejecting.")})
        evidence.status = EvidenceStatus.REJECTED
        evidence.accepted_level = None
    evidence.verified_by = actor
    evidence.verified_at = timezone.now()
    evidence.verifier_note = note
    evidence.save(
        update_fields=["status", "accepted_level", "verified_by", "verified_at", "verifier_note"]
    )
    record(
        regency=evidence.regency_id,
        kind="innovations.evidence_verified",
        subject=evidence,
        actor=actor,
        payload={
            "accepted": accept,
            "was": previous,
            "indicator": evidence.indicator_code,
            "level": evidence.accepted_level,
            "innovation": evidence.innovation_id,
            "unit": evidence.unit_id,
            "note": note,
        },
    )
    scoring.refresh_for_evidence(evidence=evidence)
    notify(
        person=evidence.submitted_by,
        kind=NoticeKind.EVIDENCE_ACCEPTED if accept else NoticeKind.EVIDENCE_REJECTED,
        evidence=evidence,
        innovation=evidence.innovation,
    )
    return evidence


@transaction.atomic
def withdraw_evidence(*, evidence: Evidence, actor) -> Evidence:
    """Take back evidence that no verifier has decided yet."""
    evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
    if evidence.status != EvidenceStatus.PENDING:
        raise ValidationError(_("Only evidence waiting for verification can be withdrawn."))
    evidence.status = EvidenceStatus.WITHDRAWN
    evidence.save(update_fields=["status"])
    record(
        regency=evidence.regency_id,
        kind="innovations.evidence_withdrawn",
        subject=evidence,
        actor=actor,
        payload={"indicator": evidence.indicator_code},
    )
    scoring.refresh_for_evidence(evidence=evidence)
    return evidence


@transaction.atomic
def mark_notices_read(*, person) -> int:
    return person.innovation_notices.filter(read_at__isnull=True).update(read_at=timezone.now())


# --- Reading ----------------------------------------------------------------------------------


def innovations_started_between(*, regency, start: datetime.date, end: datetime.date):
    """Innovations whose initiative started in [start, end] (for digests and news)."""
    return (
        Innovation.objects.filter(
            regency=regency, initiated_on__gte=start, initiated_on__lte=end, is_active=True
        )
        .select_related("owner_unit")
        .order_by("initiated_on", "pk")
    )


@dataclass(frozen=True)
class ShowcaseItem:
    """What the public may see of an innovation."""

    id: int
    title: str
    unit_name: str
    unit_kind: str
    stage: str
    stage_label: str
    form_label: str
    affair_label: str
    is_digital: bool
    summary: str
    benefits: str
    beneficiary_count: int | None
    implemented_on: datetime.date | None
    replicated_from_unit: str | None
    replica_count: int
    video_url: str


def showcase(*, regency, limit: int | None = None) -> list[ShowcaseItem]:
    """Public innovations: rolled out, or adopted from another unit; public fields only."""
    qs = (
        Innovation.objects.public()
        .filter(regency=regency)
        .select_related("owner_unit", "replicated_from__owner_unit")
        .annotate(replica_total=Count("replicas", filter=Q(replicas__is_active=True)))
        .order_by("-implemented_on", "title")
    )
    if limit:
        qs = qs[:limit]
    return [
        ShowcaseItem(
            id=i.pk,
            title=i.title,
            unit_name=i.owner_unit.name,
            unit_kind=i.owner_unit.kind,
            stage=i.stage,
            stage_label=str(i.get_stage_display()),
            form_label=str(i.get_form_display()),
            affair_label=str(i.get_affair_display()),
            is_digital=i.is_digital,
            summary=i.goals or i.problem,
            benefits=i.benefits,
            beneficiary_count=i.beneficiary_count,
            implemented_on=i.implemented_on,
            replicated_from_unit=(
                i.replicated_from.owner_unit.name if i.replicated_from_id else None
            ),
            replica_count=i.replica_total,
            video_url=i.video_url,
        )
        for i in qs
    ]


def stewardship(*, innovation: Innovation) -> list[dict]:
    """Who held the posts that ran the innovation since it started: the responsible
    position and the owner unit's head, from the organisation's assignments (one query)."""
    positions = list(Position.objects.filter(unit=innovation.owner_unit, level=PositionLevel.HEAD))
    if innovation.responsible_position_id:
        positions.append(innovation.responsible_position)
    ids = {p.pk for p in positions}
    rows = (
        Assignment.objects.filter(position_id__in=ids)
        .filter(Q(end__isnull=True) | Q(end__gte=innovation.initiated_on))
        .select_related("person", "position")
        .order_by("position__title", "start")
    )
    today = timezone.localdate()
    return [
        {
            "position": a.position,
            "person": a.person,
            "start": a.start,
            "end": a.end,
            "acting": a.kind == "plt",
            "current": a.is_current(today),
            "responsible": a.position_id == innovation.responsible_position_id,
        }
        for a in rows
    ]
