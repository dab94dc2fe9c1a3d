"""``manage.py verify_agreements``: check every agreement version sent for signing: the
document rebuilt from its stored fields still has its id, and every signature is valid
(with the key valid at the time, and as the ledger recorded it). Names each failure and
exits non-zero when there is one."""

from django.core.management.base import BaseCommand, CommandError

from superteam.agreements.models import AgreementVersion, VersionStatus
from superteam.agreements.verification import INCOMPLETE, INVALID, verify_in_chunks
from superteam.core.progress import Progress


class Command(BaseCommand):
    help = "Verify every signed or circulating agreement version; exit 1 naming each failure."

    def add_arguments(self, parser):
        parser.add_argument("--regency", help="Regency code (default: every regency).")
        parser.add_argument("--code", help="Only the version with this verification code.")

    def handle(self, *args, **options):
        versions = AgreementVersion.objects.exclude(status=VersionStatus.DRAFT)
        if options["regency"]:
            versions = versions.filter(regency__code=options["regency"])
        if options["code"]:
            versions = versions.filter(short_code=options["code"])
        ids = list(versions.order_by("pk").values_list("pk", flat=True))
        failures, incomplete, valid = [], 0, 0
        with Progress(len(ids), "Agreement versions", self.stdout) as bar:
            for chunk, checks in verify_in_chunks(ids):
                for check in checks.values():
                    if check.verdict == INVALID:
                        failures.append(check)
                    elif check.verdict == INCOMPLETE:
                        incomplete += 1
                    else:
                        valid += 1
                bar.advance(len(chunk))
        for check in failures:
            self.stdout.write(
                self.style.ERROR(
                    f"FAILED: agreement {check.agreement_id} «{check.title}» version "
                    f"{check.number} (code {check.short_code}):"
                )
            )
            for line in check.failures():
                self.stdout.write(f"  - {line}")
        summary = (
            f"{len(ids)} version(s) checked: {valid} valid, {incomplete} waiting for "
            f"signatures, {len(failures)} failed."
        )
        if failures:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
