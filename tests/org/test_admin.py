"""Django's admin, used by the admin persona to set up a regency by hand."""

from __future__ import annotations

import pytest
from django.urls import reverse

from superteam.org.models import Assignment, Cluster, Person, Position, Unit
from tests import factories as f

pytestmark = pytest.mark.django_db


def inline(prefix: str, total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_the_admin_sets_up_units_positions_people_and_clusters(personas, client_as):
    p = personas
    client = client_as(p.admin)
    assert client.get(reverse("admin:index")).status_code == 200

    # A new health centre under the health agency, with its head position inline.
    data = {
        "regency": p.regency.pk,
        "parent": p.dinkes.pk,
        "kind": "puskesmas",
        "code": "PKM-SEMPU",
        "name": "Puskesmas Sempu",
        "short_name": "PKM Sempu",
        "sort_order": "0",
        "is_active": "on",
        "address": "Sempu",
        "email": "",
        "latitude": "-8.3",
        "longitude": "114.2",
        "is_frontline": "on",
        "service_hours": '{"mon": [["07:30", "14:00"]]}',
        **inline("positions", total=1),
        "positions-0-code": "PKM-SEMPU-HEAD",
        "positions-0-title": "Kepala Puskesmas Sempu",
        "positions-0-level": "head",
        "positions-0-sort_order": "0",
        "positions-0-is_active": "on",
    }
    response = client.post(reverse("admin:org_unit_add"), data)
    assert response.status_code == 302, (
        response.context["adminform"].errors if response.context else ""
    )
    unit = Unit.objects.get(regency=p.regency, code="PKM-SEMPU")
    assert unit.parent == p.dinkes and unit.path.startswith(p.dinkes.path) and unit.depth == 2
    assert unit.service_hours == {"mon": [["07:30", "14:00"]]}
    position = Position.objects.get(regency=p.regency, code="PKM-SEMPU-HEAD")
    assert position.unit == unit and position.regency == p.regency

    # Bad service hours are refused with a message, and nothing is saved.
    bad = dict(data, code="PKM-X", service_hours='{"mon": [["15:00", "07:00"]]}')
    bad["positions-0-code"] = "PKM-X-HEAD"
    response = client.post(reverse("admin:org_unit_add"), bad)
    assert response.status_code == 200 and not Unit.objects.filter(code="PKM-X").exists()

    # A person; the admin lists their assignments read-only and links to the appointment
    # page, which goes through the services (checks, ledger).
    response = client.post(
        reverse("admin:org_person_add"),
        {
            "username": "kapus.sempu",
            "full_name": "dr. Sari",
            "nip": "198502022010012003",
            "email": "sari@example.org",
            "regency": p.regency.pk,
            "usable_password": "true",
            "password1": "kopi-tubruk-banyuwangi-42",
            "password2": "kopi-tubruk-banyuwangi-42",
            **inline("assignments"),
        },
    )
    assert response.status_code == 302
    sari = Person.objects.get(username="kapus.sempu")
    page = client.get(reverse("admin:org_person_change", args=[sari.pk]))
    assert page.status_code == 200
    assert reverse("org:appoint", args=[sari.pk]) in page.content.decode()
    response = client.post(
        reverse("org:appoint", args=[sari.pk]),
        {"position": position.pk, "start": "2026-01-02", "kind": "definitive", "decree": "SK 1"},
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get(person=sari)
    assert assignment.position == position and assignment.regency == p.regency
    assert assignment.decree == "SK 1"

    # A cluster of units with a lead and a coordinator.
    response = client.post(
        reverse("admin:org_cluster_add"),
        {
            "regency": p.regency.pk,
            "code": "kesehatan-selatan",
            "name": "Kesehatan Selatan",
            "name_en": "Southern Health",
            "description": "",
            "lead_unit": p.dinkes.pk,
            "coordinator": position.pk,
            "units": [p.dinkes.pk, unit.pk],
            "sort_order": "1",
        },
    )
    assert response.status_code == 302
    cluster = Cluster.objects.get(regency=p.regency, code="kesehatan-selatan")
    assert set(cluster.units.all()) == {p.dinkes, unit}


def test_the_admin_sees_only_their_regency(personas, client_as):
    other = f.regency()
    f.unit(other, kind="kabupaten", code="LAIN", name="Pemerintah Lain")
    client = client_as(personas.admin)
    page = client.get(reverse("admin:org_unit_changelist")).content.decode()
    assert "Dinas Kesehatan" in page and "Pemerintah Lain" not in page
    lain = Unit.objects.get(code="LAIN")
    assert client.get(reverse("admin:org_unit_change", args=[lain.pk])).status_code in (302, 403)


@pytest.mark.parametrize(
    "role", ["anonymous", "outsider", "staff", "kasi", "kabid", "head", "verifier", "regent"]
)
def test_the_admin_site_is_refused_to_everyone_else(role, personas, client_as):
    client = client_as(personas.person(role))
    for url in (reverse("admin:index"), reverse("admin:org_unit_add")):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.post(reverse("admin:org_unit_add"), {"regency": personas.regency.pk, "code": "X"})
    assert not Unit.objects.filter(code="X").exists()
