"""GUI against CLI for the same long work, in one process (see ``gui_cli_compare``).

QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_gui_vs_cli.py \
    [/tmp/bench/demo-100000.sqlite] [--rounds 3] [--no-recompute] [--unsettled] [--json out.json]

Prints each run, the median per path and the ratio GUI / CLI (target: ≤ 1.2).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.gui_cli_compare import compare


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("source", nargs="?", default="/tmp/bench/demo-100000.sqlite")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-recompute", action="store_true")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--unsettled", action="store_true", help="post as soon as the window shows")
    args = parser.parse_args()

    from relocation_desk.gui.app import make_app

    make_app()
    print(f"load average before: {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory(dir=Path(args.source).parent) as tmp:
        timings = compare(
            Path(args.source),
            Path(tmp),
            rounds=args.rounds,
            recompute=not args.no_recompute,
            settle=not args.unsettled,
            on_timing=lambda t: print(
                f"{t.what:10} {t.path}: {t.seconds:7.2f} s  {t.detail}  load {os.getloadavg()[0]:.1f}",
                flush=True,
            ),
        )
    summary = {}
    for what in dict.fromkeys(t.what for t in timings):
        cli = statistics.median(t.seconds for t in timings if t.what == what and t.path == "cli")
        gui = statistics.median(t.seconds for t in timings if t.what == what and t.path == "gui")
        summary[what] = {
            "cli_s": round(cli, 2),
            "gui_s": round(gui, 2),
            "ratio": round(gui / cli, 3),
        }
        print(f"{what}: median CLI {cli:.2f} s, GUI {gui:.2f} s, GUI/CLI {gui / cli:.2f}")
    print(f"load average after: {os.getloadavg()}")
    if args.json:
        args.json.write_text(
            json.dumps({"runs": [t.__dict__ for t in timings], **summary}, indent=2)
        )


if __name__ == "__main__":
    main()
