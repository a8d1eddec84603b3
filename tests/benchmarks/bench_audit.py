"""Time ``check`` and what the chained audit log adds to writing, and print rows for the docs.

    .venv/bin/python tests/benchmarks/bench_audit.py check /tmp/bench/demo-100000.sqlite
    .venv/bin/python tests/benchmarks/bench_audit.py overhead /tmp/bench/demo-10000.sqlite

``check``: the whole check (``check_database``, files included) and the quick check run at
opening, on the file as it is (read-only).

``overhead``: the cost of chaining, as a ratio measured in one process against the same work
with chaining switched off (the ORM hook removed, the Core bulk path given a stub that leaves
the chain columns empty): saving one household with one changed field (``--samples`` saves,
alternating on and off, medians), and ``recompute_all`` on two fresh copies of the file, one
with and one without chaining (the order alternates over ``--repeat`` rounds; the faster run
of each is kept). Wall and CPU times; the machine's load is printed with each row.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from relocation_desk.services.audit import chain
from relocation_desk.services.calculation import store
from relocation_desk.services.calculation.service import CalculationService
from relocation_desk.services.households.service import HouseholdService, operators
from relocation_desk.services.integrity import check_database, quick_check
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database, open_database

AS_OF = date(2026, 11, 23)


def _load() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}"


def _unchained(_conn: Any, rows: list[dict[str, Any]]) -> None:
    for r in rows:
        r.update(seq=None, prev_hash="", row_hash="", seal=r.get("seal") or "")


@contextmanager
def chaining(on: bool) -> Iterator[None]:
    """Chaining as the program does it (on) or switched off for comparison."""
    if on:
        yield
        return
    event.remove(Session, "before_flush", chain._chain_new_rows)
    real = store.chain_rows
    store.chain_rows = _unchained  # type: ignore[assignment]
    try:
        yield
    finally:
        store.chain_rows = real  # type: ignore[assignment]
        chain.install()


def _timed(fn: Callable[[], object]) -> tuple[float, float]:
    t, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - t, time.process_time() - c


def bench_check(path: Path) -> None:
    db = open_database(path)
    try:
        wall, cpu = _timed(lambda: quick_check(db))
        print(f"| quick check (at opening) | {wall:.2f} s (CPU {cpu:.2f} s) | {_load()} |")
        report = None

        def full() -> None:
            nonlocal report
            report = check_database(db)

        wall, cpu = _timed(full)
        assert report is not None and report.ok, "the benchmark file does not check clean"
        print(f"| check, whole | {wall:.1f} s (CPU of this thread {cpu:.1f} s) | {_load()} |")
    finally:
        db.close()


def bench_save(db: Database, samples: int) -> None:
    svc = HouseholdService(db, next(o for o in operators(db) if o.role == "hq"))  # every team's
    with db.session() as s:
        ids = s.scalars(select(m.Household.id).order_by(m.Household.code)).all()
    step = max(1, len(ids) // (2 * samples))
    picked = ids[::step][: 2 * samples]
    svc.load(picked[0])
    wall: dict[bool, list[float]] = {True: [], False: []}
    cpu: dict[bool, list[float]] = {True: [], False: []}
    for n, hid in enumerate(picked):
        on = n % 2 == 0
        form = svc.load(hid)
        form.persons[0].phone = f"138{n:08d}"
        with chaining(on):
            w, c = _timed(lambda form=form: svc.save(form))
        wall[on].append(w * 1000)
        cpu[on].append(c * 1000)
    w1, w0 = statistics.median(wall[True]), statistics.median(wall[False])
    c1, c0 = statistics.median(cpu[True]), statistics.median(cpu[False])
    print(
        f"| save one household (one change), median of {len(wall[True])} each | {w1:.1f} ms "
        f"chained (CPU {c1:.1f}), {w0:.1f} ms without (CPU {c0:.1f}) | {w1 / w0 - 1:+.1%} wall, "
        f"{c1 / c0 - 1:+.1%} CPU | {_load()} |"
    )


def bench_recompute(source: Path, repeat: int) -> None:
    best: dict[bool, tuple[float, float]] = {}
    changed = 0
    for k in range(repeat):
        for on in (k % 2 == 0, k % 2 != 0):
            with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
                path = Path(tmp) / "copy.sqlite"
                shutil.copyfile(source, path)
                db = open_database(path)
                try:
                    hq = next(o for o in operators(db) if o.role == "hq")
                    svc = CalculationService(db, hq)
                    with chaining(on):
                        t, c = time.perf_counter(), time.process_time()
                        summary = svc.recompute_all(as_of=AS_OF)
                        wall, cpu = time.perf_counter() - t, time.process_time() - c
                    changed = summary.changed
                finally:
                    db.close()
            old = best.get(on)
            best[on] = (min(wall, old[0]), min(cpu, old[1])) if old else (wall, cpu)
    (w1, c1), (w0, c0) = best[True], best[False]
    print(
        f"| recompute all (first pass: {changed:,} new versions, as many audit rows) | "
        f"{w1:.1f} s chained (CPU {c1:.1f}), {w0:.1f} s without "
        f"(CPU {c0:.1f}) | {w1 / w0 - 1:+.1%} wall, {c1 / c0 - 1:+.1%} CPU | {_load()} |"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=("check", "overhead"))
    ap.add_argument("database", type=Path)
    ap.add_argument("--samples", type=int, default=60)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    if args.what == "check":
        bench_check(args.database)
        return
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        path = Path(tmp) / "save.sqlite"
        shutil.copyfile(args.database, path)
        db = open_database(path)
        try:
            bench_save(db, args.samples)
        finally:
            db.close()
    bench_recompute(args.database, args.repeat)


if __name__ == "__main__":
    main()
