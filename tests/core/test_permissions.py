"""The permission module, role by role: who governs, reads, acts for or belongs to what."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from superteam.core.permissions import actor_for, can, require
from superteam.org.models import Assignment, Position
from tests import factories as f

pytestmark = pytest.mark.django_db
UNITS = [
    "root",
    "setda",
    "dinkes",
    "bidang",
    "seksi",
    "puskesmas",
    "pustu",
    "inspektorat",
    "other_dinas",
]


def acts_for(p, role) -> set[str]:
    actor = actor_for(p.person(role))
    return {name for name in UNITS if actor.acts_for(getattr(p, name))}


def member_of(p, role) -> set[str]:
    actor = actor_for(p.person(role))
    return {name for name in UNITS if actor.is_member_of(getattr(p, name))}


@pytest.mark.parametrize("role", ["regent", "admin"])
def test_regent_and_admin_govern_the_whole_regency(role, personas):
    actor = actor_for(personas.person(role))
    assert actor.governs(personas.regency) and actor.governs(personas.pustu)
    assert acts_for(personas, role) == set(UNITS)
    assert actor.reads_all(personas.other_dinas)


def test_the_regent_is_not_an_admin_and_the_admin_is_not_the_regent(personas):
    assert actor_for(personas.regent).is_regent and not actor_for(personas.regent).is_admin
    assert actor_for(personas.admin).is_admin and not actor_for(personas.admin).is_regent
    assert can(personas.admin, "org.manage", personas.regency)
    assert not can(personas.regent, "org.manage", personas.regency)


def test_the_verifier_reads_everything_but_acts_for_nothing(personas):
    actor = actor_for(personas.verifier)
    assert (
        actor.is_verifier and actor.reads_all(personas.pustu) and actor.reads_all(personas.regency)
    )
    assert not actor.governs(personas.dinkes)
    assert acts_for(personas, "verifier") == set()
    assert member_of(personas, "verifier") == {"root", "inspektorat"}
    assert can(personas.verifier, "org.view_personal_data", personas.staff)


def test_a_unit_head_acts_for_the_unit_and_its_sub_units_not_siblings(personas):
    assert acts_for(personas, "head") == {"dinkes", "bidang", "seksi", "puskesmas", "pustu"}
    actor = actor_for(personas.head)
    assert not actor.reads_all(personas.other_dinas)
    assert [u.code for u in actor.headed_units] == ["DINKES"]


def test_a_kabid_acts_for_the_division_and_its_sections_only(personas):
    assert acts_for(personas, "kabid") == {"bidang", "seksi"}
    assert acts_for(personas, "kasi") == {"seksi"}


def test_a_staff_member_is_a_member_and_acts_for_nothing(personas):
    assert acts_for(personas, "staff") == set()
    # Member of the pustu and of every unit above it, never of a sibling.
    assert member_of(personas, "staff") == {"root", "dinkes", "puskesmas", "pustu"}
    actor = actor_for(personas.staff)
    assert actor.holds(Position.objects.get(regency=personas.regency, title="Perawat Pustu"))
    assert not can(personas.staff, "org.view_personal_data", personas.kasi)
    assert can(personas.staff, "org.view_personal_data", personas.staff)  # their own


def test_an_outsider_has_no_role_and_sees_only_the_pages_of_their_regency(personas):
    actor = actor_for(personas.outsider)
    assert actor.roles == set() and acts_for(personas, "outsider") == set()
    assert member_of(personas, "outsider") == set()
    assert can(personas.outsider, "org.view", personas.dinkes)  # their regency's directory
    assert not can(personas.outsider, "org.view_personal_data", personas.kasi)


def test_nobody_signed_in_may_do_anything(personas):
    actor = actor_for(None)
    assert not actor.is_authenticated and actor.roles == set()
    assert not can(actor, "org.view", personas.dinkes)
    assert not can(None, "core.dashboard")


def test_people_of_another_regency_have_no_power_here(personas):
    other = f.regency()
    root = f.unit(other, kind="kabupaten", code="LAIN")
    regent = f.holder(root, "regent")
    admin = f.holder(root, "staff", is_admin=True)
    verifier = f.holder(root, "functional", is_verifier=True)
    for person in (regent, admin, verifier):
        actor = actor_for(person)
        assert not actor.governs(personas.dinkes)
        assert not actor.reads_all(personas.dinkes)
        assert not actor.acts_for(personas.dinkes)
        assert not can(person, "org.view", personas.dinkes)
        assert not can(person, "org.manage", personas.regency)
        assert not can(person, "org.view_personal_data", personas.kasi)
    assert actor_for(regent).governs(root)


def test_an_ended_assignment_no_longer_counts(personas):
    head_assignment = Assignment.objects.get(person=personas.head, position__code="DINKES-HEAD")
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    head_assignment.end = yesterday
    head_assignment.save()
    actor = actor_for(personas.head)
    assert actor.roles == set() and not actor.acts_for(personas.dinkes)
    # Seen on the day before, the head still acted for the agency.
    assert actor_for(personas.head, yesterday).acts_for(personas.dinkes)
    # A future appointment does not count yet either.
    f.assign(
        personas.outsider,
        head_assignment.position,
        start=datetime.date.today() + datetime.timedelta(days=3),
    )
    assert not actor_for(personas.outsider).acts_for(personas.dinkes)


def test_an_inactive_person_or_position_gives_no_power(personas):
    personas.admin.is_active = False
    personas.admin.save()
    assert not actor_for(personas.admin).is_admin
    Position.objects.filter(regency=personas.regency, code="DINKES-HEAD").update(is_active=False)
    assert not actor_for(personas.head).acts_for(personas.dinkes)


def test_require_raises_permission_denied(personas):
    request = RequestFactory().get("/")
    request.actor = actor_for(personas.staff)
    with pytest.raises(PermissionDenied):
        require(request, "org.manage", personas.regency)
    request.actor = actor_for(personas.admin)
    require(request, "org.manage", personas.regency)


def test_an_undeclared_action_is_an_error_not_a_silent_no(personas):
    with pytest.raises(KeyError):
        can(personas.admin, "org.fly_to_the_moon")
