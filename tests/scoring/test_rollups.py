"""Rollups follow verified evidence incrementally; snapshots publish and never change."""

from decimal import Decimal as D

import pytest

from superteam.innovations import services as innov
from superteam.innovations.models import Stage
from superteam.scoring import services
from superteam.scoring.models import Category, InnovationScore, SnapshotKind, SnapshotRow, UnitScore
from tests.innovations import factories as fi

pytestmark = pytest.mark.django_db


def test_evidence_counts_only_once_accepted(personas):
    p = personas
    inn = fi.innovation(p.puskesmas, p.head)
    ev = fi.evidence(p.puskesmas, p.staff, "regulasi", 3, innovation=inn)
    score = UnitScore.objects.get(unit=p.puskesmas)
    assert score.score == 0 and score.category == Category.DISCLAIMER
    assert score.pending_evidence == 1
    innov.verify_evidence(evidence=ev, actor=p.verifier, accept=True, level=2)
    score.refresh_from_db()
    # regulasi level 2 × weight 3 = 6; 6/10 = 0.6 quality; 1 backed innovation → 10 quantity.
    # 74.8 × (0.6 + 10) / 153 = 5.18
    assert score.innovation_quality == D("0.60")
    assert score.quantity == D("10.00")
    assert score.score == D("5.18")
    assert score.category == Category.LESS_INNOVATIVE
    assert score.pending_evidence == 0


def test_a_seksi_innovation_counts_for_its_dinas(personas):
    p = personas
    inn = fi.innovation(p.seksi, p.kasi, title="Posyandu Digital")
    assert inn.scoring_unit == p.dinkes
    fi.accepted(p.seksi, p.kasi, p.verifier, "sdm", 3, innovation=inn)
    assert UnitScore.objects.get(unit=p.dinkes).score > 0


def test_stage_matters_only_rollout_counts(personas):
    p = personas
    inn = fi.innovation(p.puskesmas, p.head, stage=Stage.UJI_COBA)
    fi.accepted(p.puskesmas, p.staff, p.verifier, "regulasi", 3, innovation=inn)
    score = UnitScore.objects.get(unit=p.puskesmas)
    assert score.counted_innovations == 0 and score.score == 0
    innov.change_stage(innovation=inn, stage=Stage.PENERAPAN, on=inn.trial_started_on, actor=p.head)
    score.refresh_from_db()
    assert score.counted_innovations == 1 and score.score > 0


def test_publish_snapshot_ranks_and_keeps_history(personas):
    p = personas
    inn = fi.innovation(p.puskesmas, p.head)
    fi.accepted(p.puskesmas, p.staff, p.verifier, "regulasi", 3, innovation=inn)
    snap = services.publish_snapshot(regency=p.regency, kind=SnapshotKind.MANUAL, actor=p.admin)
    rows = {r.unit_id: r for r in SnapshotRow.objects.filter(snapshot=snap)}
    assert rows[p.puskesmas.pk].rank == 1
    assert rows[p.puskesmas.pk].score > 0
    assert rows[p.dinkes.pk].category == Category.DISCLAIMER
    frozen = [
        (r.unit_id, r.score, r.rank, r.detail) for r in SnapshotRow.objects.filter(snapshot=snap)
    ]
    # Later evidence and a new model version do not touch what was published.
    fi.accepted(p.puskesmas, p.staff, p.verifier, "sdm", 3, innovation=inn)
    new = services.load_variant(regency=p.regency, variant="iid-2026")
    services.activate_model(model=new, actor=p.admin)
    assert [
        (r.unit_id, r.score, r.rank, r.detail) for r in SnapshotRow.objects.filter(snapshot=snap)
    ] == frozen
    refs = rows[p.puskesmas.pk].detail["innovations"]
    assert InnovationScore.objects.get(pk=refs[0]["score"]).quality == D("9.00")
