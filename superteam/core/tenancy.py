"""Which regency a request is about."""

from django.core.cache import cache


def current_regency(request):
    """The signed-in person's regency; otherwise the installation's first regency.

    A national installation serves each regency on its own host name later; a single
    regency installation (the common case) has exactly one.
    """
    from superteam.org.models import Regency

    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.regency_id:
        cached = getattr(request, "_regency", None)
        if cached is None or cached.pk != user.regency_id:
            request._regency = Regency.objects.filter(pk=user.regency_id).first()
        return request._regency
    if getattr(request, "_regency", None) is None:
        regency_id = cache.get("superteam:default-regency")
        regency = Regency.objects.filter(pk=regency_id).first() if regency_id else None
        if regency is None:
            regency = Regency.objects.order_by("pk").first()
            if regency is not None:
                cache.set("superteam:default-regency", regency.pk, 300)
        request._regency = regency
    return request._regency
