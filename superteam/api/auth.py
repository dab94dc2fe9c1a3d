"""API authentication: a bearer token per device, or the browser's session (with CSRF)."""

from ninja.security import HttpBearer, SessionAuth

from superteam.api.services import person_for_token
from superteam.core.permissions import actor_for


class TokenAuth(HttpBearer):
    """``Authorization: Bearer st_...``; the request then acts as the token's person."""

    def authenticate(self, request, token):
        person = person_for_token(token)
        if person is None:
            return None
        request.user = person
        request.actor = actor_for(person)
        return person


class BrowserSessionAuth(SessionAuth):
    """The signed-in browser session; CSRF-checked for unsafe methods."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None:
            request.actor = actor_for(user)
        return user


DEFAULT_AUTH = [TokenAuth(), BrowserSessionAuth()]
