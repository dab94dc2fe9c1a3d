"""Verifying agreement versions: is the document unchanged, is every signature valid?

Everything is recomputed from the stored rows, in bulk (a handful of queries per 2,000
versions): the document is rebuilt from its fields and hashed; each signature is checked
with Ed25519 against the rebuilt document id, with the key that was valid when it was
made; and each signature and the document id are compared with what the ledger recorded
when they were made, so a row rewritten behind the application's back is named.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import connection
from django.db.models.fields.json import KT
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from superteam.agreements import canonical, signing
from superteam.agreements.models import (
    Agreement,
    AgreementVersion,
    KeyOrigin,
    Signature,
    SigningKey,
    VersionStatus,
)
from superteam.core import gcpause
from superteam.ledger.models import Entry

VALID, INCOMPLETE, INVALID = "valid", "incomplete", "invalid"

MESSAGES = {
    "document_changed": gettext_noop(
        "The document was changed after it was sent for signing: its content no longer gives the document id that was signed."
    ),
    "document_id_changed": gettext_noop(
        "The stored document id differs from the one recorded in the ledger when the version was sent for signing."
    ),
    "not_in_ledger_version": gettext_noop(
        "The ledger has no record of this version being sent for signing."
    ),
    "marked_signed_incomplete": gettext_noop(
        "The version is marked as signed, but not every party has signed it."
    ),
    "wrong_party": gettext_noop(
        "The signature is attached to a party or position it was not made for."
    ),
    "other_document": gettext_noop("The signature was made over another document id."),
    "key_altered": gettext_noop("The signing key's public key was changed."),
    "key_not_signers": gettext_noop("The key belongs to someone other than the signer."),
    "key_not_valid_then": gettext_noop("The key was not valid at the time of signing."),
    "signature_invalid": gettext_noop(
        "The signature does not verify with the signer's public key."
    ),
    "signed_other_content": gettext_noop(
        "The signature itself is genuine: it verifies with the signer's public key over the "
        "document id that was signed. But the stored content has been changed since, so the "
        "signature does not cover what is stored now."
    ),
    "not_in_ledger": gettext_noop("The ledger has no record of this signature."),
    "ledger_mismatch": gettext_noop(
        "The signature differs from what the ledger recorded when it was made: %(fields)s."
    ),
}


@dataclass(frozen=True)
class Problem:
    """One failure, translated when shown (so a page can show it in both languages)."""

    code: str
    params: tuple = ()

    @property
    def text(self) -> str:
        message = _(MESSAGES[self.code])
        return message % dict(self.params) if self.params else message

    def __str__(self) -> str:
        return self.text


@dataclass
class SignatureCheck:
    signature_id: int
    party_order: int
    position_title: str
    unit_name: str
    signer_name: str
    signed_at: datetime.datetime
    acting: bool
    fingerprint: str
    demo_key: bool
    ledger_seq: int | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def short_fingerprint(self) -> str:
        head = self.fingerprint[:16].upper()
        return " ".join(head[i : i + 4] for i in range(0, 16, 4))


@dataclass
class VersionCheck:
    version_id: int
    agreement_id: int
    number: int
    title: str
    year: int
    status: str
    short_code: str | None
    stored_hash: str
    computed_hash: str
    in_force: bool
    parties: list[dict] = field(default_factory=list)
    signatures: list[SignatureCheck] = field(default_factory=list)
    unsigned: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return self.stored_hash == self.computed_hash

    @property
    def signatures_ok(self) -> bool:
        return all(s.ok for s in self.signatures)

    @property
    def verdict(self) -> str:
        if self.problems or not self.signatures_ok:
            return INVALID
        if self.unsigned:
            return INCOMPLETE
        return VALID

    @property
    def demo(self) -> bool:
        return any(s.demo_key for s in self.signatures)

    def failures(self) -> list[str]:
        """Every failure in words (current language), for commands and logs."""
        out = [p.text for p in self.problems]
        out += [f"  · {c}" for c in self.changes]
        for s in self.signatures:
            for p in s.problems:
                out.append(
                    _("Signature of %(name)s (%(position)s): %(problem)s")
                    % {"name": s.signer_name, "position": s.position_title, "problem": p.text}
                )
        return out


SIGNATURE_LEDGER_FIELDS = (
    "party",
    "position",
    "signer",
    "signer_name",
    "acting",
    "key",
    "document_hash",
    "signature",
    "signed_at",
)


def verify_versions(version_ids: Iterable[int]) -> dict[int, VersionCheck]:
    """Check many versions (drafts are skipped); about ten queries per chunk of versions."""
    results: dict[int, VersionCheck] = {}
    for _chunk, checks in verify_in_chunks(version_ids):
        results.update(checks)
    return results


def verify_in_chunks(
    version_ids: Iterable[int],
) -> Iterator[tuple[list[int], dict[int, VersionCheck]]]:
    """Check many versions chunk by chunk (``canonical.BATCH`` at a time), yielding each
    chunk's ids and checks (drafts have none): only one chunk's rows are held at a time.
    The garbage collector stays paused until the last chunk is done: rows and documents
    are acyclic, reference counting frees them (see :mod:`superteam.core.gcpause`)."""
    ids = list(version_ids)
    with gcpause.paused():
        for start in range(0, len(ids), canonical.BATCH):
            chunk = ids[start : start + canonical.BATCH]
            yield chunk, _verify_chunk(chunk)


def verify_version(version: AgreementVersion) -> VersionCheck | None:
    return verify_versions([version.pk]).get(version.pk)


def _verify_chunk(chunk: list[int]) -> dict[int, VersionCheck]:
    wanted = set(chunk)
    span = (min(chunk), max(chunk))
    meta = {
        row[0]: row
        for row in AgreementVersion.objects.filter(pk__gte=span[0], pk__lte=span[1])
        .exclude(status=VersionStatus.DRAFT)
        .order_by()
        .values_list(
            "id",
            "agreement_id",
            "number",
            "title",
            "year",
            "status",
            "short_code",
            "document_hash",
        )
    }
    meta = {k: v for k, v in meta.items() if k in wanted}
    if not meta:
        return {}
    ids = list(meta)
    written = canonical.quick_serialised(ids)
    # By the chunk's id range: no list of hundreds of parameters to send and plan.
    in_force = set(
        Agreement.objects.filter(
            active_version_id__gte=span[0], active_version_id__lte=span[1]
        ).values_list("active_version_id", flat=True)
    )
    circulated = dict(
        row
        for part in _slices([str(i) for i in ids])
        for row in Entry.objects.filter(
            subject_type="agreements.agreementversion",
            subject_id__any_of=part,
            kind="agreements.circulated",
        )
        .order_by()
        # KT: an explicit key lookup. values_list("payload__document_hash") resolves it by
        # first failing as a join: the caught FieldError's traceback keeps this frame, so
        # every check of the chunk became cyclic garbage for the collector to find.
        .annotate(recorded_hash=KT("payload__document_hash"))
        .values_list("subject_id", "recorded_hash")
    )
    signatures = defaultdict(list)
    rows = [
        (*row[:9], bool(row[9]), *row[10:12], _aware(row[12]), row[13])
        for row in canonical.raw_rows(
            Signature.objects.filter(version_id__gte=span[0], version_id__lte=span[1])
            .order_by()
            .values_list(
                "id",
                "version_id",
                "party_id",
                "party__version_id",
                "party__position_id",
                "party__order",
                "position_id",
                "signer_id",
                "signer_name",
                "acting",
                "document_hash",
                "signature",
                "signed_at",
                "key_id",
            )
        )
        if row[1] in meta
    ]
    ledger = {
        subject_id: (seq, json.loads(payload) if isinstance(payload, str) else payload)
        for part in _slices([str(row[0]) for row in rows])
        for subject_id, seq, payload in canonical.raw_rows(
            Entry.objects.filter(
                subject_type="agreements.signature",
                subject_id__any_of=part,
                kind="agreements.signed",
            )
            .order_by()
            .values_list("subject_id", "seq", "payload")
        )
    }
    # The few signers' keys once each, not once per signature (a join would convert the
    # same key's dates thousands of times).
    keys = {
        row[0]: row[1:]
        for row in SigningKey.objects.filter(pk__in={row[-1] for row in rows})
        .order_by()
        .values_list(
            "id", "person_id", "public_key", "fingerprint", "created_at", "revoked_at", "origin"
        )
    }
    for row in rows:
        signatures[row[1]].append(row[:-1] + keys[row[-1]])
    results = {}
    for vid, (_id, agreement_id, number, title, year, status, code, stored) in meta.items():
        data, party_list = written[vid]
        computed = canonical.digest(data)
        unchanged = computed == stored
        if not unchanged:  # the exact reading decides (the quick one skips converters)
            document = canonical.load_document(vid)
            unchanged, computed = canonical.matches(document, stored)
            party_list = document["parties"]
        parties = {p["order"]: p for p in party_list}
        check = VersionCheck(
            version_id=vid,
            agreement_id=agreement_id,
            number=number,
            title=title,
            year=year,
            status=status,
            short_code=code,
            stored_hash=stored,
            computed_hash=computed,
            in_force=vid in in_force,
            parties=party_list,
        )
        if not unchanged:
            check.problems.append(Problem("document_changed"))
            check.changes = _changes_since_circulation(vid, document)
        recorded_hash = circulated.get(str(vid))
        if recorded_hash is None:
            check.problems.append(Problem("not_in_ledger_version"))
        elif recorded_hash != stored:
            check.problems.append(Problem("document_id_changed"))
        signed_orders = set()
        computed_bytes = bytes.fromhex(computed)
        for row in signatures.get(vid, []):
            sc = _check_signature(row, parties, stored, computed, computed_bytes, ledger)
            signed_orders.add(sc.party_order)
            check.signatures.append(sc)
        check.signatures.sort(key=lambda s: s.party_order)
        check.unsigned = [p for order, p in sorted(parties.items()) if order not in signed_orders]
        if check.unsigned and (status == VersionStatus.SIGNED or check.in_force):
            check.problems.append(Problem("marked_signed_incomplete"))
        results[vid] = check
    return results


def _slices(values: list) -> Iterator[list]:
    """The values in lists the database takes as parameters of one query: all at once on
    PostgreSQL (one array), under SQLite's limit of 999 otherwise."""
    size = connection.features.max_query_params
    size = len(values) or 1 if size is None else size - 99
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _aware(value) -> datetime.datetime:
    """A stored time as the driver hands it over (SQLite: UTC as text) made aware, as
    Django's converter would."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value


@lru_cache(maxsize=4096)
def _public_key(text: str) -> tuple[Ed25519PublicKey | None, str]:
    """A stored public key (base64) as a key object and its fingerprint; built once per
    key, since the same signers sign many versions."""
    try:
        raw = signing.unb64(text)
        return Ed25519PublicKey.from_public_bytes(raw), signing.fingerprint(raw)
    except ValueError:
        return None, ""


def _hash_bytes(text: str) -> bytes | None:
    try:
        return bytes.fromhex(text)
    except (TypeError, ValueError):
        return None


def _verify_with(key: Ed25519PublicKey | None, signature: str, digest: bytes | None) -> bool:
    if key is None or digest is None:
        return False
    try:
        key.verify(signing.unb64(signature), digest)
    except (InvalidSignature, ValueError):
        return False
    return True


def _check_signature(row, parties, stored, computed, computed_bytes, ledger) -> SignatureCheck:
    (
        sig_id,
        version_id,
        party_id,
        party_version_id,
        party_position_id,
        party_order,
        position_id,
        signer_id,
        signer_name,
        acting,
        doc_hash,
        raw_signature,
        signed_at,
        key_person_id,
        public_key,
        fingerprint,
        key_created,
        key_revoked,
        origin,
    ) = row
    party = parties.get(party_order) or {}
    sc = SignatureCheck(
        signature_id=sig_id,
        party_order=party_order,
        position_title=party.get("position", {}).get("title", ""),
        unit_name=party.get("unit", {}).get("name", ""),
        signer_name=signer_name,
        signed_at=signed_at,
        acting=acting,
        fingerprint=fingerprint,
        demo_key=origin == KeyOrigin.DEMO,
    )
    if (
        party_version_id != version_id
        or position_id != party_position_id
        or party.get("position", {}).get("id") != position_id
    ):
        sc.problems.append(Problem("wrong_party"))
    if doc_hash != stored:
        sc.problems.append(Problem("other_document"))
    key, key_fingerprint = _public_key(public_key)
    if key_fingerprint != fingerprint:
        sc.problems.append(Problem("key_altered"))
    if key_person_id != signer_id:
        sc.problems.append(Problem("key_not_signers"))
    if not (key_created <= signed_at and (key_revoked is None or signed_at < key_revoked)):
        sc.problems.append(Problem("key_not_valid_then"))
    # Checked over the id it was made for: a content change after signing is then told
    # apart from a forged or altered signature.
    signed_bytes = computed_bytes if doc_hash == computed else _hash_bytes(doc_hash)
    if not _verify_with(key, raw_signature, signed_bytes):
        sc.problems.append(Problem("signature_invalid"))
    elif doc_hash != computed:
        sc.problems.append(Problem("signed_other_content"))
    recorded = ledger.get(str(sig_id))
    if recorded is None:
        sc.problems.append(Problem("not_in_ledger"))
    else:
        sc.ledger_seq, payload = recorded
        now = (
            party_id,
            position_id,
            signer_id,
            signer_name,
            acting,
            fingerprint,
            doc_hash,
            raw_signature,
            signed_at.astimezone(datetime.UTC).isoformat(),
        )
        then = tuple(map(payload.get, SIGNATURE_LEDGER_FIELDS))
        if then != now:
            differing = [
                k for k, a, b in zip(SIGNATURE_LEDGER_FIELDS, then, now, strict=True) if a != b
            ]
            sc.problems.append(Problem("ledger_mismatch", (("fields", ", ".join(differing)),)))
    return sc


def _changes_since_circulation(version_id: int, document: dict) -> list[str]:
    """Name what changed: the document as recorded in the ledger against the one rebuilt."""
    payload = (
        Entry.objects.filter(
            subject_type="agreements.agreementversion",
            subject_id=str(version_id),
            kind="agreements.circulated",
        )
        .values_list("payload", flat=True)
        .first()
    )
    if not payload or "document" not in payload:
        return []
    return canonical.differences(payload["document"], document)


def signed_document(version_id: int, check: VersionCheck) -> dict | None:
    """The content the parties signed, for people to compare with a printed copy: the
    document the ledger recorded when the version was sent for signing, if it gives the
    document id; else the stored content while it is unchanged; else None."""
    entry = (
        Entry.objects.filter(
            subject_type="agreements.agreementversion",
            subject_id=str(version_id),
            kind="agreements.circulated",
        )
        .values_list("payload", flat=True)
        .first()
    )
    recorded = (entry or {}).get("document")
    if recorded and canonical.document_hash(recorded) == check.stored_hash:
        return recorded
    if check.unchanged:
        return canonical.load_document(version_id)
    return None
