"""Send the news digest now: ``manage.py send_news_digest [--frequency daily] [--regency slug]``.

Safe to stop (even with kill -9) and run again: every subscriber gets each article once.
"""

from django.core.management.base import BaseCommand, CommandError

from superteam.core.progress import Progress
from superteam.news.models import Frequency, Subscriber, SubscriberStatus
from superteam.news.services import send_digest
from superteam.org.models import Regency


class Command(BaseCommand):
    help = "Send the news digest of one frequency to every confirmed subscriber (resumable)."

    def add_arguments(self, parser):
        parser.add_argument("--frequency", choices=Frequency.values, default=Frequency.IMMEDIATE)
        parser.add_argument("--regency", help="Slug of one regency (default: all).")
        parser.add_argument("--chunk-size", type=int, default=200)

    def handle(self, *args, frequency, regency=None, chunk_size=200, **options):
        regencies = Regency.objects.all()
        if regency:
            regencies = regencies.filter(slug=regency)
            if not regencies.exists():
                raise CommandError(f"No regency with slug {regency!r}.")
        for r in regencies:
            total = Subscriber.objects.filter(
                regency=r, status=SubscriberStatus.CONFIRMED, frequency=frequency
            ).count()
            with Progress(total, f"Digest {r.slug}", self.stdout) as bar:
                run = send_digest(
                    regency=r, frequency=frequency, chunk_size=chunk_size, progress=bar.advance
                )
            self.stdout.write(
                f"{r.slug}: {run.articles} new articles, {run.sent} emails sent, "
                f"{run.failed} failed, {run.skipped} left for later"
                f"{'' if run.complete else ' (incomplete: run again)'}."
            )
