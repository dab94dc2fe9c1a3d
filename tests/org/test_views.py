"""The organisation pages: what they show, to whom, and at what cost in queries."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from superteam.org import views
from superteam.org.generator import generate_regency
from superteam.org.models import Cluster, Person, Position, Unit
from superteam.org.services import refresh_rollups
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def regencies(django_db_setup, django_db_blocker):
    """A small generated regency and one ten times larger (with their counts), made once for
    this module inside a transaction that is rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        small = generate_regency(
            code="9801", name="Kecil", units=150, people=400, stdout=io.StringIO()
        )
        large = generate_regency(
            code="9802", name="Besar", units=1500, people=4000, stdout=io.StringIO()
        )
        yield small, large
        transaction.set_rollback(True)


def _queries(client, url) -> int:
    client.get(url)  # warm caches (session, default regency) like a browsing person
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "page", ["tree", "unit", "root", "children", "people", "person", "cluster"]
)
def test_query_count_does_not_grow_with_the_regency(
    page, regencies, client, django_assert_max_num_queries
):
    counted = []
    for regency in regencies:
        admin = Person.objects.get(username=f"admin-{regency.code}")
        client.force_login(admin)
        dinkes = Unit.objects.get(regency=regency, code="DINKES")
        url = {
            "tree": reverse("org:tree"),
            "unit": reverse("org:unit", args=[dinkes.pk]),
            "root": reverse("org:unit", args=[regency.root_unit.pk]),
            "children": reverse("org:unit_children", args=[dinkes.pk]),
            "people": reverse("org:people") + "?q=Pegawai",
            "person": reverse("org:person", args=[admin.pk]),
            "cluster": reverse(
                "org:cluster", args=[Cluster.objects.get(regency=regency, code="kesehatan").pk]
            ),
        }[page]
        counted.append(_queries(client, url))
        if len(counted) == 2:
            with django_assert_max_num_queries(counted[0]):
                client.get(url)
    small, large = counted
    assert large == small, f"{page}: {small} queries for the small regency, {large} for the large"
    assert small <= 16


def test_a_big_unit_shows_its_positions_and_sub_units_a_page_at_a_time(
    regencies, client, monkeypatch
):
    _small, large = regencies
    monkeypatch.setattr(views, "CHILDREN_PAGE", 25)
    monkeypatch.setattr(views, "POSITIONS_PAGE", 20)
    CHILDREN_PAGE, POSITIONS_PAGE = views.CHILDREN_PAGE, views.POSITIONS_PAGE
    client.force_login(Person.objects.get(username=f"admin-{large.code}"))
    dinkes = Unit.objects.get(regency=large, code="DINKES")
    n_positions = Position.objects.filter(unit=dinkes).count()
    n_children = Unit.objects.filter(parent=dinkes).count()
    assert n_positions > POSITIONS_PAGE and n_children > CHILDREN_PAGE

    response = client.get(reverse("org:unit", args=[dinkes.pk]))
    assert len(response.context["rows"]) == POSITIONS_PAGE
    assert len(response.context["children"]) == CHILDREN_PAGE
    assert response.context["position_page"].paginator.count == n_positions
    assert response.context["subunit_total"] == Unit.objects.subtree(dinkes).count() - 1
    last = response.context["children_page"].paginator.num_pages
    response = client.get(reverse("org:unit", args=[dinkes.pk]), {"sub": last})
    assert len(response.context["children"]) == n_children - CHILDREN_PAGE * (last - 1)

    # The tree loads children a page at a time too, with a button for the rest.
    url = reverse("org:unit_children", args=[dinkes.pk])
    first = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert first.count('role="treeitem"') == CHILDREN_PAGE
    assert f"?offset={CHILDREN_PAGE}" in first
    second = client.get(url, {"offset": CHILDREN_PAGE}, headers={"HX-Request": "true"})
    assert second.content.decode().count('role="treeitem"') == CHILDREN_PAGE
    assert "<ul" not in second.content.decode()  # items to append to the open list
    assert (
        second.context["nodes"][0]
        == Unit.objects.filter(parent=dinkes).order_by("sort_order", "name", "pk")[CHILDREN_PAGE]
    )


def test_tree_page_shows_the_first_level_with_counts(personas, client_as):
    refresh_rollups(regency=personas.regency)
    response = client_as(personas.kasi).get(reverse("org:tree"))
    page = response.content.decode()
    assert "Pohon unit" in page and "Pemerintah Kabupaten Uji" in page
    assert {u.code for u in response.context["children"]} == {
        "SETDA",
        "DINKES",
        "INSPEKTORAT",
        "DISPENDIK",
    }
    # The health agency has two sub-units: the division and the puskesmas.
    assert response.context["counts"][personas.dinkes.pk] == 2
    assert "10 unit di kabupaten ini." in page
    assert f'hx-get="{reverse("org:unit_children", args=[personas.dinkes.pk])}"' in page


def test_tree_search_finds_units_by_name_and_kind(personas, client_as):
    client = client_as(personas.staff)
    response = client.get(reverse("org:tree"), {"q": "genteng"})
    assert {u.code for u in response.context["results"]} == {"PKM-GENTENG", "PKM-GENTENG-PUSTU1"}
    response = client.get(reverse("org:tree"), {"kind": "pustu"})
    assert [u.code for u in response.context["results"]] == ["PKM-GENTENG-PUSTU1"]
    partial = client.get(
        reverse("org:tree"),
        {"q": "genteng"},
        headers={"HX-Request": "true", "HX-Target": "search-results"},
    )
    assert (
        "<html" not in partial.content.decode() and "2 unit ditemukan." in partial.content.decode()
    )


def test_unit_page_shows_positions_holders_acting_and_clusters(personas, client_as):
    head_position = Position.objects.get(regency=personas.regency, code="DINKES-HEAD")
    plt = f.person(personas.regency, full_name="Budi Pelaksana")
    f.assign(plt, head_position, start=datetime.date(2024, 3, 15), kind="plt")
    vacant = f.position(personas.dinkes, title="Sekretaris Dinas", level="secretary")
    response = client_as(personas.staff).get(reverse("org:unit", args=[personas.dinkes.pk]))
    page = response.content.decode()
    assert "Kepala Dinas Kesehatan" in page and "Budi Pelaksana" in page
    assert (
        '<span class="badge warn" title="Pelaksana tugas (Plt)">Plt</span>' in page
        or "Plt</span>" in page
    )
    assert "Sekretaris Dinas" in page and "Kosong" in page  # a vacant position says so
    assert (
        response.context["filled"] == 1 and response.context["position_page"].paginator.count == 2
    )
    assert vacant.pk not in {r["position"].pk for r in response.context["rows"] if r["holders"]}
    assert "Kesehatan" in page  # its cluster
    assert [a.code for a in response.context["ancestors"]] == ["PEMKAB"]
    assert "15-03-2024" in page  # dates in the Indonesian short format


def test_person_page_shows_positions_now_and_before(personas, client_as):
    kabid_position = Position.objects.get(regency=personas.regency, code="DINKES-B3-HEAD")
    f.assign(
        personas.head,
        kabid_position,
        start=datetime.date(2015, 1, 1),
        end=datetime.date(2019, 12, 31),
    )
    response = client_as(personas.staff).get(reverse("org:person", args=[personas.head.pk]))
    assert [a.position.code for a in response.context["current"]] == ["DINKES-HEAD"]
    assert [a.position.code for a in response.context["past"]] == ["DINKES-B3-HEAD"]
    assert "31-12-2019" in response.content.decode()


@pytest.mark.parametrize(
    ("viewer", "sees"),
    [
        ("kasi", True),  # the person themself
        ("admin", True),
        ("regent", True),
        ("verifier", True),
        ("head", True),  # the head of the agency the kasi works in
        ("kabid", True),  # the kasi's own kabid
        ("staff", False),
        ("outsider", False),
        ("other_head", False),  # the head of a sibling agency
    ],
)
def test_personal_data_only_for_those_allowed(viewer, sees, personas, client_as):
    kasi = personas.kasi
    kasi.nip, kasi.phone = "197501012000121001", "+62 812 3456 7890"
    kasi.save()
    response = client_as(getattr(personas, viewer)).get(reverse("org:person", args=[kasi.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert kasi.full_name in page  # the name and positions are for every colleague
    for secret in (kasi.nip, kasi.phone, kasi.email):
        assert (secret in page) is sees, (viewer, secret)


def test_people_search_by_name_and_nip(personas, client_as):
    personas.kasi.nip = "197501012000121001"
    personas.kasi.save()
    client = client_as(personas.staff)
    response = client.get(reverse("org:people"), {"q": "19750101"})
    assert [r["person"] for r in response.context["rows"]] == [personas.kasi]
    response = client.get(reverse("org:people"), {"q": personas.head.full_name})
    assert response.context["rows"][0]["assignments"][0].position.code == "DINKES-HEAD"


def test_people_search_takes_a_nip_as_printed_and_names_in_any_order(personas, client_as):
    personas.kasi.nip = "198910132019101287"
    personas.kasi.full_name = "Arif Setiawan"
    personas.kasi.save()
    client = client_as(personas.staff)

    def found(q):
        return [r["person"] for r in client.get(reverse("org:people"), {"q": q}).context["rows"]]

    # NIPs are printed on decrees and ID cards in groups: 19891013 201910 1 287.
    assert found("19891013 201910 1 287") == [personas.kasi]
    assert found("19891013 2019") == [personas.kasi]
    assert found("setiawan arif") == [personas.kasi]
    assert found("arif  setiawan") == [personas.kasi]
    assert found("arif budi") == []


def test_another_regencys_pages_are_closed(personas, client_as):
    other = f.regency()
    root = f.unit(other, kind="kabupaten", code="R2")
    stranger = f.holder(f.unit(other, parent=root), "head")
    client = client_as(stranger)
    assert client.get(reverse("org:unit", args=[personas.dinkes.pk])).status_code == 403
    assert client.get(reverse("org:person", args=[personas.kasi.pk])).status_code == 403
    assert client.get(reverse("org:cluster", args=[personas.cluster.pk])).status_code == 403
    # Their own tree is theirs.
    response = client.get(reverse("org:tree"))
    assert response.context["root"] == root
