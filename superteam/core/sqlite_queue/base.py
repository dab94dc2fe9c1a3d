"""SQLite whose write transactions queue on a file lock instead of sleeping and retrying.

SQLite lets one writer in at a time. Another that tries meanwhile gets "busy", and SQLite's
busy handler sleeps before it tries again: 1, 2, 5, 10, 15, 20, 25 … 100 ms, however soon
the lock comes free. With a few processes writing (several gunicorn workers, the task
worker) that leaves CPUs idle and stretches answers. Here a transaction first takes an
exclusive ``flock`` on a file beside the database (``<name>-writers``); a writer that has
to wait sleeps in the kernel and is woken the moment the one before it finishes. The
transactions are IMMEDIATE (settings), so the order of the two locks is always the same:
the file lock, then SQLite's. A process that dies loses its file lock with it.

Checkpoints: in WAL mode SQLite copies the log back into the database after a commit that
leaves the log over 1,000 pages, inside that commit, so while the queue is still held,
and with two fsyncs (synchronous=NORMAL): every other writer waited for it (measured in
the reports benchmark: 4 ms median, up to 19 ms; queue waits fell by half without it).
Here each connection checkpoints after leaving the queue, every ``CHECKPOINT_EVERY`` of its
transactions, PASSIVE: the next writer goes on meanwhile. SQLite's own checkpoint stays as
a safety net, at ``AUTOCHECKPOINT_PAGES``.

In-memory databases (the tests' default) have a single process and need no queue.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3

from django.db.backends.sqlite3 import base

log = logging.getLogger(__name__)

CHECKPOINT_EVERY = 32  # transactions of one connection
AUTOCHECKPOINT_PAGES = 10_000  # SQLite's own, if these fall behind (about 40 MB of log)


class DatabaseWrapper(base.DatabaseWrapper):
    _queue_fd: int | None = None
    _queued = False
    _transactions = 0

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        self._drop_queue_fd()  # a connection dropped without close() (a broken transaction)
        name = str(self.settings_dict["NAME"])
        if not self.creation.is_in_memory_db(name):
            self._queue_fd = os.open(f"{name}-writers", os.O_RDWR | os.O_CREAT, 0o600)
            connection.execute(f"PRAGMA wal_autocheckpoint = {AUTOCHECKPOINT_PAGES}")
        return connection

    def _start_transaction_under_autocommit(self):
        if self._queue_fd is not None and not self._queued:
            fcntl.flock(self._queue_fd, fcntl.LOCK_EX)  # waits without holding the GIL
            self._queued = True
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._leave_queue()
            raise

    def _set_autocommit(self, autocommit):
        super()._set_autocommit(autocommit)
        if autocommit and self._queued:  # the transaction ended (committed or rolled back)
            self._leave_queue()
            self._transactions += 1
            if self._transactions % CHECKPOINT_EVERY == 0:
                self._checkpoint()

    def _checkpoint(self):
        """Copy the log back into the database as far as readers allow, outside the queue;
        (busy, frames in the log, frames copied), or None if it failed."""
        try:
            return self.connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error as exc:  # the transaction is committed; a later one will do it
            log.warning("SQLite checkpoint failed: %s", exc)
            return None

    def _leave_queue(self):
        if self._queued:
            self._queued = False
            fcntl.flock(self._queue_fd, fcntl.LOCK_UN)

    def _close(self):
        try:
            super()._close()
        finally:
            self._drop_queue_fd()

    def _drop_queue_fd(self):
        self._queued = False
        if self._queue_fd is not None:
            fd, self._queue_fd = self._queue_fd, None
            os.close(fd)  # releases the lock too
