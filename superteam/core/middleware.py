"""Request middleware: who is acting (the :class:`~superteam.core.permissions.Actor`)."""

from django.utils.functional import SimpleLazyObject

from superteam.core.permissions import actor_for


class ActorMiddleware:
    """Attach ``request.actor``: the signed-in person as they may act today (lazy)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.actor = SimpleLazyObject(
            lambda: actor_for(request.user if request.user.is_authenticated else None)
        )
        return self.get_response(request)
