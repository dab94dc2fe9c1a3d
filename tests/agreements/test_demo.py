"""The demo: signed agreements for every agency, the health cluster's joint agreement, a
PK the demo accounts can sign, and realisation values; everything verifies."""

import io

import pytest

from superteam.agreements import demo, services
from superteam.agreements.models import Agreement, AgreementStatus, KeyOrigin, SigningKey
from superteam.agreements.verification import VALID, verify_versions
from superteam.core.demo_accounts import DEMO_PASSWORD
from superteam.ledger.services import verify_chain
from superteam.org import demo as org_demo
from superteam.org.models import Person

pytestmark = pytest.mark.django_db


def test_the_demo_agreements_are_signed_verifiable_idempotent_and_signable():
    regency = org_demo.load(stdout=io.StringIO())
    out = io.StringIO()
    demo.load(regency=regency, stdout=out)
    agreements = Agreement.objects.filter(regency=regency, source_type=demo.SOURCE)
    active = agreements.filter(status=AgreementStatus.ACTIVE)
    assert active.count() >= 30  # every agency and both RSUD, and the cluster
    joint = agreements.get(source_id="klaster-kesehatan")
    assert joint.kind == "joint" and joint.active_version.parties.count() == 5
    names = list(joint.indicators.values_list("terms__name", flat=True))
    assert any("jemput bola" in n for n in names)
    health = agreements.get(source_id="DINKES")
    assert health.active_version.number == 2  # amended and signed again
    checks = verify_versions(
        [a.active_version_id for a in active] + [health.versions.get(number=1).pk]
    )
    assert {c.verdict for c in checks.values()} == {VALID}
    assert all(c.demo for c in checks.values())  # honest: demo keys are marked as such
    assert verify_chain(regency.pk).ok
    assert active.filter(capaian__isnull=False).count() == active.count()
    # The demo accounts sign with their published password.
    kadinkes, kabid = Person.objects.get(username="kadinkes"), Person.objects.get(username="kabid")
    waiting = agreements.get(source_id="DINKES-B3")
    services.sign_agreement(agreement=waiting, signer=kabid, password=DEMO_PASSWORD)
    services.sign_agreement(agreement=waiting, signer=kadinkes, password=DEMO_PASSWORD)
    waiting.refresh_from_db()
    assert waiting.status == AgreementStatus.ACTIVE
    assert SigningKey.objects.filter(person=kadinkes, origin=KeyOrigin.DEMO).exists()
    # Loading again changes nothing.
    counts = (Agreement.objects.count(), SigningKey.objects.count())
    demo.load(regency=regency, stdout=io.StringIO())
    assert (Agreement.objects.count(), SigningKey.objects.count()) == counts
