"""The demo: the January 2026 rakor of the demo regency, scheduled by the solver at load."""

import datetime
import io

import pytest

from superteam.meetings import demo
from superteam.meetings.models import Decision, Rakor, RunStatus
from superteam.meetings.services import refresh_violations
from superteam.org import demo as org_demo

pytestmark = pytest.mark.django_db


def test_the_january_rakor_is_scheduled_and_the_jemput_bola_decision_made_on_4_january():
    regency = org_demo.load(stdout=io.StringIO())
    out = io.StringIO()
    demo.load(regency=regency, stdout=out)
    rakor = Rakor.objects.get(regency=regency, title=demo.JANUARY_TITLE)
    sessions = list(rakor.sessions.select_related("cluster"))
    assert len({s.cluster.code for s in sessions}) == 8
    assert all(s.is_placed for s in sessions)
    assert {s.day for s in sessions} == {
        datetime.date(2026, 1, 4),
        datetime.date(2026, 1, 5),
        datetime.date(2026, 1, 6),
    }
    assert rakor.runs.get().status in (RunStatus.OPTIMAL, RunStatus.FEASIBLE)
    assert refresh_violations(rakor) == []  # every hard rule holds, checked again
    health = next(s for s in sessions if s.cluster.code == "kesehatan")
    assert health.day == datetime.date(2026, 1, 4)
    jemput = Decision.objects.get(regency=regency, code=demo.JEMPUT_BOLA_CODE)
    assert jemput.session == health
    assert jemput.decided_at.astimezone(rakor.tz).date() == datetime.date(2026, 1, 4)
    assert jemput.agreement is not None  # the health decisions went out for signing
    assert health.agenda.filter(kind="presentation").count() > 40  # every kabid and kasi
    assert Rakor.objects.get(regency=regency, title=demo.DECEMBER_TITLE).status == "draft"
    # Loading again changes nothing.
    counts = (Rakor.objects.count(), Decision.objects.count())
    demo.load(regency=regency, stdout=io.StringIO())
    assert (Rakor.objects.count(), Decision.objects.count()) == counts
