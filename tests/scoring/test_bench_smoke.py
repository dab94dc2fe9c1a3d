"""The benchmark's code path at a tiny size (the real run: .venv/bin/python bench/leaderboard.py)."""

import importlib.util
import io
import re
from pathlib import Path

import pytest

from superteam.innovations.models import Evidence, Innovation
from superteam.org.generator import generate_regency
from superteam.scoring import services
from superteam.scoring.models import UnitScore

pytestmark = pytest.mark.django_db
BENCH = Path(__file__).resolve().parents[2] / "bench" / "leaderboard.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_leaderboard", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_benchmark_code_path_at_a_tiny_size():
    bench = load_bench()
    out = io.StringIO()
    small = generate_regency(code="9711", name="Kecil", units=150, people=150, stdout=out)
    large = generate_regency(code="9712", name="Besar", units=400, people=400, stdout=out)
    bench.generate_scores_data(regency=small, innovations=100, evidence=800, stdout=out)
    bench.generate_scores_data(regency=large, innovations=600, evidence=5000, stdout=out)
    assert Innovation.objects.filter(regency=large).count() == 600
    assert Evidence.objects.filter(regency=large).count() == 5000
    assert "Evidence: 100%" in out.getvalue()
    for regency in (small, large):
        services.recompute_regency(regency=regency, stdout=out)
        services.publish_snapshot(regency=regency)
    assert UnitScore.objects.filter(regency=large, score__gt=0).exists()
    small_s, small_q = bench.measure_page(regency=small, family="villages", reps=1)
    large_s, large_q = bench.measure_page(regency=large, family="villages", reps=1)
    assert small_q == large_q
    snap_s, raw_s = bench.measure_snapshot(regency=large, reps=1)
    line = bench.result_line(large_s / small_s, small_q, large_q, snap_s / raw_s)
    assert re.fullmatch(
        r"result: leaderboard page ratio [\d.]+ \(goal <= 2, queries \d+/\d+ equal\), weekly snapshot / raw aggregate [\d.]+ \(goal <= 5\) (met|not met)",
        line,
    )
