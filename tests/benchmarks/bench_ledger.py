"""Time the ledger import against merely reading the file, and the full-ledger export.

    .venv/bin/python tests/benchmarks/bench_ledger.py                       # 9,000 households
    .venv/bin/python tests/benchmarks/bench_ledger.py --history   # each signed, paid, vacated
    .venv/bin/python tests/benchmarks/bench_ledger.py --export /tmp/rd-bench-100000.sqlite

Prints markdown rows for docs/benchmarks.md: the openpyxl read-only baseline and the import
of the same file in the same run (and their ratio; the budget is ≤ 20 s and ≤ 3×), and the
export's wall time and peak memory (budget ≤ 60 s, ≤ 1 GB). The export works on a copy.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from openpyxl import load_workbook

from relocation_desk.reports.ledger_report import write_import_report
from relocation_desk.reports.ledger_xlsx import write_ledger
from relocation_desk.services.ledger.export import open_ledger
from relocation_desk.services.ledger.importer import analyse, apply
from relocation_desk.storage.db import open_database
from tests.services.ledger_books import big_ledger


def read_only(path: Path) -> int:
    wb = load_workbook(path, read_only=True, data_only=True)
    n = sum(1 for ws in wb.worksheets for _row in ws.iter_rows(values_only=True))
    wb.close()
    return n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--households", type=int, default=9000)
    ap.add_argument("--export", type=Path, help="a project database to export (copied first)")
    ap.add_argument(
        "--history", action="store_true",
        help="every household signed, paid and vacated: an agreement, a payment and a milestone each",
    )  # fmt: skip
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="rd-ledger-") as tmp:
        work = Path(tmp)
        if args.export is None:
            ledger = work / "ledger.xlsx"
            persons = big_ledger(ledger, args.households, history=args.history)
            t0 = time.perf_counter()
            read_only(ledger)
            base = time.perf_counter() - t0
            t0 = time.perf_counter()
            report = apply(analyse(ledger), work / "new.sqlite")
            took = time.perf_counter() - t0
            assert report.households == args.households and report.persons == persons
            t0 = time.perf_counter()
            write_import_report(work / "report.xlsx", report, source=str(ledger))
            (work / "report.json").write_text(json.dumps(report.to_json(), ensure_ascii=False))
            with_report = took + time.perf_counter() - t0
            print("| ledger import | households / persons | openpyxl read-only | import "
                  "| with report | ratios |")  # fmt: skip
            print("|---|---|---|---|---|---|")
            print(f"| {args.households:,} households | {persons:,} | {base:.1f} s | {took:.1f} s "
                  f"| {with_report:.1f} s | {took / base:.2f}× / {with_report / base:.2f}× "
                  f"(report {with_report / took:.2f}× the import) |")  # fmt: skip
            return
        db_path = work / "export.sqlite"
        shutil.copyfile(args.export, db_path)
        db = open_database(db_path)
        t0, c0 = time.perf_counter(), time.process_time()
        with open_ledger(db) as rows:
            counts = write_ledger(work / "ledger.xlsx", rows)
        took, cpu = time.perf_counter() - t0, time.process_time() - c0
        size = (work / "ledger.xlsx").stat().st_size / 1e6
        db.close()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print("| ledger export | rows | wall time (CPU) | peak RSS | file |")
        print("|---|---|---|---|---|")
        print(f"| {counts['户']:,} households | {sum(counts.values()):,} | {took:.1f} s "
              f"({cpu:.1f} s) | {peak:,.0f} MB | {size:,.0f} MB |")  # fmt: skip


if __name__ == "__main__":
    main()
