"""Serve a demo installation: the web server and the background-task worker together."""

import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the development web server and the task worker side by side (make demo)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, **options):
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
        )
        scheduler = subprocess.Popen(
            [sys.executable, "manage.py", "run_scheduler"],
        )
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
