"""The SQLite backend whose writers queue on a file lock (superteam/core/sqlite_queue)."""

import fcntl
import os
import threading
import time

import pytest

from superteam.core.sqlite_queue.base import DatabaseWrapper


def wrapper(path) -> DatabaseWrapper:
    return DatabaseWrapper(
        {
            "NAME": str(path),
            "ENGINE": "superteam.core.sqlite_queue",
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 30},
            "TIME_ZONE": None,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
            "TEST": {},
        },
        alias="queue-test",
    )


def begin(db):
    db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def end(db, *, commit=True):
    try:
        db.commit() if commit else db.rollback()
    finally:
        db.set_autocommit(True)


def queue_is_free(path) -> bool:
    fd = os.open(f"{path}-writers", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


@pytest.fixture(autouse=True)
def own_databases(django_db_blocker):
    """These tests open their own database files, not the test database."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def path(tmp_path):
    return tmp_path / "q.sqlite3"


@pytest.mark.parametrize("commit", [True, False], ids=["commit", "rollback"])
def test_a_transaction_holds_the_queue_until_it_ends(path, commit):
    db = wrapper(path)
    db.ensure_connection()
    assert queue_is_free(path)
    begin(db)
    db.cursor().execute("CREATE TABLE IF NOT EXISTS t (n INTEGER)")
    assert not queue_is_free(path)
    end(db, commit=commit)
    assert queue_is_free(path)
    db.close()


def test_a_second_writer_waits_for_the_first_and_goes_on_at_once(path):
    first = wrapper(path)
    first.ensure_connection()
    first.cursor().execute("CREATE TABLE t (n INTEGER)")
    events = []

    def write():
        second = wrapper(path)  # a connection belongs to the thread that made it
        second.ensure_connection()
        begin(second)  # waits here for the first transaction
        events.append(("second began", time.monotonic()))
        second.cursor().execute("INSERT INTO t VALUES (2)")
        end(second)
        second.close()

    begin(first)
    first.cursor().execute("INSERT INTO t VALUES (1)")
    thread = threading.Thread(target=write)
    thread.start()
    time.sleep(0.3)
    assert events == []  # still queued
    events.append(("first ends", time.monotonic()))
    end(first)
    thread.join(10)
    assert [e for e, _ in events] == ["first ends", "second began"]
    # Woken when the lock came free, not after one of SQLite's retry sleeps (up to 100 ms).
    assert events[1][1] - events[0][1] < 0.05
    assert [n for (n,) in first.cursor().execute("SELECT n FROM t ORDER BY n")] == [1, 2]
    first.close()


def test_a_failed_begin_leaves_the_queue(path):
    db = wrapper(path)
    db.ensure_connection()
    db.cursor().execute("CREATE TABLE t (n INTEGER)")
    other = wrapper(path)
    other.ensure_connection()
    other.settings_dict["OPTIONS"]["timeout"] = 0
    other.close()
    other.ensure_connection()
    # SQLite's own lock taken behind the queue's back: the queued BEGIN fails at once.
    db.cursor().execute("BEGIN IMMEDIATE")
    with pytest.raises(Exception, match="locked"):
        other.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    assert other._queued is False
    db.cursor().execute("ROLLBACK")
    assert queue_is_free(path)
    other.close()
    db.close()


def test_closing_in_a_transaction_frees_the_queue(path):
    db = wrapper(path)
    db.ensure_connection()
    begin(db)
    assert not queue_is_free(path)
    db.close()
    assert queue_is_free(path)


def test_in_memory_databases_have_no_queue(tmp_path):
    db = wrapper(":memory:")
    db.ensure_connection()
    begin(db)
    assert db._queue_fd is None and not db._queued
    end(db)
    db.close()
    assert list(tmp_path.iterdir()) == []


def test_the_log_is_checkpointed_after_leaving_the_queue(path, monkeypatch):
    """SQLite's own checkpoint runs inside the commit, with the queue held and fsyncs; here
    a connection checkpoints every CHECKPOINT_EVERY transactions, after leaving it."""
    from superteam.core.sqlite_queue import base

    db = wrapper(path)
    db.ensure_connection()
    db.cursor().execute("PRAGMA journal_mode=WAL")
    db.cursor().execute("CREATE TABLE t (n INTEGER)")
    assert db.connection.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == (
        base.AUTOCHECKPOINT_PAGES
    )
    seen = []
    real = DatabaseWrapper._checkpoint

    def spy(self):
        result = real(self)
        seen.append((queue_is_free(path), result))
        return result

    monkeypatch.setattr(DatabaseWrapper, "_checkpoint", spy)
    for n in range(base.CHECKPOINT_EVERY - 1):
        begin(db)
        db.cursor().execute("INSERT INTO t VALUES (%s)", [n])
        end(db)
    assert seen == []
    begin(db)
    db.cursor().execute("INSERT INTO t VALUES (-1)")
    end(db, commit=False)  # a rolled-back transaction counts too
    assert len(seen) == 1
    free, (busy, frames, copied) = seen[0]
    assert free  # the next writer was not kept waiting
    assert busy == 0 and frames > 0 and copied == frames  # the whole log went back
    assert db.cursor().execute("SELECT COUNT(*) FROM t").fetchone()[0] == base.CHECKPOINT_EVERY - 1
    db.close()


def test_a_failed_checkpoint_does_not_fail_the_committed_transaction(path, caplog):
    db = wrapper(path)
    db.ensure_connection()
    db.connection.close()  # the checkpoint meets a closed connection
    assert db._checkpoint() is None
    assert "checkpoint failed" in caplog.text
    db.connection = None
    db._drop_queue_fd()


def test_the_projects_sqlite_connections_use_wal(path, settings):
    """The options the project gives a SQLite database (settings.SQLITE_OPTIONS)."""
    db = wrapper(path)
    db.settings_dict["OPTIONS"] = dict(settings.SQLITE_OPTIONS)
    db.ensure_connection()
    pragma = db.connection.execute
    assert pragma("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert pragma("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert db.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    db.close()
