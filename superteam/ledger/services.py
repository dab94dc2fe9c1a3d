"""Appending to and verifying the ledger (DESIGN.md, "Ledger").

Other apps call :func:`record` inside the same transaction as the change it records, so
a change and its ledger entry commit or roll back together.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import hashlib
import json
import uuid
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any

import rfc8785
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_noop

from superteam.core import fastsql
from superteam.ledger.models import GENESIS_HASH, Checkpoint, Entry, Head, Verification


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
        "subject": f"{subject_type}:{subject_id}" if subject_type or subject_id else "",
        "actor": actor_id,
        "payload": payload,
        "at": created_at.astimezone(datetime.UTC).isoformat(),
    }


def chain_hash(prev_hash: str, document: dict) -> str:
    return hashlib.sha256(bytes.fromhex(prev_hash) + rfc8785.dumps(document)).hexdigest()


_HEAD_SQL: dict[str, tuple[str, str]] = {}


def _head_statements(conn) -> tuple[str, str]:
    """SELECT (locking) and UPDATE of a regency's chain head, written once per database:
    :func:`record` runs on every change of every app (see core/fastsql.py for why)."""
    found = _HEAD_SQL.get(conn.alias)
    if found is None:
        q = conn.ops.quote_name
        table = q(Head._meta.db_table)
        lock = " FOR UPDATE" if conn.features.has_select_for_update else ""
        # Only quoted model names go into the text; the values are parameters.
        select = f"SELECT {q('seq')}, {q('hash')} FROM {table} WHERE {q('regency_id')} = %s"  # noqa: S608
        update = (
            f"UPDATE {table} SET {q('seq')} = %s, {q('hash')} = %s WHERE {q('regency_id')} = %s"  # noqa: S608
        )
        found = _HEAD_SQL[conn.alias] = (select + lock, update)
    return found


def _head(regency_id: int) -> tuple[int, str]:
    """(seq, hash) of the regency's chain head, locked until the transaction ends
    (SELECT ... FOR UPDATE on PostgreSQL; SQLite's transactions here are IMMEDIATE: the
    database's write lock is already held). Creates the head on the regency's first entry."""
    select, _update = _head_statements(connection)
    with connection.cursor() as cursor:
        cursor.execute(select, [regency_id])
        row = cursor.fetchone()
        if row is None:  # the regency's first entry
            try:
                with transaction.atomic():
                    Head.objects.create(regency_id=regency_id)
            except IntegrityError:
                pass  # another writer created it first
            cursor.execute(select, [regency_id])
            row = cursor.fetchone()
    return row[0], row[1]


# The entry document's keys in RFC 8785's order (by UTF-16 code units), each written once.
_DOCUMENT_KEYS = tuple(
    sorted(
        ("seq", "regency", "kind", "subject", "actor", "payload", "at"),
        key=lambda k: k.encode("utf-16-be"),
    )
)
_KEY_BYTES = {k: rfc8785.dumps(k) + b":" for k in _DOCUMENT_KEYS}


class _Event:
    """What an entry says apart from its place in the chain (number, time, subject's key,
    the hash before), with those parts of its document already canonical: an event is
    prepared before the transaction that appends it, and only chained inside. The bytes
    hashed are ``rfc8785.dumps(entry_document(...))`` (tests/ledger/test_chain.py)."""

    __slots__ = ("actor_id", "kind", "parts", "payload", "regency_id", "subject_type")

    def __init__(self, *, regency_id: int, kind: str, subject_type: str, actor, payload):
        self.regency_id, self.kind, self.subject_type = regency_id, kind, subject_type
        self.actor_id = getattr(actor, "pk", actor)
        self.payload = jsonable(payload or {})
        self.parts = {
            "regency": rfc8785.dumps(regency_id),
            "kind": rfc8785.dumps(kind),
            "actor": rfc8785.dumps(self.actor_id),
            "payload": rfc8785.dumps(self.payload),
        }

    def chain(self, *, seq: int, prev_hash: str, subject_id: str) -> dict:
        """The entry's remaining fields (seq, subject, time, hashes), chained to ``prev_hash``."""
        # Truncated to milliseconds so every database stores exactly what was hashed.
        now = timezone.now()
        now = now.replace(microsecond=now.microsecond // 1000 * 1000)
        subject = f"{self.subject_type}:{subject_id}" if self.subject_type or subject_id else ""
        parts = {
            **self.parts,
            "seq": rfc8785.dumps(seq),
            "subject": rfc8785.dumps(subject),
            "at": rfc8785.dumps(now.astimezone(datetime.UTC).isoformat()),
        }
        document = b"{" + b",".join(_KEY_BYTES[k] + parts[k] for k in _DOCUMENT_KEYS) + b"}"
        return {
            "seq": seq,
            "subject_id": subject_id,
            "created_at": now,
            "prev_hash": prev_hash,
            "hash": hashlib.sha256(bytes.fromhex(prev_hash) + document).hexdigest(),
        }

    def entry(self, **unsaved) -> Entry:
        return Entry(
            regency_id=self.regency_id,
            kind=self.kind,
            subject_type=self.subject_type,
            actor_id=self.actor_id,
            payload=self.payload,
            **unsaved,
        )


def _event(*, regency, kind: str, subject=None, subject_model=None, actor, payload) -> _Event:
    model = subject_model or (type(subject) if subject is not None else None)
    return _Event(
        regency_id=regency if isinstance(regency, int) else regency.pk,
        kind=kind,
        subject_type=f"{model._meta.app_label}.{model._meta.model_name}" if model else "",
        actor=actor,
        payload=payload,
    )


def _subject_id(subject) -> str:
    return str(subject.pk) if subject is not None else ""


def _move_head(regency_id: int, seq: int, digest: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_head_statements(connection)[1], [seq, digest, regency_id])


class PreparedRecord:
    """An event made ready before its transaction (see :func:`prepare_record`)."""

    __slots__ = ("event", "row")

    def __init__(self, event: _Event):
        self.event = event
        self.row = fastsql.prepare(event.entry())

    def append(self, *, subject=None) -> Entry:
        """Append the event to its chain, about ``subject`` (an instance of the model given
        when prepared, saved by now): call inside the change's transaction."""
        event = self.event
        with transaction.atomic(savepoint=False):
            head_seq, head_hash = _head(event.regency_id)
            fields = event.chain(
                seq=head_seq + 1, prev_hash=head_hash, subject_id=_subject_id(subject)
            )
            entry = self.row.set(**fields).insert()
            _move_head(event.regency_id, entry.seq, entry.hash)
        return entry


def prepare_record(
    *, regency, kind: str, subject_model, actor=None, payload: dict | None = None
) -> PreparedRecord:
    """:func:`record` in two steps, for a change made under a lock: everything that does not
    depend on the chain (the payload made canonical, the row's values) is done now, before
    the transaction; :meth:`PreparedRecord.append` only reads and moves the chain's head
    and inserts. ``subject_model``: the model of the subject (its key is not known yet)."""
    return PreparedRecord(
        _event(
            regency=regency, kind=kind, subject_model=subject_model, actor=actor, payload=payload
        )
    )


def record(
    *,
    regency,
    kind: str,
    subject: Model | None = None,
    actor=None,
    payload: dict | None = None,
) -> Entry:
    """Append one event to the regency's chain (call inside the change's transaction: the
    change and its entry commit or roll back together; a failure here fails the change)."""
    event = _event(regency=regency, kind=kind, subject=subject, actor=actor, payload=payload)
    return PreparedRecord(event).append(subject=subject)


# Why a chain or a checkpoint fails (English; pages show them translated).
REASON_MISSING = gettext_noop("missing or reordered entry")
REASON_UNLINKED = gettext_noop("does not link to the entry before")
REASON_ALTERED = gettext_noop("content altered")
REASON_REWRITTEN = gettext_noop("rewritten: differs from a signed checkpoint")
REASON_TRUNCATED = gettext_noop("entries missing at the end")
REASON_SHORTER = gettext_noop("shorter than a signed checkpoint: entries deleted at the end")
REASON_OTHER_KEY = gettext_noop("signed with another key")
REASON_BAD_SIGNATURE = gettext_noop("signature does not verify")
REASON_DISAGREE = gettext_noop("two checkpoints disagree on this entry")


def record_many(*, regency, events: list[dict], batch_size: int = 2000) -> int:
    """Append many events at once (imports, bulk loads): the same chain as :func:`record`,
    hashed in order under the head lock and inserted in batches. Each event is a dict with
    ``kind`` and optionally ``subject`` (a model instance), ``actor`` and ``payload``."""
    regency_id = regency if isinstance(regency, int) else regency.pk
    with transaction.atomic():
        seq, prev = _head(regency_id)
        rows = []
        for event in events:
            seq += 1
            subject = event.get("subject")
            made = _event(
                regency=regency_id,
                kind=event["kind"],
                subject=subject,
                actor=event.get("actor"),
                payload=event.get("payload"),
            )
            entry = made.entry(
                **made.chain(seq=seq, prev_hash=prev, subject_id=_subject_id(subject))
            )
            rows.append(entry)
            prev = entry.hash
        Entry.objects.bulk_create(rows, batch_size=batch_size)
        _move_head(regency_id, seq, prev)
    return len(rows)


@dataclass
class ChainReport:
    """The outcome of recomputing a chain: how far it is sound and where it first breaks."""

    regency_id: int
    checked: int
    head_hash: str
    first_broken_seq: int | None = None
    reason: str = ""
    # For a break found against a checkpoint: the last entry known good (the change lies
    # after it, up to first_broken_seq).
    known_good_seq: int | None = None
    checkpoints_checked: int = 0

    @property
    def ok(self) -> bool:
        return self.first_broken_seq is None


def _iso_utc(value) -> str:
    """created_at as entry_document writes it; SQLite hands back UTC text (or naive)."""
    if isinstance(value, str):
        return value.replace(" ", "T", 1) + "+00:00"
    if value.tzinfo is None:
        return value.replace(tzinfo=datetime.UTC).isoformat()
    return value.astimezone(datetime.UTC).isoformat()


def _fast_bytes(document: dict) -> bytes:
    # Equal to RFC 8785 for entry documents (ASCII keys, integers, text); a mismatch is
    # re-checked with rfc8785 itself before an entry is called broken.
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


ENTRY_COLUMNS = (
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


def entry_rows(regency_id: int, *, chunk_size: int = 5000):
    """Raw rows of a regency's chain in order, streamed (a server-side cursor on PostgreSQL).

    On SQLite the time comes back as its stored UTC text, which needs no parsing."""
    quote = connection.ops.quote_name
    columns = [quote(c) for c in ENTRY_COLUMNS]
    if connection.vendor == "sqlite":
        columns[6] = f"CAST({quote('created_at')} AS TEXT)"
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(Entry._meta.db_table)} "  # noqa: S608
        "WHERE regency_id = %s ORDER BY seq"
    )
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, [regency_id])
        while rows := cursor.fetchmany(chunk_size):
            yield from rows


def _entry_matches(prev: str, digest: str, row: tuple, regency_id: int, splice: bool) -> bool:
    """Whether an entry's stored fields give its stored hash.

    Fast path: the payload column already holds the canonical text (CanonicalJSONEncoder),
    so the document is spliced together and hashed without parsing. Otherwise (PostgreSQL
    rewrites jsonb text; or any edit) the payload is parsed and serialised again, and only
    if that differs too is RFC 8785 itself asked."""
    seq, kind, s_type, s_id, actor_id, payload, created_at, _prev, _hash = row
    prev_bytes = bytes.fromhex(prev)
    subject = f"{s_type}:{s_id}" if s_type or s_id else ""
    at = _iso_utc(created_at)
    if splice and isinstance(payload, str):
        text = (
            f'{{"actor":{"null" if actor_id is None else actor_id},"at":"{at}",'
            f'"kind":{encode_basestring(kind)},"payload":{payload},"regency":{regency_id},'
            f'"seq":{seq},"subject":{encode_basestring(subject)}}}'
        )
        if hashlib.sha256(prev_bytes + text.encode("utf-8")).hexdigest() == digest:
            return True
    document = {
        "seq": seq,
        "regency": regency_id,
        "kind": kind,
        "subject": subject,
        "actor": actor_id,
        "payload": json.loads(payload) if isinstance(payload, str | bytes) else payload,
        "at": at,
    }
    if hashlib.sha256(prev_bytes + _fast_bytes(document)).hexdigest() == digest:
        return True
    return hashlib.sha256(prev_bytes + rfc8785.dumps(document)).hexdigest() == digest


def verify_chain(
    regency_id: int,
    *,
    chunk_size: int = 5000,
    checkpoints: dict[int, str] | None = None,
    progress=None,
) -> ChainReport:
    """Recompute a regency's chain from the start; name the first entry that does not fit.

    ``checkpoints`` maps an entry number to the head hash a signed checkpoint recorded
    there: a chain rewritten as a whole (consistent in itself) differs from it.
    """
    checkpoints = checkpoints or {}
    splice = connection.vendor == "sqlite"
    prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    matched = 0
    last_good_checkpoint = 0
    for row in entry_rows(regency_id, chunk_size=chunk_size):
        seq, prev_hash, digest = row[0], row[7], row[8]
        if seq != expected_seq:
            return ChainReport(
                regency_id,
                checked,
                prev,
                expected_seq,
                REASON_MISSING,
                checkpoints_checked=matched,
            )
        if prev_hash != prev:
            return ChainReport(
                regency_id, checked, prev, seq, REASON_UNLINKED, checkpoints_checked=matched
            )
        if not _entry_matches(prev, digest, row, regency_id, splice):
            return ChainReport(
                regency_id, checked, prev, seq, REASON_ALTERED, checkpoints_checked=matched
            )
        prev = digest
        expected_seq += 1
        checked += 1
        if seq in checkpoints:
            if checkpoints[seq] != digest:
                return ChainReport(
                    regency_id,
                    checked,
                    prev,
                    seq,
                    REASON_REWRITTEN,
                    known_good_seq=last_good_checkpoint,
                    checkpoints_checked=matched,
                )
            matched += 1
            last_good_checkpoint = seq
        if progress is not None and checked % chunk_size == 0:
            progress(chunk_size)
    head = Head.objects.filter(regency_id=regency_id).first()
    if head is not None and (head.seq != checked or head.hash != prev):
        return ChainReport(
            regency_id,
            checked,
            prev,
            checked + 1 if head.seq > checked else head.seq,
            REASON_TRUNCATED,
            checkpoints_checked=matched,
        )
    if any(s > checked for s in checkpoints):
        return ChainReport(
            regency_id,
            checked,
            prev,
            checked + 1,
            REASON_SHORTER,
            known_good_seq=last_good_checkpoint,
            checkpoints_checked=matched,
        )
    return ChainReport(regency_id, checked, prev, checkpoints_checked=matched)


# --- Signed checkpoints ----------------------------------------------------------------

CHECKPOINT_FORM = "superteam/ledger-checkpoint/1"
EXPORT_FORMAT = "superteam/ledger-checkpoints/1"


def checkpoint_document(
    *, regency_id: int, seq: int, head_hash: str, at: datetime.datetime
) -> dict:
    """What the installation key signs (RFC 8785 bytes of this object)."""
    return {
        "form": CHECKPOINT_FORM,
        "regency": regency_id,
        "seq": seq,
        "head": head_hash,
        "at": at.astimezone(datetime.UTC).isoformat(),
    }


def make_checkpoint(*, regency) -> Checkpoint:
    """Sign the chain's current size and head hash (the newest checkpoint when unchanged)."""
    from superteam.ledger import keys

    regency_id = regency if isinstance(regency, int) else regency.pk
    head = Head.objects.filter(regency_id=regency_id).first()
    seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    latest = (
        Checkpoint.objects.filter(regency_id=regency_id).order_by("-seq", "-created_at").first()
    )
    if latest is not None and latest.seq == seq and latest.head_hash == head_hash:
        return latest
    now = timezone.now()
    now = now.replace(microsecond=now.microsecond // 1000 * 1000)
    key = keys.installation_key()
    document = checkpoint_document(regency_id=regency_id, seq=seq, head_hash=head_hash, at=now)
    return Checkpoint.objects.create(
        regency_id=regency_id,
        seq=seq,
        head_hash=head_hash,
        created_at=now,
        public_key=base64.b64encode(keys.public_key_bytes(key)).decode("ascii"),
        signature=base64.b64encode(key.sign(rfc8785.dumps(document))).decode("ascii"),
    )


def checkpoint_signature_ok(
    *, regency_id: int, seq: int, head_hash: str, at, public_key: str, signature: str
) -> bool:
    """Whether a checkpoint's signature is the given public key's, over its fields."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    if isinstance(at, str):
        at = datetime.datetime.fromisoformat(at)
    document = checkpoint_document(regency_id=regency_id, seq=seq, head_hash=head_hash, at=at)
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key)).verify(
            base64.b64decode(signature), rfc8785.dumps(document)
        )
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def export_checkpoints(*, regency, checkpoints=None) -> dict:
    """The publishable form of a regency's checkpoints (JSON), newest first."""
    from superteam.ledger import keys

    rows = checkpoints if checkpoints is not None else Checkpoint.objects.filter(regency=regency)
    return {
        "format": EXPORT_FORMAT,
        "regency": {"id": regency.pk, "code": regency.code, "name": regency.name},
        "installation_key": keys.public_key_b64(),
        "exported_at": timezone.now().astimezone(datetime.UTC).isoformat(),
        "checkpoints": [
            {
                "seq": c.seq,
                "head": c.head_hash,
                "at": c.created_at.astimezone(datetime.UTC).isoformat(),
                "public_key": c.public_key,
                "signature": c.signature,
            }
            for c in rows.order_by("-seq", "-created_at")
        ],
    }


@dataclass
class CheckpointProblem:
    seq: int
    at: str
    reason: str


def trusted_checkpoints(
    *, regency_id: int, published: list[dict] | None = None, public_key: str | None = None
) -> tuple[dict[int, str], list[CheckpointProblem]]:
    """Head hashes by entry number from the stored and the published checkpoints whose
    signatures verify; problems for the ones that do not (a forged or edited checkpoint)."""
    from superteam.ledger import keys

    expected: dict[int, str] = {}
    problems: list[CheckpointProblem] = []
    installation = keys.public_key_b64()
    stored = [
        {
            "seq": c.seq,
            "head": c.head_hash,
            "at": c.created_at,
            "public_key": c.public_key,
            "signature": c.signature,
            "origin": "stored",
        }
        for c in Checkpoint.objects.filter(regency_id=regency_id)
    ]
    for item in stored + [dict(p, origin="published") for p in (published or [])]:
        trusted_key = public_key or (installation if item["origin"] == "stored" else None)
        at = item["at"]
        at_text = at if isinstance(at, str) else at.astimezone(datetime.UTC).isoformat()
        if trusted_key and item["public_key"] != trusted_key:
            problems.append(CheckpointProblem(item["seq"], at_text, REASON_OTHER_KEY))
            continue
        if not checkpoint_signature_ok(
            regency_id=regency_id,
            seq=item["seq"],
            head_hash=item["head"],
            at=at,
            public_key=item["public_key"],
            signature=item["signature"],
        ):
            problems.append(CheckpointProblem(item["seq"], at_text, REASON_BAD_SIGNATURE))
            continue
        if item["seq"] in expected and expected[item["seq"]] != item["head"]:
            problems.append(CheckpointProblem(item["seq"], at_text, REASON_DISAGREE))
            continue
        expected[item["seq"]] = item["head"]
    expected.pop(0, None)
    return expected, problems


def run_verification(
    *, regency, requested_by=None, published: list[dict] | None = None, progress=None
) -> tuple[Verification, ChainReport, list[CheckpointProblem]]:
    """Verify a regency's chain against its checkpoints and keep the outcome."""
    regency_id = regency if isinstance(regency, int) else regency.pk
    started = timezone.now()
    expected, problems = trusted_checkpoints(regency_id=regency_id, published=published)
    report = verify_chain(regency_id, checkpoints=expected, progress=progress)
    reason = report.reason
    if report.ok and problems:
        reason = "; ".join(f"checkpoint #{p.seq} ({p.at}): {p.reason}" for p in problems)
    verification = Verification.objects.create(
        regency_id=regency_id,
        started_at=started,
        finished_at=timezone.now(),
        checked=report.checked,
        ok=report.ok and not problems,
        first_broken_seq=report.first_broken_seq,
        reason=reason[:300],
        checkpoints_checked=report.checkpoints_checked,
        requested_by=requested_by,
    )
    return verification, report, problems
