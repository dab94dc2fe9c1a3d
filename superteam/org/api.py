"""Organisation API: units, positions and clusters of the caller's regency."""

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from superteam.core.permissions import can
from superteam.org.models import Cluster, Unit
from superteam.org.services import current_holders

router = Router()


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    depth: int
    is_frontline: bool
    latitude: float | None
    longitude: float | None


class HolderOut(Schema):
    person_id: int
    name: str
    acting: bool


class PositionOut(Schema):
    id: int
    code: str
    title: str
    level: str
    holders: list[HolderOut]


class UnitDetailOut(UnitOut):
    positions: list[PositionOut]


class ClusterOut(Schema):
    id: int
    code: str
    name: str
    lead_unit_id: int
    unit_ids: list[int]


def _unit_out(u: Unit) -> dict:
    return {
        "id": u.pk,
        "code": u.code,
        "name": u.name,
        "kind": u.kind,
        "parent_id": u.parent_id,
        "depth": u.depth,
        "is_frontline": u.is_frontline,
        "latitude": float(u.latitude) if u.latitude is not None else None,
        "longitude": float(u.longitude) if u.longitude is not None else None,
    }


MAX_UNITS_PER_PAGE = 5000


@router.get(
    "/units",
    response=list[UnitOut],
    summary="Units of my regency (optionally a subtree), in tree order, a page at a time",
)
def list_units(
    request,
    under: int | None = None,
    kind: str | None = None,
    limit: int = 1000,
    offset: int = 0,
):
    """``limit`` (at most 5,000) units from ``offset``; fetch the next page while a page is full."""
    regency_ids = request.actor.regency_ids
    qs = Unit.objects.filter(regency_id__in=regency_ids, is_active=True)
    if under is not None:
        qs = Unit.objects.subtree(
            get_object_or_404(Unit, pk=under, regency_id__in=regency_ids)
        ).filter(is_active=True)
    if kind:
        qs = qs.filter(kind=kind)
    limit = max(1, min(limit, MAX_UNITS_PER_PAGE))
    offset = max(0, offset)
    return [_unit_out(u) for u in qs.order_by("path")[offset : offset + limit]]


@router.get(
    "/units/{unit_id}", response=UnitDetailOut, summary="A unit with its positions and holders"
)
def get_unit(request, unit_id: int):
    unit = get_object_or_404(Unit, pk=unit_id)
    if not can(request.actor, "org.view", unit):
        raise HttpError(403, "Not allowed")
    positions = list(unit.positions.filter(is_active=True))
    held = current_holders(positions)
    data = _unit_out(unit)
    data["positions"] = [
        {
            "id": p.pk,
            "code": p.code,
            "title": p.title,
            "level": p.level,
            "holders": [
                {"person_id": a.person_id, "name": a.person.full_name, "acting": a.kind == "plt"}
                for a in held.get(p.pk, [])
            ],
        }
        for p in positions
    ]
    return data


@router.get("/clusters", response=list[ClusterOut], summary="Clusters of my regency")
def list_clusters(request):
    clusters = Cluster.objects.filter(regency_id__in=request.actor.regency_ids).prefetch_related(
        "units"
    )
    return [
        {
            "id": c.pk,
            "code": c.code,
            "name": c.name,
            "lead_unit_id": c.lead_unit_id,
            "unit_ids": [u.pk for u in c.units.all()],
        }
        for c in clusters
    ]
