"""The scoring tests share the innovations tests' fixtures (private media, immediate tasks)."""

from tests.innovations.conftest import fresh_cache, immediate_tasks, private_media  # noqa: F401
