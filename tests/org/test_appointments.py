"""Appointing and ending assignments on the organisation pages (admins), through the
services: checks explained on the form, the ledger, nothing written when refused."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from superteam.ledger.models import Entry
from superteam.org.models import Assignment, AssignmentKind, Position, PositionLevel
from superteam.org.services import assign, end_assignment
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def head_position(personas):
    return Position.objects.get(regency=personas.regency, code="DINKES-HEAD")


def _appoint(client, person, **data):
    data.setdefault("start", TODAY.isoformat())
    data.setdefault("kind", "definitive")
    if isinstance(data.get("position"), Position):
        data["position"] = data["position"].pk
    return client.post(reverse("org:appoint", args=[person.pk]), data)


def _written():
    """What a refused request must leave as it was: assignments and the ledger."""
    return (
        list(Assignment.objects.order_by("pk").values_list("pk", "end")),
        Entry.objects.count(),
    )


def test_the_admin_appoints_a_person_from_their_page(personas, client_as):
    p = personas
    client = client_as(p.admin)
    page = client.get(reverse("org:person", args=[p.outsider.pk])).content.decode()
    assert reverse("org:appoint", args=[p.outsider.pk]) in page
    sekretaris = f.position(p.dinkes, title="Sekretaris Dinas Kesehatan", level="secretary")

    # The position is found by search: every word, in the title, the unit or the code.
    found = client.get(reverse("org:position_search"), {"q": "sekretaris kesehatan"})
    assert found.status_code == 200
    assert [c["position"] for c in found.context["choices"]] == [sekretaris]
    assert 'name="position"' in found.content.decode() and "kosong" in found.content.decode()
    # Without JavaScript the appointment page runs the same search.
    page = client.get(reverse("org:appoint", args=[p.outsider.pk]), {"q": "Sekretaris Dinas"})
    assert [c["position"] for c in page.context["choices"]] == [sekretaris]

    response = _appoint(client, p.outsider, position=sekretaris, decree=" SK 800/12/2026 ")
    assert response.status_code == 302
    assert response["Location"] == reverse("org:person", args=[p.outsider.pk])
    a = Assignment.objects.get(person=p.outsider)
    assert (a.position, a.start, a.kind, a.decree) == (
        sekretaris,
        TODAY,
        "definitive",
        "SK 800/12/2026",
    )
    entry = Entry.objects.get(kind="org.assigned")
    assert entry.subject_id == str(a.pk) and entry.actor_id == p.admin.pk
    # The person's page lists it now, with a way to end it.
    page = client.get(reverse("org:person", args=[p.outsider.pk])).content.decode()
    assert "Sekretaris Dinas Kesehatan" in page
    assert reverse("org:end_assignment", args=[a.pk]) in page


def test_a_second_definitive_head_is_refused_with_who_holds_it_and_since_when(
    personas, client_as, head_position
):
    before = _written()
    response = _appoint(client_as(personas.admin), personas.outsider, position=head_position)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    # In Indonesian (the admin's language): the holder, the date, and what to do instead.
    assert personas.head.full_name in errors and "01-01-2020" in errors
    assert "Plt" in errors and "Akhiri" in errors
    assert _written() == before
    # The position picked stays picked on the form shown again.
    assert response.context["selected"] == head_position.pk
    assert f'value="{head_position.pk}" form="appoint-form" required checked' in (
        response.content.decode()
    )
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        assign(person=personas.outsider, position=head_position, start=TODAY, end_previous=False)
    assert "already has a definitive holder" in str(refused.value)
    assert "End that assignment first, or appoint" in str(refused.value)


def test_replacing_the_head_ends_the_holder_in_office_the_day_before(
    personas, client_as, head_position
):
    old = Assignment.objects.get(person=personas.head, position=head_position)
    response = _appoint(
        client_as(personas.admin), personas.outsider, position=head_position, replace="on"
    )
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.end == TODAY - DAY
    assert head_position.current_assignment(TODAY).person == personas.outsider
    assert Entry.objects.get(kind="org.assigned").payload["ended"] == [old.pk]


def test_an_acting_holder_serves_beside_the_definitive_one(personas, client_as, head_position):
    response = _appoint(
        client_as(personas.admin), personas.outsider, position=head_position, kind="plt"
    )
    assert response.status_code == 302
    assert set(head_position.holders_on(TODAY)) == {personas.head, personas.outsider}
    assert Assignment.objects.get(person=personas.head, position=head_position).end is None


def test_a_staff_position_has_many_holders_and_none_is_ended(personas, client_as):
    nurse = Position.objects.get(regency=personas.regency, title="Perawat Pustu")
    response = _appoint(client_as(personas.admin), personas.outsider, position=nurse, replace="on")
    assert response.status_code == 302
    assert set(nurse.holders_on(TODAY)) == {personas.staff, personas.outsider}


@pytest.mark.parametrize(
    "data, field, words",
    [
        ({"end": (TODAY - DAY).isoformat()}, "end", "lebih awal dari tanggal mulai"),
        ({"start": (TODAY + datetime.timedelta(days=400)).isoformat()}, "start", "setahun"),
        ({"start": "2062-01-02", "kind": "plt"}, "start", "setahun"),
    ],
    ids=["end before start", "start far ahead", "typo in the year"],
)
def test_bad_dates_are_explained_and_nothing_is_written(
    data, field, words, personas, client_as, head_position
):
    sekretaris = f.position(personas.dinkes, level="secretary")
    before = _written()
    response = _appoint(client_as(personas.admin), personas.outsider, position=sekretaris, **data)
    assert response.status_code == 200
    assert words in " ".join(response.context["form"].errors[field])
    assert _written() == before


def test_a_person_of_another_regency_cannot_be_appointed(personas, client_as, head_position):
    stranger = f.person(f.regency())
    # The admin of this regency does not even see the page for them...
    assert (
        client_as(personas.admin).get(reverse("org:appoint", args=[stranger.pk])).status_code == 403
    )
    # ...and the service refuses whoever calls it, naming the regency.
    sekretaris = f.position(personas.dinkes, level="secretary")
    before = _written()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        assign(person=stranger, position=sekretaris, start=TODAY, actor=personas.admin)
    assert "is not registered in Kabupaten Banyuwangi Uji" in str(refused.value.message_dict)
    assert _written() == before


def test_the_same_person_twice_in_one_position_is_refused(personas, client_as):
    kasi = Position.objects.get(regency=personas.regency, title__startswith="Kepala Seksi")
    response = _appoint(client_as(personas.admin), personas.kasi, position=kasi, kind="plt")
    assert response.status_code == 200
    assert "sudah memegang jabatan ini" in " ".join(response.context["form"].errors["position"])


def test_the_admin_ends_an_assignment_with_a_reason(personas, client_as, head_position):
    a = Assignment.objects.get(person=personas.head, position=head_position)
    client = client_as(personas.admin)
    unit_page = client.get(reverse("org:unit", args=[personas.dinkes.pk])).content.decode()
    end_url = reverse("org:end_assignment", args=[a.pk])
    assert end_url in unit_page  # the unit page offers it next to the holder
    page = client.get(end_url)
    assert page.status_code == 200 and "Kepala Dinas Kesehatan" in page.content.decode()

    back = reverse("org:unit", args=[personas.dinkes.pk])
    response = client.post(end_url, {"end": TODAY.isoformat(), "reason": "Pensiun", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    a.refresh_from_db()
    assert a.end == TODAY
    entry = Entry.objects.get(kind="org.assignment_ended")
    assert entry.payload["reason"] == "Pensiun" and entry.actor_id == personas.admin.pk
    assert entry.payload["previous_end"] is None


def test_ending_refuses_bad_dates_and_foreign_next_addresses(personas, client_as, head_position):
    a = Assignment.objects.get(person=personas.head, position=head_position)
    client = client_as(personas.admin)
    url = reverse("org:end_assignment", args=[a.pk])
    before = _written()
    response = client.post(url, {"end": "2019-12-31"})  # before it started (2020-01-01)
    assert response.status_code == 200 and response.context["form"].errors["end"]
    response = client.post(url, {"end": (TODAY + datetime.timedelta(days=500)).isoformat()})
    assert response.status_code == 200 and "setahun" in " ".join(
        response.context["form"].errors["end"]
    )
    assert _written() == before
    response = client.post(url, {"end": TODAY.isoformat(), "next": "https://evil.example/"})
    assert response["Location"] == reverse("org:person", args=[personas.head.pk])


def test_the_service_keeps_the_old_end_when_refusing(personas, head_position):
    a = Assignment.objects.get(person=personas.head, position=head_position)
    with pytest.raises(ValidationError):
        end_assignment(assignment=a, end=TODAY + datetime.timedelta(days=800))
    with pytest.raises(ValidationError):
        end_assignment(assignment=a, end=datetime.date(2019, 1, 1))
    assert a.end is None


def test_only_admins_see_the_appointment_buttons(personas, client_as, head_position):
    a = Assignment.objects.get(person=personas.head, position=head_position)
    for viewer in (personas.head, personas.regent, personas.verifier):
        client = client_as(viewer)
        page = client.get(reverse("org:person", args=[personas.head.pk])).content.decode()
        assert reverse("org:appoint", args=[personas.head.pk]) not in page
        assert reverse("org:end_assignment", args=[a.pk]) not in page
        unit = client.get(reverse("org:unit", args=[personas.dinkes.pk])).content.decode()
        assert reverse("org:end_assignment", args=[a.pk]) not in unit


def test_the_admin_shows_assignments_read_only_and_links_to_the_pages(
    personas, client_as, head_position
):
    a = Assignment.objects.get(person=personas.head, position=head_position)
    client = client_as(personas.admin)
    assert client.get(reverse("admin:org_assignment_add")).status_code == 403
    page = client.get(reverse("admin:org_assignment_change", args=[a.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("org:end_assignment", args=[a.pk]) in html
    assert reverse("org:appoint", args=[personas.head.pk]) in html
    # A change posted anyway is not saved.
    client.post(
        reverse("admin:org_assignment_change", args=[a.pk]),
        {
            "person": personas.head.pk,
            "position": head_position.pk,
            "kind": "plt",
            "start": "2020-01-01",
            "end": "2020-01-02",
            "decree": "",
        },
    )
    a.refresh_from_db()
    assert (a.kind, a.end) == (AssignmentKind.DEFINITIVE, None)
    # The person's admin page lists the assignments without inputs to add or change them.
    person_page = client.get(reverse("admin:org_person_change", args=[personas.head.pk]))
    assert 'name="assignments-0-start"' not in person_page.content.decode()
    assert reverse("org:appoint", args=[personas.head.pk]) in person_page.content.decode()


def test_a_definitive_holder_appointed_for_later_blocks_an_overlapping_one(personas):
    sekretaris = f.position(personas.dinkes, level=PositionLevel.SECRETARY)
    later = TODAY + datetime.timedelta(days=30)
    assign(person=f.person(personas.regency), position=sekretaris, start=later)
    # Replacing only ends a holder already in office; one arriving later is not overwritten.
    with pytest.raises(ValidationError):
        assign(person=personas.outsider, position=sekretaris, start=TODAY, end_previous=True)
    assign(person=personas.outsider, position=sekretaris, start=TODAY, end=later - DAY)
    assert Assignment.objects.filter(position=sekretaris).count() == 2


def test_a_position_with_a_large_id_can_be_picked(personas, client_as):
    """Indonesian pages group digits ("12.345"): the choice's value must stay the bare id."""
    big = f.position(personas.dinkes, pk=123456, title="Sekretaris Besar", level="secretary")
    client = client_as(personas.admin)
    found = client.get(reverse("org:position_search"), {"q": "Sekretaris Besar"})
    assert 'value="123456"' in found.content.decode()
    response = _appoint(client, personas.outsider, position=big)
    assert response.status_code == 302
    assert Assignment.objects.get(person=personas.outsider).position == big
