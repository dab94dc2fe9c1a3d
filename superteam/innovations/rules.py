"""Permission rules of innovations, ideas and evidence (see core/permissions.py).

Innovations are open to every civil servant of the regency: reading them spreads the
culture. Writing follows positions: heads act for their unit and its sub-units, members
gather evidence, any holder proposes ideas, verifiers decide on evidence.
"""

from superteam.core.permissions import rule


def _unit_of(obj):
    """The unit an object belongs to: a unit itself, an innovation's or idea's owner."""
    if obj is None:
        return None
    for attr in ("owner_unit", "unit"):
        unit = getattr(obj, attr, None)
        if unit is not None:
            return unit
    return obj


@rule("innovations.view")
def view(actor, obj):
    """Lists, innovation pages, ideas board: every signed-in person of the regency."""
    return actor.is_authenticated and actor.in_regency(obj)


@rule("innovations.manage")
def manage(actor, obj):
    """Register, edit, change stage, stop: whoever acts for the owner unit (its head, a head
    above it, the regent or admins)."""
    unit = _unit_of(obj)
    return actor.is_authenticated and unit is not None and actor.acts_for(unit)


@rule("innovations.replicate")
def replicate(actor, obj):
    """Adopt an innovation into a unit: whoever heads at least one other unit (the view
    then offers only units they act for)."""
    return (
        actor.is_authenticated
        and actor.in_regency(obj)
        and bool(actor.headed_units or actor.governs(obj))
    )


@rule("innovations.propose")
def propose(actor, obj):
    """Any civil servant holding a position proposes ideas."""
    return actor.is_authenticated and bool(actor.positions) and actor.in_regency(obj)


@rule("innovations.review_idea")
def review_idea(actor, idea):
    """The head of the unit the idea was proposed to (or above) promotes or declines it."""
    return actor.is_authenticated and idea is not None and actor.acts_for(idea.unit)


@rule("innovations.view_idea")
def view_idea(actor, idea):
    """An idea: its proposer, whoever may review it, and those who read everything."""
    if not actor.is_authenticated or idea is None:
        return False
    return (
        idea.proposer_id == actor.person.pk
        or actor.acts_for(idea.unit)
        or actor.is_member_of(idea.unit)
        or actor.reads_all(idea)
    )


@rule("innovations.submit_evidence")
def submit_evidence(actor, obj):
    """File evidence: members of the owner unit (staff gather it) and those acting for it."""
    unit = _unit_of(obj)
    if not actor.is_authenticated or unit is None:
        return False
    return actor.acts_for(unit) or actor.is_member_of(unit)


@rule("innovations.read_evidence")
def read_evidence(actor, evidence):
    """Open an evidence file: the unit's members and heads, verifiers, the regent, admins."""
    if not actor.is_authenticated or evidence is None:
        return False
    unit = evidence.unit
    return actor.reads_all(evidence) or actor.acts_for(unit) or actor.is_member_of(unit)


@rule("innovations.verify")
def verify(actor, obj):
    """Verifiers (inspektorat, bappeda) of the regency decide on evidence, never their own."""
    if not (actor.is_authenticated and actor.is_verifier and actor.in_regency(obj)):
        return False
    submitted_by = getattr(obj, "submitted_by_id", None)
    return submitted_by is None or submitted_by != actor.person.pk


@rule("innovations.export")
def export(actor, unit):
    """The national-submission workbook of a unit: its heads, verifiers, regent, admins."""
    return (
        actor.is_authenticated
        and unit is not None
        and (actor.acts_for(unit) or actor.reads_all(unit))
    )


@rule("innovations.showcase")
def showcase(actor, obj):
    """The public showcase: everyone, signed in or not."""
    return True
