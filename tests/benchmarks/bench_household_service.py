"""Time the household service on a big demo project and print markdown rows for the docs.

    .venv/bin/python tests/benchmarks/bench_household_service.py                  # 100,000
    .venv/bin/python tests/benchmarks/bench_household_service.py --households 20000
    .venv/bin/python tests/benchmarks/bench_household_service.py --database demo.sqlite

Builds the demo (seed 1, today 2026-11-23) in a temporary folder, or at ``--database`` if
that file does not exist yet (kept for the next run; saves add rows to it). Measures, over ``--samples``
households spread over the register, the median and 95th percentile of: load, check, save
with one changed phone number (one audit row), save of a new household, and history.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from relocation_desk.domain.household_form import PersonForm, StructureForm
from relocation_desk.services.demo.generator import generate_demo
from relocation_desk.services.households.service import HouseholdService, operators
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database, open_database

TARGETS_MS = {"load": 100.0, "save (one change)": 50.0, "save (new household)": 50.0}


def _ms(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def measure(db: Database, samples: int) -> dict[str, list[float]]:
    svc = HouseholdService(db, operators(db)[0])
    with db.session() as s:
        total = s.scalar(select(func.count()).select_from(m.Household)) or 0
        step = max(1, total // samples)
        ids = s.scalars(select(m.Household.id).order_by(m.Household.code)).all()[::step]
    svc.choices()
    svc.load(ids[0])  # warm caches (fonts coverage, pinyin, statement cache)
    times: dict[str, list[float]] = {
        k: [] for k in ("load", "check", "save (one change)", "save (new household)", "history")
    }
    for n, hid in enumerate(ids[:samples]):
        times["load"].append(_ms(lambda hid=hid: svc.load(hid)))
        form = svc.load(hid)
        times["check"].append(_ms(lambda form=form: svc.check(form)))
        form.persons[0].phone = f"139{n:08d}"
        times["save (one change)"].append(_ms(lambda form=form: svc.save(form)))
        times["history"].append(_ms(lambda hid=hid: svc.history(hid)))
        new = svc.new_form(village_id=form.village_id)
        new.persons = [PersonForm(name="测试" + "甲乙丙丁戊己庚辛壬癸"[n % 10], relation="户主")]
        new.structures = [StructureForm(legal_area="100")]
        times["save (new household)"].append(_ms(lambda new=new: svc.save(new)))
    return times


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--households", type=int, default=100_000)
    ap.add_argument("--database", type=Path)
    ap.add_argument("--samples", type=int, default=200)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="rd-household-bench-") as tmp:
        path = args.database or Path(tmp) / "demo.sqlite"
        if not path.exists():
            t0 = time.perf_counter()
            generate_demo(path, households=args.households, seed=1, today=date(2026, 11, 23))
            print(f"demo built in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
        db = open_database(path)
        try:
            with db.session() as s:
                n = s.scalar(select(func.count()).select_from(m.Household)) or 0
            times = measure(db, args.samples)
        finally:
            db.close()
    print(f"| household service, {n:,} households | median | 95th percentile | target |")
    print("|---|---|---|---|")
    for name, values in times.items():
        values.sort()
        p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
        target = TARGETS_MS.get(name)
        print(
            f"| {name} | {statistics.median(values):.1f} ms | {p95:.1f} ms | "
            + (f"≤ {target:.0f} ms |" if target else "— |")
        )


if __name__ == "__main__":
    main()
