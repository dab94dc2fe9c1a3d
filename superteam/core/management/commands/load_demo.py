"""Load the Banyuwangi demo regency: ``manage.py load_demo``.

Deterministic and idempotent: each app's ``demo.py`` loads its part once and skips it on
later runs. Apps load in dependency order; the organisation comes first.
"""

import importlib
import time

from django.core.management.base import BaseCommand

# Each app's demo loader, in the order their data depends on each other.
DEMO_APPS = ["org", "agreements", "meetings", "innovations", "reports", "scoring", "news"]


class Command(BaseCommand):
    help = "Load the Banyuwangi demo regency (idempotent; shows progress)."

    def handle(self, *args, **options):
        started = time.monotonic()
        regency = None
        for app in DEMO_APPS:
            try:
                module = importlib.import_module(f"superteam.{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name == f"superteam.{app}.demo":
                    continue
                raise
            self.stdout.write(self.style.MIGRATE_HEADING(f"== {app}"))
            if app == "org":
                regency = module.load(stdout=self.stdout)
            else:
                module.load(regency=regency, stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo regency {regency} ready in {time.monotonic() - started:.1f}s."
            )
        )
