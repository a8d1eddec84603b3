"""Daily report timings on a large demo project: count the figures, write the xlsx and the PDF.

Run: .venv/bin/python -m tests.benchmarks.bench_daily_report [DB] [--runs=N]
(default DB: a copy of /tmp/bench/demo-100000.sqlite made in a temporary folder, since opening
a database may write to it; default 3 runs). Each run is a fresh process: it opens the
database, reads the facts, counts the report for 2026-11-23 (the demo's today) as of its
cut-off (``daily_report.build``, as the command runs it), writes the workbook and the
one-page PDF. Wall time depends on what else the machine
runs: each line shows the 1-minute load average and the CPU seconds. Issue #9 target: ≤ 3 s
for xlsx + PDF at 100,000 households.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

SOURCE = Path("/tmp/bench/demo-100000.sqlite")
DAY = date(2026, 11, 23)


def _measure(db_path: str, out_dir: str) -> dict[str, float]:
    from relocation_desk.reports import pdf_fonts
    from relocation_desk.reports.daily_pdf import write_daily_pdf
    from relocation_desk.reports.daily_xlsx import write_daily_xlsx
    from relocation_desk.services.progress import daily_report
    from relocation_desk.storage.db import open_database

    pdf_fonts.register_fonts()  # font files are read once per process, not per report
    marks = [(time.perf_counter(), time.process_time())]

    def mark() -> None:
        marks.append((time.perf_counter(), time.process_time()))

    db = open_database(db_path)
    mark()
    data = daily_report.build(db, DAY)  # reads the facts and counts, as the command does
    mark()
    write_daily_xlsx(Path(out_dir) / "daily.xlsx", data)
    mark()
    write_daily_pdf(Path(out_dir) / "daily.pdf", data)
    mark()
    db.close()
    names = ("open", "read_count", "xlsx", "pdf")
    result = {n: marks[i + 1][0] - marks[i][0] for i, n in enumerate(names)}
    result["total"] = marks[-1][0] - marks[0][0]
    result["cpu"] = marks[-1][1] - marks[0][1]
    result["households"] = data.total.households
    return result


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--child":
        print(json.dumps(_measure(argv[1], argv[2])))
        return 0
    runs = 3
    paths = [a for a in argv if not a.startswith("--")]
    for a in argv:
        if a.startswith("--runs="):
            runs = int(a.split("=", 1)[1])
    with tempfile.TemporaryDirectory(prefix="bench-daily-") as tmp:
        if paths:
            db_path = paths[0]
        else:
            db_path = str(Path(tmp) / SOURCE.name)
            shutil.copyfile(SOURCE, db_path)
        for run in range(1, runs + 1):
            load = os.getloadavg()[0]
            out = subprocess.run(
                [sys.executable, "-m", "tests.benchmarks.bench_daily_report", "--child", db_path, tmp],
                capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
            r = json.loads(out.strip().splitlines()[-1])
            print(
                f"run {run}: {int(r['households']):,} households  total {r['total']:.2f} s "
                f"(open {r['open']:.2f}, read and count {r['read_count']:.2f}, "
                f"xlsx {r['xlsx']:.2f}, pdf {r['pdf']:.2f})  cpu {r['cpu']:.2f} s  "
                f"load {load:.1f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
