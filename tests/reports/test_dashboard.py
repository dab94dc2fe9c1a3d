"""The dashboard's card of today's reports: whether one's unit has reported, how many
reporting units have (for those who oversee), how many reports wait (for verifiers)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from superteam.reports import compliance, dashboard
from tests.reports.helpers import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def day(personas, reporting, today, monkeypatch):
    """The last working day up to today (the card speaks of "today")."""
    start = today - datetime.timedelta(days=10)
    last = compliance.working_days(regency=personas.regency, start=start, end=today)[-1]
    monkeypatch.setattr(dashboard, "regency_today", lambda regency: last)
    return last


def _card(client) -> str:
    html = client.get(reverse("core:dashboard")).content.decode()
    start = html.find('id="today-reports"')
    return html[start : html.find("</section>", start)] if start >= 0 else ""


def test_the_card_tells_each_person_what_concerns_them_today(personas, day, client_as):
    staff = client_as(personas.staff)
    assert "Belum ada laporan dari unit Anda hari ini." in _card(staff)
    assert reverse("reports:submit") in _card(staff)
    regent = client_as(personas.regent)
    assert "0 dari 3 unit pelapor sudah melapor hari ini." in _card(regent)

    submit(personas, day)
    # client_as signs the one test client in as each person in turn.
    assert "Laporan unit Anda hari ini sudah masuk." in _card(client_as(personas.staff))
    card = _card(client_as(personas.regent))
    assert "1 dari 3 unit pelapor sudah melapor hari ini." in card
    assert 'aria-label="33%"' in card and "width: 33%" in card
    verifier = _card(client_as(personas.verifier))
    assert "1 laporan menunggu keputusan" in verifier
    # The verifier's own unit is not a reporting unit: not asked whether it reported.
    assert "dari unit Anda" not in verifier
    assert reverse("reports:verify_queue") in verifier
    # The head of the health agency sees the units under the agency (all three here).
    assert "1 dari 3 unit pelapor" in _card(client_as(personas.head))


def test_the_card_in_english_and_for_someone_with_nothing_to_see(personas, day, client_as):
    regent = client_as(personas.regent)
    regent.cookies["superteam_language"] = "en"
    assert "0 of 3 reporting units have reported today." in _card(regent)
    # Someone holding no position and overseeing nothing gets no card at all.
    assert _card(client_as(personas.outsider)) == ""
