"""The holiday calendar: a year's days pasted in at once, each change on the ledger, and
warnings when a year has no national holidays."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from superteam.ledger.models import Entry
from superteam.reports import compliance
from superteam.reports.holidays import parse_day, years_to_check
from superteam.reports.models import Holiday

pytestmark = pytest.mark.django_db

DECREE_2027 = """Tanggal; Jenis; Nama; Nama Inggris
1 Januari 2027; libur nasional; Tahun Baru 2027 Masehi; New Year's Day
2027-08-17; Libur nasional; Hari Proklamasi Kemerdekaan RI; Independence Day
24/12/2027; cuti bersama; Cuti bersama Hari Raya Natal; Christmas leave
Senin, 18 Oktober 2027; Hari Jadi Banyuwangi
"""


def _client(client_as, person, language="en"):
    client = client_as(person)
    client.cookies["superteam_language"] = language
    return client


def test_days_are_read_as_people_write_them():
    expected = datetime.date(2027, 8, 17)
    for text in (
        "2027-08-17",
        "17/08/2027",
        "17-8-2027",
        "17.08.2027",
        "17 Agustus 2027",
        "Selasa, 17 Agustus 2027",
        "17 August 2027",
        "17 agt 2027",
    ):
        assert parse_day(text) == expected, text
    for text in ("31/02/2027", "08/17/2027", "17 Agustsu 2027", "besok", ""):
        assert parse_day(text) is None, text


def test_the_next_year_is_checked_from_november():
    assert years_to_check(datetime.date(2026, 10, 31)) == [2026]
    assert years_to_check(datetime.date(2026, 11, 1)) == [2026, 2027]


def test_an_admin_pastes_the_decree_and_the_days_count_as_holidays(personas, client_as):
    client = _client(client_as, personas.admin)
    start, end = datetime.date(2027, 1, 1), datetime.date(2027, 12, 31)
    before = len(compliance.working_days(regency=personas.regency, start=start, end=end))
    page = client.get(reverse("reports:holidays"), {"year": 2027})
    assert "No national holidays are recorded for 2027" in page.content.decode()

    response = client.post(reverse("reports:holidays"), {"form": "list", "lines": DECREE_2027})
    assert response.status_code == 302 and response["Location"].endswith("?year=2027")
    days = {h.date: h for h in Holiday.objects.filter(regency=personas.regency, date__year=2027)}
    assert days[datetime.date(2027, 1, 1)].kind == "national"
    assert days[datetime.date(2027, 1, 1)].name_en == "New Year's Day"
    assert days[datetime.date(2027, 12, 24)].kind == "cuti_bersama"
    # Kind left out: a national holiday, named in Indonesian only.
    assert days[datetime.date(2027, 10, 18)].kind == "national"
    assert days[datetime.date(2027, 10, 18)].name == "Hari Jadi Banyuwangi"
    after = len(compliance.working_days(regency=personas.regency, start=start, end=end))
    assert before - after == 4  # all four fall on weekdays (Fri, Tue, Fri, Mon)
    entries = Entry.objects.filter(regency=personas.regency, kind="reports.holiday_added")
    assert entries.count() == 4
    assert entries.filter(payload__date="2027-08-17", actor=personas.admin).exists()

    page = client.get(reverse("reports:holidays"), {"year": 2027})
    html = page.content.decode()
    assert "No national holidays are recorded" not in html
    assert "Independence Day" in html or "Hari Proklamasi" in html

    # The same list again: nothing added, nothing refused.
    again = client.post(
        reverse("reports:holidays"), {"form": "list", "lines": DECREE_2027}, follow=True
    )
    assert "Added 0 days. 4 were already in the calendar." in again.content.decode()
    assert Holiday.objects.filter(regency=personas.regency, date__year=2027).count() == 4


def test_one_wrong_line_adds_nothing_and_says_which_line(personas, client_as):
    client = _client(client_as, personas.admin)
    lines = DECREE_2027 + "31/02/2027; cuti bersama; Hari yang tidak ada\n"
    lines += "2027-01-01; cuti bersama; Lagi\n"
    lines += "2027-03-10; libur; Nyepi; Nyepi; extra\n"
    lines += "2027-03-11; ;\n"
    response = client.post(reverse("reports:holidays"), {"form": "list", "lines": lines})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Line 6: “31/02/2027” is not a date" in html
    assert "Line 7: 1 Jan 2027 is already on line 2." in html
    assert "Line 8: “libur” is not a kind of day" in html
    assert "Line 9: the day needs a name." in html
    assert not Holiday.objects.filter(date__year=2027).exists()
    assert not Entry.objects.filter(kind="reports.holiday_added").exists()
    # What was typed stays in the form to be corrected.
    assert "Hari Jadi Banyuwangi" in html


def test_a_different_entry_on_a_day_already_taken_is_refused(personas, client_as):
    client = _client(client_as, personas.admin)
    Holiday.objects.create(
        regency=personas.regency,
        date=datetime.date(2027, 10, 18),
        kind="regional",
        name="Hari Jadi",
    )
    response = client.post(reverse("reports:holidays"), {"form": "list", "lines": DECREE_2027})
    assert response.status_code == 400
    assert "already has “Hari Jadi” on 18 Oct 2027; remove it first" in response.content.decode()
    assert Holiday.objects.filter(date__year=2027).count() == 1


def test_the_list_in_indonesian_and_from_a_csv_file(personas, client_as):
    client = _client(client_as, personas.admin, "id")
    csv = (
        "tanggal,jenis,nama,nama inggris\r\n"
        '2027-02-06,Libur nasional,"Tahun Baru Imlek 2578 Kongzili",Chinese New Year\r\n'
        "2027-02-05,Cuti bersama,Cuti bersama Imlek,\r\n"
    ).encode("utf-8-sig")
    upload = SimpleUploadedFile("libur-2027.csv", csv, content_type="text/csv")
    response = client.post(
        reverse("reports:holidays"), {"form": "list", "lines": "", "file": upload}, follow=True
    )
    assert "Ditambahkan 2 hari." in response.content.decode()
    assert Holiday.objects.get(date=datetime.date(2027, 2, 5)).kind == "cuti_bersama"
    binary = SimpleUploadedFile("foto.csv", b"\xff\xd8\xff\x00JFIF", content_type="text/csv")
    refused = client.post(reverse("reports:holidays"), {"form": "list", "file": binary})
    assert refused.status_code == 400
    assert "Ini bukan berkas teks (CSV)." in refused.content.decode()
    empty = client.post(reverse("reports:holidays"), {"form": "list", "lines": "  "})
    assert "Tempelkan daftar hari atau pilih berkas." in empty.content.decode()


def test_only_admins_import_and_removal_goes_to_the_ledger(personas, client_as):
    response = _client(client_as, personas.head).post(
        reverse("reports:holidays"), {"form": "list", "lines": DECREE_2027}
    )
    assert response.status_code == 403
    assert not Holiday.objects.filter(date__year=2027).exists()
    client = _client(client_as, personas.admin)
    client.post(reverse("reports:holidays"), {"form": "list", "lines": DECREE_2027})
    entry = Holiday.objects.get(date=datetime.date(2027, 10, 18))
    assert client.post(reverse("reports:holiday_delete", args=[entry.pk])).status_code == 302
    removed = Entry.objects.get(kind="reports.holiday_removed")
    assert removed.payload["date"] == "2027-10-18" and removed.actor == personas.admin


def test_the_compliance_page_warns_of_a_year_without_holidays(personas, client_as, monkeypatch):
    from superteam.reports import views

    monkeypatch.setattr(views, "regency_today", lambda regency: datetime.date(2026, 11, 20))
    admin = _client(client_as, personas.admin).get(reverse("reports:compliance")).content.decode()
    assert "No national holidays are recorded for 2027 yet" in admin
    assert f"{reverse('reports:holidays')}?year=2027" in admin
    # The regent is not asked to keep the calendar; the year ahead is not theirs to fix.
    regent = _client(client_as, personas.regent).get(reverse("reports:compliance")).content.decode()
    assert "No national holidays are recorded" not in regent
    # A range over a year without holidays is flagged to everyone who reads its rates.
    Holiday.objects.filter(date__year=2026, kind="national").delete()
    regent = _client(client_as, personas.regent).get(reverse("reports:compliance")).content.decode()
    assert "these rates count every weekday of 2026 as a working day" in regent
    assert f"{reverse('reports:holidays')}?year=2026" not in regent
