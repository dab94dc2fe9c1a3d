"""Permission rules of the ledger pages (see core/permissions.py)."""

from superteam.core.permissions import rule


@rule("ledger.view")
def view(actor, obj):
    """The ledger page: the regent, admins and verifiers of the regency."""
    return actor.is_authenticated and actor.reads_all(obj)


@rule("ledger.verify")
def verify(actor, obj):
    """Run a verification or sign a checkpoint now: verifiers and governors."""
    return actor.is_authenticated and (actor.governs(obj) or actor.reads_all(obj))
