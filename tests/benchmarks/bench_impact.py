"""Time the impact preview of a draft scheme over a copy of a demo database.

One house rate (the first per-area item) goes up by 1 %; the draft is previewed through
``SchemeService.impact_preview`` (which calls ``CalculationService.impact_preview``). The time
spent reading households (``read_facts``) and computing them (engine and approvals) is
measured by wrapping those two functions where the calculation service looks them up.

.venv/bin/python tests/benchmarks/bench_impact.py [/tmp/bench/demo-100000.sqlite]
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from relocation_desk.services.calculation import service as calculations
from relocation_desk.services.households.service import operators
from relocation_desk.services.schemes.service import SchemeService
from relocation_desk.storage.db import open_database

AS_OF = date(2026, 11, 23)
SPENT = {"read_facts": 0.0, "compute": 0.0}


def _timed(name: str, key: str) -> None:
    fn: Callable[..., Any] | None = getattr(calculations, name, None)
    if fn is None:  # the service changed: no breakdown for this part
        return

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            SPENT[key] += time.perf_counter() - t

    setattr(calculations, name, wrapper)


def main() -> None:
    source = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/bench/demo-100000.sqlite")
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        path = Path(tmp) / "bench.sqlite"
        shutil.copyfile(source, path)
        db = open_database(path)
        try:
            hq = next(o for o in operators(db) if o.role == "hq")
            svc = SchemeService(db, hq)
            scheme = svc.list_schemes()[0]
            t = time.perf_counter()
            draft = svc.new_draft(scheme.id)
            content = svc.load(draft)
            item = next(it for it in content.items if it.kind == "per_area")
            item.rate_fen = item.rate_fen * 101 // 100
            svc.save_draft(content)
            print(f"new draft + save: {(time.perf_counter() - t) * 1000:.0f} ms")
            _timed("read_facts", "read_facts")
            _timed("_with_approvals", "compute")
            t = time.perf_counter()
            report = svc.impact_preview(svc.load(draft), as_of=AS_OF)
            elapsed = time.perf_counter() - t
            compared = sum(team.households for team in report.teams)
            print(
                f"impact preview ({item.code} +1 %): {elapsed:.1f} s; compared {compared:,}, "
                f"changed {report.changed:,}, signed excluded {report.signed_excluded:,}, "
                f"failed {len(report.failed)}, delta {report.delta_fen / 100:,.2f} 元, "
                f"teams {len(report.teams)}"
            )
            print(
                f"  of which reading households {SPENT['read_facts']:.1f} s, "
                f"computing {SPENT['compute']:.1f} s, the rest "
                f"{elapsed - SPENT['read_facts'] - SPENT['compute']:.1f} s"
            )
            print("load average:", " ".join(f"{x:.2f}" for x in os.getloadavg()))
        finally:
            db.close()


if __name__ == "__main__":
    main()
