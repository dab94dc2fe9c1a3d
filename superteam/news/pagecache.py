"""Caching of public portal pages, per language, that can never show what is not public.

Every key holds the regency, the language, the host and the portal version
(:func:`~superteam.news.services.portal_version`): every editorial change bumps the
version, and a scheduled article changes it the moment its publication time comes. With
a cache shared by all server processes (REDIS_URL) the version is read from that cache
and a cached page costs no database query; otherwise it is read from the database.

Two layers:

- **Fragments** (the content of a page, the sidebar) are rendered without the request
  (no user, no CSRF token, no messages) and shared by everyone.
- **Whole pages** for anonymous visitors without a session (the public): the page is
  rendered with a placeholder where the CSRF token goes, stored, and served with this
  visitor's own token put in its place. Signed-in people, and anyone with a session or
  pending messages, always get a page rendered for them (from the fragments).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from superteam.news.services import portal_version

TIMEOUT = 10 * 60
# Rendered where the CSRF token goes; replaced by the visitor's token on the way out.
# Derived from the secret key, so nobody can type it into an article.
CSRF_PLACEHOLDER = (
    "csrf-"
    + hashlib.sha256(f"news-csrf-placeholder:{settings.SECRET_KEY}".encode()).hexdigest()[:40]
)


def page_key(request, regency, name: str, *parts) -> str:
    versions = request.__dict__.setdefault("_news_portal_versions", {})
    if regency.pk not in versions:
        versions[regency.pk] = portal_version(regency=regency)
    raw = "|".join(
        str(p)
        for p in (
            regency.pk,
            translation.get_language(),
            versions[regency.pk],
            request.get_host(),
            request.is_secure(),
            name,
            *parts,
        )
    )
    return "news:page:" + hashlib.sha256(raw.encode()).hexdigest()


def cached(request, regency, name: str, parts: tuple, build: Callable[[], dict]) -> dict:
    """``build()`` returns a dict of strings (HTML fragments, meta data); cached per key."""
    key = page_key(request, regency, name, *parts)
    data = cache.get(key)
    if data is None:
        data = build()
        cache.set(key, data, TIMEOUT)
    return data


def fragment(template: str, context: dict) -> str:
    """Render a fragment without the request: nothing personal can end up in the cache."""
    return str(render_to_string(template, context))


def safe(html: str):
    return mark_safe(html)  # noqa: S308 - our own fragments, rendered by our templates


def with_token(request, response: HttpResponse) -> HttpResponse:
    """Put this visitor's CSRF token where the page has the placeholder."""
    if CSRF_PLACEHOLDER.encode() in response.content:
        response.content = response.content.replace(
            CSRF_PLACEHOLDER.encode(), get_token(request).encode()
        )
    return response


def _public_visitor(request) -> bool:
    """An anonymous visitor without a session or messages, at a page's own address (no
    query but a page number): the page is the same for all. Decided from the cookies
    alone, without loading a session; odd query strings are not cached, so nobody can
    fill the cache with variants of a page."""
    cookies = request.COOKIES
    query = request.GET
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
        and set(query) <= {"page"}
        and all(v.isdigit() and len(v) < 6 for v in query.getlist("page"))
    )


def whole_page(request, regency, name: str, parts: tuple, respond: Callable[[], HttpResponse]):
    """Serve the whole page from the cache to the public; otherwise render it."""
    key = None
    if _public_visitor(request):
        key = page_key(request, regency, f"page:{name}", *parts, request.get_full_path())
        html = cache.get(key)
        if html is not None:
            return with_token(request, HttpResponse(html))
    response = respond()
    if key is not None and response.status_code == 200:
        cache.set(key, response.content, TIMEOUT)
    return with_token(request, response)
