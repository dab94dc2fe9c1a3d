"""The benchmark's code path at a tiny size (the real run: .venv/bin/python bench/org_tree.py)."""

import importlib.util
import io
import re
from pathlib import Path

import pytest

from superteam.org.generator import generate_regency, shape
from superteam.org.models import Person, Unit

pytestmark = pytest.mark.django_db
BENCH = Path(__file__).resolve().parents[2] / "bench" / "org_tree.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_org_tree", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generator_makes_exactly_the_size_asked():
    out = io.StringIO()
    regency = generate_regency(code="9701", name="Uji", units=300, people=900, stdout=out)
    assert Unit.objects.filter(regency=regency).count() == 300
    assert Person.objects.filter(regency=regency).count() == 900
    assert "Units: 100%" in out.getvalue() and "People: 100%" in out.getvalue()
    # Parents always come before their children, so any prefix is a tree.
    seen = set()
    for spec in shape(300):
        assert spec.parent is None or spec.parent in seen
        seen.add(spec.code)


def test_bench_renders_both_regencies_and_reports_its_result_line():
    bench = load_bench()
    small = generate_regency(code="9702", name="Kecil", units=80, people=200, stdout=io.StringIO())
    large = generate_regency(
        code="9703", name="Besar", units=400, people=1000, stdout=io.StringIO()
    )
    out = io.StringIO()
    ratio, q_small, q_large, figures = bench.run(small=small, large=large, reps=2, out=out)
    assert set(figures) == {"tree", "unit"}
    assert q_small == q_large > 0
    assert ratio > 0
    line = bench.result_line(ratio, q_small, q_large)
    assert re.fullmatch(
        r"result: org tree time ratio \d+\.\d\d \(goal <= 3\), queries (\d+)/\1 \(goal equal\) (met|not met)",
        line,
    )
    assert bench.result_line(3.5, 10, 10).endswith("not met")
    assert bench.result_line(1.2, 10, 11).endswith("not met")
    assert bench.result_line(1.2, 10, 10).endswith(" met")
