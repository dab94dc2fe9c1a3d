"""Appending to and verifying the ledger (DESIGN.md, "Ledger").

Other apps call :func:`record` inside the same transaction as the change it records, so
a change and its ledger entry commit or roll back together.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

import rfc8785
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from superteam.ledger.models import GENESIS_HASH, Entry, Head


def jsonable(value: Any) -> Any:
    """Turn dates, decimals and ids into JSON values that canonicalise the same forever."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, float):
        # Floats round-trip differently across databases; ledger payloads keep them as text.
        return repr(value)
    if isinstance(value, Model):
        return value.pk
    return value


def entry_document(
    *,
    seq: int,
    regency_id: int,
    kind: str,
    subject_type: str,
    subject_id: str,
    actor_id: int | None,
    payload: Any,
    created_at: datetime.datetime,
) -> dict:
    """The exact fields an entry's hash covers."""
    return {
        "seq": seq,
        "regency": regency_id,
        "kind": kind,
        "subject": f"{subject_type}:{subject_id}" if subject_type else "",
        "actor": actor_id,
        "payload": payload,
        "at": created_at.astimezone(datetime.UTC).isoformat(),
    }


def chain_hash(prev_hash: str, document: dict) -> str:
    return hashlib.sha256(bytes.fromhex(prev_hash) + rfc8785.dumps(document)).hexdigest()


def _locked_head(regency_id: int) -> Head:
    try:
        return Head.objects.select_for_update().get(regency_id=regency_id)
    except Head.DoesNotExist:
        pass
    try:
        with transaction.atomic():
            Head.objects.create(regency_id=regency_id)
    except IntegrityError:
        pass  # another writer created it first
    return Head.objects.select_for_update().get(regency_id=regency_id)


def record(
    *,
    regency,
    kind: str,
    subject: Model | None = None,
    actor=None,
    payload: dict | None = None,
) -> Entry:
    """Append one event to the regency's chain (call inside the change's transaction)."""
    regency_id = regency if isinstance(regency, int) else regency.pk
    subject_type = (
        f"{subject._meta.app_label}.{subject._meta.model_name}" if subject is not None else ""
    )
    subject_id = str(subject.pk) if subject is not None else ""
    actor_id = getattr(actor, "pk", actor)
    clean_payload = jsonable(payload or {})
    with transaction.atomic():
        head = _locked_head(regency_id)
        # Truncated to milliseconds so every database stores exactly what was hashed.
        now = timezone.now()
        now = now.replace(microsecond=now.microsecond // 1000 * 1000)
        seq = head.seq + 1
        document = entry_document(
            seq=seq,
            regency_id=regency_id,
            kind=kind,
            subject_type=subject_type,
            subject_id=subject_id,
            actor_id=actor_id,
            payload=clean_payload,
            created_at=now,
        )
        digest = chain_hash(head.hash, document)
        entry = Entry.objects.create(
            regency_id=regency_id,
            seq=seq,
            kind=kind,
            subject_type=subject_type,
            subject_id=subject_id,
            actor_id=actor_id,
            payload=clean_payload,
            created_at=now,
            prev_hash=head.hash,
            hash=digest,
        )
        head.seq, head.hash = seq, digest
        head.save(update_fields=["seq", "hash"])
    return entry


@dataclass
class ChainReport:
    """The outcome of recomputing a chain: how far it is sound and where it first breaks."""

    regency_id: int
    checked: int
    head_hash: str
    first_broken_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.first_broken_seq is None


def verify_chain(regency_id: int, *, chunk_size: int = 5000) -> ChainReport:
    """Recompute a regency's chain from the start; name the first entry that does not fit."""
    fields = (
        "seq",
        "kind",
        "subject_type",
        "subject_id",
        "actor_id",
        "payload",
        "created_at",
        "prev_hash",
        "hash",
    )
    prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    rows = Entry.objects.filter(regency_id=regency_id).order_by("seq").values_list(*fields)
    for seq, kind, s_type, s_id, actor_id, payload, created_at, prev_hash, digest in rows.iterator(
        chunk_size=chunk_size
    ):
        if seq != expected_seq:
            return ChainReport(
                regency_id, checked, prev, expected_seq, "missing or reordered entry"
            )
        if prev_hash != prev:
            return ChainReport(regency_id, checked, prev, seq, "does not link to the entry before")
        document = entry_document(
            seq=seq,
            regency_id=regency_id,
            kind=kind,
            subject_type=s_type,
            subject_id=s_id,
            actor_id=actor_id,
            payload=payload,
            created_at=created_at,
        )
        if chain_hash(prev, document) != digest:
            return ChainReport(regency_id, checked, prev, seq, "content altered")
        prev = digest
        expected_seq += 1
        checked += 1
    head = Head.objects.filter(regency_id=regency_id).first()
    if head is not None and (head.seq != checked or head.hash != prev):
        return ChainReport(
            regency_id,
            checked,
            prev,
            checked + 1 if head.seq > checked else head.seq,
            "entries missing at the end",
        )
    return ChainReport(regency_id, checked, prev)
