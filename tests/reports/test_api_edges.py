"""The reports API at its edges, as a phone app or a bulk sender meets them: dates, raw
GPS, someone else's key, malformed batches, ranges, unknown ids, the wrong body."""

import datetime
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from superteam.api.services import issue_token
from superteam.reports.models import Photo, Report
from tests.reports.helpers import jpeg, upload

pytestmark = pytest.mark.django_db


def bearer(person, name="Ponsel"):
    _token, raw = issue_token(person=person, name=name)
    return {"Authorization": f"Bearer {raw}"}


def fields(today, **kw):
    return {
        "idempotency_key": "edge-00000001",
        "title": "Posyandu lansia",
        "narrative": "Pemeriksaan tekanan darah 20 lansia.",
        "date": today.isoformat(),
        **kw,
    }


@pytest.mark.parametrize("written", ["07/12/2026", "12/07/2026", "7 Dec 2026", "2026-13-01"])
def test_a_date_is_iso_8601_only_in_both_languages(
    written, personas, reporting, today, client, settings
):
    """ "06/12/2026" is 6 December in Indonesian and 12 June in English: one request must
    not mean two days, so only YYYY-MM-DD is read."""
    for language, expected in (("id", "Masukkan tanggal sebagai YYYY-MM-DD"), ("en", "YYYY-MM-DD")):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.post(
            reverse("api:reports_submit"),
            fields(today, date=written),
            headers=bearer(personas.staff),
        )
        assert response.status_code == 400, response.content
        assert expected in response.json()["errors"]["date"][0]
    assert not Report.objects.exists()


def test_a_phones_raw_position_is_rounded_not_refused(personas, reporting, today, client):
    response = client.post(
        reverse("api:reports_submit"),
        fields(
            today,
            latitude="-8.225012345678901",
            longitude="114.36111234567891",
            client_created_at="2026-12-07T01:30:00.123Z",
        ),
        headers=bearer(personas.staff),
    )
    assert response.status_code == 201, response.content
    report = Report.objects.get()
    assert report.latitude == Decimal("-8.225012") and report.longitude == Decimal("114.361112")
    assert report.client_created_at == datetime.datetime(
        2026, 12, 7, 1, 30, 0, 123000, datetime.UTC
    )


def test_an_unreadable_latitude_is_the_only_error(personas, reporting, today, english_client):
    response = english_client.post(
        reverse("api:reports_submit"),
        fields(today, latitude="abc", longitude="114.3"),
        headers=bearer(personas.staff),
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == ["latitude"], errors


def test_someone_elses_key_reveals_nothing_of_their_report(
    personas, reporting, today, english_client
):
    url = reverse("api:reports_submit")
    first = english_client.post(url, fields(today), headers=bearer(personas.staff))
    assert first.status_code == 201
    # Another person sends the very same fields with the same key.
    other = english_client.post(url, fields(today), headers=bearer(personas.other_head))
    assert other.status_code == 409
    body = other.json()
    assert "Posyandu" not in body["detail"] and today.isoformat() not in body["detail"]
    assert "different content" not in body["detail"]
    assert "already used for another report" in body["detail"]
    assert body.get("report_id") is None
    assert Report.objects.count() == 1


def test_too_many_photos_names_the_field(personas, reporting, today, english_client, settings):
    settings.REPORTS_MAX_PHOTOS = 2
    photos = [upload(jpeg(i, day=today), name=f"p{i}.jpg") for i in range(3)]
    response = english_client.post(
        reverse("api:reports_submit"),
        {**fields(today), "photos": photos},
        headers=bearer(personas.staff),
    )
    assert response.status_code == 400
    assert response.json()["errors"]["photos"] == ["At most 2 photos per report."]
    assert not Report.objects.exists() and not Photo.objects.exists()


def test_files_in_another_field_are_refused_not_ignored(personas, reporting, today, english_client):
    response = english_client.post(
        reverse("api:reports_submit"),
        {**fields(today), "photo": upload(jpeg(1, day=today))},
        headers=bearer(personas.staff),
    )
    assert response.status_code == 400
    assert "“photos”" in response.json()["detail"] and "photo." in response.json()["detail"]
    assert not Report.objects.exists()


def test_a_json_body_is_told_to_use_multipart(personas, reporting, today, english_client):
    response = english_client.post(
        reverse("api:reports_submit"),
        json.dumps(fields(today)),
        content_type="application/json",
        headers=bearer(personas.staff),
    )
    assert response.status_code == 415
    assert "multipart/form-data" in response.json()["detail"]
    assert not Report.objects.exists()


def test_a_malformed_batch_item_is_refused_alone(personas, reporting, today, english_client):
    items = [
        fields(today, idempotency_key="edge-batch-0001"),
        {**fields(today, idempotency_key="edge-batch-0002"), "photos": 5},
        fields(today, idempotency_key="edge-batch-0003", narrative={"x": 1}),
        fields(today, idempotency_key="edge-batch-0004", title="Lain"),
    ]
    response = english_client.post(
        reverse("api:reports_batch"), {"reports": json.dumps(items)}, headers=bearer(personas.staff)
    )
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [r["status"] for r in results] == [201, 400, 400, 201]
    assert "list of the names of file fields" in results[1]["detail"]
    assert results[2]["errors"] == {"narrative": ["Must be a text, a number or a list of them."]}
    assert set(Report.objects.values_list("idempotency_key", flat=True)) == {
        "edge-batch-0001",
        "edge-batch-0004",
    }


def test_a_batch_without_reports_is_a_translated_400(personas, reporting, client):
    response = client.post(reverse("api:reports_batch"), {}, headers=bearer(personas.staff))
    assert response.status_code == 400
    assert response.json()["errors"]["reports"] == [
        "Isian “reports” tidak ada: sebuah larik JSON berisi laporan."
    ]


def test_compliance_ranges(personas, reporting, today, english_client):
    url = reverse("api:reports_compliance")
    head = bearer(personas.head)
    unit = personas.pustu.pk

    def get(**params):
        return english_client.get(url, {"unit": unit, **params}, headers=head)

    # Days after today cannot have been missed: the range ends today, and says so.
    now = get(start=(today - datetime.timedelta(days=20)).isoformat())
    later = get(
        start=(today - datetime.timedelta(days=20)).isoformat(),
        end=(today + datetime.timedelta(days=200)).isoformat(),
    )
    assert later.status_code == 200 and later.json()["end"] == today.isoformat()
    assert later.json()["rate"] == now.json()["rate"]
    far = get(start=today.isoformat(), end="9999-12-31")
    assert far.status_code == 200 and far.json()["end"] == today.isoformat()
    backwards = get(start=today.isoformat(), end=(today - datetime.timedelta(days=3)).isoformat())
    assert backwards.status_code == 400 and "starts after it ends" in backwards.json()["detail"]
    long = get(start="1000-01-01")
    assert long.status_code == 400 and long.json()["detail"] == "At most 366 days at a time."
    missing = english_client.get(url, {"unit": 999_999}, headers=head)
    assert missing.status_code == 404 and missing.json()["detail"] == "No such unit."


def test_an_unknown_report_is_the_same_404_as_a_hidden_one(personas, reporting, client):
    response = client.get(
        reverse("api:reports_detail", args=[999_999]), headers=bearer(personas.staff)
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "Laporan tidak ditemukan."}


def test_a_device_answers_in_its_persons_language(personas, reporting, today):
    personas.staff.language = "en"
    personas.staff.save(update_fields=["language"])
    response = Client().post(
        reverse("api:reports_submit"), fields(today, title=""), headers=bearer(personas.staff)
    )
    assert response.status_code == 400
    assert response.json()["errors"]["title"] == ["This field is required."]
    assert response["Content-Language"] == "en"


def test_the_api_docs_need_no_outside_site(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui-bundle.js" in html
    assert "cdn." not in html and "https://" not in html


def test_compliance_per_cluster_for_those_who_oversee_the_regency(
    personas, reporting, today, client, english_client
):
    from tests.reports.helpers import submit

    submit(personas, today, key="cluster-000001")
    url = reverse("api:reports_compliance_clusters")
    answer = english_client.get(url, headers=bearer(personas.regent))
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["end"] == today.isoformat()
    (health,) = [c for c in body["clusters"] if c["code"] == "kesehatan"]
    assert health["name"] == "Health"
    assert health["units"] == 3  # the agency, the puskesmas, and the pustu through it
    assert health["reported_days"] >= 1 and 0 < health["rate"] <= 100
    indonesian = Client().get(url, headers=bearer(personas.regent)).json()  # no cookie
    assert [c["name"] for c in indonesian["clusters"] if c["code"] == "kesehatan"] == ["Kesehatan"]
    refused = english_client.get(url, headers=bearer(personas.staff))
    assert refused.status_code == 403
    backwards = english_client.get(
        url, {"start": today.isoformat(), "end": "2000-01-01"}, headers=bearer(personas.regent)
    )
    assert backwards.status_code == 400


def test_a_resend_of_the_fields_alone_is_the_same_report(
    personas, reporting, today, english_client
):
    """Sent first with its photo (and no count), then resent without it: the same report
    (200), whether or not the resend says how many photos there are; more photos than the
    report holds is other content (409)."""
    url = reverse("api:reports_submit")
    head = bearer(personas.staff)
    first = english_client.post(
        url, {**fields(today), "photos": [upload(jpeg(1, day=today))]}, headers=head
    )
    assert first.status_code == 201
    assert first.json()["photos_expected"] == 1
    bare = english_client.post(url, fields(today), headers=head)
    assert bare.status_code == 200 and bare.json()["id"] == first.json()["id"]
    counted = english_client.post(url, fields(today, photos_expected="1"), headers=head)
    assert counted.status_code == 200
    more = english_client.post(url, fields(today, photos_expected="2"), headers=head)
    assert more.status_code == 409
    assert Report.objects.count() == 1 and Photo.objects.count() == 1


def test_a_report_queued_by_another_person_is_not_stored_as_mine(
    personas, reporting, today, client_as
):
    client = client_as(personas.head)
    response = client.post(
        reverse("api:reports_submit"),
        {**fields(today), "queued": "1", "queued_by": str(personas.staff.pk)},
    )
    assert response.status_code == 403
    assert response.json()["code"] == "other_person"
    assert not Report.objects.exists()
    mine = client.post(
        reverse("api:reports_submit"),
        {**fields(today), "queued": "1", "queued_by": str(personas.head.pk)},
    )
    assert mine.status_code == 201
