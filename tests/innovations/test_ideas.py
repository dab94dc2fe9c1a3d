"""Ideas from anyone: the head promotes or declines; the proposer is credited and told by
email in their own language and by a notice on the page."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from superteam.innovations import services
from superteam.innovations.models import IdeaStatus, InitiatorKind, Notice, NoticeKind, Stage
from superteam.ledger.models import Entry

pytestmark = pytest.mark.django_db


def propose(p, **kw):
    data = {
        "unit": p.puskesmas,
        "proposer": p.staff,
        "title": "Pengingat Minum Obat",
        "problem": "Pasien hipertensi lupa minum obat.",
        "proposal": "Pengingat lewat WhatsApp dari pustu.",
    }
    data.update(kw)
    return services.propose_idea(**data)


def test_the_head_promotes_an_idea_and_the_proposer_is_credited_and_told_in_english(
    personas, smtp_server, immediate_tasks, django_capture_on_commit_callbacks
):
    p = personas
    p.staff.language = "en"
    p.staff.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        idea = propose(p)
    # Nobody heads the puskesmas in the personas: the head of the health agency above is told.
    assert Notice.objects.filter(person=p.head, kind=NoticeKind.IDEA_SUBMITTED, idea=idea).exists()
    [to_head] = smtp_server.to(p.head.email)
    assert "Gagasan baru" in to_head["Subject"]  # the head reads Indonesian
    with django_capture_on_commit_callbacks(execute=True):
        innovation = services.promote_idea(idea=idea, actor=p.head)
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.PROMOTED and idea.innovation == innovation
    assert innovation.stage == Stage.INISIATIF
    assert innovation.owner_unit == p.puskesmas
    assert innovation.initiator_kind == InitiatorKind.ASN
    assert innovation.initiator_name == p.staff.full_name
    [mail] = smtp_server.to(p.staff.email)
    assert mail["Subject"] == "[SuperTeam] Your idea became an innovation"
    body = mail.get_content()
    assert "Pengingat Minum Obat" in body and "inisiatif" in body
    assert reverse("innovations:detail", args=[innovation.pk]) in body
    assert Entry.objects.filter(kind="innovations.idea_promoted").count() == 1


def test_declining_needs_a_reason_the_proposer_reads_in_indonesian(
    personas, smtp_server, immediate_tasks, django_capture_on_commit_callbacks, client_as
):
    p = personas
    idea = propose(p)
    with pytest.raises(ValidationError):
        services.decline_idea(idea=idea, actor=p.head, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.decline_idea(idea=idea, actor=p.head, reason="Sudah ada aplikasi kabupaten.")
    [mail] = smtp_server.to(p.staff.email)
    assert mail["Subject"] == "[SuperTeam] Gagasan Anda ditolak"
    assert "Sudah ada aplikasi kabupaten." in mail.get_content()
    with pytest.raises(ValidationError):  # decided once
        services.promote_idea(idea=idea, actor=p.head)
    # The notice waits on the ideas page until read.
    page = client_as(p.staff).get(reverse("innovations:ideas"))
    assert "Sudah ada aplikasi kabupaten." in page.content.decode()
    client_as(p.staff).post(reverse("innovations:notices_read"))
    page = client_as(p.staff).get(reverse("innovations:ideas"))
    assert "Sudah ada aplikasi kabupaten." not in page.content.decode().split("Gagasan saya")[0]


def test_review_through_the_pages(personas, client_as):
    p = personas
    client = client_as(p.staff)
    response = client.post(
        reverse("innovations:idea_new"),
        {
            "unit": p.puskesmas.pk,
            "title": "Senam Lansia",
            "problem": "Lansia jarang berolahraga.",
            "proposal": "Senam mingguan di halaman pustu.",
            "expected_benefit": "",
            "affair": "kesehatan",
        },
    )
    assert response.status_code == 302
    idea = p.staff.innovation_ideas.get()
    # Staff cannot review; a decline without reason is refused with a translated message.
    assert (
        client.post(
            reverse("innovations:idea_review", args=[idea.pk]), {"decision": "promote"}
        ).status_code
        == 403
    )
    head = client_as(p.head)
    response = head.post(
        reverse("innovations:idea_review", args=[idea.pk]), {"decision": "decline", "reason": ""}
    )
    assert response.status_code == 400
    assert "Berikan alasan kepada pengusul." in response.content.decode()
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.SUBMITTED
    response = head.post(
        reverse("innovations:idea_review", args=[idea.pk]),
        {"decision": "promote", "owner_unit": p.puskesmas.pk},
    )
    idea.refresh_from_db()
    assert (
        response.status_code == 302 and response["Location"] == idea.innovation.get_absolute_url()
    )
    detail = head.get(idea.innovation.get_absolute_url()).content.decode()
    assert f"gagasan {p.staff.full_name}" in detail


def test_staff_may_propose_only_to_their_units_and_those_above(personas, client_as):
    p = personas
    response = client_as(p.staff).post(
        reverse("innovations:idea_new"),
        {"unit": p.other_dinas.pk, "title": "X", "problem": "Y", "proposal": "Z"},
    )
    assert response.status_code == 200
    assert not p.staff.innovation_ideas.exists()
