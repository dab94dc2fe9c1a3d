"""Publish the live scores now: ``manage.py publish_scores [--weekly] [--regency 3510]``."""

from django.core.management.base import BaseCommand

from superteam.scoring import services
from superteam.scoring.management.commands._regencies import add_regency_argument, regencies
from superteam.scoring.models import SnapshotKind


class Command(BaseCommand):
    help = "Publish a snapshot of the live scores (by hand, or this week's weekly one)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--weekly", action="store_true", help="publish this week's weekly snapshot"
        )
        add_regency_argument(parser)

    def handle(self, *args, weekly, **options):
        kind = SnapshotKind.WEEKLY if weekly else SnapshotKind.MANUAL
        for regency in regencies(options):
            snapshot = services.publish_snapshot(regency=regency, kind=kind, stdout=self.stdout)
            self.stdout.write(
                f"{regency}: snapshot of week {snapshot.week} ({snapshot.row_count} units, "
                f"sha256 {snapshot.digest[:16]}…)."
            )
