"""Speed of the demo project generator: 10,000 households, end to end (file creation included).

Run with ``.venv/bin/pytest tests/benchmarks/test_demo_benchmark.py --benchmark-enable``; the
ordinary suite runs it once, untimed (``--benchmark-disable``). Target: ≤ 10 s on 2 cores.
No assertion on time: speed is reported by pytest-benchmark, never checked in tests. The
100,000-household figure for the docs comes from ``bench_demo.py``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from relocation_desk.services.demo.generator import DemoSummary, generate_demo

HOUSEHOLDS = 10_000


@pytest.mark.slow
def test_demo_10k_households(benchmark: BenchmarkFixture, tmp_path: Path) -> None:
    target = tmp_path / "demo.sqlite"

    def generate() -> DemoSummary:
        return generate_demo(target, households=HOUSEHOLDS, seed=1, today=date(2026, 5, 20))

    summary = benchmark.pedantic(generate, rounds=1, iterations=1)
    assert summary.counts["household"] == HOUSEHOLDS
    benchmark.extra_info["rows"] = sum(summary.counts.values())
    benchmark.extra_info["engine_calls"] = summary.engine_calls
    benchmark.extra_info["file_mb"] = round(target.stat().st_size / 1e6, 1)
