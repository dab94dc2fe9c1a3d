"""Rakor pages as users meet them: scheduling with progress, moves, check-in, slides,
decisions; constant query counts."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from superteam.meetings import services
from superteam.meetings.models import Attendance, Decision, Room, RunStatus, ScheduleRun
from superteam.org.models import Position, PositionLevel, UnitKind
from tests import factories as f
from tests.meetings.world import world

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def grow(personas, n: int) -> None:
    """n more kasi in the health agency (more participants, agenda items)."""
    for i in range(n):
        seksi = f.unit(personas.regency, parent=personas.bidang, kind=UnitKind.SEKSI)
        f.holder(seksi, PositionLevel.KASI, title=f"Kepala Seksi {i}")


def test_pages_run_a_constant_number_of_queries(personas, client_as, django_assert_max_num_queries):
    data = world(personas)
    client = client_as(personas.admin)
    urls = [
        reverse("meetings:rakor", args=[data["rakor"].pk]),
        reverse("meetings:session", args=[data["session"].pk]),
        reverse("meetings:participants", args=[data["rakor"].pk]),
        reverse("meetings:decisions"),
        reverse("meetings:index"),
    ]
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(20) as q:
            assert client.get(url).status_code == 200
        counts[url] = len(q.captured_queries)
    grow(personas, 15)
    from superteam.meetings.planning import refresh_roster

    refresh_roster(data["rakor"])
    services.build_agendas(rakor=data["rakor"], actor=personas.admin)
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert client.get(url).status_code == 200


def test_the_organiser_schedules_and_the_page_polls_the_run(
    personas, client_as, immediate_tasks, django_capture_on_commit_callbacks
):
    data = world(personas)
    rakor = data["rakor"]
    ScheduleRun.objects.all().delete()
    client = client_as(personas.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("meetings:solve", args=[rakor.pk]), headers={"HX-Request": "true"}
        )
    assert response.status_code == 200
    run = ScheduleRun.objects.get()
    # The immediate task backend ran the solver when the request's transaction committed.
    assert run.status == RunStatus.OPTIMAL
    poll = client.get(
        reverse("meetings:run_status", args=[run.pk]) + "?poll=1", headers={"HX-Request": "true"}
    )
    assert poll["HX-Refresh"] == "true"
    page = client.get(reverse("meetings:rakor", args=[rakor.pk])).content.decode()
    assert "Jadwal memenuhi semua aturan." in page
    assert "Jadwal terbaik ditemukan" in page


def test_a_running_run_keeps_polling(personas, client_as):
    run = world(personas)["run"]
    run.status = RunStatus.RUNNING
    run.progress = 40
    run.save()
    html = (
        client_as(personas.kasi).get(reverse("meetings:run_status", args=[run.pk])).content.decode()
    )
    assert 'hx-trigger="every 1s"' in html
    assert 'value="40"' in html


def test_moving_by_hand_shows_the_rules_broken_in_english(personas, client_as):
    data = world(personas)
    small = Room.objects.create(regency=personas.regency, name="Ruang Kecil", capacity=2)
    data["rakor"].rooms.add(small)
    client = client_as(personas.admin)
    client.cookies["superteam_language"] = "en"
    response = client.post(
        reverse("meetings:session_move", args=[data["session"].pk]),
        {"day": "2026-01-06", "start_slot": "0", "room": small.pk},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Rules the schedule breaks" in html
    assert "has 3 participants but Ruang Kecil seats 2" in html
    assert "declared they are unavailable while session" in html
    assert "meets (Tuesday, 6 January 2026 08:00–10:00)." in html
    # Bad input: a clear error, nothing moved.
    data["session"].refresh_from_db()
    before = (data["session"].day, data["session"].room_id)
    response = client.post(
        reverse("meetings:session_move", args=[data["session"].pk]),
        {"day": "2030-01-01", "start_slot": "0", "room": small.pk},
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    data["session"].refresh_from_db()
    assert (data["session"].day, data["session"].room_id) == before


def test_a_kasi_checks_in_by_the_qr_url(personas, client_as, clock):
    session = world(personas)["session"]
    url = reverse("meetings:checkin", args=[session.checkin_token])
    client = client_as(personas.kasi)
    # At home the evening before: the page says when check-in opens; posting records nothing.
    clock(session.starts_at - datetime.timedelta(hours=8, minutes=17))
    page = client.get(url).content.decode()
    assert "Saya hadir" not in page
    assert "07:00" in page and "Senin, 5 Januari 2026" in page
    client.post(url)
    assert not Attendance.objects.exists()
    clock(session.starts_at + datetime.timedelta(minutes=3))
    page = client.get(url)
    assert page.status_code == 200 and "Saya hadir" in page.content.decode()
    client.post(url)
    attendance = Attendance.objects.get(session=session, person=personas.kasi)
    assert attendance.method == "qr"
    assert "Kehadiran Anda tercatat" in client.get(url).content.decode()
    # Someone not on the list cannot check in.
    other = client_as(personas.staff)
    assert other.post(url).status_code == 403
    assert not Attendance.objects.filter(person=personas.staff).exists()
    # The QR code itself is an SVG pointing at the check-in URL.
    svg = client_as(personas.admin).get(reverse("meetings:qr", args=[session.pk]))
    assert svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content


def test_only_the_organiser_is_offered_the_check_in_link(personas, client_as):
    session = world(personas)["session"]
    url = reverse("meetings:session", args=[session.pk])
    link = reverse("meetings:checkin", args=[session.checkin_token])
    page = client_as(personas.kasi).get(url).content.decode()
    assert link not in page and session.checkin_token not in page
    assert "pindai kode QR di pintu" in page
    assert link in client_as(personas.admin).get(url).content.decode()


def test_the_move_form_offers_only_starts_that_fit_in_the_day(personas, client_as):
    data = world(personas)
    session = services.update_session(session=data["session"], actor=personas.admin, length_slots=7)
    client = client_as(personas.admin)
    client.cookies["superteam_language"] = "en"
    url = reverse("meetings:session_move", args=[session.pk])
    html = client.get(url).content.decode()
    assert "08:00–15:00" in html and "09:00–16:00" in html
    assert "10:00–17:00" not in html and "15:00–22:00" not in html
    response = client.post(url, {"day": "2026-01-05", "start_slot": "3", "room": data["room"].pk})
    assert "The session would run past the end of the day (16:00)." in response.content.decode()
    session.refresh_from_db()
    assert session.start_slot == 0


def test_the_rakor_page_names_a_rule_broken_by_a_declared_absence(personas, client_as):
    data = world(personas)
    rakor_url = reverse("meetings:rakor", args=[data["rakor"].pk])
    services.refresh_violations(data["rakor"])
    data["run"].status = RunStatus.OPTIMAL
    data["run"].save()
    admin = client_as(personas.admin)
    admin.cookies["superteam_language"] = "en"
    assert "The schedule keeps every rule." in admin.get(rakor_url).content.decode()
    # The head declares the session's day unavailable on their own page.
    client_as(personas.head).post(
        reverse("meetings:unavailability"),
        {"start": "2026-01-05T07:00", "end": "2026-01-05T17:00", "reason": "Dinas luar"},
    )
    admin = client_as(personas.admin)
    admin.cookies["superteam_language"] = "en"
    html = admin.get(rakor_url).content.decode()
    assert "The schedule keeps every rule." not in html
    assert "The schedule breaks 1 rule" in html
    assert (
        f"{personas.head.full_name} declared they are unavailable while session "
        f"“{data['session'].title}” meets (Monday, 5 January 2026 08:00–10:00)."
    ) in html
    # Sending updates is refused with the reason.
    response = admin.post(reverse("meetings:invite", args=[data["rakor"].pk]), follow=True)
    assert "fix it before sending invitations" in response.content.decode()


def test_every_described_by_reference_exists_on_the_session_form(personas, client_as):
    import re

    session = world(personas)["session"]
    html = (
        client_as(personas.admin)
        .get(reverse("meetings:session_edit", args=[session.pk]))
        .content.decode()
    )
    refs = re.findall(r'aria-describedby="([^"]+)"', html)
    assert "id_length_slots_helptext" in " ".join(refs)
    for ref in refs:
        for target in ref.split():
            assert f'id="{target}"' in html, target


def test_a_presenter_uploads_slides_that_participants_download(personas, client_as):
    item = world(personas)["item"]
    upload = SimpleUploadedFile("paparan kasi.pdf", PDF, content_type="application/pdf")
    response = client_as(personas.kasi).post(
        reverse("meetings:slides_upload", args=[item.pk]), {"slides": upload}
    )
    assert response.status_code == 302
    download = client_as(personas.head).get(reverse("meetings:slides", args=[item.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    assert (
        client_as(personas.outsider).get(reverse("meetings:slides", args=[item.pk])).status_code
        == 403
    )
    # A disguised file is refused with a translated message, and the slides stay.
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00", content_type="application/pdf")
    response = client_as(personas.kasi).post(
        reverse("meetings:slides_upload", args=[item.pk]), {"slides": fake}, follow=True
    )
    assert "Unggah bahan paparan sebagai berkas PDF atau PowerPoint" in response.content.decode()
    item.refresh_from_db()
    assert item.slides_name == "paparan kasi.pdf"


def test_the_agenda_reorders_with_htmx(personas, client_as):
    item = world(personas)["item"]
    before = item.order
    response = client_as(personas.admin).post(
        reverse("meetings:agenda_move", args=[item.pk]),
        {"direction": "up"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert 'class="agenda"' in response.content.decode()
    item.refresh_from_db()
    assert item.order == before - 1


def test_the_minute_taker_records_a_decision_and_time_to_action_shows(personas, client_as):
    session = world(personas)["session"]
    client = client_as(personas.kabid)  # the world's minute-taker
    response = client.post(
        reverse("meetings:decision_add", args=[session.pk]),
        {
            "text": "Posyandu lansia setiap pekan",
            "owner_position": personas.kabid.assignments.get().position_id,
            "contributing_units": [personas.puskesmas.pk],
            "indicator_name": "Posyandu lansia aktif",
            "unit_of_measure": "posyandu",
            "target": "45",
            "deadline": "2026-12-31",
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get(text="Posyandu lansia setiap pekan")

    class Report:
        pk = 41

    services.record_decision_evidence(
        decision=decision, report=Report(), at=decision.decided_at + datetime.timedelta(days=1)
    )
    html = client.get(reverse("meetings:decision", args=[decision.pk])).content.decode()
    assert "1 hari" in html
    # The session lists it with its deadline: "paling lambat", not the ledger's "oleh"
    # (two apps translated "by" differently and one translation served both).
    listed = client.get(reverse("meetings:session", args=[session.pk])).content.decode()
    assert "paling lambat 31 Des 2026" in listed
    assert "dari keputusan sampai bukti pertama pelaksanaannya" in html
    # A bad deadline is refused and nothing is stored.
    response = client.post(
        reverse("meetings:decision_add", args=[session.pk]),
        {
            "text": "x",
            "owner_position": personas.kabid.assignments.get().position_id,
            "indicator_name": "x",
            "unit_of_measure": "x",
            "target": "1",
            "deadline": "2020-01-01",
        },
    )
    assert response.status_code == 200
    assert not Decision.objects.filter(text="x").exists()


def test_the_regent_sees_overdue_decisions(personas, client_as, monkeypatch):
    decision = world(personas)["decision"]
    Decision.objects.filter(pk=decision.pk).update(deadline=datetime.date(2026, 2, 1))
    html = client_as(personas.regent).get(reverse("meetings:overdue")).content.decode()
    assert "Jemput bola lansia" in html
    assert "hari" in html  # days late
    assert client_as(personas.kasi).get(reverse("meetings:overdue")).status_code == 403


def test_the_organiser_turns_decisions_into_a_draft_agreement(personas, client_as):
    data = world(personas)
    # One decision owner: the cluster's coordinator becomes the second party.
    personas.cluster.coordinator = Position.objects.get(code="DINKES-HEAD")
    personas.cluster.save()
    response = client_as(personas.admin).post(
        reverse("meetings:draft_agreement", args=[data["session"].pk])
    )
    decision = data["decision"]
    decision.refresh_from_db()
    assert decision.agreement_id is not None
    assert response["Location"] == reverse("agreements:detail", args=[decision.agreement_id])
    parties = decision.agreement.current_version.parties.values_list("position__code", flat=True)
    assert sorted(parties) == ["DINKES-B3-HEAD", "DINKES-HEAD"]


def test_unavailability_is_declared_and_withdrawn(personas, client_as):
    client = client_as(personas.staff)
    response = client.post(
        reverse("meetings:unavailability"),
        {"start": "2026-12-14T08:00", "end": "2026-12-14T12:00", "reason": "Posyandu"},
    )
    assert response.status_code == 302
    entry = personas.staff.unavailabilities.get()
    bad = client.post(
        reverse("meetings:unavailability"),
        {"start": "2026-12-14T12:00", "end": "2026-12-14T08:00", "reason": ""},
    )
    assert "Akhir periode harus setelah awalnya." in bad.content.decode()
    assert personas.staff.unavailabilities.count() == 1
    client.post(reverse("meetings:unavailability_delete", args=[entry.pk]))
    assert not personas.staff.unavailabilities.exists()


def test_the_session_page_jumps_to_minutes_and_decisions_on_a_phone(personas, client_as):
    """A session's agenda runs to a hundred items: the secretary on a phone jumps straight
    to the minutes and the decisions."""
    session = world(personas)["session"]
    html = client_as(personas.kabid).get(reverse("meetings:session", args=[session.pk]))
    html = html.content.decode()
    assert '<a href="#minutes">Notulen</a>' in html
    assert '<a href="#decisions">1 keputusan</a>' in html
    assert 'id="decisions"' in html and 'id="minutes"' in html
