"""The reports app's card on the dashboard: today at a glance (see core/views.dashboard).

- Whoever reports: whether their unit's report of today has arrived.
- Those who oversee (the regent, admins, verifiers for the regency; heads for the units
  under them): how many reporting units have reported today, as a bar.
- Those who verify: how many reports wait for a decision, flagged ones among them.
"""

from __future__ import annotations

from django.db.models import Q

from superteam.core.permissions import can
from superteam.core.tenancy import current_regency
from superteam.reports import compliance
from superteam.reports.models import Report, ReportingUnit, UnitDay
from superteam.reports.services import regency_today


def panel(request) -> dict | None:
    """The card's template and context, or None when there is nothing for this person."""
    actor = request.actor
    regency = current_regency(request)
    if regency is None or not actor.is_authenticated:
        return None
    today = regency_today(regency)
    context: dict = {"today": today}
    # Only units expected to report (an inspectorate's auditor is not asked "has your unit
    # reported?").
    units = {position.unit_id for position in actor.positions}
    own = (
        list(
            ReportingUnit.objects.filter(unit_id__in=units, since__lte=today)
            .filter(Q(until__isnull=True) | Q(until__gte=today))
            .values_list("unit_id", flat=True)
        )
        if units
        else []
    )
    if own:
        context["reported_today"] = UnitDay.objects.filter(
            compliance.COUNTED, unit_id__in=own, date=today
        ).exists()
    if can(actor, "reports.oversee"):
        under = None
        if not actor.reads_all(regency):
            heads = sorted(actor.headed_units, key=lambda u: u.depth)
            under = heads[0] if heads else None
        rows = compliance.unit_compliance(regency=regency, start=today, end=today, under=under)
        expected = [r for r in rows if r.expected]
        context["oversee"] = {
            "under": under,
            "working_day": bool(compliance.working_days(regency=regency, start=today, end=today)),
            "expected": len(expected),
            "reported": sum(1 for r in expected if r.reported),
            "share": round(100 * sum(1 for r in expected if r.reported) / len(expected))
            if expected
            else 0,
        }
    if can(actor, "reports.verify"):
        waiting = Report.objects.verifiable_by(actor, regency).awaiting_verification()
        context["waiting"] = waiting.count()
        context["waiting_flagged"] = waiting.filter(flagged_photos__gt=0).count()
    if len(context) == 1:
        return None
    return {"template": "reports/partials/dashboard.html", "context": context}
