"""Permission rules of the organisation pages (see core/permissions.py)."""

from superteam.core.permissions import rule


@rule("org.view")
def view_org(actor, obj):
    """The tree, unit and cluster pages: every signed-in civil servant of the regency."""
    return actor.is_authenticated and actor.in_regency(obj)


@rule("org.view_person")
def view_person(actor, obj):
    return actor.is_authenticated and actor.in_regency(obj)


@rule("org.view_personal_data")
def view_personal_data(actor, person):
    """NIP, phone and email: the person, admins, the regent, verifiers, and their heads."""
    if not actor.is_authenticated or person is None:
        return False
    if actor.person.pk == person.pk or actor.reads_all(person):
        return True
    units = [a.position.unit for a in person.current_assignments()]
    return any(actor.acts_for(u) for u in units)


@rule("org.manage")
def manage_org(actor, obj):
    """Import and export the organisation, edit units, positions and clusters."""
    return actor.is_admin and actor.in_regency(obj)
