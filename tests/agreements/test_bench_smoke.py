"""The benchmark's code path at a tiny size (bench/signing.py runs it at full size)."""

import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db
BENCH = Path(__file__).resolve().parents[2] / "bench" / "signing.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_signing", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_signing_benchmark_runs_and_prints_its_result_line():
    bench = load_bench()
    lines = []
    sig_ratio, ledger_ratio, ok = bench.run(
        versions=7, entries=300, sample=1, progress=lines.append
    )
    assert ok, lines
    assert sig_ratio > 0 and ledger_ratio > 0
    assert any("Verified 7 versions (14 signatures)" in line for line in lines)
    assert any("300 entries" in line for line in lines)
    line = bench.result_line(sig_ratio, ledger_ratio, ok)
    assert line.startswith("result: verification vs raw Ed25519 ")
    assert line.endswith(" met") or line.endswith(" not met")
    assert bench.result_line(0.6, 0.4, True).endswith(" met")
    assert bench.result_line(0.4, 0.4, True).endswith("not met")
