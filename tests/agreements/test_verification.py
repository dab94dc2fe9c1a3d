"""Verification from the stored fields: any field or byte changed behind the application's
back is caught and named, by the public page, the API and ``manage.py verify_agreements``."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from superteam.agreements import canonical, signing
from superteam.agreements.models import (
    AgreementVersion,
    Contribution,
    Indicator,
    IndicatorTerms,
    Party,
    Signature,
    SigningKey,
)
from superteam.agreements.verification import INVALID, VALID, verify_version
from superteam.org.models import Position, Unit

pytestmark = pytest.mark.django_db
HYPOTHESIS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _text(value: str, data) -> str:
    """The text with one character replaced (or one added when it is empty)."""
    if not value:
        return data.draw(st.characters(min_codepoint=33, max_codepoint=0x2FFF), label="char")
    i = data.draw(st.integers(0, len(value) - 1), label="position")
    new = data.draw(
        st.characters(min_codepoint=32, max_codepoint=0x2FFF).filter(lambda c: c != value[i]),
        label="char",
    )
    return value[:i] + new + value[i + 1 :]


def _decimal(value, data):
    # At least a cent: budgets keep two decimals, a smaller change would round away.
    delta = data.draw(st.sampled_from(["0.01", "1", "-0.5", "1000"]), label="delta")
    return (value or Decimal(0)) + Decimal(delta)


def _date(value, data):
    return value + datetime.timedelta(days=data.draw(st.sampled_from([-1, 1, 30]), label="days"))


def _other(model, current_pk, **filters):
    return model.objects.filter(**filters).exclude(pk=current_pk).order_by("pk").first().pk


# field name -> (model, how to change the value, path expected in the named changes)
CONTENT = {
    ("version", "title"): "title",
    ("version", "amendment_reason"): "amendment_reason",
    ("version", "year"): "year",
    ("version", "period_start"): "period.start",
    ("version", "period_end"): "period.end",
    ("version", "kind"): "kind",
    ("version", "number"): "version",
    ("version", "previous_hash"): "previous_version",
    ("party", "order"): "parties",
    ("party", "role"): "parties[1].role",
    ("party", "position_id"): "parties[1].position.id",
    ("party", "position_code"): "parties[1].position.code",
    ("party", "position_title"): "parties[1].position.title",
    ("party", "unit_id"): "parties[1].unit.id",
    ("party", "unit_code"): "parties[1].unit.code",
    ("party", "unit_name"): "parties[1].unit.name",
    ("terms", "sasaran"): "indicators[1].sasaran",
    ("terms", "name"): "indicators[1].name",
    ("terms", "unit_of_measure"): "indicators[1].unit_of_measure",
    ("terms", "baseline"): "indicators[1].baseline",
    ("terms", "target"): "indicators[1].target",
    ("terms", "target_high"): "indicators[1].target_high",
    ("terms", "q1"): "indicators[1].quarterly_targets[1]",
    ("terms", "q4"): "indicators[1].quarterly_targets[4]",
    ("terms", "polarity"): "indicators[1].polarity",
    ("terms", "aggregation"): "indicators[1].aggregation",
    ("terms", "deadline"): "indicators[1].deadline",
    ("terms", "responsible_position_id"): "indicators[1].responsible.position",
    ("terms", "responsible_code"): "indicators[1].responsible.code",
    ("terms", "responsible_title"): "indicators[1].responsible.title",
    ("terms", "responsible_unit_id"): "indicators[1].responsible.unit",
    ("terms", "programme"): "indicators[1].programme",
    ("terms", "budget"): "indicators[1].budget",
    ("terms", "indicator_id"): "indicators[1].indicator",
    ("indicator", "number"): "indicators[1].number",
    ("contribution", "unit_code"): "indicators[1].contributing_units",
    ("contribution", "unit_name"): "indicators[1].contributing_units",
    ("contribution", "unit_id"): "indicators[1].contributing_units",
}
SIGNATURE_FIELDS = [
    "document_hash",
    "signature",
    "signed_at",
    "signer_id",
    "signer_name",
    "acting",
    "position_id",
    "key_id",
]
KEY_FIELDS = ["public_key", "fingerprint", "created_at", "revoked_at", "person_id"]
CHOICES = {
    "kind": ["vertical", "joint"],
    "role": ["first", "second", "party"],
    "polarity": ["higher", "lower", "range"],
    "aggregation": ["sum", "last", "average"],
}


def _new_value(obj, field: str, data, personas):
    value = getattr(obj, field)
    base = field.removesuffix("_id")
    if field in CHOICES:
        return data.draw(st.sampled_from([c for c in CHOICES[field] if c != value]), label=field)
    if field in ("position_id", "responsible_position_id"):
        return _other(Position, value, regency=personas.regency)
    if field in ("unit_id", "responsible_unit_id"):
        return _other(Unit, value, regency=personas.regency)
    if field == "indicator_id":
        return Indicator.objects.create(
            regency_id=obj.indicator.regency_id, agreement_id=obj.indicator.agreement_id, number=99
        ).pk
    if field in ("signer_id", "person_id"):
        return personas.outsider.pk
    if field == "party_id":
        return _other(Party, value, version_id=obj.version_id)
    if field == "key_id":
        return _other(SigningKey, value)
    if field == "signed_at":
        return value + datetime.timedelta(seconds=data.draw(st.sampled_from([-3600, 1, 3600])))
    if field == "created_at":  # made after it signed
        return value + datetime.timedelta(seconds=data.draw(st.sampled_from([5, 3600])))
    if field == "number":
        return value + 10
    if field == "revoked_at":
        return obj.created_at  # revoked from the start: not valid at signing time
    if field == "acting":
        return not value
    if base in ("year", "number", "order"):
        return value + data.draw(st.sampled_from([1, -1, 7]), label="delta")
    if isinstance(value, datetime.date):
        return _date(value, data)
    if isinstance(value, Decimal) or value is None:
        return _decimal(value, data)
    return _text(value, data)


@pytest.fixture
def signed(active):
    """The active joint agreement of conftest: every optional field of its first indicator
    has a value (baseline, quarters, responsible position, contributing units, budget)."""
    return active


@HYPOTHESIS
@given(data=st.data())
def test_changing_any_single_content_field_fails_verification_and_names_it(signed, personas, data):
    version = signed.active_version
    assert verify_version(version).verdict == VALID
    where, field = data.draw(st.sampled_from(sorted(CONTENT)), label="field")
    obj = {
        "version": lambda: AgreementVersion.objects.get(pk=version.pk),
        "party": lambda: version.parties.order_by("order").first(),
        "terms": lambda: version.indicator_terms.order_by("order").first(),
        "indicator": lambda: version.indicator_terms.order_by("order").first().indicator,
        "contribution": lambda: Contribution.objects.filter(
            terms__version=version, terms__order=1
        ).first(),
    }[where]()
    new = _new_value(obj, field, data, personas)
    with transaction.atomic():
        type(obj).objects.filter(pk=obj.pk).update(**{field: new})  # behind the app's back
        check = verify_version(version)
        transaction.set_rollback(True)
    assert check.verdict == INVALID
    assert not check.unchanged
    assert any(p.code == "document_changed" for p in check.problems)
    assert any(c.startswith(CONTENT[(where, field)]) for c in check.changes), check.changes


@HYPOTHESIS
@given(data=st.data())
def test_changing_any_field_of_a_signature_or_its_key_fails_verification(signed, personas, data):
    version = signed.active_version
    where = data.draw(st.sampled_from(["signature", "key"]), label="row")
    signature = version.signatures.order_by("pk").first()
    if where == "signature":
        field = data.draw(st.sampled_from(SIGNATURE_FIELDS), label="field")
        obj = signature
    else:
        field = data.draw(st.sampled_from(KEY_FIELDS), label="field")
        obj = signature.key
    new = _new_value(obj, field, data, personas)
    if field in ("document_hash", "fingerprint"):
        new = "0" * 64 if getattr(obj, field) != "0" * 64 else "1" * 64
    if field in ("signature", "public_key"):
        raw = bytearray(signing.unb64(getattr(obj, field)))
        raw[data.draw(st.integers(0, len(raw) - 1), label="byte")] ^= 1 << data.draw(
            st.integers(0, 7), label="bit"
        )
        new = signing.b64(bytes(raw))
    with transaction.atomic():
        type(obj).objects.filter(pk=obj.pk).update(**{field: new})
        check = verify_version(version)
        transaction.set_rollback(True)
    assert check.verdict == INVALID, (where, field)


@HYPOTHESIS
@given(data=st.data())
def test_changing_any_byte_of_the_signed_document_breaks_every_signature(signed, data):
    version = signed.active_version
    document = bytearray(canonical.canonical_bytes(canonical.load_document(version.pk)))
    i = data.draw(st.integers(0, len(document) - 1), label="byte")
    document[i] = data.draw(st.integers(0, 255).filter(lambda b: b != document[i]), label="value")
    digest = canonical.digest(bytes(document))
    assert digest != version.document_hash
    for s in version.signatures.select_related("key"):
        public = signing.unb64(s.key.public_key)
        assert signing.verify(
            public, signing.unb64(s.signature), bytes.fromhex(version.document_hash)
        )
        assert not signing.verify(public, signing.unb64(s.signature), bytes.fromhex(digest))


def test_removing_a_signature_or_an_indicator_is_caught(signed):
    version = signed.active_version
    with transaction.atomic():
        Signature.objects.filter(pk=version.signatures.first().pk).delete()
        check = verify_version(version)
        transaction.set_rollback(True)
    assert check.verdict == INVALID
    assert [p.code for p in check.problems] == ["marked_signed_incomplete"]
    with transaction.atomic():
        IndicatorTerms.objects.filter(version=version, order=2).delete()
        check = verify_version(version)
        transaction.set_rollback(True)
    assert check.verdict == INVALID and any("indicators[2]" in c for c in check.changes)


def test_moving_a_signature_to_another_party_is_caught(signed):
    version = signed.active_version
    first, second = version.signatures.order_by("pk")
    with transaction.atomic():
        Signature.objects.filter(pk=second.pk).delete()
        Signature.objects.filter(pk=first.pk).update(party=second.party)
        check = verify_version(version)
        transaction.set_rollback(True)
    codes = {p.code for s in check.signatures for p in s.problems}
    assert check.verdict == INVALID and {"wrong_party", "ledger_mismatch"} <= codes


def test_a_forged_signature_with_a_forged_key_is_caught_by_the_ledger(signed):
    """Whoever can write the database could replace a key and its signature with their own
    pair; the ledger recorded the original key and signature."""
    version = signed.active_version
    signature = version.signatures.select_related("key").first()
    forged = signing.generate("attacker", signing.KdfParams(1, 8192, 1))
    private = signing.unseal(forged, "attacker")
    with transaction.atomic():
        SigningKey.objects.filter(pk=signature.key_id).update(
            public_key=signing.b64(forged.public_key),
            fingerprint=signing.fingerprint(forged.public_key),
        )
        Signature.objects.filter(pk=signature.pk).update(
            signature=signing.b64(signing.sign(private, bytes.fromhex(version.document_hash)))
        )
        check = verify_version(version)
        transaction.set_rollback(True)
    problems = [p.code for s in check.signatures for p in s.problems]
    assert check.verdict == INVALID and problems == ["ledger_mismatch"]
    text = next(p.text for s in check.signatures for p in s.problems)
    assert "key" in text and "signature" in text


def test_verify_agreements_exits_non_zero_naming_each_failure(signed, other_circulating):
    out = io.StringIO()
    call_command("verify_agreements", stdout=out)
    assert "0 failed" in out.getvalue()
    version = signed.active_version
    IndicatorTerms.objects.filter(version=version, order=1).update(target=Decimal("75"))
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 failed"):
        call_command("verify_agreements", stdout=out)
    text = out.getvalue()
    assert f"agreement {signed.pk}" in text and f"code {version.short_code}" in text
    assert 'indicators[1].target: "95" → "75"' in text


def test_the_public_page_says_it_in_both_languages_without_signing_in(signed, client):
    url = reverse("verify_agreement", args=[signed.active_version.short_code])
    page = client.get(url).content.decode()
    assert "Sah" in page and "Every party has signed this document" in page
    assert "Semua pihak telah menandatangani dokumen ini" in page
    IndicatorTerms.objects.filter(version=signed.active_version, order=1).update(name="Diubah")
    page = client.get(url).content.decode()
    assert "Tidak sah" in page and "Not valid" in page
    assert "indicators[1].name" in page


def test_the_public_document_hashes_to_the_document_id(signed, client):
    version = signed.active_version
    response = client.get(reverse("agreements:document", args=[version.short_code]))
    assert canonical.digest(response.content) == version.document_hash


def test_the_verification_api_is_public(signed, client):
    code = signed.active_version.short_code
    data = client.get(f"/api/agreements/verify/{code}").json()
    assert data["verdict"] == "valid" and len(data["signatures"]) == 2
    Signature.objects.filter(version=signed.active_version).update(signer_name="Orang Lain")
    data = client.get(f"/api/agreements/verify/{code}").json()
    assert data["verdict"] == "invalid"
    assert all(s["problems"][0]["code"] == "ledger_mismatch" for s in data["signatures"])
    assert client.get("/api/agreements/verify/nonexistent").status_code == 404


def test_long_id_lists_are_sent_in_slices_the_database_accepts(monkeypatch):
    from django.db import connection

    from superteam.agreements import verification

    values = [str(i) for i in range(2500)]
    monkeypatch.setattr(connection.features, "max_query_params", 999)  # SQLite's
    parts = list(verification._slices(values))
    assert [len(p) for p in parts] == [900, 900, 700]
    assert [v for p in parts for v in p] == values
    monkeypatch.setattr(connection.features, "max_query_params", None)  # PostgreSQL's
    assert list(verification._slices(values)) == [values]
    assert list(verification._slices([])) == []


def test_a_content_change_after_signing_is_not_called_a_forgery(signed, personas, client):
    """The stored target changed behind the application's back: the page names the field
    and calls the signatures genuine but made over other content, not forged; it still
    shows what was signed; the signed-in pages warn before showing the altered figure."""
    version = signed.active_version
    IndicatorTerms.objects.filter(version=version, order=1).update(target=Decimal("77"))
    check = verify_version(version)
    assert check.verdict == INVALID and not check.unchanged
    for s in check.signatures:
        assert [p.code for p in s.problems] == ["signed_other_content"]
    url = reverse("verify_agreement", args=[version.short_code])
    page = client.get(url).content.decode()
    assert "Tidak sah" in page and "indicators[1].target" in page
    assert "Tanda tangan ini sendiri asli" in page
    assert "tidak cocok dengan kunci publik" not in page.lower()
    # What was signed: the target of 95, from the ledger's record of the circulated document.
    signed_section = page.split("Yang ditandatangani", 1)[1].split("Periksa sendiri", 1)[0]
    assert "Persentase ibu hamil" in signed_section and ">95<" in signed_section
    assert ">77<" not in signed_section
    # Inside the application: a prominent warning on the agreement, version and indicator.
    client.force_login(personas.head)
    for page_url in (
        reverse("agreements:detail", args=[signed.pk]),
        reverse("agreements:version", args=[signed.pk, version.number]),
        reverse("agreements:indicator", args=[signed.indicators.get(number=1).pk]),
    ):
        page = client.get(page_url).content.decode()
        assert "Peringatan: versi 1 telah diubah sejak ditandatangani" in page, page_url
        assert "indicators[1].target" in page


def test_a_forged_signature_still_reads_as_not_verifying(signed):
    signature = Signature.objects.filter(version=signed.active_version).first()
    raw = bytearray(signing.unb64(signature.signature))
    raw[0] ^= 1
    Signature.objects.filter(pk=signature.pk).update(signature=signing.b64(bytes(raw)))
    check = verify_version(signed.active_version)
    codes = {p.code for s in check.signatures for p in s.problems}
    assert "signature_invalid" in codes and "signed_other_content" not in codes


def test_an_untouched_agreement_shows_no_warning_and_its_signed_content(signed, personas, client):
    page = client.get(
        reverse("verify_agreement", args=[signed.active_version.short_code])
    ).content.decode()
    assert "Yang ditandatangani" in page and "Angka kematian ibu" in page
    assert "Rp 1.250.000.000" in page
    assert " WIB</td>" in page  # signature times say their zone
    client.force_login(personas.head)
    page = client.get(reverse("agreements:detail", args=[signed.pk])).content.decode()
    assert "Peringatan: versi" not in page
