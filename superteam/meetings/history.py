"""A decision's history, read from the ledger: recorded, corrected (old → new values, and
why), withdrawn, status changes, first evidence. The ledger is the record; this module only
puts its entries into words in the reader's language."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import FieldDoesNotExist
from django.template.defaultfilters import floatformat
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from superteam.meetings.models import Decision, DecisionStatus
from superteam.meetings.services import DECISION_FIELDS


def _label(kind: str, payload: dict) -> str:
    if kind == "meetings.decision_made":
        return _("Recorded")
    if kind == "meetings.decision_edited":
        return _("Corrected")
    if kind == "meetings.decision_withdrawn":
        return _("Withdrawn")
    if kind == "meetings.decision_status":
        status = payload.get("status", "")
        label = dict(DecisionStatus.choices).get(status, status)
        return _("Status changed to “%(status)s”") % {"status": label}
    if kind == "meetings.decision_evidence":
        return _("First evidence of action")
    return kind


def _value(field: str, value) -> str:
    """A ledger value of a decision field as people read it."""
    if value in (None, "", []):
        return "—"
    if field == "owner_position":
        return f"{value.get('title', '')} — {value.get('unit', '')}"
    if field == "contributing_units":
        return ", ".join(u.get("name", "") for u in value)
    if field == "target":
        try:
            return floatformat(Decimal(value), "-2")  # as the decision page shows it
        except (InvalidOperation, TypeError):
            return str(value)
    if field == "deadline":
        try:
            return formats.date_format(datetime.date.fromisoformat(value), "j F Y")
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def _field_label(field: str) -> str:
    try:
        return capfirst(str(Decision._meta.get_field(field).verbose_name))
    except FieldDoesNotExist:  # a field renamed since: show its name
        return field


def decision_history(decision: Decision) -> list[dict]:
    """The ledger entries about the decision, oldest first, in words."""
    from superteam.ledger.models import Entry

    entries = (
        Entry.objects.filter(
            regency_id=decision.regency_id,
            subject_type="meetings.decision",
            subject_id=str(decision.pk),
        )
        .select_related("actor")
        .order_by("seq")
    )
    rows = []
    for entry in entries:
        payload = entry.payload or {}
        agreement = payload.get("agreement")
        agreement = agreement if isinstance(agreement, dict) else None
        recorded = payload.get("changes") or {}
        order = [n for n in DECISION_FIELDS if n in recorded] + [
            n for n in recorded if n not in DECISION_FIELDS
        ]
        changes = [
            {
                "field": _field_label(name),
                "old": _value(name, recorded[name].get("old")),
                "new": _value(name, recorded[name].get("new")),
            }
            for name in order
        ]
        rows.append(
            {
                "seq": entry.seq,
                "at": entry.created_at,
                "actor": entry.actor,
                "label": _label(entry.kind, payload),
                "kind": entry.kind.rsplit(".", 1)[-1],
                "reason": payload.get("reason", ""),
                "changes": changes,
                "agreement_version": agreement.get("version") if agreement else None,
            }
        )
    return rows
