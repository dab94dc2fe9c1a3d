"""Fixtures of the meetings tests: slides in a temporary private directory, tasks run at once."""

import pytest
from django.core.files.storage import FileSystemStorage
from django.utils import timezone

from superteam.meetings.models import AgendaItem


@pytest.fixture(autouse=True)
def private_slides(tmp_path, monkeypatch):
    """The slides field's storage is created at import time: point it to a temporary dir."""
    storage = FileSystemStorage(location=str(tmp_path / "private"), base_url=None)
    monkeypatch.setattr(AgendaItem._meta.get_field("slides"), "storage", storage)
    return storage


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "photos", "mail"],
        }
    }


@pytest.fixture
def clock(monkeypatch):
    """``clock(moment)``: from then on the app's clock (``timezone.now``) reads that moment."""

    def set_now(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return set_now
