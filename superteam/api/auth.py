"""API authentication: a bearer token per device, or the browser's session (with CSRF)."""

from django.conf import settings
from django.utils import translation
from ninja.security import HttpBearer, SessionAuth

from superteam.api.services import person_for_token
from superteam.core.permissions import actor_for


class TokenAuth(HttpBearer):
    """``Authorization: Bearer st_...``; the request then acts as the token's person, and
    answers in that person's language (their profile's) unless the client sent the
    language cookie."""

    def authenticate(self, request, token):
        person = person_for_token(token)
        if person is None:
            return None
        request.user = person
        request.actor = actor_for(person)
        chosen = settings.LANGUAGE_COOKIE_NAME in request.COOKIES  # the client's own choice
        if not chosen and person.language and person.language != translation.get_language():
            translation.activate(person.language)
            request.LANGUAGE_CODE = translation.get_language()
        return person


class BrowserSessionAuth(SessionAuth):
    """The signed-in browser session; CSRF-checked for unsafe methods.

    Only a request that is signed in and carries no ``Authorization`` header is one: a
    device whose token was refused, or a request with no credentials at all, gets 401
    (and can ask its person to sign in again), not the 403 of a failed CSRF check."""

    def __call__(self, request):
        if "Authorization" in request.headers or not request.user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None:
            request.actor = actor_for(user)
        return user


DEFAULT_AUTH = [TokenAuth(), BrowserSessionAuth()]
