"""Two writers appending at the same time never fork the chain.

PostgreSQL: two threads with their own connections. SQLite: two processes on one database
file (an in-memory test database cannot be shared between real connections)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection, connections

from superteam.ledger.models import Entry
from superteam.ledger.services import record, verify_chain
from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]
PER_WRITER = 40
PER_PROCESS = 25  # SQLite's busy handler sleeps while the other process writes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_threads_appending_concurrently_never_fork_the_chain():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (the SQLite variant below uses two processes)")
    regency = f.regency()
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            start.wait()
            for i in range(PER_WRITER):
                record(regency=regency, kind="test.concurrent", payload={"writer": name, "i": i})
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    seqs = list(Entry.objects.filter(regency=regency).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, 2 * PER_WRITER + 1))
    writers = Entry.objects.filter(regency=regency).values_list("payload", flat=True)
    assert {p["writer"] for p in writers} == {"a", "b"}
    report = verify_chain(regency.pk)
    assert report.ok and report.checked == 2 * PER_WRITER


WRITER = """
import os, sys
sys.path.insert(0, {root!r})
os.environ["DJANGO_SETTINGS_MODULE"] = "superteam.settings"
import django
django.setup()
from superteam.ledger.services import record
from superteam.org.models import Regency
regency = Regency.objects.get(code="9998")
sys.stdout.write("ready\\n"); sys.stdout.flush()
sys.stdin.readline()
for i in range({n}):
    record(regency=regency, kind="test.concurrent", payload={{"writer": sys.argv[1], "i": i}})
print("done")
"""


def test_two_processes_appending_to_one_sqlite_file_never_fork_the_chain(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL variant above uses threads")
    env = {
        **os.environ,
        "VAR_DIR": str(tmp_path),
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'chain.sqlite3'}",
    }
    env.pop("PYTEST_VERSION", None)
    python = sys.executable
    subprocess.run(
        [python, "manage.py", "migrate", "ledger", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    setup = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='superteam.settings';"
        "django.setup(); from superteam.org.models import Regency;"
        "Regency.objects.create(name='Uji', code='9998', slug='uji-9998')"
    )
    subprocess.run([python, "-c", setup], cwd=ROOT, env=env, check=True)
    script = tmp_path / "writer.py"
    script.write_text(WRITER.format(root=str(ROOT), n=PER_PROCESS))
    writers = [
        subprocess.Popen(
            [python, str(script), name],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    for w in writers:
        assert w.stdout.readline().strip() == "ready"
    for w in writers:  # both start appending at (nearly) the same moment
        w.stdin.write("go\n")
        w.stdin.flush()
    for w in writers:
        out, _ = w.communicate(timeout=120)
        assert w.returncode == 0 and "done" in out
    check = (
        "import django, os, json; os.environ['DJANGO_SETTINGS_MODULE']='superteam.settings';"
        "django.setup(); from superteam.org.models import Regency;"
        "from superteam.ledger.models import Entry; from superteam.ledger.services import verify_chain;"
        "r = Regency.objects.get(code='9998'); rep = verify_chain(r.pk);"
        "seqs = list(Entry.objects.filter(regency=r).order_by('seq').values_list('seq', flat=True));"
        "print(json.dumps({'ok': rep.ok, 'checked': rep.checked, 'seqs': seqs}))"
    )
    result = subprocess.run(
        [python, "-c", check], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    import json

    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["ok"] and outcome["checked"] == 2 * PER_PROCESS
    assert outcome["seqs"] == list(range(1, 2 * PER_PROCESS + 1))
