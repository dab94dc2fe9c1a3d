"""The unit tree: materialised paths, moves, subtrees and ancestors, and the subtree counts."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from superteam.org.models import PATH_SEGMENT_WIDTH, Unit, UnitKind, UnitRollup
from superteam.org.services import refresh_rollups, rewrite_paths
from tests import factories as f

pytestmark = pytest.mark.django_db


def seg(unit) -> str:
    return f"{unit.pk:0{PATH_SEGMENT_WIDTH}d}/"


def test_a_unit_path_is_its_parents_path_plus_its_own_id(personas):
    p = personas
    assert p.root.path == seg(p.root) and p.root.depth == 0
    assert p.dinkes.path == seg(p.root) + seg(p.dinkes) and p.dinkes.depth == 1
    assert p.seksi.path == p.bidang.path + seg(p.seksi) and p.seksi.depth == 3
    assert p.seksi.ancestor_ids == [p.root.pk, p.dinkes.pk, p.bidang.pk]


def test_subtree_and_ancestors(personas):
    p = personas
    subtree = set(Unit.objects.subtree(p.dinkes).values_list("code", flat=True))
    assert subtree == {"DINKES", "DINKES-B3", "DINKES-B3-S1", "PKM-GENTENG", "PKM-GENTENG-PUSTU1"}
    without = set(Unit.objects.subtree(p.dinkes, include_self=False).values_list("code", flat=True))
    assert without == subtree - {"DINKES"}
    assert [u.code for u in p.pustu.ancestors()] == ["PEMKAB", "DINKES", "PKM-GENTENG"]
    assert p.pustu.is_descendant_of(p.dinkes)
    assert not p.dinkes.is_descendant_of(p.pustu)
    assert not p.other_dinas.is_descendant_of(p.dinkes)
    # A sibling whose id starts like another's is not inside it (fixed-width segments).
    assert all(len(s) == PATH_SEGMENT_WIDTH for s in p.pustu.path.strip("/").split("/"))


def test_subtree_is_one_query_whatever_the_depth(personas, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(Unit.objects.subtree(personas.root))
    with django_assert_num_queries(1):
        personas.pustu.ancestors()


def test_moving_a_unit_rewrites_every_descendant(personas):
    p = personas
    # The puskesmas (with its pustu) moves from the agency to the division.
    p.puskesmas.parent = p.bidang
    p.puskesmas.save()
    p.pustu.refresh_from_db()
    assert p.puskesmas.path == p.bidang.path + seg(p.puskesmas)
    assert p.pustu.path == p.puskesmas.path + seg(p.pustu)
    assert p.pustu.depth == 4
    assert [u.code for u in p.pustu.ancestors()] == ["PEMKAB", "DINKES", "DINKES-B3", "PKM-GENTENG"]
    assert p.pustu in Unit.objects.subtree(p.bidang)
    # Nothing else moved.
    p.other_dinas.refresh_from_db()
    assert p.other_dinas.path == seg(p.root) + seg(p.other_dinas)


def test_a_unit_cannot_move_under_its_own_sub_unit(personas):
    p = personas
    p.dinkes.parent = p.pustu
    with pytest.raises(ValidationError):
        p.dinkes.full_clean()


def test_only_the_regency_itself_has_no_parent(personas):
    unit = Unit(regency=personas.regency, kind=UnitKind.DINAS, code="X", name="X")
    with pytest.raises(ValidationError):
        unit.full_clean()


def test_rewrite_paths_repairs_the_whole_tree_in_bulk(personas, django_assert_max_num_queries):
    p = personas
    Unit.objects.filter(regency=p.regency).update(path="", depth=0)
    with django_assert_max_num_queries(3):
        changed = rewrite_paths(regency=p.regency)
    assert changed == Unit.objects.filter(regency=p.regency).count()
    p.seksi.refresh_from_db()
    assert p.seksi.path == seg(p.root) + seg(p.dinkes) + seg(p.bidang) + seg(p.seksi)
    assert rewrite_paths(regency=p.regency) == 0


def test_rollups_count_people_and_units_of_the_whole_subtree(personas):
    p = personas
    refresh_rollups(regency=p.regency)
    dinkes = UnitRollup.objects.get(unit=p.dinkes)
    # head, kabid, kasi and the pustu nurse work in the health agency's subtree.
    assert dinkes.people == 4
    assert dinkes.by_level == {"head": 1, "kabid": 1, "kasi": 1, "staff": 1}
    assert dinkes.subunits == 4
    assert dinkes.by_kind == {"dinas": 1, "bidang": 1, "seksi": 1, "puskesmas": 1, "pustu": 1}
    root = UnitRollup.objects.get(unit=p.root)
    assert root.people == 8 and root.subunits == 9
    # An ended assignment and an inactive unit drop out at the next count.
    p.staff.assignments.update(end=datetime.date(2021, 1, 1))
    p.pustu.is_active = False
    p.pustu.save()
    refresh_rollups(regency=p.regency)
    dinkes = UnitRollup.objects.get(unit=p.dinkes)
    assert dinkes.people == 3 and dinkes.subunits == 3
    # Another regency's tree is counted on its own.
    other = f.regency()
    f.unit(other, kind=UnitKind.KABUPATEN, code="R")
    refresh_rollups(regency=other)
    assert UnitRollup.objects.filter(regency=other).count() == 1
    assert UnitRollup.objects.get(unit=p.root).subunits == 8
