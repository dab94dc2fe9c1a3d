"""Two languages: Indonesian by default, English on request, remembered; local formats."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from superteam.org.models import Position, Unit, UnitKind
from superteam.org.services import refresh_rollups, rewrite_paths
from tests import factories as f

pytestmark = pytest.mark.django_db
COOKIE = settings.LANGUAGE_COOKIE_NAME


def test_indonesian_by_default_even_when_the_browser_prefers_english(client):
    response = client.get(reverse("login"), headers={"Accept-Language": "en-US,en;q=0.9"})
    page = response.content.decode()
    assert '<html lang="id">' in page
    assert "Masuk" in page and "Sign in" not in page.split("<main", 1)[1]


def test_switching_to_english_is_remembered_in_a_cookie_and_on_the_person(personas, client_as):
    client = client_as(personas.kasi)
    response = client.post(
        reverse("core:set_language"), {"language": "en", "next": reverse("org:tree")}
    )
    assert response.status_code == 302 and response["Location"] == reverse("org:tree")
    assert response.cookies[COOKIE].value == "en"
    assert response.cookies[COOKIE]["max-age"] == settings.LANGUAGE_COOKIE_AGE
    personas.kasi.refresh_from_db()
    assert personas.kasi.language == "en"
    page = client.get(reverse("org:tree")).content.decode()
    assert '<html lang="en">' in page and "Unit tree" in page


def test_the_choice_comes_back_on_the_next_sign_in_on_another_device(personas, client):
    personas.kasi.language = "en"
    personas.kasi.save()
    response = client.post(
        reverse("login"), {"username": personas.kasi.username, "password": f.PASSWORD}
    )
    assert response.cookies[COOKIE].value == "en"
    assert "Good to see you" in client.get(reverse("core:dashboard")).content.decode()


def test_an_unknown_language_changes_nothing(personas, client_as):
    client = client_as(personas.kasi)
    response = client.post(reverse("core:set_language"), {"language": "xx", "next": "/"})
    assert response.status_code == 302 and COOKIE not in response.cookies
    personas.kasi.refresh_from_db()
    assert personas.kasi.language == "id"


def test_an_outside_next_address_is_not_followed(client):
    response = client.post(
        reverse("core:set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_numbers_and_dates_in_each_languages_format(personas, client_as):
    p = personas
    # 1,288 units: the tree page counts them with the language's thousands separator.
    Unit.objects.bulk_create(
        [
            Unit(
                regency=p.regency,
                parent=p.root,
                kind=UnitKind.DESA,
                code=f"DS{i}",
                name=f"Desa {i}",
            )
            for i in range(1288 - Unit.objects.filter(regency=p.regency).count())
        ]
    )
    rewrite_paths(regency=p.regency)
    refresh_rollups(regency=p.regency)
    f.assign(
        f.person(p.regency, full_name="Rina"),
        Position.objects.get(regency=p.regency, code="DINKES-HEAD"),
        start=datetime.date(2024, 3, 15),
        kind="plt",
    )
    client = client_as(p.kasi)
    tree = client.get(reverse("org:tree")).content.decode()
    unit = client.get(reverse("org:unit", args=[p.dinkes.pk])).content.decode()
    assert "1.288 unit di kabupaten ini." in tree
    assert "15-03-2024" in unit  # day-month-year
    client.post(reverse("core:set_language"), {"language": "en", "next": "/"})
    tree = client.get(reverse("org:tree")).content.decode()
    unit = client.get(reverse("org:unit", args=[p.dinkes.pk])).content.decode()
    assert "1,288 units in the regency." in tree
    assert "15 Mar 2024" in unit  # day first, the month named: never read as 3 Dec


def test_long_dates_put_the_day_first_with_the_month_in_full():
    """Django's "Dec. 7, 2026" (English) and "7 Des. 2026" (Indonesian) stood beside
    "7 Dec 2026" on the same pages."""
    from django.utils import translation
    from django.utils.formats import date_format

    day = datetime.date(2026, 12, 7)
    moment = datetime.datetime(2026, 12, 7, 14, 30)
    with translation.override("en"):
        assert date_format(day) == "7 December 2026"
        assert date_format(moment, "DATETIME_FORMAT") == "7 December 2026, 14:30"
    with translation.override("id"):
        assert date_format(day) == "7 Desember 2026"
        assert date_format(moment, "DATETIME_FORMAT") == "7 Desember 2026, 14.30"


def test_the_projects_words_win_over_djangos_own(client):
    """Django's admin, auth and axes catalogues translate a few words otherwise; the apps
    came first, so the sign-in page said "Sandi" above "Lupa kata sandi?" and the menu
    "Ganti sandi"."""
    from django.utils import translation

    page = client.get("/accounts/login/").content.decode()
    assert ">Kata sandi</label>" in page and ">Nama pengguna</label>" in page
    with translation.override("id"):
        assert translation.gettext("Change password") == "Ganti kata sandi"
        assert translation.gettext("Page not found") == "Halaman tidak ditemukan"
