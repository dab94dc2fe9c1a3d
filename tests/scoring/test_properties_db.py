"""Properties of the index through the real services and database (hypothesis): a published
snapshot never changes; accepting evidence never lowers a score; a missing mandatory
indicator zeroes an innovation (2026); no verified evidence is the disclaimer."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from superteam.innovations import services as innov
from superteam.scoring import services
from superteam.scoring.models import Category, InnovationScore, SnapshotRow, UnitScore
from superteam.scoring.variants import IID_2023, MANDATORY_2026
from tests.innovations import factories as fi

pytestmark = pytest.mark.django_db

INNOVATION_CODES = [
    s.code for s in IID_2023.indicators if s.side == "innovation" and len(s.levels_id) == 3
]
INSTITUTION_CODES = [s.code for s in IID_2023.indicators if s.side == "institution"]
claims = st.lists(
    st.tuples(st.sampled_from(["inn0", "inn1", "inst"]), st.integers(0, 16), st.integers(1, 3)),
    min_size=1,
    max_size=8,
)
HYPO = settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def file_and_accept(p, innovations, where, index, level):
    if where == "inst":
        code = INSTITUTION_CODES[index % len(INSTITUTION_CODES)]
        return fi.accepted(p.puskesmas, p.head, p.verifier, code, level)
    code = INNOVATION_CODES[index % len(INNOVATION_CODES)]
    inn = innovations[int(where[-1])]
    return fi.accepted(p.puskesmas, p.staff, p.verifier, code, level, innovation=inn)


def rows_of(snapshot):
    return [
        (r.unit_id, r.rank, r.score, r.final, r.category, r.detail)
        for r in SnapshotRow.objects.filter(snapshot=snapshot).order_by("unit_id")
    ]


@HYPO
@given(before=claims, after=claims, switch_model=st.booleans())
def test_a_published_snapshot_never_changes(personas, before, after, switch_model):
    p = personas
    with transaction.atomic():
        innovations = [fi.innovation(p.puskesmas, p.head, title=f"I{k}") for k in range(2)]
        for where, index, level in before:
            file_and_accept(p, innovations, where, index, level)
        snapshot = services.publish_snapshot(regency=p.regency, actor=p.admin)
        frozen = rows_of(snapshot)
        revisions = {
            ref["score"]: InnovationScore.objects.get(pk=ref["score"]).lines
            for row in frozen
            for ref in row[5]["innovations"]
        }
        for where, index, level in after:
            file_and_accept(p, innovations, where, index, level)
        if switch_model:
            services.activate_model(
                model=services.load_variant(regency=p.regency, variant="iid-2026"), actor=p.admin
            )
        services.publish_snapshot(
            regency=p.regency, actor=p.admin, now=timezone.now() + datetime.timedelta(days=7)
        )
        assert rows_of(snapshot) == frozen
        assert {pk: InnovationScore.objects.get(pk=pk).lines for pk in revisions} == revisions
        transaction.set_rollback(True)


@HYPO
@given(steps=claims)
def test_accepting_more_evidence_never_lowers_the_live_score(personas, steps):
    p = personas
    with transaction.atomic():
        innovations = [fi.innovation(p.puskesmas, p.head, title=f"I{k}") for k in range(2)]
        last = (0, 0)
        for where, index, level in steps:
            file_and_accept(p, innovations, where, index, level)
            score = UnitScore.objects.get(
                unit=p.puskesmas, model=services.current_model(regency=p.regency)
            )
            assert 0 <= score.score <= 100
            assert (score.score, score.final) >= last
            last = (score.score, score.final)
        transaction.set_rollback(True)


@HYPO
@given(codes=st.sets(st.sampled_from(sorted(MANDATORY_2026 | {"anggaran", "bimtek"})), min_size=1))
def test_under_2026_a_missing_mandatory_indicator_zeroes_the_innovation(personas, codes):
    p = personas
    with transaction.atomic():
        services.current_model(regency=p.regency)
        services.activate_model(
            model=services.load_variant(regency=p.regency, variant="iid-2026"), actor=p.admin
        )
        inn = fi.innovation(p.puskesmas, p.head)
        for code in codes:
            fi.accepted(p.puskesmas, p.staff, p.verifier, code, 1, innovation=inn)
        score = InnovationScore.objects.get(innovation=inn, is_current=True)
        if codes.issuperset(MANDATORY_2026):
            assert score.quality > 0 and not score.zeroed
        else:
            assert score.quality == 0 and score.zeroed
            assert set(score.missing_mandatory) == MANDATORY_2026 - codes
        transaction.set_rollback(True)


@HYPO
@given(levels=st.lists(st.integers(1, 3), min_size=1, max_size=5))
def test_claims_without_verified_evidence_give_the_disclaimer(personas, levels):
    p = personas
    with transaction.atomic():
        inn = fi.innovation(p.puskesmas, p.head)
        for i, level in enumerate(levels):
            ev = fi.evidence(p.puskesmas, p.staff, INNOVATION_CODES[i], level, innovation=inn)
            if i % 2:
                innov.verify_evidence(
                    evidence=ev, actor=p.verifier, accept=False, note="Tidak sesuai."
                )
        score = UnitScore.objects.get(unit=p.puskesmas)
        assert (score.score, score.category) == (0, Category.DISCLAIMER)
        snapshot = services.publish_snapshot(regency=p.regency, actor=p.admin)
        assert (
            SnapshotRow.objects.get(snapshot=snapshot, unit=p.puskesmas).category
            == Category.DISCLAIMER
        )
        transaction.set_rollback(True)
