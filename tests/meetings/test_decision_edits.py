"""Correcting and withdrawing a rakor decision: the services, the agreement rule (drafts
follow, anything sent for signing is refused), the pages and the history."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from superteam.agreements import services as agreements
from superteam.agreements.models import Agreement, AgreementStatus, VersionStatus
from superteam.ledger.models import Entry
from superteam.meetings import services
from superteam.meetings.history import decision_history
from superteam.meetings.models import AgendaKind, Decision, DecisionStatus
from superteam.org.models import Position
from tests.factories import PASSWORD
from tests.meetings.world import world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _decided_at_the_session(personas):
    """The world's decision was taken at its session (5 January 2026, 09:00 WIB), whatever
    today's date: deadlines are checked against that day."""
    decision = world(personas)["decision"]
    decision.decided_at = datetime.datetime(2026, 1, 5, 2, 0, tzinfo=datetime.UTC)
    decision.save(update_fields=["decided_at"])


@pytest.fixture(autouse=True)
def _english():
    """Services' messages in English here (pages choose their own language)."""
    with translation.override("en"):
        yield


def kabid_position():
    return Position.objects.get(code="DINKES-B3-HEAD")


def head_position():
    return Position.objects.get(code="DINKES-HEAD")


def entries(kind: str):
    return Entry.objects.filter(kind=kind)


def in_agreement(personas):
    """The world's decision sent out as a joint agreement (kabid and the coordinator)."""
    data = world(personas)
    personas.cluster.coordinator = head_position()
    personas.cluster.save()
    [agreement] = services.draft_agreement_from_session(
        session=data["session"], actor=personas.admin
    )
    decision = data["decision"]
    decision.refresh_from_db()
    return decision, Agreement.objects.get(pk=agreement.pk)


# --- Services ---------------------------------------------------------------------------


def test_a_correction_is_saved_with_old_and_new_values_in_the_ledger(personas):
    decision = world(personas)["decision"]
    services.edit_decision(
        decision=decision,
        actor=personas.kabid,
        reason="Salah ketik pada rapat",
        text="Jemput bola lansia setiap pekan",
        owner_position=head_position(),
        contributing_units=[personas.puskesmas, personas.dinkes],
        target=Decimal("120"),
        deadline=datetime.date(2026, 10, 31),
    )
    decision.refresh_from_db()
    assert decision.text == "Jemput bola lansia setiap pekan"
    assert decision.owner_position == head_position()
    assert decision.target == Decimal("120")
    assert decision.deadline == datetime.date(2026, 10, 31)
    assert set(decision.contributing_units.all()) == {personas.puskesmas, personas.dinkes}
    entry = entries("meetings.decision_edited").get()
    assert entry.actor == personas.kabid
    assert entry.subject_id == str(decision.pk)
    changes = entry.payload["changes"]
    assert entry.payload["reason"] == "Salah ketik pada rapat"
    assert changes["text"] == {"old": "Jemput bola lansia", "new": decision.text}
    assert changes["target"] == {"old": "100.00", "new": "120.00"}
    assert changes["deadline"] == {"old": "2026-12-31", "new": "2026-10-31"}
    assert changes["owner_position"]["old"]["id"] == kabid_position().pk
    assert changes["owner_position"]["new"]["id"] == head_position().pk
    assert {u["id"] for u in changes["contributing_units"]["new"]} == {
        personas.puskesmas.pk,
        personas.dinkes.pk,
    }
    assert "indicator_name" not in changes  # unchanged fields are not listed


def test_a_correction_needs_a_reason_and_a_change_and_leaves_nothing_half_written(personas):
    decision = world(personas)["decision"]
    before = Entry.objects.count()
    with pytest.raises(ValidationError, match="Say why"):
        services.edit_decision(decision=decision, actor=personas.admin, reason=" ", target=5)
    with pytest.raises(ValidationError, match="Nothing was changed"):
        services.edit_decision(
            decision=decision, actor=personas.admin, reason="x", text="Jemput bola lansia"
        )
    with pytest.raises(ValidationError, match="deadline is before the decision"):
        services.edit_decision(
            decision=decision,
            actor=personas.admin,
            reason="x",
            target=Decimal("7"),
            deadline=datetime.date(2025, 12, 31),
        )
    decision.refresh_from_db()
    assert decision.target == Decimal("100")  # the target of the refused edit is not kept
    assert Entry.objects.count() == before


def test_a_correction_from_a_stale_page_is_refused(personas):
    decision = world(personas)["decision"]
    seen = services.decision_fingerprint(decision)
    services.edit_decision(decision=decision, actor=personas.admin, reason="a", target=80)
    with pytest.raises(ValidationError) as refused:
        services.edit_decision(
            decision=decision,
            actor=personas.kabid,
            reason="b",
            fingerprint=seen,
            unit_of_measure="jiwa",
        )
    assert refused.value.code == "stale"
    decision.refresh_from_db()
    assert decision.unit_of_measure == "orang"


def test_a_decision_sent_for_signing_cannot_change_its_terms(personas):
    decision, agreement = in_agreement(personas)
    assert agreement.status == AgreementStatus.CIRCULATING
    with pytest.raises(ValidationError) as refused:
        services.edit_decision(
            decision=decision, actor=personas.admin, reason="salah", target=Decimal("90")
        )
    assert refused.value.code == "agreement_frozen"
    assert "Amend the agreement" in refused.value.messages[0]
    with pytest.raises(ValidationError, match="sent to its parties for signing"):
        services.withdraw_decision(decision=decision, actor=personas.admin, reason="salah")
    decision.refresh_from_db()
    assert decision.target == Decimal("100") and decision.status == DecisionStatus.OPEN
    terms = agreement.current_version.indicator_terms.get()
    assert terms.target == Decimal("100")
    # The code is not part of the agreement: it may still change.
    services.edit_decision(decision=decision, actor=personas.admin, reason="kode", code="jb-01")
    decision.refresh_from_db()
    assert decision.code == "jb-01"


def test_a_signed_agreement_never_changes_through_its_decision(personas):
    decision, agreement = in_agreement(personas)
    agreements.sign_agreement(agreement=agreement, signer=personas.kabid, password=PASSWORD)
    agreements.sign_agreement(agreement=agreement, signer=personas.head, password=PASSWORD)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE
    with pytest.raises(ValidationError, match="signed: a signed agreement never changes"):
        services.edit_decision(
            decision=decision,
            actor=personas.admin,
            reason="salah",
            deadline=datetime.date(2026, 6, 30),
        )
    agreement.refresh_from_db()
    assert agreement.active_version.indicator_terms.get().deadline == datetime.date(2026, 12, 31)
    agreements.close_agreement(agreement=agreement, actor=personas.admin)
    with pytest.raises(ValidationError, match="which is closed"):
        services.edit_decision(decision=decision, actor=personas.admin, reason="x", target=1)


def test_once_the_agreement_is_amended_a_correction_goes_into_the_draft(personas):
    decision, agreement = in_agreement(personas)
    agreements.sign_agreement(agreement=agreement, signer=personas.kabid, password=PASSWORD)
    agreements.sign_agreement(agreement=agreement, signer=personas.head, password=PASSWORD)
    draft = agreements.amend_agreement(
        agreement=agreement, actor=personas.admin, reason="Koreksi keputusan rakor"
    )
    assert services.decision_lock(decision) == ""
    # Another position owns the decision from now on: it joins the draft's parties.
    other = Position.objects.get(assignments__person=personas.kasi)
    services.edit_decision(
        decision=decision,
        actor=personas.admin,
        reason="Penanggung jawab keliru",
        target=Decimal("150"),
        owner_position=other,
    )
    agreement.refresh_from_db()
    terms = draft.indicator_terms.get()
    assert terms.target == Decimal("150")
    assert terms.responsible_position == other
    assert terms.baseline is None and terms.aggregation == "last"  # the agreement's own terms
    parties = set(draft.parties.values_list("position_id", flat=True))
    # The old owner had no other target and is not the coordinator: it leaves the draft.
    assert parties == {head_position().pk, other.pk}
    # The signed version in force did not change.
    assert agreement.active_version.indicator_terms.get().target == Decimal("100")
    assert agreement.active_version.status == VersionStatus.SIGNED
    entry = entries("meetings.decision_edited").get()
    assert entry.payload["agreement"] == {"id": agreement.pk, "version": 2}


def test_a_correction_the_draft_refuses_is_not_kept(personas):
    """The agreement covers 2026: a deadline in 2027 cannot go into its draft."""
    decision, agreement = in_agreement(personas)
    agreements.amend_agreement(agreement=agreement, actor=personas.admin, reason="Koreksi")
    with pytest.raises(ValidationError, match="cannot go into the draft"):
        services.edit_decision(
            decision=decision,
            actor=personas.admin,
            reason="x",
            deadline=datetime.date(2027, 3, 31),
        )
    decision.refresh_from_db()
    assert decision.deadline == datetime.date(2026, 12, 31)
    assert not entries("meetings.decision_edited").exists()


def test_a_withdrawn_decision_leaves_open_lists_and_agendas_to_come(personas):
    data = world(personas)
    decision = data["decision"]
    later = services.create_rakor(
        regency=personas.regency,
        title="Rakor berikutnya",
        start_date=datetime.date(2026, 7, 6),
        end_date=datetime.date(2026, 7, 6),
        organiser=personas.admin,
        rooms=[data["room"]],
        clusters=[personas.cluster],
        session_length=3,
    )
    services.build_agendas(rakor=later, actor=personas.admin)
    review = later.sessions.get().agenda.get(kind=AgendaKind.REVIEW)
    # A correction of the text renames the review item on the agenda to come.
    services.edit_decision(decision=decision, actor=personas.admin, reason="ketik", text="Baru")
    review.refresh_from_db()
    assert review.title.endswith("Baru")
    with pytest.raises(ValidationError, match="Say why"):
        services.withdraw_decision(decision=decision, actor=personas.kabid, reason="")
    services.withdraw_decision(decision=decision, actor=personas.kabid, reason="Salah catat")
    decision.refresh_from_db()
    assert decision.is_withdrawn and decision.status == DecisionStatus.DROPPED
    assert decision.withdrawal_reason == "Salah catat"
    assert not Decision.objects.open().filter(pk=decision.pk).exists()
    assert not later.sessions.get().agenda.filter(kind=AgendaKind.REVIEW).exists()
    entry = entries("meetings.decision_withdrawn").get()
    assert entry.payload == {"reason": "Salah catat", "status": "open"}
    # It never reopens and cannot change.
    with pytest.raises(ValidationError):
        services.close_decision(decision=decision, status=DecisionStatus.OPEN, actor=personas.admin)
    with pytest.raises(ValidationError):
        services.edit_decision(decision=decision, actor=personas.admin, reason="x", target=1)
    with pytest.raises(ValidationError):
        services.withdraw_decision(decision=decision, actor=personas.admin, reason="x")
    # Nor does it go into an agreement.
    with pytest.raises(ValidationError, match="no decision that is not in an agreement"):
        services.draft_agreement_from_session(session=data["session"], actor=personas.admin)


def test_withdrawing_a_decision_in_a_draft_takes_it_out_of_the_draft(personas):
    decision, agreement = in_agreement(personas)
    second = services.record_decision(
        session=decision.session,
        actor=personas.admin,
        text="Data lansia terpadu",
        owner_position=head_position(),
        indicator_name="Daftar terpadu",
        unit_of_measure="dokumen",
        target=Decimal("1"),
        deadline=datetime.date(2026, 12, 31),
    )
    draft = agreements.amend_agreement(agreement=agreement, actor=personas.admin, reason="Koreksi")
    agreements.add_indicator(
        agreement=Agreement.objects.get(pk=agreement.pk),
        actor=personas.admin,
        spec={
            "sasaran": second.text,
            "name": second.indicator_name,
            "unit_of_measure": "dokumen",
            "target": 1,
            "deadline": second.deadline,
            "responsible_position": head_position(),
        },
    )
    services.withdraw_decision(decision=decision, actor=personas.admin, reason="Salah catat")
    decision.refresh_from_db()
    assert decision.agreement is None and decision.indicator is None
    assert list(draft.indicator_terms.values_list("name", flat=True)) == ["Daftar terpadu"]
    assert entries("meetings.decision_withdrawn").get().payload["agreement"] == {
        "id": agreement.pk,
        "version": 2,
    }


def test_the_history_reads_the_ledger_in_words(personas):
    decision = world(personas)["decision"]
    services.edit_decision(
        decision=decision,
        actor=personas.kabid,
        reason="Salah ketik",
        target=Decimal("1250.5"),
        deadline=datetime.date(2026, 11, 30),
    )
    with translation.override("id"):
        rows = decision_history(decision)
    assert [r["kind"] for r in rows] == ["decision_made", "decision_edited"]
    edit = rows[1]
    assert edit["reason"] == "Salah ketik"
    assert edit["actor"] == personas.kabid
    assert [(c["field"], c["old"], c["new"]) for c in edit["changes"]] == [
        ("Target", "100", "1.250,50"),
        ("Tenggat", "31 Desember 2026", "30 November 2026"),
    ]


# --- Pages ------------------------------------------------------------------------------


def form_data(decision, **overrides):
    data = {
        "text": decision.text,
        "owner_position": decision.owner_position_id,
        "contributing_units": [u.pk for u in decision.contributing_units.all()],
        "indicator_name": decision.indicator_name,
        "unit_of_measure": decision.unit_of_measure,
        "target": str(decision.target),
        "deadline": decision.deadline.isoformat(),
        "code": decision.code,
        "fingerprint": services.decision_fingerprint(decision),
        "reason": "Salah ketik",
    }
    data.update(overrides)
    return data


def test_the_minute_taker_corrects_a_decision_and_sees_its_history(personas, client_as):
    decision = world(personas)["decision"]
    client = client_as(personas.kabid)  # the world's minute-taker
    page = client.get(reverse("meetings:decision", args=[decision.pk])).content.decode()
    assert reverse("meetings:decision_edit", args=[decision.pk]) in page
    response = client.post(
        reverse("meetings:decision_edit", args=[decision.pk]),
        form_data(decision, indicator_name="Lansia dikunjungi di rumah", target="110"),
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.indicator_name == "Lansia dikunjungi di rumah"
    html = client.get(reverse("meetings:decision", args=[decision.pk])).content.decode()
    assert "Riwayat" in html
    assert "Dikoreksi" in html
    assert "<del>Lansia dikunjungi</del> → <ins>Lansia dikunjungi di rumah</ins>" in html
    assert "Alasan: Salah ketik" in html
    # Someone who may not record decisions is not offered the correction.
    other = client_as(personas.kasi).get(reverse("meetings:decision", args=[decision.pk]))
    assert reverse("meetings:decision_edit", args=[decision.pk]) not in other.content.decode()


def test_the_edit_form_explains_what_it_refuses(personas, client_as):
    decision = world(personas)["decision"]
    client = client_as(personas.admin)
    url = reverse("meetings:decision_edit", args=[decision.pk])
    response = client.post(url, form_data(decision, reason="", deadline="2025-01-01"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tenggat sebelum tanggal keputusan (5 Januari 2026)." in html
    response = client.post(url, form_data(decision))
    assert "Tidak ada yang diubah." in response.content.decode()
    other = Decision.objects.get(pk=decision.pk)
    other.pk, other.code = None, "lansia-1"
    other.save()
    response = client.post(url, form_data(decision, code="lansia-1"))
    assert "Keputusan lain di kabupaten ini sudah memakai kode “lansia-1”." in (
        response.content.decode()
    )
    assert not entries("meetings.decision_edited").exists()


def test_the_edit_page_of_a_decision_sent_for_signing_says_to_amend(personas, client_as):
    decision, agreement = in_agreement(personas)
    client = client_as(personas.admin)
    page = client.get(reverse("meetings:decision_edit", args=[decision.pk])).content.decode()
    assert "Ubah perjanjian terlebih dahulu" in page
    assert reverse("agreements:amend", args=[agreement.pk]) in page  # the organiser may amend
    assert 'name="target"' in page and "disabled" in page
    # A forged POST of a disabled field changes nothing.
    client.post(
        reverse("meetings:decision_edit", args=[decision.pk]),
        form_data(decision, target="1", code="jb-1", reason="kode"),
    )
    decision.refresh_from_db()
    assert decision.target == Decimal("100") and decision.code == "jb-1"
    # The withdrawal page refuses too, and nothing is withdrawn.
    withdraw = reverse("meetings:decision_withdraw", args=[decision.pk])
    assert "Ubah perjanjian terlebih dahulu" in client.get(withdraw).content.decode()
    client.post(withdraw, {"reason": "salah"})
    decision.refresh_from_db()
    assert not decision.is_withdrawn


def test_a_decision_is_withdrawn_from_its_page(personas, client_as):
    decision = world(personas)["decision"]
    client = client_as(personas.kabid)
    url = reverse("meetings:decision_withdraw", args=[decision.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    decision.refresh_from_db()
    assert not decision.is_withdrawn
    response = client.post(url, {"reason": "Dicatat dua kali"})
    assert response.status_code == 302
    html = client.get(reverse("meetings:decision", args=[decision.pk])).content.decode()
    assert "Ditarik pada" in html and "Dicatat dua kali" in html
    assert reverse("meetings:decision_edit", args=[decision.pk]) not in html
    assert 'name="status"' not in html  # no reopening from the status form
    listed = client.get(reverse("meetings:decisions") + "?show=all").content.decode()
    assert "Ditarik" in listed
