"""Serve a demo installation: the web server and the background-task worker together."""

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the development web server and the task worker side by side (make demo)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, **options):
        env = dict(os.environ)
        if "SITE_URL" not in env:
            # Links in emails and the rakor's check-in QR codes point at this server (they
            # pointed at :8000 whatever --port said).
            env["SITE_URL"] = settings.SITE_URL = f"http://{options['host']}:{options['port']}"
        # Stopped with SIGTERM (kill, a service manager), the worker and scheduler stop too:
        # by default the signal ended this process at once and left them running.
        signal.signal(signal.SIGTERM, _exit)
        worker = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--queue-name",
                "*",
                "--interval",
                "1",
                "--no-reload",
            ],
            env=env,
        )
        scheduler = subprocess.Popen([sys.executable, "manage.py", "run_scheduler"], env=env)
        self.stdout.write(
            f"Task worker (pid {worker.pid}) and scheduler (pid {scheduler.pid}) started."
        )
        self.stdout.write(f"SuperTeam demo: http://{options['host']}:{options['port']}/")
        try:
            call_command("runserver", f"{options['host']}:{options['port']}", use_reloader=False)
        finally:
            for process in (worker, scheduler):
                process.send_signal(signal.SIGTERM)
            for process in (worker, scheduler):
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()


def _exit(signum, frame):
    raise SystemExit(128 + signum)
