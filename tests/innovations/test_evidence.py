"""Evidence: files checked by content and kept private, links, verification with reasons,
the ledger, and nothing half-written when something is wrong."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from superteam.innovations import files, services
from superteam.innovations.models import Evidence, EvidenceStatus, Notice, NoticeKind
from superteam.ledger.models import Entry
from tests.innovations import factories as fi

pytestmark = pytest.mark.django_db


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("sk.pdf", fi.PDF, "application/pdf"),
        (
            "notulen.docx",
            docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_allowed_files_are_recognised_by_content(name, data, kind):
    assert files.check_evidence_file(upload(name, data)).content_type == kind
    assert files.check_evidence_file(fi.png()).content_type == "image/png"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("sk.pdf", b"MZ\x90\x00 this is a program", "not accepted"),
        ("foto.jpg", b"<html><script>alert(1)</script></html>", "not accepted"),
        ("sk.pdf", b"%PDF-1.4 truncated", "incomplete"),
        ("foto.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "damaged"),
        ("kosong.pdf", b"", "empty"),
        ("arsip.zip", b"PK\x03\x04" + b"\x00" * 40, "not accepted"),
    ],
)
def test_other_files_are_refused_with_a_clear_message(name, data, message):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        files.check_evidence_file(upload(name, data))
    assert message in str(exc.value)


def test_a_file_over_the_size_cap_is_refused(monkeypatch):
    monkeypatch.setattr(files, "MAX_BYTES", 64)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        files.check_evidence_file(upload("sk.pdf", fi.PDF * 3))
    assert "larger than" in str(exc.value)


def test_evidence_files_are_private_and_served_only_to_those_allowed(
    personas, client_as, private_media, settings
):
    p = personas
    inn = fi.innovation(p.puskesmas, p.head)
    ev = services.submit_evidence(
        unit=p.puskesmas,
        innovation=inn,
        actor=p.staff,
        indicator_code="regulasi",
        level=3,
        file=fi.pdf(),
    )
    stored = private_media / ev.file.name
    assert stored.exists() and str(settings.MEDIA_ROOT) not in str(stored)
    url = reverse("innovations:evidence_file", args=[ev.pk])
    response = client_as(p.verifier).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == fi.PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert client_as(p.other_head).get(url).status_code == 403
    assert client_as(None).get(url).status_code == 302


def test_nothing_is_kept_when_the_claim_is_wrong(personas, private_media):
    p = personas
    inn = fi.innovation(p.puskesmas, p.head)
    entries = Entry.objects.count()
    with pytest.raises(ValidationError):  # the video indicator has one level only
        services.submit_evidence(
            unit=p.puskesmas,
            innovation=inn,
            actor=p.staff,
            indicator_code="video",
            level=3,
            file=fi.pdf(),
        )
    with pytest.raises(ValidationError):  # an institution indicator filed on an innovation
        services.submit_evidence(
            unit=p.puskesmas,
            innovation=inn,
            actor=p.staff,
            indicator_code="inst-tim",
            level=1,
            file=fi.pdf(),
        )
    with pytest.raises(ValidationError):
        services.submit_evidence(
            unit=p.puskesmas, innovation=inn, actor=p.staff, indicator_code="sdm", level=1
        )
    assert not Evidence.objects.exists()
    assert Entry.objects.count() == entries
    assert not any(private_media.rglob("*.pdf"))


def test_verifiers_accept_lower_or_reject_with_a_reason_never_their_own(personas):
    p = personas
    inn = fi.innovation(p.puskesmas, p.head)
    ev = fi.evidence(p.puskesmas, p.staff, "sdm", 3, innovation=inn)
    with pytest.raises(ValidationError):
        services.verify_evidence(evidence=ev, actor=p.verifier, accept=False, note="")
    with pytest.raises(ValidationError):
        services.verify_evidence(evidence=ev, actor=p.staff, accept=True)
    with pytest.raises(ValidationError):  # never above the claim
        services.verify_evidence(evidence=ev, actor=p.verifier, accept=True, level=3 + 1)
    services.verify_evidence(
        evidence=ev, actor=p.verifier, accept=True, level=2, note="Daftar hadir 25 orang."
    )
    ev.refresh_from_db()
    assert (ev.status, ev.accepted_level, ev.scoring_level) == (EvidenceStatus.ACCEPTED, 2, 2)
    entry = Entry.objects.get(kind="innovations.evidence_verified")
    assert entry.payload["accepted"] is True and entry.payload["level"] == 2
    assert Notice.objects.filter(person=p.staff, kind=NoticeKind.EVIDENCE_ACCEPTED).exists()
    with pytest.raises(ValidationError):  # accepted twice
        services.verify_evidence(evidence=ev, actor=p.verifier, accept=True)
    # A later check finds it does not hold: it is revoked with a reason and stops scoring.
    services.verify_evidence(
        evidence=ev, actor=p.verifier, accept=False, note="Daftar hadir tidak asli."
    )
    ev.refresh_from_db()
    assert ev.status == EvidenceStatus.REJECTED and ev.scoring_level == 0


def test_withdraw_only_while_waiting(personas):
    p = personas
    inn = fi.innovation(p.puskesmas, p.head)
    ev = fi.evidence(p.puskesmas, p.staff, "sdm", 1, innovation=inn)
    services.withdraw_evidence(evidence=ev, actor=p.staff)
    ev.refresh_from_db()
    assert ev.status == EvidenceStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        services.withdraw_evidence(evidence=ev, actor=p.staff)


def test_the_evidence_form_uploads_and_shows_translated_errors(personas, client_as):
    p = personas
    inn = fi.innovation(p.puskesmas, p.head)
    client = client_as(p.staff)
    url = reverse("innovations:evidence_new", args=[inn.pk])
    page = client.get(url, {"indicator": "regulasi"}).content.decode()
    assert (
        "Peraturan daerah (Perda)" in page
    )  # the level definitions of the indicator, in Indonesian
    bad = client.post(
        url, {"indicator_code": "regulasi", "level": "2", "file": upload("sk.pdf", b"bukan pdf")}
    )
    assert bad.status_code == 200
    assert "Jenis berkas ini tidak diterima" in bad.content.decode()
    assert not Evidence.objects.exists()
    good = client.post(
        url,
        {"indicator_code": "regulasi", "level": "2", "file": fi.pdf(), "note": "Perbup 12/2025"},
    )
    assert good.status_code == 302
    ev = Evidence.objects.get()
    assert (ev.indicator_code, ev.level, ev.status, ev.file_type) == (
        "regulasi",
        2,
        "pending",
        "application/pdf",
    )
    # HTMX asks for the levels of another indicator.
    partial = client.get(
        url,
        {"indicator_code": "kemanfaatan"},
        headers={"HX-Request": "true", "HX-Target": "level-choices"},
    )
    assert "≥ 501 orang" in partial.content.decode() and "<html" not in partial.content.decode()


def test_the_verification_queue(personas, client_as):
    p = personas
    inn = fi.innovation(p.puskesmas, p.head)
    ev = fi.evidence(p.puskesmas, p.staff, "kemanfaatan", 3, innovation=inn)
    client = client_as(p.verifier)
    page = client.get(reverse("innovations:verify_queue")).content.decode()
    assert "Kemanfaatan inovasi" in page
    response = client.post(
        reverse("innovations:evidence_verify", args=[ev.pk]),
        {"decision": "reject", "level": "3", "note": "", "next": "queue"},
    )
    assert response.status_code == 400 and "Isi alasan penolakan." in response.content.decode()
    response = client.post(
        reverse("innovations:evidence_verify", args=[ev.pk]),
        {"decision": "accept", "level": "3", "note": "", "next": "queue"},
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "innovations:verify_queue"
    )
    ev.refresh_from_db()
    assert ev.status == EvidenceStatus.ACCEPTED
