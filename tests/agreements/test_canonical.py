"""The signed document of a version: rebuilt from stored fields, canonical, stable."""

import datetime
import json
from decimal import Decimal

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from superteam.agreements import canonical
from superteam.agreements.models import AgreementVersion

pytestmark = pytest.mark.django_db


def test_decimals_are_written_without_trailing_zeros():
    assert canonical.dec(Decimal("95.0000")) == "95"
    assert canonical.dec(Decimal("12.5000")) == "12.5"
    assert canonical.dec(Decimal("1250000000.00")) == "1250000000"
    assert canonical.dec(Decimal("0.0000")) == "0"
    assert canonical.dec(Decimal("-3.25")) == "-3.25"
    assert canonical.dec(None) is None


def test_the_document_holds_the_whole_content_of_the_version(draft, personas):
    version = draft.current_version
    document = canonical.load_document(version.pk)
    assert document["form"] == canonical.FORM
    assert document["version"] == 1 and document["previous_version"] is None
    assert document["year"] == 2026
    assert document["period"] == {"start": "2026-01-01", "end": "2026-12-31"}
    assert [p["position"]["title"] for p in document["parties"]] == [
        "Kepala Dinas Kesehatan",
        "Kepala Bidang Pelayanan Kesehatan",
    ]
    first = document["indicators"][0]
    assert first["target"] == "95" and first["baseline"] == "88.5"
    assert first["quarterly_targets"] == ["80", "85", "90", "95"]
    assert first["budget"] == "1250000000"
    assert first["responsible"]["title"] == "Kepala Bidang Pelayanan Kesehatan"
    assert [u["code"] for u in first["contributing_units"]] == ["DINKES", "PKM-GENTENG"]
    assert document["indicators"][1]["polarity"] == "lower"


def test_the_document_is_the_same_after_a_round_trip_through_the_database(draft):
    version = draft.current_version
    before = canonical.document_hash(canonical.load_document(version.pk))
    AgreementVersion.objects.get(pk=version.pk).save()
    after = canonical.document_hash(canonical.load_document(version.pk))
    assert before == after


def test_renaming_a_position_later_does_not_change_what_was_signed(circulating, personas):
    version = circulating.current_version
    from superteam.org.models import Position

    Position.objects.filter(unit=personas.dinkes).update(title="Kepala Dinas (baru)")
    assert canonical.load_document(version.pk)["parties"][0]["position"]["title"] == (
        "Kepala Dinas Kesehatan"
    )
    assert canonical.matches(canonical.load_document(version.pk), version.document_hash)[0]


json_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
documents = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | json_text,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8),
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(documents)
def test_the_fast_serialisation_equals_rfc8785_for_documents_of_this_shape(document):
    """ASCII keys, integers, any text: the C encoder gives the RFC 8785 bytes."""
    assert canonical.fast_bytes(document) == rfc8785.dumps(document)


def test_matches_falls_back_to_rfc8785_itself():
    # A float is not a shape this app writes; the exact path still decides correctly.
    document = {"x": 1.5e-7}
    digest = canonical.document_hash(document)
    assert canonical.fast_bytes(document) != canonical.canonical_bytes(document)
    assert canonical.matches(document, digest) == (True, digest)


def test_differences_name_the_changed_paths():
    old = {"title": "A", "indicators": [{"target": "95", "name": "x"}], "period": {"end": "2026"}}
    new = {"title": "A", "indicators": [{"target": "75", "name": "x"}], "period": {"end": "2027"}}
    assert canonical.differences(old, new) == [
        'indicators[1].target: "95" → "75"',
        'period.end: "2026" → "2027"',
    ]
    assert json.loads(json.dumps(canonical.differences(old, old))) == []


def test_iso_dates():
    assert canonical.iso(datetime.date(2026, 3, 31)) == "2026-03-31"


def test_documents_are_built_with_their_keys_already_in_canonical_order(draft):
    document = canonical.load_document(draft.current_version_id)
    assert canonical.ordered_bytes(document) == canonical.canonical_bytes(document)


@settings(max_examples=200, deadline=None)
@given(
    st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=4, allow_nan=False)
    | st.decimals(allow_nan=False, allow_infinity=False)
)
def test_decimal_text_is_the_normalised_plain_notation(value):
    import decimal

    exact = decimal.Context(prec=1000)  # no rounding, whatever the number of digits
    expected = "0" if value == 0 else format(value.normalize(context=exact), "f")
    assert canonical.dec(value) == expected


def test_the_quick_reading_gives_the_same_documents_as_the_exact_one(draft, circulating):
    ids = [draft.current_version_id, circulating.current_version_id]
    assert canonical.load_documents(ids, quick=True) == canonical.load_documents(ids)


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value=Decimal("-1e15"), max_value=Decimal("1e15"), places=4))
def test_a_stored_number_read_without_converters_is_laid_out_as_the_orm_does(value):
    """SQLite hands a decimal column back as an int or a float; the quick path's text is
    what Django's own SQLite converter gives, or the quick path declines."""
    from django.db.backends.sqlite3.base import DatabaseWrapper

    from superteam.agreements.models import IndicatorTerms

    col = IndicatorTerms._meta.get_field("target").get_col("t")
    convert = DatabaseWrapper.ops_class(None).get_decimalfield_converter(col)
    stored_forms = [float(value)]
    if value == value.to_integral_value():
        stored_forms.append(int(value))
    for stored in stored_forms:
        orm = canonical.dec(convert(stored, col, None))
        try:
            quick = canonical._raw_dec(stored)
        except canonical._NotPlain:
            continue
        assert quick == orm, stored


def test_verification_reads_again_the_exact_way_before_calling_a_document_changed(
    circulating, monkeypatch
):
    from superteam.agreements import verification

    version_id = circulating.current_version_id

    def skewed(ids):  # the quick reading goes wrong; the exact one is right
        written = real(ids)
        data, parties = written[version_id]
        written[version_id] = (data.replace(b'"target":"', b'"target":"9', 1), parties)
        return written

    real = canonical.quick_serialised
    monkeypatch.setattr(canonical, "quick_serialised", skewed)
    check = verification.verify_versions([version_id])[version_id]
    assert check.unchanged and not check.problems


def test_the_quick_bytes_are_the_canonical_bytes_of_the_exact_document(draft, circulating):
    ids = [draft.current_version_id, circulating.current_version_id]
    written = canonical.quick_serialised(ids)
    for version_id in ids:
        document = canonical.load_document(version_id)
        data, parties = written[version_id]
        assert data == canonical.canonical_bytes(document)
        assert parties == document["parties"]


scalar_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
ids = st.integers(1, 2**40)
maybe_text = st.none() | scalar_text
number_text = st.none() | st.decimals(allow_nan=False, allow_infinity=False, places=4).map(
    canonical.dec
)
terms_rows = st.tuples(
    ids,  # id
    st.just(1),  # version
    st.integers(1, 50),  # order
    ids,  # indicator
    st.integers(1, 50),  # number
    scalar_text,  # sasaran
    scalar_text,  # name
    scalar_text,  # unit of measure
    *[number_text] * 7,  # baseline, target, target_high, q1..q4
    st.sampled_from(["higher", "lower", "range"]),
    st.sampled_from(["sum", "last", "average"]),
    st.none() | st.dates().map(datetime.date.isoformat),  # deadline
    st.none() | ids,  # responsible position
    maybe_text,
    maybe_text,
    st.none() | ids,
    scalar_text,  # programme
    number_text,  # budget
)
party_rows = st.tuples(
    st.just(1),
    st.integers(1, 9),
    scalar_text,
    ids,
    scalar_text,
    scalar_text,
    ids,
    scalar_text,
    scalar_text,
)
version_rows = st.tuples(
    st.just(1),
    ids,
    ids,
    st.integers(1, 20),
    st.sampled_from(["vertical", "joint"]),
    scalar_text,
    st.integers(2000, 2100),
    st.dates().map(datetime.date.isoformat),
    st.none() | st.dates(),
    st.none() | st.text("0123456789abcdef", min_size=64, max_size=64),
    scalar_text,
)


@settings(max_examples=300, deadline=None)
@given(
    version_rows,
    st.lists(party_rows, max_size=4),
    st.lists(terms_rows, max_size=4),
    st.lists(st.tuples(ids, scalar_text, scalar_text), max_size=3),
)
def test_bytes_written_straight_from_rows_are_rfc8785_of_the_document(
    version, parties, terms, units
):
    """Any text (non-ASCII, quotes, control characters), missing values, dates as text or
    as dates: the quick writer gives the RFC 8785 bytes of the document of the same rows."""
    contrib = {t[0]: units for t in terms[:1]}
    document = canonical.build_document(version, parties, terms, contrib)
    assert canonical._written(version, parties, terms, contrib) == rfc8785.dumps(document)
