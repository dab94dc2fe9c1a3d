"""Which regency a request is about."""

from django.core.cache import cache

REGENCY_TTL = 60  # seconds an edited regency (name, emblem) may take to show everywhere
DEFAULT_KEY = "superteam:default-regency"


def _regency(regency_id: int):
    from superteam.org.models import Regency

    key = f"superteam:regency:{regency_id}"
    regency = cache.get(key)
    if regency is None:
        regency = Regency.objects.filter(pk=regency_id).first()
        if regency is not None:
            cache.set(key, regency, REGENCY_TTL)
    return regency


def current_regency(request):
    """The signed-in person's regency; otherwise the installation's first regency.

    A national installation serves each regency on its own host name later; a single
    regency installation (the common case) has exactly one. Cached briefly: every page
    shows the regency, and public pages must not pay a query for it.
    """
    from superteam.org.models import Regency

    cached = getattr(request, "_regency", None)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.regency_id:
        if cached is None or cached.pk != user.regency_id:
            request._regency = _regency(user.regency_id)
        return request._regency
    if cached is None:
        regency_id = cache.get(DEFAULT_KEY)
        regency = _regency(regency_id) if regency_id is not None else None
        if regency is None:  # nothing cached, or a regency deleted since
            regency_id = Regency.objects.order_by("pk").values_list("pk", flat=True).first()
            regency = _regency(regency_id) if regency_id is not None else None
            if regency is not None:
                cache.set(DEFAULT_KEY, regency_id, REGENCY_TTL)
        request._regency = regency
    return request._regency
