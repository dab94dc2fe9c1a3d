"""Verifiers approve, hold or reject reports; the reporter sees the outcome."""

import pytest
from django.urls import reverse

from superteam.ledger.models import Entry
from superteam.reports.models import ReportStatus, UnitDay, Verification
from superteam.reports.services import SubmissionError, SubmissionForbidden, verify_report
from tests.reports.helpers import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(personas, reporting, today):
    return submit(personas, today).report


def test_approve_hold_reject_with_history_rollup_and_ledger(personas, report, today):
    verify_report(report=report, verifier=personas.verifier, decision="on_hold", comment="Foto?")
    verify_report(report=report, verifier=personas.verifier, decision="approved")
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED and report.verified_by == personas.verifier
    assert Verification.objects.filter(report=report).count() == 2
    day = UnitDay.objects.get(unit=personas.pustu, date=today)
    assert (day.approved, day.on_hold, day.rejected) == (1, 0, 0)
    kinds = list(
        Entry.objects.filter(subject_id=str(report.pk))
        .order_by("seq")
        .values_list("kind", flat=True)
    )
    assert kinds == ["reports.submitted", "reports.verified", "reports.verified"]


def test_holding_or_rejecting_needs_a_comment(personas, report):
    for decision in ("on_hold", "rejected"):
        with pytest.raises(SubmissionError) as exc:
            verify_report(report=report, verifier=personas.verifier, decision=decision, comment=" ")
        assert "comment" in exc.value.errors


def test_nobody_verifies_their_own_report_and_colleagues_do_not_verify(personas, report):
    with pytest.raises(SubmissionForbidden):
        verify_report(report=report, verifier=personas.staff, decision="approved")
    with pytest.raises(SubmissionForbidden):
        verify_report(report=report, verifier=personas.kasi, decision="approved")
    # The head of the health agency is above the pustu and may verify it.
    verify_report(report=report, verifier=personas.head, decision="approved")


@pytest.mark.django_db(transaction=True)  # the worker closes its connection
def test_the_reporter_sees_the_outcome_and_gets_an_email(
    personas, report, client_as, smtp_server, django_capture_on_commit_callbacks
):
    personas.staff.language = "en"
    personas.staff.save()
    verifier = client_as(personas.verifier)
    with django_capture_on_commit_callbacks(execute=True):
        response = verifier.post(
            reverse("reports:verify", args=[report.pk]),
            {"decision": "rejected", "comment": "Foto tidak menunjukkan kegiatan."},
        )
    assert response.status_code == 302
    from django.core.management import call_command

    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", verbosity=0)
    (message,) = smtp_server.to(personas.staff.email)
    assert "Rejected" in message["Subject"]
    assert "Foto tidak menunjukkan kegiatan." in message.get_body().get_content()
    mine = client_as(personas.staff).get(reverse("reports:mine")).content.decode()
    assert "Ditolak" in mine or "Rejected" in mine
    assert "Foto tidak menunjukkan kegiatan." in mine


def test_the_verification_form_reports_a_missing_comment(personas, report, client_as):
    response = client_as(personas.verifier).post(
        reverse("reports:verify", args=[report.pk]),
        {"decision": "on_hold", "comment": ""},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_the_queue_lists_flagged_reports_first(personas, reporting, today, client_as):
    plain = submit(personas, today, key="key-00000001").report
    flagged = submit(personas, today, key="key-00000002", title="Dengan foto bermasalah").report
    type(flagged).objects.filter(pk=flagged.pk).update(flagged_photos=1)
    page = client_as(personas.verifier).get(reverse("reports:verify_queue"))
    rows = list(page.context["page"])
    assert rows[0] == flagged and plain in rows
    flagged_only = client_as(personas.verifier).get(
        reverse("reports:verify_queue"), {"flagged": "1"}
    )
    assert list(flagged_only.context["page"]) == [flagged]
