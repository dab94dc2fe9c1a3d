"""The reporter answers a hold (a note, the photos asked for); the report goes back to the
verifiers, and the verifier who held it is told."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from superteam.ledger.models import Entry
from superteam.reports.models import Photo, Reply, ReportStatus, UnitDay
from superteam.reports.services import answer_hold, verify_report
from tests.reports.helpers import jpeg, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(personas, reporting, today):
    report = submit(personas, today, photos=[jpeg(1, day=today)]).report
    verify_report(
        report=report,
        verifier=personas.verifier,
        decision="on_hold",
        comment="Foto kurang jelas; kirim foto kegiatan dari dekat.",
    )
    report.refresh_from_db()
    return report


def _photo(seed: int, today) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"IMG_{seed}.jpg", jpeg(seed, day=today), content_type="image/jpeg")


@pytest.mark.django_db(transaction=True)  # the worker closes its connection
def test_the_reporter_answers_with_a_photo_and_the_verifier_is_told(
    personas, held, today, client_as, smtp_server, django_capture_on_commit_callbacks
):
    personas.verifier.language = "en"
    personas.verifier.save()
    reporter = client_as(personas.staff)
    mine = reporter.get(reverse("reports:mine")).content.decode()
    assert f'href="/reports/{held.pk}/#answer">Jawab</a>' in mine
    page = reporter.get(reverse("reports:detail", args=[held.pk])).content.decode()
    assert "Jawab penundaan" in page  # the answer form, in Indonesian
    with django_capture_on_commit_callbacks(execute=True):
        response = reporter.post(
            reverse("reports:answer", args=[held.pk]),
            {"text": "Foto dari dekat terlampir.", "photos": [_photo(2, today)]},
        )
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == ReportStatus.SUBMITTED and held.photos_expected == 2
    assert list(held.photos.order_by("slot").values_list("slot", "status")) == [
        (1, "received"),
        (2, "received"),
    ]
    reply = Reply.objects.get(report=held)
    assert (reply.text, reply.photos_added, reply.author) == (
        "Foto dari dekat terlampir.",
        1,
        personas.staff,
    )
    day = UnitDay.objects.get(unit=personas.pustu, date=today)
    assert (day.on_hold, day.photos) == (0, 2)
    entry = Entry.objects.get(kind="reports.answered", subject_id=str(held.pk))
    assert entry.actor == personas.staff and len(entry.payload["photos"]) == 1
    from django.core.management import call_command

    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", verbosity=0)
    (message,) = smtp_server.to(personas.verifier.email)
    assert message["Subject"].startswith("Answered:")
    body = message.get_body().get_content()
    assert "answered your hold" in body and "Foto dari dekat terlampir." in body
    assert "1 photo was added." in body
    # The added photo was processed like any other; the report is back in the queue.
    assert Photo.objects.get(report=held, slot=2).status == "ready"
    queue = client_as(personas.verifier).get(reverse("reports:verify_queue")).content.decode()
    assert held.title in queue
    detail = client_as(personas.verifier).get(reverse("reports:detail", args=[held.pk]))
    assert "Foto dari dekat terlampir." in detail.content.decode()


def test_only_the_author_answers_and_only_while_on_hold(personas, held, client_as):
    url = reverse("reports:answer", args=[held.pk])
    assert client_as(personas.head).post(url, {"text": "Saya jawab."}).status_code == 403
    page = client_as(personas.head).get(reverse("reports:detail", args=[held.pk]))
    assert "Jawab penundaan" not in page.content.decode()
    verify_report(report=held, verifier=personas.verifier, decision="approved")
    response = client_as(personas.staff).post(url, {"text": "Terlambat."})
    assert response.status_code == 403
    assert not Reply.objects.exists()


def test_an_answer_needs_a_text_and_bad_photos_store_nothing(personas, held, today, client_as):
    reporter = client_as(personas.staff)
    url = reverse("reports:answer", args=[held.pk])
    empty = reporter.post(url, {"text": "  "})
    assert empty.status_code == 400 and "Bidang ini tidak boleh kosong." in empty.content.decode()
    fake = SimpleUploadedFile("x.jpg", b"<html>bukan foto</html>", content_type="image/jpeg")
    refused = reporter.post(url, {"text": "Ini fotonya.", "photos": [fake]})
    assert refused.status_code == 400
    held.refresh_from_db()
    assert held.status == ReportStatus.ON_HOLD and held.photos.count() == 1
    assert not Reply.objects.exists()
    assert "Ini fotonya." in refused.content.decode()  # the text typed stays


def test_too_many_photos_are_refused(personas, held, today, settings):
    from superteam.reports.photos import check_upload
    from superteam.reports.services import SubmissionError

    settings.REPORTS_MAX_PHOTOS = 2
    photos = [check_upload(_photo(seed, today)) for seed in (3, 4)]
    with pytest.raises(SubmissionError) as exc:
        answer_hold(report=held, author=personas.staff, text="Dua foto.", photos=photos)
    assert "1 more photos at most" in exc.value.message
    assert held.photos.count() == 1 and not Reply.objects.exists()


def test_an_answer_sent_twice_is_kept_once(personas, held, client_as):
    reporter = client_as(personas.staff)
    url = reverse("reports:answer", args=[held.pk])
    assert reporter.post(url, {"text": "Sudah saya perbaiki."}).status_code == 302
    again = reporter.post(url, {"text": "Sudah saya perbaiki."}, follow=True)
    assert "Jawaban ini sudah diterima; tidak ada yang tercatat dua kali." in again.content.decode()
    assert Reply.objects.filter(report=held).count() == 1
    assert Entry.objects.filter(kind="reports.answered").count() == 1


def test_a_verifier_deciding_first_turns_the_answer_away(personas, held, monkeypatch):
    """The hold ended between the page and the answer (a verifier approved it): the answer
    is refused with the report's status, nothing stored."""
    from superteam.reports import services
    from superteam.reports.services import SubmissionError

    monkeypatch.setattr(services, "can", lambda *a: True)  # the page was opened before
    verify_report(report=held, verifier=personas.verifier, decision="approved")
    with pytest.raises(SubmissionError) as exc:
        answer_hold(report=held, author=personas.staff, text="Ini jawabannya.")
    assert "no longer on hold" in exc.value.message
    assert not Reply.objects.exists()


def test_a_phone_app_answers_through_the_api(personas, held, today, client):
    from superteam.api.services import issue_token

    _token, raw = issue_token(person=personas.staff, name="Android perawat")
    url = f"/api/reports/{held.pk}/answer"
    auth = {"Authorization": f"Bearer {raw}"}
    as_json = client.post(url, {"text": "x"}, content_type="application/json", headers=auth)
    assert as_json.status_code == 415
    empty = client.post(url, {"text": " "}, headers=auth)
    assert empty.status_code == 400 and "text" in empty.json()["errors"]
    response = client.post(
        url, {"text": "Foto terlampir.", "photos": [_photo(5, today)]}, headers=auth
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "submitted" and len(body["photos"]) == 2
    again = client.post(url, {"text": "Foto terlampir."}, headers=auth)
    assert again.status_code == 200 and Reply.objects.filter(report=held).count() == 1
    _token, other = issue_token(person=personas.head, name="x")
    refused = client.post(url, {"text": "Saya."}, headers={"Authorization": f"Bearer {other}"})
    assert refused.status_code == 403
    missing = client.post("/api/reports/999999/answer", {"text": "x"}, headers=auth)
    assert missing.status_code == 404
