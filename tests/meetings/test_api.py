"""The meetings API with a device token: schedules, decisions, checking in."""

import datetime

import pytest

from superteam.api.services import issue_token
from superteam.meetings import services
from tests.meetings.world import world

pytestmark = pytest.mark.django_db


def bearer(person) -> dict:
    _token, raw = issue_token(person=person, name="Ponsel")
    return {"Authorization": f"Bearer {raw}"}


def test_schedule_decisions_and_check_in_through_the_api(personas, client, clock):
    data = world(personas)
    headers = bearer(personas.kasi)
    rakor = client.get(f"/api/meetings/rakor/{data['rakor'].pk}", headers=headers).json()
    assert rakor["sessions"][0]["participants"] == 3
    assert rakor["sessions"][0]["room"] == "Aula Uji"

    class Report:
        pk = 12

    decision = data["decision"]
    services.record_decision_evidence(
        decision=decision, report=Report(), at=decision.decided_at + datetime.timedelta(hours=18)
    )
    rows = client.get("/api/meetings/decisions?show=all", headers=headers).json()
    assert rows[0]["hours_to_action"] == 18.0
    assert rows[0]["first_evidence_report_id"] == 12
    assert client.get("/api/meetings/decisions?show=bogus", headers=headers).status_code == 400

    url = f"/api/meetings/sessions/{data['session'].pk}/check-in"
    # From the app too, only while the session meets (08:00–10:00): not the evening before.
    clock(data["session"].starts_at - datetime.timedelta(hours=10))
    response = client.post(url, headers=headers)
    assert response.status_code == 400
    assert "Presensi dibuka pukul 07:00" in response.json()["detail"]
    clock(data["session"].starts_at + datetime.timedelta(minutes=5))
    response = client.post(url, headers=headers)
    assert response.status_code == 200 and response.json()["method"] == "qr"
    assert client.post(url, headers=bearer(personas.staff)).status_code == 403
    assert client.get("/api/meetings/rakor").status_code == 401


def test_a_withdrawn_decision_says_so_in_the_api(personas, client):
    """Withdrawn is kept as status "dropped" (every consumer leaves it out); the API says
    when it was withdrawn so that an app can tell it from one the meeting gave up."""
    decision = world(personas)["decision"]
    headers = bearer(personas.kasi)
    url = f"/api/meetings/decisions/{decision.pk}"
    assert client.get(url, headers=headers).json()["withdrawn_at"] is None
    services.withdraw_decision(decision=decision, actor=personas.admin, reason="Salah catat")
    row = client.get(url, headers=headers).json()
    assert row["status"] == "dropped" and row["withdrawn_at"] is not None
    assert client.get("/api/meetings/decisions", headers=headers).json() == []
