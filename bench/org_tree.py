"""Benchmark: the organisation tree page and a big unit's page, demo regency vs a large one.

    .venv/bin/python bench/org_tree.py            # 10,000 units and 50,000 people
    .venv/bin/python bench/org_tree.py --quick    # 2,000 units and 10,000 people

Builds a throwaway database (a temporary SQLite file, or a fresh PostgreSQL database
``bench_org_tree`` on the server of DATABASE_URL), loads the demo regency (the baseline,
~850 units) and generates a large one of the same shape, then renders both pages of both
regencies through Django's test client, several times each. Prints the queries and the
median time of every page, and as its last line the time ratio large/small (goal <= 3)
and the query counts (goal: equal, i.e. independent of size).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL_RATIO = 3.0


def measure(client, url: str, reps: int) -> tuple[float, int, int]:
    """Median seconds over ``reps`` renders (after one warm-up), queries, and status."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    reset_queries()  # the log is a bounded deque: a full one would count nothing
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    count = len(queries)  # now: the log is read lazily and later requests may clear it
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    return statistics.median(times), count, response.status_code


def pages_of(regency) -> dict[str, str]:
    """The tree page and the page of the health agency (Dinkes): the biggest agency, with
    its puskesmas as sub-units and, in the large regency, hundreds of positions."""
    from django.urls import reverse

    from superteam.org.models import Unit

    big = Unit.objects.get(regency=regency, code="DINKES")
    return {"tree": reverse("org:tree"), "unit": reverse("org:unit", args=[big.pk])}


def run(
    *, small, large, reps: int, out=sys.stdout
) -> tuple[float, int, int, dict[str, dict[str, tuple[float, int]]]]:
    """Render the pages of both regencies; returns (worst time ratio, queries small,
    queries large, per-page figures)."""
    from django.test import Client

    from superteam.org.models import Person, Position

    figures: dict[str, dict[str, tuple[float, int]]] = {}
    for label, regency in (("small", small), ("large", large)):
        admin = Person.objects.filter(
            assignments__position__in=Position.objects.filter(regency=regency, is_admin=True)
        ).first()
        client = Client()
        client.force_login(admin)
        for page, url in pages_of(regency).items():
            seconds, queries, status = measure(client, url, reps)
            if status != 200:
                raise SystemExit(f"{label} {page} page answered {status}")
            figures.setdefault(page, {})[label] = (seconds, queries)
            out.write(
                f"{page:>5} page, {label:>5} regency: {queries:3d} queries, "
                f"{seconds * 1000:7.1f} ms (median of {reps})\n"
            )
            out.flush()
    ratios = {p: f["large"][0] / f["small"][0] for p, f in figures.items()}
    for page, ratio in ratios.items():
        out.write(f"{page:>5} page: time ratio large/small {ratio:.2f}\n")
    q_small = sum(f["small"][1] for f in figures.values())
    q_large = sum(f["large"][1] for f in figures.values())
    return max(ratios.values()), q_small, q_large, figures


def result_line(ratio: float, q_small: int, q_large: int) -> str:
    met = ratio <= GOAL_RATIO and q_small == q_large
    return (
        f"result: org tree time ratio {ratio:.2f} (goal <= {GOAL_RATIO:g}), "
        f"queries {q_small}/{q_large} (goal equal) {'met' if met else 'not met'}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2,000 units, 10,000 people")
    parser.add_argument("--units", type=int, default=None)
    parser.add_argument("--people", type=int, default=None)
    parser.add_argument("--reps", type=int, default=7)
    args = parser.parse_args(argv)
    units = args.units or (2_000 if args.quick else 10_000)
    people = args.people or (10_000 if args.quick else 50_000)

    tmp = Path(tempfile.mkdtemp(prefix="bench-org-tree-"))
    os.environ.setdefault("DEBUG", "1")  # static files without a manifest; queries counted
    os.environ["VAR_DIR"] = str(tmp)  # SQLite file, media and static dirs: all throwaway
    os.environ.setdefault("TEST_DATABASE_NAME", "bench_org_tree")
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
        from superteam.org import demo
        from superteam.org.generator import generate_regency

        started = time.perf_counter()
        print("Baseline: the demo regency")
        small = demo.load(stdout=sys.stdout)
        print(f"Large: {units:,} units and {people:,} people")
        large = generate_regency(
            code="9901", name="Kabupaten Besar", units=units, people=people, stdout=sys.stdout
        )
        if postgres:  # a live database has planner statistics; a freshly loaded one not yet
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(f"Data ready in {time.perf_counter() - started:.1f}s on {connection.vendor}.")
        from superteam.org.models import Person, Unit

        for r in (small, large):
            print(
                f"  {r.name}: {Unit.objects.filter(regency=r).count():,} units, "
                f"{Person.objects.filter(regency=r).count():,} people"
            )
        ratio, q_small, q_large, _figures = run(small=small, large=large, reps=args.reps)
    finally:
        if postgres:
            connection.creation.destroy_test_db(server_database, verbosity=0, keepdb=False)
        connection.close()
        shutil.rmtree(tmp, ignore_errors=True)
    print(result_line(ratio, q_small, q_large))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
