"""Caching of public portal pages, per language, that can never show what is not public.

The cached part of a page is rendered without the request (no user, no CSRF token, no
messages) and its key holds the regency, the language, the host and the portal version
(:class:`~superteam.news.models.PortalState`): every editorial change bumps the version,
and a scheduled article changes it the moment its publication time comes. The page
around the cached part (header, language switch, subscription form) is rendered for
each request.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from superteam.news.services import portal_state

TIMEOUT = 10 * 60


def page_key(request, regency, name: str, *parts) -> str:
    state = getattr(request, "_news_portal_state", None)
    if state is None or state.regency_id != regency.pk:
        state = request._news_portal_state = portal_state(regency=regency)
    raw = "|".join(
        str(p)
        for p in (
            regency.pk,
            translation.get_language(),
            state.version(),
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
