"""The hash chain: appends verify; any reordering, deletion or edit is named at its entry."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from superteam.ledger.models import Entry, Head
from superteam.ledger.services import (
    REASON_ALTERED,
    REASON_MISSING,
    REASON_TRUNCATED,
    REASON_UNLINKED,
    record,
    verify_chain,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


def _chain(n: int, regency=None):
    regency = regency or f.regency()
    for i in range(n):
        record(
            regency=regency,
            kind="test.event",
            payload={"i": i, "name": "Dr. Siti Rahmawati, M.Kes — ékstra ✓", "amount": "12.50"},
        )
    return regency


def test_an_untouched_chain_verifies_and_reports_its_head():
    regency = _chain(5)
    report = verify_chain(regency.pk)
    head = Head.objects.get(regency=regency)
    assert report.ok and report.checked == 5
    assert report.head_hash == head.hash == Entry.objects.get(regency=regency, seq=5).hash


def test_chains_of_two_regencies_are_independent():
    a, b = _chain(3), _chain(2)
    assert verify_chain(a.pk).checked == 3
    assert verify_chain(b.pk).checked == 2
    assert list(Entry.objects.filter(regency=b).values_list("seq", flat=True)) == [1, 2]


def test_stored_payload_is_compact_sorted_json():
    regency = f.regency()
    record(regency=regency, kind="test.event", payload={"b": 1, "a": "ü"})
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT payload FROM ledger_entry WHERE regency_id = %s", [regency.pk])
        (text,) = cursor.fetchone()
    if connection.vendor == "sqlite":
        assert text == '{"a":"ü","b":1}'
    assert Entry.objects.get(regency=regency).payload == {"a": "ü", "b": 1}


FIELD_EDITS = {
    "kind": lambda e: {"kind": e.kind + "x"},
    "subject_id": lambda e: {"subject_id": "999"},
    "payload": lambda e: {"payload": {**e.payload, "i": e.payload["i"] + 1}},
    "payload_added_key": lambda e: {"payload": {**e.payload, "extra": True}},
    "created_at": lambda e: {"created_at": e.created_at + datetime.timedelta(milliseconds=1)},
    "actor": lambda e: {"actor_id": e.actor_id},  # replaced below by a real person
    "hash": lambda e: {"hash": "f" * 64},
    "prev_hash": lambda e: {"prev_hash": "e" * 64},
}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_single_edit_is_named_at_its_entry(data):
    n = data.draw(st.integers(min_value=2, max_value=8), label="entries")
    regency = _chain(n)
    k = data.draw(st.integers(min_value=1, max_value=n), label="edited entry")
    field = data.draw(st.sampled_from(sorted(FIELD_EDITS)), label="field")
    entry = Entry.objects.get(regency=regency, seq=k)
    change = FIELD_EDITS[field](entry)
    if field == "actor":
        change = {"actor_id": f.person(regency).pk}
    Entry.objects.filter(pk=entry.pk).update(**change)
    report = verify_chain(regency.pk)
    assert not report.ok
    assert report.first_broken_seq == k, (field, report)
    assert report.reason == (REASON_UNLINKED if field == "prev_hash" else REASON_ALTERED)
    assert report.checked == k - 1


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_deleting_any_entry_is_named_at_its_position(data):
    n = data.draw(st.integers(min_value=2, max_value=8), label="entries")
    regency = _chain(n)
    k = data.draw(st.integers(min_value=1, max_value=n), label="deleted entry")
    Entry.objects.filter(regency=regency, seq=k).delete()
    report = verify_chain(regency.pk)
    assert not report.ok
    assert report.first_broken_seq == k
    assert report.reason == (REASON_TRUNCATED if k == n else REASON_MISSING)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_reordering_any_two_entries_is_named_at_the_first_moved(data):
    n = data.draw(st.integers(min_value=2, max_value=8), label="entries")
    regency = _chain(n)
    i = data.draw(st.integers(min_value=1, max_value=n - 1), label="first")
    j = data.draw(st.integers(min_value=i + 1, max_value=n), label="second")
    # Swap the two rows' numbers (through a free number: the pair is unique).
    Entry.objects.filter(regency=regency, seq=i).update(seq=-1)
    Entry.objects.filter(regency=regency, seq=j).update(seq=i)
    Entry.objects.filter(regency=regency, seq=-1).update(seq=j)
    report = verify_chain(regency.pk)
    assert not report.ok
    assert report.first_broken_seq == i


def test_an_edit_that_keeps_the_meaning_is_not_a_break():
    """A payload rewritten with other spacing or key order (e.g. by a database dump and
    restore) still verifies: the canonical form is recomputed before calling it broken."""
    regency = _chain(3)
    from django.db import connection

    entry = Entry.objects.get(regency=regency, seq=2)
    reordered = (
        '{"name": "Dr. Siti Rahmawati, M.Kes — \\u00e9kstra \\u2713", "i": 1, "amount": "12.50"}'
    )
    cast = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE ledger_entry SET payload = {cast} WHERE id = %s",  # noqa: S608
            [reordered, entry.pk],
        )
    assert Entry.objects.get(pk=entry.pk).payload == entry.payload
    assert verify_chain(regency.pk).ok


def test_verification_reads_in_chunks_and_reports_progress():
    regency = _chain(7)
    seen = []
    report = verify_chain(regency.pk, chunk_size=3, progress=seen.append)
    assert report.ok and report.checked == 7
    assert sum(seen) == 6  # two full chunks of three


def test_record_many_continues_the_same_chain():
    from superteam.ledger.services import record_many

    regency = _chain(2)
    person = f.person(regency)
    assert (
        record_many(
            regency=regency,
            events=[
                {"kind": "test.bulk", "payload": {"n": 1}},
                {"kind": "test.bulk", "subject": person, "actor": person, "payload": {"n": 2}},
            ],
        )
        == 2
    )
    record(regency=regency, kind="test.event", payload={})
    report = verify_chain(regency.pk)
    assert report.ok and report.checked == 5
    assert Entry.objects.get(regency=regency, seq=4).subject_id == str(person.pk)


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(
    payload=st.dictionaries(st.text(max_size=10), _json, max_size=5),
    kind=st.text(min_size=1, max_size=20),
    seq=st.integers(min_value=1, max_value=2**53 - 1),
    subject_id=st.text(max_size=10),
    actor=st.none() | st.integers(min_value=1, max_value=10**9),
)
def test_an_event_prepared_ahead_hashes_the_rfc8785_document(payload, kind, seq, subject_id, actor):
    """A report's ledger event is made canonical before its transaction, in parts, and only
    chained inside: the bytes hashed must be RFC 8785 of the whole entry document."""
    from superteam.ledger.services import _Event, chain_hash, entry_document

    event = _Event(
        regency_id=7, kind=kind, subject_type="reports.report", actor=actor, payload=payload
    )
    prev = "ab" * 32
    fields = event.chain(seq=seq, prev_hash=prev, subject_id=subject_id)
    document = entry_document(
        seq=seq,
        regency_id=7,
        kind=kind,
        subject_type="reports.report",
        subject_id=subject_id,
        actor_id=actor,
        payload=event.payload,
        created_at=fields["created_at"],
    )
    assert fields["hash"] == chain_hash(prev, document)
    assert fields["prev_hash"] == prev and fields["seq"] == seq


def test_a_prepared_record_appends_after_entries_recorded_meanwhile():
    """prepare_record before the transaction, append inside: it takes the head as it is
    then, even if other entries were appended since it was prepared."""
    from superteam.ledger.services import prepare_record

    regency = f.regency()
    person = f.person(regency=regency)
    prepared = prepare_record(
        regency=regency, kind="test.prepared", subject_model=type(person), payload={"a": 1}
    )
    _chain(2, regency)
    entry = prepared.append(subject=person)
    assert entry.seq == 3 and entry.subject_id == str(person.pk)
    assert entry.subject_type == f"{person._meta.app_label}.{person._meta.model_name}"
    assert verify_chain(regency.pk).ok
