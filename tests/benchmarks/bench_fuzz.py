"""The long run of the fuzz suite, and the row it gives docs/benchmarks.md.

    .venv/bin/python tests/benchmarks/bench_fuzz.py            # RD_FUZZ_SCALE=10, ~20 min
    .venv/bin/python tests/benchmarks/bench_fuzz.py --scale 2

Runs ``pytest tests/fuzz`` with every test's number of examples multiplied by ``--scale`` and
prints: inputs tried (per area), failures (tracebacks, exit code 2, runs over the 10 s
deadline all fail a test), the slowest input and the wall time, with the load average.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=10)
    args = parser.parse_args()
    report = Path(tempfile.mkdtemp()) / "fuzz.json"
    env = {**os.environ, "RD_FUZZ_SCALE": str(args.scale), "RD_FUZZ_REPORT": str(report),
           "QT_QPA_PLATFORM": "offscreen"}  # fmt: skip
    started = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "tests/fuzz"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    summary = [line for line in run.stdout.splitlines() if " passed" in line or " failed" in line]
    data = json.loads(report.read_text(encoding="utf-8"))
    areas: dict[str, int] = collections.Counter()
    slowest = (0.0, "", "")
    for test, entry in data["tests"].items():
        areas[test.split(".")[0]] += entry["inputs"]
        if entry["slowest_s"] > slowest[0]:
            slowest = (entry["slowest_s"], test, entry["slowest_input"][:120])
    print(f"scale {args.scale}: {summary[-1] if summary else run.stdout[-300:]}")
    print(f"inputs {data['total_inputs']:,}: " + ", ".join(f"{k} {v:,}" for k, v in areas.items()))
    print(f"slowest {slowest[0]:.2f} s: {slowest[1]} {slowest[2]}")
    print(f"wall {seconds / 60:.1f} min, load average {os.getloadavg()}")
    if run.returncode:
        print(run.stdout[-4000:])
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
