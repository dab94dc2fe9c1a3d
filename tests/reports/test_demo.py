"""The demo loader: reports through the services, idempotent, with progress."""

import io

import pytest

from superteam.ledger.models import Entry
from superteam.reports import demo
from superteam.reports.models import Photo, Report, ReportingUnit, UnitDay

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once_through_the_services(personas, monkeypatch):
    monkeypatch.setattr(demo, "RECENT_DAYS", 7)
    out = io.StringIO()
    demo.load(regency=personas.regency, stdout=out)
    reports = Report.objects.filter(regency=personas.regency)
    assert reports.count() > 5
    assert ReportingUnit.objects.filter(unit=personas.dinkes).exists()
    assert Entry.objects.filter(kind="reports.submitted").count() == reports.count()
    assert sum(UnitDay.objects.values_list("reports", flat=True)) == reports.count()
    assert Photo.objects.filter(status="ready").exists()
    assert "Reports: 100%" in out.getvalue()
    counts = (reports.count(), Photo.objects.count(), Entry.objects.count())
    demo.load(regency=personas.regency, stdout=out)
    assert (reports.count(), Photo.objects.count(), Entry.objects.count()) == counts
    assert "already loaded" in out.getvalue()
