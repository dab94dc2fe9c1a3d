"""The benchmark's code path at a tiny size, against the test's live server (the full run,
with gunicorn, the worker and a database of its own: `.venv/bin/python bench/reports.py`)."""

import datetime
from io import BytesIO

import pytest
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.core.management import call_command
from django.db import connection
from django.http.multipartparser import MultiPartParser

from bench import reports as bench
from superteam.reports.models import Photo, Report

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_multipart_body_is_what_django_parses():
    body, content_type = bench.multipart({"title": "Posyandu"}, [("photos", "a.jpg", b"\xff\xd8x")])
    meta = {"CONTENT_TYPE": content_type, "CONTENT_LENGTH": str(len(body))}
    post, files = MultiPartParser(meta, BytesIO(body), [MemoryFileUploadHandler()]).parse()
    assert post["title"] == "Posyandu"
    assert files["photos"].read() == b"\xff\xd8x"


def test_the_benchmark_code_path_at_a_tiny_size(live_server, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    setup = bench.create_bench_regency(units=3)
    devices, day = setup["devices"], setup["today"]
    photos = bench.make_photos(6, devices, datetime.date.fromisoformat(day), tmp_path)
    assert all(250_000 < p.stat().st_size < 400_000 for p in photos)  # "300 KB" photos
    port = int(live_server.url.rsplit(":", 1)[1])
    # In-memory SQLite shares one table lock between the server's threads: one client.
    clients = 1 if connection.vendor == "sqlite" else 2
    base = bench.ping_rate(port, devices, clients=clients, seconds=0.5)
    assert base["ok"] > 0 and base["bad"] == 0
    bodies = [bench.multipart(bench.report_fields(0, day), [("photos", "a.jpg", b"x" * 300_000)])]
    carried = bench.ping_rate(port, devices, clients=clients, seconds=0.5, bodies=bodies)
    assert carried["ok"] > 0 and carried["bad"] == 0
    assert Report.objects.count() == 0  # the upload alone stores nothing
    # In alternating blocks, as the benchmark runs them: the rates are the blocks' totals.
    blocks = [
        bench.submit_reports(port, devices, photos, day, clients, range(0, 4), progress=False),
        bench.submit_reports(
            port,
            devices,
            photos,
            day,
            clients,
            range(4, 6),
            progress=False,
            bodies=bench.report_bodies(day, photos),  # made beforehand, as the full run does
        ),
    ]
    run = bench.combine(blocks, "accepted")
    run["answers"] = {i: a for r in blocks for i, a in r["answers"].items()}
    assert run["accepted"] == 6 and sorted(run["answers"]) == list(range(6))
    assert {s for s, _id in run["answers"].values()} == {201}
    assert run["rps"] == pytest.approx(6 / (blocks[0]["elapsed"] + blocks[1]["elapsed"]))
    assert len(run["latencies"]) == 6
    same, other, conflict = bench.resend(
        port, devices, photos, day, run["answers"], clients, count=3
    )
    assert (same, other, conflict) == (3, 0, 409)
    assert Report.objects.count() == 6 and Photo.objects.count() == 6
    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", verbosity=0)
    assert Photo.objects.filter(status="ready").count() == 6
    line = bench.result_line(run["rps"] / base["rps"], ok=True)
    assert line.startswith("result: accepted reports/s vs authenticated POST/s ratio ")
    assert line.endswith((" met", " not met"))
    # Just under the goal is printed so that it does not read as the goal.
    assert bench.result_line(0.2977, ok=True).endswith("ratio 0.298 (goal >= 0.3) not met")
    assert bench.result_line(0.3, ok=True).endswith("ratio 0.300 (goal >= 0.3) met")
    assert bench.result_line(0.45, ok=False).endswith("not met")


def test_the_benchmark_measures_what_creating_a_file_costs(tmp_path):
    """Printed before the blocks: a report creates a file for its photo, and on some file
    systems that cost depends on what was deleted shortly before (see the function)."""
    cost = bench.file_creation_us(tmp_path / "probe", count=20)
    assert 0 < cost < 1_000_000
    assert len(list((tmp_path / "probe").iterdir())) == 20


def test_the_database_servers_cpu_is_counted_only_for_a_local_postgresql():
    """The benchmark adds the PostgreSQL server's CPU per request when it runs here;
    SQLite runs inside the server's own processes, a remote database is not measured."""
    assert bench.database_usage("sqlite:////tmp/bench.sqlite3") == bench.Usage()
    assert bench.database_usage("postgres://u@db.example.org:5432/x") == bench.Usage()
    assert bench.database_share(bench.Usage(), 10) == ""
    assert bench.database_share(bench.Usage(cpu=0.05), 10) == ", the database server 5.0 ms"
    if connection.vendor != "postgresql" or connection.settings_dict["HOST"] not in (
        "127.0.0.1",
        "localhost",
    ):
        return
    url = f"postgres://{connection.settings_dict['USER']}@{connection.settings_dict['HOST']}/x"
    before = bench.database_usage(url)
    with connection.cursor() as cursor:  # work done by the server, not by this process
        cursor.execute("SELECT count(*) FROM generate_series(1, 3000000)")
    after = bench.database_usage(url)
    assert after.cpu - before.cpu > 0
