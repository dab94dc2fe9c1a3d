"""Rebuild the live scores from the evidence: ``manage.py recompute_scores [--regency 3510]``
(after an import or a repair; pages never need it, rollups follow verified evidence)."""

from django.core.management.base import BaseCommand

from superteam.scoring import services
from superteam.scoring.management.commands._regencies import add_regency_argument, regencies


class Command(BaseCommand):
    help = "Rebuild the innovation and unit score rollups from the evidence table, with progress."

    def add_arguments(self, parser):
        add_regency_argument(parser)
        parser.add_argument("--signals", action="store_true", help="also read the local signals")

    def handle(self, *args, signals, **options):
        for regency in regencies(options):
            count = services.recompute_regency(regency=regency, stdout=self.stdout)
            if signals:
                services.refresh_signals(regency=regency, stdout=self.stdout)
            self.stdout.write(f"{regency}: {count} units scored.")
