"""Speed of the household editor's load and save on the benchmarks' demo project.

The demo (``bench_db_path``: 10,000 households unless RD_BENCH_HOUSEHOLDS says otherwise) is
built once per test session and copied here. Run with ``.venv/bin/pytest tests/benchmarks/test_household_service_benchmark.py
--benchmark-enable``; the ordinary suite runs each benchmark once, untimed. Targets (at
100,000 households, measured by ``bench_household_service.py``): load ≤ 100 ms, save ≤ 50 ms
including the audit rows. No assertion on time here.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture
from sqlalchemy import select

from relocation_desk.domain.household_form import HouseholdForm
from relocation_desk.services.households.service import HouseholdService, SavedHousehold, operators
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database, open_database

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, bench_db_path: Path) -> Iterator[Database]:
    path: Path = tmp_path_factory.mktemp("household-bench") / "demo.sqlite"
    shutil.copyfile(bench_db_path, path)
    db = open_database(path)
    yield db
    db.close()


def _middle_household(db: Database) -> uuid.UUID:
    with db.session() as s:
        return s.scalars(
            select(m.Household.id)
            .where(m.Household.member_count >= 3)
            .order_by(m.Household.code)
            .offset(1000)
            .limit(1)
        ).one()


def test_load_one_household(benchmark: BenchmarkFixture, demo: Database) -> None:
    svc = HouseholdService(demo, operators(demo)[0])
    hid = _middle_household(demo)
    form = benchmark(svc.load, hid)
    assert form.id == hid and len(form.persons) >= 3


def test_save_one_household(benchmark: BenchmarkFixture, demo: Database) -> None:
    """A real change each round (a phone number), so every save writes one audit row."""
    svc = HouseholdService(demo, operators(demo)[0])
    hid = _middle_household(demo)
    form = svc.load(hid)
    phones = ("13900001111", "13900002222")
    rounds = [0]

    def save(f: HouseholdForm) -> SavedHousehold:
        rounds[0] += 1
        f.persons[0].phone = phones[rounds[0] % 2]
        saved = svc.save(f)
        f.row_version = saved.row_version
        return saved

    saved = benchmark(save, form)
    assert saved.row_version == 1 + rounds[0]
