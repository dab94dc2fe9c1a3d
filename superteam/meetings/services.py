"""Meetings services: every write of the rakor app, and the contract other apps call.

Contract (see the brief): :func:`record_decision_evidence`, :func:`last_rakor_end`,
:func:`overdue_decisions`.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from superteam.ledger.services import record
from superteam.meetings.models import Decision, Rakor, RakorStatus

# --- Contract with reports, scoring and the digest --------------------------------------


@transaction.atomic
def record_decision_evidence(*, decision: Decision, report, at: datetime.datetime) -> Decision:
    """A report linked to the decision shows it acted on; the earliest evidence is kept."""
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    if locked.first_evidence_at is not None and locked.first_evidence_at <= at:
        return locked
    locked.first_evidence_at = at
    locked.first_evidence_report_id = report.pk
    locked.save(update_fields=["first_evidence_at", "first_evidence_report_id"])
    record(
        regency=locked.regency_id,
        kind="meetings.decision_evidence",
        subject=locked,
        payload={
            "report": report.pk,
            "at": at,
            "hours_to_action": round((at - locked.decided_at).total_seconds() / 3600, 1),
        },
    )
    decision.first_evidence_at = locked.first_evidence_at
    decision.first_evidence_report_id = locked.first_evidence_report_id
    return locked


def last_rakor_end(*, regency, day: datetime.date | None = None) -> datetime.date | None:
    """The last day of the most recent rakor that has already begun (None: no rakor yet)."""
    day = day or timezone.localdate()
    return (
        Rakor.objects.filter(regency=regency, start_date__lte=day)
        .exclude(status__in=[RakorStatus.CANCELLED, RakorStatus.DRAFT])
        .order_by("-end_date")
        .values_list("end_date", flat=True)
        .first()
    )


def overdue_decisions(*, regency, day: datetime.date | None = None):
    """Open rakor decisions past their deadline, oldest deadline first (for the regent)."""
    return (
        Decision.objects.filter(regency=regency)
        .overdue(day)
        .select_related("owner_position", "owner_position__unit", "session", "session__rakor")
        .order_by("deadline", "pk")
    )
