"""The start page after sign-in: the positions held today and the way to one's account."""

import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["regent", "admin", "head", "kabid", "kasi", "staff", "verifier"])
def test_the_dashboard_leads_to_the_account_pages_and_sign_out(who, personas, client_as):
    # On a phone the header's user menu is out of reach, so the start page carries them.
    person = getattr(personas, who)
    page = client_as(person).get(reverse("core:dashboard")).content.decode()
    assert f'href="{reverse("org:person", args=[person.pk])}"' in page
    assert f'href="{reverse("password_change")}"' in page
    assert f'href="{reverse("tokens:list")}"' in page
    assert page.count(f'action="{reverse("logout")}"') == 2  # the header's and the page's
    assert "Akun Anda" in page


def test_signing_in_greets_once(personas, client):
    client.post(reverse("login"), {"username": personas.kasi.username, "password": f.PASSWORD})
    page = client.get(reverse("core:dashboard")).content.decode()
    name = personas.kasi.get_short_name()
    assert page.count(f"Selamat datang, {name}") == 1  # the message; the heading says hello
    assert f"Halo, {name}" in page
