"""Demo scores: six weekly published snapshots replayed from the demo evidence (so that
movement and score-over-time charts tell a story), a second model version with local
signals blended in from week four, and the 2026 variant loaded as a draft to compare.

Deterministic, idempotent (skips when snapshots exist), fast. Called by ``load_demo``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from superteam.core.progress import Progress
from superteam.org.models import Person
from superteam.scoring import services
from superteam.scoring.models import Snapshot, SnapshotKind

WEEKS = 6
BLEND_FROM_WEEK = 3  # the admin put the version with local signals in use that week


def _mondays(now: datetime.datetime) -> list[datetime.datetime]:
    local = timezone.localtime(now)
    monday = datetime.datetime.combine(
        local.date() - datetime.timedelta(days=local.weekday()), datetime.time(6, 0)
    )
    monday = timezone.make_aware(monday)
    if monday > now:
        monday -= datetime.timedelta(days=7)
    return [monday - datetime.timedelta(days=7 * k) for k in reversed(range(WEEKS))]


def load(*, regency, stdout) -> None:
    if Snapshot.objects.filter(regency=regency).exists():
        stdout.write("Scoring: already loaded.\n")
        return
    admin = Person.objects.filter(username="admin").first()
    first = services.current_model(regency=regency)
    services.refresh_signals(regency=regency, stdout=stdout)
    mondays = _mondays(timezone.now())
    with Progress(WEEKS, "Weekly snapshots", stdout) as bar:
        for week, monday in enumerate(mondays):
            if week == BLEND_FROM_WEEK:
                draft = services.copy_model(model=first, actor=admin)
                services.update_draft(
                    model=draft,
                    actor=admin,
                    fields={
                        "name": "IID 2023 per unit + sinyal lokal",
                        "description": (
                            "Struktur IID 2023 untuk unit: pembagi minimum k = 3 (k = 10 dirancang "
                            "untuk satu kabupaten), dan kepatuhan laporan harian, capaian perjanjian "
                            "kinerja serta kecepatan tindak lanjut rakor ikut menentukan peringkat "
                            "(kategori tetap dari indeks)."
                        ),
                        "divisor_min": 3,
                        "weight_compliance": Decimal("10"),
                        "weight_achievement": Decimal("10"),
                        "weight_decision_speed": Decimal("5"),
                    },
                )
                draft.refresh_from_db()
                services.activate_model(model=draft, actor=admin, recompute=False)
            services.recompute_regency(regency=regency, as_of=monday)
            services.publish_snapshot(
                regency=regency, kind=SnapshotKind.WEEKLY, actor=admin, now=monday
            )
            bar.advance()
    # The live scores as they are today (evidence verified since Monday included).
    services.recompute_regency(regency=regency)
    services.load_variant(regency=regency, variant="iid-2026", actor=admin)
    stdout.write(f"Scoring: {WEEKS} weekly snapshots published.\n")
