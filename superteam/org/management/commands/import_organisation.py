"""``manage.py import_organisation organisasi.xlsx --regency 3510 [--dry-run]``: the same
all-or-nothing import as the Import and export page, for workbooks too large for a browser
upload to wait on (a regency of tens of thousands of people)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from superteam.core.progress import Progress
from superteam.org.exchange import plan_import
from superteam.org.models import Person, Regency
from superteam.org.services import ImportRejected, import_organisation
from superteam.org.workbook import SHEETS, WorkbookRejected, check_xlsx_bytes, read_workbook


class Command(BaseCommand):
    help = "Import an organisation workbook into a regency: every row, or none if any is wrong."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--regency", required=True, help="BPS code, e.g. 3510")
        parser.add_argument("--actor", help="username recorded in the ledger as the importer")
        parser.add_argument("--dry-run", action="store_true", help="check and count only")
        parser.add_argument("--language", choices=["id", "en"], default="en")

    def handle(self, *args, file, regency, actor, dry_run, language, **options):
        translation.activate(language)
        found = Regency.objects.filter(code=regency).first()
        if found is None:
            raise CommandError(f"No regency with code {regency}.")
        person = Person.objects.filter(username=actor).first() if actor else None
        if actor and person is None:
            raise CommandError(f"No person with username {actor}.")
        data = Path(file).read_bytes()
        with Progress(3, "Workbook", self.stdout) as bar:
            try:
                check_xlsx_bytes(data)
                read = read_workbook(data)
                bar.advance()
                plan = plan_import(regency=found, read=read)
                bar.advance()
                if plan.ok and not dry_run:
                    plan = import_organisation(
                        regency=found, data=data, actor=person, filename=Path(file).name
                    )
                bar.advance()
            except WorkbookRejected as exc:
                raise CommandError(str(exc)) from None
            except ImportRejected as exc:
                plan = exc.plan
        titles = {s.key: str(s.title) for s in SHEETS}
        for key, counts in plan.counts.items():
            self.stdout.write(
                f"{titles[key]:<14} new {counts.created:>7,}  changed {counts.updated:>7,}  "
                f"unchanged {counts.unchanged:>7,}"
            )
        if not plan.ok:
            for p in plan.sorted_problems():
                self.stderr.write(
                    f"{titles.get(p.sheet, p.sheet)} row {p.row} {p.column}: {p.message}"
                )
            raise CommandError(f"{len(plan.problems)} problem(s): nothing was imported.")
        if dry_run:
            self.stdout.write("Dry run: nothing was imported.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported into {found}."))
