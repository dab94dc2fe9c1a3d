"""From the database to the scheduler and back: rosters, scheduler instances, placements.

Everything here reads in bulk (a fixed number of queries per rakor, whatever its size).

Who attends for which unit: a participant's *unit* is the nearest unit above their position
that is not an internal part (bidang, seksi, sub-bagian, sekretariat, bagian): a kasi of a
seksi of the population office attends for the population office. A frontline unit's
*staff* are the current holders of positions in it and in its internal parts; those are the
people its on-duty rule counts.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from superteam.meetings import scheduler as S
from superteam.meetings.models import (
    Participant,
    ParticipantRole,
    Rakor,
    Session,
    SessionStatus,
    Unavailability,
)
from superteam.org.models import INTERNAL_KINDS, Assignment, Position, PositionLevel, Unit

# The positions a rakor needs by default: heads, secretaries, kabid, kasubag and kasi.
DEFAULT_LEVELS = [
    PositionLevel.HEAD,
    PositionLevel.SECRETARY,
    PositionLevel.KABID,
    PositionLevel.KASUBAG,
    PositionLevel.KASI,
]
# Staff-minutes one more session-slot on the busiest day costs when spreading over the days.
BALANCE_WEIGHT = 60
STAFF_LEVELS = [PositionLevel.FUNCTIONAL, PositionLevel.STAFF]
LEVEL_RANK = {level: i for i, level in enumerate(DEFAULT_LEVELS + STAFF_LEVELS)}
ROLE_OF_LEVEL = {
    PositionLevel.HEAD: ParticipantRole.HEAD,
    PositionLevel.SECRETARY: ParticipantRole.SECRETARY,
    PositionLevel.KABID: ParticipantRole.KABID,
    PositionLevel.KASUBAG: ParticipantRole.KASUBAG,
    PositionLevel.KASI: ParticipantRole.KASI,
    PositionLevel.FUNCTIONAL: ParticipantRole.STAFF,
    PositionLevel.STAFF: ParticipantRole.STAFF,
}


@dataclass
class UnitInfo:
    pk: int
    parent_id: int | None
    kind: str
    name: str
    is_frontline: bool
    service_hours: object
    anchor: int = 0


def unit_map(regency_id: int) -> dict[int, UnitInfo]:
    """Every active unit of the regency with the unit it attends for (its anchor)."""
    rows = Unit.objects.filter(regency_id=regency_id).values_list(
        "pk", "parent_id", "kind", "name", "short_name", "is_frontline", "service_hours", "depth"
    )
    units = {}
    ordered = sorted(rows, key=lambda r: (r[7], r[0]))  # parents before children
    for pk, parent, kind, name, short, frontline, hours, _depth in ordered:
        info = UnitInfo(pk, parent, kind, short or name, frontline, hours)
        if kind in INTERNAL_KINDS and parent in units:
            info.anchor = units[parent].anchor
        else:
            info.anchor = pk
        units[pk] = info
    return units


def planned_sessions(rakor: Rakor) -> list[Session]:
    return list(
        rakor.sessions.exclude(status=SessionStatus.CANCELLED)
        .select_related("cluster", "room")
        .order_by("sort_order", "pk")
    )


def refresh_roster(rakor: Rakor) -> dict[str, int]:
    """Bring the roster up to date with who holds the cluster's positions on the first day.

    The organiser's changes stay: people they added or excluded, chairs, pinned sessions.
    Returns counts of added, updated and removed default participants.
    """
    sessions = planned_sessions(rakor)
    clusters = {s.cluster_id: s.cluster for s in sessions}
    with_staff = {s.cluster_id for s in sessions if s.include_staff}
    units = unit_map(rakor.regency_id)
    members: dict[int, set[int]] = defaultdict(set)
    for cluster_id, unit_id in Unit.clusters.through.objects.filter(
        cluster_id__in=clusters
    ).values_list("cluster_id", "unit_id"):
        members[cluster_id].add(unit_id)
    anchors_of_cluster = {
        c: {units[u].anchor for u in us if u in units} for c, us in members.items()
    }
    day = rakor.start_date
    held = (
        Assignment.objects.current(day)
        .filter(
            regency_id=rakor.regency_id,
            position__is_active=True,
            person__is_active=True,
            position__level__in=DEFAULT_LEVELS + STAFF_LEVELS,
        )
        .values_list("person_id", "position_id", "position__level", "position__unit_id", "kind")
        .order_by("kind", "position_id")
    )
    coordinators = {c.pk: c.coordinator_id for c in clusters.values()}
    wanted: dict[tuple[int, int], tuple] = {}
    for person, position, level, unit_id, _kind in held:
        info = units.get(unit_id)
        if info is None:
            continue
        for cluster_id, anchors in anchors_of_cluster.items():
            if info.anchor not in anchors:
                continue
            if level in STAFF_LEVELS and cluster_id not in with_staff:
                continue
            key = (cluster_id, person)
            rank = (LEVEL_RANK[level], position)
            if key not in wanted or rank < wanted[key][0]:
                wanted[key] = (rank, position, level, info.anchor)
    existing = {
        (p.cluster_id, p.person_id): p
        for p in Participant.objects.filter(rakor=rakor).select_related(None)
    }
    added = updated = removed = 0
    new_rows = []
    for key, (_rank, position, level, anchor) in sorted(wanted.items()):
        current = existing.get(key)
        role = ROLE_OF_LEVEL[level]
        if current is None:
            new_rows.append(
                Participant(
                    regency_id=rakor.regency_id,
                    rakor=rakor,
                    cluster_id=key[0],
                    person_id=key[1],
                    position_id=position,
                    unit_id=anchor,
                    role=role,
                    all_sessions=coordinators.get(key[0]) == position,
                )
            )
            added += 1
        elif not current.added_by_organiser and (
            current.position_id != position or current.unit_id != anchor or current.role != role
        ):
            current.position_id, current.unit_id, current.role = position, anchor, role
            current.save(update_fields=["position", "unit", "role"])
            updated += 1
    Participant.objects.bulk_create(new_rows, batch_size=500)
    stale = [
        p.pk
        for key, p in existing.items()
        if key not in wanted and not p.added_by_organiser and key[0] in clusters
    ]
    stale += [p.pk for key, p in existing.items() if key[0] not in clusters]
    if stale:
        removed = Participant.objects.filter(pk__in=stale).delete()[0]
    return {"added": added, "updated": updated, "removed": removed}


def attendee_sessions(participant: Participant, by_cluster: dict[int, list[int]]) -> tuple:
    """The sessions a roster entry may attend (one of them, or all when a chair)."""
    options = by_cluster.get(participant.cluster_id, [])
    if participant.pinned_session_id in options:
        return (participant.pinned_session_id,)
    return tuple(options)


def _overlap_minutes(spans, start: datetime.time, end: datetime.time) -> int:
    def minutes(t: datetime.time) -> int:
        return t.hour * 60 + t.minute

    a, b = minutes(start), minutes(end) or 24 * 60
    total = 0
    for s, e in spans:
        # Round-the-clock units are open 00:00–23:59: count the last minute too.
        e_min = 24 * 60 if (e.hour, e.minute) == (23, 59) else minutes(e)
        total += max(0, min(b, e_min) - max(a, minutes(s)))
    return total


def _opening_spans(info: UnitInfo, day: datetime.date):
    return Unit(service_hours=info.service_hours).opening_spans(day)


@dataclass
class Plan:
    """A rakor as the scheduler sees it, with the maps back to database rows."""

    instance: S.Instance
    sessions: list[Session]
    participants: list[Participant]
    day_index: dict[datetime.date, int]


def build_plan(rakor: Rakor) -> Plan:
    """The scheduler instance of a rakor (bulk reads only)."""
    sessions = planned_sessions(rakor)
    days = rakor.days
    day_index = {d: i for i, d in enumerate(days)}
    slot_times = rakor.slot_times()
    slot_labels = [f"{a:%H:%M}–{b:%H:%M}" for a, b in slot_times]
    rooms = [
        S.Room(r.pk, r.name, r.capacity) for r in rakor.rooms.filter(is_active=True).order_by("pk")
    ]
    by_cluster: dict[int, list[int]] = defaultdict(list)
    for s in sessions:
        by_cluster[s.cluster_id].append(s.pk)
    specs = []
    for s in sessions:
        fixed = None
        if s.fixed_day is not None:
            fixed = (day_index[s.fixed_day],) if s.fixed_day in day_index else (-1,)
        pinned = None
        if s.placed_by == "organiser" and s.is_placed:
            pinned = S.Placement(day_index.get(s.day, -1), s.start_slot, s.room_id)
        specs.append(
            S.SessionSpec(
                key=s.pk,
                name=s.title,
                cluster=s.cluster_id,
                length=s.length_slots,
                priority=s.priority,
                days=fixed,
                pinned=pinned,
            )
        )
    participants = list(
        Participant.objects.filter(rakor=rakor, excluded=False)
        .select_related("person")
        .order_by("pk")
    )
    units = unit_map(rakor.regency_id)
    frontline_ids = {
        units[p.unit_id].anchor
        for p in participants
        if p.unit_id in units and units[units[p.unit_id].anchor].is_frontline
    }
    attendees = []
    for p in participants:
        anchor = units[p.unit_id].anchor if p.unit_id in units else None
        attendees.append(
            S.Attendee(
                key=p.pk,
                person=p.person_id,
                cluster=p.cluster_id,
                sessions=attendee_sessions(p, by_cluster),
                all_sessions=p.all_sessions and not p.pinned_session_id,
                duty_unit=anchor if anchor in frontline_ids else None,
                home_unit=anchor,
            )
        )
    staff = staff_counts(rakor.regency_id, frontline_ids, rakor.start_date, units)
    frontline = []
    for unit_id in sorted(frontline_ids):
        info = units[unit_id]
        service = {}
        for d, day in enumerate(days):
            spans = _opening_spans(info, day)
            for k, (a, b) in enumerate(slot_times):
                minutes = _overlap_minutes(spans, a, b)
                if minutes:
                    service[(d, k)] = minutes
        frontline.append(
            S.FrontlineUnit(unit_id, info.name, max(staff.get(unit_id, 0), 1), service)
        )
    unavailable = unavailable_cells(rakor, {p.person_id for p in participants})
    instance = S.Instance(
        days=[d.isoformat() for d in days],
        slots_per_day=rakor.slots_per_day,
        slot_minutes=rakor.slot_minutes,
        rooms=rooms,
        sessions=specs,
        attendees=attendees,
        frontline=frontline,
        unavailable=unavailable,
        min_on_duty=rakor.min_on_duty_share,
        day_weight=0 if rakor.spread_over_days else rakor.day_weight,
        balance_weight=BALANCE_WEIGHT if rakor.spread_over_days else 0,
        slot_labels=slot_labels,
        person_names={p.person_id: p.person.full_name or p.person.username for p in participants},
    )
    return Plan(
        instance=instance, sessions=sessions, participants=participants, day_index=day_index
    )


def staff_counts(regency_id: int, unit_ids: set[int], day: datetime.date, units=None) -> dict:
    """People holding positions in each unit or its internal parts on a day (one query)."""
    if not unit_ids:
        return {}
    units = units or unit_map(regency_id)
    seen: dict[int, set[int]] = defaultdict(set)
    rows = (
        Assignment.objects.current(day)
        .filter(regency_id=regency_id, position__is_active=True)
        .values_list("person_id", "position__unit_id")
    )
    for person, unit_id in rows:
        info = units.get(unit_id)
        if info is not None and info.anchor in unit_ids:
            seen[info.anchor].add(person)
    return {u: len(people) for u, people in seen.items()}


def unavailable_cells(rakor: Rakor, person_ids: set[int]) -> dict[int, frozenset]:
    """The (day, slot) cells each person declared themselves unavailable for."""
    start = rakor.at(rakor.start_date, 0)
    end = rakor.at(rakor.end_date, rakor.slots_per_day)
    rows = Unavailability.objects.filter(
        Q(start__lt=end) & Q(end__gt=start), person_id__in=person_ids
    ).values_list("person_id", "start", "end")
    cells: dict[int, set] = defaultdict(set)
    for person, a, b in rows:
        for d, day in enumerate(rakor.days):
            for k in range(rakor.slots_per_day):
                slot_start = rakor.at(day, k)
                slot_end = rakor.at(day, k + 1)
                if a < slot_end and b > slot_start:
                    cells[person].add((d, k))
    return {p: frozenset(c) for p, c in cells.items()}


def current_solution(plan: Plan) -> S.Solution:
    """The schedule as it stands in the database (after the solver or manual moves)."""
    days = dict(plan.day_index.items())
    placements = {}
    for s in plan.sessions:
        if s.is_placed:
            placements[s.pk] = S.Placement(days.get(s.day, -1), s.start_slot, s.room_id)
    by_cluster: dict[int, list[int]] = defaultdict(list)
    for s in plan.sessions:
        by_cluster[s.cluster_id].append(s.pk)
    attends = {}
    for p, a in zip(plan.participants, plan.instance.attendees, strict=True):
        if a.fixed:
            attends[p.pk] = tuple(a.sessions)
        else:
            attends[p.pk] = (p.session_id,) if p.session_id in a.sessions else ()
    return S.Solution(placements=placements, attends=attends)


def apply_solution(plan: Plan, solution: S.Solution) -> list[Session]:
    """Write a solver's placements and session choices; returns the sessions that moved."""
    days = {i: d for d, i in plan.day_index.items()}
    moved = []
    for s in plan.sessions:
        p = solution.placements.get(s.pk)
        if p is None:
            continue
        day, start, room = days[p.day], p.start, p.room
        if (s.day, s.start_slot, s.room_id) != (day, start, room):
            s.day, s.start_slot, s.room_id = day, start, room
            if s.placed_by != "organiser":
                s.placed_by = "solver"
            s.save(update_fields=["day", "start_slot", "room", "placed_by"])
            moved.append(s)
        elif not s.placed_by:
            s.placed_by = "solver"
            s.save(update_fields=["placed_by"])
    changed = []
    for p in plan.participants:
        chosen = solution.attends.get(p.pk, ())
        session = chosen[0] if len(chosen) == 1 else None
        if p.session_id != session:
            p.session_id = session
            changed.append(p)
    Participant.objects.bulk_update(changed, ["session"], batch_size=500)
    return moved


def attendees_by_session(rakor: Rakor) -> dict[int, list[Participant]]:
    """Who attends each session: assigned participants and the cluster's chairs."""
    sessions = planned_sessions(rakor)
    by_cluster: dict[int, list[int]] = defaultdict(list)
    for s in sessions:
        by_cluster[s.cluster_id].append(s.pk)
    out: dict[int, list[Participant]] = {s.pk: [] for s in sessions}
    participants = (
        Participant.objects.filter(rakor=rakor, excluded=False)
        .select_related("person", "position", "unit")
        .order_by("unit__path", "role", "person__full_name", "pk")
    )
    for p in participants:
        if p.pinned_session_id in out:
            out[p.pinned_session_id].append(p)
        elif p.all_sessions:
            for s in by_cluster.get(p.cluster_id, []):
                out[s].append(p)
        elif len(by_cluster.get(p.cluster_id, [])) == 1:
            out[by_cluster[p.cluster_id][0]].append(p)
        elif p.session_id in out:
            out[p.session_id].append(p)
    return out


def session_attendees(session: Session) -> list[Participant]:
    """Who attends one session (same rules as :func:`attendees_by_session`)."""
    siblings = list(
        Session.objects.filter(rakor_id=session.rakor_id, cluster_id=session.cluster_id)
        .exclude(status=SessionStatus.CANCELLED)
        .values_list("pk", flat=True)
    )
    qs = Participant.objects.filter(
        rakor_id=session.rakor_id, cluster_id=session.cluster_id, excluded=False
    ).select_related("person", "position", "unit")
    if len(siblings) == 1:
        return list(qs.order_by("unit__path", "role", "person__full_name"))
    return list(
        qs.filter(
            Q(pinned_session=session)
            | Q(pinned_session__isnull=True, all_sessions=True)
            | Q(pinned_session__isnull=True, session=session)
        ).order_by("unit__path", "role", "person__full_name")
    )


def positions_of_cluster(cluster, regency_id: int):
    """Head-level positions of a cluster's units and their internal parts (decision owners)."""
    units = unit_map(regency_id)
    member_ids = set(cluster.units.values_list("pk", flat=True))
    unit_ids = [u.pk for u in units.values() if u.anchor in member_ids]
    return Position.objects.filter(
        unit_id__in=unit_ids, is_active=True, level__in=DEFAULT_LEVELS
    ).select_related("unit")
