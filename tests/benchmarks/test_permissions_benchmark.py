"""Speed of the permission check a use case makes, on the benchmarks' demo project.

Run with ``.venv/bin/pytest tests/benchmarks/test_permissions_benchmark.py --benchmark-enable``;
the ordinary suite runs it once, untimed. Target (measured by ``bench_permissions.py`` at
100,000 households): ≤ 1 ms per use case. No assertion on time here.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture
from sqlalchemy import select

from relocation_desk.domain.permissions import Action
from relocation_desk.services.access import require_for_household
from relocation_desk.services.errors import PermissionDenied
from relocation_desk.services.households.service import operators
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database, open_database

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, bench_db_path: Path) -> Iterator[Database]:
    path: Path = tmp_path_factory.mktemp("permissions-bench") / "demo.sqlite"
    shutil.copyfile(bench_db_path, path)
    db = open_database(path)
    yield db
    db.close()


def test_check_on_one_household(demo: Database, benchmark: BenchmarkFixture) -> None:
    member = next(o for o in operators(demo) if o.role == "member")
    with demo.session() as s:
        own = s.scalar(select(m.Household.id).where(m.Household.team_id == member.team_id))
        other = s.scalar(select(m.Household.id).where(m.Household.team_id != member.team_id))
        assert own is not None and other is not None

        benchmark(require_for_household, s, member, Action.RECORD_PAYMENT, own)
        with pytest.raises(PermissionDenied):
            require_for_household(s, member, Action.RECORD_PAYMENT, other)
