"""Scoring API (mounted under /api/scoring/): the public leaderboard (published scores only,
no authentication; for the news portal) and a unit's score."""

import datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from superteam.core.permissions import can
from superteam.core.tenancy import current_regency
from superteam.org.models import Regency, Unit
from superteam.scoring import services
from superteam.scoring.models import Family

router = Router()


class PublicRowOut(Schema):
    rank: int
    unit_id: int
    unit_name: str
    unit_kind: str
    score: Decimal = Field(description="The innovation index.")
    final: Decimal = Field(
        description="The index with the regency's local signals weighed in: what the rank "
        "follows (equal to score when the model blends none in)."
    )
    category: str
    category_label: str
    previous_rank: int | None
    movement: int | None
    week: datetime.date
    published_at: datetime.datetime


class UnitScoreOut(Schema):
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


@router.get(
    "/public/leaderboard",
    response=list[PublicRowOut],
    auth=None,
    summary="Published leaderboard of a unit family (public)",
)
def public_leaderboard(
    request,
    family: str = Family.AGENCIES,
    regency: str | None = None,
    limit: int = 100,
    offset: int = 0,
):
    if family not in Family.values:
        raise HttpError(422, f"family must be one of {', '.join(Family.values)}")
    target = Regency.objects.filter(code=regency).first() if regency else current_regency(request)
    if target is None:
        return []
    rows = services.public_leaderboard(
        regency=target, family=family, limit=max(1, min(limit, 1000)), offset=max(0, offset)
    )
    return [row.__dict__ for row in rows]


@router.get(
    "/units/{int:unit_id}", response=UnitScoreOut, summary="A unit's published and live index"
)
def get_unit_score(request, unit_id: int):
    unit = get_object_or_404(Unit, pk=unit_id)
    if not can(request.actor, "scoring.view", unit):
        raise HttpError(403, "Not allowed")
    return services.unit_score(unit=unit).__dict__
