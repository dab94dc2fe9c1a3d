"""Benchmark: sign and verify agreement versions; verify a long ledger.

    .venv/bin/python bench/signing.py            # 10,000 versions, a 100,000-entry ledger
    .venv/bin/python bench/signing.py --quick    # 1,000 versions, a 10,000-entry ledger

Builds a throwaway database (a temporary SQLite file, or a fresh PostgreSQL database
``bench_signing`` on the server of DATABASE_URL) with one regency, a regent and heads of
agencies, and N vertical agreement versions of three indicators each. Then:

1. sign: every version is canonicalised (RFC 8785, from its stored rows), hashed and
   signed by both parties with Ed25519, the signatures stored and recorded in the ledger;
   a small sample goes through the full signing service (password, Argon2id at the
   production cost) to show what one person waits for;
2. verify: every version is verified as ``manage.py verify_agreements`` does (document
   rebuilt from the stored fields, every signature checked with the key valid at the time
   and against the ledger). Baseline, in the same run: raw Ed25519 verification of the
   same (key, signature, document id) triples, in memory. Goal: ratio >= 0.5;
   each side is timed three times, interleaved, and the best time of each counts (the
   machine is shared: the least disturbed pass is the most faithful);
3. ledger: the chain is filled up to M entries and verified as ``manage.py verify_ledger``
   does. Baseline, in the same run: a bare SHA-256 pass over the same stored bytes (the
   same rows read with the same cursor, each row's columns chained through SHA-256, no
   parsing or canonicalisation). Goal: ratio >= 0.3. The ratio to a SHA-256 pass over
   bytes already in memory is printed too, for information.

The last line is the result.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL_SIGNATURES = 0.5
GOAL_LEDGER = 0.3
BATCH = 500
ROUNDS = 3  # each timed pass is repeated; the best of the rounds counts


def log(text: str) -> None:
    print(text, flush=True)


# --- Data ------------------------------------------------------------------------------


def build_regency(heads: int = 40):
    """A regency with a regent and ``heads`` agencies, each with a head who signs."""
    from superteam.org.models import (
        Assignment,
        Person,
        Position,
        PositionLevel,
        Regency,
        Unit,
        UnitKind,
    )

    regency = Regency.objects.create(name="Kabupaten Bench", code="9970", slug="bench-signing")
    root = Unit.objects.create(regency=regency, kind=UnitKind.KABUPATEN, code="ROOT", name="Pemkab")
    units = [
        Unit.objects.create(
            regency=regency, parent=root, kind=UnitKind.DINAS, code=f"D{i}", name=f"Dinas {i}"
        )
        for i in range(heads)
    ]
    regent = Position.objects.create(
        regency=regency, unit=root, code="BUPATI", title="Bupati", level=PositionLevel.REGENT
    )
    positions = [regent] + [
        Position.objects.create(
            regency=regency,
            unit=u,
            code=f"{u.code}-HEAD",
            title=f"Kepala {u.name}",
            level=PositionLevel.HEAD,
        )
        for u in units
    ]
    people = []
    for p in positions:
        person = Person.objects.create(
            regency=regency, username=f"bench-{p.code.lower()}", full_name=f"Pejabat {p.code}"
        )
        Assignment.objects.create(
            regency=regency, person=person, position=p, start=datetime.date(2020, 1, 1)
        )
        people.append(person)
    return regency, positions, people


def build_versions(regency, positions, n: int, progress=log) -> list[int]:
    """``n`` vertical agreements (regent and one head), one draft version each, three
    indicators with every field; written in bulk."""
    from superteam.agreements.models import (
        Agreement,
        AgreementVersion,
        Indicator,
        IndicatorTerms,
        Party,
    )

    regent, heads = positions[0], positions[1:]
    ids = []
    for start in range(0, n, BATCH):
        count = min(BATCH, n - start)
        agreements = Agreement.objects.bulk_create(
            [
                Agreement(
                    regency=regency,
                    kind="vertical",
                    title=f"Perjanjian Kinerja Tahun 2026 #{start + i + 1}",
                    year=2026,
                    owner_unit=heads[(start + i) % len(heads)].unit,
                )
                for i in range(count)
            ]
        )
        versions = AgreementVersion.objects.bulk_create(
            [
                AgreementVersion(
                    regency=regency,
                    agreement=a,
                    number=1,
                    kind="vertical",
                    title=a.title,
                    year=2026,
                    period_start=datetime.date(2026, 1, 1),
                    period_end=datetime.date(2026, 12, 31),
                )
                for a in agreements
            ]
        )
        parties = []
        for i, v in enumerate(versions):
            head = heads[(start + i) % len(heads)]
            for order, (p, role) in enumerate(((regent, "first"), (head, "second")), start=1):
                parties.append(
                    Party(
                        version=v,
                        order=order,
                        role=role,
                        position=p,
                        position_code=p.code,
                        position_title=p.title,
                        unit=p.unit,
                        unit_code=p.unit.code,
                        unit_name=p.unit.name,
                    )
                )
        Party.objects.bulk_create(parties)
        indicators = Indicator.objects.bulk_create(
            [
                Indicator(regency=regency, agreement=a, number=k)
                for a in agreements
                for k in (1, 2, 3)
            ]
        )
        terms = []
        for j, ind in enumerate(indicators):
            v = versions[j // 3]
            head = heads[(start + j // 3) % len(heads)]
            terms.append(
                IndicatorTerms(
                    version=v,
                    indicator=ind,
                    order=ind.number,
                    sasaran="Meningkatnya kualitas pelayanan publik",
                    name=f"Indikator kinerja {ind.number} perjanjian {v.agreement_id}",
                    unit_of_measure="%",
                    baseline=Decimal("81.25"),
                    target=Decimal("95"),
                    q1=Decimal("80"),
                    q2=Decimal("85"),
                    q3=Decimal("90"),
                    q4=Decimal("95"),
                    polarity="higher",
                    aggregation="last",
                    deadline=datetime.date(2026, 12, 31),
                    responsible_position=head,
                    responsible_code=head.code,
                    responsible_title=head.title,
                    responsible_unit=head.unit,
                    programme="Program Penunjang Urusan Pemerintahan Daerah",
                    budget=Decimal("1250000000"),
                )
            )
        IndicatorTerms.objects.bulk_create(terms)
        for a, v in zip(agreements, versions, strict=True):
            a.current_version = v
        Agreement.objects.bulk_update(agreements, ["current_version"])
        ids += [v.pk for v in versions]
        progress(f"  versions built: {len(ids):,}/{n:,}")
    return ids


def open_keys(people, password: str = "bench-password"):  # noqa: S107 - throwaway keys
    """A sealed key per signer (cheap KDF: the production cost is measured separately)."""
    from superteam.agreements import keyring, signing

    cheap = signing.KdfParams(time_cost=1, memory_kib=8192, parallelism=1)
    opened = {}
    for person in people:
        key = keyring.create_key(person=person, password=password, params=cheap)
        opened[person.pk] = (key, keyring.unlock(key, password))
    return opened


def sign_versions(regency, version_ids: list[int], keys, holders, progress=log) -> int:
    """Circulate and sign every version by both parties, in batches: documents rebuilt
    from the rows and hashed with RFC 8785, Ed25519 signatures stored and recorded in the
    ledger, versions activated. Returns the number of signatures."""
    import secrets

    from django.db import transaction
    from django.utils import timezone

    from superteam.agreements import canonical, signing
    from superteam.agreements.models import (
        Agreement,
        AgreementVersion,
        Party,
        Signature,
        VersionStatus,
    )
    from superteam.agreements.services import signature_payload
    from superteam.ledger.services import record_many

    total = 0
    for start in range(0, len(version_ids), BATCH):
        chunk = version_ids[start : start + BATCH]
        with transaction.atomic():
            documents = canonical.load_documents(chunk)
            versions = list(AgreementVersion.objects.filter(pk__in=chunk))
            now = timezone.now()
            for v in versions:
                v.document_hash = canonical.document_hash(documents[v.pk])
                v.status = VersionStatus.CIRCULATING
                v.circulated_at = now
                v.short_code = secrets.token_hex(6)
            AgreementVersion.objects.bulk_update(
                versions, ["document_hash", "status", "circulated_at", "short_code"]
            )
            record_many(
                regency=regency,
                events=[
                    {
                        "kind": "agreements.circulated",
                        "subject": v,
                        "payload": {
                            "agreement": v.agreement_id,
                            "version": v.number,
                            "document_hash": v.document_hash,
                            "short_code": v.short_code,
                            "document": documents[v.pk],
                        },
                    }
                    for v in versions
                ],
            )
            by_version = {v.pk: v for v in versions}
            signatures = []
            for party in Party.objects.filter(version_id__in=chunk).order_by("version_id", "order"):
                version = by_version[party.version_id]
                signer = holders[party.position_id]
                key, private = keys[signer.pk]
                raw = signing.sign(private, bytes.fromhex(version.document_hash))
                signatures.append(
                    Signature(
                        regency=regency,
                        version=version,
                        party=party,
                        position_id=party.position_id,
                        signer=signer,
                        signer_name=signer.full_name,
                        key=key,
                        document_hash=version.document_hash,
                        signature=signing.b64(raw),
                        signed_at=timezone.now(),
                    )
                )
            Signature.objects.bulk_create(signatures)
            record_many(
                regency=regency,
                events=[
                    {
                        "kind": "agreements.signed",
                        "subject": s,
                        "actor": s.signer,
                        "payload": signature_payload(s, keys[s.signer_id][0].fingerprint),
                    }
                    for s in signatures
                ],
            )
            for v in versions:
                v.status, v.signed_at = VersionStatus.SIGNED, timezone.now()
            AgreementVersion.objects.bulk_update(versions, ["status", "signed_at"])
            agreements = list(Agreement.objects.filter(pk__in=[v.agreement_id for v in versions]))
            for a in agreements:
                a.active_version_id, a.status = a.current_version_id, "active"
            Agreement.objects.bulk_update(agreements, ["active_version", "status"])
            record_many(
                regency=regency,
                events=[
                    {
                        "kind": "agreements.activated",
                        "subject": v,
                        "payload": {"agreement": v.agreement_id, "document_hash": v.document_hash},
                    }
                    for v in versions
                ],
            )
        total += len(signatures)
        progress(f"  signed: {start + len(chunk):,}/{len(version_ids):,} versions")
    return total


def service_sample(regency, positions, people, count: int) -> float:
    """Median seconds of one signature through the full service, as a person signs: the
    password checked, the key opened (Argon2id at the configured cost), the document
    rebuilt and checked, signed, stored, ledger written."""
    from superteam.agreements import services

    password = "sample-password-2026"
    head, regent = people[1], people[0]
    for person in (head, regent):
        person.set_password(password)
        person.save()
    times = []
    for i in range(count):
        agreement = services.create_draft_agreement(
            regency=regency,
            title=f"Sampel {i}",
            year=2026,
            parties=[positions[0], positions[1]],
            indicators=[{"sasaran": "S", "name": "I", "unit_of_measure": "%", "target": 95}],
            created_by=head,
        )
        services.send_for_signing(agreement=agreement, actor=head)
        for person in (regent, head):
            started = time.perf_counter()
            services.sign_agreement(agreement=agreement, signer=person, password=password)
            times.append(time.perf_counter() - started)
    return statistics.median(times)


# --- Measurements ------------------------------------------------------------------------


def measure_signatures(version_ids: list[int]) -> tuple[float, float, int, int]:
    """(seconds to verify every version, seconds of raw Ed25519 on the same triples,
    signatures, versions found invalid)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from superteam.agreements import signing
    from superteam.agreements.models import Signature
    from superteam.agreements.verification import VALID, verify_in_chunks

    def verify_all() -> tuple[float, int]:
        # As manage.py verify_agreements does: chunk by chunk, keeping only the verdicts.
        started = time.perf_counter()
        invalid = 0
        for _chunk, checks in verify_in_chunks(version_ids):
            invalid += sum(1 for c in checks.values() if c.verdict != VALID)
        return time.perf_counter() - started, invalid

    def raw_all() -> float:
        started = time.perf_counter()
        for public, sig, digest in triples:
            public.verify(sig, digest)
        return time.perf_counter() - started

    triples = [
        (
            Ed25519PublicKey.from_public_bytes(signing.unb64(pk)),
            signing.unb64(sig),
            bytes.fromhex(h),
        )
        for pk, sig, h in Signature.objects.filter(version_id__in=version_ids).values_list(
            "key__public_key", "signature", "document_hash"
        )
    ]
    # Best of ROUNDS for each side, the two interleaved (a shared machine's load comes and
    # goes; the least time is the one least disturbed, as timeit does).
    verify_times, raw_times, invalid = [], [], 0
    for _ in range(ROUNDS):
        seconds, invalid = verify_all()
        verify_times.append(seconds)
        raw_times.append(raw_all())
    return min(verify_times), min(raw_times), len(triples), invalid


def fill_ledger(regency, total: int, progress=log) -> None:
    """Append events (shaped like signature records) until the chain has ``total`` entries."""
    from superteam.ledger.models import Head
    from superteam.ledger.services import record_many

    head = Head.objects.get(regency=regency)
    while head.seq < total:
        n = min(5000, total - head.seq)
        record_many(
            regency=regency,
            events=[
                {
                    "kind": "bench.event",
                    "payload": {
                        "agreement": head.seq + i,
                        "signer_name": "Dr. Siti Rahmawati, M.Kes.",
                        "document_hash": hashlib.sha256(str(head.seq + i).encode()).hexdigest(),
                        "signature": "A" * 88,
                        "acting": False,
                    },
                }
                for i in range(n)
            ],
        )
        head.refresh_from_db()
        progress(f"  ledger entries: {head.seq:,}/{total:,}")


def measure_ledger(regency) -> tuple[float, float, float, int, bool]:
    """(seconds of verify_chain, of a bare SHA-256 pass over the same stored rows, of a
    SHA-256 pass over the canonical bytes in memory, entries, sound)."""
    import rfc8785

    from superteam.ledger.models import GENESIS_HASH
    from superteam.ledger.services import _iso_utc, entry_rows, verify_chain

    chain_times, bare_times = [], []
    for _ in range(ROUNDS):  # best of ROUNDS each, interleaved
        started = time.perf_counter()
        report = verify_chain(regency.pk)
        chain_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        digest = b"\0" * 32
        for row in entry_rows(regency.pk):
            digest = hashlib.sha256(digest + "\x1f".join(map(str, row)).encode()).digest()
        bare_times.append(time.perf_counter() - started)
    chain_seconds, bare_seconds = min(chain_times), min(bare_times)
    documents = []
    import json

    for seq, kind, s_type, s_id, actor_id, payload, created_at, _p, _h in entry_rows(regency.pk):
        documents.append(
            rfc8785.dumps(
                {
                    "seq": seq,
                    "regency": regency.pk,
                    "kind": kind,
                    "subject": f"{s_type}:{s_id}" if s_type or s_id else "",
                    "actor": actor_id,
                    "payload": json.loads(payload),
                    "at": _iso_utc(created_at),
                }
            )
        )
    started = time.perf_counter()
    prev = GENESIS_HASH
    for document in documents:
        prev = hashlib.sha256(bytes.fromhex(prev) + document).hexdigest()
    memory_seconds = time.perf_counter() - started
    assert prev == report.head_hash, "the in-memory pass must hash the very same bytes"
    return chain_seconds, bare_seconds, memory_seconds, report.checked, report.ok


def result_line(sig_ratio: float, ledger_ratio: float, ok: bool) -> str:
    met = ok and sig_ratio >= GOAL_SIGNATURES and ledger_ratio >= GOAL_LEDGER
    return (
        f"result: verification vs raw Ed25519 {sig_ratio:.2f} (goal >= {GOAL_SIGNATURES}), "
        f"ledger verification vs bare SHA-256 {ledger_ratio:.2f} (goal >= {GOAL_LEDGER}) "
        f"{'met' if met else 'not met'}"
    )


def run(*, versions: int, entries: int, sample: int, progress=log) -> tuple[float, float, bool]:
    """The whole benchmark on the current database; returns (signature ratio, ledger
    ratio, everything verified)."""
    regency, positions, people = build_regency()
    holders = {p.pk: person for p, person in zip(positions, people, strict=True)}
    started = time.perf_counter()
    ids = build_versions(regency, positions, versions, progress=progress)
    progress(f"Built {len(ids):,} versions in {time.perf_counter() - started:.1f}s.")
    keys = open_keys(people)
    started = time.perf_counter()
    signatures = sign_versions(regency, ids, keys, holders, progress=progress)
    seconds = time.perf_counter() - started
    progress(
        f"Signed {len(ids):,} versions ({signatures:,} signatures) in {seconds:.1f}s: "
        f"{len(ids) / seconds:,.0f} versions/s, {signatures / seconds:,.0f} signatures/s."
    )
    if sample:
        median = service_sample(regency, positions, people, sample)
        progress(
            f"One signature through the service (password, Argon2id key opening, checks, "
            f"ledger), median of {2 * sample}: {median * 1000:.0f} ms."
        )
    verify_seconds, raw_seconds, checked, invalid = measure_signatures(ids)
    sig_ratio = raw_seconds / verify_seconds
    progress(
        f"Verified {len(ids):,} versions ({checked:,} signatures) in {verify_seconds:.2f}s: "
        f"{checked / verify_seconds:,.0f} signatures/s; {invalid} invalid."
    )
    progress(
        f"Baseline, raw Ed25519 on the same {checked:,} triples: {raw_seconds:.2f}s "
        f"({checked / raw_seconds:,.0f}/s). Ratio {sig_ratio:.2f} (goal >= {GOAL_SIGNATURES})."
    )
    fill_ledger(regency, entries, progress=progress)
    chain_seconds, bare_seconds, memory_seconds, count, sound = measure_ledger(regency)
    ledger_ratio = bare_seconds / chain_seconds
    progress(
        f"Verified the ledger: {count:,} entries in {chain_seconds:.2f}s "
        f"({count / chain_seconds:,.0f}/s), {'sound' if sound else 'BROKEN'}."
    )
    progress(
        f"Baseline, bare SHA-256 over the same stored rows: {bare_seconds:.2f}s. "
        f"Ratio {ledger_ratio:.2f} (goal >= {GOAL_LEDGER})."
    )
    progress(
        f"For information, SHA-256 over the canonical bytes already in memory: "
        f"{memory_seconds:.2f}s, ratio {memory_seconds / chain_seconds:.2f}."
    )
    return sig_ratio, ledger_ratio, invalid == 0 and sound


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 versions, 10,000 entries")
    parser.add_argument("--versions", type=int, default=None)
    parser.add_argument("--entries", type=int, default=None)
    parser.add_argument("--sample", type=int, default=5, help="service signatures to time (x2)")
    args = parser.parse_args(argv)
    versions = args.versions or (1_000 if args.quick else 10_000)
    entries = args.entries or (10_000 if args.quick else 100_000)
    tmp = Path(tempfile.mkdtemp(prefix="bench-signing-"))
    os.environ.setdefault("DEBUG", "1")
    os.environ["VAR_DIR"] = str(tmp)
    os.environ.setdefault("TEST_DATABASE_NAME", "bench_signing")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "superteam.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.DEBUG = False  # no query log: it would slow the loops down
    postgres = connection.vendor == "postgresql"
    server_database = connection.settings_dict["NAME"]
    try:
        if postgres:
            log(f"Creating the throwaway PostgreSQL database {os.environ['TEST_DATABASE_NAME']}…")
            connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        else:
            from django.core.management import call_command

            log(f"Creating a throwaway SQLite database in {tmp}…")
            call_command("migrate", verbosity=0, interactive=False)
        log(
            f"Signing {versions:,} versions, then a {entries:,}-entry ledger, on {connection.vendor}."
        )
        sig_ratio, ledger_ratio, ok = run(versions=versions, entries=entries, sample=args.sample)
    finally:
        if postgres:
            connection.creation.destroy_test_db(server_database, verbosity=0, keepdb=False)
        connection.close()
        shutil.rmtree(tmp, ignore_errors=True)
    print(result_line(sig_ratio, ledger_ratio, ok))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
