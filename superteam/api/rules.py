"""Permission rules of the API token page (see core/permissions.py)."""

from superteam.core.permissions import rule


@rule("api.manage_tokens")
def manage_tokens(actor, token):
    """Everyone signed in manages their own device tokens, and only their own."""
    if not actor.is_authenticated:
        return False
    return token is None or token.person_id == actor.person.pk
