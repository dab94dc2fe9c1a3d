"""Issuing and revoking API tokens."""

import secrets

from django.db import transaction
from django.utils import timezone

from superteam.api.models import ApiToken, hash_token
from superteam.ledger.services import record

TOKEN_PREFIX = "st_"  # noqa: S105 - a public prefix, not a secret


def _record(token: ApiToken, kind: str, actor) -> None:
    # A token acts for its person: issuing and revoking one is part of the regency's record.
    if token.person.regency_id:
        record(
            regency=token.person.regency_id,
            kind=kind,
            subject=token,
            actor=actor,
            payload={"person": token.person_id, "name": token.name, "prefix": token.prefix},
        )


@transaction.atomic
def issue_token(*, person, name: str, actor=None) -> tuple[ApiToken, str]:
    """Create a token for a device; the raw token is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        person=person, name=name, prefix=raw[:10], key_hash=hash_token(raw)
    )
    _record(token, "api.token_issued", actor or person)
    return token, raw


@transaction.atomic
def revoke_token(*, token: ApiToken, actor=None) -> None:
    """Stop a token from working from now on."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        _record(token, "api.token_revoked", actor)


def person_for_token(raw: str):
    """The active person a raw token acts for, or None."""
    token = (
        ApiToken.objects.active()
        .select_related("person")
        .filter(key_hash=hash_token(raw), person__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Record use at most once a minute: a busy device must not write on every request.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.person
