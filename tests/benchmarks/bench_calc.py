"""Time the calculation service on a copy of a demo database (issue #6 targets).

.venv/bin/python tests/benchmarks/bench_calc.py [/tmp/bench/demo-100000.sqlite] [--repeat N]

- one household end to end (``compute``: read, engine, new version with lines and audit
  row, register total), median / min / p90 of 200 "surveyed" households, and the same call
  again with nothing changed;
- ``recompute_all`` twice on a fresh copy: the first pass stores new versions where the
  inputs changed, the second finds nothing changed;
- ``impact_preview`` of the scheme in force with its first per-area rate +1 %.

Each figure is printed with the load average (the machine is shared) and the CPU time of
this process, which the load disturbs less. With ``--repeat N`` everything runs N times,
each on a fresh copy; take the best.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import select

from relocation_desk.domain.scheme import RateKind, Scheme
from relocation_desk.services.calculation.inputs import SchemeBook
from relocation_desk.services.calculation.service import CalculationService
from relocation_desk.services.households.service import OperatorRef, operators, project_id_of
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database, open_database

AS_OF = date(2026, 11, 23)


def _hq(db: Database) -> OperatorRef:
    """HQ staff: they compute every team's households."""
    return next(o for o in operators(db) if o.role == "hq")


def _load() -> str:
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def one_household(db: Database) -> None:
    svc = CalculationService(db, _hq(db))
    with db.session() as s:
        ids = list(
            s.scalars(select(m.Household.id).where(m.Household.status == "surveyed").limit(201))
        )
    svc.compute(ids[0], as_of=AS_OF)  # warm-up: imports, scheme parsing, compiled statements
    wall, cpu = [], []
    for hid in ids[1:]:
        t, c = time.perf_counter(), time.process_time()
        view = svc.compute(hid, as_of=AS_OF)
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        assert view.created
    again = []
    for hid in ids[1:]:
        t = time.perf_counter()
        assert not svc.compute(hid, as_of=AS_OF).created
        again.append((time.perf_counter() - t) * 1000)
    wall.sort()
    print(
        f"one household, new version: median {statistics.median(wall):.2f} ms, "
        f"min {wall[0]:.2f}, p90 {wall[int(len(wall) * 0.9)]:.2f} "
        f"(CPU median {statistics.median(cpu):.2f} ms); unchanged: median "
        f"{statistics.median(again):.2f} ms; {_load()}"
    )


def recompute(db: Database) -> None:
    svc = CalculationService(db, _hq(db))
    for label in ("recompute all (first)", "recompute all (no change)"):
        seen: list[tuple[int, int]] = []
        t, c = time.perf_counter(), time.process_time()
        summary = svc.recompute_all(as_of=AS_OF, progress=lambda *done: seen.append(done))  # noqa: B023
        print(
            f"{label}: {time.perf_counter() - t:.1f} s (CPU {time.process_time() - c:.1f} s), "
            f"changed {summary.changed:,}, unchanged {summary.unchanged:,}, "
            f"failed {len(summary.failed)}, {len(seen)} batches; {_load()}"
        )


def _draft(db: Database) -> Scheme:
    with db.session() as s:
        found = SchemeBook(s, project_id_of(s)).in_force(AS_OF)
    assert found is not None
    scheme = found[1]
    k, item = next((k, it) for k, it in enumerate(scheme.items) if it.kind is RateKind.AREA)
    items = list(scheme.items)
    items[k] = dataclasses.replace(item, rate_fen=item.rate_fen * 101 // 100)
    return dataclasses.replace(scheme, items=tuple(items))


def impact(db: Database) -> None:
    draft = _draft(db)
    t, c = time.perf_counter(), time.process_time()
    report = CalculationService(db, _hq(db)).impact_preview(draft, as_of=AS_OF)
    print(
        f"impact preview (+1 % on one house rate): {time.perf_counter() - t:.1f} s "
        f"(CPU {time.process_time() - c:.1f} s), compared "
        f"{sum(team.households for team in report.teams):,}, changed {report.changed:,}, "
        f"signed excluded {report.signed_excluded:,}; {_load()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("source", nargs="?", default="/tmp/bench/demo-100000.sqlite")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    for _round in range(args.repeat):
        with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
            path = Path(tmp) / "bench.sqlite"
            shutil.copyfile(args.source, path)
            db = open_database(path)
            try:
                impact(db)  # read-only: first, on the untouched copy
                recompute(db)
                one_household(db)
            finally:
                db.close()


if __name__ == "__main__":
    main()
