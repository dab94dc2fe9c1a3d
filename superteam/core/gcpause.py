"""Pausing Python's cyclic garbage collector around bulk work.

Verifying thousands of agreement versions or a long ledger allocates millions of small,
acyclic objects (rows, tuples, dicts) that reference counting frees on its own. Every
700 allocations the collector nevertheless walks the young objects, and every so often
all of the process's objects (Django's models, URL patterns, templates): a fifth of a
bulk verification's time went there. Inside :func:`paused` it does not run; when the
outermost pause ends it is switched back on (it was on before) and catches up.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def paused():
    """No cyclic garbage collection inside (nestable, thread-safe: the collector is
    switched back on when the last pause in the process ends, if it was on before)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
