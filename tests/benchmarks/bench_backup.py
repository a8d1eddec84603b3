"""Time a backup, the checks before a restore, and a restore, on a demo project; print
markdown rows for docs/benchmarks.md.

    .venv/bin/python tests/benchmarks/bench_backup.py --db /tmp/b100k.sqlite   # an existing demo
    .venv/bin/python tests/benchmarks/bench_backup.py --households 100000       # made first (~2 min)

The backup is what ``relocation-desk backup`` and the automatic backups do (SQLite's online
backup API into a new file); the checks are those ``restore`` makes before it replaces
anything (integrity, schema, project, audit chain); the restore includes the safety copy.
Target: backup of the 100,000-household demo ≤ 3 s on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

from relocation_desk.services.backups import verify_audit_chain
from relocation_desk.storage.backup import backup_database
from relocation_desk.storage.db import open_database
from relocation_desk.storage.restore import read_backup, restore_backup

T = TypeVar("T")


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path)
    ap.add_argument("--households", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="rd-backup-", dir="/var/tmp") as tmp:
        work = Path(tmp) / "project.sqlite"
        if args.db:
            shutil.copyfile(args.db, work)
        else:
            from relocation_desk.services.demo.generator import generate_demo

            generate_demo(work, households=args.households, seed=1, today=date(2026, 11, 23))
        size_mb = work.stat().st_size / 1e6
        backups, checks, restores = [], [], []
        for run in range(args.runs):
            with open_database(work) as db:
                seconds, copy = timed(
                    lambda db=db, run=run: backup_database(db, Path(tmp) / f"b{run}.sqlite")
                )
            backups.append(seconds)
            seconds, _facts = timed(lambda copy=copy: (read_backup(copy), verify_audit_chain(copy)))
            checks.append(seconds)
            seconds, report = timed(
                lambda copy=copy: restore_backup(copy, work, verify=verify_audit_chain)
            )
            restores.append(seconds)
            if report.safety_copy is not None:
                report.safety_copy.unlink()
            copy.unlink()
            print(
                f"  run {run + 1}: backup {backups[-1]:.2f} s, checks {checks[-1]:.2f} s, "
                f"restore {restores[-1]:.2f} s",
                file=sys.stderr,
            )
        households = read_backup(work).households
    load = os.getloadavg()[0]
    print(f"| what ({households:,} households, {size_mb:,.0f} MB file; load {load:.1f}) "
          "| median of 3 | target |")  # fmt: skip
    print("|---|---|---|")
    print(f"| backup (online backup API, new file) | {statistics.median(backups):.2f} s | ≤ 3 s |")
    print(
        f"| checks before a restore (integrity, schema, project, audit chain) "
        f"| {statistics.median(checks):.2f} s | — |"
    )
    print(f"| restore (checks, safety copy, copy in) | {statistics.median(restores):.2f} s | — |")


if __name__ == "__main__":
    main()
