import pytest

TEST_LEDGER_KEY = "11" * 32


@pytest.fixture(autouse=True)
def _installation_key(settings, tmp_path):
    """A fixed installation key, never a file in the repository's var/."""
    settings.LEDGER_SIGNING_KEY = TEST_LEDGER_KEY
    settings.LEDGER_SIGNING_KEY_FILE = tmp_path / "ledger-signing-key"
