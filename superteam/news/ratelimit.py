"""Request counting in the cache: at most N requests per key in a window of seconds.

With several app servers the cache must be shared (``REDIS_URL``); with the default
in-process cache each server counts for itself.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def allow(key: str, limit: int, window: int) -> bool:
    """Count one request under ``key``; False once more than ``limit`` fall in the window."""
    cache_key = "ratelimit:" + hashlib.sha256(key.encode()).hexdigest()
    cache.add(cache_key, 0, window)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, window)
        count = 1
    return count <= limit


def client_address(request) -> str:
    """The client's address; behind ``PROXY_COUNT`` proxies, taken from X-Forwarded-For."""
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", None) or 0
    if proxies:
        forwarded = [
            part.strip()
            for part in request.headers.get("x-forwarded-for", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
