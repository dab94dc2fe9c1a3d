"""What a report is about, in other apps: innovations, rakor decisions, agreement indicators.

Reports read those apps' models to offer choices and call their services when a report
is stored (a linked decision gets its first evidence; readings become realisations).
"""

from __future__ import annotations

from django.db.models import Q

from superteam.innovations.models import Innovation
from superteam.meetings.models import Decision, DecisionStatus


def _unit_and_ancestors(units) -> set[int]:
    ids: set[int] = set()
    for unit in units:
        ids.add(unit.pk)
        ids.update(unit.ancestor_ids)
    return ids


def innovations_for(units):
    """Running innovations a unit may report on: its own, its ancestors', those it is
    involved in."""
    ids = _unit_and_ancestors(units)
    if not ids:
        return Innovation.objects.none()
    return (
        Innovation.objects.active()
        .filter(Q(owner_unit_id__in=ids) | Q(involved_units__in=ids))
        .select_related("owner_unit")
        .distinct()
        .order_by("title")
    )


def decisions_for(units):
    """Open rakor decisions a unit owns (through a position) or contributes to."""
    ids = _unit_and_ancestors(units)
    if not ids:
        return Decision.objects.none()
    return (
        Decision.objects.filter(status=DecisionStatus.OPEN)
        .filter(Q(owner_position__unit_id__in=ids) | Q(contributing_units__in=ids))
        .distinct()
        .order_by("deadline", "pk")
    )


def attach(*, report, data, actor, at) -> None:
    """Store the links of a new report and tell the other apps (inside its transaction)."""
    if data.innovations:
        report.innovations.set(data.innovations)
    if data.decisions:
        from superteam.meetings.services import record_decision_evidence

        report.decisions.set(data.decisions)
        for decision in data.decisions:
            record_decision_evidence(decision=decision, report=report, at=at)
