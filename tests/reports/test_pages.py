"""The pages: the phone form without JavaScript, a report, originals, the calendar."""

import datetime
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from superteam.reports.models import Holiday, Report
from superteam.reports.services import private_storage, process_photo
from tests.reports.helpers import jpeg, pustu_gps, submit, upload

pytestmark = pytest.mark.django_db


def _form_fields(page, today, **kw):
    form = page.context["form"]
    data = {
        "idempotency_key": form["idempotency_key"].value(),
        "position": form["position"].value(),
        "date": today.isoformat(),
        "title": "Jemput bola lansia",
        "narrative": "Kunjungan rumah ke 12 lansia.",
        "location_name": "Dusun Krajan",
    }
    data.update(kw)
    return data


def test_the_form_works_without_javascript_and_a_double_submit_stores_once(
    personas, reporting, today, client_as
):
    client = client_as(personas.staff)
    page = client.get(reverse("reports:submit"))
    assert page.status_code == 200
    data = _form_fields(page, today, photos=[upload(jpeg(1, day=today))])
    first = client.post(reverse("reports:submit"), data)
    report = Report.objects.get()
    assert first.status_code == 302 and first["Location"] == reverse(
        "reports:detail", args=[report.pk]
    )
    # The person pressed "send" twice (the same rendered form, the same key).
    data["photos"] = [upload(jpeg(1, day=today))]
    second = client.post(reverse("reports:submit"), data, follow=True)
    assert Report.objects.count() == 1
    assert "sudah diterima sebelumnya" in second.content.decode()


def test_the_form_is_small_for_slow_connections(personas, client_as):
    page = client_as(personas.staff).get(reverse("reports:submit"))
    html = page.content
    scripts = sum(
        Path(finders.find(name)).stat().st_size
        for name in ("reports/report-form.js", "reports/queue.js")
    )
    css = Path(finders.find("reports/reports.css")).stat().st_size
    assert len(html) < 20_000, len(html)
    # The scripts (unminified, cached by the service worker after the first visit): 20 KB
    # until session 11 added waiting for sign-in, a shared phone's reports kept for their
    # authors, and putting a refused report back in the form (about 4 KB).
    assert scripts < 24_000 and css < 5_000, (scripts, css)
    text = html.decode()
    assert 'enctype="multipart/form-data"' in text and 'name="photos"' in text
    assert 'accept="image/jpeg,image/png,image/webp,image/heic,image/heif"' in text
    assert "<label" in text and 'for="id_title"' in text


def test_form_errors_are_shown_and_nothing_is_stored(personas, reporting, today, client_as):
    client = client_as(personas.staff)
    page = client.get(reverse("reports:submit"))
    response = client.post(reverse("reports:submit"), _form_fields(page, today, title=""))
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    future = today + datetime.timedelta(days=3)
    response = client.post(reverse("reports:submit"), _form_fields(page, future))
    assert response.status_code == 400
    assert "masa depan" in response.content.decode()
    assert not Report.objects.exists()


def test_the_service_worker_is_served_with_a_scope_covering_the_form(client):
    response = client.get(reverse("reports:service_worker"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/reports/"
    assert reverse("reports:submit").startswith("/reports/")
    assert b"importScripts" in response.content


def test_originals_only_for_those_allowed_and_never_public(personas, reporting, today, client_as):
    data = jpeg(1, day=today, gps=pustu_gps(personas))
    report = submit(personas, today, photos=[data]).report
    photo = report.photos.get()
    process_photo(photo_id=photo.pk)
    url = reverse("reports:photo_original", args=[photo.pk])
    response = client_as(personas.staff).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Cache-Control"] == "private, no-store"
    assert client_as(personas.kasi).get(url).status_code == 403
    assert client_as(personas.verifier).get(url).status_code == 200
    # The report page shows derivatives; the original's storage path never appears.
    page = client_as(personas.kasi).get(reverse("reports:detail", args=[report.pk]))
    assert page.status_code == 403
    page = (
        client_as(personas.head).get(reverse("reports:detail", args=[report.pk])).content.decode()
    )
    photo.refresh_from_db()
    assert photo.thumbnail.url in page
    assert photo.original.name not in page
    assert private_storage().exists(photo.original.name)


def test_flags_are_shown_to_verifiers_with_their_reason(personas, reporting, today, client_as):
    report = submit(
        personas, today, photos=[jpeg(1, day=today - datetime.timedelta(days=2))]
    ).report
    process_photo(photo_id=report.photos.get().pk)
    page = client_as(personas.verifier).get(reverse("reports:detail", args=[report.pk]))
    html = page.content.decode()
    assert "Diambil pada hari lain" in html and "padahal laporan untuk tanggal" in html
    assert f'action="/reports/{report.pk}/verify/"' in html


def test_missing_photos_show_as_missing(personas, reporting, today, client_as):
    report = submit(personas, today, photos=[jpeg(1)], photos_expected=2).report
    html = (
        client_as(personas.staff).get(reverse("reports:detail", args=[report.pk])).content.decode()
    )
    assert "Hilang" in html and "tidak pernah sampai" in html


def test_admins_add_and_remove_regency_holidays(personas, client_as):
    client = client_as(personas.admin)
    page = client.get(reverse("reports:holidays"), {"year": 2026})
    html = page.content.decode()
    assert "Idulfitri 1447 H" in html and "Cuti bersama" in html
    assert page.context["working_days"] == 261 - 21  # weekdays minus 13 holidays and 8 cuti
    # The year is a year, not a number with a thousands separator, in both languages, and
    # the buttons lead to the next and previous years.
    assert "2026</h1>" in html and 'href="?year=2025"' in html and 'href="?year=2027"' in html
    client.cookies["superteam_language"] = "en"
    english = client.get(reverse("reports:holidays"), {"year": 2027}).content.decode()
    assert "Holiday calendar 2027" in english and 'href="?year=2026"' in english
    del client.cookies["superteam_language"]
    for odd in ("0", "10000", "99999", "abc"):
        assert client.get(reverse("reports:holidays"), {"year": odd}).status_code == 200
    response = client.post(
        reverse("reports:holidays"),
        {"date": "2026-12-18", "kind": "regional", "name": "Hari Jadi Banyuwangi", "name_en": ""},
    )
    assert response.status_code == 302
    entry = Holiday.objects.get(regency=personas.regency, date=datetime.date(2026, 12, 18))
    duplicate = client.post(
        reverse("reports:holidays"),
        {"date": "2026-12-18", "kind": "regional", "name": "Lagi", "name_en": ""},
    )
    assert duplicate.status_code == 400
    assert client.post(reverse("reports:holiday_delete", args=[entry.pk])).status_code == 302
    assert not Holiday.objects.filter(pk=entry.pk).exists()
    national = Holiday.objects.filter(regency=None).first()
    assert client.post(reverse("reports:holiday_delete", args=[national.pk])).status_code == 404


def test_pages_in_english(personas, reporting, today, client_as, settings):
    client = client_as(personas.regent)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert (
        "Who reports every working day"
        in client.get(reverse("reports:compliance")).content.decode()
    )
    assert "Daily digest" in client.get(reverse("reports:digest")).content.decode()


def test_a_head_is_offered_the_units_under_them_on_the_form(personas, reporting, client_as):
    """The unit choices are built only when needed; the page needs them."""
    page = client_as(personas.head).get(reverse("reports:submit"))
    options = re.findall(r'<option value="(\d+)"', page.content.decode())
    assert str(personas.pustu.pk) in options and str(personas.puskesmas.pk) in options
    assert str(personas.other_dinas.pk) not in options


def test_staff_are_not_asked_for_a_unit(personas, reporting, client_as):
    page = client_as(personas.staff).get(reverse("reports:submit")).content.decode()
    assert 'name="unit"' not in page


def test_the_form_accepts_a_unit_under_the_head_and_refuses_others(personas, reporting, today):
    from superteam.core.permissions import actor_for
    from superteam.reports.forms import ReportForm

    actor = actor_for(personas.head)
    base = {
        "idempotency_key": "form-unit-check-1",
        "position": str(actor.positions[0].pk),
        "date": today.isoformat(),
        "title": "Supervisi pustu",
        "narrative": "Kunjungan supervisi.",
    }
    good = ReportForm({**base, "unit": str(personas.pustu.pk)}, actor=actor)
    assert good.is_valid(), good.errors
    assert good.cleaned_data["unit"] == personas.pustu
    bad = ReportForm({**base, "unit": str(personas.other_dinas.pk)}, actor=actor)
    assert not bad.is_valid() and "unit" in bad.errors
    own = ReportForm(base, actor=actor)
    assert own.is_valid() and own.cleaned_data["unit"] == actor.positions[0].unit


def test_the_form_in_a_given_language_for_the_offline_copies(personas, client_as):
    client = client_as(personas.staff)
    english = client.get(reverse("reports:submit"), {"lang": "en"})
    assert english["Content-Language"] == "en" and "Send report" in english.content.decode()
    plain = client.get(reverse("reports:submit"))
    assert plain["Content-Language"] == "id" and "Kirim laporan" in plain.content.decode()
    odd = client.get(reverse("reports:submit"), {"lang": "fr"})
    assert odd["Content-Language"] == "id"
