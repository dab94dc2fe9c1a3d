"""``manage.py ledger_checkpoint``: sign a checkpoint of each regency's chain now and, with
--export, write the regency's checkpoints as JSON for publication."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from superteam.ledger.services import export_checkpoints, make_checkpoint
from superteam.org.models import Regency


class Command(BaseCommand):
    help = "Sign a checkpoint (size and head hash) of each chain; optionally export them."

    def add_arguments(self, parser):
        parser.add_argument("--regency", help="Regency code (default: every regency).")
        parser.add_argument(
            "--export",
            metavar="PATH",
            help="Write the checkpoints as JSON: a file (one regency) or a directory.",
        )

    def handle(self, *args, **options):
        regencies = Regency.objects.order_by("code")
        if options["regency"]:
            regencies = regencies.filter(code=options["regency"])
        regencies = list(regencies)
        if not regencies:
            raise CommandError("No regency to checkpoint.")
        target = Path(options["export"]) if options["export"] else None
        if target is not None and len(regencies) > 1 and not target.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        for regency in regencies:
            checkpoint = make_checkpoint(regency=regency)
            self.stdout.write(
                f"{regency.name}: checkpoint at entry #{checkpoint.seq}, "
                f"head {checkpoint.head_hash}"
            )
            if target is not None:
                path = (
                    target / f"ledger-checkpoints-{regency.code}.json"
                    if target.is_dir()
                    else target
                )
                path.write_text(json.dumps(export_checkpoints(regency=regency), indent=2) + "\n")
                self.stdout.write(f"  exported to {path}")
