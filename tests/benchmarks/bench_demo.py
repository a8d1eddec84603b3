"""Time the demo generator end to end and print markdown rows for docs/benchmarks.md.

    .venv/bin/python tests/benchmarks/bench_demo.py                 # 10,000 and 100,000
    .venv/bin/python tests/benchmarks/bench_demo.py --households 10000 --runs 3

Each run creates a fresh file (creation, migration and indexes included). Prints one row per
size: the median wall time, rows written, file size and how many times the engine ran.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from relocation_desk.services.demo.generator import generate_demo

TARGETS = {10_000: 10.0, 100_000: 90.0}  # seconds on 2 cores


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--households", type=int, action="append")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    sizes = args.households or [10_000, 100_000]
    print("| demo generator | wall time | rows | file | engine runs | target |")
    print("|---|---|---|---|---|---|")
    for n in sizes:
        times = []
        for run in range(args.runs):
            with tempfile.TemporaryDirectory(prefix="rd-demo-") as tmp:
                target = Path(tmp) / "demo.sqlite"
                t0 = time.perf_counter()
                summary = generate_demo(
                    target, households=n, seed=args.seed, today=date(2026, 5, 20)
                )
                times.append(time.perf_counter() - t0)
                size_mb = target.stat().st_size / 1e6
            print(f"  {n:,} households, run {run + 1}: {times[-1]:.1f} s", file=sys.stderr)
        target_s = TARGETS.get(n)
        print(
            f"| {n:,} households | {statistics.median(times):.1f} s | "
            f"{sum(summary.counts.values()):,} | {size_mb:,.0f} MB | {summary.engine_calls:,} | "
            + (f"≤ {target_s:.0f} s |" if target_s else "— |")
        )


if __name__ == "__main__":
    main()
