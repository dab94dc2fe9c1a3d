"""Every user-facing string has an Indonesian translation (Bahasa Indonesia is the default).

One test per app, so each app's catalogue is checked on its own.
"""

import pytest

from superteam.core.catalogues import APPS, problems, source_messages


def test_the_extractor_finds_strings_in_code_and_templates():
    # Guards the extractor itself: if it found nothing, the tests below would pass vacuously.
    messages = source_messages()
    ids = {m.msgid for m in messages}
    assert "Sign in" in ids  # a template
    assert "A NIP has exactly 18 digits." in ids  # Python code


@pytest.mark.parametrize("app", APPS)
def test_every_string_has_an_indonesian_translation(app):
    missing = problems("id", app=app)
    shown = "\n".join(missing[:80])
    more = f"\n… and {len(missing) - 80} more" if len(missing) > 80 else ""
    assert missing == [], shown + more
