"""The installation key: an Ed25519 key that signs ledger checkpoints.

Configured with ``LEDGER_SIGNING_KEY`` (the 32-byte seed in hex or base64), or else
generated once into ``LEDGER_SIGNING_KEY_FILE`` (under VAR_DIR, mode 0600) and read from
there afterwards. Anyone can verify a checkpoint with the public key alone.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _seed_from_text(text: str) -> bytes:
    text = text.strip()
    try:
        seed = bytes.fromhex(text)
    except ValueError:
        try:
            seed = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            seed = b""
    if len(seed) != 32:
        raise ImproperlyConfigured(
            "LEDGER_SIGNING_KEY must be a 32-byte Ed25519 seed in hex (64 digits) or base64."
        )
    return seed


def _seed_from_file(path: Path) -> bytes:
    """Read the seed, or create it once (O_EXCL: two processes never make two keys)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(os.urandom(32).hex() + "\n")
    return _seed_from_text(path.read_text())


@lru_cache(maxsize=4)
def _load(configured: str, path: str) -> Ed25519PrivateKey:
    seed = _seed_from_text(configured) if configured else _seed_from_file(Path(path))
    return Ed25519PrivateKey.from_private_bytes(seed)


def installation_key() -> Ed25519PrivateKey:
    return _load(settings.LEDGER_SIGNING_KEY, str(settings.LEDGER_SIGNING_KEY_FILE))


def public_key_bytes(key: Ed25519PrivateKey | None = None) -> bytes:
    key = key or installation_key()
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def public_key_b64() -> str:
    return base64.b64encode(public_key_bytes()).decode("ascii")


def fingerprint(public_key: bytes) -> str:
    return hashlib.sha256(public_key).hexdigest()
