"""Speed of the register window on a large demo project; prints rows for docs/benchmarks.md.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_register.py --households 100000

Filter (per kind) and sort (per column) are timed from the user's action to the repainted
table; the QSortFilterProxyModel baseline runs in the same process over the same data.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import Qt

from tests.benchmarks import register_measure as rm

EXE = Path(sys.executable).parent / "relocation-desk"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--households", type=int, default=100_000)
    ap.add_argument("--db", type=Path, default=None)
    args = ap.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    db_path = args.db or Path(tempfile.gettempdir()) / f"rd-bench-{args.households}.sqlite"
    if not db_path.exists():
        subprocess.run(
            [
                str(EXE),
                "demo",
                "--db",
                str(db_path),
                "--households",
                str(args.households),
                "--quiet",
            ],
            check=True,
        )
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.main_window import MainWindow
    from relocation_desk.storage.db import open_database
    from tests.operators import operator_with_role

    make_app()
    t0 = time.perf_counter()
    db = open_database(db_path)
    window = MainWindow(db, operator_with_role(db, "hq"))  # HQ: every team, in full
    window.show()
    window.table.viewport().repaint()
    print(
        f"| register window built (index of {args.households:,}) | {time.perf_counter() - t0:.2f} s | |"
    )
    queries = rm.sample_queries(db_path)
    ours: dict[str, float] = {}
    for kind, q in queries.items():
        times = [rm.time_keystroke(window, q) for _ in range(5)]
        ours[kind] = rm.median_ms(times)
        window.filters.text.clear()
        print(f"| filter, {kind} `{q}` | {ours[kind]:.1f} ms | ≤ 50 ms |")
    baseline_queries = [queries["name (2 characters)"], queries["pinyin initials"]]
    base = rm.proxy_baseline(db_path, baseline_queries)
    for q, seconds in base.items():
        kind = next(k for k, v in queries.items() if v == q)
        ratio = seconds * 1000 / ours[kind]
        print(
            f"| QSortFilterProxyModel baseline, {kind} | {seconds * 1000:.0f} ms ({ratio:.0f}× slower) | ours ≥ 20× faster |"
        )
    for col in range(window.model.columnCount()):
        first = rm.time_sort(window, col, Qt.SortOrder.AscendingOrder) * 1000
        again = rm.time_sort(window, col, Qt.SortOrder.DescendingOrder) * 1000
        header = window.model.headerData(col, Qt.Orientation.Horizontal)
        print(f"| sort by {header}: first / reversed | {first:.0f} / {again:.0f} ms | ≤ 150 ms |")
    window.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    fetch = rm.page_fetch_times(window)
    print(
        f"| fetch one page of rows while scrolling (median / max of {len(fetch)}) | {rm.median_ms(fetch):.1f} / {max(fetch) * 1000:.1f} ms | ≤ 5 ms |"
    )
    window.close()


if __name__ == "__main__":
    main()
