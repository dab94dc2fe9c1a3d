"""Permission rules of the index and leaderboards (see core/permissions.py)."""

from superteam.core.permissions import rule


@rule("scoring.view")
def view(actor, obj):
    """Leaderboards (published and live) and score explanations: every signed-in person of
    the regency; everybody sees how everybody is scored."""
    return actor.is_authenticated and actor.in_regency(obj)


@rule("scoring.public")
def public(actor, obj):
    """The public leaderboard (published scores only): everyone."""
    return True


@rule("scoring.manage_model")
def manage_model(actor, obj):
    """Edit, copy and put in use versions of the scoring model: admins of the regency."""
    return actor.is_admin and actor.in_regency(obj)


@rule("scoring.publish")
def publish(actor, obj):
    """Publish the scores now (besides the weekly run): admins of the regency."""
    return actor.is_admin and actor.in_regency(obj)
