"""Rakor services on the database: rosters, scheduling, manual moves, agendas, slides,
check-in, decisions and the contract other apps rely on."""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from superteam.ledger.models import Entry
from superteam.meetings import services
from superteam.meetings.explain import describe_all
from superteam.meetings.models import (
    AgendaKind,
    Attendance,
    Decision,
    DecisionStatus,
    Participant,
    RakorStatus,
    Room,
    RunStatus,
    ScheduleRun,
)
from superteam.org.models import Position, PositionLevel, UnitKind
from tests import factories as f
from tests.meetings.world import world

pytestmark = pytest.mark.django_db


def solve_now(rakor, actor):
    run = ScheduleRun.objects.create(regency=rakor.regency, rakor=rakor, requested_by=actor)
    return services.run_schedule(run_id=run.pk)


# --- Rosters --------------------------------------------------------------------------------


def test_the_roster_holds_the_heads_kabid_and_kasi_of_the_cluster_units(personas):
    data = world(personas)
    people = set(data["rakor"].participants.values_list("person__username", flat=True))
    # The kepala dinas, the kabid of a bidang and the kasi of a seksi inside the agency.
    assert {personas.head.username, personas.kabid.username, personas.kasi.username} <= people
    # Staff, the pustu (not a member unit) and other agencies are not invited by default.
    assert personas.staff.username not in people
    assert personas.other_head.username not in people
    kasi = data["rakor"].participants.get(person=personas.kasi)
    assert kasi.unit == personas.dinkes  # attends for the agency, not for the seksi
    assert kasi.role == "kasi"


def test_the_organiser_adds_and_excludes_people_and_a_refresh_keeps_it(personas):
    data = world(personas)
    rakor = data["rakor"]
    added = services.add_participant(
        rakor=rakor, cluster=personas.cluster, person=personas.regent, actor=personas.admin
    )
    kasi = rakor.participants.get(person=personas.kasi)
    services.update_participant(participant=kasi, actor=personas.admin, excluded=True)
    from superteam.meetings.planning import refresh_roster

    refresh_roster(rakor)
    assert rakor.participants.filter(pk=added.pk, added_by_organiser=True).exists()
    assert rakor.participants.get(person=personas.kasi).excluded
    # Someone who leaves their post leaves the roster; the organiser's guest stays.
    assignment = personas.kabid.assignments.get()
    assignment.end = datetime.date(2025, 12, 31)
    assignment.save()
    refresh_roster(rakor)
    assert not rakor.participants.filter(person=personas.kabid).exists()
    assert rakor.participants.filter(person=personas.regent).exists()


def test_sessions_are_sized_for_their_presenters(personas):
    for i in range(12):
        seksi = f.unit(personas.regency, parent=personas.bidang, kind=UnitKind.SEKSI)
        f.holder(seksi, PositionLevel.KASI, title=f"Kepala Seksi {i}")
    room = Room.objects.create(regency=personas.regency, name="Aula", capacity=80)
    rakor = services.create_rakor(
        regency=personas.regency,
        title="Rakor",
        start_date=datetime.date(2026, 1, 5),
        end_date=datetime.date(2026, 1, 5),
        organiser=personas.admin,
        rooms=[room],
        clusters=[personas.cluster],
    )
    session = rakor.sessions.get()
    # 14 presenters (a kabid, 13 kasi) x 4 minutes + 30 minutes: 86 minutes, two slots.
    assert session.length_slots == 2


# --- Scheduling -----------------------------------------------------------------------------


def _frontline_setup(personas, *, staff: int):
    """The puskesmas (frontline, 07:30–14:00) sends its head and TU; it has `staff` people."""
    pkm = personas.puskesmas
    pkm.service_hours = {d: [["07:30", "14:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
    pkm.save()
    head = f.holder(pkm, PositionLevel.HEAD, title="Kepala Puskesmas")
    tu = f.holder(pkm, PositionLevel.KASUBAG, title="Kepala Sub Bagian Tata Usaha")
    for _ in range(staff - 2):
        f.holder(pkm, PositionLevel.STAFF, title="Perawat")
    return head, tu


def test_the_solver_keeps_a_frontline_unit_staffed_and_writes_the_schedule(personas):
    _frontline_setup(personas, staff=3)  # at most 1 of 3 may be away
    room = Room.objects.create(regency=personas.regency, name="Aula", capacity=30)
    rakor = services.create_rakor(
        regency=personas.regency,
        title="Rakor",
        start_date=datetime.date(2026, 1, 5),  # a Monday
        end_date=datetime.date(2026, 1, 5),
        organiser=personas.admin,
        rooms=[room],
        clusters=[personas.cluster],
        session_length=2,
    )
    run = solve_now(rakor, personas.admin)
    assert run.status == RunStatus.OPTIMAL
    session = rakor.sessions.get()
    # Head and TU both attend the one session: it has to be after 14:00 (08:00 + 6 slots).
    assert session.start_slot >= 6
    assert run.result["disruption_minutes"] == 0
    rakor.refresh_from_db()
    assert rakor.violations == []
    assert rakor.status == RakorStatus.SCHEDULED
    assert Entry.objects.filter(kind="meetings.scheduled").exists()


def test_an_infeasible_rakor_is_explained_in_both_languages(personas):
    _frontline_setup(personas, staff=3)
    room = Room.objects.create(regency=personas.regency, name="Aula", capacity=30)
    rakor = services.create_rakor(
        regency=personas.regency,
        title="Rakor",
        start_date=datetime.date(2026, 1, 5),
        end_date=datetime.date(2026, 1, 5),
        organiser=personas.admin,
        rooms=[room],
        clusters=[personas.cluster],
        session_length=8,  # the whole day: never outside the puskesmas' hours
    )
    run = solve_now(rakor, personas.admin)
    assert run.status == RunStatus.INFEASIBLE
    assert [r["kind"] for r in run.explanation] == ["coverage_core"]
    with translation.override("en"):
        english = describe_all(run.explanation)[0]
    with translation.override("id"):
        indonesian = describe_all(run.explanation)[0]
    assert "Puskesmas Genteng Kulon must keep 2 of its 3 staff on duty" in english
    assert "Puskesmas Genteng Kulon wajib menyiagakan 2 dari 3 pegawainya" in indonesian


def test_declared_unavailability_keeps_a_session_away(personas):
    room = Room.objects.create(regency=personas.regency, name="Aula", capacity=30)
    rakor = services.create_rakor(
        regency=personas.regency,
        title="Rakor",
        start_date=datetime.date(2026, 1, 5),
        end_date=datetime.date(2026, 1, 6),
        organiser=personas.admin,
        rooms=[room],
        clusters=[personas.cluster],
        session_length=2,
    )
    start = rakor.at(rakor.start_date, 0)
    services.declare_unavailability(
        person=personas.kasi,
        start=start,
        end=start + datetime.timedelta(days=1),
        reason="Perjalanan dinas",
        actor=personas.kasi,
    )
    solve_now(rakor, personas.admin)
    assert rakor.sessions.get().day == datetime.date(2026, 1, 6)


def test_a_manual_move_lists_every_rule_it_breaks(personas):
    data = world(personas)
    rakor = data["rakor"]
    small = Room.objects.create(regency=personas.regency, name="Ruang Kecil", capacity=1)
    rakor.rooms.add(small)
    start = rakor.at(datetime.date(2026, 1, 6), 0)
    services.declare_unavailability(
        person=personas.head,
        start=start,
        end=start + datetime.timedelta(hours=1),
        actor=personas.head,
    )
    problems = services.move_session(
        session=data["session"],
        day=datetime.date(2026, 1, 6),
        start_slot=0,
        room=small,
        actor=personas.admin,
    )
    kinds = sorted(p["kind"] for p in problems)
    # Too small a room; the head and the kasi (world: away that morning) are unavailable.
    assert kinds == ["capacity", "unavailable", "unavailable"]
    session = data["session"]
    session.refresh_from_db()
    assert session.placed_by == "organiser"
    rakor.refresh_from_db()
    assert rakor.violations == problems
    # Re-solving keeps the manual placement and reports it cannot satisfy the rules there.
    run = solve_now(rakor, personas.admin)
    assert run.status == RunStatus.INFEASIBLE
    assert {r["kind"] for r in run.explanation} >= {"pinned"}
    services.release_session(session=session, actor=personas.admin)
    run = solve_now(rakor, personas.admin)
    assert run.status == RunStatus.OPTIMAL
    rakor.refresh_from_db()
    assert rakor.violations == []
    with pytest.raises(ValidationError):
        services.move_session(
            session=session,
            day=datetime.date(2026, 2, 1),
            start_slot=0,
            room=small,
            actor=personas.admin,
        )


# --- Agenda and slides ----------------------------------------------------------------------


def test_the_agenda_gives_every_kabid_and_kasi_a_time_boxed_slot(personas):
    data = world(personas)
    session = data["session"]
    items = list(session.agenda.order_by("order"))
    presenters = {i.presenter for i in items if i.kind == AgendaKind.PRESENTATION}
    assert presenters == {personas.kabid, personas.kasi}
    assert items[0].kind == AgendaKind.OPENING and items[-1].kind == AgendaKind.DISCUSSION
    assert sum(i.minutes for i in items) <= session.minutes_long
    # Reorder: the kasi's slot moves up, and the order survives a rebuild.
    item = data["item"]
    before = item.order
    services.move_agenda_item(item=item, direction="up", actor=personas.admin)
    item.refresh_from_db()
    assert item.order == before - 1
    services.build_agendas(rakor=data["rakor"], actor=personas.admin)
    item.refresh_from_db()
    assert item.order == before - 1


def test_open_decisions_of_the_previous_rakor_are_carried_onto_the_next_agenda(personas):
    data = world(personas)
    decision = data["decision"]
    later = services.create_rakor(
        regency=personas.regency,
        title="Rakor berikutnya",
        start_date=datetime.date(2026, 7, 6),
        end_date=datetime.date(2026, 7, 6),
        organiser=personas.admin,
        rooms=[data["room"]],
        clusters=[personas.cluster],
        session_length=3,
    )
    services.build_agendas(rakor=later, actor=personas.admin)
    reviews = list(later.sessions.get().agenda.filter(kind=AgendaKind.REVIEW))
    assert [r.decision for r in reviews] == [decision]
    # A closed decision is not carried.
    services.close_decision(decision=decision, status=DecisionStatus.DONE, actor=personas.admin)
    services.build_agendas(rakor=later, actor=personas.admin)
    assert not later.sessions.get().agenda.filter(kind=AgendaKind.REVIEW).exists()


def pptx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
            'presentationml.presentation.main+xml" PartName="/ppt/presentation.xml"/></Types>',
        )
        z.writestr("ppt/presentation.xml", "<p:presentation/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "ok"),
    [
        ("paparan.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", True),
        ("paparan.pptx", pptx_bytes(), True),
        ("paparan.pdf", b"<html><script>alert(1)</script></html>", False),  # not a PDF
        ("paparan.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n", False),  # truncated
        ("paparan.pptx", b"PK\x03\x04not really a zip", False),
        ("laporan.docx", b"PK\x03\x04", False),
    ],
)
def test_slides_are_checked_by_content(personas, private_slides, name, content, ok):
    data = world(personas)
    item = data["item"]
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    if ok:
        services.upload_slides(item=item, upload=upload, actor=personas.kasi)
        item.refresh_from_db()
        assert item.slides_name == name
        assert private_slides.exists(item.slides.name)
    else:
        with pytest.raises(ValidationError):
            services.upload_slides(item=item, upload=upload, actor=personas.kasi)
        item.refresh_from_db()
        assert not item.slides


# --- Attendance -----------------------------------------------------------------------------


def test_check_in_records_participants_once_and_refuses_others(personas):
    data = world(personas)
    session = data["session"]
    first = services.check_in(session=session, person=personas.kasi, actor=personas.kasi)
    again = services.check_in(session=session, person=personas.kasi, actor=personas.kasi)
    assert first.pk == again.pk
    with pytest.raises(ValidationError):
        services.check_in(session=session, person=personas.staff, actor=personas.admin)
    rows = services.attendance_by_unit(session)
    assert rows == [
        {"unit": personas.dinkes.display_name, "expected": 3, "present": 1, "share": 33}
    ]
    assert Attendance.objects.count() == 1


# --- Decisions and the contract -------------------------------------------------------------


def test_record_decision_evidence_keeps_the_earliest(personas):
    decision = world(personas)["decision"]

    class Report:
        def __init__(self, pk):
            self.pk = pk

    at = decision.decided_at + datetime.timedelta(hours=20)
    services.record_decision_evidence(decision=decision, report=Report(7), at=at)
    services.record_decision_evidence(
        decision=decision, report=Report(8), at=at + datetime.timedelta(days=1)
    )
    decision.refresh_from_db()
    assert decision.first_evidence_at == at
    assert decision.first_evidence_report_id == 7
    assert decision.time_to_action == datetime.timedelta(hours=20)
    services.record_decision_evidence(
        decision=decision, report=Report(9), at=at - datetime.timedelta(hours=1)
    )
    decision.refresh_from_db()
    assert decision.first_evidence_report_id == 9
    assert Entry.objects.filter(kind="meetings.decision_evidence").count() == 2


def test_last_rakor_end_and_overdue_decisions(personas):
    data = world(personas)
    assert services.last_rakor_end(regency=personas.regency, day=datetime.date(2025, 12, 1)) is None
    assert services.last_rakor_end(
        regency=personas.regency, day=datetime.date(2026, 3, 1)
    ) == datetime.date(2026, 1, 6)
    decision = data["decision"]
    assert (
        list(services.overdue_decisions(regency=personas.regency, day=datetime.date(2026, 12, 31)))
        == []
    )
    assert list(
        services.overdue_decisions(regency=personas.regency, day=datetime.date(2027, 1, 1))
    ) == [decision]
    services.close_decision(decision=decision, status=DecisionStatus.DONE, actor=personas.admin)
    assert not services.overdue_decisions(
        regency=personas.regency, day=datetime.date(2027, 1, 1)
    ).exists()


def test_decisions_become_a_draft_joint_agreement_sent_for_signing(personas):
    from superteam.agreements.models import AgreementKind, AgreementStatus

    data = world(personas)
    session = data["session"]
    head_position = Position.objects.get(code="DINKES-HEAD")
    second = services.record_decision(
        session=session,
        actor=personas.admin,
        text="Data lansia terpadu",
        owner_position=head_position,
        indicator_name="Daftar sasaran terpadu",
        unit_of_measure="dokumen",
        target=Decimal("1"),
        deadline=datetime.date(2026, 12, 31),
        contributing_units=[personas.dinkes],
    )
    agreement = services.draft_agreement_from_session(session=session, actor=personas.admin)
    assert agreement.kind == AgreementKind.JOINT
    assert agreement.status == AgreementStatus.CIRCULATING
    parties = list(
        agreement.current_version.parties.order_by("order").values_list("position__code", flat=True)
    )
    assert parties == ["DINKES-B3-HEAD", "DINKES-HEAD"]
    names = sorted(agreement.indicators.values_list("terms__name", flat=True))
    assert names == ["Daftar sasaran terpadu", "Lansia dikunjungi"]
    for d in (data["decision"], second):
        d.refresh_from_db()
        assert d.agreement == agreement and d.indicator is not None
    # Nothing left to turn into an agreement: a clear error, nothing written.
    with pytest.raises(ValidationError):
        services.draft_agreement_from_session(session=session, actor=personas.admin)


def test_a_failed_decision_leaves_nothing_half_written(personas):
    session = world(personas)["session"]
    count = Decision.objects.count()
    entries = Entry.objects.count()
    with pytest.raises(ValidationError):
        services.record_decision(
            session=session,
            actor=personas.admin,
            text="Terlambat",
            owner_position=Position.objects.get(code="DINKES-HEAD"),
            indicator_name="x",
            unit_of_measure="x",
            target=Decimal(1),
            deadline=timezone.localdate() - datetime.timedelta(days=1),
        )
    assert Decision.objects.count() == count
    assert Entry.objects.count() == entries
    assert Participant.objects.filter(rakor=session.rakor).count() == 3


def test_a_deadline_is_compared_with_the_decision_date_where_the_regency_is(personas):
    """00:30 WIB on 30 November is still 29 November in UTC: a deadline of the 29th is
    already past there and is refused; the 30th is accepted."""
    session = world(personas)["session"]
    decided_at = datetime.datetime(2026, 11, 29, 17, 30, tzinfo=datetime.UTC)
    kwargs = {
        "session": session,
        "actor": personas.admin,
        "text": "Tengah malam",
        "owner_position": Position.objects.get(code="DINKES-HEAD"),
        "indicator_name": "x",
        "unit_of_measure": "x",
        "target": Decimal(1),
        "decided_at": decided_at,
    }
    with pytest.raises(ValidationError):
        services.record_decision(**kwargs, deadline=datetime.date(2026, 11, 29))
    decision = services.record_decision(**kwargs, deadline=datetime.date(2026, 11, 30))
    assert decision.deadline == datetime.date(2026, 11, 30)


def test_a_run_the_worker_never_finished_does_not_block_the_next(personas):
    data = world(personas)
    stuck = data["run"]
    ScheduleRun.objects.filter(pk=stuck.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=1)
    )
    run = services.request_schedule(rakor=data["rakor"], actor=personas.admin)
    assert run.pk != stuck.pk
    stuck.refresh_from_db()
    assert stuck.status == RunStatus.FAILED
    # A fresh queued run is returned again rather than doubled.
    assert services.request_schedule(rakor=data["rakor"], actor=personas.admin).pk == run.pk
