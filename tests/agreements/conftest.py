"""Fixtures of the agreements tests: positions of the personas, a drafted, a circulating and
an active agreement, and an indicator specification with every field."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from superteam.agreements import services
from superteam.org.models import Position
from tests.factories import PASSWORD

YEAR = 2026


def position_of(person) -> Position:
    return Position.objects.get(assignments__person=person)


def spec(**overrides) -> dict:
    """An indicator specification with every field of the contract."""
    data = {
        "sasaran": "Meningkatnya derajat kesehatan masyarakat",
        "name": "Persentase ibu hamil mendapat pelayanan kesehatan sesuai standar",
        "unit_of_measure": "%",
        "target": Decimal("95"),
        "deadline": datetime.date(YEAR, 12, 31),
        "responsible_position": None,
        "contributing_units": [],
        "polarity": "higher",
        "aggregation": "last",
        "baseline": Decimal("88.5"),
        "quarterly_targets": [Decimal("80"), Decimal("85"), Decimal("90"), Decimal("95")],
        "programme": "Program Pemenuhan Upaya Kesehatan Perorangan",
        "budget": Decimal("1250000000"),
    }
    data.update(overrides)
    return data


@pytest.fixture
def draft(personas):
    """A joint draft between the kabid and the head of Dinkes with two indicators."""
    return services.create_draft_agreement(
        regency=personas.regency,
        title="Perjanjian Kinerja Bersama Layanan Kesehatan 2026",
        year=YEAR,
        parties=[position_of(personas.head), position_of(personas.kabid)],
        indicators=[
            spec(
                responsible_position=position_of(personas.kabid),
                contributing_units=[personas.puskesmas, personas.dinkes],
            ),
            spec(
                name="Angka kematian ibu",
                unit_of_measure="per 100.000 KH",
                polarity="lower",
                aggregation="sum",
                target=Decimal("60"),
                baseline=Decimal("75"),
                quarterly_targets=[15, 30, 45, 60],
                responsible_position=position_of(personas.head),
            ),
        ],
        created_by=personas.head,
        kind="joint",
    )


@pytest.fixture
def circulating(draft, personas):
    services.send_for_signing(agreement=draft, actor=personas.head)
    draft.refresh_from_db()
    return draft


@pytest.fixture
def active(circulating, personas):
    services.sign_agreement(agreement=circulating, signer=personas.head, password=PASSWORD)
    services.sign_agreement(agreement=circulating, signer=personas.kabid, password=PASSWORD)
    circulating.refresh_from_db()
    return circulating


@pytest.fixture
def other_circulating(personas):
    """A second agreement (vertical, regent and head of Dinkes), circulating."""
    agreement = services.create_draft_agreement(
        regency=personas.regency,
        title="Perjanjian Kinerja Tahun 2026 Dinas Kesehatan",
        year=YEAR,
        parties=[position_of(personas.regent), position_of(personas.head)],
        indicators=[spec()],
        created_by=personas.head,
    )
    services.send_for_signing(agreement=agreement, actor=personas.head)
    agreement.refresh_from_db()
    return agreement


@pytest.fixture(autouse=True)
def _english():
    """Services' messages in English in these tests (pages choose their own language)."""
    from django.utils import translation

    with translation.override("en"):
        yield
