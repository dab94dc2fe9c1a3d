"""The agreements API: read agreements and indicators, enter realisation idempotently."""

from __future__ import annotations

import pytest

from superteam.agreements.models import Realisation
from superteam.api.services import issue_token

pytestmark = pytest.mark.django_db


def bearer(person) -> dict:
    _token, raw = issue_token(person=person, name="tes")
    return {"Authorization": f"Bearer {raw}"}


def test_list_and_read_an_agreement(active, personas, client):
    headers = bearer(personas.staff)
    rows = client.get("/api/agreements/?year=2026", headers=headers).json()
    assert [r["id"] for r in rows] == [active.pk]
    data = client.get(f"/api/agreements/{active.pk}", headers=headers).json()
    assert data["status"] == "active" and data["version_in_force"] == 1
    assert len(data["current"]["signatures"]) == 2
    assert data["indicators"][0]["terms"]["quarterly_targets"] == [
        "80.0000",
        "85.0000",
        "90.0000",
        "95.0000",
    ]
    document = client.get(
        f"/api/agreements/{active.pk}/versions/1/document", headers=headers
    ).json()
    assert document["document_hash"] == document["stored_document_hash"]
    assert client.get("/api/agreements/", headers=bearer(personas.other_head)).status_code == 200


def test_drafts_are_hidden_from_those_who_may_not_see_them(draft, personas, client):
    assert client.get("/api/agreements/", headers=bearer(personas.staff)).json() == []
    assert (
        client.get(f"/api/agreements/{draft.pk}", headers=bearer(personas.staff)).status_code == 403
    )
    assert len(client.get("/api/agreements/", headers=bearer(personas.head)).json()) == 1


def test_enter_a_realisation_once_per_idempotency_key(active, personas, client):
    indicator = active.indicators.get(number=1)
    url = f"/api/agreements/indicators/{indicator.pk}/realisations"
    body = {"period_end": "2026-03-31", "value": "82.5", "idempotency_key": "hp-kabid-001"}
    first = client.post(url, body, content_type="application/json", headers=bearer(personas.kabid))
    assert first.status_code == 201
    again = client.post(url, body, content_type="application/json", headers=bearer(personas.kabid))
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert Realisation.objects.count() == 1
    refused = client.post(
        url, body, content_type="application/json", headers=bearer(personas.staff)
    )
    assert refused.status_code == 403
    bad = client.post(
        url,
        {"period_end": "2030-01-31", "value": "1"},
        content_type="application/json",
        headers=bearer(personas.kabid),
    )
    assert bad.status_code == 400 and "period" in bad.json()["errors"][0]
    listed = client.get(url, headers=bearer(personas.staff)).json()
    assert [r["value"] for r in listed] == ["82.5000"]
    read = client.get(
        f"/api/agreements/indicators/{indicator.pk}", headers=bearer(personas.staff)
    ).json()
    assert read["capaian"] == "86.84"


def test_unit_achievement_endpoint(active, personas, client):
    data = client.get(
        f"/api/agreements/units/{personas.dinkes.pk}/achievement?year=2026",
        headers=bearer(personas.staff),
    ).json()
    assert data == {"unit_id": personas.dinkes.pk, "year": 2026, "capaian": None}


def test_the_openapi_document_lists_the_endpoints(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/agreements/verify/{code}" in paths
    assert "/api/agreements/indicators/{indicator_id}/realisations" in paths
    assert "/api/ledger/checkpoints" in paths


def test_negative_realisations_are_refused_by_the_api(active, personas, client):
    indicator = active.indicators.get(number=1)
    url = f"/api/agreements/indicators/{indicator.pk}/realisations"
    negative = client.post(
        url,
        {"period_end": "2026-03-31", "value": "-5"},
        content_type="application/json",
        headers=bearer(personas.kabid),
    )
    assert negative.status_code == 400
    assert negative.json()["errors"] == ["Nilai tidak boleh negatif."]  # Indonesian default
    assert Realisation.objects.count() == 0
