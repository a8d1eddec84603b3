"""Time the payment register export and the holdout list on a large demo project.

    .venv/bin/python tests/benchmarks/bench_payments.py /tmp/bench/demo-100000.sqlite

Works on a copy (the export writes an audit row). Prints markdown rows for docs/benchmarks.md:
reading the register (payments, balances, decisions), writing the xlsx, peak memory, and the
holdout list the 补偿决定 dialog shows (budget: export ≤ 60 s, ≤ 1 GB; holdouts ≤ 2 s).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from relocation_desk.reports.payment_register import write_payment_register
from relocation_desk.services.payments.holdouts import HoldoutService
from relocation_desk.services.payments.register import payment_register
from relocation_desk.storage.db import open_database


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("database", type=Path)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="rd-pay-") as tmp:
        work = Path(tmp)
        copy = work / "p.sqlite"
        shutil.copyfile(args.database, copy)
        db = open_database(copy)
        try:
            t0 = time.perf_counter()
            reg = payment_register(db)
            read = time.perf_counter() - t0
            out = work / "register.xlsx"
            t0 = time.perf_counter()
            write_payment_register(reg, out)
            write = time.perf_counter() - t0
            t0 = time.perf_counter()
            rows = HoldoutService(db, None).holdouts(today=date(2026, 11, 23))
            holdouts = time.perf_counter() - t0
        finally:
            db.close()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        size = out.stat().st_size / 1e6
    load = os.getloadavg()
    print("| payment register | payments / households / decisions | read | write xlsx | peak RSS | file | holdout list | load |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    print(f"| {args.database.name} | {len(reg.payments):,} / {len(reg.balances):,} / "
          f"{len(reg.decisions):,} | {read:.1f} s | {write:.1f} s | {peak:.0f} MB | {size:.1f} MB "
          f"| {holdouts:.2f} s ({len(rows):,} rows) | {load[0]:.1f} |")  # fmt: skip


if __name__ == "__main__":
    main()
