"""A shared, larger demo project for the benchmarks (size from RD_BENCH_HOUSEHOLDS).

The ordinary suite runs each benchmark once with timing disabled, on 10,000 households;
the figures in docs/benchmarks.md come from the bench_*.py scripts at 100,000.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def bench_db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from relocation_desk.services.demo.generator import generate_demo

    households = int(os.environ.get("RD_BENCH_HOUSEHOLDS", "10000"))
    path = tmp_path_factory.mktemp("bench") / f"demo-{households}.sqlite"
    generate_demo(path, households=households, seed=1, today=date(2026, 11, 23))
    return path
