"""Helpers for the organisation tests: workbooks built row by row, private file storage."""

from __future__ import annotations

import io

import pytest
from django.utils import translation

from superteam.org.exchange import export_rows, plan_import
from superteam.org.workbook import (
    ASSIGNMENTS,
    PEOPLE,
    POSITIONS,
    UNITS,
    read_workbook,
    write_workbook,
)

SHEET = {"units": UNITS, "positions": POSITIONS, "people": PEOPLE, "assignments": ASSIGNMENTS}


def row(sheet: str, **values) -> list:
    """A row of a sheet from values by column key (the rest empty)."""
    return [values.get(column.key) for column in SHEET[sheet].columns]


def as_dict(sheet: str, values: list) -> dict:
    return {column.key: v for column, v in zip(SHEET[sheet].columns, values, strict=False)}


def build(rows: dict[str, list[list]], language: str = "en") -> bytes:
    return write_workbook(rows, language=language)


def exported(regency, language: str = "en") -> dict[str, list[list]]:
    return export_rows(regency=regency, language=language)


def problems(regency, data: bytes) -> list[tuple[str, int, str]]:
    """(sheet, row, reason) of every problem, the reasons in English."""
    with translation.override("en"):
        plan = plan_import(regency=regency, read=read_workbook(data))
        return [(p.sheet, p.row, p.message) for p in plan.problems]


def upload(data: bytes, name: str = "organisasi.xlsx"):
    f = io.BytesIO(data)
    f.name = name
    return f


@pytest.fixture
def private_storage(settings, tmp_path):
    """Pending uploads go to a temporary directory, not the repository's var/."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path), "base_url": None},
        },
    }
    return tmp_path
