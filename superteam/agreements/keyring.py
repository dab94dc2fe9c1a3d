"""People's signing keys: made, opened, carried over a password change, replaced on reset.

- A key is made the first time a person signs (their password is at hand then), sealed
  under that password (signing.py).
- A password *change* (the old password is known) reseals the same key under the new one.
- A password *reset* (forgotten password, an administrator or a command setting a new
  one) cannot open the old key: the old key is revoked from that moment and a new key is
  made under the new password. Signatures made before stay valid: verification uses the
  key that was valid at signing time.

The reset path is caught for every way a password can be set by
:class:`SigningKeyFollowsPassword`, listed in ``AUTH_PASSWORD_VALIDATORS``: Django calls
its ``password_changed`` after any ``set_password()`` + ``save()``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from superteam.agreements import signing
from superteam.agreements.models import KeyOrigin, RevokeReason, SigningKey
from superteam.ledger.services import record


def kdf_params() -> signing.KdfParams:
    """The Argon2id cost for new keys (settings SIGNING_KDF_*; RFC 9106 by default)."""
    return signing.KdfParams(
        time_cost=settings.SIGNING_KDF_TIME_COST,
        memory_kib=settings.SIGNING_KDF_MEMORY_KIB,
        parallelism=settings.SIGNING_KDF_PARALLELISM,
    )


def sealed_of(key: SigningKey) -> signing.SealedKey:
    return signing.SealedKey(
        public_key=signing.unb64(key.public_key),
        kdf=key.kdf,
        nonce=signing.unb64(key.nonce),
        ciphertext=signing.unb64(key.encrypted_private_key),
    )


def _store(key: SigningKey, sealed: signing.SealedKey) -> None:
    key.public_key = signing.b64(sealed.public_key)
    key.fingerprint = signing.fingerprint(sealed.public_key)
    key.kdf = sealed.kdf
    key.nonce = signing.b64(sealed.nonce)
    key.encrypted_private_key = signing.b64(sealed.ciphertext)


def active_key(person) -> SigningKey | None:
    return SigningKey.objects.filter(person=person, revoked_at__isnull=True).first()


def _regency_id(person) -> int | None:
    return person.regency_id


@transaction.atomic
def create_key(
    *,
    person,
    password: str,
    origin: str = KeyOrigin.HOLDER,
    params: signing.KdfParams | None = None,
) -> SigningKey:
    """Make a person's key, sealed under ``password`` (the caller has checked it)."""
    sealed = signing.generate(password, params or kdf_params())
    key = SigningKey(person=person, origin=origin, created_at=timezone.now())
    _store(key, sealed)
    key.save()
    if _regency_id(person):
        record(
            regency=person.regency_id,
            kind="agreements.key_created",
            subject=key,
            actor=person,
            payload={
                "person": person.pk,
                "public_key": key.public_key,
                "fingerprint": key.fingerprint,
                "origin": origin,
                "created_at": key.created_at,
            },
        )
    return key


@transaction.atomic
def revoke_key(*, key: SigningKey, reason: str, actor=None) -> SigningKey:
    """Stop a key from signing from now on; signatures it made before stay valid."""
    if key.revoked_at is not None:
        return key
    key.revoked_at = timezone.now()
    key.revoke_reason = reason
    key.save(update_fields=["revoked_at", "revoke_reason"])
    if key.person.regency_id:
        record(
            regency=key.person.regency_id,
            kind="agreements.key_revoked",
            subject=key,
            actor=actor,
            payload={
                "fingerprint": key.fingerprint,
                "reason": reason,
                "revoked_at": key.revoked_at,
            },
        )
    return key


def unlock(key: SigningKey, password: str):
    """The private key, opened with the password; raises signing.WrongPassword."""
    return signing.unseal(sealed_of(key), password)


@transaction.atomic
def reseal_for_new_password(*, person, old_password: str, new_password: str) -> bool:
    """On a password change: the same key, sealed under the new password. Returns False
    when there is no key or the old password does not open it (then the key is replaced
    when the new password is saved)."""
    key = SigningKey.objects.select_for_update().filter(person=person, revoked_at=None).first()
    if key is None:
        return False
    try:
        sealed = signing.reseal(sealed_of(key), old_password, new_password, kdf_params())
    except signing.WrongPassword:
        return False
    _store(key, sealed)
    key.save(update_fields=["kdf", "nonce", "encrypted_private_key"])
    return True


@transaction.atomic
def follow_password(*, person, password: str, reason: str = RevokeReason.SET) -> SigningKey | None:
    """After a password was set: keep the key if the password opens it, otherwise revoke it
    and make a new one under the new password (reset)."""
    key = SigningKey.objects.select_for_update().filter(person=person, revoked_at=None).first()
    if key is None:
        return None
    try:
        unlock(key, password)
        return key
    except signing.WrongPassword:
        pass
    revoke_key(key=key, reason=reason, actor=person)
    return create_key(person=person, password=password)


class SigningKeyFollowsPassword:
    """Password "validator" whose only job is Django's ``password_changed`` hook: after any
    password is set, the person's signing key follows it (see :func:`follow_password`)."""

    def validate(self, password, user=None):
        return None

    def password_changed(self, password, user=None):
        if user is None or user.pk is None:
            return
        reason = getattr(user, "_signing_key_reason", RevokeReason.SET)
        follow_password(person=user, password=password, reason=reason)

    def get_help_text(self):
        return _(
            "Your signing key is sealed with your password. Changing your password keeps "
            "the key; resetting a forgotten password replaces it (agreements you signed "
            "stay valid)."
        )
