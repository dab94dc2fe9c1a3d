"""Appointments: a definitive holder replaces the previous one, acting holders (Plt), history."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from superteam.core.permissions import actor_for
from superteam.ledger.models import Entry
from superteam.org.models import Assignment, AssignmentKind, Position
from superteam.org.services import assign, end_assignment
from tests import factories as f

pytestmark = pytest.mark.django_db
JAN = datetime.date(2026, 1, 5)


@pytest.fixture
def head_position(personas):
    return Position.objects.get(regency=personas.regency, code="DINKES-HEAD")


def test_a_definitive_appointment_ends_the_previous_holder_the_day_before(personas, head_position):
    newcomer = f.person(personas.regency)
    old = Assignment.objects.get(person=personas.head, position=head_position)

    new = assign(person=newcomer, position=head_position, start=JAN, actor=personas.admin)

    old.refresh_from_db()
    assert old.end == JAN - datetime.timedelta(days=1)
    assert head_position.current_assignment(JAN).person == newcomer
    assert list(head_position.holders_on(JAN)) == [newcomer]
    assert list(head_position.holders_on(JAN - datetime.timedelta(days=1))) == [personas.head]
    # The previous head keeps the history: the row is still there, ended.
    assert Assignment.objects.filter(person=personas.head, position=head_position).count() == 1
    # Roles follow the position: the newcomer acts for the agency from that day.
    assert actor_for(newcomer, JAN).acts_for(personas.dinkes)
    assert not actor_for(personas.head, JAN).acts_for(personas.dinkes)
    entry = Entry.objects.filter(kind="org.assigned").get()
    assert entry.subject_id == str(new.pk) and entry.actor_id == personas.admin.pk
    assert entry.payload["ended"] == [old.pk]


def test_an_acting_holder_covers_a_vacancy_and_leaves_when_a_definitive_one_arrives(
    personas, head_position
):
    end_assignment(
        assignment=Assignment.objects.get(person=personas.head, position=head_position),
        end=datetime.date(2025, 12, 31),
    )
    plt = f.person(personas.regency)
    acting = assign(
        person=plt,
        position=head_position,
        start=datetime.date(2026, 1, 1),
        kind=AssignmentKind.ACTING,
    )
    day = datetime.date(2026, 1, 2)
    assert head_position.current_assignment(day).kind == AssignmentKind.ACTING
    assert actor_for(plt, day).acts_for(personas.bidang)  # a Plt acts with the head's powers

    definitive = f.person(personas.regency)
    assign(person=definitive, position=head_position, start=datetime.date(2026, 3, 1))

    acting.refresh_from_db()
    assert acting.end == datetime.date(2026, 2, 28)
    assert head_position.current_assignment(datetime.date(2026, 3, 1)).person == definitive
    history = Assignment.objects.filter(position=head_position).order_by("start")
    assert [(a.person, a.kind) for a in history] == [
        (personas.head, "definitive"),
        (plt, "plt"),
        (definitive, "definitive"),
    ]


def test_an_acting_appointment_does_not_end_the_definitive_holder(personas, head_position):
    plt = f.person(personas.regency)
    assign(person=plt, position=head_position, start=JAN, kind=AssignmentKind.ACTING)
    assert Assignment.objects.get(person=personas.head, position=head_position).end is None
    # The definitive holder comes first when both are in office.
    assert head_position.current_assignment(JAN).person == personas.head
    assert set(head_position.holders_on(JAN)) == {personas.head, plt}


def test_end_before_start_is_refused_and_nothing_changes(personas, head_position):
    assignment = Assignment.objects.get(person=personas.head, position=head_position)
    with pytest.raises(ValidationError):
        end_assignment(assignment=assignment, end=datetime.date(2019, 1, 1))
    assignment.refresh_from_db()
    assert assignment.end is None
    assert not Entry.objects.filter(kind="org.assignment_ended").exists()


def test_an_ended_assignment_is_recorded_and_stays_as_history(personas, head_position):
    assignment = Assignment.objects.get(person=personas.head, position=head_position)
    end_assignment(assignment=assignment, end=datetime.date(2025, 6, 30), actor=personas.admin)
    assert Assignment.objects.filter(pk=assignment.pk, end=datetime.date(2025, 6, 30)).exists()
    assert Entry.objects.filter(kind="org.assignment_ended", subject_id=str(assignment.pk)).exists()


def test_the_admin_cannot_delete_assignments(personas, client_as, head_position):
    assignment = Assignment.objects.get(person=personas.head, position=head_position)
    client = client_as(personas.admin)
    url = reverse("admin:org_assignment_delete", args=[assignment.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    # Not through the bulk action either.
    response = client.post(
        reverse("admin:org_assignment_changelist"),
        {"action": "delete_selected", "_selected_action": [assignment.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert Assignment.objects.filter(pk=assignment.pk).exists()
    # The change page offers no delete link.
    page = client.get(reverse("admin:org_assignment_change", args=[assignment.pk]))
    assert page.status_code == 200
    assert url not in page.content.decode()
