"""The project's database task backend: rows written with precompiled SQL, and enqueue's
answer built from the task in hand. It must answer what django-tasks-db's own would."""

import pytest
from django_tasks import task_backends
from django_tasks.base import TaskResultStatus
from django_tasks.exceptions import InvalidTaskError
from django_tasks_db.models import DBTaskResult

from superteam.core.tasks_backend import DatabaseBackend
from superteam.reports.tasks import process_photo_task, send_reminders_task

pytestmark = pytest.mark.django_db(transaction=False)


def test_the_configured_backend_is_this_one():
    assert isinstance(task_backends["default"], DatabaseBackend)


@pytest.mark.parametrize(
    ("task", "args"),
    [
        (process_photo_task, (41,)),
        (send_reminders_task.using(priority=7), (3, "2026-12-07")),
    ],
)
def test_enqueue_answers_what_the_stored_row_says(task, args):
    result = task.enqueue(*args)
    row = DBTaskResult.objects.get(id=result.id)
    original = row.task_result  # django-tasks-db's way: from the row, by the task's path
    for name in ("id", "status", "args", "kwargs", "backend", "errors", "worker_ids"):
        assert getattr(result, name) == getattr(original, name), name
    assert result.enqueued_at == original.enqueued_at is not None
    assert result.status == TaskResultStatus.READY and result.finished_at is None
    assert result.task.func is original.task.func
    assert (result.task.priority, result.task.queue_name, result.task.run_after) == (
        original.task.priority,
        original.task.queue_name,
        original.task.run_after,
    )
    assert result.db_result.pk == row.pk
    for answer in (result, original):  # not finished: asking for the value is an error
        with pytest.raises(ValueError, match="not finished"):
            answer.return_value  # noqa: B018


def test_tasks_are_still_checked_and_a_valid_one_once(monkeypatch):
    backend = task_backends["default"]
    with pytest.raises(InvalidTaskError):
        process_photo_task.using(queue_name="no-such-queue")
    checked = []
    original = DatabaseBackend.__mro__[1].validate_task
    monkeypatch.setattr(
        DatabaseBackend.__mro__[1],
        "validate_task",
        lambda self, task: checked.append(task) or original(self, task),
    )
    backend._valid.clear()
    for photo in (1, 2, 3):
        process_photo_task.enqueue(photo)
    assert checked == [process_photo_task]
    assert DBTaskResult.objects.filter(task_path=process_photo_task.module_path).count() == 3


def test_a_prepared_task_is_enqueued_as_enqueue_would():
    """A report's transaction prepares its tasks' rows before it begins (prepare) and
    inserts them with the arguments inside; the row and the answer are enqueue's."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    backend = task_backends["default"]
    prepared = backend.prepare(process_photo_task)
    assert not DBTaskResult.objects.exists()
    with CaptureQueriesContext(connection) as queries:
        result = prepared.enqueue((42,))
    assert len(queries) == 1 and queries[0]["sql"].startswith("INSERT")
    row = DBTaskResult.objects.get(id=result.id)
    assert row.args_kwargs == {"args": [42], "kwargs": {}}
    assert result.args == [42] and result.status == TaskResultStatus.READY
    same = process_photo_task.enqueue(42)
    other = DBTaskResult.objects.get(id=same.id)
    for name in ("task_path", "queue_name", "priority", "backend_name", "status", "args_kwargs"):
        assert getattr(row, name) == getattr(other, name), name
