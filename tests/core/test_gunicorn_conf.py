"""gunicorn.conf.py: the production server's settings, with their environment overrides."""

import multiprocessing
import runpy
from pathlib import Path

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def load(monkeypatch, **env) -> dict:
    for name in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_BIND", "PORT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


def test_defaults_are_processes_of_one_thread(monkeypatch):
    conf = load(monkeypatch)
    assert conf["workers"] == 2 * multiprocessing.cpu_count() + 1
    assert conf["threads"] == 1
    assert conf["worker_class"] == "gthread"  # keep-alive even with one thread
    assert conf["bind"] == "127.0.0.1:8000"
    assert conf["max_requests_jitter"] == conf["max_requests"] // 10


def test_environment_overrides(monkeypatch):
    conf = load(monkeypatch, WEB_CONCURRENCY="3", GUNICORN_THREADS="4", PORT="9000")
    assert (conf["workers"], conf["threads"], conf["bind"]) == (3, 4, "127.0.0.1:9000")
    conf = load(monkeypatch, GUNICORN_BIND="0.0.0.0:80")
    assert conf["bind"] == "0.0.0.0:80"


def test_gunicorn_accepts_the_file(monkeypatch):
    """gunicorn itself reads the file and knows every setting in it."""
    from gunicorn.config import Config

    conf = load(monkeypatch)
    config = Config()
    names = {k for k in conf if not k.startswith("_") and k not in ("multiprocessing", "os")}
    for name in sorted(names):
        config.set(name, conf[name])
    assert config.workers == conf["workers"] and config.threads == 1
