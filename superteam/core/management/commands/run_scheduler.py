"""Start periodic jobs when they are due: ``manage.py run_scheduler [--once]``."""

import time

from django.core.management.base import BaseCommand

from superteam.core.scheduler import run_due


class Command(BaseCommand):
    help = "Run periodic jobs (digests, reminders, snapshots) when due; --once for cron."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Check once and exit (for cron).")
        parser.add_argument("--interval", type=float, default=20.0, help="Seconds between checks.")

    def handle(self, *args, once=False, interval=20.0, **options):
        while True:
            for name in run_due():
                self.stdout.write(f"ran {name}")
            if once:
                return
            time.sleep(interval)
