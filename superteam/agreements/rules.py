"""Permission rules of the agreements app (see core/permissions.py)."""

from superteam.core.permissions import rule


def _party_positions(agreement) -> set[int]:
    from superteam.agreements.models import Party

    return set(
        Party.objects.filter(version_id=agreement.current_version_id).values_list(
            "position_id", flat=True
        )
    )


def holds_a_party(actor, agreement) -> bool:
    """Holds today a position that is a party of the agreement's newest version."""
    held = {p.pk for p in actor.positions}
    return bool(held & _party_positions(agreement))


@rule("agreements.view")
def view(actor, obj):
    """Agreements, their versions and PDFs: signed-in people of the regency; a draft only
    for those who may edit it, its parties and those who read everything."""
    from superteam.agreements.models import Agreement, AgreementStatus

    if not (actor.is_authenticated and actor.in_regency(obj)):
        return False
    if isinstance(obj, Agreement) and obj.status == AgreementStatus.DRAFT:
        return actor.reads_all(obj) or edit(actor, obj)
    return True


@rule("agreements.create")
def create(actor, obj):
    """Start an agreement: the regent, admins and every head (kepala, kabid, kasi)."""
    if not actor.is_authenticated or not actor.in_regency(obj):
        return False
    return actor.governs(obj) or bool(actor.headed_units)


@rule("agreements.edit")
def edit(actor, agreement):
    """Write the draft, amend, import targets: governors, the author, the parties' holders
    and the heads of the owning unit."""
    from superteam.agreements.models import AgreementStatus

    if not actor.is_authenticated or agreement is None or not actor.in_regency(agreement):
        return False
    if agreement.status == AgreementStatus.CLOSED:
        return False
    if actor.governs(agreement) or agreement.created_by_id == actor.person.pk:
        return True
    return actor.acts_for(agreement.owner_unit) or holds_a_party(actor, agreement)


@rule("agreements.sign")
def sign(actor, agreement):
    """Sign: the holder of a party position of the circulating version (checked again,
    per party, by the signing service)."""
    from superteam.agreements.models import AgreementStatus

    if not actor.is_authenticated or agreement is None:
        return False
    if agreement.status == AgreementStatus.CLOSED:
        return False
    return holds_a_party(actor, agreement)


@rule("agreements.close")
def close(actor, agreement):
    return actor.is_authenticated and agreement is not None and actor.governs(agreement)


@rule("agreements.realise")
def realise(actor, indicator):
    """Enter realisation values: governors, holders of the responsible position or of a
    party position, heads of the responsible or a contributing unit."""
    if not actor.is_authenticated or indicator is None or not actor.in_regency(indicator):
        return False
    if actor.governs(indicator):
        return True
    terms = indicator.terms
    if terms is None:
        return False
    held = {p.pk for p in actor.positions}
    if terms.responsible_position_id in held:
        return True
    if terms.responsible_unit is not None and actor.acts_for(terms.responsible_unit):
        return True
    if any(actor.acts_for(c.unit) for c in terms.contributions.select_related("unit")):
        return True
    return holds_a_party(actor, indicator.agreement)


@rule("agreements.view_evidence")
def view_evidence(actor, realisation):
    """Evidence files (may hold personal data): who may enter values, who entered this one,
    and those who read everything."""
    if not actor.is_authenticated or realisation is None:
        return False
    if realisation.entered_by_id == actor.person.pk or actor.reads_all(realisation):
        return True
    return realise(actor, realisation.indicator)


@rule("agreements.overview")
def overview(actor, obj):
    """The regent's page of every agreement's progress: those who read everything."""
    return actor.is_authenticated and actor.reads_all(obj)


@rule("agreements.unit")
def unit_page(actor, unit):
    """A unit's page of achievement: every signed-in civil servant of the regency."""
    return actor.is_authenticated and actor.in_regency(unit)


@rule("agreements.keys")
def keys(actor, obj):
    return actor.is_authenticated
