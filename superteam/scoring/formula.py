"""The index formula on plain values (no database): what the rollups, the snapshots, the
tests and the explanation pages all rely on.

For a unit under a scoring model:

    SPD = Σ over institution indicators of level × weight
    q_j = Σ over innovation indicators of level × weight      (0 if a mandatory one is missing)
    SID = Σ q_j ÷ MAX(k, n) + quantity                        (n: innovations in penerapan)
    index = share_institution × SPD / SPD_max + share_innovation × SID / SID_max   (0–100)

where a level is the best level a verifier accepted (0 without accepted evidence) and the
quantity score comes from the number of counted innovations backed by verified evidence.
When the shares equal SPD_max / total and SID_max / total (as in both shipped variants),
this is exactly the national (SPD + SID) ÷ maximum × 100.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
HUNDRED = Decimal("100")
CENT = Decimal("0.01")

VERY_INNOVATIVE = "sangat_inovatif"
INNOVATIVE = "inovatif"
LESS_INNOVATIVE = "kurang_inovatif"
DISCLAIMER = "disclaimer"


def q2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class IndicatorDef:
    code: str
    side: str  # "institution" or "innovation"
    weight: Decimal
    max_level: int = 3
    mandatory: bool = False


@dataclass(frozen=True)
class Params:
    divisor_min: int = 10
    institution_share: Decimal = Decimal("25.20")
    innovation_share: Decimal = Decimal("74.80")
    band_very_innovative: Decimal = Decimal("60")
    band_innovative: Decimal = Decimal("35")
    quantity_bands: Sequence[Sequence] = ()
    quantity_min_basic_affairs: int = 0
    weight_compliance: Decimal = ZERO
    weight_achievement: Decimal = ZERO
    weight_decision_speed: Decimal = ZERO
    decision_days_best: int = 1
    decision_days_worst: int = 30


@dataclass(frozen=True)
class Claim:
    """The best accepted level of one indicator, and the evidence that gives it."""

    level: int
    evidence_id: int | None = None


@dataclass
class InnovationResult:
    quality: Decimal
    maximum: Decimal
    zeroed: bool
    missing_mandatory: list[str]
    lines: list[dict]


@dataclass
class CountedInnovation:
    """What the unit formula needs of one innovation."""

    quality: Decimal
    counted: bool
    basic_affair: str | None = None  # the basic-service affair, if it serves one


@dataclass
class UnitResult:
    institution: Decimal
    institution_max: Decimal
    institution_lines: list[dict]
    quality_sum: Decimal
    quality_max: Decimal
    counted: int
    divisor: int
    innovation_quality: Decimal
    quantity_count: int
    basic_affairs: int
    quantity: Decimal
    quantity_max: Decimal
    score: Decimal
    category: str
    has_verified: bool
    final: Decimal = ZERO
    signal_scores: dict = field(default_factory=dict)


def _lines(
    indicators: Iterable[IndicatorDef], claims: Mapping[str, Claim]
) -> tuple[Decimal, Decimal, list[dict]]:
    total, maximum, lines = ZERO, ZERO, []
    for ind in indicators:
        claim = claims.get(ind.code)
        level = min(claim.level, ind.max_level) if claim else 0
        score = ind.weight * level
        total += score
        maximum += ind.weight * ind.max_level
        lines.append(
            {
                "code": ind.code,
                "level": level,
                "max_level": ind.max_level,
                "weight": str(ind.weight),
                "score": str(score),
                "mandatory": ind.mandatory,
                "evidence": claim.evidence_id if claim and level else None,
            }
        )
    return total, maximum, lines


def score_innovation(
    indicators: Sequence[IndicatorDef], claims: Mapping[str, Claim]
) -> InnovationResult:
    """q_j: Σ level × weight over the innovation indicators; 0 if a mandatory one is missing."""
    inn = [i for i in indicators if i.side == "innovation"]
    total, maximum, lines = _lines(inn, claims)
    missing = [
        i.code
        for i in inn
        if i.mandatory and (claims.get(i.code) is None or not claims[i.code].level)
    ]
    if missing:
        total = ZERO
    return InnovationResult(
        quality=q2(total),
        maximum=q2(maximum),
        zeroed=bool(missing),
        missing_mandatory=missing,
        lines=lines,
    )


def quantity_score(params: Params, count: int, basic_affairs: int) -> Decimal:
    if params.quantity_min_basic_affairs and basic_affairs < params.quantity_min_basic_affairs:
        return ZERO
    points = ZERO
    for min_count, band_points in params.quantity_bands:
        if count >= int(min_count):
            points = Decimal(str(band_points))
    return points


def quantity_max(params: Params) -> Decimal:
    return max((Decimal(str(p)) for _c, p in params.quantity_bands), default=ZERO)


def category_for(params: Params, score: Decimal, has_verified: bool) -> str:
    if not has_verified or score <= 0:
        return DISCLAIMER
    if score > params.band_very_innovative:
        return VERY_INNOVATIVE
    if score >= params.band_innovative:
        return INNOVATIVE
    return LESS_INNOVATIVE


def decision_speed_score(params: Params, days: Decimal | float | None) -> Decimal | None:
    """100 within the best number of days, 0 after the worst, linear in between."""
    if days is None:
        return None
    days = Decimal(str(days))
    best, worst = Decimal(params.decision_days_best), Decimal(params.decision_days_worst)
    if days <= best:
        return HUNDRED
    if days >= worst:
        return ZERO
    return q2(HUNDRED * (worst - days) / (worst - best))


def blend(params: Params, score: Decimal, signals: Mapping[str, Decimal | None]) -> Decimal:
    """The index blended with the local signals that are available (each 0–100) by the
    admin-set weights; the weight of a signal that is not available stays with the index."""
    parts = [
        (params.weight_compliance, signals.get("compliance")),
        (params.weight_achievement, signals.get("achievement")),
        (params.weight_decision_speed, signals.get("decision_speed")),
    ]
    used = [(w, min(HUNDRED, max(ZERO, Decimal(str(v))))) for w, v in parts if w and v is not None]
    if not used:
        return score
    rest = HUNDRED - sum((w for w, _v in used), ZERO)
    value = (rest * score + sum((w * v for w, v in used), ZERO)) / HUNDRED
    return q2(min(HUNDRED, max(ZERO, value)))


def score_unit(
    params: Params,
    indicators: Sequence[IndicatorDef],
    institution_claims: Mapping[str, Claim],
    innovations: Sequence[CountedInnovation],
    *,
    has_verified: bool,
    signals: Mapping[str, Decimal | None] | None = None,
) -> UnitResult:
    """The unit's index from its institution claims and its innovations' scores."""
    inst_defs = [i for i in indicators if i.side == "institution"]
    inst, inst_max, inst_lines = _lines(inst_defs, institution_claims)
    quality_max = sum((i.weight * i.max_level for i in indicators if i.side == "innovation"), ZERO)
    counted = [c for c in innovations if c.counted]
    n = len(counted)
    divisor = max(params.divisor_min, n, 1)
    quality_sum = sum((c.quality for c in counted), ZERO)
    innovation_quality = quality_sum / divisor
    backed = [c for c in counted if c.quality > 0]
    basic = len({c.basic_affair for c in backed if c.basic_affair})
    quantity = quantity_score(params, len(backed), basic)
    qty_max = quantity_max(params)
    score = ZERO
    if inst_max > 0:
        score += params.institution_share * inst / inst_max
    sid_max = quality_max + qty_max
    if sid_max > 0:
        score += params.innovation_share * (innovation_quality + quantity) / sid_max
    score = q2(min(HUNDRED, max(ZERO, score)))
    if not has_verified:
        score = ZERO
    signals = dict(signals or {})
    signal_scores = {
        "compliance": signals.get("compliance"),
        "achievement": signals.get("achievement"),
        "decision_speed": decision_speed_score(params, signals.get("decision_days")),
    }
    return UnitResult(
        institution=q2(inst),
        institution_max=q2(inst_max),
        institution_lines=inst_lines,
        quality_sum=q2(quality_sum),
        quality_max=q2(quality_max),
        counted=n,
        divisor=divisor,
        innovation_quality=q2(innovation_quality),
        quantity_count=len(backed),
        basic_affairs=basic,
        quantity=q2(quantity),
        quantity_max=q2(qty_max),
        score=score,
        category=category_for(params, score, has_verified),
        has_verified=has_verified,
        # Local signals never lift a unit out of the disclaimer: no evidence, no score.
        final=blend(params, score, signal_scores) if score > 0 else ZERO,
        signal_scores=signal_scores,
    )
