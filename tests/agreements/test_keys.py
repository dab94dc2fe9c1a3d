"""A person's signing key follows their password: kept on a change, replaced on a reset
(by email or by an administrator), and signatures made before stay valid."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from superteam.agreements import keyring, services, signing
from superteam.agreements.models import RevokeReason, SigningKey
from superteam.agreements.verification import VALID, verify_version
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "gunung-ijen-biru-2026"


def in_use(person) -> SigningKey:
    return SigningKey.objects.get(person=person, revoked_at__isnull=True)


def test_the_key_is_made_at_the_first_signature_sealed_under_the_password(active, personas):
    key = in_use(personas.head)
    assert keyring.unlock(key, PASSWORD)
    with pytest.raises(signing.WrongPassword):
        keyring.unlock(key, "another password")
    assert key.fingerprint == signing.fingerprint(signing.unb64(key.public_key))


def test_a_password_change_keeps_the_key(active, personas, client):
    before = in_use(personas.head)
    client.force_login(personas.head)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    after = in_use(personas.head)
    assert after.pk == before.pk and after.fingerprint == before.fingerprint
    assert keyring.unlock(after, NEW_PASSWORD)
    with pytest.raises(signing.WrongPassword):
        keyring.unlock(after, PASSWORD)
    assert SigningKey.objects.filter(person=personas.head).count() == 1
    # Still signed in after the change, and the page says what happens to the key.
    page = client.get(reverse("password_change"))
    assert page.status_code == 200
    assert "kunci" in page.content.decode().lower()


def test_a_wrong_old_password_changes_nothing(active, personas, client):
    before = in_use(personas.head)
    client.force_login(personas.head)
    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert keyring.unlock(in_use(personas.head), PASSWORD)
    assert in_use(personas.head).nonce == before.nonce


@pytest.mark.parametrize("language, subject", [("id", "kata sandi"), ("en", "password")])
def test_a_reset_by_email_makes_a_new_key_and_old_signatures_stay_valid(
    active, personas, client, smtp_server, settings, language, subject
):
    settings.SITE_URL = "https://superteam.example.org"
    person = personas.head
    person.language = language
    person.save(update_fields=["language"])
    old = in_use(person)
    response = client.post(reverse("password_reset"), {"email": person.email})
    assert response.status_code == 302
    (message,) = smtp_server.to(person.email)
    assert subject in message["Subject"].lower()
    body = message.get_content()
    link = re.search(r"https://superteam\.example\.org(/accounts/password/reset/\S+/)", body)
    assert link, body
    page = client.get(link.group(1), follow=True)
    assert page.status_code == 200
    response = client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else link.group(1),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "password_reset_complete"
    )
    old.refresh_from_db()
    assert old.revoked_at is not None and old.revoke_reason == RevokeReason.RESET
    new = in_use(person)
    assert new.pk != old.pk and keyring.unlock(new, NEW_PASSWORD)
    # What was signed before the reset still verifies (the key was valid then).
    assert verify_version(active.active_version).verdict == VALID


def test_an_administrator_setting_a_password_revokes_the_key(active, personas, client):
    old = in_use(personas.kabid)
    client.force_login(personas.admin)
    url = reverse("admin:auth_user_password_change", args=[personas.kabid.pk])
    assert url == f"/admin/org/person/{personas.kabid.pk}/password/"
    response = client.post(
        url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    old.refresh_from_db()
    assert old.revoked_at is not None and old.revoke_reason == RevokeReason.SET
    assert keyring.unlock(in_use(personas.kabid), NEW_PASSWORD)
    assert verify_version(active.active_version).verdict == VALID


def test_set_password_anywhere_replaces_a_key_the_new_password_cannot_open(active, personas):
    old = in_use(personas.kabid)
    personas.kabid.set_password(NEW_PASSWORD)
    personas.kabid.save()
    old.refresh_from_db()
    assert old.revoked_at is not None
    # Setting the same password again keeps the key it opens.
    current = in_use(personas.kabid)
    personas.kabid.set_password(NEW_PASSWORD)
    personas.kabid.save()
    assert in_use(personas.kabid).pk == current.pk


def test_signing_after_a_reset_uses_the_new_key_and_a_revoked_key_verifies_old_work(
    active, personas
):
    old = in_use(personas.head)
    personas.head.set_password(NEW_PASSWORD)
    personas.head.save()
    services.amend_agreement(agreement=active, actor=personas.head, reason="Addendum")
    active.refresh_from_db()
    services.send_for_signing(agreement=active, actor=personas.head)
    signature = services.sign_agreement(
        agreement=active, signer=personas.head, password=NEW_PASSWORD
    )
    assert signature.key_id != old.pk
    old.refresh_from_db()
    assert old.was_valid_at(old.created_at) and not old.was_valid_at(old.revoked_at)


def test_the_key_page_lists_my_keys_and_their_state(active, personas, client):
    personas.head.set_password(NEW_PASSWORD)
    personas.head.save()
    client.force_login(personas.head)
    page = client.get(reverse("agreements:keys")).content.decode()
    assert page.count("<tr>") == 3  # header and two keys
    assert "dicabut" in page and "dipakai" in page


def test_the_sign_in_page_links_to_the_password_reset(client):
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()


def test_the_password_pages_are_the_sites_own_not_the_admins(personas, client):
    """Django's admin page of the same template name was shown: "Django administration",
    a breadcrumb to /admin/ that most people may not open."""
    client.force_login(personas.staff)
    for name in ("password_change", "password_change_done"):
        page = client.get(reverse(name)).content.decode()
        assert "Django" not in page and 'href="/admin/"' not in page, name
        assert 'class="main-nav"' in page or "<main" in page, name
    from django.utils import translation

    with translation.override("id"):
        heading = f"<h1>{translation.gettext('Change password')}</h1>"
    assert heading in client.get(reverse("password_change")).content.decode()
