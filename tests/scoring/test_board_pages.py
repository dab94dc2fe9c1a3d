"""Published boards read page by page (bounded by rank) and a snapshot's link to the last one."""

import datetime

import pytest
from django.core.paginator import Paginator
from django.utils import timezone

from superteam.scoring import services
from superteam.scoring.models import SnapshotRow
from superteam.scoring.views import RankPaginator
from tests import factories as f
from tests.innovations import factories as fi

pytestmark = pytest.mark.django_db


def _board(p, count):
    units = [
        f.unit(p.regency, parent=p.dinkes, kind="puskesmas", code=f"PKM-T{i}", name=f"PKM {i:02}")
        for i in range(count)
    ]
    # Two units with evidence rank 1 and 2; the rest tie at 0 (one shared rank).
    for unit, level in zip(units[:2], (3, 1), strict=True):
        inn = fi.innovation(unit, p.head, title=f"Inovasi {unit.code}")
        fi.accepted(unit, p.staff, p.verifier, "regulasi", level, innovation=inn)
    return units


def test_rank_bounded_pages_are_the_plain_pages(personas):
    p = personas
    _board(p, 9)
    snap = services.publish_snapshot(regency=p.regency, actor=p.admin)
    qs = SnapshotRow.objects.filter(snapshot=snap, family="puskesmas").order_by(
        "rank", "unit__name"
    )
    ranks = list(qs.values_list("rank", flat=True))
    assert len(ranks) >= 9 and ranks[:2] == [1, 2] and len(set(ranks[2:])) == 1
    for per_page, orphans in [(2, 0), (3, 1), (4, 2), (50, 0)]:
        plain = Paginator(qs, per_page, orphans=orphans)
        bounded = RankPaginator(qs, per_page, orphans=orphans)
        assert bounded.num_pages == plain.num_pages
        for number in plain.page_range:
            assert [r.pk for r in bounded.page(number)] == [r.pk for r in plain.page(number)]
    everyone = services.public_leaderboard(regency=p.regency, family="puskesmas")
    for offset, limit in [(0, 2), (1, 3), (2, 4), (5, 50)]:
        part = services.public_leaderboard(
            regency=p.regency, family="puskesmas", limit=limit, offset=offset
        )
        assert part == everyone[offset : offset + limit]


def test_a_snapshot_carries_the_previous_rank_and_index(personas):
    p = personas
    units = _board(p, 3)
    first = services.publish_snapshot(regency=p.regency, actor=p.admin)
    before = {r.unit_id: r for r in SnapshotRow.objects.filter(snapshot=first)}
    inn = fi.innovation(units[2], p.head, title="Lompatan")
    for code in ("regulasi", "sdm", "kemanfaatan"):
        fi.accepted(units[2], p.staff, p.verifier, code, 3, innovation=inn)
    later = timezone.now() + datetime.timedelta(days=7)
    second = services.publish_snapshot(regency=p.regency, actor=p.admin, now=later)
    after = {r.unit_id: r for r in SnapshotRow.objects.filter(snapshot=second)}
    assert set(after) == set(before)
    for unit_id, row in after.items():
        assert (row.previous_rank, row.previous_score) == (
            before[unit_id].rank,
            before[unit_id].score,
        )
    assert after[units[2].pk].rank == 1 and after[units[2].pk].movement > 0
    # The first snapshot is never touched by the second.
    assert {
        r.unit_id: (r.rank, r.previous_rank, r.score, r.detail)
        for r in SnapshotRow.objects.filter(snapshot=first)
    } == {u: (r.rank, r.previous_rank, r.score, r.detail) for u, r in before.items()}
