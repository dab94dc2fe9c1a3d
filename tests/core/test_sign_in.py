"""Sign-in through the real pages: success, wrong password, lockout, password change, logout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_sign_in_opens_the_dashboard_with_a_welcome(personas, client):
    response = sign_in(client, personas.kasi.username, f.PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("core:dashboard")
    page = client.get(reverse("core:dashboard")).content.decode()
    assert "Kepala Seksi Pelayanan Kesehatan Primer" in page  # the positions held today
    assert "Selamat datang" in page or "Welcome" in page


def test_a_wrong_password_is_refused_with_a_clear_message(personas, client):
    response = sign_in(client, personas.kasi.username, "not the password")
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert errors and "sandi" in errors[0].lower()  # in Indonesian, the default language
    assert "_auth_user_id" not in client.session


def test_the_account_locks_after_repeated_failures(personas, client):
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5
    for _ in range(limit - 1):
        assert sign_in(client, personas.kasi.username, "wrong").status_code == 200
    locked = sign_in(client, personas.kasi.username, "wrong")
    assert locked.status_code == 429
    assert "Terlalu banyak percobaan masuk yang gagal" in locked.content.decode()
    # Even the right password is refused now, for this account from this address.
    assert sign_in(client, personas.kasi.username, f.PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not locked.
    assert sign_in(client, personas.kabid.username, f.PASSWORD).status_code == 302


def test_a_success_resets_the_failure_count(personas, client):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, personas.kasi.username, "wrong")
    assert sign_in(client, personas.kasi.username, f.PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, personas.kasi.username, "wrong").status_code == 200


def test_password_change_then_sign_in_with_the_new_one(personas, client):
    sign_in(client, personas.kasi.username, f.PASSWORD)
    new = "kopi-tubruk-banyuwangi-42"
    weak = client.post(
        reverse("password_change"),
        {"old_password": f.PASSWORD, "new_password1": "123", "new_password2": "123"},
    )
    assert weak.status_code == 200 and weak.context["form"].errors  # too short, numeric
    response = client.post(
        reverse("password_change"),
        {"old_password": f.PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    assert client.get(reverse("core:dashboard")).status_code == 200  # still signed in
    client.post(reverse("logout"))
    assert sign_in(client, personas.kasi.username, f.PASSWORD).status_code == 200
    assert sign_in(client, personas.kasi.username, new).status_code == 302


def test_sign_out_ends_the_session(personas, client):
    sign_in(client, personas.kasi.username, f.PASSWORD)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_production_hashes_passwords_with_argon2():
    # Tests use a fast hasher; the settings module without pytest uses Argon2 first.
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"}
    env.update(DEBUG="1", DJANGO_SETTINGS_MODULE="superteam.settings")
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.PASSWORD_HASHERS[0])",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip().splitlines()[-1] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert "django.contrib.auth.hashers.Argon2PasswordHasher" in settings.PASSWORD_HASHERS


def test_an_argon2_password_signs_in_through_the_real_page(personas, client):
    encoded = make_password("teh-osing-hangat-7", hasher="argon2")
    assert identify_hasher(encoded).algorithm == "argon2"
    assert encoded.startswith("argon2$argon2id$")
    assert check_password("teh-osing-hangat-7", encoded)
    personas.kasi.password = encoded
    personas.kasi.save(update_fields=["password"])
    assert sign_in(client, personas.kasi.username, "teh-osing-hangat-7").status_code == 302


def test_session_and_csrf_cookies_are_protected(personas, client):
    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_COOKIE_SAMESITE == "Lax"
    response = client.get(reverse("login"))
    assert "csrfmiddlewaretoken" in response.content.decode()
    csrf_client = client.__class__(enforce_csrf_checks=True)
    refused = csrf_client.post(
        reverse("login"), {"username": personas.kasi.username, "password": f.PASSWORD}
    )
    assert refused.status_code == 403


def test_a_wrong_password_message_reads_naturally_in_indonesian(personas, client):
    # Django's own message put the field's name inside the sentence: in Indonesian it read
    # "Masukkan nama pengguna nama pengguna dan sandi yang benar".
    response = sign_in(client, personas.kasi.username, "not the password")
    page = response.content.decode()
    assert "nama pengguna nama pengguna" not in page.lower()
    assert "Nama pengguna atau kata sandi salah." in page


def test_the_lockout_page_names_the_configured_wait(personas, client, settings):
    settings.AXES_COOLOFF_TIME = 1  # hours, as AXES_COOLOFF_HOURS=1 would set it
    for _ in range(settings.AXES_FAILURE_LIMIT):
        locked = sign_in(client, personas.kasi.username, "wrong")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "selama 60 menit" in page and "15 menit" not in page
