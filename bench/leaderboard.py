"""Benchmark: leaderboards and the weekly snapshot at national size.

    .venv/bin/python bench/leaderboard.py           # 10,000 units, 200,000 innovations, 2,000,000 evidence
    .venv/bin/python bench/leaderboard.py --quick   # 2,000 units, 20,000 innovations, 200,000 evidence

Builds a throwaway database (a SQLite file in /tmp, or a fresh PostgreSQL database
``bench_leaderboard`` on the server of DATABASE_URL), loads the demo regency with its demo
innovations and scores (the baseline), and generates a national-size regency with bulk
inserts (progress shown). It then rebuilds the rollups from the evidence once (printed for
information), publishes a first week, and measures:

1. the leaderboard page (the largest family, villages) for the national regency against
   the same page for the demo regency: time ratio (goal <= 2), queries (equal);
2. a full weekly snapshot of the national regency against one raw aggregate query over the
   evidence table (the least any recompute from evidence would cost): ratio (goal <= 5).

The last line: ``result: ... met`` (both goals) or ``... not met``.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE_GOAL = 2.0
SNAPSHOT_GOAL = 5.0
RAW_AGGREGATE = (
    "SELECT innovation_id, indicator_code, MAX(COALESCE(accepted_level, level)) "
    "FROM innovations_evidence WHERE status = 'accepted' GROUP BY innovation_id, indicator_code"
)


def _median_seconds(fn, reps: int) -> float:
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def generate_scores_data(
    *, regency, innovations: int, evidence: int, seed: int = 7, stdout=sys.stdout
) -> None:
    """Innovations on the regency's units and evidence on them, in raw bulk inserts."""
    from django.db import connection, transaction
    from django.utils import timezone

    from superteam.core.progress import Progress
    from superteam.innovations.models import Affair, Evidence, Form, Innovation, Stage
    from superteam.org.models import Person, Unit
    from superteam.scoring import services
    from superteam.scoring.families import family_of, scoring_unit_for

    rng = random.Random(seed)
    model = services.current_model(regency=regency)
    inn_codes = [i.code for i in model.indicators.filter(side="innovation")]
    inst_codes = [i.code for i in model.indicators.filter(side="institution")]
    units = list(Unit.objects.filter(regency=regency, depth__gte=1))
    competing = [u for u in units if family_of(u) is not None]
    owners = competing + [
        u for u in units if family_of(u) is None and u.kind in ("bidang", "seksi")
    ]
    targets = {}
    people = list(Person.objects.filter(regency=regency).values_list("pk", flat=True)[:2000])
    now = timezone.now()
    today = timezone.localdate()
    affairs = list(Affair.values)
    stages = [Stage.PENERAPAN] * 7 + [Stage.UJI_COBA] * 2 + [Stage.INISIATIF]
    inn_cols = [
        "regency_id", "owner_unit_id", "scoring_unit_id", "title", "problem", "design", "goals",
        "benefits", "results", "form", "is_digital", "initiator_kind", "initiator_name", "affair",
        "stage", "initiated_on", "trial_started_on", "implemented_on", "beneficiaries",
        "beneficiary_count", "video_url", "is_public", "is_active", "created_at", "updated_at",
    ]  # fmt: skip
    inn_sql = (
        f"INSERT INTO {Innovation._meta.db_table} ({', '.join(inn_cols)}) "  # noqa: S608 - our own table and columns
        f"VALUES ({', '.join(['%s'] * len(inn_cols))})"
    )
    batch = 5000
    with Progress(innovations, "Innovations", stdout) as bar:
        for start in range(0, innovations, batch):
            rows = []
            for k in range(start, min(innovations, start + batch)):
                unit = owners[k % len(owners)] if k < len(owners) else rng.choice(owners)
                if unit.pk not in targets:
                    target = scoring_unit_for(unit)
                    targets[unit.pk] = target.pk if target else None
                stage = rng.choice(stages)
                begun = today - datetime.timedelta(days=rng.randint(200, 2500))
                trial = begun + datetime.timedelta(days=60) if stage != Stage.INISIATIF else None
                implemented = (
                    begun + datetime.timedelta(days=150) if stage == Stage.PENERAPAN else None
                )
                rows.append(
                    (
                        regency.pk, unit.pk, targets[unit.pk], f"Inovasi {k}", "Masalah layanan.", "", "",
                        "", "", Form.PUBLIC_SERVICE, k % 2 == 0, "opd", "", rng.choice(affairs), stage,
                        begun, trial, implemented, "", rng.randint(10, 5000), "", True, True, now, now,
                    )
                )  # fmt: skip
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(inn_sql, rows)
            bar.advance(len(rows))
    inn_ids = list(
        Innovation.objects.filter(regency=regency).order_by("pk").values_list("pk", "owner_unit_id")
    )
    ev_cols = [
        "regency_id", "unit_id", "innovation_id", "indicator_code", "level", "accepted_level",
        "file", "file_name", "file_type", "file_size", "link", "note", "status", "submitted_by_id",
        "submitted_at", "verified_by_id", "verified_at", "verifier_note",
    ]  # fmt: skip
    ev_sql = (
        f"INSERT INTO {Evidence._meta.db_table} ({', '.join(ev_cols)}) "  # noqa: S608 - our own table and columns
        f"VALUES ({', '.join(['%s'] * len(ev_cols))})"
    )
    institution_share = 0.05
    with Progress(evidence, "Evidence", stdout) as bar:
        done = 0
        while done < evidence:
            rows = []
            for _ in range(min(20_000, evidence - done)):
                status = rng.choices(["accepted", "pending", "rejected"], weights=[75, 15, 10])[0]
                level = rng.randint(1, 3)
                if rng.random() < institution_share:
                    unit_id, innovation_id = rng.choice(competing).pk, None
                    code = rng.choice(inst_codes)
                else:
                    innovation_id, unit_id = inn_ids[rng.randrange(len(inn_ids))]
                    code = rng.choice(inn_codes)
                    level = min(level, 3)
                decided = status != "pending"
                rows.append(
                    (
                        regency.pk, unit_id, innovation_id, code, level,
                        level if status == "accepted" else None, "", "", "", 0,
                        "https://arsip.example.org/bukti", "", status, rng.choice(people), now,
                        rng.choice(people) if decided else None,
                        now - datetime.timedelta(minutes=rng.randint(1, 500_000)) if decided else None,
                        "",
                    )
                )  # fmt: skip
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(ev_sql, rows)
            done += len(rows)
            bar.advance(len(rows))


def measure_page(*, regency, family: str, reps: int) -> tuple[float, int]:
    """Median time and query count of the published leaderboard page of a family."""
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from superteam.org.models import Person

    person = Person.objects.filter(regency=regency, assignments__position__is_admin=True).first()
    client = Client()
    client.force_login(person)
    url = reverse("scoring:leaderboard") + f"?family={family}"
    assert client.get(url).status_code == 200
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"the leaderboard page answered {response.status_code}")
    return _median_seconds(lambda: client.get(url), reps), len(queries)


def measure_snapshot(*, regency, reps: int = 3) -> tuple[float, float]:
    """(median seconds of a full weekly snapshot, median seconds of the raw aggregate)."""
    from django.db import connection
    from django.utils import timezone

    from superteam.scoring import services
    from superteam.scoring.models import SnapshotKind

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(RAW_AGGREGATE)
            cursor.fetchall()

    raw()  # warm the cache the same way for both
    week = [0]

    def snapshot():
        week[0] += 1
        services.publish_snapshot(
            regency=regency,
            kind=SnapshotKind.WEEKLY,
            now=timezone.now() + datetime.timedelta(days=7 * week[0]),
        )

    return _median_seconds(snapshot, reps), _median_seconds(raw, reps)


def result_line(page_ratio: float, q_small: int, q_large: int, snap_ratio: float) -> str:
    met = page_ratio <= PAGE_GOAL and q_small == q_large and snap_ratio <= SNAPSHOT_GOAL
    return (
        f"result: leaderboard page ratio {page_ratio:.2f} (goal <= {PAGE_GOAL:g}, queries "
        f"{q_small}/{q_large} equal), weekly snapshot / raw aggregate {snap_ratio:.2f} "
        f"(goal <= {SNAPSHOT_GOAL:g}) {'met' if met else 'not met'}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="2,000 units, 20,000 innovations, 200,000 evidence"
    )
    parser.add_argument("--units", type=int)
    parser.add_argument("--innovations", type=int)
    parser.add_argument("--evidence", type=int)
    parser.add_argument("--reps", type=int, default=7)
    args = parser.parse_args(argv)
    units = args.units or (2_000 if args.quick else 10_000)
    innovations = args.innovations or (20_000 if args.quick else 200_000)
    evidence = args.evidence or (200_000 if args.quick else 2_000_000)

    tmp = Path(tempfile.mkdtemp(prefix="bench-leaderboard-", dir="/tmp"))
    os.environ.setdefault("DEBUG", "1")
    os.environ["VAR_DIR"] = str(tmp)
    os.environ.setdefault("TEST_DATABASE_NAME", "bench_leaderboard")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "superteam.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    postgres = connection.vendor == "postgresql"
    server_database = connection.settings_dict["NAME"]
    try:
        if postgres:
            print(f"Creating the throwaway PostgreSQL database {os.environ['TEST_DATABASE_NAME']}…")
            connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        else:
            from django.core.management import call_command

            print(f"Creating a throwaway SQLite database in {tmp}…")
            call_command("migrate", verbosity=0, interactive=False)
        from superteam.innovations import demo as innovations_demo
        from superteam.org import demo as org_demo
        from superteam.org.generator import generate_regency
        from superteam.scoring import demo as scoring_demo
        from superteam.scoring import services

        started = time.perf_counter()
        print("Baseline: the demo regency with its innovations and weekly scores")
        small = org_demo.load(stdout=sys.stdout)
        innovations_demo.load(regency=small, stdout=sys.stdout)
        scoring_demo.load(regency=small, stdout=sys.stdout)
        print(
            f"National size: {units:,} units, {innovations:,} innovations, {evidence:,} evidence rows"
        )
        large = generate_regency(
            code="9902", name="Kabupaten Nasional", units=units, people=units, stdout=sys.stdout
        )
        generate_scores_data(regency=large, innovations=innovations, evidence=evidence)
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # as autovacuum would after a bulk load
        print(f"Data ready in {time.perf_counter() - started:.1f}s on {connection.vendor}.")
        t = time.perf_counter()
        services.recompute_regency(regency=large, stdout=sys.stdout)
        print(
            f"Full rebuild of the rollups from the evidence (background job): {time.perf_counter() - t:.1f}s"
        )
        services.publish_snapshot(regency=large)  # a first week, so movement is computed
        from superteam.scoring.models import SnapshotRow

        for r in (small, large):
            last = services.latest_snapshot(regency=r)
            villages = SnapshotRow.objects.filter(snapshot=last, family="villages").count()
            print(f"  {r.name}: {last.row_count:,} units on leaderboards, {villages:,} villages")

        small_s, small_q = measure_page(regency=small, family="villages", reps=args.reps)
        large_s, large_q = measure_page(regency=large, family="villages", reps=args.reps)
        page_ratio = large_s / small_s
        print(f"leaderboard page, demo regency:     {small_q:3d} queries, {small_s * 1000:7.1f} ms")
        print(f"leaderboard page, national regency: {large_q:3d} queries, {large_s * 1000:7.1f} ms")
        print(f"leaderboard page time ratio national/demo: {page_ratio:.2f}")
        snap_s, raw_s = measure_snapshot(regency=large)
        snap_ratio = snap_s / raw_s
        print(f"weekly snapshot of the national regency: {snap_s:.2f}s (median of 3)")
        print(f"one raw aggregate over the evidence table: {raw_s:.2f}s (median of 3)")
        print(f"weekly snapshot / raw aggregate: {snap_ratio:.2f}")
    finally:
        if postgres:
            connection.creation.destroy_test_db(server_database, verbosity=0, keepdb=False)
        connection.close()
        shutil.rmtree(tmp, ignore_errors=True)
    print(result_line(page_ratio, small_q, large_q, snap_ratio))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
