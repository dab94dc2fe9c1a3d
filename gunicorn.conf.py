"""Gunicorn's settings for SuperTeam (read by ``gunicorn superteam.wsgi`` run from here).

Every value can be changed through the environment; the defaults are what bench/reports.py
measured best on a 2-CPU machine (docs/operations.md, "Web server"):

- ``WEB_CONCURRENCY`` worker processes, default 2 x CPUs + 1 (gunicorn's own advice).
- ``GUNICORN_THREADS`` threads per process, default 1. Django's request handling is
  CPU-bound Python: threads of one process take turns on one interpreter lock, and a
  thread that holds a database lock (the ledger's head row, SQLite's write lock) waits
  for its turn after each query while the others hold up every writer. With 8 clients
  sending reports, 5 processes x 1 thread accepted 30 % more reports per second than
  2 x 4 on the same 2 CPUs, with a lower p95.
- One thread per process means one slow client occupies a process while it uploads:
  in production, put a proxy that buffers request bodies in front (nginx does by
  default), or raise ``GUNICORN_THREADS`` when there is none.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
worker_class = "gthread"  # keeps connections alive between requests, even with one thread
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
# Each process recycles itself after this many requests (with jitter, so not all at
# once): a slow leak in a library cannot grow for weeks.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
