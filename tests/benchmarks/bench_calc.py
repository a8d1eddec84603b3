"""Time one-household compute and recompute-all on a copy of a demo database.

.venv/bin/python tests/benchmarks/bench_calc.py [/tmp/rd-bench-100000.sqlite]
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import select

from relocation_desk.services.calculations import CalculationService
from relocation_desk.storage import models as m
from relocation_desk.storage.db import open_database

AS_OF = date(2026, 11, 23)


def main() -> None:
    source = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/rd-bench-100000.sqlite")
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        path = Path(tmp) / "bench.sqlite"
        shutil.copyfile(source, path)
        db = open_database(path)
        try:
            svc = CalculationService(db, None)
            with db.session() as s:
                ids = list(
                    s.scalars(
                        select(m.Household.id).where(m.Household.status == "surveyed").limit(51)
                    )
                )
            svc.compute(ids[0], as_of=AS_OF)  # warm-up: imports, scheme parsing
            times = []
            for hid in ids[1:]:
                t = time.perf_counter()
                svc.compute(hid, as_of=AS_OF)
                times.append((time.perf_counter() - t) * 1000)
            print(f"one household (new version): median {statistics.median(times):.2f} ms")
            for label in ("recompute all (first)", "recompute all (no change)"):
                t = time.perf_counter()
                summary = svc.recompute_all(as_of=AS_OF)
                print(
                    f"{label}: {time.perf_counter() - t:.1f} s, changed {summary.changed}, "
                    f"unchanged {summary.unchanged}, failed {len(summary.failed)}"
                )
        finally:
            db.close()


if __name__ == "__main__":
    main()
