"""The admin of the reports app, and the job that queues photos whose task was lost."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from superteam.reports.models import Holiday, Photo, PhotoStatus
from superteam.reports.services import requeue_unprocessed
from tests.reports.helpers import jpeg, submit

pytestmark = pytest.mark.django_db

MODELS = [
    "report",
    "photo",
    "photoflag",
    "indicatorreading",
    "verification",
    "unitday",
    "digestdelivery",
    "holiday",
    "reportingunit",
]


@pytest.mark.parametrize("model", MODELS)
def test_every_model_has_an_admin_page_for_admins(model, personas, reporting, today, client_as):
    submit(personas, today, photos=[jpeg(1)])
    client = client_as(personas.admin)
    assert client.get(reverse(f"admin:reports_{model}_changelist")).status_code == 200
    assert client_as(personas.staff).get(
        reverse(f"admin:reports_{model}_changelist")
    ).status_code in (302, 403)


def test_reports_cannot_be_edited_in_the_admin_and_national_holidays_only_by_superusers(
    personas, reporting, today, client_as
):
    report = submit(personas, today).report
    client = client_as(personas.admin)
    change = client.get(reverse("admin:reports_report_change", args=[report.pk]))
    assert change.status_code == 200
    assert b'name="_save"' not in change.content  # shown read-only
    national = Holiday.objects.filter(regency=None).first()
    response = client.post(
        reverse("admin:reports_holiday_change", args=[national.pk]),
        {"date": "2026-01-02", "name": "Diubah", "name_en": "", "kind": "national"},
    )
    assert response.status_code == 403
    national.refresh_from_db()
    assert national.name != "Diubah"


@pytest.mark.django_db(transaction=True)  # the worker closes its connection
def test_photos_whose_task_was_lost_are_queued_again(personas, reporting, today, settings):
    report = submit(personas, today, photos=[jpeg(1, day=today)]).report
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()  # the queue lost the task
    Photo.objects.filter(report=report).update(
        created_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert requeue_unprocessed() == 1
    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", verbosity=0)
    assert report.photos.get().status == PhotoStatus.READY
    assert requeue_unprocessed() == 0
