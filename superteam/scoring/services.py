"""Scoring services: the model versions, the incremental rollups, publishing snapshots,
and what other apps read (``public_leaderboard``, ``unit_score``).

Rollups are maintained incrementally: when evidence is verified or an innovation changes
stage, only that innovation and its unit are recomputed (a handful of rows). A full
recompute from the evidence table runs only when a new model version is put in use, from a
background task or a command. Pages and the weekly snapshot read the rollups.
"""

from __future__ import annotations

import datetime
import hashlib
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import rfc8785
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from superteam.core.progress import Progress
from superteam.innovations.models import (
    BASIC_SERVICE_AFFAIRS,
    Evidence,
    EvidenceStatus,
    Innovation,
)
from superteam.ledger.services import record
from superteam.org.models import Regency, Unit
from superteam.scoring import formula
from superteam.scoring.families import competing_units, family_of
from superteam.scoring.models import (
    Category,
    Indicator,
    InnovationScore,
    ModelStatus,
    ScoringModel,
    Snapshot,
    SnapshotKind,
    SnapshotRow,
    UnitScore,
)
from superteam.scoring.variants import DEFAULT_VARIANT, VARIANTS, VariantSpec

# Above this many innovations a full recompute runs in the background, not in the request.
INLINE_RECOMPUTE_LIMIT = getattr(settings, "SCORING_INLINE_RECOMPUTE_LIMIT", 3000)


# --- Models (versions of the catalogue and formula) ------------------------------------


def _next_version(regency_id: int, code: str) -> int:
    last = (
        ScoringModel.objects.filter(regency_id=regency_id, code=code)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    return (last or 0) + 1


@transaction.atomic
def load_variant(
    *, regency: Regency, variant: str = DEFAULT_VARIANT, actor=None, activate: bool = False
) -> ScoringModel:
    """Create a new version of a shipped model (``iid-2023`` or ``iid-2026``) as a draft,
    or put it in use straight away."""
    try:
        spec: VariantSpec = VARIANTS[variant]
    except KeyError:
        raise ValidationError(
            _("Unknown model %(code)s; choose one of %(codes)s.")
            % {"code": variant, "codes": ", ".join(sorted(VARIANTS))}
        ) from None
    model = ScoringModel.objects.create(
        regency=regency,
        code=spec.code,
        name=spec.name,
        version=_next_version(regency.pk, spec.code),
        description=spec.description,
        divisor_min=spec.divisor_min,
        institution_share=Decimal(spec.institution_share),
        innovation_share=Decimal(spec.innovation_share),
        quantity_bands=[list(b) for b in spec.quantity_bands],
        quantity_min_basic_affairs=spec.quantity_min_basic_affairs,
        created_by=actor,
    )
    Indicator.objects.bulk_create(
        [
            Indicator(
                model=model,
                code=s.code,
                side=s.side,
                order=i,
                name_id=s.name_id,
                name_en=s.name_en,
                evidence_id=s.evidence_id,
                evidence_en=s.evidence_en,
                weight=Decimal(s.weight),
                mandatory=s.mandatory,
                level_1_id=s.levels_id[0],
                level_1_en=s.levels_en[0],
                level_2_id=s.levels_id[1] if len(s.levels_id) > 1 else "",
                level_2_en=s.levels_en[1] if len(s.levels_en) > 1 else "",
                level_3_id=s.levels_id[2] if len(s.levels_id) > 2 else "",
                level_3_en=s.levels_en[2] if len(s.levels_en) > 2 else "",
            )
            for i, s in enumerate(spec.indicators)
        ]
    )
    record(
        regency=regency,
        kind="scoring.model_loaded",
        subject=model,
        actor=actor,
        payload={"code": model.code, "version": model.version},
    )
    if activate:
        activate_model(model=model, actor=actor, recompute=False)
    return model


def active_model(*, regency: Regency) -> ScoringModel | None:
    """The model version in use in the regency (None before one was set up)."""
    return ScoringModel.objects.filter(regency=regency, status=ModelStatus.ACTIVE).first()


def current_model(*, regency: Regency) -> ScoringModel:
    """The model in use; the 2023 default is set up the first time one is needed."""
    model = active_model(regency=regency)
    if model is not None:
        return model
    try:
        with transaction.atomic():
            return load_variant(regency=regency, variant=DEFAULT_VARIANT, activate=True)
    except IntegrityError:  # another request set it up at the same moment
        return ScoringModel.objects.get(regency=regency, status=ModelStatus.ACTIVE)


@transaction.atomic
def copy_model(*, model: ScoringModel, actor) -> ScoringModel:
    """A new draft version with the same parameters and catalogue, ready to edit."""
    indicators = list(model.indicators.all())
    source_pk = model.pk
    copy = ScoringModel.objects.get(pk=source_pk)
    copy.pk = None
    copy.version = _next_version(model.regency_id, model.code)
    copy.status = ModelStatus.DRAFT
    copy.based_on_id = source_pk
    copy.created_by = actor
    copy.activated_at = None
    copy.save()
    for ind in indicators:
        ind.pk = None
        ind.model = copy
    Indicator.objects.bulk_create(indicators)
    record(
        regency=model.regency_id,
        kind="scoring.model_copied",
        subject=copy,
        actor=actor,
        payload={"from": source_pk, "code": copy.code, "version": copy.version},
    )
    return copy


def _ensure_draft(model: ScoringModel) -> None:
    if not model.is_editable:
        raise ValidationError(
            _("This version is in use or retired and cannot change; copy it to a new draft.")
        )


@transaction.atomic
def update_draft(
    *, model: ScoringModel, actor, fields: dict, indicators: list[dict] | None = None
) -> None:
    """Save a draft's parameters and, when given, its whole catalogue (indicator dicts carry
    ``id`` for existing rows, ``DELETE`` to drop one; rows not listed are dropped)."""
    model = ScoringModel.objects.select_for_update().get(pk=model.pk)
    _ensure_draft(model)
    for name, value in fields.items():
        setattr(model, name, value)
    model.full_clean()
    model.save()
    if indicators is not None:
        wanted = [d.get("code") for d in indicators if not d.get("DELETE")]
        if len(wanted) != len(set(wanted)):
            raise ValidationError(_("Two indicators have the same code."))
        existing = {i.pk: i for i in model.indicators.all()}
        # Codes may be swapped between rows: park them first so no save collides.
        for ind in existing.values():
            Indicator.objects.filter(pk=ind.pk).update(code=f"~{ind.pk}")
        keep = set()
        for data in indicators:
            data = dict(data)
            pk = data.pop("id", None)
            delete = data.pop("DELETE", False)
            ind = existing.get(pk) if pk else Indicator(model=model)
            if ind is None or delete:
                continue
            for name, value in data.items():
                setattr(ind, name, value)
            ind.full_clean(exclude=["model"], validate_unique=False, validate_constraints=False)
            ind.save()
            keep.add(ind.pk)
        model.indicators.exclude(pk__in=keep).delete()
    codes = list(model.indicators.values_list("code", flat=True))
    if len(codes) != len(set(codes)):
        raise ValidationError(_("Two indicators have the same code."))
    record(
        regency=model.regency_id,
        kind="scoring.model_edited",
        subject=model,
        actor=actor,
        payload={"version": model.version, "indicators": len(codes)},
    )


@transaction.atomic
def delete_draft(*, model: ScoringModel, actor) -> None:
    """Throw away a draft that was never used."""
    _ensure_draft(model)
    record(
        regency=model.regency_id,
        kind="scoring.model_deleted",
        subject=model,
        actor=actor,
        payload={"code": model.code, "version": model.version},
    )
    model.delete()


def activate_model(*, model: ScoringModel, actor, recompute: bool = True) -> ScoringModel:
    """Put a draft in use: the previous version retires, published scores stay as they were,
    and the live scores are recomputed with the new version."""
    with transaction.atomic():
        model = ScoringModel.objects.select_for_update().get(pk=model.pk)
        _ensure_draft(model)
        if not model.indicators.exists():
            raise ValidationError(_("A model without indicators cannot be used."))
        model.full_clean()
        previous = list(
            ScoringModel.objects.select_for_update().filter(
                regency_id=model.regency_id, status=ModelStatus.ACTIVE
            )
        )
        for old in previous:
            old.status = ModelStatus.RETIRED
            old.save(update_fields=["status"])
        model.status = ModelStatus.ACTIVE
        model.activated_at = timezone.now()
        model.save(update_fields=["status", "activated_at"])
        record(
            regency=model.regency_id,
            kind="scoring.model_activated",
            subject=model,
            actor=actor,
            payload={
                "code": model.code,
                "version": model.version,
                "retired": [m.pk for m in previous],
            },
        )
    if recompute:
        size = Innovation.objects.filter(regency_id=model.regency_id).count()
        if size <= INLINE_RECOMPUTE_LIMIT:
            recompute_regency(regency=model.regency, model=model)
        else:
            from superteam.scoring.tasks import recompute_regency_task

            transaction.on_commit(
                lambda: recompute_regency_task.enqueue(model.regency_id, model.pk)
            )
    return model


# --- From the model to the formula --------------------------------------------------------


def params_of(model: ScoringModel) -> formula.Params:
    return formula.Params(
        divisor_min=model.divisor_min,
        institution_share=model.institution_share,
        innovation_share=model.innovation_share,
        band_very_innovative=model.band_very_innovative,
        band_innovative=model.band_innovative,
        quantity_bands=[tuple(b) for b in model.quantity_bands or []],
        quantity_min_basic_affairs=model.quantity_min_basic_affairs,
        weight_compliance=model.weight_compliance,
        weight_achievement=model.weight_achievement,
        weight_decision_speed=model.weight_decision_speed,
        decision_days_best=model.decision_days_best,
        decision_days_worst=model.decision_days_worst,
    )


def indicator_defs(model: ScoringModel) -> list[formula.IndicatorDef]:
    cached = getattr(model, "_defs", None)
    if cached is None:
        cached = [
            formula.IndicatorDef(
                code=i.code,
                side=i.side,
                weight=i.weight,
                max_level=i.max_level,
                mandatory=i.mandatory,
            )
            for i in model.indicators.all()
        ]
        model._defs = cached
    return cached


def catalogue(model: ScoringModel, side: str | None = None) -> list[Indicator]:
    qs = model.indicators.all()
    if side:
        qs = qs.filter(side=side)
    return list(qs.order_by("order", "code"))


def _best_claims(rows: Iterable[tuple]) -> dict:
    """(key, code, level, accepted_level, evidence id) rows → {key: {code: Claim}}: the
    best accepted level per indicator; among equals the latest evidence."""
    best: dict = defaultdict(dict)
    for key, code, level, accepted_level, pk in rows:
        value = accepted_level or level
        current = best[key].get(code)
        if current is None or (value, pk) > (current.level, current.evidence_id or 0):
            best[key][code] = formula.Claim(level=value, evidence_id=pk)
    return best


def _innovation_payload(
    innovation: Innovation, result: formula.InnovationResult, counted: bool | None = None
) -> dict:
    return {
        "quality": result.quality,
        "maximum": result.maximum,
        "counted": innovation.is_counted if counted is None else counted,
        "zeroed": result.zeroed,
        "missing_mandatory": result.missing_mandatory,
        "affair": innovation.affair,
        # Only the indicators with an accepted level, as [code, level, evidence id]: the
        # rest (weights, zero lines) follows from the model version, which never changes.
        "lines": [
            [line["code"], line["level"], line["evidence"]]
            for line in result.lines
            if line["level"]
        ],
    }


def _same(score: InnovationScore, unit_id: int, payload: dict) -> bool:
    return (
        score.unit_id == unit_id
        and score.quality == payload["quality"]
        and score.maximum == payload["maximum"]
        and score.counted == payload["counted"]
        and score.zeroed == payload["zeroed"]
        and score.affair == payload["affair"]
        and score.lines == payload["lines"]
    )


# --- Incremental rollups -----------------------------------------------------------------


@transaction.atomic
def recompute_innovation(
    *, innovation: Innovation, model: ScoringModel | None = None
) -> InnovationScore | None:
    """A new score revision for one innovation when its score changed (reads only its own
    accepted evidence); the previous revision stays for the snapshots that point at it."""
    model = model or current_model(regency=innovation.regency)
    current = (
        InnovationScore.objects.select_for_update()
        .filter(innovation=innovation, model=model, is_current=True)
        .first()
    )
    if innovation.scoring_unit_id is None:
        if current is not None:
            current.is_current = False
            current.save(update_fields=["is_current"])
        return None
    rows = Evidence.objects.filter(
        innovation=innovation, status=EvidenceStatus.ACCEPTED
    ).values_list("innovation_id", "indicator_code", "level", "accepted_level", "pk")
    claims = _best_claims(rows).get(innovation.pk, {})
    result = formula.score_innovation(indicator_defs(model), claims)
    payload = _innovation_payload(innovation, result)
    if current is not None and _same(current, innovation.scoring_unit_id, payload):
        return current
    if current is not None:
        current.is_current = False
        current.save(update_fields=["is_current"])
    return InnovationScore.objects.create(
        regency_id=innovation.regency_id,
        innovation=innovation,
        model=model,
        unit_id=innovation.scoring_unit_id,
        **payload,
    )


def _ref(score: InnovationScore, title: str) -> dict:
    """How a unit's score points at one innovation's score revision."""
    return {
        "score": score.pk,
        "innovation": score.innovation_id,
        "title": title,
        "quality": str(score.quality),
        "counted": score.counted,
        "zeroed": score.zeroed,
        "affair": score.affair,
        "accepted": len(score.lines),
    }


def _unit_inputs(unit: Unit, model: ScoringModel) -> tuple[list[dict], dict, int, int]:
    """The unit's current innovation scores, institution claims, accepted and pending counts."""
    scores = list(
        InnovationScore.objects.filter(unit=unit, model=model, is_current=True)
        .select_related("innovation")
        .only(
            "pk",
            "innovation_id",
            "innovation__title",
            "innovation__is_active",
            "quality",
            "counted",
            "zeroed",
            "affair",
            "lines",
        )
    )
    inst_rows = Evidence.objects.filter(
        unit=unit, innovation__isnull=True, status=EvidenceStatus.ACCEPTED
    ).values_list("unit_id", "indicator_code", "level", "accepted_level", "pk")
    claims = _best_claims(inst_rows).get(unit.pk, {})
    refs = [_ref(s, s.innovation.title) for s in scores]
    accepted = sum(r["accepted"] for r in refs) + sum(1 for c in claims.values() if c.level)
    pending = Evidence.objects.filter(status=EvidenceStatus.PENDING).filter(
        Q(unit=unit, innovation__isnull=True) | Q(innovation__scoring_unit=unit)
    )
    return refs, claims, accepted, pending.count()


def _unit_result(model, refs, claims, accepted, signals) -> formula.UnitResult:
    innovations = [
        formula.CountedInnovation(
            quality=Decimal(r["quality"]),
            counted=r["counted"],
            basic_affair=r["affair"] if r["affair"] in BASIC_SERVICE_AFFAIRS else None,
        )
        for r in refs
    ]
    return formula.score_unit(
        params_of(model),
        indicator_defs(model),
        claims,
        innovations,
        has_verified=accepted > 0,
        signals=_signal_inputs(signals),
    )


def _signal_inputs(signals: dict) -> dict:
    out = {}
    for key in ("compliance", "achievement", "decision_days"):
        value = (signals or {}).get(key)
        out[key] = Decimal(str(value)) if value is not None else None
    return out


def _apply(score: UnitScore, result: formula.UnitResult, refs, accepted, pending) -> None:
    score.institution = result.institution
    score.institution_max = result.institution_max
    score.quality_sum = result.quality_sum
    score.quality_max = result.quality_max
    score.counted_innovations = result.counted
    score.divisor = result.divisor
    score.innovation_quality = result.innovation_quality
    score.quantity_count = result.quantity_count
    score.basic_affairs = result.basic_affairs
    score.quantity = result.quantity
    score.quantity_max = result.quantity_max
    score.score = result.score
    score.category = result.category
    score.final = result.final
    score.accepted_evidence = accepted
    score.pending_evidence = pending
    score.lines = result.institution_lines
    score.innovations = sorted(refs, key=lambda r: (-Decimal(r["quality"]), r["title"]))


@transaction.atomic
def recompute_unit(*, unit: Unit, model: ScoringModel | None = None) -> UnitScore | None:
    """Recompute one unit's live index from its innovations' current scores and its
    institution evidence (a few dozen rows)."""
    family = family_of(unit)
    if family is None:
        return None
    model = model or current_model(regency=unit.regency)
    score, _created = UnitScore.objects.get_or_create(
        unit=unit, model=model, defaults={"regency_id": unit.regency_id, "family": family}
    )
    score = UnitScore.objects.select_for_update().get(pk=score.pk)
    refs, claims, accepted, pending = _unit_inputs(unit, model)
    result = _unit_result(model, refs, claims, accepted, score.signals)
    score.family = family
    _apply(score, result, refs, accepted, pending)
    score.save()
    return score


def refresh_for_innovation(*, innovation: Innovation, previous_unit_id: int | None = None) -> None:
    """After an innovation changed (stage, owner, affair, evidence): its score and its unit's."""
    model = current_model(regency=innovation.regency)
    recompute_innovation(innovation=innovation, model=model)
    unit_ids = {innovation.scoring_unit_id, previous_unit_id} - {None}
    for unit in Unit.objects.filter(pk__in=unit_ids):
        recompute_unit(unit=unit, model=model)


def refresh_for_evidence(*, evidence: Evidence) -> None:
    """After evidence was accepted, rejected or withdrawn."""
    if evidence.innovation_id:
        refresh_for_innovation(innovation=evidence.innovation)
    else:
        recompute_unit(unit=evidence.unit)


def ensure_unit_scores(*, regency: Regency, model: ScoringModel) -> int:
    """Every competing unit has a live score row (a unit with nothing yet is a disclaimer)."""
    have = UnitScore.objects.filter(model=model).values("unit_id")
    missing = list(competing_units(regency).exclude(pk__in=have))
    UnitScore.objects.bulk_create(
        [
            UnitScore(
                regency_id=regency.pk,
                unit=u,
                model=model,
                family=family_of(u),
                category=Category.DISCLAIMER,
            )
            for u in missing
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    return len(missing)


def recompute_regency(
    *,
    regency: Regency,
    model: ScoringModel | None = None,
    stdout=None,
    chunk: int = 500,
    as_of: datetime.datetime | None = None,
) -> int:
    """Rebuild every rollup of a regency from the evidence table (model change, repair).

    Runs unit by unit in chunks, each chunk in its own transaction, so a national-size
    regency never holds everything in memory or one long lock. With ``as_of`` the scores
    are rebuilt as they stood then (evidence verified by then, innovations rolled out by
    then): used to replay history after an import, and by the demo. Returns units computed.
    """
    model = model or current_model(regency=regency)
    defs = indicator_defs(model)
    params = params_of(model)
    unit_ids = list(competing_units(regency).order_by("pk").values_list("pk", flat=True))
    # Innovations point at the unit they count for; refresh that after tree changes.
    _refresh_scoring_units(regency)
    done = 0
    with Progress(len(unit_ids), "Scores", stdout or io.StringIO()) as bar:
        for start in range(0, len(unit_ids), chunk):
            ids = unit_ids[start : start + chunk]
            with transaction.atomic():
                _recompute_chunk(regency, model, defs, params, ids, as_of=as_of)
            done += len(ids)
            bar.advance(len(ids))
    return done


UNIT_SCORE_FIELDS = [
    "family",
    "institution",
    "institution_max",
    "quality_sum",
    "quality_max",
    "counted_innovations",
    "divisor",
    "innovation_quality",
    "quantity_count",
    "basic_affairs",
    "quantity",
    "quantity_max",
    "score",
    "category",
    "final",
    "accepted_evidence",
    "pending_evidence",
    "lines",
    "innovations",
    "computed_at",
]


def _refresh_scoring_units(regency: Regency) -> None:
    """Point every innovation at the unit it counts for, from the tree held in memory."""
    from superteam.scoring.families import family_of as family

    units = {
        u.pk: u for u in Unit.objects.filter(regency=regency).only("pk", "kind", "depth", "path")
    }

    def target(unit_id: int) -> int | None:
        unit = units.get(unit_id)
        if unit is None:
            return None
        for pk in [unit.pk, *reversed(unit.ancestor_ids)]:
            candidate = units.get(pk)
            if candidate is not None and family(candidate) is not None:
                return pk
        return None

    memo: dict[int, int | None] = {}
    stale = []
    for inn in Innovation.objects.filter(regency=regency).only(
        "pk", "scoring_unit_id", "owner_unit_id"
    ):
        if inn.owner_unit_id not in memo:
            memo[inn.owner_unit_id] = target(inn.owner_unit_id)
        if inn.scoring_unit_id != memo[inn.owner_unit_id]:
            inn.scoring_unit_id = memo[inn.owner_unit_id]
            stale.append(inn)
    Innovation.objects.bulk_update(stale, ["scoring_unit"], batch_size=1000)


def _recompute_chunk(regency, model, defs, params, unit_ids: list[int], as_of=None) -> None:
    innovations = list(
        Innovation.objects.filter(scoring_unit_id__in=unit_ids).only(
            "pk",
            "title",
            "scoring_unit_id",
            "stage",
            "is_active",
            "affair",
            "regency_id",
            "implemented_on",
        )
    )
    inn_ids = [i.pk for i in innovations]
    accepted = Q(status=EvidenceStatus.ACCEPTED)
    if as_of is not None:
        accepted &= Q(verified_at__lte=as_of)
    claims = _best_claims(
        Evidence.objects.filter(accepted, innovation_id__in=inn_ids)
        .values_list("innovation_id", "indicator_code", "level", "accepted_level", "pk")
        .iterator(chunk_size=5000)
    )
    current = {
        s.innovation_id: s
        for s in InnovationScore.objects.filter(
            innovation_id__in=inn_ids, model=model, is_current=True
        )
    }
    new_scores, retire, refs_by_unit = [], [], defaultdict(list)
    day = timezone.localtime(as_of).date() if as_of is not None else None
    for inn in innovations:
        result = formula.score_innovation(defs, claims.get(inn.pk, {}))
        counted = inn.is_counted and (
            day is None or (inn.implemented_on is not None and inn.implemented_on <= day)
        )
        payload = _innovation_payload(inn, result, counted)
        old = current.get(inn.pk)
        if old is not None and _same(old, inn.scoring_unit_id, payload):
            score = old
        else:
            if old is not None:
                retire.append(old.pk)
            score = InnovationScore(
                regency_id=regency.pk,
                innovation_id=inn.pk,
                model=model,
                unit_id=inn.scoring_unit_id,
                **payload,
            )
            new_scores.append(score)
        refs_by_unit[inn.scoring_unit_id].append((inn, score))
    InnovationScore.objects.filter(pk__in=retire).update(is_current=False)
    InnovationScore.objects.bulk_create(new_scores, batch_size=1000)
    inst_claims = _best_claims(
        Evidence.objects.filter(
            accepted, unit_id__in=unit_ids, innovation__isnull=True
        ).values_list("unit_id", "indicator_code", "level", "accepted_level", "pk")
    )
    pending = defaultdict(int)
    for unit_id in Evidence.objects.filter(
        unit_id__in=unit_ids, innovation__isnull=True, status=EvidenceStatus.PENDING
    ).values_list("unit_id", flat=True):
        pending[unit_id] += 1
    for unit_id in Evidence.objects.filter(
        innovation_id__in=inn_ids, status=EvidenceStatus.PENDING
    ).values_list("innovation__scoring_unit_id", flat=True):
        pending[unit_id] += 1
    units = {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids)}
    existing = {s.unit_id: s for s in UnitScore.objects.filter(model=model, unit_id__in=unit_ids)}
    # A unit scored for the first time under this model keeps the signals read under another.
    carried = {}
    if len(existing) < len(unit_ids):
        for unit_id, signals, signals_at in (
            UnitScore.objects.filter(unit_id__in=set(unit_ids) - set(existing))
            .exclude(signals={})
            .order_by("computed_at")
            .values_list("unit_id", "signals", "signals_at")
        ):
            carried[unit_id] = (signals, signals_at)
    to_create, to_update = [], []
    for unit_id in unit_ids:
        unit = units[unit_id]
        refs = [_ref(s, inn.title) for inn, s in refs_by_unit.get(unit_id, [])]
        unit_claims = inst_claims.get(unit_id, {})
        accepted = sum(r["accepted"] for r in refs) + sum(
            1 for c in unit_claims.values() if c.level
        )
        score = existing.get(unit_id)
        if score is None:
            signals, signals_at = carried.get(unit_id, ({}, None))
            score = UnitScore(
                regency_id=regency.pk,
                unit=unit,
                model=model,
                family=family_of(unit),
                signals=signals,
                signals_at=signals_at,
            )
        result = formula.score_unit(
            params,
            defs,
            unit_claims,
            [
                formula.CountedInnovation(
                    quality=Decimal(r["quality"]),
                    counted=r["counted"],
                    basic_affair=r["affair"] if r["affair"] in BASIC_SERVICE_AFFAIRS else None,
                )
                for r in refs
            ],
            has_verified=accepted > 0,
            signals=_signal_inputs(score.signals),
        )
        score.family = family_of(unit)
        _apply(score, result, refs, accepted, pending.get(unit_id, 0))
        score.computed_at = timezone.now()
        (to_update if score.pk else to_create).append(score)
    # Row by row: Django's bulk_update of twenty columns is far slower than plain UPDATEs,
    # and rows stay in place for a verification that recomputes one unit meanwhile.
    for score in to_update:
        score.save(update_fields=UNIT_SCORE_FIELDS)
    UnitScore.objects.bulk_create(to_create, batch_size=500)


# --- Local signals ---------------------------------------------------------------------------


def refresh_signals(*, regency: Regency, today: datetime.date | None = None, stdout=None) -> int:
    """Read the local signals of every competing unit from the other apps (daily) and
    re-blend the live index; returns the number of units updated."""
    from superteam.scoring import local_signals

    model = current_model(regency=regency)
    ensure_unit_scores(regency=regency, model=model)
    params = params_of(model)
    today = today or timezone.localdate()
    scores = list(UnitScore.objects.filter(model=model, regency=regency).select_related("unit"))
    now = timezone.now()
    values_by_unit = local_signals.read_many(units=[s.unit for s in scores], today=today)
    with Progress(len(scores), "Local signals", stdout or io.StringIO()) as bar:
        for score in scores:
            values = values_by_unit[score.unit_id]
            score.signals = values
            score.signals_at = now
            inputs = _signal_inputs(values)
            speed = formula.decision_speed_score(params, inputs.get("decision_days"))
            blended = formula.blend(
                params,
                score.score,
                {
                    "compliance": inputs.get("compliance"),
                    "achievement": inputs.get("achievement"),
                    "decision_speed": speed,
                },
            )
            score.final = blended if score.score > 0 else formula.ZERO
            bar.advance()
    with transaction.atomic():
        for score in scores:
            UnitScore.objects.filter(pk=score.pk).update(
                signals=score.signals, signals_at=score.signals_at, final=score.final
            )
    return len(scores)


# --- Publishing -------------------------------------------------------------------------------


def week_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _digest(rows: list[dict]) -> str:
    doc = [
        [r["unit_id"], r["family"], r["rank"], str(r["score"]), str(r["final"]), r["category"]]
        for r in sorted(rows, key=lambda r: r["unit_id"])
    ]
    return hashlib.sha256(rfc8785.dumps(doc)).hexdigest()


def publish_snapshot(
    *,
    regency: Regency,
    kind: str = SnapshotKind.MANUAL,
    actor=None,
    now: datetime.datetime | None = None,
    stdout=None,
) -> Snapshot:
    """Publish the live scores of every competing unit as they are now, with each unit's
    rank and movement since the previous week. A weekly snapshot is published once a week.

    The rows are copied inside the database (one INSERT … SELECT with a window function
    for the ranks), so publishing costs about as much as reading the rollups once, never a
    pass over the evidence, and the explanations never travel through Python."""
    now = now or timezone.now()
    week = week_of(timezone.localtime(now).date())
    model = current_model(regency=regency)
    if kind == SnapshotKind.WEEKLY:
        existing = Snapshot.objects.filter(regency=regency, week=week, kind=kind).first()
        if existing is not None:
            return existing
    ensure_unit_scores(regency=regency, model=model)
    out = stdout or io.StringIO()
    with transaction.atomic():
        previous = (
            Snapshot.objects.filter(regency=regency, week__lt=week)
            .order_by("-published_at", "-pk")
            .first()
        )
        snapshot = Snapshot.objects.create(
            regency=regency,
            model=model,
            kind=kind,
            week=week,
            published_at=now,
            published_by=actor,
            previous=previous,
        )
        out.write(f"Publishing the scores of {regency} for the week of {week}…\n")
        _copy_rows(snapshot=snapshot, model=model, previous=previous)
        rows = [
            {"unit_id": u, "family": f, "rank": r, "score": sc, "final": fi, "category": c}
            for u, f, r, sc, fi, c in SnapshotRow.objects.filter(snapshot=snapshot).values_list(
                "unit_id", "family", "rank", "score", "final", "category"
            )
        ]
        snapshot.row_count = len(rows)
        snapshot.digest = _digest(rows)
        snapshot.save(update_fields=["row_count", "digest"])
        out.write(f"Published {len(rows)} units.\n")
        record(
            regency=regency,
            kind="scoring.snapshot_published",
            subject=snapshot,
            actor=actor,
            payload={
                "week": week,
                "kind": kind,
                "model": model.pk,
                "version": model.version,
                "rows": len(rows),
                "digest": snapshot.digest,
            },
        )
    return snapshot


_DETAIL_KEYS = [
    "institution_max",
    "quality_sum",
    "quality_max",
    "divisor",
    "quantity_count",
    "basic_affairs",
    "quantity_max",
]


def _copy_rows(*, snapshot: Snapshot, model: ScoringModel, previous: Snapshot | None) -> None:
    """INSERT … SELECT of the live rollups into the snapshot: rank within the family by the
    ranking index (competition ranking: ties share a rank), previous rank and index from
    the previous snapshot, and the explanation (formula numbers, institution lines,
    references to the innovations' score revisions) as JSON built by the database.

    The previous rank and index are correlated lookups by (snapshot, unit), the unique
    index, one per row, never a join the planner may choose. As a LEFT JOIN, PostgreSQL
    planned from statistics taken before the rollups and the previous snapshot were
    written (1 row each side, and the newest snapshot is always past the statistics) and
    chose a nested loop re-reading the whole previous snapshot for every unit: quadratic,
    1.36 million rows filtered out for 1,649 units (0.33 of 0.44 s), 30 s at 8,273."""
    from django.db import connection

    q = connection.ops.quote_name
    row_table = q(SnapshotRow._meta.db_table)
    score_table = q(UnitScore._meta.db_table)
    unit_table = q(Unit._meta.db_table)
    cast = "::integer" if connection.vendor == "postgresql" else ""
    pairs = [f"'model', %s{cast}", f"'version', %s{cast}"]
    pairs += [f"'{key}', us.{q(key)}" for key in _DETAIL_KEYS]
    pairs.append(f"'accepted', us.{q('accepted_evidence')}")
    if connection.vendor == "postgresql":
        pairs += ["'lines', us.lines", "'innovations', us.innovations"]
        detail = f"jsonb_build_object({', '.join(pairs)})"
    else:
        pairs += ["'lines', json(us.lines)", "'innovations', json(us.innovations)"]
        detail = f"json_object({', '.join(pairs)})"
    columns = [
        "regency_id",
        "snapshot_id",
        "unit_id",
        "family",
        "rank",
        "previous_rank",
        "score",
        "previous_score",
        "final",
        "category",
        "institution",
        "innovation_quality",
        "quantity",
        "counted_innovations",
        "signals",
        "detail",
    ]

    def _previous(column: str) -> str:
        return (
            f"(SELECT prev.{q(column)} FROM {row_table} prev "  # noqa: S608 - names from our models
            f"WHERE prev.snapshot_id = %s AND prev.unit_id = us.unit_id)"
        )

    sql = (
        f"INSERT INTO {row_table} ({', '.join(q(c) for c in columns)}) "  # noqa: S608 - names from our models
        f"SELECT us.regency_id, %s, us.unit_id, us.family, "
        f"RANK() OVER (PARTITION BY us.family ORDER BY us.final DESC, us.score DESC), "
        f"{_previous('rank')}, us.score, {_previous('score')}, us.final, us.category, "
        f"us.institution, us.innovation_quality, us.quantity, us.counted_innovations, "
        f"us.signals, {detail} "
        f"FROM {score_table} us "
        f"JOIN {unit_table} u ON u.id = us.unit_id "
        f"WHERE us.model_id = %s AND us.regency_id = %s AND u.is_active"
    )
    previous_pk = previous.pk if previous is not None else -1
    params = [
        snapshot.pk,
        previous_pk,
        previous_pk,
        model.pk,
        model.version,
        model.pk,
        snapshot.regency_id,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def latest_snapshot(*, regency: Regency) -> Snapshot | None:
    return (
        Snapshot.objects.filter(regency=regency)
        .select_related("model")
        .order_by("-published_at", "-pk")
        .first()
    )


# --- What other apps and the public read -----------------------------------------------------


@dataclass(frozen=True)
class PublicRow:
    """One published line of a public leaderboard."""

    rank: int
    unit_id: int
    unit_name: str
    unit_kind: str
    score: Decimal
    final: Decimal
    category: str
    category_label: str
    previous_rank: int | None
    movement: int | None
    week: datetime.date
    published_at: datetime.datetime
    # The published model weighs local signals in: the rank follows ``final``, not ``score``.
    blended: bool = False


def public_leaderboard(
    *, regency: Regency, family: str, limit: int | None = None, offset: int = 0
) -> list[PublicRow]:
    """The latest published leaderboard of a family (published snapshots only)."""
    snapshot = latest_snapshot(regency=regency)
    if snapshot is None:
        return []
    rows = (
        SnapshotRow.objects.filter(snapshot=snapshot, family=family)
        .select_related("unit")
        .order_by("rank", "unit__name")
    )
    if limit is not None:
        # rank <= place: the same rows, read by the board index (see views.RankPaginator)
        rows = rows.filter(rank__lte=offset + limit)[offset : offset + limit]
    labels = dict(Category.choices)
    blended = snapshot.model.blend_total > 0
    return [
        PublicRow(
            rank=r.rank,
            unit_id=r.unit_id,
            unit_name=r.unit.name,
            unit_kind=r.unit.kind,
            score=r.score,
            final=r.final,
            category=r.category,
            category_label=str(labels[r.category]),
            previous_rank=r.previous_rank,
            movement=r.movement,
            week=snapshot.week,
            published_at=snapshot.published_at,
            blended=blended,
        )
        for r in rows
    ]


@dataclass(frozen=True)
class UnitScoreSummary:
    """A unit's latest published score (and the live one, not yet published)."""

    unit_id: int
    family: str | None
    published_score: Decimal | None
    published_final: Decimal | None
    published_category: str | None
    rank: int | None
    movement: int | None
    week: datetime.date | None
    live_score: Decimal | None
    live_final: Decimal | None
    live_category: str | None


def unit_score(*, unit: Unit) -> UnitScoreSummary:
    """What the index says about a unit: the published score first, the live one beside it."""
    snapshot = latest_snapshot(regency=unit.regency)
    row = (
        SnapshotRow.objects.filter(snapshot=snapshot, unit=unit).first()
        if snapshot is not None
        else None
    )
    model = active_model(regency=unit.regency)
    live = UnitScore.objects.filter(unit=unit, model=model).first() if model else None
    return UnitScoreSummary(
        unit_id=unit.pk,
        family=family_of(unit),
        published_score=row.score if row else None,
        published_final=row.final if row else None,
        published_category=row.category if row else None,
        rank=row.rank if row else None,
        movement=row.movement if row else None,
        week=snapshot.week if row else None,
        live_score=live.score if live else None,
        live_final=live.final if live else None,
        live_category=live.category if live else None,
    )


def score_history(*, unit: Unit, weeks: int = 26) -> list[tuple[datetime.date, Decimal, int]]:
    """A unit's published score over time: (week, index, rank), oldest first."""
    rows = list(
        SnapshotRow.objects.filter(unit=unit)
        .select_related("snapshot")
        .order_by("-snapshot__published_at", "-snapshot_id")
        .values_list("snapshot__week", "score", "rank")[: weeks * 3]
    )
    seen, out = set(), []
    for week, score, rank in rows:  # the latest snapshot of each week
        if week in seen:
            continue
        seen.add(week)
        out.append((week, score, rank))
    return list(reversed(out[:weeks]))
