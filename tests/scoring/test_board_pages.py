"""Published boards read page by page (bounded by rank) and a snapshot's link to the last one."""

import datetime

import pytest
from django.core.paginator import Paginator
from django.urls import reverse
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


def _board_ranks(page: str) -> list[tuple[str, str]]:
    """(rank, unit name) of each row of a board page."""
    import re

    return re.findall(
        r'<tr><td class="num">(\d+)[^<]*(?:<span[^>]*>.*?</span>)*\s*</td>\s*<th scope="row">'
        r"<a [^>]*>([^<]+)</a>",
        page,
        re.S,
    )


def test_the_live_board_ranks_ties_as_the_published_one(personas, client_as):
    """Units with the same live index share a rank (competition ranking), on every page,
    as on the published board: not 3, 4, 5, ... by name."""
    p = personas
    _board(p, 9)
    services.publish_snapshot(regency=p.regency, actor=p.admin)
    client = client_as(p.admin)
    url = reverse("scoring:leaderboard")
    published = _board_ranks(client.get(url, {"family": "puskesmas"}).content.decode())
    live = _board_ranks(client.get(url, {"family": "puskesmas", "view": "live"}).content.decode())
    assert len(live) == 10 and sorted(live) == sorted(published)
    assert [rank for rank, _name in live] == ["1", "2"] + ["3"] * 8
    # The tie continues across pages: the second page's first row keeps the shared rank.
    with override_page_size(4):
        second = client.get(url, {"family": "puskesmas", "view": "live", "page": 2})
    assert [rank for rank, _name in _board_ranks(second.content.decode())] == ["3"] * 4


def override_page_size(size):
    from unittest import mock

    return mock.patch("superteam.scoring.views.PAGE_SIZE", size)


def test_a_hand_edited_snapshot_address_shows_the_latest_board(personas, client_as):
    p = personas
    _board(p, 2)
    services.publish_snapshot(regency=p.regency, actor=p.admin)
    client = client_as(p.admin)
    for value in ("abc", "1.5", "-3", "9" * 30, "²"):
        response = client.get(
            reverse("scoring:leaderboard"), {"family": "puskesmas", "snapshot": value}
        )
        assert response.status_code == 200, value
        assert "PKM 00" in response.content.decode()


def test_the_public_board_of_an_empty_family_says_so(personas, client):
    """Scores are published, but no hospital competes: the page says there is no unit on
    this board, not that nothing has been published."""
    p = personas
    _board(p, 2)
    services.publish_snapshot(regency=p.regency, actor=p.admin)
    page = client.get(reverse("scoring:public"), {"family": "hospitals"}).content.decode()
    assert "Tidak ada unit di peringkat ini." in page
    assert "Belum ada nilai yang terbit." not in page
    board = client.get(reverse("scoring:public"), {"family": "puskesmas"}).content.decode()
    assert "PKM 00" in board


def test_a_published_rank_names_the_units_just_ahead_and_behind(personas, client_as):
    p = personas
    units = _board(p, 3)
    snap = services.publish_snapshot(regency=p.regency, actor=p.admin)
    rows = {r.unit_id: r for r in SnapshotRow.objects.filter(snapshot=snap)}
    first, second = rows[units[0].pk], rows[units[1].pk]
    client = client_as(p.head)
    page = client.get(
        reverse("scoring:snapshot_unit", args=[snap.pk, units[1].pk])
    ).content.decode()
    gap = f"{first.final - second.final:.2f}".replace(".", ",")
    competitors = SnapshotRow.objects.filter(snapshot=snap, family="puskesmas").count()
    assert f"peringkat dari {competitors}" in page
    assert "Tepat di atas, peringkat 1: PKM 00 dengan" in page and f"({gap} lebih tinggi)" in page
    assert reverse("scoring:snapshot_unit", args=[snap.pk, units[0].pk]) in page
    # Behind it, every unit without evidence shares rank 3; the first by name is named.
    assert "Tepat di bawah, peringkat 3:" in page
    top = client.get(reverse("scoring:snapshot_unit", args=[snap.pk, units[0].pk])).content.decode()
    assert "Tidak ada unit di atasnya pada papan peringkat ini." in top
