"""Draft → circulating → active → amended → closed, with the ledger of every step."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from superteam.agreements import services
from superteam.agreements.models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    Indicator,
    PartyRole,
    Signature,
    SigningKey,
    VersionStatus,
)
from superteam.agreements.tasks import send_signing_requests
from superteam.agreements.verification import INCOMPLETE, VALID, verify_version
from superteam.ledger.models import Entry, Head
from superteam.ledger.services import verify_chain
from superteam.org.services import assign
from tests import factories as f
from tests.agreements.conftest import YEAR, position_of, spec
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def kinds(regency) -> list[str]:
    return list(
        Entry.objects.filter(regency=regency).order_by("seq").values_list("kind", flat=True)
    )


def test_create_a_vertical_draft_with_the_contract_of_other_apps(personas):
    agreement = services.create_draft_agreement(
        regency=personas.regency,
        title="Perjanjian Kinerja Tahun 2026 Dinas Kesehatan",
        year=YEAR,
        parties=[position_of(personas.regent), position_of(personas.head)],
        indicators=[spec(target=[Decimal(60), Decimal(85)], polarity="range")],
        created_by=personas.admin,
        source=personas.cluster,  # any model instance may be the origin
    )
    assert agreement.kind == AgreementKind.VERTICAL  # the regent first: inferred
    assert agreement.status == AgreementStatus.DRAFT
    assert agreement.owner_unit == personas.dinkes
    assert (agreement.source_type, agreement.source_id) == ("org.cluster", str(personas.cluster.pk))
    version = agreement.current_version
    roles = list(version.parties.order_by("order").values_list("role", flat=True))
    assert roles == [PartyRole.FIRST, PartyRole.SECOND]
    indicator = agreement.indicators.get()
    assert indicator.number == 1 and indicator.terms.target_high == Decimal(85)
    assert str(indicator) == indicator.terms.name
    assert set(agreement.units.all()) == {personas.root, personas.dinkes}
    assert kinds(personas.regency) == ["agreements.drafted"]


def test_two_positions_of_unrelated_units_make_a_joint_agreement(draft, personas):
    assert draft.kind == AgreementKind.JOINT
    assert draft.current_version.parties.filter(role=PartyRole.PARTY).count() == 2


@pytest.mark.parametrize(
    "change, message",
    [
        ({"name": ""}, "Indicator is required"),
        ({"target": "abc"}, "not a number"),
        ({"polarity": "range"}, "Upper bound of the range is required"),
        ({"deadline": datetime.date(YEAR + 1, 1, 31)}, "within the agreement's period"),
        ({"aggregation": "median"}, "Unknown aggregation"),
        ({"quarterly_targets": [1, 2, 3, 4, 5]}, "only four quarters"),
        ({"budget": -5}, "cannot be negative"),
    ],
)
def test_bad_indicators_are_refused_with_a_clear_message_and_nothing_is_written(
    personas, change, message
):
    before = (Agreement.objects.count(), Entry.objects.count())
    with pytest.raises(ValidationError) as error:
        services.create_draft_agreement(
            regency=personas.regency,
            title="PK",
            year=YEAR,
            parties=[position_of(personas.regent), position_of(personas.head)],
            indicators=[spec(**change)],
            created_by=personas.head,
        )
    assert message in " ".join(error.value.messages)
    assert (Agreement.objects.count(), Entry.objects.count()) == before


def test_parties_must_be_two_distinct_positions_of_the_regency(personas):
    head = position_of(personas.head)
    other = f.holder(f.unit(f.regency()), title="Kepala lain")
    for parties in ([head], [head, head], [head, position_of(other)]):
        with pytest.raises(ValidationError):
            services.create_draft_agreement(
                regency=personas.regency,
                title="PK",
                year=YEAR,
                parties=parties,
                indicators=[],
                created_by=personas.head,
            )
    with pytest.raises(ValidationError, match="exactly two parties"):
        services.create_draft_agreement(
            regency=personas.regency,
            title="PK",
            year=YEAR,
            parties=[head, position_of(personas.kabid), position_of(personas.kasi)],
            indicators=[],
            created_by=personas.head,
            kind="vertical",
        )


def test_sending_freezes_the_version_and_records_its_document(draft, personas):
    version = services.send_for_signing(agreement=draft, actor=personas.head)
    draft.refresh_from_db()
    assert draft.status == AgreementStatus.CIRCULATING
    assert version.status == VersionStatus.CIRCULATING
    assert len(version.document_hash) == 64 and len(version.short_code) == 8
    entry = Entry.objects.get(kind="agreements.circulated")
    assert entry.payload["document_hash"] == version.document_hash
    assert entry.payload["document"]["title"] == version.title
    with pytest.raises(ValidationError, match="make an amendment"):
        services.add_indicator(agreement=draft, actor=personas.head, spec=spec())
    with pytest.raises(ValidationError):
        services.send_for_signing(agreement=draft, actor=personas.head)


def test_a_draft_without_indicators_cannot_be_sent(personas):
    agreement = services.create_draft_agreement(
        regency=personas.regency,
        title="PK kosong",
        year=YEAR,
        parties=[position_of(personas.regent), position_of(personas.head)],
        indicators=[],
        created_by=personas.head,
    )
    with pytest.raises(ValidationError, match="at least one indicator"):
        services.send_for_signing(agreement=agreement, actor=personas.head)


def test_active_only_when_every_party_signed_the_same_hash(circulating, personas):
    first = services.sign_agreement(agreement=circulating, signer=personas.kabid, password=PASSWORD)
    circulating.refresh_from_db()
    assert circulating.status == AgreementStatus.CIRCULATING
    assert verify_version(circulating.current_version).verdict == INCOMPLETE
    second = services.sign_agreement(agreement=circulating, signer=personas.head, password=PASSWORD)
    circulating.refresh_from_db()
    assert circulating.status == AgreementStatus.ACTIVE
    assert circulating.active_version_id == circulating.current_version_id
    assert first.document_hash == second.document_hash == circulating.active_version.document_hash
    assert verify_version(circulating.active_version).verdict == VALID
    # Each signer's key is made at their first signature, then the agreement activates.
    assert kinds(personas.regency)[-5:] == [
        "agreements.key_created",
        "agreements.signed",
        "agreements.key_created",
        "agreements.signed",
        "agreements.activated",
    ]
    assert verify_chain(personas.regency.pk).ok
    # Every indicator now carries the signed terms.
    for indicator in circulating.indicators.select_related("terms"):
        assert indicator.terms.version_id == circulating.active_version_id


def test_signing_with_the_wrong_password_fails_and_writes_nothing(circulating, personas):
    head_before = Head.objects.get(regency=personas.regency).seq
    counts = (Signature.objects.count(), SigningKey.objects.count(), Entry.objects.count())
    with pytest.raises(services.SigningError, match="password is wrong"):
        services.sign_agreement(agreement=circulating, signer=personas.head, password="salah")
    assert (Signature.objects.count(), SigningKey.objects.count(), Entry.objects.count()) == counts
    assert Head.objects.get(regency=personas.regency).seq == head_before
    circulating.refresh_from_db()
    assert circulating.status == AgreementStatus.CIRCULATING


def test_repeated_wrong_passwords_lock_signing_for_a_while(circulating, personas):
    from django.core.cache import cache

    cache.clear()
    for _ in range(services.SIGN_ATTEMPTS):
        with pytest.raises(services.SigningError):
            services.sign_agreement(agreement=circulating, signer=personas.head, password="x")
    with pytest.raises(services.SigningError, match="Too many wrong passwords"):
        services.sign_agreement(agreement=circulating, signer=personas.head, password=PASSWORD)
    cache.clear()
    services.sign_agreement(agreement=circulating, signer=personas.head, password=PASSWORD)


def test_only_holders_of_an_unsigned_party_position_can_sign(circulating, personas):
    for person in (personas.kasi, personas.regent, personas.outsider):
        with pytest.raises(services.SigningError, match="no party position"):
            services.sign_agreement(agreement=circulating, signer=person, password=PASSWORD)
    services.sign_agreement(agreement=circulating, signer=personas.head, password=PASSWORD)
    with pytest.raises(services.SigningError, match="no party position"):
        services.sign_agreement(agreement=circulating, signer=personas.head, password=PASSWORD)


def test_a_document_altered_after_circulation_cannot_be_signed(circulating, personas):
    from superteam.agreements.models import IndicatorTerms

    IndicatorTerms.objects.filter(version=circulating.current_version).update(target=Decimal("1"))
    with pytest.raises(services.SigningError, match="was changed"):
        services.sign_agreement(agreement=circulating, signer=personas.head, password=PASSWORD)


def test_an_amendment_is_a_new_version_while_the_signed_one_stays_in_force(active, personas):
    signed = active.active_version
    version = services.amend_agreement(
        agreement=active, actor=personas.head, reason="Target AKI disesuaikan"
    )
    active.refresh_from_db()
    assert version.number == 2 and version.previous_hash == signed.document_hash
    assert active.status == AgreementStatus.ACTIVE and active.active_version_id == signed.pk
    assert active.amendment_in_progress
    mortality = active.indicators.get(number=2)
    services.update_indicator(
        agreement=active, indicator=mortality, actor=personas.head, spec=spec(target=Decimal(55))
    )
    # The terms in force are still those signed.
    mortality.refresh_from_db()
    assert mortality.terms.version_id == signed.pk and mortality.terms.target == 60
    services.send_for_signing(agreement=active, actor=personas.head)
    services.sign_agreement(agreement=active, signer=personas.head, password=PASSWORD)
    services.sign_agreement(agreement=active, signer=personas.kabid, password=PASSWORD)
    active.refresh_from_db()
    signed.refresh_from_db()
    assert active.active_version.number == 2 and signed.status == VersionStatus.SUPERSEDED
    mortality.refresh_from_db()
    assert mortality.terms.target == 55  # same indicator identity, new terms
    assert verify_version(signed).verdict == VALID  # the old version still verifies
    assert "agreements.amended" in kinds(personas.regency)


def test_amending_a_circulating_version_replaces_it(circulating, personas):
    services.sign_agreement(agreement=circulating, signer=personas.head, password=PASSWORD)
    old = circulating.current_version
    with pytest.raises(ValidationError, match="Say why"):
        services.amend_agreement(agreement=circulating, actor=personas.head, reason=" ")
    services.amend_agreement(agreement=circulating, actor=personas.head, reason="Salah ketik")
    circulating.refresh_from_db()
    old.refresh_from_db()
    assert old.status == VersionStatus.SUPERSEDED and not old.is_current
    assert circulating.status == AgreementStatus.DRAFT
    assert circulating.current_version.number == 2


def test_removing_an_indicator_in_an_amendment_takes_it_out_of_force(active, personas):
    services.amend_agreement(agreement=active, actor=personas.head, reason="Indikator dihapus")
    active.refresh_from_db()
    dropped = active.indicators.get(number=1)
    services.remove_indicator(agreement=active, indicator=dropped, actor=personas.head)
    assert Indicator.objects.filter(pk=dropped.pk).exists()  # identity kept (was signed)
    services.send_for_signing(agreement=active, actor=personas.head)
    services.sign_agreement(agreement=active, signer=personas.head, password=PASSWORD)
    services.sign_agreement(agreement=active, signer=personas.kabid, password=PASSWORD)
    dropped.refresh_from_db()
    assert not dropped.is_active


def test_a_new_unused_indicator_removed_from_a_draft_is_deleted(draft, personas):
    added = services.add_indicator(agreement=draft, actor=personas.head, spec=spec(name="Baru"))
    assert added.number == 3
    services.remove_indicator(agreement=draft, indicator=added, actor=personas.head)
    assert not Indicator.objects.filter(pk=added.pk).exists()


def test_continuity_the_new_holder_sees_the_agreement_and_signs_an_addendum(active, personas):
    kabid_position = position_of(personas.kabid)
    newcomer = f.person(personas.regency, full_name="dr. Pengganti")
    assign(person=newcomer, position=kabid_position, start=datetime.date.today())
    assert active in Agreement.objects.held_by([kabid_position])
    version = services.start_addendum(agreement=active, actor=personas.head)
    assert version.number == 2 and version.status == VersionStatus.CIRCULATING
    assert "change of the holder" in version.amendment_reason
    with pytest.raises(services.SigningError):  # the previous holder no longer holds it
        services.sign_agreement(agreement=active, signer=personas.kabid, password=PASSWORD)
    services.sign_agreement(agreement=active, signer=newcomer, password=PASSWORD)
    services.sign_agreement(agreement=active, signer=personas.head, password=PASSWORD)
    active.refresh_from_db()
    assert active.active_version.number == 2
    signers = set(active.active_version.signatures.values_list("signer_id", flat=True))
    assert signers == {newcomer.pk, personas.head.pk}


def test_an_acting_holder_signs_as_plt(circulating, personas):
    from superteam.org.models import AssignmentKind

    kabid_position = position_of(personas.kabid)
    acting = f.person(personas.regency, full_name="Plt Kabid")
    assign(
        person=acting,
        position=kabid_position,
        start=datetime.date.today(),
        kind=AssignmentKind.ACTING,
        end_previous=False,
    )
    signature = services.sign_agreement(agreement=circulating, signer=acting, password=PASSWORD)
    assert signature.acting and signature.signer_name == "Plt Kabid"


def test_closing_stops_changes(active, personas):
    services.close_agreement(agreement=active, actor=personas.regent)
    active.refresh_from_db()
    assert active.status == AgreementStatus.CLOSED and active.closed_at
    with pytest.raises(ValidationError, match="closed"):
        services.amend_agreement(agreement=active, actor=personas.regent, reason="x")
    assert kinds(personas.regency)[-1] == "agreements.closed"


def test_parties_are_emailed_in_their_language_when_sent(circulating, personas, smtp_server):
    personas.kabid.language = "en"
    personas.kabid.save(update_fields=["language"])
    sent = send_signing_requests(circulating.current_version_id)
    assert sent == 2
    english = smtp_server.to(personas.kabid.email)[0]
    indonesian = smtp_server.to(personas.head.email)[0]
    assert english["Subject"].startswith("To sign:")
    assert "waiting for your signature" in english.get_content()
    assert indonesian["Subject"].startswith("Untuk ditandatangani:")
    assert f"/agreements/{circulating.pk}/sign/" in indonesian.get_content()
    services.sign_agreement(agreement=circulating, signer=personas.head, password=PASSWORD)
    assert send_signing_requests(circulating.current_version_id) == 1  # only who still must


def test_a_party_declines_with_a_reason_and_the_others_see_why(circulating, personas, client):
    version = circulating.current_version
    services.sign_agreement(agreement=circulating, signer=personas.head, password=PASSWORD)
    with pytest.raises(ValidationError):  # a reason is required; nothing changes
        services.decline_agreement(agreement=circulating, person=personas.kabid, reason=" ")
    version.refresh_from_db()
    assert version.status == VersionStatus.CIRCULATING
    with pytest.raises(ValidationError):  # the head has signed already: nothing to decline
        services.decline_agreement(agreement=circulating, person=personas.head, reason="x")
    # The kabid declines through the page.
    client.force_login(personas.kabid)
    detail_url = reverse("agreements:detail", args=[circulating.pk])
    assert "Tolak menandatangani" in client.get(detail_url).content.decode()
    url = reverse("agreements:decline", args=[circulating.pk])
    assert "tidak boleh kosong" in client.post(url, {"reason": ""}).content.decode()
    response = client.post(url, {"reason": "Target Tw IV terlalu tinggi untuk anggaran."})
    assert response.status_code == 302
    version.refresh_from_db()
    circulating.refresh_from_db()
    assert version.status == VersionStatus.DECLINED
    assert version.declined_by == personas.kabid
    assert version.decline_reason == "Target Tw IV terlalu tinggi untuk anggaran."
    assert circulating.status == AgreementStatus.DRAFT  # nothing signed is in force
    entry = Entry.objects.filter(kind="agreements.declined").get()
    assert entry.payload["reason"] == "Target Tw IV terlalu tinggi untuk anggaran."
    assert entry.payload["position"] == position_of(personas.kabid).pk
    assert verify_chain(personas.regency.pk).ok
    # Nobody can sign the declined version; the head sees who declined and why.
    with pytest.raises(ValidationError):
        services.sign_agreement(agreement=circulating, signer=personas.kabid, password=PASSWORD)
    client.force_login(personas.head)
    page = client.get(detail_url).content.decode()
    assert "Versi 1 ditolak" in page and "Target Tw IV terlalu tinggi untuk anggaran." in page
    # The editors revise it as a new version, sent and signed again.
    new = services.amend_agreement(
        agreement=circulating, actor=personas.head, reason="Target Tw IV diturunkan."
    )
    assert new.number == 2 and new.status == VersionStatus.DRAFT
    version.refresh_from_db()
    assert version.status == VersionStatus.DECLINED and not version.is_current
    circulating.refresh_from_db()
    services.send_for_signing(agreement=circulating, actor=personas.head)
    services.sign_agreement(agreement=circulating, signer=personas.head, password=PASSWORD)
    services.sign_agreement(agreement=circulating, signer=personas.kabid, password=PASSWORD)
    circulating.refresh_from_db()
    assert circulating.status == AgreementStatus.ACTIVE and circulating.active_version == new


def test_declining_an_amendment_keeps_the_signed_version_in_force(active, personas):
    services.amend_agreement(agreement=active, actor=personas.head, reason="Revisi")
    active.refresh_from_db()
    services.send_for_signing(agreement=active, actor=personas.head)
    services.decline_agreement(agreement=active, person=personas.kabid, reason="Tidak setuju")
    active.refresh_from_db()
    assert active.status == AgreementStatus.ACTIVE and active.active_version.number == 1
    assert active.current_version.status == VersionStatus.DECLINED


def test_outsiders_cannot_decline(circulating, personas, client):
    client.force_login(personas.staff)
    response = client.post(
        reverse("agreements:decline", args=[circulating.pk]), {"reason": "Tidak"}
    )
    assert response.status_code == 403
    circulating.current_version.refresh_from_db()
    assert circulating.current_version.status == VersionStatus.CIRCULATING


def test_the_other_parties_are_emailed_why_a_version_was_declined(
    circulating, personas, smtp_server
):
    from superteam.agreements.tasks import send_decline_notices

    personas.head.language = "en"
    personas.head.save(update_fields=["language"])
    version = services.decline_agreement(
        agreement=circulating, person=personas.kabid, reason="Target Tw IV terlalu tinggi."
    )
    assert send_decline_notices(version.pk) == 1  # the head (party and author), not the kabid
    mail = smtp_server.to(personas.head.email)[0]
    assert mail["Subject"].startswith("Declined:")
    assert "Target Tw IV terlalu tinggi." in mail.get_content()
    assert f"/agreements/{circulating.pk}/" in mail.get_content()
    assert smtp_server.to(personas.kabid.email) == []
