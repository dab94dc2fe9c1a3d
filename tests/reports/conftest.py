"""Fixtures of the reports tests: media in a temporary directory, reporting units, photos."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from superteam.reports.compliance import enrol_reporting_units
from superteam.reports.services import regency_today


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Public media and private originals in this test's own directories."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    return tmp_path


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English unless a test switches to Indonesian."""
    with translation.override("en"):
        yield


@pytest.fixture
def english_client(client, settings):
    """A browser that chose English (the language cookie)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def today(personas):
    return regency_today(personas.regency)


@pytest.fixture
def reporting(personas, today):
    """The pustu, the puskesmas and the health agency report every working day."""
    since = today - datetime.timedelta(days=60)
    enrol_reporting_units(
        regency=personas.regency,
        units=[personas.pustu, personas.puskesmas, personas.dinkes],
        since=since,
    )
    return since
