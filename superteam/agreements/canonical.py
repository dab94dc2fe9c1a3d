"""The signed document of an agreement version, rebuilt from its stored fields.

A version's content (title, year, period, kind, parties as positions, every indicator
with all its fields, the version number and the previous version's document id) becomes
a JSON object; its RFC 8785 canonical serialisation is what is hashed (SHA-256, the
document id) and signed. Verification always rebuilds the object from the stored rows,
so a field changed behind the application's back changes the document id.

Numbers with decimals are written as text without trailing zeros ("12.5"), dates as ISO
8601, so the document is the same on every database.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

import rfc8785

FORM = "superteam/perjanjian-kinerja/1"
EXACT = decimal.Context(prec=1000)
BATCH = 500


def dec(value: Decimal | None) -> str | None:
    """A decimal as text without trailing zeros: 12.50 -> "12.5", 100.0000 -> "100"."""
    if value is None:
        return None
    if isinstance(value, str):  # laid out already by the quick path (_plain_terms)
        return value
    if value == 0:
        return "0"
    text = str(value)
    if "E" in text:  # exponent notation: let decimal lay it out, without rounding
        return format(value.normalize(context=EXACT), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def iso(value: datetime.date | None) -> str | None:
    if value is None or isinstance(value, str):  # None, or ISO text already (_plain_terms)
        return value
    return value.isoformat()


def canonical_bytes(document: dict) -> bytes:
    """RFC 8785 (JSON Canonicalization Scheme) serialisation: what is hashed and signed."""
    return rfc8785.dumps(document)


def fast_bytes(document: dict) -> bytes:
    """The same bytes as :func:`canonical_bytes` for every document this module builds
    (ASCII keys, integers, text), produced by the C JSON encoder; verification uses it
    first and falls back to RFC 8785 proper when the digests differ."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def document_hash(document: dict) -> str:
    return digest(canonical_bytes(document))


_ORDERED = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def ordered_bytes(document: dict) -> bytes:
    """The RFC 8785 bytes of a document built by this module, whose keys are written in
    sorted order already: the C encoder needs not sort them."""
    return _ORDERED.encode(document).encode("utf-8")


def matches(document: dict, expected_hash: str) -> tuple[bool, str]:
    """Whether the document's id is ``expected_hash``; returns (matches, computed id).
    Quick serialisations first; RFC 8785 itself decides before anything is called changed."""
    fast = digest(ordered_bytes(document))
    if fast == expected_hash:
        return True, fast
    fast = digest(fast_bytes(document))
    if fast == expected_hash:
        return True, fast
    exact = document_hash(document)
    return exact == expected_hash, exact


VERSION_FIELDS = (
    "id",
    "regency_id",
    "agreement_id",
    "number",
    "kind",
    "title",
    "year",
    "period_start",
    "period_end",
    "previous_hash",
    "amendment_reason",
)
PARTY_FIELDS = (
    "version_id",
    "order",
    "role",
    "position_id",
    "position_code",
    "position_title",
    "unit_id",
    "unit_code",
    "unit_name",
)
TERMS_FIELDS = (
    "id",
    "version_id",
    "order",
    "indicator_id",
    "indicator__number",
    "sasaran",
    "name",
    "unit_of_measure",
    "baseline",
    "target",
    "target_high",
    "q1",
    "q2",
    "q3",
    "q4",
    "polarity",
    "aggregation",
    "deadline",
    "responsible_position_id",
    "responsible_code",
    "responsible_title",
    "responsible_unit_id",
    "programme",
    "budget",
)


def _party(row: tuple) -> dict:
    _v, order, role, pos_id, pos_code, pos_title, unit_id, unit_code, unit_name = row
    return {
        "order": order,
        "position": {"code": pos_code, "id": pos_id, "title": pos_title},
        "role": role,
        "unit": {"code": unit_code, "id": unit_id, "name": unit_name},
    }


def _indicator(row: tuple, contributions: list[tuple]) -> dict:
    (
        _id,
        _v,
        order,
        indicator_id,
        number,
        sasaran,
        name,
        uom,
        baseline,
        target,
        target_high,
        q1,
        q2,
        q3,
        q4,
        polarity,
        aggregation,
        deadline,
        resp_id,
        resp_code,
        resp_title,
        resp_unit,
        programme,
        budget,
    ) = row
    return {
        "aggregation": aggregation,
        "baseline": dec(baseline),
        "budget": dec(budget),
        "contributing_units": [
            {"code": code, "id": unit_id, "name": uname}
            for unit_id, code, uname in sorted(contributions, key=lambda c: (c[1], c[0]))
        ],
        "deadline": iso(deadline),
        "indicator": indicator_id,
        "name": name,
        "number": number,
        "order": order,
        "polarity": polarity,
        "programme": programme,
        "quarterly_targets": [dec(q1), dec(q2), dec(q3), dec(q4)],
        "responsible": (
            {"code": resp_code, "position": resp_id, "title": resp_title, "unit": resp_unit}
            if resp_id is not None
            else None
        ),
        "sasaran": sasaran,
        "target": dec(target),
        "target_high": dec(target_high),
        "unit_of_measure": uom,
    }


def build_document(version: tuple, parties: list[tuple], terms: list[tuple], contrib) -> dict:
    """The document of one version from its stored rows (tuples in the *_FIELDS order)."""
    (
        _id,
        regency_id,
        agreement_id,
        number,
        kind,
        title,
        year,
        period_start,
        period_end,
        previous_hash,
        reason,
    ) = version
    return {
        "agreement": agreement_id,
        "amendment_reason": reason,
        "form": FORM,
        "indicators": [
            _indicator(t, contrib.get(t[0], [])) for t in sorted(terms, key=lambda t: (t[2], t[0]))
        ],
        "kind": kind,
        "parties": [_party(p) for p in sorted(parties, key=lambda p: p[1])],
        "period": {"end": iso(period_end), "start": iso(period_start)},
        "previous_version": previous_hash or None,
        "regency": regency_id,
        "title": title,
        "version": number,
        "year": year,
    }


def _raw_dec(value) -> str | None:
    """:func:`dec` of a number as the database driver hands it over, without Django's
    converters: a Decimal (PostgreSQL), or an int or float (SQLite stores decimals with
    NUMERIC affinity). A float's shortest round-trip text is the decimal that was stored
    for up to 15 significant digits; longer values take the exact path."""
    if value is None or isinstance(value, Decimal):
        return dec(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)  # always with a ".", unless exponent, inf or nan
        if len(text) > 16 or "e" in text or "." not in text:  # more than 15 digits, or odd
            raise _NotPlain
        return text.rstrip("0").rstrip(".")
    return dec(Decimal(value))


class _NotPlain(Exception):
    """A stored value the quick path does not lay out exactly as the ORM path does."""


def _raw_iso(value) -> str | None:
    if value is None or isinstance(value, str):  # SQLite hands dates back as ISO text
        return value
    return value.isoformat()


DECIMAL_TERMS = tuple(
    i
    for i, name in enumerate(TERMS_FIELDS)
    if name in ("baseline", "target", "target_high", "q1", "q2", "q3", "q4", "budget")
)
DEADLINE_TERM = TERMS_FIELDS.index("deadline")


def _raw_rows(queryset) -> Iterable[tuple]:
    """The rows of a values_list queryset straight from the driver (no per-value Django
    converters: a large share of the time of a bulk verification)."""
    from django.db import connections

    compiler = queryset.query.get_compiler(queryset.db)
    sql, params = compiler.as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(2000):
            yield from rows


def _plain_terms(row: tuple) -> tuple:
    """A terms row with its numbers and deadline as text already (which :func:`dec` and
    :func:`iso` pass through unchanged)."""
    values = list(row)
    for i in DECIMAL_TERMS:
        values[i] = _raw_dec(values[i])
    values[DEADLINE_TERM] = _raw_iso(values[DEADLINE_TERM])
    return tuple(values)


def load_documents(version_ids: Iterable[int], *, quick: bool = False) -> dict[int, dict]:
    """Documents of many versions from the database, four queries per 500 versions.

    Rows are selected by the range of the chunk's ids (cheaper to send than hundreds of
    parameters) and those of other versions in the range are skipped. ``quick`` reads the
    indicators' rows without Django's converters (bulk verification); a version whose
    values the quick path cannot lay out exactly is read the exact way. The exact path
    (the default) is what signing uses; verification compares with its hash and re-reads
    the exact way before it calls a document changed."""
    from superteam.agreements.models import AgreementVersion, Contribution, IndicatorTerms, Party

    ids = sorted(set(version_ids))
    documents: dict[int, dict] = {}
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        wanted = set(chunk)
        span = (chunk[0], chunk[-1])
        parties: dict[int, list[tuple]] = defaultdict(list)
        for row in (
            Party.objects.filter(version_id__gte=span[0], version_id__lte=span[1])
            .order_by()  # no join for the models' default ordering: sorted below
            .values_list(*PARTY_FIELDS)
        ):
            parties[row[0]].append(row)
        terms: dict[int, list[tuple]] = defaultdict(list)
        rows = (
            IndicatorTerms.objects.filter(version_id__gte=span[0], version_id__lte=span[1])
            .order_by()
            .values_list(*TERMS_FIELDS)
        )
        exact_again: set[int] = set()
        if quick:
            for row in _raw_rows(rows):
                try:
                    terms[row[1]].append(_plain_terms(row))
                except _NotPlain:
                    exact_again.add(row[1])
            if exact_again:
                for version_id in exact_again:
                    terms.pop(version_id, None)
                for row in rows.filter(version_id__in=exact_again):
                    terms[row[1]].append(row)
        else:
            for row in rows:
                terms[row[1]].append(row)
        contrib: dict[int, list[tuple]] = defaultdict(list)
        for terms_id, unit_id, code, name in Contribution.objects.filter(
            terms__version_id__gte=span[0], terms__version_id__lte=span[1]
        ).values_list("terms_id", "unit_id", "unit_code", "unit_name"):
            contrib[terms_id].append((unit_id, code, name))
        for row in (
            AgreementVersion.objects.filter(pk__gte=span[0], pk__lte=span[1])
            .order_by()
            .values_list(*VERSION_FIELDS)
        ):
            if row[0] in wanted:
                documents[row[0]] = build_document(row, parties[row[0]], terms[row[0]], contrib)
    return documents


def load_document(version_id: int) -> dict:
    return load_documents([version_id])[version_id]


def differences(old, new, path: str = "") -> list[str]:
    """Where two documents differ, as paths with both values ("indicators[2].target")."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for key in sorted(set(old) | set(new)):
            out += differences(old.get(key), new.get(key), f"{path}.{key}" if path else key)
        return out
    if isinstance(old, list) and isinstance(new, list):
        out = []
        for i in range(max(len(old), len(new))):
            a = old[i] if i < len(old) else None
            b = new[i] if i < len(new) else None
            out += differences(a, b, f"{path}[{i + 1}]")
        return out
    if old != new:
        return [
            f"{path}: {json.dumps(old, ensure_ascii=False)} → {json.dumps(new, ensure_ascii=False)}"
        ]
    return []
