"""What a report is about, in other apps: innovations, rakor decisions, agreement indicators.

Reports read those apps' models to offer choices and call their services when a report
is stored (a linked decision gets its first evidence; readings become realisations).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q

from superteam.agreements.models import AgreementStatus, Indicator
from superteam.innovations.models import Innovation
from superteam.meetings.models import Decision, DecisionStatus
from superteam.org.models import Cluster


def _unit_and_ancestors(units, *, skip_root: bool = False) -> set[int]:
    ids: set[int] = set()
    for unit in units:
        ids.add(unit.pk)
        ids.update(unit.ancestor_ids[1:] if skip_root else unit.ancestor_ids)
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
    """Open rakor decisions a unit acts on: those it (or a unit above it) owns or
    contributes to, and those taken in its cluster's rakor session."""
    ids = _unit_and_ancestors(units)
    if not ids:
        return Decision.objects.none()
    clusters = Cluster.objects.filter(units__in=ids).values("pk")
    return (
        Decision.objects.filter(status=DecisionStatus.OPEN)
        .filter(
            Q(owner_position__unit_id__in=ids)
            | Q(contributing_units__in=ids)
            | Q(session__cluster__in=clusters)
        )
        .distinct()
        .order_by("deadline", "pk")
    )


def indicators_for(units, day: datetime.date):
    """Indicators of agreements in force in the day's year that the unit or one of its
    ancestors (below the regency itself) answers for or contributes to."""
    ids = _unit_and_ancestors(units, skip_root=True)
    if not ids:
        return Indicator.objects.none()
    return (
        Indicator.objects.filter(
            is_active=True, agreement__status=AgreementStatus.ACTIVE, agreement__year=day.year
        )
        .filter(Q(terms__responsible_unit_id__in=ids) | Q(terms__contributions__unit_id__in=ids))
        .select_related("terms", "agreement")
        .distinct()
        .order_by("agreement_id", "number")
    )


def attach(*, report, data, actor, at) -> None:
    """Store the links of a new report and tell the other apps (inside its transaction)."""
    from superteam.reports.models import IndicatorReading

    if data.innovations:
        report.innovations.set(data.innovations)
    for indicator, value in data.readings:
        reading = IndicatorReading.objects.create(
            regency_id=report.regency_id, report=report, indicator=indicator, value=value
        )
        if value is None:
            continue
        from superteam.agreements.services import record_realisation
        from superteam.reports.services import SubmissionError

        try:
            reading.realisation = record_realisation(
                indicator=indicator,
                period_end=report.date,
                value=value,
                actor=actor,
                note=report.title,
                source=report,
            )
        except ValidationError as exc:
            message = " ".join(exc.messages)
            raise SubmissionError(message, errors={"readings": [message]}) from None
        reading.save(update_fields=["realisation"])
    if data.decisions:
        from superteam.meetings.services import record_decision_evidence

        report.decisions.set(data.decisions)
        for decision in data.decisions:
            record_decision_evidence(decision=decision, report=report, at=at)


def choose(values, *, units, day: datetime.date):
    """Read the links a form or API request asks for (``innovations``, ``decisions``,
    ``indicators`` ids and ``reading_<id>`` values) among those the units may use.
    Returns (innovations, decisions, readings, errors)."""
    from decimal import Decimal, InvalidOperation

    from django.utils.translation import gettext as _

    errors: dict[str, list[str]] = {}
    if not any(values.getlist(name) for name in ("innovations", "decisions", "indicators")):
        return [], [], [], errors  # nothing linked: no query at all

    def wanted(name: str) -> set[str]:
        return {str(v).strip() for v in values.getlist(name) if str(v).strip()}

    def pick(name: str, queryset, message: str):
        ids = wanted(name)
        if not ids:
            return []
        found = list(queryset.filter(pk__in=[i for i in ids if i.isdigit()]))
        unknown = ids - {str(obj.pk) for obj in found}
        if unknown:
            errors[name] = [message % {"ids": ", ".join(sorted(unknown))}]
        return found

    innovations = pick(
        "innovations",
        innovations_for(units),
        _("These innovations cannot be linked to this unit's report: %(ids)s."),
    )
    decisions = pick(
        "decisions",
        decisions_for(units),
        _("These rakor decisions are not open for this unit: %(ids)s."),
    )
    indicators = pick(
        "indicators",
        indicators_for(units, day),
        _("These indicators are not in force for this unit: %(ids)s."),
    )
    readings = []
    for indicator in indicators:
        raw = str(values.get(f"reading_{indicator.pk}", "") or "").strip().replace(",", ".")
        value = None
        if raw:
            try:
                value = Decimal(raw)
                if not value.is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                errors.setdefault("readings", []).append(
                    _("“%(value)s” is not a number (indicator %(name)s).")
                    % {
                        "value": raw,
                        "name": indicator.terms.name if indicator.terms else indicator.pk,
                    }
                )
                continue
        readings.append((indicator, value))
    return innovations, decisions, readings, errors
