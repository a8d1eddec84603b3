"""Speed of signing in (target ≤ 0.5 s: docs/benchmarks.md, bench_sign_in.py).

Run with ``.venv/bin/pytest tests/benchmarks/test_sign_in_benchmark.py --benchmark-enable``
(the ordinary suite runs it once, untimed, because of ``--benchmark-disable``). No assertion
on time: speed is reported by pytest-benchmark, never checked in tests.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pytest_benchmark.fixture import BenchmarkFixture

from relocation_desk.services.auth.service import AuthService, SignedIn
from relocation_desk.services.households.service import operators
from relocation_desk.storage.db import open_database


def test_sign_in(benchmark: BenchmarkFixture, demo_db_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "s.sqlite"
    shutil.copyfile(demo_db_path, copy)
    with open_database(copy) as db:
        auth = AuthService(db)
        login = next(o.login for o in operators(db) if o.role == "member")
        signed = benchmark.pedantic(lambda: auth.sign_in(login, "demo"), rounds=5, iterations=1)
    assert isinstance(signed, SignedIn) and signed.operator.login == login
