"""Start-up time of the desk window on a large database, from process start (warm).

    .venv/bin/python tests/benchmarks/bench_startup.py --households 100000 [--db existing.sqlite]

Generates the demo database if needed, runs ``relocation-desk gui --smoke`` once to warm the
OS file cache, then times three runs from process start until the window is shown with its
first rows painted (the child prints that wall-clock moment; its own exit is not counted),
and prints the median as a markdown table row for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXE = Path(sys.executable).parent / "relocation-desk"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--households", type=int, default=100_000)
    ap.add_argument("--db", type=Path, default=None)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    db = args.db or Path(tempfile.gettempdir()) / f"rd-bench-{args.households}.sqlite"
    if not db.exists():
        subprocess.run(
            [str(EXE), "demo", "--db", str(db), "--households", str(args.households), "--quiet"],
            check=True,
        )
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    env["RELOCATION_DESK_HOME"] = tempfile.mkdtemp(prefix="rd-home-")
    times = []
    for i in range(args.runs + 1):
        t0 = time.time()
        r = subprocess.run(
            [str(EXE), "gui", "--db", str(db), "--smoke"], env=env, capture_output=True, text=True
        )
        if r.returncode != 0 or "smoke ok" not in r.stdout:
            sys.exit(f"start-up failed: {r.stdout}\n{r.stderr}")
        # From starting the process to the window painted with its first rows (the child
        # reports the wall-clock moment), not counting the process's own exit.
        elapsed = float(r.stdout.split("shown_at=")[1].split()[0]) - t0
        if i:  # the first run only warms the file cache
            times.append(elapsed)
        print(f"run {i}: {elapsed:.3f} s  ({r.stdout.strip()})", file=sys.stderr)
    print(
        f"| main window with data, {args.households:,} households (warm, median of {args.runs}) "
        f"| {statistics.median(times):.2f} s | ≤ 2 s |"
    )


if __name__ == "__main__":
    main()
