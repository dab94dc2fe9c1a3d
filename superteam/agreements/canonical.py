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
from json.encoder import encode_basestring

import rfc8785
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, Func, TextField
from django.db.models.functions import Cast

FORM = "superteam/perjanjian-kinerja/1"
EXACT = decimal.Context(prec=1000)
# Versions per chunk of a bulk reading: each chunk's rows are read by the range of its ids,
# and each chunk's ledger lookups go over the entries of their kind once (PostgreSQL), so
# larger chunks mean fewer passes; 2,000 versions' rows are a few megabytes.
BATCH = 2000


def dec(value: Decimal | None) -> str | None:
    """A decimal as text without trailing zeros: 12.50 -> "12.5", 100.0000 -> "100"."""
    if value is None:
        return None
    if isinstance(value, str):  # laid out already by the quick path (_plain_terms)
        return value
    text = str(value)
    if "E" in text:  # exponent notation: let decimal lay it out, without rounding
        text = format(value.normalize(context=EXACT), "f")
    elif "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


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
    converters: a Decimal, or an int or float (SQLite stores decimals with NUMERIC
    affinity). A float's shortest round-trip text is the decimal that was stored for up to
    15 significant digits; longer values take the exact path. (PostgreSQL's numbers come
    laid out by the database: see :func:`_quick_terms`.)"""
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


def raw_rows(queryset) -> Iterable[tuple]:
    """The rows of a values_list queryset straight from the driver (no per-value Django
    converters: a large share of the time of a bulk verification)."""
    compiler = queryset.query.get_compiler(queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # e.g. ``__in=[]``: no query, no rows (as Django does)
        return
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(2000):
            yield from rows


def _plain_terms(row: tuple, numbers_laid_out: bool = False) -> tuple:
    """A terms row with its numbers and deadline as text already (which :func:`dec` and
    :func:`iso` pass through unchanged). ``numbers_laid_out``: the database wrote the
    numbers as :func:`dec` does (see :func:`_quick_terms`)."""
    values = list(row)
    if not numbers_laid_out:
        for i in DECIMAL_TERMS:
            values[i] = _raw_dec(values[i])
    values[DEADLINE_TERM] = _raw_iso(values[DEADLINE_TERM])
    return tuple(values)


def _quick_terms(queryset):
    """The terms rows for the quick path, and whether their numbers come laid out already:
    on PostgreSQL ``trim_scale(x)::text`` writes a numeric as :func:`dec` does ("12.5",
    "100", "0"; numeric text never has an exponent), so no Decimal is made in Python."""
    if queryset.db and connections[queryset.db].vendor == "postgresql":
        names = [TERMS_FIELDS[i] for i in DECIMAL_TERMS]
        laid_out = {
            f"{name}_text": Cast(Func(F(name), function="TRIM_SCALE"), TextField())
            for name in names
        }
        fields = [f"{n}_text" if n in names else n for n in TERMS_FIELDS]
        return queryset.annotate(**laid_out).values_list(*fields), True
    return queryset.values_list(*TERMS_FIELDS), False


def _chunk_rows(version_ids: Iterable[int], quick: bool):
    """For each chunk of ``BATCH`` versions: (version rows, parties by version, terms by
    version, contributions by terms), four queries.

    Rows are selected by the range of the chunk's ids (cheaper to send than hundreds of
    parameters) and those of other versions in the range are skipped. ``quick`` reads the
    rows without Django's converters; a version whose values the quick path cannot lay
    out exactly is read the exact way."""
    from superteam.agreements.models import AgreementVersion, Contribution, IndicatorTerms, Party

    ids = sorted(set(version_ids))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        wanted = set(chunk)
        span = (chunk[0], chunk[-1])
        # Quick: straight from the driver (ids, text and dates, which iso() takes as ISO
        # text too); the exact path goes through Django's converters.
        read = raw_rows if quick else iter
        parties: dict[int, list[tuple]] = defaultdict(list)
        for row in read(
            Party.objects.filter(version_id__gte=span[0], version_id__lte=span[1])
            .order_by()  # no join for the models' default ordering: sorted below
            .values_list(*PARTY_FIELDS)
        ):
            parties[row[0]].append(row)
        terms: dict[int, list[tuple]] = defaultdict(list)
        in_span = IndicatorTerms.objects.filter(
            version_id__gte=span[0], version_id__lte=span[1]
        ).order_by()
        rows = in_span.values_list(*TERMS_FIELDS)
        exact_again: set[int] = set()
        if quick:
            quick_rows, laid_out = _quick_terms(in_span)
            for row in raw_rows(quick_rows):
                try:
                    terms[row[1]].append(_plain_terms(row, laid_out))
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
        for terms_id, unit_id, code, name in read(
            Contribution.objects.filter(
                terms__version_id__gte=span[0], terms__version_id__lte=span[1]
            ).values_list("terms_id", "unit_id", "unit_code", "unit_name")
        ):
            contrib[terms_id].append((unit_id, code, name))
        versions = [
            row
            for row in read(
                AgreementVersion.objects.filter(pk__gte=span[0], pk__lte=span[1])
                .order_by()
                .values_list(*VERSION_FIELDS)
            )
            if row[0] in wanted
        ]
        yield versions, parties, terms, contrib


def load_documents(version_ids: Iterable[int], *, quick: bool = False) -> dict[int, dict]:
    """Documents of many versions from the database, four queries per ``BATCH`` versions.

    ``quick`` reads the rows without Django's converters (see :func:`_chunk_rows`). The
    exact path (the default) is what signing uses; verification compares with its hash
    and re-reads the exact way before it calls a document changed."""
    documents: dict[int, dict] = {}
    for versions, parties, terms, contrib in _chunk_rows(version_ids, quick):
        for row in versions:
            documents[row[0]] = build_document(row, parties[row[0]], terms[row[0]], contrib)
    return documents


def quick_serialised(version_ids: Iterable[int]) -> dict[int, tuple[bytes, list[dict]]]:
    """Bulk verification's reading: for each version, the canonical bytes of its document
    written straight from the quick rows (no dict per indicator, no encoder walking
    them), and its parties as the document has them. The bytes are what
    :func:`ordered_bytes` gives for :func:`build_document` of the same rows; a version
    with a value of another type than this module writes gets exactly those. Only a
    matching hash is taken as an answer: verification re-reads the exact way otherwise."""
    out: dict[int, tuple[bytes, list[dict]]] = {}
    for versions, parties, terms, contrib in _chunk_rows(version_ids, True):
        for row in versions:
            vid = row[0]
            try:
                data = _written(row, parties[vid], terms[vid], contrib)
                party_dicts = [_party(p) for p in sorted(parties[vid], key=lambda p: p[1])]
            except (_NotPlain, TypeError):
                document = build_document(row, parties[vid], terms[vid], contrib)
                data, party_dicts = ordered_bytes(document), document["parties"]
            out[vid] = (data, party_dicts)
    return out


_string = encode_basestring  # a JSON string as the encoder writes it (the C function)


def _n(value) -> str:
    """A text value that may be NULL (numbers and dates come as text on the quick path)."""
    return "null" if value is None else _string(value)


def _int(value) -> str:
    """An integer as the JSON encoder writes it; anything else (a bool, a float) is left to
    the dict path."""
    if value.__class__ is not int:
        raise _NotPlain
    return int.__repr__(value)


def _written(version: tuple, parties: list[tuple], terms: list[tuple], contrib) -> bytes:
    """``ordered_bytes(build_document(...))`` without the dicts (see quick_serialised).
    Text columns (never NULL) go straight to the string writer, NULL-able ones through
    :func:`_n`; a value of an unexpected type raises (TypeError or _NotPlain) and the
    caller writes that version the dict way."""
    s, n = _string, _n
    (_id, regency_id, agreement_id, number, kind, title, year, start, end, prev, reason) = version
    indicators = []
    for t in sorted(terms, key=lambda t: (t[2], t[0])):
        (
            terms_id,
            _v,
            order,
            indicator_id,
            ind_number,
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
        ) = t
        units = ",".join(
            f'{{"code":{s(code)},"id":{_int(unit_id)},"name":{s(uname)}}}'
            for unit_id, code, uname in sorted(
                contrib.get(terms_id, []), key=lambda c: (c[1], c[0])
            )
        )
        responsible = (
            f'{{"code":{n(resp_code)},"position":{_int(resp_id)},"title":{n(resp_title)},'
            f'"unit":{"null" if resp_unit is None else _int(resp_unit)}}}'
            if resp_id is not None
            else "null"
        )
        indicators.append(
            f'{{"aggregation":{s(aggregation)},"baseline":{n(baseline)},'
            f'"budget":{n(budget)},"contributing_units":[{units}],'
            f'"deadline":{n(deadline)},"indicator":{_int(indicator_id)},"name":{s(name)},'
            f'"number":{_int(ind_number)},"order":{_int(order)},"polarity":{s(polarity)},'
            f'"programme":{s(programme)},"quarterly_targets":[{n(q1)},{n(q2)},{n(q3)},'
            f'{n(q4)}],"responsible":{responsible},"sasaran":{s(sasaran)},'
            f'"target":{n(target)},"target_high":{n(target_high)},'
            f'"unit_of_measure":{s(uom)}}}'
        )
    written_parties = ",".join(
        f'{{"order":{_int(order)},"position":{{"code":{s(pos_code)},"id":{_int(pos_id)},'
        f'"title":{s(pos_title)}}},"role":{s(role)},"unit":{{"code":{s(unit_code)},'
        f'"id":{_int(unit_id)},"name":{s(unit_name)}}}}}'
        for _v, order, role, pos_id, pos_code, pos_title, unit_id, unit_code, unit_name in sorted(
            parties, key=lambda p: p[1]
        )
    )
    text = (
        f'{{"agreement":{_int(agreement_id)},"amendment_reason":{s(reason)},'
        f'"form":{s(FORM)},"indicators":[{",".join(indicators)}],"kind":{s(kind)},'
        f'"parties":[{written_parties}],"period":{{"end":{n(iso(end))},'
        f'"start":{n(iso(start))}}},"previous_version":{n(prev or None)},'
        f'"regency":{_int(regency_id)},"title":{s(title)},"version":{_int(number)},'
        f'"year":{_int(year)}}}'
    )
    return text.encode("utf-8")


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
