"""Compile every app's Indonesian catalogue (.po → .mo) without GNU gettext.

``make`` runs this on setup, so a fresh machine needs only Python. Fuzzy entries are
left out, as msgfmt does.
"""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.apps import apps
from django.core.management.base import BaseCommand, CommandError


def catalogue_files() -> list[Path]:
    """Every .po file of the project's own apps."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("superteam."):
            continue
        found += sorted(Path(config.path, "locale").glob("*/LC_MESSAGES/*.po"))
    return found


class Command(BaseCommand):
    help = "Compile the apps' .po catalogues into .mo files (pure Python)."

    def handle(self, *args, **options):
        count = 0
        for po_path in catalogue_files():
            with po_path.open("rb") as fh:
                try:
                    catalog = read_po(fh, abort_invalid=True)
                except Exception as exc:
                    raise CommandError(f"{po_path}: {exc}") from exc
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            with mo_path.open("wb") as fh:
                write_mo(fh, catalog, use_fuzzy=False)
            count += 1
        self.stdout.write(f"Compiled {count} catalogue(s).")
