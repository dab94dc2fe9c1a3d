"""Which leaderboard a unit competes on, and which unit an innovation counts for.

Agencies compete with agencies, villages with villages. Units inside an agency (bidang,
seksi, sekretariat, sub-bagian) and auxiliary posts (pustu) do not compete on their own:
their innovations count for the nearest ancestor that does (a seksi's for its dinas, a
pustu's for its puskesmas).
"""

from __future__ import annotations

from superteam.org.models import Unit, UnitKind
from superteam.scoring.models import Family

KIND_FAMILY = {
    UnitKind.SEKRETARIAT_DAERAH: Family.AGENCIES,
    UnitKind.DINAS: Family.AGENCIES,
    UnitKind.BADAN: Family.AGENCIES,
    UnitKind.INSPEKTORAT: Family.AGENCIES,
    UnitKind.RSUD: Family.HOSPITALS,
    UnitKind.PUSKESMAS: Family.PUSKESMAS,
    UnitKind.KECAMATAN: Family.KECAMATAN,
    UnitKind.DESA: Family.VILLAGES,
    UnitKind.KELURAHAN: Family.VILLAGES,
}
FAMILY_KINDS: dict[str, set[str]] = {}
for _kind, _family in KIND_FAMILY.items():
    FAMILY_KINDS.setdefault(_family, set()).add(_kind)


def family_of(unit: Unit) -> str | None:
    """The leaderboard the unit competes on, or None (internal units, pustu, the regency)."""
    family = KIND_FAMILY.get(unit.kind)
    if family is None and unit.kind == UnitKind.SEKRETARIAT and unit.depth == 1:
        # A secretariat directly under the regency (Sekretariat DPRD) is an agency.
        return Family.AGENCIES
    return family


def competing_units(regency, family: str | None = None):
    """Units of a regency that compete on a leaderboard (optionally one family)."""
    from django.db.models import Q

    kinds = FAMILY_KINDS.get(family, set()) if family else set(KIND_FAMILY)
    q = Q(kind__in=kinds)
    if family in (None, Family.AGENCIES):
        q |= Q(kind=UnitKind.SEKRETARIAT, depth=1)
    return Unit.objects.filter(q, regency=regency, is_active=True)


def scoring_unit_for(unit: Unit) -> Unit | None:
    """The unit an innovation owned by ``unit`` counts for: itself or its nearest competing
    ancestor (one query for the ancestors, read from the materialised path)."""
    if family_of(unit) is not None:
        return unit
    ancestors = {u.pk: u for u in Unit.objects.filter(pk__in=unit.ancestor_ids)}
    for pk in reversed(unit.ancestor_ids):
        candidate = ancestors.get(pk)
        if candidate is not None and family_of(candidate) is not None:
            return candidate
    return None
