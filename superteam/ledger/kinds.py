"""What each ledger event kind means, in words the people reading the ledger use.

A kind is the code an app records (``reports.submitted``): it stays in the chain as it is,
and the pages show its label (Indonesian in the ledger's catalogue) with the code beside
it. Every kind any app records must be listed here: tests/ledger/test_kinds.py scans the
source for them. A kind not listed (an old entry, a test's) reads as its app's "other
event", or as its code when the app is unknown.
"""

from __future__ import annotations

from django.utils.translation import gettext, pgettext_lazy

# The apps that write the ledger, in the order the filter lists them.
APPS = {
    "reports": pgettext_lazy("ledger app", "Daily reports"),
    "agreements": pgettext_lazy("ledger app", "Performance agreements"),
    "meetings": pgettext_lazy("ledger app", "Coordination meetings (rakor)"),
    "innovations": pgettext_lazy("ledger app", "Innovations"),
    "scoring": pgettext_lazy("ledger app", "Scoring"),
    "news": pgettext_lazy("ledger app", "News"),
    "org": pgettext_lazy("ledger app", "Organisation and people"),
    "api": pgettext_lazy("ledger app", "API tokens"),
}

# Within each app, roughly in the order things happen.
KINDS = {
    "reports.submitted": pgettext_lazy("ledger event", "Report submitted"),
    "reports.photos_received": pgettext_lazy("ledger event", "Missing photos received"),
    "reports.photo_flagged": pgettext_lazy("ledger event", "Photo flagged"),
    "reports.verified": pgettext_lazy(
        "ledger event", "Report reviewed by a verifier (approved, on hold or rejected)"
    ),
    "reports.answered": pgettext_lazy("ledger event", "Reporter answered a hold"),
    "reports.holiday_added": pgettext_lazy("ledger event", "Holiday added"),
    "reports.holiday_removed": pgettext_lazy("ledger event", "Holiday removed"),
    "agreements.drafted": pgettext_lazy("ledger event", "Agreement drafted"),
    "agreements.circulated": pgettext_lazy("ledger event", "Agreement sent for signing"),
    "agreements.signed": pgettext_lazy("ledger event", "Agreement signed"),
    "agreements.declined": pgettext_lazy("ledger event", "Signing declined"),
    "agreements.activated": pgettext_lazy(
        "ledger event", "Agreement in force (signed by every party)"
    ),
    "agreements.amended": pgettext_lazy("ledger event", "Agreement amendment drafted"),
    "agreements.realisation": pgettext_lazy("ledger event", "Realisation value entered"),
    "agreements.realisation_corrected": pgettext_lazy(
        "ledger event", "Realisation value corrected"
    ),
    "agreements.closed": pgettext_lazy("ledger event", "Agreement closed (end of period)"),
    "agreements.key_created": pgettext_lazy("ledger event", "Signing key created"),
    "agreements.key_revoked": pgettext_lazy("ledger event", "Signing key revoked"),
    "meetings.rakor_created": pgettext_lazy("ledger event", "Rakor created"),
    "meetings.rakor_updated": pgettext_lazy("ledger event", "Rakor changed"),
    "meetings.participant_added": pgettext_lazy("ledger event", "Participant added"),
    "meetings.participant_updated": pgettext_lazy("ledger event", "Participant changed"),
    "meetings.unavailability_declared": pgettext_lazy("ledger event", "Unavailability declared"),
    "meetings.unavailability_withdrawn": pgettext_lazy("ledger event", "Unavailability withdrawn"),
    "meetings.session_added": pgettext_lazy("ledger event", "Session added"),
    "meetings.session_updated": pgettext_lazy("ledger event", "Session changed"),
    "meetings.session_moved": pgettext_lazy("ledger event", "Session placed by hand"),
    "meetings.session_released": pgettext_lazy(
        "ledger event", "Session handed back to the scheduler"
    ),
    "meetings.session_cancelled": pgettext_lazy("ledger event", "Session cancelled"),
    "meetings.scheduled": pgettext_lazy("ledger event", "Schedule drawn up"),
    "meetings.agenda_built": pgettext_lazy("ledger event", "Agendas drawn up"),
    "meetings.agenda_reordered": pgettext_lazy("ledger event", "Agenda item moved"),
    "meetings.invitations_sent": pgettext_lazy("ledger event", "Invitations sent"),
    "meetings.checked_in": pgettext_lazy("ledger event", "Attendance checked in"),
    "meetings.slides_uploaded": pgettext_lazy("ledger event", "Slides uploaded"),
    "meetings.minutes_recorded": pgettext_lazy("ledger event", "Minutes recorded"),
    "meetings.decision_made": pgettext_lazy("ledger event", "Decision recorded"),
    "meetings.decision_edited": pgettext_lazy("ledger event", "Decision corrected"),
    "meetings.decision_withdrawn": pgettext_lazy("ledger event", "Decision withdrawn"),
    "meetings.decision_status": pgettext_lazy(
        "ledger event", "Decision marked done, dropped or reopened"
    ),
    "meetings.decision_evidence": pgettext_lazy(
        "ledger event", "Decision acted on (a report as evidence)"
    ),
    "meetings.agreement_drafted": pgettext_lazy(
        "ledger event", "Agreement drafted from the decisions"
    ),
    "innovations.idea_proposed": pgettext_lazy("ledger event", "Idea proposed"),
    "innovations.idea_promoted": pgettext_lazy("ledger event", "Idea made an innovation"),
    "innovations.idea_declined": pgettext_lazy("ledger event", "Idea declined"),
    "innovations.registered": pgettext_lazy("ledger event", "Innovation registered"),
    "innovations.edited": pgettext_lazy("ledger event", "Innovation edited"),
    "innovations.stage_changed": pgettext_lazy("ledger event", "Innovation stage changed"),
    "innovations.stopped": pgettext_lazy("ledger event", "Innovation stopped"),
    "innovations.resumed": pgettext_lazy("ledger event", "Innovation resumed"),
    "innovations.replicated": pgettext_lazy(
        "ledger event", "Innovation replicated by another unit"
    ),
    "innovations.evidence_submitted": pgettext_lazy("ledger event", "Evidence submitted"),
    "innovations.evidence_verified": pgettext_lazy(
        "ledger event", "Evidence reviewed by a verifier"
    ),
    "innovations.evidence_withdrawn": pgettext_lazy("ledger event", "Evidence withdrawn"),
    "innovations.demo_loaded": pgettext_lazy("ledger event", "Demo innovations loaded"),
    "scoring.model_loaded": pgettext_lazy("ledger event", "Scoring model loaded"),
    "scoring.model_copied": pgettext_lazy("ledger event", "Scoring model copied"),
    "scoring.model_edited": pgettext_lazy("ledger event", "Scoring model draft edited"),
    "scoring.model_deleted": pgettext_lazy("ledger event", "Scoring model draft deleted"),
    "scoring.model_activated": pgettext_lazy("ledger event", "Scoring model put in use"),
    "scoring.snapshot_published": pgettext_lazy("ledger event", "Scores published"),
    "news.article_started": pgettext_lazy(
        "ledger event", "Article started from an innovation or a report"
    ),
    "news.article_submitted": pgettext_lazy("ledger event", "Article sent for review"),
    "news.article_returned": pgettext_lazy("ledger event", "Article returned to its editors"),
    "news.article_published": pgettext_lazy("ledger event", "Article published or scheduled"),
    "news.article_corrected": pgettext_lazy("ledger event", "Published article corrected"),
    "news.article_unpublished": pgettext_lazy("ledger event", "Article taken off the portal"),
    "news.digest_sent": pgettext_lazy("ledger event", "News digest emailed to subscribers"),
    "org.assigned": pgettext_lazy("ledger event", "Person placed in a position"),
    "org.assignment_ended": pgettext_lazy("ledger event", "Position assignment ended"),
    "org.imported": pgettext_lazy("ledger event", "Organisation imported from a workbook"),
    "api.token_issued": pgettext_lazy("ledger event", "API token issued"),
    "api.token_revoked": pgettext_lazy("ledger event", "API token revoked"),
}


def app_of(kind: str) -> str:
    """The app part of a kind (``reports`` of ``reports.submitted``)."""
    return kind.partition(".")[0]


def label(kind: str) -> str:
    """A kind in words, in the active language."""
    known = KINDS.get(kind)
    if known is not None:
        return str(known)
    app = APPS.get(app_of(kind))
    if app is not None:
        return gettext("%(app)s: other event") % {"app": app}
    return kind


def filter_groups() -> list[dict]:
    """The filter's choices: per app, the whole app (its prefix) and each of its kinds."""
    groups = {
        prefix: {"label": str(name), "prefix": f"{prefix}.", "kinds": []}
        for prefix, name in APPS.items()
    }
    for kind, name in KINDS.items():
        groups[app_of(kind)]["kinds"].append((kind, str(name)))
    return [g for g in groups.values() if g["kinds"]]
