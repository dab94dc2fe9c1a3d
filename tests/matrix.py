"""The authorisation matrix: every view, every role, the answer each must get.

Each app lists its views in ``tests/<app>/matrix.py`` as ``CASES``; the test in
``tests/core/test_authorization_matrix.py`` runs all of them against all roles and fails
when a named URL has no row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

SIGNED_IN = frozenset({"outsider", "staff", "kasi", "kabid", "head", "verifier", "admin", "regent"})
EVERYONE = SIGNED_IN | {"anonymous"}
GOVERNORS = frozenset({"admin", "regent"})
READERS_OF_ALL = frozenset({"admin", "regent", "verifier"})
HOLDERS = SIGNED_IN - {"outsider"}


@dataclass(frozen=True)
class Case:
    """One view: URL name and arguments (built from the personas), who gets ``ok``."""

    name: str
    allowed: frozenset[str]
    args: Callable = field(default=lambda p: {})
    method: str = "get"
    data: Callable | None = None
    ok: int | tuple[int, ...] = 200
    denied: int | tuple[int, ...] = 403
    headers: dict = field(default_factory=dict)
    id: str = ""

    @property
    def label(self) -> str:
        return self.id or self.name
