"""The database task backend, writing its task rows with precompiled SQL.

``django_tasks_db.DatabaseBackend`` saves each enqueued task through the ORM; a report
arriving enqueues its photos' processing inside its own transaction, hundreds of times a
second at peak, so the row is written with :func:`superteam.core.fastsql.insert` instead
(0.4 → 0.1 ms). Everything else (the worker, results, the admin) is the original's.
"""

from __future__ import annotations

from django_tasks.utils import normalize_json
from django_tasks_db.backend import DatabaseBackend as _DatabaseBackend

from superteam.core import fastsql


class DatabaseBackend(_DatabaseBackend):
    def _task_to_db_task(self, task, args, kwargs):
        from django_tasks_db.models import DBTaskResult

        return fastsql.insert(
            DBTaskResult(
                id=self._get_id(),
                args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
                priority=task.priority,
                task_path=task.module_path,
                queue_name=task.queue_name,
                run_after=task.run_after,
                backend_name=self.alias,
            )
        )
