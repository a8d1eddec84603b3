"""Time what the calculation screens add around the services, on a copy of a demo database:
the query ``services.recompute`` uses to find the changed households, the
register refresh after a recompute (changed rows vs the full reload ``feature_calc`` switches
to above ``FULL_RELOAD_AT``), the fairness report, its on-screen tables, and opening the
calculation panel for one household.

QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_calc_gui.py [/tmp/bench/demo-100000.sqlite]
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from relocation_desk.gui.app import make_app
from relocation_desk.gui.calculation.fairness import FairnessView
from relocation_desk.gui.calculation.panel import CalculationPanel
from relocation_desk.gui.main_window import MainWindow
from relocation_desk.services.calculation.fairness import fairness_report
from relocation_desk.storage import models as m
from relocation_desk.storage.base import utcnow
from relocation_desk.storage.db import open_database

AS_OF = date(2026, 11, 23)


def timed(label: str, fn: object) -> object:
    t = time.perf_counter()
    result = fn()  # type: ignore[operator]
    print(f"{label}: {time.perf_counter() - t:.3f} s")
    return result


def main() -> None:
    source = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/bench/demo-100000.sqlite")
    app = make_app()
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        path = Path(tmp) / "bench.sqlite"
        shutil.copyfile(source, path)
        db = open_database(path)
        with db.session() as s:
            ids = list(s.scalars(select(m.Household.id).order_by(m.Household.code)))
        started = utcnow()

        def changed_since() -> list[object]:
            with db.session() as s:
                query = select(m.Calculation.household_id).where(
                    m.Calculation.computed_at >= started
                )
                return list(s.scalars(query))

        timed("changed households after a run (calculation scan)", changed_since)
        from tests.operators import operator_with_role

        window = MainWindow(db, operator_with_role(db, "hq"))  # HQ: every team, in full
        window.show()
        window.register.index._ready()  # type: ignore[union-attr]
        app.processEvents()
        for n in (1000, 5000, 20000):
            timed(
                f"register refresh, {n:,} changed", lambda n=n: window.refresh_households(ids[:n])
            )
        timed(f"register refresh, all {len(ids):,} changed", lambda: window.refresh_households(ids))
        timed("register full reload", lambda: (window.set_database(db), window.clear_filters()))
        report = timed("fairness report (service)", lambda: fairness_report(db, today=AS_OF))
        view = FairnessView(db)
        timed("fairness tables filled", lambda: view._show(report))
        times = []
        for hid in ids[:21]:
            t = time.perf_counter()
            panel = CalculationPanel(db, None, hid)
            panel.show()
            QApplication.processEvents()
            times.append((time.perf_counter() - t) * 1000)
            panel.close()
            panel.deleteLater()
        print(f"calculation panel opened and painted: median {statistics.median(times[1:]):.1f} ms")
        window.close()
        db.close()


if __name__ == "__main__":
    main()
