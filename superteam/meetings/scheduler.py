"""Placing a rakor's sessions in days, time slots and rooms (OR-Tools CP-SAT).

A plain module: it knows nothing of Django. The meetings app turns a rakor into an
:class:`Instance` (see ``planning.py``), calls :func:`solve`, and stores the
:class:`Solution`. The same :func:`check` verifies every schedule, whether it comes from
the solver, from the greedy baseline or from an organiser moving a session by hand.

Hard rules
  * every session sits in one room, on one day, in consecutive time slots of that day;
  * a room holds one session at a time and seats everyone attending it;
  * nobody is in two places at once (people belong to several clusters);
  * nobody is scheduled while they declared themselves unavailable;
  * every frontline unit keeps at least ``min_on_duty`` of its staff at work in every
    time slot that falls in its service hours (attendees of a unit may be split across
    a cluster's sessions, and slots outside service hours cost nothing);
  * a day fixed by the organiser, or a session placed by hand, stays where it is.

Objective (smaller is better), in staff-minutes
  disruption (frontline staff away during their service hours, minute by minute)
  + ``day_weight`` × days used + preferences (sessions ranked 1, 2, … start early)
  + a small cost for splitting a unit's people over several sessions of a cluster.

Deterministic: the model is built in a fixed order, the search runs with a fixed seed and
is limited by CP-SAT's *deterministic* time, so the same input gives the same schedule.
"""

from __future__ import annotations

import itertools
import math
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from ortools.sat.python import cp_model

Cell = tuple[int, int]  # (day index, slot index)


@dataclass(frozen=True)
class Room:
    key: int
    name: str
    capacity: int


@dataclass(frozen=True)
class Placement:
    day: int
    start: int
    room: int  # Room.key

    def cells(self, length: int) -> list[Cell]:
        return [(self.day, self.start + i) for i in range(length)]


@dataclass(frozen=True)
class SessionSpec:
    key: int
    name: str
    cluster: int
    length: int  # time slots
    priority: int = 0  # 1 = as early as possible, 2 = next, ...; 0 = no preference
    days: tuple[int, ...] | None = None  # the day indexes allowed (a day fixed by the organiser)
    pinned: Placement | None = None  # placed by hand: stays there


@dataclass(frozen=True)
class Attendee:
    """One person's place on a cluster's roster.

    They attend exactly one of ``sessions`` (the scheduler chooses), or all of them when
    ``all_sessions`` (chairs); a single candidate session means they attend that one.
    """

    key: int
    person: int
    cluster: int
    sessions: tuple[int, ...]
    all_sessions: bool = False
    duty_unit: int | None = None  # the frontline unit whose staff they belong to
    home_unit: int | None = None  # keep a unit's people together when possible

    @property
    def fixed(self) -> bool:
        return self.all_sessions or len(self.sessions) == 1


@dataclass(frozen=True)
class FrontlineUnit:
    key: int
    name: str
    staff: int  # people holding its positions (and those of its divisions and sections)
    service: dict[Cell, int]  # minutes of each time slot that fall in its service hours


@dataclass
class Instance:
    days: list[str]
    slots_per_day: int
    slot_minutes: int
    rooms: list[Room]
    sessions: list[SessionSpec]
    attendees: list[Attendee]
    frontline: list[FrontlineUnit]
    unavailable: dict[int, frozenset[Cell]] = field(default_factory=dict)
    min_on_duty: float = 0.5
    day_weight: int = 600
    preference_weight: int = 60
    split_weight: int = 30
    balance_weight: int = 0  # per session-slot of the busiest day: spread over the days
    slot_labels: list[str] = field(default_factory=list)
    person_names: dict[int, str] = field(default_factory=dict)

    def max_away(self, unit: FrontlineUnit) -> int:
        """How many of the unit's staff may be away at once during service hours."""
        return max(0, unit.staff - math.ceil(self.min_on_duty * unit.staff - 1e-9))

    def session(self, key: int) -> SessionSpec:
        return self._sessions[key]

    def room(self, key: int) -> Room:
        return self._rooms[key]

    def __post_init__(self) -> None:
        self._sessions = {s.key: s for s in self.sessions}
        self._rooms = {r.key: r for r in self.rooms}
        if not self.slot_labels:
            self.slot_labels = [str(k + 1) for k in range(self.slots_per_day)]

    def cell_label(self, cell: Cell) -> str:
        return f"{self.days[cell[0]]} {self.slot_labels[cell[1]]}"

    def person_name(self, person: int) -> str:
        return self.person_names.get(person, f"#{person}")


@dataclass
class Reason:
    """A rule a schedule breaks or a cause of infeasibility, as data (rendered in any language)."""

    kind: str
    params: dict

    def as_dict(self) -> dict:
        return {"kind": self.kind, "params": self.params}


@dataclass
class Solution:
    placements: dict[int, Placement]
    attends: dict[int, tuple[int, ...]]  # attendee key -> sessions they attend
    status: str = "manual"  # optimal, feasible, infeasible, unknown, greedy, manual
    wall_time: float = 0.0
    first_solution_time: float | None = None
    objective: dict = field(default_factory=dict)
    best_bound: float | None = None
    explanation: list[Reason] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.status in ("optimal", "feasible", "greedy", "manual")


# --- Measuring and checking a schedule --------------------------------------------------


def attendees_of(instance: Instance, solution: Solution) -> dict[int, list[Attendee]]:
    """Who attends each session."""
    by_key = {a.key: a for a in instance.attendees}
    out: dict[int, list[Attendee]] = defaultdict(list)
    for key, sessions in solution.attends.items():
        for s in sessions:
            out[s].append(by_key[key])
    return out


def evaluate(instance: Instance, solution: Solution) -> dict:
    """The objective's parts for any schedule (solver, greedy or manual), computed alike."""
    occupancy = {
        s.key: set(p.cells(s.length))
        for s in instance.sessions
        if (p := solution.placements.get(s.key))
    }
    by_session = attendees_of(instance, solution)
    disruption = 0
    frontline = {u.key: u for u in instance.frontline}
    for s_key, people in by_session.items():
        cells = occupancy.get(s_key, set())
        for a in people:
            unit = frontline.get(a.duty_unit)
            if unit is None:
                continue
            disruption += sum(unit.service.get(c, 0) for c in cells)
    days_used = len({p.day for p in solution.placements.values()})
    ranked = [s for s in instance.sessions if s.priority]
    top = max((s.priority for s in ranked), default=0)
    preference = 0
    for s in ranked:
        p = solution.placements.get(s.key)
        if p:
            preference += (
                instance.preference_weight
                * (top + 1 - s.priority)
                * (p.day * instance.slots_per_day + p.start)
            )
    groups: dict[tuple, set[int]] = defaultdict(set)
    for a in instance.attendees:
        if not a.fixed and a.home_unit is not None:
            for s in solution.attends.get(a.key, ()):
                groups[(a.home_unit, a.cluster)].add(s)
    split = sum(instance.split_weight * (len(v) - 1) for v in groups.values() if len(v) > 1)
    load: dict[int, int] = defaultdict(int)
    for s in instance.sessions:
        if (p := solution.placements.get(s.key)) is not None:
            load[p.day] += s.length
    busiest = max(load.values(), default=0)
    return {
        "disruption_minutes": disruption,
        "days_used": days_used,
        "busiest_day_slots": busiest,
        "preference": preference,
        "split": split,
        "total": disruption
        + instance.day_weight * days_used
        + instance.balance_weight * busiest
        + preference
        + split,
    }


def check(instance: Instance, solution: Solution) -> list[Reason]:
    """Every hard rule the schedule breaks (empty: the schedule is valid)."""
    problems: list[Reason] = []
    T = instance.slots_per_day
    occupancy: dict[int, list[Cell]] = {}
    for s in instance.sessions:
        p = solution.placements.get(s.key)
        if p is None:
            problems.append(Reason("unplaced", {"session": s.name}))
            continue
        if p.room not in instance._rooms:
            problems.append(Reason("unplaced", {"session": s.name}))
            continue
        if not (0 <= p.day < len(instance.days) and p.start >= 0 and p.start + s.length <= T):
            problems.append(
                Reason(
                    "outside_grid",
                    {"session": s.name, "length": s.length, "slots_per_day": T},
                )
            )
            continue
        if s.days is not None and p.day not in s.days:
            problems.append(
                Reason(
                    "wrong_day",
                    {"session": s.name, "days": [instance.days[d] for d in s.days]},
                )
            )
        occupancy[s.key] = p.cells(s.length)

    # One session per room at a time.
    in_room: dict[tuple[int, Cell], list[int]] = defaultdict(list)
    for s_key, cells in occupancy.items():
        for c in cells:
            in_room[(solution.placements[s_key].room, c)].append(s_key)
    reported: set[tuple] = set()
    for (room, c), keys in sorted(in_room.items()):
        if len(keys) > 1 and (room, tuple(keys)) not in reported:
            reported.add((room, tuple(keys)))
            problems.append(
                Reason(
                    "room_clash",
                    {
                        "room": instance.room(room).name,
                        "sessions": [instance.session(k).name for k in keys],
                        "when": instance.cell_label(c),
                    },
                )
            )

    # Each roster entry attends the right number of sessions, from its candidates.
    for a in instance.attendees:
        chosen = set(solution.attends.get(a.key, ()))
        expected_all = a.all_sessions or len(a.sessions) == 1
        ok = chosen == set(a.sessions) if expected_all else len(chosen) == 1
        if not ok or not chosen <= set(a.sessions):
            problems.append(Reason("unassigned", {"person": instance.person_name(a.person)}))

    by_session = attendees_of(instance, solution)
    for s_key, people in sorted(by_session.items()):
        p = solution.placements.get(s_key)
        if p is None or p.room not in instance._rooms:
            continue
        room = instance.room(p.room)
        if len(people) > room.capacity:
            problems.append(
                Reason(
                    "capacity",
                    {
                        "session": instance.session(s_key).name,
                        "room": room.name,
                        "capacity": room.capacity,
                        "attendees": len(people),
                    },
                )
            )

    # Nobody in two places at once, nobody while unavailable.
    where: dict[tuple[int, Cell], list[int]] = defaultdict(list)
    for s_key, people in by_session.items():
        for a in people:
            for c in occupancy.get(s_key, ()):
                where[(a.person, c)].append(s_key)
    clashes: dict[tuple[int, tuple[int, ...]], Cell] = {}
    for (person, c), keys in sorted(where.items()):
        if len(set(keys)) > 1:
            clashes.setdefault((person, tuple(sorted(set(keys)))), c)
    for (person, keys), c in sorted(clashes.items()):
        problems.append(
            Reason(
                "person_clash",
                {
                    "person": instance.person_name(person),
                    "sessions": [instance.session(k).name for k in keys],
                    "when": instance.cell_label(c),
                },
            )
        )
    unavailable_hits: dict[tuple[int, int], list[Cell]] = defaultdict(list)
    for (person, c), keys in sorted(where.items()):
        if c in instance.unavailable.get(person, ()):
            for k in keys:
                unavailable_hits[(person, k)].append(c)
    for (person, k), cells in sorted(unavailable_hits.items()):
        # Name every time of the session the person declared unavailable, not one slot.
        problems.append(
            Reason(
                "unavailable",
                {
                    "person": instance.person_name(person),
                    "session": instance.session(k).name,
                    "when": ", ".join(_cells_summary(instance, cells)),
                },
            )
        )

    # Frontline units keep their share of staff on duty.
    away: dict[tuple[int, Cell], set[int]] = defaultdict(set)
    for s_key, people in by_session.items():
        for a in people:
            if a.duty_unit is None:
                continue
            for c in occupancy.get(s_key, ()):
                away[(a.duty_unit, c)].add(a.person)
    for unit in instance.frontline:
        limit = instance.max_away(unit)
        worst: tuple[int, Cell] | None = None
        for c in sorted(unit.service):
            if unit.service[c] <= 0:
                continue
            n = len(away.get((unit.key, c), ()))
            if n > limit and (worst is None or n > worst[0]):
                worst = (n, c)
        if worst:
            problems.append(
                Reason(
                    "coverage",
                    {
                        "unit": unit.name,
                        "away": worst[0],
                        "staff": unit.staff,
                        "on_duty": unit.staff - worst[0],
                        "required": unit.staff - limit,
                        "when": instance.cell_label(worst[1]),
                    },
                )
            )
    return problems


# --- The greedy first-fit baseline ------------------------------------------------------


def _default_split(instance: Instance) -> dict[int, tuple[int, ...]]:
    """Fixed attendees attend their sessions; the others go round-robin by unit, so a
    cluster's sessions are about equally full and a unit's people stay together."""
    attends: dict[int, tuple[int, ...]] = {}
    turn: dict[int, int] = defaultdict(int)
    unit_choice: dict[tuple, int] = {}
    for a in sorted(instance.attendees, key=lambda a: (a.cluster, a.home_unit or 0, a.key)):
        if a.fixed:
            attends[a.key] = tuple(a.sessions)
            continue
        group = (a.cluster, a.home_unit, a.sessions)
        if group not in unit_choice:
            unit_choice[group] = a.sessions[turn[a.cluster] % len(a.sessions)]
            turn[a.cluster] += 1
        attends[a.key] = (unit_choice[group],)
    return attends


def greedy(instance: Instance) -> Solution:
    """First fit, as a person with a spreadsheet would do it: sessions in preference order,
    each in the first day, slot and room where the room is free and large enough, and
    where nobody attending is elsewhere or unavailable. It does not look at service
    coverage; when nothing fits, it takes the first free room anyway."""
    started = time.monotonic()
    attends = _default_split(instance)
    by_session: dict[int, set[int]] = defaultdict(set)
    by_key = {a.key: a for a in instance.attendees}
    for key, sessions in attends.items():
        for s in sessions:
            by_session[s].add(by_key[key].person)
    busy_room: set[tuple[int, Cell]] = set()
    busy_person: set[tuple[int, Cell]] = set()
    placements: dict[int, Placement] = {}
    rooms = sorted(instance.rooms, key=lambda r: (r.capacity, r.key))
    order = sorted(instance.sessions, key=lambda s: (s.priority or 10**6, s.key))
    for s in order:
        people = by_session.get(s.key, set())
        candidates = []
        if s.pinned is not None:
            candidates = [s.pinned]
        else:
            for d in s.days if s.days is not None else range(len(instance.days)):
                for k in range(instance.slots_per_day - s.length + 1):
                    for r in rooms:
                        candidates.append(Placement(d, k, r.key))
        chosen = None
        fallback = None
        for p in candidates:
            cells = p.cells(s.length)
            if any((p.room, c) in busy_room for c in cells):
                continue
            if fallback is None:
                fallback = p
            if instance.room(p.room).capacity < len(people):
                continue
            if any((person, c) in busy_person for person in people for c in cells):
                continue
            if any(c in instance.unavailable.get(person, ()) for person in people for c in cells):
                continue
            chosen = p
            break
        chosen = chosen or fallback or (candidates[0] if candidates else None)
        if chosen is None:
            continue
        placements[s.key] = chosen
        for c in chosen.cells(s.length):
            busy_room.add((chosen.room, c))
            for person in people:
                busy_person.add((person, c))
    solution = Solution(placements=placements, attends=attends, status="greedy")
    solution.wall_time = time.monotonic() - started
    solution.objective = evaluate(instance, solution)
    return solution


def constructive(instance: Instance) -> Solution:
    """A quick schedule that tries to respect every rule, to start the solver from.

    A frontline unit's people are spread over its cluster's sessions when the unit could
    not spare them all at once; then the sessions carrying most frontline staff are placed
    first, each where it disturbs service least among the places that break no rule so far.
    """
    frontline = {u.key: u for u in instance.frontline}
    attends: dict[int, tuple[int, ...]] = {}
    by_group: dict[tuple, list[Attendee]] = defaultdict(list)
    for a in sorted(instance.attendees, key=lambda a: a.key):
        if a.fixed:
            attends[a.key] = tuple(a.sessions)
        else:
            by_group[(a.cluster, a.home_unit, a.duty_unit, a.sessions)].append(a)
    load: dict[int, int] = defaultdict(int)
    for key in sorted(by_group, key=lambda k: (-len(by_group[k]), k[0], k[1] or 0)):
        members = by_group[key]
        options = list(key[3])
        unit = frontline.get(key[2])
        limit = instance.max_away(unit) if unit else len(members)
        if unit is None or len(members) <= limit:
            target = min(options, key=lambda s: (load[s], s))
            for a in members:
                attends[a.key] = (target,)
            load[target] += len(members)
        else:
            for i, a in enumerate(members):
                s = options[i % len(options)]
                attends[a.key] = (s,)
                load[s] += 1
    by_key = {a.key: a for a in instance.attendees}
    people: dict[int, list[Attendee]] = defaultdict(list)
    for key, sessions in attends.items():
        for s in sessions:
            people[s].append(by_key[key])
    T = instance.slots_per_day

    def weight(s: SessionSpec) -> int:
        return sum(
            sum(frontline[a.duty_unit].service.values())
            for a in people[s.key]
            if a.duty_unit in frontline
        )

    busy_room: dict[tuple[int, Cell], int] = defaultdict(int)
    busy_person: dict[tuple[int, Cell], int] = defaultdict(int)
    away: dict[tuple[int, Cell], int] = defaultdict(int)
    placements: dict[int, Placement] = {}
    persons_of = {s.key: {a.person for a in people[s.key]} for s in instance.sessions}
    units_of = {
        s.key: Counter(a.duty_unit for a in people[s.key] if a.duty_unit in frontline)
        for s in instance.sessions
    }

    def cost(s: SessionSpec, p: Placement) -> int:
        persons, units = persons_of[s.key], units_of[s.key]
        total = (p.day * T + p.start) + instance.room(p.room).capacity // 50
        for c in p.cells(s.length):
            if busy_room[(p.room, c)]:
                total += 10**9
            for u, n in units.items():
                minutes = frontline[u].service.get(c, 0)
                if minutes > 0:
                    total += n * minutes
                    if away[(u, c)] + n > instance.max_away(frontline[u]):
                        total += 10**7
            total += 10**8 * sum(1 for person in persons if busy_person[(person, c)])
            total += 10**7 * sum(
                1 for person in persons if c in instance.unavailable.get(person, ())
            )
        return total

    def occupy(s: SessionSpec, p: Placement, sign: int) -> None:
        for c in p.cells(s.length):
            busy_room[(p.room, c)] += sign
            for person in persons_of[s.key]:
                busy_person[(person, c)] += sign
            for u, n in units_of[s.key].items():
                if frontline[u].service.get(c, 0) > 0:
                    away[(u, c)] += sign * n

    def options(s: SessionSpec) -> list[Placement]:
        if s.pinned is not None:
            return [s.pinned]
        return [
            Placement(d, k, r.key)
            for d in (s.days if s.days is not None else range(len(instance.days)))
            for k in range(T - s.length + 1)
            for r in instance.rooms
            if r.capacity >= len(people[s.key])
        ]

    def place(s: SessionSpec) -> int:
        best, best_cost = None, None
        for p in options(s):
            c = cost(s, p)
            if best_cost is None or c < best_cost:
                best, best_cost = p, c
        if best is not None:
            placements[s.key] = best
            occupy(s, best, +1)
        return best_cost or 0

    order = sorted(instance.sessions, key=lambda s: (s.pinned is None, -weight(s), s.key))
    for s in order:
        place(s)
    # Local repair: take out a session that breaks a rule and put it back where it is best.
    for _round in range(4):
        changed = False
        for s in order:
            p = placements.get(s.key)
            if p is None:
                continue
            occupy(s, p, -1)
            if cost(s, p) < 10**7:
                occupy(s, p, +1)
                continue
            del placements[s.key]
            place(s)
            changed = changed or placements.get(s.key) != p
        if not changed:
            break

    # Repair: move flexible people who are unavailable when their session meets.
    seats = {k: instance.room(p.room).capacity for k, p in placements.items()}
    size = {k: len(v) for k, v in people.items()}
    for a in sorted(instance.attendees, key=lambda a: a.key):
        blocked = instance.unavailable.get(a.person)
        if a.fixed or not blocked:
            continue
        current = attends[a.key][0]

        def hits(s: int, blocked=blocked) -> bool:
            p = placements.get(s)
            length = instance.session(s).length
            return p is None or any(c in blocked for c in p.cells(length))

        if not hits(current):
            continue
        for s in a.sessions:
            if s != current and not hits(s) and size.get(s, 0) < seats.get(s, 0):
                attends[a.key] = (s,)
                size[s] = size.get(s, 0) + 1
                size[current] -= 1
                break
    solution = Solution(placements=placements, attends=attends, status="constructive")
    solution.objective = evaluate(instance, solution)
    return solution


# --- The CP-SAT model -------------------------------------------------------------------


class _Model:
    """Builds the CP-SAT model. With ``explain`` every group of rules is switched on by an
    assumption literal, so that an infeasible core names the groups that conflict."""

    def __init__(self, instance: Instance, *, explain: bool = False):
        self.inst = instance
        self.explain = explain
        self.m = cp_model.CpModel()
        self.groups: list[tuple[cp_model.IntVar, Reason]] = []
        self._group_index: dict[tuple, cp_model.IntVar] = {}
        self.structural: list[Reason] = []
        self._build()

    # Assumption literals: one per group of rules that an explanation can name.
    def _lit(self, key: tuple, reason: Callable[[], Reason]):
        if not self.explain:
            return None
        lit = self._group_index.get(key)
        if lit is None:
            lit = self.m.NewBoolVar(f"assume_{len(self.groups)}")
            self._group_index[key] = lit
            self.groups.append((lit, reason()))
        return lit

    def _enforce(self, constraint, lit) -> None:
        if lit is not None:
            constraint.OnlyEnforceIf(lit)

    def _build(self) -> None:
        inst, m = self.inst, self.m
        T, D = inst.slots_per_day, len(inst.days)
        fixed_people: dict[int, list[Attendee]] = defaultdict(list)
        flexible: list[Attendee] = []
        for a in inst.attendees:
            if a.fixed:
                for s in a.sessions:
                    fixed_people[s].append(a)
            else:
                flexible.append(a)
        self.fixed_people = fixed_people

        # Placements of each session (pruned by rules that cannot be switched off here).
        self.place: dict[int, list[tuple[Placement, cp_model.IntVar]]] = {}
        for s in inst.sessions:
            if s.length > T:
                self.structural.append(
                    Reason(
                        "too_long",
                        {"session": s.name, "length": s.length, "slots_per_day": T},
                    )
                )
                continue
            fixed_n = len(fixed_people[s.key])
            blocked: set[Cell] = set()
            if not self.explain:
                for a in fixed_people[s.key]:
                    blocked |= inst.unavailable.get(a.person, frozenset())
            days = range(D)
            day_lit = None
            if s.days is not None:
                if self.explain:
                    day_lit = self._lit(
                        ("day", s.key),
                        lambda s=s: Reason(
                            "fixed_day",
                            {"session": s.name, "days": [inst.days[d] for d in s.days if d < D]},
                        ),
                    )
                else:
                    days = [d for d in s.days if 0 <= d < D]
            pin_lit = None
            if s.pinned is not None and self.explain:
                pin_lit = self._lit(
                    ("pin", s.key),
                    lambda s=s: Reason(
                        "pinned",
                        {
                            "session": s.name,
                            "when": _span(inst, s.pinned, s.length),
                            "room": inst.room(s.pinned.room).name
                            if s.pinned.room in inst._rooms
                            else "?",
                        },
                    ),
                )
            options = []
            for d in days:
                for k in range(T - s.length + 1):
                    for r in inst.rooms:
                        p = Placement(d, k, r.key)
                        if not self.explain:
                            if s.pinned is not None and p != s.pinned:
                                continue
                            if r.capacity < fixed_n:
                                continue
                            if blocked and any(c in blocked for c in p.cells(s.length)):
                                continue
                        options.append(p)
            if not options:
                if s.pinned is not None and not self.explain:
                    continue  # reported by the explanation run
                if s.days is not None and not any(0 <= d < D for d in s.days):
                    self.structural.append(Reason("fixed_day_outside", {"session": s.name}))
                continue
            variables = [
                (p, m.NewBoolVar(f"b_{s.key}_{p.day}_{p.start}_{p.room}")) for p in options
            ]
            m.AddExactlyOne(v for _, v in variables)
            self.place[s.key] = variables
            if day_lit is not None:
                for p, v in variables:
                    if p.day not in s.days:
                        m.AddImplication(day_lit, v.Not())
            if pin_lit is not None:
                for p, v in variables:
                    if p != s.pinned:
                        m.AddImplication(pin_lit, v.Not())

        self.unplaceable = [s for s in inst.sessions if s.key not in self.place]
        if self.unplaceable and not self.explain:
            return

        # occ[s][cell] is true when session s takes place in that cell.
        self.occ: dict[int, dict[Cell, cp_model.IntVar]] = {}
        for s in inst.sessions:
            if s.key not in self.place:
                continue
            covering: dict[Cell, list] = defaultdict(list)
            for p, v in self.place[s.key]:
                for c in p.cells(s.length):
                    covering[c].append(v)
            self.occ[s.key] = {}
            for c in sorted(covering):
                o = m.NewBoolVar(f"occ_{s.key}_{c[0]}_{c[1]}")
                m.Add(o == sum(covering[c]))
                self.occ[s.key][c] = o

        # Identical sessions of a cluster (same length, no pin, no fixed day, the same people
        # to choose from) are interchangeable: keep them in start order to cut symmetry.
        self.start_index = {
            s.key: sum((p.day * T + p.start) * v for p, v in self.place[s.key])
            for s in inst.sessions
            if s.key in self.place
        }
        if not self.explain:
            candidates: dict[int, set] = defaultdict(set)
            for a in inst.attendees:
                for s in a.sessions:
                    candidates[s].add((a.key, a.sessions, a.all_sessions))
            twins: dict[tuple, list[int]] = defaultdict(list)
            for s in inst.sessions:
                if s.key in self.place and s.pinned is None:
                    signature = (
                        s.cluster,
                        s.length,
                        s.priority,
                        s.days,
                        frozenset(candidates[s.key]),
                    )
                    twins[signature].append(s.key)
            for keys in twins.values():
                for s1, s2 in itertools.pairwise(sorted(keys)):
                    m.Add(self.start_index[s1] <= self.start_index[s2])

        # A room holds one session at a time.
        in_room: dict[tuple[int, Cell], list] = defaultdict(list)
        for s in inst.sessions:
            for p, v in self.place.get(s.key, []):
                for c in p.cells(s.length):
                    in_room[(p.room, c)].append(v)
        for key in sorted(in_room):
            if len(in_room[key]) > 1:
                m.AddAtMostOne(in_room[key])

        # Flexible attendees choose one of their sessions. People who are interchangeable
        # for every rule (same cluster, unit and sessions, on no other roster, never
        # unavailable) are counted together: far fewer variables, no symmetric search.
        rosters = Counter(a.person for a in inst.attendees)
        pooled: dict[tuple, list[Attendee]] = defaultdict(list)
        self.groups_of: list[tuple[list[Attendee], tuple[int, ...]]] = []
        for a in flexible:
            options = tuple(s for s in a.sessions if s in self.place)
            if not options:
                continue
            if rosters[a.person] == 1 and a.person not in inst.unavailable:
                pooled[(a.cluster, a.home_unit, a.duty_unit, options)].append(a)
            else:
                self.groups_of.append(([a], options))
        for key in sorted(pooled, key=lambda k: (k[0], k[1] or 0, k[2] or 0, k[3])):
            self.groups_of.append((pooled[key], key[3]))
        self.x: dict[tuple[int, int], cp_model.IntVar] = {}  # individual (attendee, session)
        self.y: dict[tuple[int, int], cp_model.IntVar] = {}  # (group index, session): how many
        for g, (members, options) in enumerate(self.groups_of):
            n = len(members)
            for s in options:
                if n == 1:
                    v = m.NewBoolVar(f"x_{members[0].key}_{s}")
                    self.x[(members[0].key, s)] = v
                else:
                    v = m.NewIntVar(0, n, f"y_{g}_{s}")
                self.y[(g, s)] = v
            m.Add(sum(self.y[(g, s)] for s in options) == n)

        # Room capacity (fixed attendees were pruned above unless explaining).
        for s in inst.sessions:
            if s.key not in self.place:
                continue
            chosen = [self.y[k] for k in sorted(self.y) if k[1] == s.key]
            fixed_n = len(fixed_people[s.key])
            if not chosen and not self.explain:
                continue
            lit = self._lit(
                ("capacity", s.key),
                lambda s=s, fixed_n=fixed_n: Reason(
                    "capacity_core",
                    {
                        "session": s.name,
                        "attendees": fixed_n,
                        "largest_room": max((r.capacity for r in inst.rooms), default=0),
                    },
                ),
            )
            seats = sum(inst.room(p.room).capacity * v for p, v in self.place[s.key])
            self._enforce(m.Add(fixed_n + sum(chosen) <= seats), lit)

        self._people_rules()
        self._coverage(fixed_people)
        self._objective()

    def _attend_literal(self, a: Attendee, s: int):
        """True when attendee ``a`` attends session ``s`` (None: certainly; False: never)."""
        if a.fixed:
            return None
        return self.x.get((a.key, s), False)

    def _people_rules(self) -> None:
        inst, m = self.inst, self.m
        by_person: dict[int, list[Attendee]] = defaultdict(list)
        for a in inst.attendees:
            by_person[a.person].append(a)
        sure: dict[tuple[int, int], set[int]] = defaultdict(set)
        conditional: dict[tuple[int, int], list[tuple[list, int]]] = defaultdict(list)
        for person in sorted(by_person):
            entries = by_person[person]
            pairs: list[tuple[int, int, object, object]] = []
            for i, a in enumerate(entries):
                for b in entries[i:]:
                    for s1 in a.sessions:
                        for s2 in b.sessions:
                            if s1 == s2 or (a is b and not a.all_sessions):
                                continue
                            if a is b and s1 > s2:
                                continue
                            pairs.append((s1, s2, a, b))
            for s1, s2, a, b in pairs:
                if s1 not in self.occ or s2 not in self.occ:
                    continue
                l1, l2 = self._attend_literal(a, s1), self._attend_literal(b, s2)
                if l1 is False or l2 is False:
                    continue
                key = (min(s1, s2), max(s1, s2))
                if l1 is None and l2 is None:
                    sure[key].add(person)
                else:
                    conditional[key].append(([lit for lit in (l1, l2) if lit is not None], person))
        self.sure_pairs = sure
        for key in sorted(set(sure) | set(conditional)):
            s1, s2 = key
            common = sorted(set(self.occ[s1]) & set(self.occ[s2]))
            if not common:
                continue
            people = sorted(sure.get(key, set()) | {p for _, p in conditional.get(key, [])})
            lit = self._lit(
                ("clash", key),
                lambda s1=s1, s2=s2, people=people: Reason(
                    "clash_core",
                    {
                        "sessions": [inst.session(s1).name, inst.session(s2).name],
                        "people": [inst.person_name(p) for p in people[:5]],
                        "count": len(people),
                    },
                ),
            )
            if key in sure:
                for c in common:
                    self._enforce(m.AddBoolOr([self.occ[s1][c].Not(), self.occ[s2][c].Not()]), lit)
            if key in conditional:
                ov = m.NewBoolVar(f"ov_{s1}_{s2}")
                for c in common:
                    m.AddBoolOr([self.occ[s1][c].Not(), self.occ[s2][c].Not(), ov])
                for lits, _person in conditional[key]:
                    self._enforce(m.AddBoolOr([ov.Not(), *[v.Not() for v in lits]]), lit)

        # Declared unavailability.
        for person in sorted(by_person):
            blocked = inst.unavailable.get(person)
            if not blocked:
                continue
            for a in by_person[person]:
                for s in a.sessions:
                    if s not in self.occ:
                        continue
                    hit = [c for c in sorted(blocked) if c in self.occ[s]]
                    if not hit:
                        continue
                    att = self._attend_literal(a, s)
                    if att is False:
                        continue
                    if att is None and not self.explain:
                        continue  # pruned from the placements already
                    lit = self._lit(
                        ("unavailable", person),
                        lambda person=person, blocked=blocked: Reason(
                            "unavailable_part",
                            {
                                "person": inst.person_name(person),
                                "when": _cells_summary(inst, blocked),
                            },
                        ),
                    )
                    for c in hit:
                        clause = [self.occ[s][c].Not()]
                        if att is not None:
                            clause.append(att.Not())
                        self._enforce(m.AddBoolOr(clause), lit)

    def _coverage(self, fixed_people) -> None:
        """Frontline units keep their share of staff on duty; also builds the disruption.

        Units with the same service hours share a profile. When the sessions a unit's people
        attend can never overlap (a cluster's chair attends all of them), at most one of them
        takes place at a time, and the rule becomes one inequality per session: the people
        of the unit in that session stay within the limit if it falls in service hours.
        Otherwise the rule is written cell by cell.
        """
        inst, m = self.inst, self.m
        persons_of: dict[int, set[int]] = defaultdict(set)
        fixed_of: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        flex_of: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
        for a in inst.attendees:
            if a.duty_unit is None:
                continue
            persons_of[a.duty_unit].add(a.person)
            if a.fixed:
                for s in a.sessions:
                    if s in self.occ:
                        fixed_of[a.duty_unit][s] += 1
        for g, (members, options) in enumerate(self.groups_of):
            unit = members[0].duty_unit
            if unit is None:
                continue
            for s in options:
                flex_of[unit][s].append((self.y[(g, s)], len(members)))

        profiles: dict[tuple, int] = {}
        in_service: dict[tuple[int, int], cp_model.IntVar] = {}
        # Disruption per profile and session: fixed people × occupied minutes, plus the
        # flexible people counted through w >= count - M (1 - occ) for each service cell.
        fixed_load: dict[tuple[int, int], int] = defaultdict(int)
        flex_load: dict[tuple[int, int], list] = defaultdict(list)
        profile_service: dict[int, dict[Cell, int]] = {}

        def service_literal(profile: int, s: int):
            key = (profile, s)
            if key not in in_service:
                v = m.NewBoolVar(f"in_service_{profile}_{s}")
                for c, minutes in profile_service[profile].items():
                    o = self.occ[s].get(c)
                    if minutes > 0 and o is not None:
                        m.AddImplication(o, v)
                in_service[key] = v
            return in_service[key]

        for unit in inst.frontline:
            persons = persons_of.get(unit.key, set())
            if not persons:
                continue
            service = {c: v for c, v in unit.service.items() if v > 0}
            pkey = tuple(sorted(service.items()))
            if pkey not in profiles:
                profiles[pkey] = len(profiles)
                profile_service[profiles[pkey]] = service
            profile = profiles[pkey]
            fixed_n = fixed_of.get(unit.key, {})
            flex = flex_of.get(unit.key, {})
            sessions = sorted(set(fixed_n) | set(flex))
            for s in sessions:
                fixed_load[(profile, s)] += fixed_n.get(s, 0)
                flex_load[(profile, s)] += flex.get(s, [])
            limit = inst.max_away(unit)
            if len(persons) <= limit:
                continue
            lit = self._lit(
                ("coverage", unit.key),
                lambda unit=unit, persons=persons, limit=limit: Reason(
                    "coverage_core",
                    {
                        "unit": unit.name,
                        "staff": unit.staff,
                        "required": unit.staff - limit,
                        "attendees": len(persons),
                        "max_away": limit,
                    },
                ),
            )
            exclusive = all(
                (min(s1, s2), max(s1, s2)) in self.sure_pairs
                for i, s1 in enumerate(sessions)
                for s2 in sessions[i + 1 :]
                if set(self.occ[s1]) & set(self.occ[s2])
            )
            if exclusive and not self.explain:
                for s in sessions:
                    count = fixed_n.get(s, 0) + sum(v for v, _ in flex.get(s, []))
                    most = fixed_n.get(s, 0) + sum(size for _, size in flex.get(s, []))
                    if most <= limit:
                        continue
                    on = service_literal(profile, s)
                    m.Add(count <= limit + (most - limit) * (1 - on))
                continue
            for c in sorted(service):
                terms = []
                for s in sessions:
                    o = self.occ[s].get(c)
                    if o is None:
                        continue
                    if fixed_n.get(s):
                        terms.append(fixed_n[s] * o)
                    if flex.get(s):
                        n = sum(size for _, size in flex[s])
                        w = m.NewIntVar(0, n, f"w_{unit.key}_{s}_{c[0]}_{c[1]}")
                        m.Add(w >= sum(v for v, _ in flex[s]) - n * (1 - o))
                        terms.append(w)
                if terms:
                    self._enforce(m.Add(sum(terms) <= limit), lit)

        self.disruption_terms: list = []
        for (profile, s), fixed in sorted(fixed_load.items()):
            for c, minutes in sorted(profile_service[profile].items()):
                o = self.occ[s].get(c)
                if o is not None and fixed:
                    self.disruption_terms.append(minutes * fixed * o)
        # Flexible people: their count is carried by the start the session takes (exact, and
        # a much tighter relaxation than one big-M term per cell).
        starts: dict[int, dict[tuple[int, int], list]] = {}
        for s_key, variables in self.place.items():
            by_start: dict[tuple[int, int], list] = defaultdict(list)
            for p, v in variables:
                by_start[(p.day, p.start)].append(v)
            starts[s_key] = by_start
        for (profile, s), loads in sorted(flex_load.items(), key=lambda kv: kv[0]):
            if not loads:
                continue
            n = sum(size for _, size in loads)
            total = sum(v for v, _ in loads)
            length = self.inst.session(s).length
            service = profile_service[profile]
            carried, free = [], []
            for (d, k), bs in sorted(starts[s].items()):
                minutes = sum(service.get((d, k + i), 0) for i in range(length))
                if minutes == 0:
                    free.extend(bs)
                    continue
                z = m.NewIntVar(0, n, f"load_{profile}_{s}_{d}_{k}")
                m.Add(z <= n * sum(bs))
                carried.append(z)
                self.disruption_terms.append(minutes * z)
            m.Add(sum(carried) + n * sum(free) >= total)

    def _objective(self) -> None:
        inst, m = self.inst, self.m
        T = inst.slots_per_day
        disruption = sum(self.disruption_terms)
        used = []
        for d in range(len(inst.days)):
            u = m.NewBoolVar(f"day_{d}")
            for s in inst.sessions:
                for p, v in self.place.get(s.key, []):
                    if p.day == d:
                        m.AddImplication(v, u)
            used.append(u)
        ranked = [s for s in inst.sessions if s.priority and s.key in self.place]
        top = max((s.priority for s in ranked), default=0)
        preference = sum(
            inst.preference_weight
            * (top + 1 - s.priority)
            * sum((p.day * T + p.start) * v for p, v in self.place[s.key])
            for s in ranked
        )
        split_terms = []
        by_home: dict[tuple, list[int]] = defaultdict(list)
        for g, (members, _options) in enumerate(self.groups_of):
            if members[0].home_unit is not None:
                by_home[(members[0].home_unit, members[0].cluster)].append(g)
        for key in sorted(by_home):
            sessions = sorted({s for g in by_home[key] for s in self.groups_of[g][1]})
            if len(sessions) < 2:
                continue
            for s in sessions:
                uses = m.NewBoolVar(f"uses_{key[0]}_{key[1]}_{s}")
                for g in by_home[key]:
                    if (g, s) in self.y:
                        m.Add(self.y[(g, s)] <= len(self.groups_of[g][0]) * uses)
                split_terms.append(uses)
        split = inst.split_weight * sum(split_terms)
        balance = 0
        if inst.balance_weight:
            total_length = sum(s.length for s in inst.sessions)
            busiest = m.NewIntVar(0, total_length, "busiest_day")
            for d in range(len(inst.days)):
                m.Add(
                    busiest
                    >= sum(
                        s.length * v
                        for s in inst.sessions
                        for p, v in self.place.get(s.key, [])
                        if p.day == d
                    )
                )
            balance = inst.balance_weight * busiest
        # Tie-break: otherwise equal schedules start sessions early and in key order.
        tiebreak = sum(
            (p.day * T + p.start) * v for s in inst.sessions for p, v in self.place.get(s.key, [])
        )
        # The tie-break is worth less than one staff-minute, so it only decides between equals.
        self.scale = len(inst.sessions) * len(inst.days) * T + 1
        m.Minimize(
            (disruption + inst.day_weight * sum(used) + balance + preference + split) * self.scale
            + tiebreak
        )

    def hint(self, solution: Solution) -> None:
        for s_key, variables in self.place.items():
            chosen = solution.placements.get(s_key)
            for p, v in variables:
                self.m.AddHint(v, int(p == chosen))
        for (g, s_key), v in self.y.items():
            members = self.groups_of[g][0]
            self.m.AddHint(v, sum(1 for a in members if s_key in solution.attends.get(a.key, ())))

    def read(self, solver: cp_model.CpSolver) -> tuple[dict, dict]:
        placements = {}
        for s_key, variables in self.place.items():
            for p, v in variables:
                if solver.BooleanValue(v):
                    placements[s_key] = p
                    break
        attends: dict[int, tuple[int, ...]] = {}
        for a in self.inst.attendees:
            if a.fixed:
                attends[a.key] = tuple(s for s in a.sessions if s in placements)
        for g, (members, options) in enumerate(self.groups_of):
            queue = list(members)
            for s in options:
                for a in queue[: solver.Value(self.y[(g, s)])]:
                    attends[a.key] = (s,)
                queue = queue[solver.Value(self.y[(g, s)]) :]
        for a in self.inst.attendees:
            attends.setdefault(a.key, ())
        return placements, attends


def _span(inst: Instance, placement: Placement, length: int) -> str:
    """A placed session's day and time span ("2026-12-15 08:00–15:00")."""
    cells = placement.cells(length)
    return ", ".join(_cells_summary(inst, cells)) or inst.cell_label(cells[0])


def _cells_summary(inst: Instance, cells: Iterable[Cell]) -> list[str]:
    """Unavailable cells as "day from–to" ranges, for an explanation."""
    out = []
    by_day: dict[int, list[int]] = defaultdict(list)
    for d, k in sorted(cells):
        if 0 <= d < len(inst.days) and 0 <= k < inst.slots_per_day:
            by_day[d].append(k)
    for d, slots in sorted(by_day.items()):
        run = [slots[0]]
        for k in [*slots[1:], None]:
            if k is not None and k == run[-1] + 1:
                run.append(k)
                continue
            out.append(
                f"{inst.days[d]} {inst.slot_labels[run[0]].split('–')[0]}–"
                f"{inst.slot_labels[run[-1]].split('–')[-1]}"
            )
            if k is not None:
                run = [k]
    return out


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(self, started: float, on_progress):
        super().__init__()
        self.started = started
        self.on_progress = on_progress
        self.first: float | None = None
        self.count = 0

    def on_solution_callback(self) -> None:
        now = time.monotonic() - self.started
        if self.first is None:
            self.first = now
        self.count += 1
        if self.on_progress:
            self.on_progress(
                {
                    "stage": "improved",
                    "solutions": self.count,
                    "objective": self.ObjectiveValue(),
                    "bound": self.BestObjectiveBound(),
                    "seconds": now,
                }
            )


def _parameters(time_limit: float, workers: int, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.random_seed = seed
    p.num_workers = max(1, workers)
    if workers > 1:
        # Interleaved subsolvers run in a fixed order: parallel yet reproducible.
        p.interleave_search = True
    # Deterministic time, not wall time, bounds the search: the same model then always
    # stops at the same point whatever the machine's load. Wall time is only a safety net.
    p.max_deterministic_time = float(time_limit)
    p.max_time_in_seconds = float(time_limit) * 6 + 5
    return solver


def solve(
    instance: Instance,
    *,
    time_limit: float = 20.0,
    workers: int = 1,
    seed: int = 0,
    on_progress: Callable[[dict], None] | None = None,
    explain: bool = True,
) -> Solution:
    """Find the best schedule within the (deterministic) time limit; explain infeasibility.

    Phase 1 looks for any schedule that keeps every hard rule (started from the
    :func:`constructive` heuristic); phase 2 improves it on the objective for the rest of
    the time. ``on_progress`` receives a dict after each phase and each better schedule.
    """
    started = time.monotonic()

    def report(stage: str, **values) -> None:
        if on_progress:
            on_progress({"stage": stage, "seconds": time.monotonic() - started, **values})

    def give_up(status: str) -> Solution:
        solution = Solution(placements={}, attends={}, status=status)
        if status == "infeasible" and explain:
            report("explaining")
            solution.explanation = explain_infeasibility(instance)
        solution.wall_time = time.monotonic() - started
        return solution

    model = _Model(instance)
    obvious = list(model.structural) or obvious_conflicts(instance)
    if obvious:
        solution = Solution(placements={}, attends={}, status="infeasible", explanation=obvious)
        solution.wall_time = time.monotonic() - started
        return solution
    if model.unplaceable:
        return give_up("infeasible")
    report("model", variables=len(model.m.Proto().variables))

    feasibility = _Model(instance)
    feasibility.hint(constructive(instance))
    feasibility.m.ClearObjective()
    budget = float(time_limit)
    solver = _parameters(max(1.0, budget * 0.4), 1, seed)
    status = solver.Solve(feasibility.m)
    budget = max(1.0, budget - solver.deterministic_time)
    if status == cp_model.INFEASIBLE:
        return give_up("infeasible")
    found: Solution | None = None
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        placements, attends = feasibility.read(solver)
        found = Solution(placements=placements, attends=attends, status="feasible")
        found.first_solution_time = time.monotonic() - started
        found.objective = evaluate(instance, found)
        model.hint(found)
        report("feasible", objective=found.objective["total"])

    solver = _parameters(budget, workers, seed)
    callback = _Progress(started, on_progress)
    status = solver.Solve(model.m, callback)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        placements, attends = model.read(solver)
        solution = Solution(
            placements=placements,
            attends=attends,
            status="optimal" if status == cp_model.OPTIMAL else "feasible",
            first_solution_time=found.first_solution_time if found else callback.first,
            best_bound=solver.BestObjectiveBound() / model.scale,
        )
        solution.objective = evaluate(instance, solution)
    elif found is not None:
        solution = found
    else:
        return give_up("infeasible" if status == cp_model.INFEASIBLE else "unknown")
    solution.wall_time = time.monotonic() - started
    return solution


def obvious_conflicts(instance: Instance) -> list[Reason]:
    """Conflicts that need no search (each one alone proves that no schedule exists).

    * the people who must attend a session at once outnumber the largest room;
    * someone is unavailable at every time any of their sessions could take place;
    * a frontline unit's people in a cluster cannot be spread thinly enough: with k sessions
      some session gets ceil(n / k) of them, and when every possible time of those sessions
      falls in the unit's service hours that is more than the unit may spare.
    """
    reasons: list[Reason] = []
    T, D = instance.slots_per_day, len(instance.days)
    largest = max((r.capacity for r in instance.rooms), default=0)

    def times(s: SessionSpec) -> list[list[Cell]]:
        if s.length > T:
            return []
        if s.pinned is not None:
            return [s.pinned.cells(s.length)]
        days = [d for d in (s.days if s.days is not None else range(D)) if 0 <= d < D]
        return [
            [(d, k + i) for i in range(s.length)] for d in days for k in range(T - s.length + 1)
        ]

    spans = {s.key: times(s) for s in instance.sessions}
    fixed_count: dict[int, int] = defaultdict(int)
    for a in instance.attendees:
        if a.fixed:
            for s in a.sessions:
                fixed_count[s] += 1
    for s in instance.sessions:
        if fixed_count[s.key] > largest:
            reasons.append(
                Reason(
                    "capacity_core",
                    {"session": s.name, "attendees": fixed_count[s.key], "largest_room": largest},
                )
            )
    for a in instance.attendees:
        blocked = instance.unavailable.get(a.person)
        if not blocked:
            continue
        candidates = a.sessions
        hopeless = [
            s for s in candidates if all(any(c in blocked for c in cells) for cells in spans[s])
        ]
        if (a.fixed and hopeless) or (not a.fixed and len(hopeless) == len(candidates)):
            reasons.append(
                Reason(
                    "unavailable_core",
                    {
                        "person": instance.person_name(a.person),
                        "when": _cells_summary(instance, blocked),
                    },
                )
            )
            for key in hopeless:
                session = instance.session(key)
                if session.days is None and session.pinned is None:
                    continue
                free = times(replace(session, days=None, pinned=None))
                if not any(not any(c in blocked for c in cells) for cells in free):
                    continue
                # Another time would have worked: the organiser's choice is part of the conflict.
                if session.pinned is not None:
                    reasons.append(
                        Reason(
                            "pinned",
                            {
                                "session": session.name,
                                "when": _span(instance, session.pinned, session.length),
                                "room": instance.room(session.pinned.room).name
                                if session.pinned.room in instance._rooms
                                else "?",
                            },
                        )
                    )
                else:
                    reasons.append(
                        Reason(
                            "fixed_day",
                            {
                                "session": session.name,
                                "days": [instance.days[d] for d in session.days if 0 <= d < D],
                            },
                        )
                    )
    # Together: each alone could come at some time, but not all at the same time.
    fixed_people: dict[int, set[int]] = defaultdict(set)
    for a in instance.attendees:
        if a.fixed and a.person in instance.unavailable:
            for key in a.sessions:
                fixed_people[key].add(a.person)
    for s in instance.sessions:
        people = sorted(fixed_people.get(s.key, ()))
        if len(people) < 2 or not spans[s.key]:
            continue
        blocked = set().union(*(instance.unavailable[p] for p in people))
        if all(any(c in blocked for c in cells) for cells in spans[s.key]):
            # Name only the people needed: drop anyone without whom it still fails.
            needed = list(people)
            for person in people:
                rest = [q for q in needed if q != person]
                rest_blocked = (
                    set().union(*(instance.unavailable[q] for q in rest)) if rest else set()
                )
                if rest and all(any(c in rest_blocked for c in cells) for cells in spans[s.key]):
                    needed = rest
            if len(needed) > 1:
                reasons.append(
                    Reason(
                        "unavailable_together",
                        {
                            "session": s.name,
                            "people": [instance.person_name(q) for q in needed[:6]],
                            "count": len(needed),
                        },
                    )
                )
    by_unit: dict[tuple[int, tuple], list[Attendee]] = defaultdict(list)
    for a in instance.attendees:
        if a.duty_unit is not None:
            key = tuple(sorted(a.sessions)) if not a.all_sessions else ()
            if key:
                by_unit[(a.duty_unit, key)].append(a)
            else:  # a chair is in every session at once: count them in each
                for s in a.sessions:
                    by_unit[(a.duty_unit, (s,))].append(a)
    units = {u.key: u for u in instance.frontline}
    for (unit_key, sessions), people in sorted(by_unit.items(), key=lambda kv: kv[0]):
        unit = units.get(unit_key)
        if unit is None:
            continue
        limit = instance.max_away(unit)
        persons = {a.person for a in people}
        always_open = all(
            all(any(unit.service.get(c, 0) > 0 for c in cells) for cells in spans[s])
            for s in sessions
        )
        if always_open and math.ceil(len(persons) / len(sessions)) > limit:
            reasons.append(
                Reason(
                    "coverage_core",
                    {
                        "unit": unit.name,
                        "staff": unit.staff,
                        "required": unit.staff - limit,
                        "attendees": len(persons),
                        "max_away": limit,
                    },
                )
            )
    reasons += _overloaded_people(instance)
    # The same reason found twice (e.g. a person on two rosters) is said once.
    unique = []
    for r in reasons:
        if r not in unique:
            unique.append(r)
    return unique


def _overloaded_people(instance: Instance) -> list[Reason]:
    """People whose own sessions cannot all fit in the rakor's days (a small exact packing
    of session lengths into days, ignoring rooms and everyone else)."""
    T, D = instance.slots_per_day, len(instance.days)
    must: dict[int, set[int]] = defaultdict(set)
    for a in instance.attendees:
        if a.fixed:
            must[a.person] |= set(a.sessions)
    reasons, seen = [], set()
    for person in sorted(must):
        keys = tuple(sorted(must[person]))
        total = sum(instance.session(k).length for k in keys)
        if len(keys) < 2 or keys in seen or total <= T:
            continue
        seen.add(keys)
        m = cp_model.CpModel()
        x = {}
        for k in keys:
            s = instance.session(k)
            days = (
                [s.pinned.day]
                if s.pinned is not None
                else (s.days if s.days is not None else range(D))
            )
            days = [d for d in days if 0 <= d < D]
            for d in days:
                x[(k, d)] = m.NewBoolVar(f"x_{k}_{d}")
            m.Add(sum(x[(k, d)] for d in days) == 1)
        for d in range(D):
            m.Add(sum(instance.session(k).length * v for (k, dd), v in x.items() if dd == d) <= T)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_deterministic_time = 1.0
        if solver.Solve(m) == cp_model.INFEASIBLE:
            reasons.append(
                Reason(
                    "overloaded",
                    {
                        "person": instance.person_name(person),
                        "sessions": len(keys),
                        "hours": round(total * instance.slot_minutes / 60, 1),
                        "days": D,
                    },
                )
            )
    return reasons


def explain_infeasibility(
    instance: Instance, *, time_limit: float = 3.0, max_rounds: int = 60, wall_budget: float = 90.0
) -> list[Reason]:
    """Name the groups of rules that cannot hold together (a small infeasible core).

    Every group (a session's capacity, the people two sessions share, a person's declared
    unavailability, a unit's on-duty rule, a fixed day, a placement by hand) is switched
    on by an assumption; CP-SAT returns a set of assumptions that is already infeasible,
    which is then shrunk one group at a time.
    """
    model = _Model(instance, explain=True)
    if model.structural:
        return list(model.structural)
    obvious = obvious_conflicts(instance)
    if obvious:
        return obvious
    deadline = time.monotonic() + wall_budget
    lits = [lit for lit, _ in model.groups]
    reasons = {lit.Index(): reason for lit, reason in model.groups}

    def infeasible_with(assumed: list) -> tuple[bool, list]:
        model.m.ClearAssumptions()
        model.m.AddAssumptions(assumed)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = 0
        solver.parameters.max_deterministic_time = time_limit
        solver.parameters.max_time_in_seconds = time_limit * 6
        status = solver.Solve(model.m)
        if status != cp_model.INFEASIBLE:
            return False, []
        core_idx = set(solver.SufficientAssumptionsForInfeasibility())
        return True, [lit for lit in assumed if lit.Index() in core_idx]

    infeasible, core = infeasible_with(lits)
    if not infeasible:
        return [Reason("no_reason_found", {})]
    if not core:
        return [_grid_reason(instance)]
    # Shrink: drop chunks of groups (halving the chunk size) while the rest stays
    # infeasible, so a large core shrinks in a few solves to the groups that matter.
    rounds = 0
    core = sorted(core, key=lambda v: v.Index())
    size = max(1, len(core) // 2)
    while size >= 1 and rounds < max_rounds and time.monotonic() < deadline:
        i = 0
        while i < len(core) and rounds < max_rounds and time.monotonic() < deadline:
            trial = core[:i] + core[i + size :]
            rounds += 1
            still, smaller = infeasible_with(trial)
            if still:
                core = sorted(smaller or trial, key=lambda v: v.Index())
                if not core:
                    return [_grid_reason(instance)]
            else:
                i += size
        size //= 2
    return [reasons[lit.Index()] for lit in core]


def _room_slots_needed(instance: Instance) -> tuple[int, int]:
    needed = sum(s.length for s in instance.sessions)
    available = len(instance.rooms) * len(instance.days) * instance.slots_per_day
    return needed, available


def _grid_reason(instance: Instance) -> Reason:
    needed, available = _room_slots_needed(instance)
    return Reason(
        "grid",
        {
            "sessions": len(instance.sessions),
            "needed": needed,
            "available": available,
            "rooms": len(instance.rooms),
            "days": len(instance.days),
        },
    )
