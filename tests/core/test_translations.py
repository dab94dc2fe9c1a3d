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


def test_a_word_has_one_translation_across_the_apps():
    """Django merges every catalogue into one: a message without a context that two apps
    translate differently gets the first app's translation everywhere (the news board's
    "Change" column read "Ubah", the meetings' button). Give one of them a context
    (``pgettext``, ``{% translate ... context ... %}``) or the same translation."""
    from babel.messages.pofile import read_po

    from superteam.core.catalogues import SOURCE

    seen: dict[str, dict[str, str]] = {}
    for path in sorted(SOURCE.glob("*/locale/id/LC_MESSAGES/django.po")):
        app = path.parts[-5]
        with path.open("rb") as fh:
            catalog = read_po(fh)
        for message in catalog:
            plain = isinstance(message.id, str) and message.id and message.context is None
            if plain and message.string and not message.fuzzy:
                seen.setdefault(message.id, {})[app] = message.string
    clashes = {msgid: apps for msgid, apps in seen.items() if len(set(apps.values())) > 1}
    assert clashes == {}


def test_a_forms_title_field_is_a_title_not_a_positions_name():
    """The org catalogue's "title" (of a position: "nama jabatan") served every app: the
    rakor session form and the innovation idea form labelled their title "Nama jabatan"."""
    from django.utils import translation

    from superteam.meetings.forms import SessionForm
    from superteam.org.models import Position

    with translation.override("id"):
        assert str(SessionForm.base_fields["title"].label) == "Judul"
        assert str(Position._meta.get_field("title").verbose_name) == "nama jabatan"
