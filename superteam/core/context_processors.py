"""Template context shared by every page."""

from django.conf import settings

from superteam.core.navigation import menu_for
from superteam.core.tenancy import current_regency


def superteam(request):
    actor = getattr(request, "actor", None)
    return {
        "DEMO_MODE": settings.DEMO_MODE,
        "regency": current_regency(request),
        "menu": menu_for(actor) if actor is not None else [],
        "actor": actor,
    }
