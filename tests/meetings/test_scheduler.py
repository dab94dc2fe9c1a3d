"""The CP-SAT scheduler on its own (no database): hard rules, explanations, determinism."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from superteam.meetings.scheduler import (
    Attendee,
    FrontlineUnit,
    Instance,
    Placement,
    Room,
    SessionSpec,
    Solution,
    check,
    evaluate,
    greedy,
    solve,
)

NAMES = {100 + i: name for i, name in enumerate(["Ani", "Budi", "Citra", "Dedi", "Eka", "Fajar"])}
ALL_DAY = {(d, k): 60 for d in range(3) for k in range(6)}


def small(**kw) -> Instance:
    base = {
        "days": ["Sen", "Sel"],
        "slots_per_day": 4,
        "slot_minutes": 60,
        "rooms": [Room(1, "Aula", 50), Room(2, "Ruang 2", 10)],
        "sessions": [SessionSpec(1, "Kesehatan", 1, 2), SessionSpec(2, "Ekonomi", 2, 2)],
        "attendees": [
            Attendee(1, 100, 1, (1,)),
            Attendee(2, 101, 1, (1,)),
            Attendee(3, 100, 2, (2,)),
        ],
        "frontline": [],
        "person_names": NAMES,
        "slot_labels": ["08:00–09:00", "09:00–10:00", "10:00–11:00", "11:00–12:00"],
    }
    base.update(kw)
    return Instance(**base)


def kinds(reasons) -> list[str]:
    return sorted(r.kind for r in reasons)


def test_a_person_in_two_clusters_is_never_in_two_places():
    inst = small(days=["Sen"])
    solution = solve(inst, time_limit=5)
    assert solution.found
    assert check(inst, solution) == []
    a, b = solution.placements[1], solution.placements[2]
    assert set(a.cells(2)).isdisjoint(b.cells(2))  # Ani attends both


def test_a_frontline_unit_splits_its_people_when_it_cannot_spare_them_all():
    # A round-the-clock health centre with 4 staff keeps 2 on duty: at most 2 may be away,
    # so its 3 attendees are split over the cluster's two sessions (the chair attends both).
    unit = FrontlineUnit(7, "Puskesmas Genteng", 4, ALL_DAY)
    inst = small(
        sessions=[SessionSpec(1, "Kesehatan A", 1, 2), SessionSpec(2, "Kesehatan B", 1, 2)],
        attendees=[
            Attendee(9, 105, 1, (1, 2), all_sessions=True),
            *[Attendee(k, 100 + k, 1, (1, 2), duty_unit=7, home_unit=7) for k in range(3)],
        ],
        frontline=[unit],
    )
    solution = solve(inst, time_limit=5)
    assert solution.status == "optimal"
    assert check(inst, solution) == []
    per_session = [sum(1 for k in range(3) if s in solution.attends[k]) for s in (1, 2)]
    assert sorted(per_session) == [1, 2]
    assert solution.attends[9] == (1, 2)


def test_out_of_hours_slots_are_used_to_spare_the_service():
    # A village office open 08:00–10:00 only: the session goes to the afternoon slots.
    hours = {(0, 0): 60, (0, 1): 60}
    inst = small(
        days=["Sen"],
        sessions=[SessionSpec(1, "Desa", 1, 2)],
        attendees=[Attendee(k, 100 + k, 1, (1,), duty_unit=3) for k in range(3)],
        frontline=[FrontlineUnit(3, "Desa Kembiritan", 4, hours)],
    )
    solution = solve(inst, time_limit=5)
    assert check(inst, solution) == []
    assert solution.placements[1].start == 2
    assert solution.objective["disruption_minutes"] == 0


def test_the_checker_names_every_rule_a_manual_move_breaks():
    unit = FrontlineUnit(7, "Puskesmas Genteng", 4, ALL_DAY)
    inst = small(
        rooms=[Room(1, "Aula", 50), Room(2, "Ruang kecil", 1)],
        attendees=[
            *[Attendee(k, 100 + k, 1, (1,), duty_unit=7) for k in range(3)],
            Attendee(3, 100, 2, (2,)),
        ],
        frontline=[unit],
        unavailable={101: frozenset({(0, 0)})},
    )
    moved = Solution(
        placements={1: Placement(0, 0, 2), 2: Placement(0, 1, 2)},
        attends={0: (1,), 1: (1,), 2: (1,), 3: (2,)},
    )
    problems = check(inst, moved)
    assert kinds(problems) == [
        "capacity",
        "coverage",
        "person_clash",
        "room_clash",
        "unavailable",
    ]
    coverage = next(p for p in problems if p.kind == "coverage")
    assert coverage.params["unit"] == "Puskesmas Genteng"
    assert coverage.params["on_duty"] == 1 and coverage.params["required"] == 2
    clash = next(p for p in problems if p.kind == "person_clash")
    assert clash.params["person"] == "Ani"
    # Outside the grid and an unplaced session are reported too.
    off = Solution(placements={1: Placement(1, 3, 1)}, attends=moved.attends)
    assert kinds(check(inst, off))[:2] == ["outside_grid", "unplaced"]


@pytest.mark.parametrize(
    ("case", "kind", "names"),
    [
        ("coverage", "coverage_core", ["Puskesmas Genteng"]),
        ("capacity", "capacity_core", ["Kesehatan"]),
        ("clash", "clash_core", ["Kesehatan", "Ekonomi", "Ani", "Budi", "Citra"]),
        ("unavailable", "unavailable_core", ["Budi"]),
        ("grid", "grid", []),
        ("fixed_day", "fixed_day", ["Kesehatan"]),
        ("overloaded", "overloaded", ["Eka"]),
        ("together", "unavailable_together", ["Kesehatan", "Ani", "Budi"]),
    ],
)
def test_an_infeasible_rakor_is_explained(case, kind, names):
    unit = FrontlineUnit(7, "Puskesmas Genteng", 4, ALL_DAY)
    inst = {
        "coverage": lambda: small(
            attendees=[Attendee(k, 100 + k, 1, (1,), duty_unit=7) for k in range(3)],
            frontline=[unit],
        ),
        "capacity": lambda: small(rooms=[Room(1, "Ruang kecil", 1)]),
        # Ani attends both sessions; Budi (health) and Citra (economy) are away on Tuesday,
        # so both must meet on Monday, where two three-slot sessions cannot follow each
        # other. Only a search finds this (no single rule is hopeless on its own).
        "clash": lambda: small(
            sessions=[SessionSpec(1, "Kesehatan", 1, 3), SessionSpec(2, "Ekonomi", 2, 3)],
            attendees=[
                Attendee(1, 100, 1, (1,)),
                Attendee(2, 101, 1, (1,)),
                Attendee(3, 100, 2, (2,)),
                Attendee(4, 102, 2, (2,)),
            ],
            unavailable={
                101: frozenset((1, k) for k in range(4)),
                102: frozenset((1, k) for k in range(4)),
            },
        ),
        "unavailable": lambda: small(
            unavailable={101: frozenset((d, k) for d in range(2) for k in range(4))}
        ),
        "grid": lambda: small(
            days=["Sen"],
            rooms=[Room(1, "Aula", 50)],
            sessions=[SessionSpec(1, "A", 1, 3), SessionSpec(2, "B", 2, 3)],
            attendees=[Attendee(1, 100, 1, (1,)), Attendee(2, 101, 2, (2,))],
        ),
        # Eka chairs two clusters whose three-slot sessions cannot follow each other in a
        # four-slot day, and the rakor has one day.
        "overloaded": lambda: small(
            days=["Sen"],
            sessions=[SessionSpec(1, "Kesehatan", 1, 3), SessionSpec(2, "Ekonomi", 2, 3)],
            attendees=[
                Attendee(1, 104, 1, (1,), all_sessions=True),
                Attendee(2, 104, 2, (2,), all_sessions=True),
            ],
        ),
        # Ani is away on Tuesday, Budi on Monday: the health session has no time for both.
        "together": lambda: small(
            unavailable={
                100: frozenset((1, k) for k in range(4)),
                101: frozenset((0, k) for k in range(4)),
            }
        ),
        # Fixed on Monday, where Budi is away all day; Tuesday would have worked.
        "fixed_day": lambda: small(
            sessions=[
                SessionSpec(1, "Kesehatan", 1, 2, days=(0,)),
                SessionSpec(2, "Ekonomi", 2, 2),
            ],
            unavailable={101: frozenset((0, k) for k in range(4))},
        ),
    }[case]()
    solution = solve(inst, time_limit=5)
    assert solution.status == "infeasible"
    assert kind in [r.kind for r in solution.explanation]
    text = repr([r.params for r in solution.explanation])
    for name in names:
        assert name in text
    # The explanation names only what conflicts: a feasible rule is not blamed.
    assert all(r.kind != "capacity_core" for r in solution.explanation) or case == "capacity"


def random_instance(seed: int) -> Instance:
    """A small random rakor: clusters with one or two sessions, shared people, frontline
    units with tight staff, unavailability."""
    rng = random.Random(seed)
    days, slots = rng.randint(1, 3), rng.randint(4, 6)
    rooms = [
        Room(r + 1, f"R{r + 1}", rng.choice([6, 10, 20, 40])) for r in range(rng.randint(1, 3))
    ]
    sessions, attendees = [], []
    people = list(range(100, 100 + rng.randint(6, 25)))
    units = [
        FrontlineUnit(
            u,
            f"Unit {u}",
            rng.randint(2, 8),
            {
                (d, k): rng.choice([0, 30, 60])
                for d in range(days)
                for k in range(slots)
                if rng.random() < 0.8
            },
        )
        for u in range(1, 5)
    ]
    for c in range(1, rng.randint(2, 4) + 1):
        keys = []
        for _ in range(rng.choice([1, 1, 2])):
            keys.append(len(sessions) + 1)
            sessions.append(
                SessionSpec(len(sessions) + 1, f"S{len(sessions) + 1}", c, rng.randint(1, 3))
            )
        members = rng.sample(people, k=rng.randint(2, min(8, len(people))))
        for i, p in enumerate(members):
            attendees.append(
                Attendee(
                    len(attendees) + 1,
                    p,
                    c,
                    tuple(keys),
                    all_sessions=(i == 0 and len(keys) > 1),
                    duty_unit=rng.choice([None, 1, 2, 3, 4]),
                    home_unit=rng.randint(1, 4),
                )
            )
    unavailable = {
        p: frozenset((rng.randrange(days), rng.randrange(slots)) for _ in range(3))
        for p in rng.sample(people, k=2)
    }
    return Instance(
        days=[f"D{d}" for d in range(days)],
        slots_per_day=slots,
        slot_minutes=60,
        rooms=rooms,
        sessions=sessions,
        attendees=attendees,
        frontline=units,
        unavailable=unavailable,
        min_on_duty=rng.choice([0.3, 0.5, 0.7]),
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=10**6))
def test_every_schedule_the_solver_returns_keeps_every_hard_rule(seed):
    inst = random_instance(seed)
    solution = solve(inst, time_limit=2)
    if solution.found:
        assert check(inst, solution) == []
        # Never worse than doing nothing clever: objective parts are consistent.
        assert solution.objective == evaluate(inst, solution)
    elif solution.status == "infeasible":
        assert solution.explanation, "an infeasible rakor always gets an explanation"


def test_the_same_input_gives_the_same_schedule():
    from bench.scheduler import Spec, generate

    spec = Spec(units=40, participants=300, clusters=4)
    first = solve(generate(7, spec), time_limit=3)
    again = solve(generate(7, spec), time_limit=3)
    assert first.found
    assert first.placements == again.placements
    assert first.attends == again.attends
    assert first.objective == again.objective


def test_the_greedy_baseline_is_checked_by_the_same_rules():
    unit = FrontlineUnit(7, "Puskesmas Genteng", 4, ALL_DAY)
    inst = small(
        attendees=[Attendee(k, 100 + k, 1, (1,), duty_unit=7) for k in range(3)],
        frontline=[unit],
    )
    baseline = greedy(inst)
    assert [p.kind for p in check(inst, baseline)] == ["coverage"]
