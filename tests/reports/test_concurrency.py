"""The same submission sent several times at the same moment is stored once."""

import threading
import urllib.error
import urllib.request
import uuid

import pytest
from django.db import connection

from superteam.api.services import issue_token
from superteam.reports.models import Photo, Report, UnitDay
from tests.reports.helpers import jpeg, submit

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS = 8


def _multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, data) in files.items():
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'
            ).encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real concurrent writers need PostgreSQL"
)
def test_identical_requests_at_the_same_moment_store_one_report(
    personas, reporting, today, live_server
):
    _token, raw = issue_token(person=personas.staff, name="phone")
    body, content_type = _multipart(
        {
            "idempotency_key": "race-00000001",
            "title": "Jemput bola lansia",
            "narrative": "Kunjungan rumah.",
            "date": today.isoformat(),
        },
        {"photos": ("a.jpg", jpeg(1, day=today))},
    )
    barrier = threading.Barrier(CLIENTS)
    answers: list[tuple[int, str]] = []

    def send():
        request = urllib.request.Request(  # noqa: S310 - the test's own live server
            f"{live_server.url}/api/reports/",
            data=body,
            headers={"Authorization": f"Bearer {raw}", "Content-Type": content_type},
            method="POST",
        )
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                answers.append((response.status, response.read().decode()))
        except urllib.error.HTTPError as exc:
            answers.append((exc.code, exc.read().decode()))

    threads = [threading.Thread(target=send) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(s for s, _ in answers)
    assert statuses == [200] * (CLIENTS - 1) + [201], answers
    assert Report.objects.count() == 1
    assert Photo.objects.count() == 1
    assert UnitDay.objects.get(unit=personas.pustu, date=today).reports == 1


def test_identical_submissions_from_threads_store_one_report(personas, reporting, today, media):
    """The service itself, from several threads (each with its own database connection)."""
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        "file:memorydb"
    ):
        pytest.skip("in-memory SQLite shares one connection between threads")
    photo = jpeg(2, day=today)
    barrier = threading.Barrier(4)
    outcomes = []

    def run():
        from django.db import connections

        try:
            barrier.wait()
            result = submit(personas, today, key="race-00000002", photos=[photo])
            outcomes.append(result.created)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == [False, False, False, True]
    assert Report.objects.filter(idempotency_key="race-00000002").count() == 1
    # Files of the losers were removed: one original on disk.
    assert len(list((media / "private").rglob("*.jpg"))) == 1
