"""Precompiled statements (superteam/core/fastsql.py) against the ORM they stand in for."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models.signals import post_save, pre_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_tasks_db.models import DBTaskResult

from superteam.core import fastsql
from superteam.core.permissions import _current_assignments, actor_for
from superteam.ledger.models import Entry
from superteam.org.models import Assignment, AssignmentKind, PositionLevel
from superteam.reports.models import Channel, Report
from tests import factories as f

pytestmark = pytest.mark.django_db


def _row(model, pk, exclude=("id",)):
    values = model.objects.filter(pk=pk).values().get()
    return {k: v for k, v in values.items() if k not in exclude}


def _report(personas, key, **kw):
    position = personas.staff.current_assignments().first().position
    fields = {
        "regency": personas.regency,
        "unit": position.unit,
        "date": datetime.date(2026, 3, 4),
        "author": personas.staff,
        "position": position,
        "title": "Jemput bola",
        "narrative": "Kunjungan rumah — 12 lansia.\nTensi diperiksa.",
        "latitude": Decimal("-8.366012"),
        "longitude": Decimal("114.148003"),
        "location_name": "Dusun Krajan",
        "idempotency_key": key,
        "content_hash": "ab" * 32,
        "photos_expected": 2,
        "channel": Channel.API,
        "submitted_at": timezone.now(),
        "client_created_at": None,
    }
    fields.update(kw)
    return Report(**fields)


def test_an_insert_stores_what_the_orm_stores(personas):
    fast = fastsql.insert(_report(personas, "fast-key-1"))
    slow = _report(personas, "slow-key-1", submitted_at=fast.submitted_at)
    slow.save(force_insert=True)
    assert isinstance(fast.pk, int) and fast.pk != slow.pk
    assert not fast._state.adding and fast._state.db == "default"
    a = _row(Report, fast.pk, exclude=("id", "idempotency_key"))
    b = _row(Report, slow.pk, exclude=("id", "idempotency_key"))
    assert a == b
    # Defaults the instance was given by the model (status, counters) are stored too.
    assert a["status"] == Report._meta.get_field("status").default
    assert Report.objects.get(pk=fast.pk).latitude == Decimal("-8.366012")


def test_the_statement_is_compiled_once_and_reused(personas):
    reports = [_report(personas, f"once-key-{i}") for i in range(4)]
    fastsql.insert(reports[0])
    with CaptureQueriesContext(connection) as queries:
        for report in reports[1:]:
            fastsql.insert(report)
    assert len(queries) == 3  # one statement per row, nothing read first
    assert len({q["sql"].split("VALUES")[0] for q in queries.captured_queries}) == 1
    assert all(q["sql"].startswith("INSERT") for q in queries.captured_queries)
    assert len({r.pk for r in reports}) == 4
    assert Report.objects.filter(idempotency_key__startswith="once-key-").count() == 4


def test_json_and_datetimes_round_trip_like_the_orm(personas):
    now = timezone.now().replace(microsecond=123000)
    payload = {"a": [1, 2, {"b": "ç"}], "n": None, "d": "2026-03-04"}
    made = fastsql.insert(
        Entry(
            regency=personas.regency,
            seq=900_001,
            kind="test.fast",
            subject_type="x.y",
            subject_id="7",
            actor=personas.staff,
            payload=payload,
            created_at=now,
            prev_hash="0" * 64,
            hash="1" * 64,
        )
    )
    stored = Entry.objects.get(pk=made.pk)
    assert stored.payload == payload and stored.created_at == now
    assert stored.actor_id == personas.staff.pk


def test_a_uuid_key_and_the_save_signals_behave_as_in_the_orm():
    """The task backend's rows: a UUID key set by the caller (no RETURNING needed) and a
    pre_save handler that fills ``run_after`` (django_tasks_db relies on it)."""
    seen = []

    def on_pre(sender, instance, **kw):
        seen.append(("pre", kw["raw"], kw["update_fields"]))

    def on_post(sender, instance, created, **kw):
        seen.append(("post", created))

    pre_save.connect(on_pre, sender=DBTaskResult)
    post_save.connect(on_post, sender=DBTaskResult)
    try:
        key = uuid.uuid4()
        fastsql.insert(
            DBTaskResult(
                id=key,
                args_kwargs={"args": [1], "kwargs": {}},
                task_path="superteam.reports.tasks.process_photo_task",
                queue_name="photos",
                backend_name="default",
                run_after=None,
            )
        )
    finally:
        pre_save.disconnect(on_pre, sender=DBTaskResult)
        post_save.disconnect(on_post, sender=DBTaskResult)
    stored = DBTaskResult.objects.get(pk=key)
    assert stored.run_after is not None  # the library's own pre_save handler ran
    assert stored.enqueued_at is not None  # auto_now_add, as save() does it
    assert stored.args_kwargs == {"args": [1], "kwargs": {}}
    assert seen == [("pre", False, None), ("post", True)]


def test_an_explicit_key_for_an_automatic_one_is_saved_the_orm_way(personas):
    report = _report(personas, "explicit-key-1")
    report.pk = 987_654
    fastsql.insert(report)
    assert Report.objects.filter(pk=987_654, idempotency_key="explicit-key-1").exists()


def test_a_failed_insert_raises_the_database_error(personas):
    from django.db import IntegrityError, transaction

    fastsql.insert(_report(personas, "dupe-key-1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        fastsql.insert(_report(personas, "dupe-key-1"))
    assert Report.objects.filter(idempotency_key="dupe-key-1").count() == 1


def _orm_assignments(person, day):
    return list(
        Assignment.objects.current(day)
        .filter(person=person, position__is_active=True)
        .select_related("position", "position__unit")
        .order_by("kind", "position__unit__path")
    )


def test_current_assignments_are_those_the_orm_finds():
    regency = f.regency()
    dinas = f.unit(regency, name="Dinas")
    bidang = f.unit(regency, parent=dinas, name="Bidang", kind="bidang")
    other = f.unit(regency, name="Dinas Lain")
    person = f.person(regency)
    day = datetime.date(2026, 6, 15)
    kept = [
        f.assign(person, f.position(bidang, level=PositionLevel.KABID)),
        f.assign(person, f.position(other, level=PositionLevel.HEAD), kind=AssignmentKind.ACTING),
        f.assign(person, f.position(dinas), start=day, end=day),  # in force that one day
    ]
    f.assign(person, f.position(dinas), end=day - datetime.timedelta(days=1))  # ended
    f.assign(person, f.position(dinas), start=day + datetime.timedelta(days=1))  # not yet
    f.assign(person, f.position(dinas, is_active=False))  # position closed
    f.assign(f.person(regency), f.position(dinas))  # someone else's
    fast = _current_assignments(person.pk, day)
    assert [a.pk for a in fast] == [a.pk for a in _orm_assignments(person, day)]
    assert {a.pk for a in fast} == {a.pk for a in kept}
    for got in fast:
        want = Assignment.objects.select_related("position__unit").get(pk=got.pk)
        assert (got.start, got.end, got.kind) == (want.start, want.end, want.kind)
        assert got.position.title == want.position.title
        assert got.position.level == want.position.level
        assert got.position.unit.path == want.position.unit.path
        assert got.position.unit.latitude == want.position.unit.latitude
    with CaptureQueriesContext(connection) as queries:
        for got in fast:
            assert got.position.unit.name  # loaded with the row: no query
    assert len(queries) == 0


def test_an_actor_reads_its_positions_in_one_query(personas):
    with CaptureQueriesContext(connection) as queries:
        actor = actor_for(personas.staff)
        titles = [p.title for p in actor.positions]
        units = [p.unit.name for p in actor.positions]
    assert titles == ["Perawat Pustu"] and units == [personas.pustu.name]
    assert len(queries) == 1


def test_an_expression_value_is_saved_the_orm_way(personas):
    from django.db.models import Value
    from django.db.models.functions import Upper

    fastsql.insert(_report(personas, "expr-key-1", title=Upper(Value("jemput bola"))))
    assert Report.objects.get(idempotency_key="expr-key-1").title == "JEMPUT BOLA"


def test_the_compiled_statement_keeps_no_instance_alive(personas):
    import gc
    import weakref

    fastsql._inserts.pop((Report, "default"), None)  # compiled anew for this report
    report = _report(personas, "pinned-key-1")
    fastsql.insert(report)
    alive = weakref.ref(report)
    del report
    gc.collect()
    assert alive() is None
    assert Report.objects.filter(idempotency_key="pinned-key-1").exists()


def test_a_prepared_insert_runs_only_its_statement_and_takes_late_values(personas):
    """prepare() does the work before a lock is taken; insert() then only runs the
    statement. A value known only later (a parent's new key) is set in between."""
    from superteam.reports.models import Photo, PhotoStatus

    parent = fastsql.prepare(_report(personas, "prepared-key-1"))
    child = fastsql.prepare(Photo(regency=personas.regency, slot=1, status=PhotoStatus.MISSING))
    assert parent.obj.pk is None
    with CaptureQueriesContext(connection) as queries:
        report = parent.insert()
        photo = child.set(report=report).insert()
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["INSERT", "INSERT"]
    stored = Photo.objects.get(pk=photo.pk)
    assert stored.report_id == report.pk and photo.report is report
    assert not photo._state.adding
    reference = _report(personas, "prepared-key-2", submitted_at=report.submitted_at)
    reference.save(force_insert=True)
    assert _row(Report, report.pk, exclude=("id", "idempotency_key")) == _row(
        Report, reference.pk, exclude=("id", "idempotency_key")
    )


def test_a_prepared_insert_that_cannot_be_fast_is_saved_the_orm_way(personas):
    from django.db.models import Value

    report = _report(personas, "prepared-key-3")
    prepared = fastsql.prepare(report)
    prepared.set(title=Value("Dari ekspresi"))  # an expression, set late
    prepared.insert()
    assert Report.objects.get(pk=report.pk).title == "Dari ekspresi"
    other = fastsql.prepare(_report(personas, "prepared-key-4"))
    other.set(id=987_000)  # not a column of the statement: the ORM's way too
    assert other.insert().pk == 987_000
    assert Report.objects.filter(pk=987_000, idempotency_key="prepared-key-4").exists()


def _django_params(obj, statement):
    """What Django prepares from ``obj`` once prepare() ran its pre_save (which sets
    automatic times, so it is not run again here)."""
    return _comparable(
        [
            f.get_db_prep_save(getattr(obj, f.attname), connection=connection)
            for f in statement.fields
        ]
    )


def _comparable(params):
    # psycopg's JSON wrappers compare by identity: compare what they wrap.
    return [(type(p), p.obj) if hasattr(p, "obj") else p for p in params]


@pytest.mark.parametrize(
    "values",
    [
        {},  # the usual report: text, integers, keys, a date, times, decimals
        {"latitude": None, "longitude": None, "location_name": "", "photos_expected": 0},
        # Not plain: a choice member (a str subclass), a bool in an integer column, a
        # lazy text: each prepared Django's way, to the same value.
        {"channel": Channel.WEB, "photos_expected": True, "title": gettext_lazy("Laporan")},
    ],
)
def test_plain_values_are_prepared_as_django_prepares_them(personas, values):
    """A plain value (str, int, bool or None of a plain field) is passed on as it is; every
    parameter equals what Django's own preparation gives, on either database."""
    report = _report(personas, "plain-key-1", **values)
    prepared = fastsql.prepare(report)
    assert _comparable(prepared.params) == _django_params(report, prepared.statement)
    plain = {attname for attname, kind, _f in prepared.statement.columns if kind is not None}
    assert {"title", "idempotency_key"} <= plain  # text is plain on every backend
    assert "submitted_at" not in plain and "latitude" not in plain  # adapted per backend
    prepared.insert()
    reference = _report(personas, "plain-key-2", submitted_at=report.submitted_at, **values)
    reference.save(force_insert=True)
    assert _row(Report, report.pk, exclude=("id", "idempotency_key")) == _row(
        Report, reference.pk, exclude=("id", "idempotency_key")
    )


def test_the_task_and_ledger_rows_are_prepared_as_django_prepares_them(personas):
    task = DBTaskResult(
        priority=0,
        task_path="superteam.reports.tasks.process_photo_task",
        queue_name="default",
        backend_name="default",
        args_kwargs={"args": [1], "kwargs": {}},
    )
    entry = Entry(
        regency_id=personas.regency.pk,
        seq=1,
        kind="reports.submitted",
        subject_type="reports.report",
        subject_id="1",
        actor_id=personas.staff.pk,
        payload={"a": 1},
        prev_hash="0" * 64,
        hash="1" * 64,
        created_at=timezone.now(),
    )
    for obj in (task, entry):
        prepared = fastsql.prepare(obj)
        assert _comparable(prepared.params) == _django_params(obj, prepared.statement)
