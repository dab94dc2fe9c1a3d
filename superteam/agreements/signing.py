"""Signing primitives, free of Django: Ed25519 keys, a private key sealed under a password,
and signatures over a document's SHA-256.

- A key pair is Ed25519 (RFC 8032) from ``cryptography``.
- The private key (its 32-byte seed) is sealed with AES-256-GCM under a key derived from
  the password with Argon2id (RFC 9106); the public key is the associated data, so a
  sealed key cannot be swapped under another public key unnoticed.
- A signature is Ed25519 over the 32 raw bytes of the SHA-256 document id, so anyone can
  check it with any Ed25519 library: ``verify(public_key, signature, sha256(document))``.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

SEAL_CONTEXT = b"superteam/signing-key/v1:"


class WrongPassword(Exception):
    """The password does not open this sealed key."""


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost; stored with each sealed key so older keys open after a change."""

    time_cost: int = 3
    memory_kib: int = 65536
    parallelism: int = 4

    def as_dict(self, salt: bytes) -> dict:
        return {
            "alg": "argon2id",
            "t": self.time_cost,
            "m": self.memory_kib,
            "p": self.parallelism,
            "salt": b64(salt),
        }

    @classmethod
    def from_dict(cls, data: dict) -> tuple[KdfParams, bytes]:
        if data.get("alg") != "argon2id":
            raise ValueError(f"Unknown key derivation {data.get('alg')!r}.")
        return cls(int(data["t"]), int(data["m"]), int(data["p"])), unb64(data["salt"])


@dataclass(frozen=True)
class SealedKey:
    """What is stored: public key, key derivation parameters, nonce and ciphertext."""

    public_key: bytes
    kdf: dict
    nonce: bytes
    ciphertext: bytes


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def public_bytes(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


def fingerprint(public_key: bytes) -> str:
    """SHA-256 of the raw public key, in hex: the key id printed on PDFs and pages."""
    return hashlib.sha256(public_key).hexdigest()


def _derive(password: str, salt: bytes, params: KdfParams) -> bytes:
    return hash_secret_raw(
        password.encode("utf-8"),
        salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=32,
        type=Type.ID,
    )


def seal(private_key: Ed25519PrivateKey, password: str, params: KdfParams) -> SealedKey:
    """Encrypt a private key under a key derived from the password."""
    salt, nonce = os.urandom(16), os.urandom(12)
    seed = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    public = public_bytes(private_key)
    ciphertext = AESGCM(_derive(password, salt, params)).encrypt(nonce, seed, SEAL_CONTEXT + public)
    return SealedKey(public, params.as_dict(salt), nonce, ciphertext)


def generate(password: str, params: KdfParams) -> SealedKey:
    """A new key pair, its private half sealed under the password."""
    return seal(Ed25519PrivateKey.generate(), password, params)


def unseal(sealed: SealedKey, password: str) -> Ed25519PrivateKey:
    """Open a sealed key; raises WrongPassword when the password does not fit."""
    params, salt = KdfParams.from_dict(sealed.kdf)
    try:
        seed = AESGCM(_derive(password, salt, params)).decrypt(
            sealed.nonce, sealed.ciphertext, SEAL_CONTEXT + sealed.public_key
        )
    except InvalidTag:
        raise WrongPassword from None
    key = Ed25519PrivateKey.from_private_bytes(seed)
    if public_bytes(key) != sealed.public_key:
        raise WrongPassword
    return key


def reseal(sealed: SealedKey, old_password: str, new_password: str, params: KdfParams) -> SealedKey:
    """The same key pair sealed under a new password (a password change keeps the key)."""
    return seal(unseal(sealed, old_password), new_password, params)


def sign(private_key: Ed25519PrivateKey, document_hash: bytes) -> bytes:
    """Ed25519 signature over the 32-byte SHA-256 document id."""
    if len(document_hash) != 32:
        raise ValueError("A document id is a 32-byte SHA-256 digest.")
    return private_key.sign(document_hash)


def verify(public_key: bytes, signature: bytes, document_hash: bytes) -> bool:
    """Whether ``signature`` is the key's signature over ``document_hash``."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, document_hash)
    except (InvalidSignature, ValueError):
        return False
    return True
