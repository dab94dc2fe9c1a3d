"""The demo: innovations at every stage with evidence, replications, weekly scores that move;
deterministic and idempotent."""

import io

import pytest

from superteam.innovations import demo as innovations_demo
from superteam.innovations.models import Evidence, Idea, Innovation, Stage
from superteam.org import demo as org_demo
from superteam.scoring import demo as scoring_demo
from superteam.scoring.models import ScoringModel, Snapshot, SnapshotRow

pytestmark = pytest.mark.django_db


def counts():
    return (
        Innovation.objects.count(),
        Evidence.objects.count(),
        Idea.objects.count(),
        Snapshot.objects.count(),
        SnapshotRow.objects.count(),
        ScoringModel.objects.count(),
    )


def test_the_demo_tells_a_story_and_loads_once(private_media):
    out = io.StringIO()
    regency = org_demo.load(stdout=out)
    innovations_demo.load(regency=regency, stdout=out)
    scoring_demo.load(regency=regency, stdout=out)
    stages = set(Innovation.objects.values_list("stage", flat=True))
    assert stages == {Stage.INISIATIF, Stage.UJI_COBA, Stage.PENERAPAN}
    assert set(Evidence.objects.values_list("status", flat=True)) >= {
        "accepted",
        "pending",
        "rejected",
    }
    for title, minimum in (
        ("Smart Kampung", 40),
        ("e-Village Budgeting", 30),
        ("Jemput Bola Kesehatan Lansia", 15),
    ):
        original = Innovation.objects.get(title=title, replicated_from__isnull=True)
        assert original.replicas.count() >= minimum
    assert Innovation.objects.filter(
        replicated_from__title="Smart Kampung", owner_unit__kind="desa"
    ).exists()
    # Six weekly snapshots; rows move between weeks.
    weeks = list(Snapshot.objects.order_by("published_at"))
    assert len(weeks) == 6 and all(s.kind == "weekly" for s in weeks)
    assert (
        SnapshotRow.objects.filter(snapshot=weeks[-1])
        .exclude(previous_rank=None)
        .exclude(rank=models_f("previous_rank"))
        .exists()
    )
    assert weeks[0].model != weeks[-1].model  # a new version was put in use in week four
    # The demo accounts' story: the nurse's ideas were promoted and declined.
    assert set(Idea.objects.filter(proposer__username="staf").values_list("status", flat=True)) == {
        "promoted",
        "declined",
        "submitted",
    }
    before = counts()
    innovations_demo.load(regency=regency, stdout=out)
    scoring_demo.load(regency=regency, stdout=out)
    assert counts() == before
    assert "Innovations: already loaded." in out.getvalue()


def models_f(name):
    from django.db.models import F

    return F(name)
