"""Fixtures of the innovations tests: evidence files in a temporary private directory, and
background tasks run at once (emails are sent through the real SMTP fixture)."""

import pytest


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    return tmp_path / "private"


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "photos", "mail"],
        }
    }


@pytest.fixture(autouse=True)
def fresh_cache():
    """The default regency of anonymous pages is cached (core/tenancy.py); every test
    builds its own regency, so the cache starts empty."""
    from django.core.cache import cache

    cache.clear()
