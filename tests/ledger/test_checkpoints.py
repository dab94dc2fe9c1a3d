"""Signed checkpoints: exported, published, and catching a rewrite of the whole chain."""

from __future__ import annotations

import io
import json
import os
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from superteam.ledger import keys
from superteam.ledger.models import GENESIS_HASH, Checkpoint, Entry, Head, Verification
from superteam.ledger.services import (
    REASON_REWRITTEN,
    REASON_SHORTER,
    chain_hash,
    entry_document,
    export_checkpoints,
    make_checkpoint,
    record,
    run_verification,
    trusted_checkpoints,
    verify_chain,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


def _chain(n, regency=None):
    regency = regency or f.regency()
    for i in range(n):
        record(regency=regency, kind="test.event", payload={"i": i})
    return regency


def rewrite_from(regency, seq: int, payload: dict) -> None:
    """What an intruder with database access would do: change an entry and recompute every
    hash after it, so that the chain is consistent in itself again."""
    entries = list(Entry.objects.filter(regency=regency).order_by("seq"))
    prev = GENESIS_HASH
    for e in entries:
        if e.seq == seq:
            e.payload = payload
        document = entry_document(
            seq=e.seq,
            regency_id=regency.pk,
            kind=e.kind,
            subject_type=e.subject_type,
            subject_id=e.subject_id,
            actor_id=e.actor_id,
            payload=e.payload,
            created_at=e.created_at,
        )
        e.prev_hash, e.hash = prev, chain_hash(prev, document)
        prev = e.hash
    Entry.objects.bulk_update(entries, ["payload", "prev_hash", "hash"])
    Head.objects.filter(regency=regency).update(hash=prev)


def test_a_checkpoint_signs_size_and_head_and_is_not_repeated_when_nothing_changed():
    regency = _chain(4)
    first = make_checkpoint(regency=regency)
    head = Head.objects.get(regency=regency)
    assert (first.seq, first.head_hash) == (4, head.hash)
    assert make_checkpoint(regency=regency).pk == first.pk
    record(regency=regency, kind="test.event", payload={})
    assert make_checkpoint(regency=regency).seq == 5
    expected, problems = trusted_checkpoints(regency_id=regency.pk)
    assert problems == [] and set(expected) == {4, 5}


def test_a_rewrite_of_the_whole_chain_is_caught_against_a_checkpoint():
    regency = _chain(6)
    make_checkpoint(regency=regency)
    rewrite_from(regency, 3, {"i": 99})
    assert verify_chain(regency.pk).ok  # consistent in itself
    verification, report, problems = run_verification(regency=regency)
    assert not report.ok and not verification.ok
    assert report.reason == REASON_REWRITTEN
    assert (report.known_good_seq, report.first_broken_seq) == (0, 6)
    assert problems == []


def test_the_break_is_narrowed_between_the_checkpoints():
    regency = _chain(3)
    make_checkpoint(regency=regency)
    for i in range(3):
        record(regency=regency, kind="test.event", payload={"j": i})
    make_checkpoint(regency=regency)
    rewrite_from(regency, 5, {"j": 42})
    report = run_verification(regency=regency)[1]
    assert report.reason == REASON_REWRITTEN
    assert (report.known_good_seq, report.first_broken_seq) == (3, 6)


def test_a_published_export_catches_a_rewrite_after_stored_checkpoints_are_deleted(tmp_path):
    regency = _chain(5)
    make_checkpoint(regency=regency)
    published = tmp_path / "published.json"
    published.write_text(json.dumps(export_checkpoints(regency=regency)))
    # The intruder rewrites the chain and removes the checkpoints kept in the database.
    rewrite_from(regency, 2, {"i": -1})
    Checkpoint.objects.filter(regency=regency).delete()
    call_command("verify_ledger", regency=regency.code, stdout=io.StringIO())
    with pytest.raises(CommandError) as failure:
        call_command(
            "verify_ledger",
            regency=regency.code,
            checkpoint=[str(published)],
            stdout=io.StringIO(),
        )
    assert "BROKEN at entry #5" in str(failure.value)
    assert "#1–#5" in str(failure.value)


def test_a_forged_checkpoint_does_not_verify():
    regency = _chain(3)
    checkpoint = make_checkpoint(regency=regency)
    Checkpoint.objects.filter(pk=checkpoint.pk).update(head_hash="a" * 64)
    expected, problems = trusted_checkpoints(regency_id=regency.pk)
    assert expected == {}
    assert [p.seq for p in problems] == [3]
    verification = run_verification(regency=regency)[0]
    assert not verification.ok and "checkpoint #3" in verification.reason


def test_deleting_entries_behind_a_checkpoint_is_caught_even_with_the_head_fixed():
    regency = _chain(5)
    make_checkpoint(regency=regency)
    Entry.objects.filter(regency=regency, seq=5).delete()
    last = Entry.objects.get(regency=regency, seq=4)
    Head.objects.filter(regency=regency).update(seq=4, hash=last.hash)
    report = run_verification(regency=regency)[1]
    assert report.reason == REASON_SHORTER and report.first_broken_seq == 5


def test_verify_ledger_names_the_first_broken_entry(capsys):
    regency = _chain(4)
    Entry.objects.filter(regency=regency, seq=2).update(kind="test.forged")
    with pytest.raises(CommandError) as failure:
        call_command("verify_ledger", stdout=io.StringIO())
    assert "BROKEN at entry #2: content altered (test.forged" in str(failure.value)
    assert Verification.objects.filter(regency=regency, ok=False, first_broken_seq=2).exists()


def test_ledger_checkpoint_command_exports_for_publication(tmp_path):
    regency = _chain(2)
    out = tmp_path / "cp.json"
    call_command("ledger_checkpoint", regency=regency.code, export=str(out), stdout=io.StringIO())
    data = json.loads(out.read_text())
    assert data["format"] == "superteam/ledger-checkpoints/1"
    assert data["regency"]["code"] == regency.code
    assert data["installation_key"] == keys.public_key_b64()
    assert data["checkpoints"][0]["seq"] == 2


def test_the_installation_key_is_generated_once_into_a_private_file(settings, tmp_path):
    settings.LEDGER_SIGNING_KEY = ""
    settings.LEDGER_SIGNING_KEY_FILE = tmp_path / "sub" / "key"
    first = keys.public_key_b64()
    mode = stat.S_IMODE(os.stat(settings.LEDGER_SIGNING_KEY_FILE).st_mode)
    assert mode == 0o600
    keys._load.cache_clear()
    assert keys.public_key_b64() == first


def test_the_installation_key_can_come_from_the_environment(settings):
    import base64

    settings.LEDGER_SIGNING_KEY = base64.b64encode(bytes(range(32))).decode()
    from_b64 = keys.public_key_b64()
    settings.LEDGER_SIGNING_KEY = bytes(range(32)).hex()
    assert keys.public_key_b64() == from_b64
    settings.LEDGER_SIGNING_KEY = "too short"
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        keys.public_key_b64()


def test_the_nightly_job_signs_a_checkpoint_and_verifies_every_chain():
    from superteam.ledger.schedule import daily_checkpoint

    regency = _chain(3)
    daily_checkpoint(None)
    assert Checkpoint.objects.get(regency=regency).seq == 3
    verification = Verification.objects.get(regency=regency)
    assert verification.ok and verification.checked == 3


def test_verify_ledger_progress_stops_where_the_chain_breaks():
    """The progress of a broken chain ends at the entries found sound, not at 100 %."""
    regency = _chain(12)
    Entry.objects.filter(regency=regency, seq=8).update(kind="test.forged")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_ledger", regency=regency.code, stdout=out)
    progress = [line for line in out.getvalue().splitlines() if line.startswith("Ledger ")]
    assert progress[-1].startswith(f"Ledger {regency.code}:  58% (7/12")
    assert "100%" not in out.getvalue()
    sound = io.StringIO()
    Entry.objects.filter(regency=regency, seq=8).update(kind="test.event")
    call_command("verify_ledger", regency=regency.code, stdout=sound)
    assert "100% (12/12" in sound.getvalue()
