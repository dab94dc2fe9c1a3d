"""The demo regency (``manage.py load_demo``): Banyuwangi's facts, idempotent, deterministic."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.db import transaction

from superteam.core.demo_accounts import ACCOUNTS, DEMO_PASSWORD
from superteam.core.permissions import actor_for
from superteam.org import demo
from superteam.org import demo_data as D
from superteam.org.exchange import plan_import
from superteam.org.models import (
    Assignment,
    Cluster,
    Person,
    Position,
    Regency,
    Unit,
    UnitKind,
    UnitRollup,
)
from superteam.org.workbook import read_workbook
from tests.org.conftest import build, exported

pytestmark = pytest.mark.django_db


def snapshot(regency) -> str:
    """A fingerprint of everything the loader wrote, by natural keys (not database ids)."""
    parts = [
        sorted(
            Unit.objects.filter(regency=regency).values_list(
                "code", "name", "kind", "parent__code", "latitude", "longitude", "service_hours"
            ),
            key=repr,
        ),
        sorted(
            Position.objects.filter(regency=regency).values_list(
                "code", "title", "level", "unit__code", "is_admin", "is_verifier"
            )
        ),
        sorted(
            Person.objects.filter(regency=regency).values_list(
                "username", "nip", "full_name", "is_active"
            )
        ),
        sorted(
            Assignment.objects.filter(regency=regency).values_list(
                "person__username", "position__code", "kind", "start", "end"
            ),
            key=repr,
        ),
        sorted(
            (c.code, c.lead_unit.code, sorted(u.code for u in c.units.all()))
            for c in Cluster.objects.filter(regency=regency).prefetch_related("units")
        ),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def counts(regency) -> tuple[int, ...]:
    return tuple(
        model.objects.filter(regency=regency).count()
        for model in (Unit, Position, Person, Assignment, Cluster)
    )


def test_demo_is_deterministic_and_idempotent():
    with transaction.atomic():
        first = demo.load(stdout=io.StringIO())
        fingerprint, first_counts = snapshot(first), counts(first)
        transaction.set_rollback(True)
    assert not Regency.objects.exists()

    regency = demo.load(stdout=io.StringIO())
    assert snapshot(regency) == fingerprint  # the same regency, person for person
    assert counts(regency) == first_counts

    out = io.StringIO()
    demo.load(stdout=out)
    assert "already loaded" in out.getvalue()
    assert counts(regency) == first_counts
    assert Regency.objects.count() == 1


def test_demo_holds_the_banyuwangi_facts_and_one_account_per_role():
    out = io.StringIO()
    regency = demo.load(stdout=out)
    assert "100%" in out.getvalue()  # the progress bars ran to the end
    units = Unit.objects.filter(regency=regency)

    def kind(k):
        return units.filter(kind=k)

    assert kind(UnitKind.KABUPATEN).count() == 1
    assert kind(UnitKind.KECAMATAN).count() == 25
    assert kind(UnitKind.DESA).count() == 189
    assert kind(UnitKind.KELURAHAN).count() == 28
    assert kind(UnitKind.PUSKESMAS).count() == 45
    assert kind(UnitKind.RSUD).count() == 2
    # Every village sits in a kecamatan; every puskesmas has at least one pustu.
    assert not kind(UnitKind.DESA).exclude(parent__kind=UnitKind.KECAMATAN).exists()
    assert set(kind(UnitKind.PUSKESMAS).values_list("pk", flat=True)) == set(
        kind(UnitKind.PUSTU).values_list("parent_id", flat=True)
    )
    root = units.get(parent__isnull=True)
    agencies = units.filter(
        parent=root, kind__in=["setda", "dinas", "badan", "inspektorat", "sekretariat"]
    )
    assert 28 <= agencies.count() <= 35
    assert not units.filter(parent=root, kind=UnitKind.DINAS).filter(children__isnull=True).exists()
    assert 3_000 <= Person.objects.filter(regency=regency).count() <= 4_000
    # Positions down to staff, and history of who held a head position before.
    assert Position.objects.filter(regency=regency, level="staff").count() > 1_500
    assert Assignment.objects.filter(regency=regency, end__isnull=False).count() >= 60
    assert Assignment.objects.filter(regency=regency, kind="plt").exists()

    clusters = Cluster.objects.filter(regency=regency)
    assert clusters.count() == 8
    health = clusters.get(code="kesehatan")
    expected = {"DINKES", "RSUD-BLAMBANGAN", "RSUD-GENTENG", "DINSOS"} | set(
        kind(UnitKind.PUSKESMAS).values_list("code", flat=True)
    )
    assert set(health.units.values_list("code", flat=True)) == expected
    assert len(expected) == 49
    assert health.lead_unit.code == "DINKES"
    assert [c.code for c in clusters.order_by("sort_order")] == [c[0] for c in D.CLUSTERS]
    # Every unit has its counts ready for the pages.
    assert UnitRollup.objects.filter(regency=regency).count() == units.count()
    assert UnitRollup.objects.get(unit=root).by_kind["desa"] == 189

    # One demo account per role, with the published password (the news editor's account
    # comes with the news demo, loaded after this one).
    people = {p.username: p for p in Person.objects.filter(username__in=[u for u, _ in ACCOUNTS])}
    assert set(people) == {u for u, _ in ACCOUNTS} - {"redaksi"}
    assert all(p.check_password(DEMO_PASSWORD) for p in people.values())
    dinkes = Unit.objects.get(regency=regency, code="DINKES")
    bidang = Unit.objects.get(regency=regency, code="DINKES-B3")
    pustu = Unit.objects.get(regency=regency, name="Pustu Genteng Wetan")
    actor = {username: actor_for(p) for username, p in people.items()}
    assert actor["bupati"].is_regent and not actor["bupati"].is_admin
    assert actor["admin"].is_admin and not actor["admin"].is_regent
    assert actor["kadinkes"].headed_units == [dinkes]
    assert actor["kabid"].headed_units == [bidang]
    assert actor["kasi"].headed_units[0].name == "Seksi Pelayanan Kesehatan Primer"
    assert actor["staf"].member_units == [pustu] and not actor["staf"].headed_units
    assert pustu.parent.name == "Puskesmas Genteng Kulon"
    assert actor["verifikator"].is_verifier and not actor["verifikator"].governs(dinkes)
    # The people without a demo account cannot sign in.
    others = Person.objects.filter(regency=regency).exclude(username__in=people)
    assert not any(p.has_usable_password() for p in others[:50])


def test_the_demo_export_imports_back_unchanged():
    regency = demo.load(stdout=io.StringIO())
    data = build(exported(regency, "id"), language="id")
    plan = plan_import(regency=regency, read=read_workbook(data))
    assert plan.ok, plan.problems[:5]
    assert plan.changes == 0
    assert plan.summary()["units"]["unchanged"] == Unit.objects.filter(regency=regency).count()
    assert plan.summary()["people"]["unchanged"] == Person.objects.filter(regency=regency).count()
