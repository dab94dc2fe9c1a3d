"""Find every translatable string in the source and check the Indonesian catalogues.

Pure Python (Babel for Python files, Django's own template lexer for templates), so the
check runs on any machine; ``make messages`` (GNU gettext) refreshes the .po files.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.extract import extract_python
from babel.messages.pofile import read_po
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "superteam"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
APPS = sorted(p.parent.name for p in SOURCE.glob("*/apps.py"))
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdfr]|\{(\w+)\}")


@dataclass(frozen=True)
class Message:
    msgid: str
    plural: str | None
    context: str | None
    where: str


def _normalise(keyword: str, messages) -> tuple[str, str | None, str | None]:
    spec = KEYWORDS[keyword]
    if isinstance(messages, str):
        return messages, None, None
    messages = list(messages)
    if spec is None:
        return messages[0], None, None
    if keyword.startswith("np"):
        return messages[1], messages[2], messages[0]
    if keyword.startswith("p"):
        return messages[1], None, messages[0]
    return messages[0], messages[1], None


def _extract(source: str, where: str) -> list[Message]:
    found = []
    options = {"encoding": "utf-8"}
    for lineno, keyword, messages, _comments in extract_python(
        io.BytesIO(source.encode()), KEYWORDS.keys(), [], options
    ):
        if messages is None:
            continue  # gettext(variable): nothing literal to check here
        msgid, plural, context = _normalise(keyword, messages)
        if msgid:
            found.append(Message(msgid, plural, context, f"{where}:{lineno}"))
    return found


def source_messages(app: str | None = None) -> list[Message]:
    """Every translatable string of the project's apps (or one app): code and templates."""
    found: list[Message] = []
    base = SOURCE / app if app else SOURCE
    for path in sorted(base.rglob("*.py")):
        if "migrations" in path.parts or "locale" in path.parts:
            continue
        found += _extract(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    for path in sorted(base.rglob("templates/**/*")):
        if path.suffix not in {".html", ".txt", ".xml", ".ics", ".svg"} or not path.is_file():
            continue
        code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
        # templatize keeps the layout for xgettext; Python's tokenizer wants no indentation.
        code = "\n".join(line.lstrip() for line in code.splitlines())
        found += _extract(code, str(path.relative_to(ROOT)))
    return found


def load_catalogue(language: str = "id") -> dict[tuple[str | None, str], object]:
    """All apps' catalogues for a language, merged: (context, msgid) → Babel message."""
    merged = {}
    for po in sorted(SOURCE.glob(f"*/locale/{language}/LC_MESSAGES/django.po")):
        with po.open("rb") as fh:
            catalog = read_po(fh)
        for message in catalog:
            if not message.id:
                continue
            msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
            key = (message.context, msgid)
            # Django uses whichever app translates a string; an app that merely lists it
            # (empty or fuzzy, not compiled into its .mo) must not hide that translation.
            if key not in merged or (_usable(message) and not _usable(merged[key])):
                merged[key] = message
    return merged


def _usable(message) -> bool:
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return not message.fuzzy and all(s and s.strip() for s in strings)


def placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


def problems(language: str = "id", app: str | None = None) -> list[str]:
    """Strings that lack a translation, are fuzzy, or lose a placeholder in translation."""
    catalogue = load_catalogue(language)
    issues = []
    seen = set()
    for m in source_messages(app):
        key = (m.context, m.msgid)
        if key in seen:
            continue
        seen.add(key)
        entry = catalogue.get(key)
        label = repr(m.msgid) + (f" (context {m.context!r})" if m.context else "")
        if entry is None:
            issues.append(f"{m.where}: {label} is not in any catalogue (run make messages)")
            continue
        if entry.fuzzy:
            issues.append(f"{m.where}: {label} is marked fuzzy")
            continue
        strings = entry.string if isinstance(entry.string, tuple | list) else (entry.string,)
        if not all(s.strip() for s in strings):
            issues.append(f"{m.where}: {label} has no Indonesian translation")
            continue
        expected = placeholders(m.msgid) | (placeholders(m.plural) if m.plural else set())
        for s in strings:
            if placeholders(s) - expected:
                issues.append(
                    f"{m.where}: {label}: translation uses unknown placeholders {placeholders(s) - expected}"
                )
            elif not m.plural and placeholders(s) != expected:
                issues.append(
                    f"{m.where}: {label}: translation drops placeholders {expected - placeholders(s)}"
                )
    return issues
