"""Request middleware: the language of the page, and who is acting (the Actor)."""

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
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


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Bahasa Indonesia unless the visitor chose otherwise.

    The language comes from the address (/en/... on public pages), then the remembered
    choice (cookie), then the default. The browser's Accept-Language is deliberately not
    used: civil servants' phones are often set to English while they work in Indonesian.
    """

    def process_request(self, request):
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        i18n_patterns_used, _prefixed_default = is_language_prefix_patterns_used(urlconf)
        language = None
        if i18n_patterns_used:
            language = translation.get_language_from_path(request.path_info)
        if language is None:
            cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            if cookie and translation.check_for_language(cookie):
                language = translation.get_supported_language_variant(cookie)
        language = language or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
