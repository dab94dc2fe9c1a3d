"""Shared argument handling of the scoring commands: one regency by code, or all."""

from django.core.management.base import CommandError

from superteam.org.models import Regency


def add_regency_argument(parser) -> None:
    parser.add_argument("--regency", help="BPS code of the regency (default: every regency)")


def regencies(options) -> list[Regency]:
    qs = Regency.objects.order_by("pk")
    if options.get("regency"):
        qs = qs.filter(code=options["regency"])
        if not qs.exists():
            raise CommandError(f"No regency with code {options['regency']}.")
    return list(qs)
