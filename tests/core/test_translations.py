"""Every user-facing string has an Indonesian translation (Bahasa Indonesia is the default)."""

from superteam.core.catalogues import problems, source_messages


def test_the_source_has_translatable_strings():
    # Guards the extractor itself: if it found nothing, the next test would pass vacuously.
    messages = source_messages()
    ids = {m.msgid for m in messages}
    assert "Sign in" in ids
    assert any(m.where.endswith(".html:1") or ".html:" in m.where for m in messages)


def test_every_string_has_an_indonesian_translation():
    missing = problems("id")
    assert missing == [], "\n".join(missing[:80]) + (
        f"\n… and {len(missing) - 80} more" if len(missing) > 80 else ""
    )
