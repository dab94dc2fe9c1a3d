"""Submitting reports: stored once per key, conflicts refused, all-or-nothing."""

import datetime
import hashlib
import os

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from superteam.ledger import services as ledger_services
from superteam.ledger.models import Entry
from superteam.reports import services
from superteam.reports.models import Photo, PhotoStatus, Report, UnitDay
from superteam.reports.photos import check_upload
from superteam.reports.services import IdempotencyConflict, SubmissionError, SubmissionForbidden
from tests.reports.helpers import jpeg, pustu_gps, report_data, submit, upload

pytestmark = pytest.mark.django_db


def _files(root):
    return sorted(
        os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs
    )


def test_a_report_is_stored_with_its_photos_rollup_and_ledger_entry(personas, reporting, today):
    result = submit(personas, today, photos=[jpeg(1, day=today, gps=pustu_gps(personas))])
    report = result.report
    assert result.created
    assert report.unit == personas.pustu and report.author == personas.staff
    assert report.position.title == "Perawat Pustu"
    assert [p.status for p in report.photos.all()] == [PhotoStatus.RECEIVED]
    day = UnitDay.objects.get(unit=personas.pustu, date=today)
    assert (day.reports, day.photos, day.photos_missing) == (1, 1, 0)
    entry = Entry.objects.get(kind="reports.submitted", subject_id=str(report.pk))
    assert entry.payload["content_hash"] == report.content_hash


def test_a_resend_with_the_same_content_returns_the_stored_report(personas, reporting, today):
    photo = jpeg(1, day=today)
    first = submit(personas, today, photos=[photo])
    again = submit(personas, today, photos=[photo])
    assert not again.created
    assert again.report.pk == first.report.pk
    assert Report.objects.count() == 1 and Photo.objects.count() == 1
    assert UnitDay.objects.get(unit=personas.pustu, date=today).reports == 1


def test_a_resend_leaves_no_second_file(personas, reporting, today, media):
    photo = jpeg(1, day=today)
    submit(personas, today, photos=[photo])
    for _ in range(2):
        assert not submit(personas, today, photos=[photo]).created
    assert len(_files(media / "private")) == 1


def test_a_resend_is_answered_when_the_report_could_no_longer_be_sent(personas, reporting, today):
    """A phone that was offline for two weeks flushes its queue: the report arrived back
    then, so the resend gets it, not "reports can be sent up to 7 days late"."""
    first = submit(personas, today)
    later = timezone.now() + datetime.timedelta(days=14)
    again = submit(personas, today, received_at=later)
    assert not again.created and again.report.pk == first.report.pk
    with pytest.raises(SubmissionError):
        submit(personas, today, key="key-00000002", received_at=later)


def test_a_new_report_is_stored_without_looking_its_key_up_first(personas, reporting, today):
    """One INSERT per row (report, photo, rollup, task, ledger entry) and the ledger head;
    the key is checked by the unique constraint, not by a query before."""
    submit(personas, today, key="key-00000001")  # the regency's ledger head exists now
    photos = [check_upload(upload(jpeg(1, day=today)))]
    data = report_data(personas, today, title="Posyandu balita")
    data.unit.regency  # noqa: B018 - loaded by the form in a request
    with CaptureQueriesContext(connection) as ctx:
        services.submit_report(
            author=personas.staff, idempotency_key="key-00000002", data=data, photos=photos
        )
    reads = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT")]
    assert not any('FROM "reports_report"' in sql for sql in reads)
    # The author's positions, two savepoints (on PostgreSQL a transaction and a savepoint)
    # with their releases, five inserts, and the ledger head read and updated.
    assert len(ctx.captured_queries) <= 12


def test_the_same_key_with_other_content_is_a_conflict(personas, reporting, today):
    submit(personas, today)
    with pytest.raises(IdempotencyConflict) as exc:
        submit(personas, today, narrative="Something else entirely.")
    assert "different content" in exc.value.message
    assert exc.value.status == 409
    assert Report.objects.count() == 1


def test_the_same_key_from_another_person_is_a_conflict(personas, reporting, today):
    submit(personas, today)
    other = personas.kasi
    position = other.current_assignments().first().position
    with pytest.raises(IdempotencyConflict):
        submit(personas, today, author=other, unit=position.unit, position=position)


def test_photos_announced_but_not_arrived_show_as_missing_and_can_be_sent_later(
    personas, reporting, today
):
    first = submit(personas, today, photos=[jpeg(1)], photos_expected=3)
    statuses = list(first.report.photos.order_by("slot").values_list("slot", "status"))
    assert statuses == [(1, "received"), (2, "missing"), (3, "missing")]
    assert UnitDay.objects.get(unit=personas.pustu, date=today).photos_missing == 2
    # The phone resends with the same key: the photo already stored is not doubled,
    # the new one fills the first missing slot.
    again = submit(personas, today, photos=[jpeg(1), jpeg(2)], photos_expected=3)
    assert not again.created and again.photos_added == 1
    statuses = list(first.report.photos.order_by("slot").values_list("slot", "status"))
    assert statuses == [(1, "received"), (2, "received"), (3, "missing")]
    day = UnitDay.objects.get(unit=personas.pustu, date=today)
    assert (day.photos, day.photos_missing) == (2, 1)


def test_other_photos_under_a_used_key_are_a_conflict(personas, reporting, today):
    submit(personas, today, photos=[jpeg(1)])
    with pytest.raises(IdempotencyConflict):
        submit(personas, today, photos=[jpeg(1), jpeg(2)], photos_expected=1)
    assert Photo.objects.count() == 1


def test_a_failure_midway_leaves_nothing(personas, reporting, today, media, monkeypatch):
    before = Entry.objects.count()

    tasks_before = DBTaskResult.objects.count()

    def broken_ledger(self, **kw):
        raise RuntimeError("the database went away")

    # The ledger entry is the last write of a report's transaction (prepared before it).
    monkeypatch.setattr(ledger_services.PreparedRecord, "append", broken_ledger)
    with pytest.raises(RuntimeError):
        submit(personas, today, photos=[jpeg(1), jpeg(2)])
    assert Report.objects.count() == 0
    assert Photo.objects.count() == 0
    assert DBTaskResult.objects.count() == tasks_before  # the photos' tasks went too
    assert not UnitDay.objects.exists()
    assert Entry.objects.count() == before
    assert _files(media / "private") == [] if (media / "private").exists() else True


def test_a_failure_while_storing_the_second_photo_leaves_nothing(
    personas, reporting, today, media, monkeypatch
):
    real_write = services._write_new
    calls = []

    def flaky_write(storage, name, data):
        calls.append(name)
        if len(calls) == 2:
            raise OSError("disk full")
        return real_write(storage, name, data)

    monkeypatch.setattr(services, "_write_new", flaky_write)
    with pytest.raises(OSError):
        submit(personas, today, photos=[jpeg(1), jpeg(2)])
    assert len(calls) == 2
    assert Report.objects.count() == 0
    assert _files(media / "private") == []


def test_an_original_is_written_exclusively_and_whole(media):
    """The file-system fast path creates the file (never overwrites one) with every byte;
    a file that cannot be written completely is removed."""
    storage = services.private_storage()
    data = bytes(range(256)) * 1200
    name = services._write_new(storage, "reports/test/a.jpg", data)
    assert storage.open(name).read() == data
    with pytest.raises(FileExistsError):
        services._write_new(storage, "reports/test/a.jpg", b"other")
    assert storage.open(name).read() == data
    storage.delete(name)
    os.rmdir(storage.path("reports/test"))  # the folder removed behind the process's back
    assert services._write_new(storage, "reports/test/b.jpg", b"again") == "reports/test/b.jpg"
    assert storage.open("reports/test/b.jpg").read() == b"again"


def test_an_original_and_its_folder_entry_are_on_disk_before_the_report_is_stored(
    personas, reporting, today, media, monkeypatch
):
    """Durability: the photo's data (fdatasync) and its name in its folder (fsync of the
    folder) reach the disk before the report's row is written, so a committed report
    never points at evidence a power cut could take back."""
    events = []
    real_fdatasync, real_fsync = os.fdatasync, os.fsync

    def fdatasync(fd):
        events.append(("data", os.fstat(fd).st_ino))
        return real_fdatasync(fd)

    def fsync(fd):
        events.append(("sync", os.fstat(fd).st_ino))
        return real_fsync(fd)

    def note_statements(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("INSERT") and '"reports_report"' in sql:
            events.append(("report row", None))
        return execute(sql, params, many, context)

    monkeypatch.setattr(os, "fdatasync", fdatasync)
    monkeypatch.setattr(os, "fsync", fsync)
    with connection.execute_wrapper(note_statements):
        result = submit(personas, today, photos=[jpeg(1, day=today)])
    photo = result.report.photos.get()
    path = services.private_storage().path(photo.original.name)
    file_inode = os.stat(path).st_ino
    folder_inode = os.stat(os.path.dirname(path)).st_ino
    stored_at = events.index(("report row", None))
    assert ("data", file_inode) in events[:stored_at]
    assert ("sync", folder_inode) in events[:stored_at]
    assert events.index(("data", file_inode)) < events.index(("sync", folder_inode))
    with open(path, "rb") as fh:  # released from the cache, still whole on disk
        assert hashlib.sha256(fh.read()).hexdigest() == photo.sha256


def test_the_reporter_must_hold_the_position(personas, reporting, today):
    position = personas.kasi.current_assignments().first().position
    with pytest.raises(SubmissionForbidden):
        submit(personas, today, position=position, unit=position.unit)


def test_staff_cannot_report_for_another_unit(personas, reporting, today):
    with pytest.raises(SubmissionForbidden):
        submit(personas, today, unit=personas.puskesmas)


def test_a_head_may_report_for_a_unit_under_theirs(personas, reporting, today):
    position = personas.head.current_assignments().first().position
    result = submit(personas, today, author=personas.head, position=position, unit=personas.pustu)
    assert result.report.unit == personas.pustu


@pytest.mark.parametrize("offset", [1, -30])
def test_dates_in_the_future_or_too_old_are_refused(personas, reporting, today, offset):
    with pytest.raises(SubmissionError) as exc:
        submit(personas, today + datetime.timedelta(days=offset))
    assert "date" in exc.value.errors


def test_a_bad_key_is_refused(personas, reporting, today):
    with pytest.raises(SubmissionError):
        submit(personas, today, key="short")
    with pytest.raises(SubmissionError):
        submit(personas, today, key="has spaces in it")


def test_too_many_photos_are_refused(personas, reporting, today, settings):
    settings.REPORTS_MAX_PHOTOS = 2
    with pytest.raises(SubmissionError):
        submit(personas, today, photos=[jpeg(1), jpeg(2), jpeg(3)])
    assert Report.objects.count() == 0


def test_content_hash_ignores_how_the_text_travelled(personas, today):
    a = report_data(personas, today, narrative="Line one\r\nLine two  ")
    b = report_data(personas, today, narrative="Line one\nLine two")
    assert services.content_hash(author=personas.staff, data=a) == services.content_hash(
        author=personas.staff, data=b
    )


def test_a_new_report_writes_no_index_it_does_not_need():
    """Every B-tree a report's insert touches is a page more in its commit (and, on SQLite,
    longer under the one write lock): no index of the regency alone (the composite ones
    begin with it), and the verifier's index holds verified reports only."""
    with connection.cursor() as cursor:
        for model in (Report, Photo):
            constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
            singles = [
                name
                for name, c in constraints.items()
                if c["index"] and c["columns"] in (["regency_id"], ["verified_by_id"])
            ]
            assert singles == [] or singles == ["reports_report_verified_by"], singles
        query = str(Report.objects.filter(verified_by_id=1).values("pk").query)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + query)
            plan = " ".join(row[0] for row in cursor.fetchall())
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + query)
            plan = " ".join(row[-1] for row in cursor.fetchall())
    assert "reports_report_verified_by" in plan, plan
