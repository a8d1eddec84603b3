"""Calculation benchmarks on the shared bench demo (no time assertions; see bench_calc.py)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from relocation_desk.services.calculation.service import CalculationService
from relocation_desk.storage import models as m
from relocation_desk.storage.db import open_database
from tests.operators import operator_with_role

AS_OF = date(2026, 11, 23)


def test_one_household(benchmark: Any, bench_db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "b.sqlite"
    shutil.copyfile(bench_db_path, path)
    db = open_database(path)
    try:
        with db.session() as s:
            ids = list(s.scalars(select(m.Household.id).where(m.Household.status == "surveyed")))
        svc = CalculationService(db, operator_with_role(db, "hq"))  # every team's
        it = iter(ids)
        view = benchmark.pedantic(lambda: svc.compute(next(it), as_of=AS_OF), rounds=5)
        assert view.created
    finally:
        db.close()


def test_recompute_all(benchmark: Any, bench_db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "b.sqlite"
    shutil.copyfile(bench_db_path, path)
    db = open_database(path)
    try:
        svc = CalculationService(db, operator_with_role(db, "hq"))  # every team's
        summary = benchmark.pedantic(lambda: svc.recompute_all(as_of=AS_OF), rounds=1)
        assert summary.failed == []
    finally:
        db.close()
