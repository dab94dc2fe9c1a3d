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
    Session,
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


def test_declaring_unavailability_refreshes_the_rules_the_schedule_breaks(personas):
    data = world(personas)
    rakor = data["rakor"]  # the session: Monday 5 January 2026, 08:00–10:00
    assert services.refresh_violations(rakor) == []
    day = datetime.date(2026, 1, 5)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(7, 0)), rakor.tz)
    entry = services.declare_unavailability(
        person=personas.head,
        start=start,
        end=start + datetime.timedelta(hours=10),  # 07:00–17:00
        actor=personas.head,
    )
    rakor.refresh_from_db()
    assert [v["kind"] for v in rakor.violations] == ["unavailable"]
    with translation.override("en"):
        # The session's whole time, not its first hour.
        assert describe_all(rakor.violations) == [
            f"{personas.head.full_name} declared they are unavailable while session "
            f"“{data['session'].title}” meets (Monday, 5 January 2026 08:00–10:00)."
        ]
    services.withdraw_unavailability(entry=entry, actor=personas.head)
    rakor.refresh_from_db()
    assert rakor.violations == []


def test_a_session_placed_by_hand_is_explained_with_its_whole_time_span(personas):
    data = world(personas)
    rakor, session = data["rakor"], data["session"]
    start = rakor.at(datetime.date(2026, 1, 6), 0)
    services.declare_unavailability(  # with the kasi (08:00–12:00), nobody is free that morning
        person=personas.head,
        start=start,
        end=start + datetime.timedelta(hours=1),
        actor=personas.head,
    )
    problems = services.move_session(
        session=session,
        day=datetime.date(2026, 1, 6),
        start_slot=0,
        room=data["room"],
        actor=personas.admin,
    )
    whens = sorted(p["params"]["when"] for p in problems if p["kind"] == "unavailable")
    # Each person's own overlap with the 08:00–10:00 session.
    assert whens == ["2026-01-06 08:00–09:00", "2026-01-06 08:00–10:00"]
    run = solve_now(rakor, personas.admin)
    pinned = [r for r in run.explanation if r["kind"] == "pinned"]
    assert pinned and pinned[0]["params"]["when"] == "2026-01-06 08:00–10:00"


def test_a_session_is_not_moved_past_the_end_of_the_day(personas):
    data = world(personas)
    session = services.update_session(session=data["session"], actor=personas.admin, length_slots=7)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.move_session(
            session=session,
            day=datetime.date(2026, 1, 5),
            start_slot=2,
            room=data["room"],
            actor=personas.admin,
        )
    assert refused.value.messages == ["The session would run past the end of the day (16:00)."]
    session.refresh_from_db()
    assert (session.start_slot, session.length_slots) == (0, 7)
    services.move_session(
        session=session,
        day=datetime.date(2026, 1, 5),
        start_slot=1,
        room=data["room"],
        actor=personas.admin,
    )
    session.refresh_from_db()
    assert session.ends_at.astimezone(data["rakor"].tz).time() == datetime.time(16, 0)


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


def test_presentations_of_the_same_post_in_several_units_name_the_unit(personas):
    """One Kepala Sub Bagian Tata Usaha per puskesmas: the agenda says whose is whose."""
    second = f.unit(
        personas.regency,
        parent=personas.dinkes,
        kind=UnitKind.PUSKESMAS,
        name="Puskesmas Kabat",
        is_frontline=True,
    )
    personas.cluster.units.add(second)
    for pkm in (personas.puskesmas, second):
        f.holder(pkm, PositionLevel.KASUBAG, title="Kepala Sub Bagian Tata Usaha")
    data = world(personas)
    with translation.override("en"):
        services.build_agendas(rakor=data["rakor"], actor=personas.admin)
    titles = sorted(
        data["session"].agenda.filter(title__contains="Tata Usaha").values_list("title", flat=True)
    )
    assert titles == [
        "Programme of Kepala Sub Bagian Tata Usaha, Puskesmas Genteng Kulon",
        "Programme of Kepala Sub Bagian Tata Usaha, Puskesmas Kabat",
    ]


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


def test_check_in_records_participants_once_and_refuses_others(personas, clock):
    data = world(personas)
    session = data["session"]
    clock(session.starts_at + datetime.timedelta(minutes=10))
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


def test_check_in_is_open_only_around_the_session(personas, clock):
    """The session meets on Monday 5 January 2026, 08:00–10:00 WIB: check-in opens an hour
    before and closes at the end; pressing a link at home the evening before records nothing."""
    session = world(personas)["session"]
    clock(session.starts_at - datetime.timedelta(hours=8, minutes=17))  # Sunday 23:43
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.check_in(session=session, person=personas.kasi, actor=personas.kasi)
    assert refused.value.messages == [
        "Check-in opens at 07:00 on Monday, 5 January 2026, 60 minutes before the session starts."
    ]
    with translation.override("id"), pytest.raises(ValidationError) as refused:
        services.check_in(session=session, person=personas.kasi, actor=personas.kasi)
    assert (
        "07:00" in refused.value.messages[0]
        and "Senin, 5 Januari 2026" in refused.value.messages[0]
    )
    # Not even the organiser records anyone before check-in opens.
    with pytest.raises(ValidationError):
        services.check_in(
            session=session, person=personas.head, actor=personas.admin, method="organiser"
        )
    assert not Attendance.objects.exists()
    clock(session.starts_at - datetime.timedelta(minutes=45))  # at the door, early
    services.check_in(session=session, person=personas.kasi, actor=personas.kasi)
    clock(session.ends_at + datetime.timedelta(minutes=1))  # over: closed for participants
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.check_in(session=session, person=personas.kabid, actor=personas.kabid)
    assert "This session ended at 10:00 on Monday, 5 January 2026" in refused.value.messages[0]
    # ... but the organiser may still record someone from the paper list.
    services.check_in(
        session=session, person=personas.head, actor=personas.admin, method="organiser"
    )
    assert set(Attendance.objects.values_list("person__username", flat=True)) == {
        personas.kasi.username,
        personas.head.username,
    }
    # A session without a time has no check-in at all.
    Session.objects.filter(pk=session.pk).update(day=None, start_slot=None)
    session.refresh_from_db()
    with pytest.raises(ValidationError):
        services.check_in(session=session, person=personas.kabid, actor=personas.kabid)


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
    [agreement] = services.draft_agreement_from_session(session=session, actor=personas.admin)
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


def test_decisions_due_next_year_go_into_next_years_agreement(personas):
    """A December rakor decides things due the next year: each deadline year gets its own
    joint agreement (an agreement covers one calendar year) instead of an error."""
    data = world(personas)
    session = data["session"]  # held in January 2026; its decision is due 31 December 2026
    head_position = Position.objects.get(code="DINKES-HEAD")
    personas.cluster.coordinator = head_position
    personas.cluster.save()
    later = services.record_decision(
        session=session,
        actor=personas.admin,
        text="Posyandu lansia di setiap desa",
        owner_position=Position.objects.get(code="DINKES-B3-HEAD"),
        indicator_name="Desa dengan posyandu lansia",
        unit_of_measure="desa",
        target=Decimal("40"),
        deadline=datetime.date(2027, 3, 31),
    )
    agreements = services.draft_agreement_from_session(session=session, actor=personas.admin)
    assert [a.year for a in agreements] == [2026, 2027]
    for decision, year in ((data["decision"], 2026), (later, 2027)):
        decision.refresh_from_db()
        assert decision.agreement.year == year
        assert decision.indicator.agreement_id == decision.agreement_id
    assert agreements[1].title.endswith(", 2027")
    # Each year's agreement: the decision's owner, with the cluster's coordinator.
    for agreement in agreements:
        parties = agreement.current_version.parties.values_list("position__code", flat=True)
        assert sorted(parties) == ["DINKES-B3-HEAD", "DINKES-HEAD"]


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
            deadline=session.day - datetime.timedelta(days=1),
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


def test_a_decision_typed_up_after_the_session_is_dated_at_the_session(personas, clock):
    """The minute-taker records the decisions a week after the meeting: a deadline between
    the meeting and today is accepted, and time to action counts from the meeting."""
    session = world(personas)["session"]  # 5 January 2026, 08:00–10:00 WIB
    clock(session.ends_at + datetime.timedelta(days=7))
    decision = services.record_decision(
        session=session,
        actor=personas.kabid,
        text="Posyandu lansia",
        owner_position=Position.objects.get(code="DINKES-HEAD"),
        indicator_name="x",
        unit_of_measure="x",
        target=Decimal(1),
        deadline=session.day + datetime.timedelta(days=3),
    )
    assert decision.decided_at == session.ends_at
    # During the session, a decision is dated when it is recorded.
    during = clock(session.starts_at + datetime.timedelta(minutes=30))
    decision = services.record_decision(
        session=session,
        actor=personas.kabid,
        text="Data lansia",
        owner_position=Position.objects.get(code="DINKES-HEAD"),
        indicator_name="x",
        unit_of_measure="x",
        target=Decimal(1),
        deadline=session.day,
    )
    assert decision.decided_at == during


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
