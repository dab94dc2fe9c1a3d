"""The reports API: one report, a batch, status; the same idempotency rules as the form."""

import json

import pytest
from django.urls import reverse

from superteam.api.services import issue_token
from superteam.reports.models import Channel, Photo, Report
from tests.reports.helpers import jpeg, pustu_gps, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def device(personas):
    _token, raw = issue_token(person=personas.staff, name="Android perawat")
    return {"Authorization": f"Bearer {raw}"}


def _fields(today, **kw):
    data = {
        "idempotency_key": "api-00000001",
        "title": "Posyandu lansia",
        "narrative": "Pemeriksaan tekanan darah 20 lansia.",
        "date": today.isoformat(),
    }
    data.update(kw)
    return data


def test_submit_then_resend_then_conflict(personas, reporting, today, english_client, device):
    url = reverse("api:reports_submit")
    photo = jpeg(1, day=today, gps=pustu_gps(personas))
    first = english_client.post(url, {**_fields(today), "photos": [upload(photo)]}, headers=device)
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["created"] is True and body["status"] == "submitted"
    assert body["photos"][0]["status"] == "received"
    assert body["url"] == reverse("reports:detail", args=[body["id"]])
    again = english_client.post(url, {**_fields(today), "photos": [upload(photo)]}, headers=device)
    assert again.status_code == 200
    assert again.json()["id"] == body["id"] and again.json()["created"] is False
    other = english_client.post(url, _fields(today, narrative="Lain sama sekali."), headers=device)
    assert other.status_code == 409
    assert "different content" in other.json()["detail"]
    assert other.json()["report_id"] == body["id"]
    assert Report.objects.count() == 1 and Photo.objects.count() == 1
    assert Report.objects.get().channel == Channel.API


def test_the_only_position_is_used_when_none_is_given(personas, reporting, today, client, device):
    response = client.post(reverse("api:reports_submit"), _fields(today), headers=device)
    assert response.status_code == 201
    assert Report.objects.get().position.unit == personas.pustu


def test_missing_fields_are_reported_per_field(personas, reporting, today, english_client, device):
    response = english_client.post(
        reverse("api:reports_submit"), _fields(today, title=""), headers=device
    )
    assert response.status_code == 400
    assert response.json()["errors"]["title"] == ["This field is required."]
    assert not Report.objects.exists()


def test_a_missing_field_is_explained_in_indonesian(
    personas, reporting, today, client, device, settings
):
    """A phone app that forgot a field gets the form's per-field messages in the person's
    language (not a schema validator's English)."""
    fields = _fields(today)
    del fields["narrative"], fields["idempotency_key"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    response = client.post(reverse("api:reports_submit"), fields, headers=device)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["narrative"] == ["Bidang ini tidak boleh kosong."]
    assert "idempotency_key" in errors
    assert not Report.objects.exists()


def test_the_answer_has_exactly_the_documented_fields(
    personas, reporting, today, english_client, device
):
    """The stored report is answered without ninja validating it again: it must still be a
    ReportOut, field for field."""
    from superteam.reports.api import ReportOut

    photo = jpeg(1, day=today, gps=pustu_gps(personas))
    url = reverse("api:reports_submit")
    for expected in (201, 200):  # stored, then the resend
        response = english_client.post(
            url, {**_fields(today), "photos": [upload(photo)]}, headers=device
        )
        assert response.status_code == expected
        assert response["Content-Type"] == "application/json; charset=utf-8"
        body = response.json()
        assert set(body) == set(ReportOut.model_fields)
        checked = ReportOut.model_validate(body)
        assert checked.date == today and checked.created is (expected == 201)
        assert set(body["photos"][0]) == {"slot", "status", "thumbnail_url", "display_url"}


def test_a_person_without_a_position_cannot_report(personas, today, english_client):
    _token, raw = issue_token(person=personas.outsider, name="x")
    response = english_client.post(
        reverse("api:reports_submit"), _fields(today), headers={"Authorization": f"Bearer {raw}"}
    )
    assert response.status_code == 403


def test_no_token_no_report(personas, today, client):
    response = client.post(reverse("api:reports_submit"), _fields(today))
    assert response.status_code == 401
    response = client.post(
        reverse("api:reports_submit"), _fields(today), headers={"Authorization": "Bearer st_nope"}
    )
    assert response.status_code == 401


def test_batch_answers_each_report_in_order(personas, reporting, today, english_client, device):
    items = [
        {**_fields(today, idempotency_key="batch-0000001"), "photos": ["p1"]},
        {**_fields(today, idempotency_key="batch-0000002", title="Kelas ibu hamil")},
        {**_fields(today, idempotency_key="batch-0000001"), "photos": ["p1"]},  # a resend
        {**_fields(today, idempotency_key="batch-0000002", title="Lain")},  # a conflict
        {**_fields(today, idempotency_key="batch-0000003", date="2001-01-01")},  # too old
        {**_fields(today, idempotency_key="batch-0000004"), "photos": ["nowhere"]},
        {**_fields(today, idempotency_key="batch-0000005"), "photos": ["bad"]},
    ]
    response = english_client.post(
        reverse("api:reports_batch"),
        {
            "reports": json.dumps(items),
            "p1": upload(jpeg(1, day=today)),
            "bad": upload(b"<svg/>", "x.jpg"),
        },
        headers=device,
    )
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [r["status"] for r in results] == [201, 201, 200, 409, 400, 400, 400]
    assert results[0]["report"]["id"] == results[2]["report"]["id"]
    assert "Photo fields not found" in results[5]["detail"]
    assert "web page or drawing" in results[6]["detail"]
    assert Report.objects.count() == 2
    assert set(Report.objects.values_list("channel", flat=True)) == {Channel.BATCH}


def test_batch_input_must_be_a_json_array(personas, reporting, english_client, device):
    url = reverse("api:reports_batch")
    assert english_client.post(url, {"reports": "{"}, headers=device).status_code == 400
    assert english_client.post(url, {"reports": '{"a": 1}'}, headers=device).status_code == 400
    too_many = json.dumps([{}] * 51)
    response = english_client.post(url, {"reports": too_many}, headers=device)
    assert response.status_code == 400 and "At most 50" in response.json()["detail"]


def test_status_by_id_and_by_key(personas, reporting, today, client, device, client_as):
    created = client.post(reverse("api:reports_submit"), _fields(today), headers=device).json()
    detail = client.get(reverse("api:reports_detail", args=[created["id"]]), headers=device)
    assert detail.status_code == 200 and detail.json()["status"] == "submitted"
    by_key = client.get(reverse("api:reports_by_key", args=["api-00000001"]), headers=device)
    assert by_key.json()["id"] == created["id"]
    # Somebody who may not read the report gets 404, not its content.
    _token, raw = issue_token(person=personas.other_head, name="x")
    other = client.get(
        reverse("api:reports_detail", args=[created["id"]]),
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert other.status_code == 404


def test_ping_and_compliance(personas, reporting, today, client, device):
    ping = client.post(reverse("api:reports_ping"), headers=device)
    assert ping.status_code == 200 and ping.json()["person_id"] == personas.staff.pk
    _token, raw = issue_token(person=personas.head, name="x")
    head = {"Authorization": f"Bearer {raw}"}
    response = client.get(
        reverse("api:reports_compliance"), {"unit": personas.pustu.pk}, headers=head
    )
    assert response.status_code == 200 and response.json()["rate"] is not None
    assert (
        client.get(
            reverse("api:reports_compliance"), {"unit": personas.pustu.pk}, headers=device
        ).status_code
        == 403
    )


def test_the_browser_session_needs_the_csrf_token(personas, reporting, today, client_as):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas.staff)
    response = browser.post(reverse("api:reports_submit"), _fields(today))
    assert response.status_code in (401, 403)
    assert not Report.objects.exists()


def test_the_openapi_document_describes_the_endpoints(client):
    schema = client.get("/api/openapi.json").json()
    paths = schema["paths"]
    assert "/api/reports/" in paths and "/api/reports/batch" in paths
    post = paths["/api/reports/"]["post"]
    assert {"200", "201", "400", "401", "409", "415"} <= set(post["responses"])
    body = post["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert set(body["required"]) == {"idempotency_key", "title", "narrative", "date"}
    assert {"position", "latitude", "innovations", "queued"} <= set(body["properties"])
    assert body["properties"]["photos"] == {
        "items": {"format": "binary", "type": "string"},
        "maxItems": 6,
        "title": "Photos",
        "type": "array",
    }
    assert body["properties"]["date"]["format"] == "date"
    batch = paths["/api/reports/batch"]["post"]["requestBody"]["content"]
    assert list(batch) == ["multipart/form-data"]
    assert batch["multipart/form-data"]["schema"]["required"] == ["reports"]
    for path in ("/api/reports/{report_id}", "/api/reports/by-key/{key}"):
        assert {"200", "401", "404"} <= set(paths[path]["get"]["responses"])
    assert "reading_<indicator id>" in body["description"]


def test_a_cut_off_upload_is_refused_with_a_reason_and_nothing_stored(
    personas, reporting, today, english_client, device
):
    photo = jpeg(1, day=today, gps=pustu_gps(personas))
    boundary = "b0undary"
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in _fields(today).items()
    )
    body += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; filename="a.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode() + photo
    response = english_client.generic(
        "POST",
        reverse("api:reports_submit"),
        body,  # the photo's end and the closing boundary never arrived
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=device,
    )
    assert response.status_code == 400
    assert "send it again" in response.json()["detail"]
    assert not Report.objects.exists() and not Photo.objects.exists()


def test_the_answers_link_is_the_reports_page_under_any_script_prefix():
    from django.urls import clear_script_prefix, reverse, set_script_prefix

    from superteam.reports.api import detail_url

    assert detail_url(7) == reverse("reports:detail", args=[7])
    set_script_prefix("/superteam/")
    try:
        assert detail_url(12) == reverse("reports:detail", args=[12]) == "/superteam/reports/12/"
    finally:
        clear_script_prefix()
    assert detail_url(12) == "/reports/12/"
