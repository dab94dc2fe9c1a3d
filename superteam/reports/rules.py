"""Permission rules of the reports app (see core/permissions.py).

Reporters act through a position: its own unit, and for heads the units under it.
Colleagues in the unit, heads above it, the regent, admins and verifiers read reports;
originals (with GPS) only the author, heads above and verifiers; verifiers and heads
above the unit verify, never their own report.
"""

from superteam.core.permissions import rule


@rule("reports.submit")
def submit(actor, obj):
    """Open the report form: anyone holding a position today."""
    return actor.is_authenticated and bool(actor.positions)


@rule("reports.submit_for")
def submit_for(actor, obj):
    """``obj`` = {"unit": unit, "position": position}: the position is held today and
    reports for its own unit, or (a head-level position) for a unit under it."""
    if not actor.is_authenticated or not obj:
        return False
    unit, position = obj["unit"], obj["position"]
    if not actor.holds(position) or unit.regency_id != position.regency_id:
        return False
    if unit.pk == position.unit_id:
        return True
    return position.is_head and unit.path.startswith(position.unit.path)


@rule("reports.mine")
def mine(actor, obj):
    return actor.is_authenticated


@rule("reports.view")
def view(actor, report):
    if not actor.is_authenticated or report is None:
        return False
    if report.author_id == actor.person.pk:
        return True
    return actor.reads_all(report) or actor.acts_for(report.unit) or actor.is_member_of(report.unit)


@rule("reports.view_original")
def view_original(actor, photo):
    """The original file keeps EXIF (GPS): the author, heads above the unit, verifiers."""
    if not actor.is_authenticated or photo is None:
        return False
    report = photo.report
    if report.author_id == actor.person.pk:
        return True
    return (actor.is_verifier and actor.in_regency(report)) or actor.acts_for(report.unit)


def _heads_above(actor, unit) -> bool:
    return any(unit.path.startswith(h.path) for h in actor.headed_units)


@rule("reports.verify")
def verify(actor, report):
    """Verifiers of the regency and heads of the unit or above; never one's own report."""
    if not actor.is_authenticated:
        return False
    if report is None:
        return actor.is_verifier or bool(actor.headed_units)
    if report.author_id == actor.person.pk:
        return False
    return (actor.is_verifier and actor.in_regency(report)) or _heads_above(actor, report.unit)


@rule("reports.answer")
def answer(actor, report):
    """Answer a verifier's hold (a note, more photos): the report's author, while it is on
    hold."""
    if not actor.is_authenticated or report is None:
        return False
    return report.author_id == actor.person.pk and report.status == "on_hold"


@rule("reports.oversee")
def oversee(actor, unit):
    """Compliance and the daily digest: the regent, admins and verifiers for the regency;
    heads for their own units and the units under them."""
    if not actor.is_authenticated:
        return False
    if unit is None:
        return actor.sees_everything or bool(actor.headed_units)
    return actor.reads_all(unit) or _heads_above(actor, unit)


@rule("reports.holidays")
def holidays(actor, obj):
    return actor.is_authenticated


@rule("reports.manage_holidays")
def manage_holidays(actor, obj):
    """Edit the regency's calendar and who is expected to report."""
    return actor.is_admin and actor.in_regency(obj)
