from superteam.agreements.models import AgreementStatus
from superteam.agreements.verification import VALID, verify_version


def test_active(active):
    assert active.status == AgreementStatus.ACTIVE
    check = verify_version(active.active_version)
    assert check.verdict == VALID, check.failures()
