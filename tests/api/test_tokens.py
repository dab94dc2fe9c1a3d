"""The API token page and bearer authentication on the organisation endpoints."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from superteam.api.models import ApiToken, hash_token
from superteam.api.services import issue_token, revoke_token
from superteam.ledger.models import Entry
from tests import factories as f

pytestmark = pytest.mark.django_db
RAW = re.compile(r'value="(st_[A-Za-z0-9_-]+)"')


def test_create_a_token_shown_once_then_only_its_prefix(personas, client_as):
    client = client_as(personas.staff)
    response = client.post(reverse("tokens:list"), {"name": "Ponsel dinas"})
    assert response.status_code == 200
    raw = RAW.search(response.content.decode())[1]
    token = ApiToken.objects.get(person=personas.staff)
    assert token.name == "Ponsel dinas" and token.prefix == raw[:10]
    assert token.key_hash == hash_token(raw) and raw not in token.key_hash  # stored hashed
    assert "no-store" in response["Cache-Control"]
    page = client.get(reverse("tokens:list")).content.decode()
    assert raw not in page and token.prefix in page and "Ponsel dinas" in page
    assert Entry.objects.filter(kind="api.token_issued", subject_id=str(token.pk)).exists()


def test_token_names_are_checked(personas, client_as):
    client = client_as(personas.staff)
    client.post(reverse("tokens:list"), {"name": "Ponsel"})
    again = client.post(reverse("tokens:list"), {"name": "ponsel"})
    assert "sudah memiliki token dengan nama ini" in again.content.decode()
    empty = client.post(reverse("tokens:list"), {"name": "   "})
    assert empty.context["form"].errors
    assert ApiToken.objects.filter(person=personas.staff).count() == 1


def test_each_person_sees_and_revokes_only_their_own_tokens(personas, client_as):
    mine, _ = issue_token(person=personas.staff, name="Ponsel")
    theirs, _ = issue_token(person=personas.kasi, name="Tablet kasi")
    client = client_as(personas.staff)
    page = client.get(reverse("tokens:list")).content.decode()
    assert "Ponsel" in page and "Tablet kasi" not in page
    assert client.post(reverse("tokens:revoke", args=[theirs.pk])).status_code == 403
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    response = client.post(reverse("tokens:revoke", args=[mine.pk]), follow=True)
    mine.refresh_from_db()
    assert mine.revoked_at is not None
    assert "sudah tidak berlaku" in response.content.decode()
    assert Entry.objects.filter(kind="api.token_revoked", subject_id=str(mine.pk)).exists()
    assert client.get(reverse("tokens:revoke", args=[mine.pk])).status_code == 405


def test_revoking_asks_first_and_each_token_is_one_block_on_a_phone(personas, client_as):
    issue_token(person=personas.staff, name="Ponsel <lama>")
    page = client_as(personas.staff).get(reverse("tokens:list")).content.decode()
    # Revoking cannot be undone: the form asks first, naming the token (escaped).
    assert 'data-confirm="Cabut token “Ponsel &lt;lama&gt;”?' in page
    assert 'onsubmit="return window.confirm(this.dataset.confirm)"' in page
    # The table stacks on a phone (org.css), so the Revoke button is not off-screen.
    assert "org/org.css" in page and '<table class="stack-sm tokens">' in page
    assert 'data-label="Status"' in page


def test_the_profile_page_leads_to_the_token_page(personas, client_as):
    page = client_as(personas.staff).get(reverse("org:person", args=[personas.staff.pk]))
    assert reverse("tokens:list") in page.content.decode()
    other = client_as(personas.staff).get(reverse("org:person", args=[personas.kasi.pk]))
    assert reverse("tokens:list") not in other.content.decode()


# --- Bearer authentication -------------------------------------------------------------------


def bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


def test_a_valid_token_reads_the_units_of_its_persons_regency(personas, client):
    _token, raw = issue_token(person=personas.staff, name="Ponsel")
    other = f.regency()
    f.unit(other, kind="kabupaten", code="LAIN")
    response = client.get("/api/org/units", headers=bearer(raw))
    assert response.status_code == 200
    codes = {u["code"] for u in response.json()}
    assert "DINKES" in codes and "LAIN" not in codes
    detail = client.get(f"/api/org/units/{personas.dinkes.pk}", headers=bearer(raw)).json()
    assert {p["title"] for p in detail["positions"]} == {"Kepala Dinas Kesehatan"}
    assert detail["positions"][0]["holders"][0]["person_id"] == personas.head.pk
    clusters = client.get("/api/org/clusters", headers=bearer(raw)).json()
    assert clusters[0]["code"] == "kesehatan"
    subtree = client.get("/api/org/units", {"under": personas.dinkes.pk}, headers=bearer(raw))
    assert {u["code"] for u in subtree.json()} == {
        "DINKES",
        "DINKES-B3",
        "DINKES-B3-S1",
        "PKM-GENTENG",
        "PKM-GENTENG-PUSTU1",
    }
    # Use is noted (at most once a minute).
    assert ApiToken.objects.get(pk=_token.pk).last_used_at is not None


def test_a_token_cannot_read_another_regencys_unit(personas, client):
    other = f.regency()
    root = f.unit(other, kind="kabupaten", code="LAIN")
    _token, raw = issue_token(person=personas.staff, name="Ponsel")
    assert client.get(f"/api/org/units/{root.pk}", headers=bearer(raw)).status_code == 403


@pytest.mark.parametrize("case", ["missing", "revoked", "unknown", "inactive person", "not bearer"])
def test_requests_without_a_working_token_are_refused(case, personas, client):
    token, raw = issue_token(person=personas.staff, name="Ponsel")
    headers = bearer(raw)
    if case == "missing":
        headers = {}
    elif case == "revoked":
        revoke_token(token=token)
    elif case == "unknown":
        headers = bearer("st_" + "x" * 43)
    elif case == "inactive person":
        personas.staff.is_active = False
        personas.staff.save()
    elif case == "not bearer":
        headers = {"Authorization": f"Token {raw}"}
    for url in ("/api/org/units", f"/api/org/units/{personas.dinkes.pk}", "/api/org/clusters"):
        response = client.get(url, headers=headers)
        assert response.status_code == 401, (case, url)
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'
        expected = "Masuk dulu" if case == "missing" else "Token ini tidak diterima"
        assert response.json()["detail"].startswith(expected), response.json()
    # A POST too, as a real client sends it (Django's test client skips the CSRF check
    # unless asked): 401, not the 403 of a session's failed CSRF check.
    strict = Client(enforce_csrf_checks=True)
    strict.cookies["superteam_language"] = "en"
    response = strict.post("/api/reports/ping", headers=headers)
    assert response.status_code == 401, (case, response.content)
    expected = "Sign in first" if case == "missing" else "This token was not accepted"
    assert response.json()["detail"].startswith(expected)


def test_a_signed_in_browser_session_also_works(personas, client_as):
    response = client_as(personas.kasi).get("/api/org/clusters")
    assert response.status_code == 200


def test_openapi_document_describes_the_organisation_api(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.") and doc["info"]["title"] == "SuperTeam API"
    for path in ("/api/org/units", "/api/org/units/{unit_id}", "/api/org/clusters"):
        assert path in doc["paths"], path
    schemes = doc["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())
    assert client.get("/api/docs").status_code == 200


def test_units_come_a_page_at_a_time_in_tree_order(personas, client):
    _token, raw = issue_token(person=personas.staff, name="Ponsel")
    first = client.get("/api/org/units", {"limit": 4}, headers=bearer(raw)).json()
    rest = client.get("/api/org/units", {"limit": 4, "offset": 4}, headers=bearer(raw)).json()
    assert len(first) == 4 and first[0]["code"] == "PEMKAB" and first[0]["parent_id"] is None
    assert {u["id"] for u in first}.isdisjoint({u["id"] for u in rest})
    everything = client.get("/api/org/units", headers=bearer(raw)).json()
    assert [u["id"] for u in everything][:8] == [u["id"] for u in first + rest]
    big = client.get("/api/org/units", {"limit": 10**6}, headers=bearer(raw))
    assert big.status_code == 200 and len(big.json()) == len(everything)
