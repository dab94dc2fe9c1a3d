"""The signing module (no database): keys sealed under a password, signatures over hashes."""

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from superteam.agreements import signing

FAST = signing.KdfParams(time_cost=1, memory_kib=8192, parallelism=1)
DIGEST = hashlib.sha256(b"Perjanjian Kinerja 2026").digest()


def test_a_sealed_key_opens_only_with_its_password():
    sealed = signing.generate("kata sandi rahasia", FAST)
    key = signing.unseal(sealed, "kata sandi rahasia")
    assert signing.public_bytes(key) == sealed.public_key
    with pytest.raises(signing.WrongPassword):
        signing.unseal(sealed, "kata sandi salah")
    with pytest.raises(signing.WrongPassword):
        signing.unseal(sealed, "")


def test_the_private_key_is_not_stored_in_clear():
    sealed = signing.generate("pw-123456789", FAST)
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
    )

    seed = signing.unseal(sealed, "pw-123456789").private_bytes(
        Encoding.Raw, PrivateFormat.Raw, NoEncryption()
    )
    assert seed not in sealed.ciphertext and seed not in sealed.nonce
    assert sealed.kdf["alg"] == "argon2id" and sealed.kdf["m"] == 8192


def test_a_sealed_key_cannot_be_moved_under_another_public_key():
    a = signing.generate("pw-aaaaaaaaaa", FAST)
    b = signing.generate("pw-aaaaaaaaaa", FAST)
    swapped = signing.SealedKey(b.public_key, a.kdf, a.nonce, a.ciphertext)
    with pytest.raises(signing.WrongPassword):
        signing.unseal(swapped, "pw-aaaaaaaaaa")


def test_reseal_keeps_the_key_under_a_new_password():
    sealed = signing.generate("old-password-1", FAST)
    moved = signing.reseal(sealed, "old-password-1", "new-password-2", FAST)
    assert moved.public_key == sealed.public_key
    assert signing.public_bytes(signing.unseal(moved, "new-password-2")) == sealed.public_key
    with pytest.raises(signing.WrongPassword):
        signing.unseal(moved, "old-password-1")
    with pytest.raises(signing.WrongPassword):
        signing.reseal(sealed, "not-the-old-one", "x", FAST)


def test_stored_cost_parameters_are_used_to_open_a_key():
    slow = signing.KdfParams(time_cost=2, memory_kib=16384, parallelism=2)
    sealed = signing.generate("pw-cost-check", slow)
    assert (sealed.kdf["t"], sealed.kdf["m"], sealed.kdf["p"]) == (2, 16384, 2)
    signing.unseal(sealed, "pw-cost-check")  # opens whatever today's default is


def test_a_signature_verifies_with_its_key_and_digest_only():
    sealed = signing.generate("pw-signature", FAST)
    key = signing.unseal(sealed, "pw-signature")
    signature = signing.sign(key, DIGEST)
    assert signing.verify(sealed.public_key, signature, DIGEST)
    other = hashlib.sha256(b"another document").digest()
    assert not signing.verify(sealed.public_key, signature, other)
    stranger = signing.generate("pw-other", FAST).public_key
    assert not signing.verify(stranger, signature, DIGEST)
    assert not signing.verify(b"short", signature, DIGEST)
    with pytest.raises(ValueError):
        signing.sign(key, b"not a digest")


@settings(max_examples=60, deadline=None)
@given(position=st.integers(min_value=0, max_value=63), bit=st.integers(min_value=0, max_value=7))
def test_flipping_any_bit_of_a_signature_makes_it_invalid(position, bit):
    signature = bytearray(_SIGNATURE)
    signature[position] ^= 1 << bit
    assert not signing.verify(_SEALED.public_key, bytes(signature), DIGEST)


@settings(max_examples=60, deadline=None)
@given(position=st.integers(min_value=0, max_value=31), bit=st.integers(min_value=0, max_value=7))
def test_flipping_any_bit_of_the_document_id_makes_the_signature_invalid(position, bit):
    digest = bytearray(DIGEST)
    digest[position] ^= 1 << bit
    assert not signing.verify(_SEALED.public_key, _SIGNATURE, bytes(digest))


def test_fingerprint_is_the_sha256_of_the_raw_public_key():
    assert signing.fingerprint(_SEALED.public_key) == hashlib.sha256(_SEALED.public_key).hexdigest()


_SEALED = signing.generate("pw-module", FAST)
_SIGNATURE = signing.sign(signing.unseal(_SEALED, "pw-module"), DIGEST)
