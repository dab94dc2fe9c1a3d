"""With REDIS_URL set, the cache is Redis, shared by every worker process (optional)."""

import os
import socket
import subprocess
import sys

import pytest

REDIS = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_with_redis_url_the_cache_is_redis_and_works():
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.core.cache import cache\n"
        "assert settings.CACHES['default']['BACKEND'].endswith('RedisCache')\n"
        "cache.delete('superteam-test:n')\n"
        "cache.set('superteam-test:x', {'a': 1}, 10)\n"
        "assert cache.get('superteam-test:x') == {'a': 1}\n"
        "assert cache.add('superteam-test:n', 0) and cache.incr('superteam-test:n') == 1\n"
        "print('ok')\n"
    )
    env = {
        **os.environ,
        "REDIS_URL": REDIS,
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "superteam.settings",
    }
    env.pop("PYTEST_VERSION", None)
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
