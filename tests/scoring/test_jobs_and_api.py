"""The weekly job, the commands and the JSON API of innovations and scores."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from superteam.api.services import issue_token
from superteam.core.scheduler import run_due
from superteam.innovations.models import Idea
from superteam.scoring.models import ModelStatus, ScoringModel, Snapshot, SnapshotKind
from tests.innovations import factories as fi

pytestmark = pytest.mark.django_db


def test_the_weekly_snapshot_is_published_once_on_monday_morning(personas, immediate_tasks):
    p = personas
    inn = fi.innovation(p.puskesmas, p.head)
    fi.accepted(p.puskesmas, p.staff, p.verifier, "regulasi", 2, innovation=inn)
    monday = timezone.make_aware(datetime.datetime(2026, 11, 23, 6, 5))
    sunday = monday - datetime.timedelta(days=1)
    assert "scoring.weekly_snapshot" not in run_due(sunday)
    assert "scoring.weekly_snapshot" in run_due(monday)
    [snapshot] = Snapshot.objects.all()
    assert (snapshot.kind, snapshot.week, snapshot.published_at) == (
        SnapshotKind.WEEKLY,
        monday.date(),
        monday,
    )
    assert "scoring.weekly_snapshot" not in run_due(monday + datetime.timedelta(minutes=30))
    from superteam.scoring.tasks import publish_weekly_task

    assert publish_weekly_task.call(p.regency.pk, monday.isoformat()) == snapshot.pk
    assert Snapshot.objects.count() == 1


def test_commands(personas):
    p = personas
    out = io.StringIO()
    call_command(
        "load_scoring_model", "iid-2026", "--activate", "--regency", p.regency.code, stdout=out
    )
    assert ScoringModel.objects.get(status=ModelStatus.ACTIVE).code == "iid-2026"
    inn = fi.innovation(p.puskesmas, p.head)
    fi.accepted(p.puskesmas, p.staff, p.verifier, "regulasi", 2, innovation=inn)
    call_command("recompute_scores", "--regency", p.regency.code, "--signals", stdout=out)
    call_command("publish_scores", "--regency", p.regency.code, stdout=out)
    assert "Scores: 100%" in out.getvalue() and "snapshot of week" in out.getvalue()
    assert Snapshot.objects.get().kind == SnapshotKind.MANUAL


def test_the_api(personas, client):
    p = personas
    inn = fi.innovation(p.puskesmas, p.head, title="Jemput Bola")
    fi.accepted(p.puskesmas, p.staff, p.verifier, "regulasi", 2, innovation=inn)
    showcase = client.get("/api/innovations/showcase").json()
    assert [i["title"] for i in showcase] == ["Jemput Bola"] and "problem" not in showcase[0]
    assert client.get(f"/api/scoring/units/{p.puskesmas.pk}").status_code == 401
    _token, raw = issue_token(person=p.staff, name="HP")
    auth = {"Authorization": f"Bearer {raw}"}
    score = client.get(f"/api/scoring/units/{p.puskesmas.pk}", headers=auth).json()
    assert score["published_score"] is None and float(score["live_score"]) > 0
    listed = client.get("/api/innovations/", {"unit": p.puskesmas.pk}, headers=auth).json()
    assert [i["title"] for i in listed] == ["Jemput Bola"]
    response = client.post(
        "/api/innovations/ideas",
        {
            "unit_id": p.pustu.pk,
            "title": "Antrian SMS",
            "problem": "Antre lama.",
            "proposal": "Nomor lewat SMS.",
        },
        content_type="application/json",
        headers=auth,
    )
    assert response.status_code == 201
    assert Idea.objects.get().proposer == p.staff
    bad = client.get("/api/scoring/public/leaderboard", {"family": "galaxies"})
    assert bad.status_code == 422
