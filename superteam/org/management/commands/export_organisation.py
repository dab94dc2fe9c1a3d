"""``manage.py export_organisation --regency 3510 -o organisasi.xlsx``: the organisation
workbook of a regency, the same file the Import and export page gives to admins."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from superteam.org.exchange import export_workbook
from superteam.org.models import Regency


class Command(BaseCommand):
    help = "Write a regency's organisation (units, positions, people, assignments) to an .xlsx."

    def add_arguments(self, parser):
        parser.add_argument("--regency", required=True, help="BPS code, e.g. 3510")
        parser.add_argument("-o", "--output", required=True, help="the .xlsx file to write")
        parser.add_argument("--language", choices=["id", "en"], default="id")

    def handle(self, *args, regency, output, language, **options):
        found = Regency.objects.filter(code=regency).first()
        if found is None:
            raise CommandError(f"No regency with code {regency}.")
        self.stdout.write(f"Exporting {found}…")
        data = export_workbook(regency=found, language=language)
        Path(output).write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"Wrote {output} ({len(data) // 1024} KB)."))
