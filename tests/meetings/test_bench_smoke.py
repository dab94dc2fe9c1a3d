"""The benchmark's code path at a tiny size (the full run is `.venv/bin/python bench/scheduler.py`)."""

from bench.scheduler import Spec, generate, run_instance
from superteam.meetings.scheduler import check, greedy


def test_the_benchmark_runs_at_a_tiny_size(capsys):
    spec = Spec(units=40, participants=300, clusters=4)
    instance = generate(3, spec)
    outcome = run_instance("tiny", instance, time_limit=3, workers=1)
    assert outcome.status in ("optimal", "feasible")
    assert outcome.violations == 0
    assert outcome.first_feasible is not None
    assert outcome.ratio is not None and outcome.ratio <= 1.0
    # The baseline is measured with the same checker.
    assert sum(outcome.greedy_violations.values()) == len(check(instance, greedy(instance)))


def test_the_benchmark_prints_its_result_line(capsys):
    from bench.scheduler import main

    main(["--regencies", "1", "--national", "1", "--time-limit", "2", "--tiny"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1].startswith("result: disruption vs greedy ")
    assert lines[-1].endswith((" met", " not met"))
