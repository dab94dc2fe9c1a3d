"""Benchmark of the rakor scheduler (superteam/meetings/scheduler.py).

Generated regency instances the size of the issue's (300 units, ~2,500 participants,
12 clusters, 3 days × 8 one-hour slots from 08:00, 6 rooms, on a Monday–Wednesday), then a
sample of the 514 regencies of a national deployment, each solved on its own (regencies
never share people or rooms), with the total extrapolated to all 514.

For every instance it prints the time to the first schedule that satisfies every hard rule
(checked again independently with ``scheduler.check``), and the service-disruption
objective (frontline staff-minutes away during service hours) as a ratio to a greedy
first-fit baseline on the same instance, with the baseline's hard-rule violations. The
solver gets 10 s of CP-SAT deterministic time per 2,500 participants (``--time-limit``),
one worker, seed 0: the same run gives the same schedules on any machine; wall times
depend on the machine's load.

    .venv/bin/python bench/scheduler.py            # full: 3 regency instances + 20 national
    .venv/bin/python bench/scheduler.py --quick    # 1 regency instance + 4 national

The last line is ``result: disruption vs greedy <ratio> (goal <= 0.8) met|not met`` (the
worst ratio over all instances solved).
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from superteam.meetings.scheduler import (
    Attendee,
    FrontlineUnit,
    Instance,
    Room,
    SessionSpec,
    check,
    greedy,
    solve,
)

NATIONAL_REGENCIES = 514
OFFICE = {0: ("07:30", "15:30"), 1: ("07:30", "15:30"), 2: ("07:30", "15:30"),
          3: ("07:30", "15:30"), 4: ("07:30", "14:30")}  # fmt: skip
PUSKESMAS = {0: ("07:30", "14:00"), 1: ("07:30", "14:00"), 2: ("07:30", "14:00"),
             3: ("07:30", "14:00"), 4: ("07:30", "11:00"), 5: ("07:30", "12:30")}  # fmt: skip
VILLAGE = {0: ("08:00", "14:00"), 1: ("08:00", "14:00"), 2: ("08:00", "14:00"),
           3: ("08:00", "14:00"), 4: ("08:00", "11:00")}  # fmt: skip
ROUND_THE_CLOCK = "24h"


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def service_minutes(hours, weekday: int, start: int, length: int) -> int:
    """Minutes of the slot [start, start+length) inside the service hours of that weekday."""
    if hours == ROUND_THE_CLOCK:
        return length
    span = hours.get(weekday)
    if not span:
        return 0
    a, b = _minutes(span[0]), _minutes(span[1])
    return max(0, min(b, start + length) - max(a, start))


@dataclass
class Spec:
    """Size of a generated regency (defaults: the issue's instance)."""

    units: int = 300
    participants: int = 2500
    clusters: int = 12
    days: int = 3
    slots: int = 8
    rooms: int = 6
    first_weekday: int = 0  # Monday
    min_on_duty: float = 0.5


def generate(seed: int, spec: Spec | None = None) -> Instance:
    """A regency like Banyuwangi: agencies, hospitals, health centres, districts, villages."""
    spec = spec or Spec()
    rng = random.Random(seed)
    scale = spec.units / 300
    kinds = (
        [("agency", 25, OFFICE)] * round(50 * scale)
        + [("hospital", 12, ROUND_THE_CLOCK)] * max(1, round(3 * scale))
        + [("puskesmas", 6, PUSKESMAS)] * round(45 * scale)
        + [("kecamatan", 6, OFFICE)] * round(25 * scale)
    )
    kinds += [("village", 4, VILLAGE)] * max(0, spec.units - len(kinds))
    # Scale participant counts so the total lands near the target.
    base_total = sum(k[1] for k in kinds)
    factor = spec.participants / base_total
    units = []
    person = 0
    for i, (kind, mean, hours) in enumerate(kinds):
        n = max(1, round(rng.gauss(mean * factor, mean * factor * 0.2)))
        frontline = kind != "agency" or rng.random() < 0.2
        if kind == "agency" and frontline and rng.random() < 0.15:
            hours = ROUND_THE_CLOCK  # fire brigade, disaster agency
        if kind == "puskesmas" and rng.random() < 0.2:
            hours = ROUND_THE_CLOCK
        staff = {
            "agency": round(n * rng.uniform(2.0, 3.5)),
            "hospital": rng.randint(150, 400),
            "puskesmas": rng.randint(18, 40),
            "kecamatan": rng.randint(9, 14),
            "village": rng.randint(6, 10),
        }[kind]
        people = list(range(person, person + n))
        person += n
        units.append(
            {
                "key": i + 1,
                "kind": kind,
                "people": people,
                "staff": staff,
                "hours": hours,
                "frontline": frontline,
            }
        )
    # Clusters: agencies spread over all clusters, health units in one, districts and
    # villages in one or two; a tenth of the agencies belong to two clusters.
    c = spec.clusters
    member: dict[int, list[dict]] = {k: [] for k in range(c)}
    agencies = [u for u in units if u["kind"] == "agency"]
    for j, u in enumerate(agencies):
        member[j % c].append(u)
        if rng.random() < 0.1:
            member[(j + 1 + rng.randrange(c - 1)) % c].append(u)
    for u in units:
        if u["kind"] in ("hospital", "puskesmas"):
            member[0].append(u)
        elif u["kind"] == "kecamatan":
            member[1].append(u)
        elif u["kind"] == "village":
            member[1 + (u["key"] % 2)].append(u)
    rooms = [
        Room(k + 1, f"Room {k + 1}", cap)
        for k, cap in enumerate([500, 320, 240, 160, 120, 80, 60, 40][: spec.rooms])
    ]
    largest = rooms[0].capacity
    sessions: list[SessionSpec] = []
    attendees: list[Attendee] = []
    # Each cluster is chaired by its own coordinator (in every session of the cluster); four
    # assistants to the regional secretary each join the first session of three clusters.
    assistants = {k: person + (k % 4) for k in range(c)}
    chairs = {k: person + 4 + k for k in range(c)}
    for k in range(c):
        roster = [(u, p) for u in member[k] for p in u["people"]]
        n_sessions = max(1, math.ceil((len(roster) + 1) / (largest * 0.45)))
        # As an organiser would: a frontline unit that cannot spare all its people at once
        # spreads them over the cluster's sessions, so there are enough of them.
        needed = [
            math.ceil(
                len(u["people"]) / max(1, u["staff"] - math.ceil(spec.min_on_duty * u["staff"]))
            )
            for u in member[k]
            if u["frontline"]
        ]
        n_sessions = max(n_sessions, *needed, 1)
        keys = []
        for j in range(n_sessions):
            key = len(sessions) + 1
            keys.append(key)
            sessions.append(
                SessionSpec(
                    key=key,
                    name=f"Cluster {k + 1} session {j + 1}",
                    cluster=k + 1,
                    length=3 if len(roster) > 60 else 2,
                    priority=1 if k == 0 else 0,  # the health cluster first
                )
            )
        attendees.append(
            Attendee(len(attendees) + 1, chairs[k], k + 1, tuple(keys), all_sessions=True)
        )
        attendees.append(Attendee(len(attendees) + 1, assistants[k], k + 1, (keys[0],)))
        for u, p in roster:
            attendees.append(
                Attendee(
                    key=len(attendees) + 1,
                    person=p,
                    cluster=k + 1,
                    sessions=tuple(keys),
                    duty_unit=u["key"] if u["frontline"] else None,
                    home_unit=u["key"],
                )
            )
    slot_starts = [8 * 60 + 60 * s for s in range(spec.slots)]
    frontline = []
    for u in units:
        if not u["frontline"]:
            continue
        service = {}
        for d in range(spec.days):
            weekday = (spec.first_weekday + d) % 7
            for s, start in enumerate(slot_starts):
                minutes = service_minutes(u["hours"], weekday, start, 60)
                if minutes:
                    service[(d, s)] = minutes
        frontline.append(FrontlineUnit(u["key"], f"{u['kind']} {u['key']}", u["staff"], service))
    everyone = sorted({a.person for a in attendees})
    unavailable = {}
    # One person in a hundred declares two hours away (duty travel, a clinic to run).
    for p in rng.sample(everyone, k=len(everyone) // 100):
        d, start = rng.randrange(spec.days), rng.randrange(spec.slots - 1)
        unavailable[p] = frozenset({(d, start), (d, start + 1)})
    weekday_names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    return Instance(
        days=[weekday_names[(spec.first_weekday + d) % 7] for d in range(spec.days)],
        slots_per_day=spec.slots,
        slot_minutes=60,
        rooms=rooms,
        sessions=sessions,
        attendees=attendees,
        frontline=frontline,
        unavailable=unavailable,
        min_on_duty=spec.min_on_duty,
        slot_labels=[
            f"{m // 60:02d}:{m % 60:02d}–{(m + 60) // 60:02d}:{m % 60:02d}" for m in slot_starts
        ],
    )


@dataclass
class Outcome:
    name: str
    participants: int
    sessions: int
    status: str
    first_feasible: float | None
    wall: float
    ratio: float | None
    disruption: int
    greedy_disruption: int
    greedy_violations: Counter
    violations: int


def run_instance(name: str, instance: Instance, *, time_limit: float, workers: int) -> Outcome:
    baseline = greedy(instance)
    baseline_problems = check(instance, baseline)
    # Larger regencies get proportionally more (deterministic) time: the limit is per 2,500
    # participants, never less than the limit itself.
    people = len({a.person for a in instance.attendees})
    limit = time_limit * max(1.0, people / 2500)
    solution = solve(instance, time_limit=limit, workers=workers, seed=0)
    problems = check(instance, solution) if solution.found else []
    g = baseline.objective["disruption_minutes"]
    d = solution.objective.get("disruption_minutes", 0) if solution.found else 0
    ratio = (d / g) if (solution.found and g) else None
    return Outcome(
        name=name,
        participants=len({a.person for a in instance.attendees}),
        sessions=len(instance.sessions),
        status=solution.status,
        first_feasible=solution.first_solution_time,
        wall=solution.wall_time,
        ratio=ratio,
        disruption=d,
        greedy_disruption=g,
        greedy_violations=Counter(p.kind for p in baseline_problems),
        violations=len(problems),
    )


def _print(o: Outcome) -> None:
    ff = f"{o.first_feasible:.1f}s" if o.first_feasible is not None else "-"
    ratio = f"{o.ratio:.3f}" if o.ratio is not None else "-"
    gv = ", ".join(f"{k} {v}" for k, v in sorted(o.greedy_violations.items())) or "none"
    print(
        f"  {o.name}: {o.participants} people, {o.sessions} sessions · {o.status} · "
        f"first feasible {ff}, stopped {o.wall:.1f}s · disruption {o.disruption:,} vs greedy "
        f"{o.greedy_disruption:,} staff-min (ratio {ratio}) · hard-rule violations: solver "
        f"{o.violations}, greedy {sum(o.greedy_violations.values())} ({gv})",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one regency and a small sample")
    parser.add_argument("--regencies", type=int, help="regency instances of the issue's size")
    parser.add_argument("--national", type=int, help="sampled regencies of the national set")
    parser.add_argument(
        "--time-limit", type=float, default=10.0, help="deterministic seconds per 2,500 people"
    )
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--tiny", action="store_true", help="tiny instances (for the smoke test)")
    args = parser.parse_args(argv)
    regencies = args.regencies or (1 if args.quick else 3)
    national = args.national if args.national is not None else (4 if args.quick else 20)

    base = Spec(units=40, participants=300, clusters=4) if args.tiny else Spec()
    outcomes: list[Outcome] = []
    print(f"Regency instances of the issue's size: {regencies}", flush=True)
    for i in range(regencies):
        instance = generate(1000 + i, base)
        o = run_instance(f"regency {i + 1}/{regencies}", instance,
                         time_limit=args.time_limit, workers=args.workers)  # fmt: skip
        _print(o)
        outcomes.append(o)

    # The national set: 514 regencies/cities of varied size (0.4× to 1.6× the issue's).
    rng = random.Random(514)
    sizes = [rng.uniform(0.4, 1.6) for _ in range(NATIONAL_REGENCIES)]
    sample = sorted(rng.sample(range(NATIONAL_REGENCIES), k=min(national, NATIONAL_REGENCIES)))
    print(
        f"National set: {NATIONAL_REGENCIES} regencies solved independently; "
        f"a sample of {len(sample)} is solved here and the total extrapolated.",
        flush=True,
    )
    national_outcomes = []
    for n, idx in enumerate(sample):
        f = sizes[idx]
        spec = Spec(units=max(30, round(base.units * f)),
                    participants=max(200, round(base.participants * f)),
                    clusters=max(3, round(base.clusters * min(1.0, f + 0.3))))  # fmt: skip
        instance = generate(idx, spec)
        o = run_instance(f"regency #{idx} ({n + 1}/{len(sample)})", instance,
                         time_limit=args.time_limit, workers=args.workers)  # fmt: skip
        _print(o)
        national_outcomes.append((f, o))
    outcomes += [o for _, o in national_outcomes]

    solved = [o for o in outcomes if o.ratio is not None]
    unsolved = [o for o in outcomes if o.ratio is None]
    if national_outcomes:
        walls = [o.wall for _, o in national_outcomes]
        firsts = [o.first_feasible or o.wall for _, o in national_outcomes]
        mean_size = statistics.mean(f for f, _ in national_outcomes)
        # Time grows roughly with size: extrapolate per unit of size to all 514.
        per_size = sum(walls) / sum(f for f, _ in national_outcomes)
        total = per_size * sum(sizes)
        cores = os.cpu_count() or 1
        print(
            f"National: sample mean size {mean_size:.2f}× · time to first feasible median "
            f"{statistics.median(firsts):.1f}s, max {max(firsts):.1f}s · full solve median "
            f"{statistics.median(walls):.1f}s · extrapolated for all {NATIONAL_REGENCIES}: "
            f"{total / 60:.0f} CPU-minutes, {total / 60 / cores:.0f} minutes on this machine's "
            f"{cores} cores (regencies are independent: they parallelise perfectly)",
            flush=True,
        )
    if unsolved:
        print(f"Instances without a schedule: {', '.join(o.name for o in unsolved)}")
    bad = [o for o in outcomes if o.violations]
    if bad:
        print(f"SOLVER SCHEDULES BREAKING A HARD RULE: {', '.join(o.name for o in bad)}")
    worst = max((o.ratio for o in solved), default=float("inf"))
    met = bool(solved) and not unsolved and not bad and worst <= 0.8
    print(f"result: disruption vs greedy {worst:.3f} (goal <= 0.8) {'met' if met else 'not met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
