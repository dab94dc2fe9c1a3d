"""The admin shows agreements and the ledger, read-only, to admins of the regency only."""

import pytest
from django.urls import reverse

from superteam.ledger.models import Entry

pytestmark = pytest.mark.django_db
MODELS = [
    ("agreements", "agreement"),
    ("agreements", "agreementversion"),
    ("agreements", "indicator"),
    ("agreements", "indicatorterms"),
    ("agreements", "party"),
    ("agreements", "contribution"),
    ("agreements", "signature"),
    ("agreements", "signingkey"),
    ("agreements", "realisation"),
    ("ledger", "entry"),
    ("ledger", "head"),
    ("ledger", "checkpoint"),
    ("ledger", "verification"),
]


@pytest.mark.parametrize("app, model", MODELS)
def test_every_model_is_listed_read_only(active, personas, client, app, model):
    client.force_login(personas.admin)
    page = client.get(reverse(f"admin:{app}_{model}_changelist"))
    assert page.status_code == 200
    assert reverse(f"admin:{app}_{model}_add") not in page.content.decode()


def test_a_signature_cannot_be_edited_in_the_admin(active, personas, client):
    client.force_login(personas.admin)
    entry = Entry.objects.filter(kind="agreements.signed").first()
    url = reverse("admin:ledger_entry_change", args=[entry.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"kind": "forged"})
    entry.refresh_from_db()
    assert entry.kind == "agreements.signed"


def test_admins_of_another_regency_see_none_of_it(active, client):
    from superteam.org.models import PositionLevel
    from tests import factories as f

    other = f.regency()
    admin = f.holder(f.unit(other), PositionLevel.STAFF, is_admin=True)
    client.force_login(admin)
    page = client.get(reverse("admin:agreements_party_changelist")).content.decode()
    assert "Kepala Dinas Kesehatan" not in page
    from superteam.agreements.models import SigningKey

    page = client.get(reverse("admin:agreements_signingkey_changelist")).content.decode()
    fingerprints = list(SigningKey.objects.values_list("fingerprint", flat=True))
    assert fingerprints and not any(fp in page for fp in fingerprints)
