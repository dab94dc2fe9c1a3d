"""Load a scoring model shipped with SuperTeam as a new version: ``manage.py
load_scoring_model iid-2026 [--activate] [--regency 3510]``."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from superteam.scoring import services
from superteam.scoring.management.commands._regencies import add_regency_argument, regencies
from superteam.scoring.variants import VARIANTS


class Command(BaseCommand):
    help = "Load a shipped scoring model (iid-2023, iid-2026) as a new draft version, or put it in use."

    def add_arguments(self, parser):
        parser.add_argument("variant", choices=sorted(VARIANTS))
        parser.add_argument("--activate", action="store_true", help="put it in use at once")
        add_regency_argument(parser)

    def handle(self, *args, variant, activate, **options):
        for regency in regencies(options):
            try:
                model = services.load_variant(regency=regency, variant=variant)
                if activate:
                    services.activate_model(model=model, actor=None)
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from None
            state = "in use" if activate else "draft"
            self.stdout.write(f"{regency}: {model} loaded ({state}).")
