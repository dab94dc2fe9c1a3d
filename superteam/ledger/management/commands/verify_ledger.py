"""``manage.py verify_ledger``: recompute every regency's chain and check it against the
signed checkpoints (stored, and published ones given with --checkpoint). Names the first
broken entry; exits non-zero when any chain is broken."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from superteam.core.progress import Progress
from superteam.ledger.models import Entry, Head
from superteam.ledger.services import run_verification
from superteam.org.models import Regency


class Command(BaseCommand):
    help = "Verify the ledger's hash chains; name the first broken entry (exit 1 if any)."

    def add_arguments(self, parser):
        parser.add_argument("--regency", help="Regency code (default: every regency).")
        parser.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            metavar="FILE",
            help="A published checkpoint export (JSON) to check the chain against; repeatable.",
        )

    def handle(self, *args, **options):
        regencies = Regency.objects.order_by("code")
        if options["regency"]:
            regencies = regencies.filter(code=options["regency"])
            if not regencies.exists():
                raise CommandError(f"No regency with code {options['regency']!r}.")
        published = self._published(options["checkpoint"])
        broken = []
        for regency in regencies:
            head = Head.objects.filter(regency=regency).first()
            total = head.seq if head else 0
            with Progress(total, f"Ledger {regency.code}", self.stdout) as bar:
                _verification, report, problems = run_verification(
                    regency=regency,
                    published=published.get(regency.pk, []),
                    progress=bar.advance,
                )
                if not report.ok:
                    bar.stop_at(report.checked)  # not 100 %: the rest is unchecked
            for p in problems:
                self.stdout.write(
                    self.style.WARNING(f"  checkpoint #{p.seq} of {p.at}: {p.reason}")
                )
            if report.ok and not problems:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{regency.name}: {report.checked} entries, sound "
                        f"({report.checkpoints_checked} checkpoint(s) matched)."
                    )
                )
                continue
            if report.ok:
                broken.append(f"{regency.name}: a checkpoint does not verify")
                continue
            line = f"{regency.name}: BROKEN at entry #{report.first_broken_seq}: {report.reason}"
            entry = (
                Entry.objects.filter(regency=regency, seq=report.first_broken_seq)
                .values_list("kind", "subject_type", "subject_id", "created_at")
                .first()
            )
            if entry:
                kind, s_type, s_id, at = entry
                line += f" ({kind} {s_type}:{s_id} at {at:%Y-%m-%d %H:%M:%S})"
            if report.known_good_seq is not None:
                line += (
                    f"; the chain matches the checkpoints up to entry #{report.known_good_seq}, "
                    f"so the change lies in entries #{report.known_good_seq + 1}"
                    f"–#{report.first_broken_seq}"
                )
            self.stdout.write(self.style.ERROR(line))
            broken.append(line)
        if broken:
            raise CommandError("Ledger verification failed:\n" + "\n".join(broken))

    def _published(self, paths: list[str]) -> dict[int, list[dict]]:
        by_regency: dict[int, list[dict]] = {}
        for path in paths:
            try:
                data = json.loads(Path(path).read_text())
            except (OSError, ValueError) as exc:
                raise CommandError(f"Cannot read checkpoint file {path}: {exc}") from exc
            regency_id = data.get("regency", {}).get("id")
            for item in data.get("checkpoints", []):
                by_regency.setdefault(regency_id, []).append(
                    {k: item[k] for k in ("seq", "head", "at", "public_key", "signature")}
                )
        return by_regency
