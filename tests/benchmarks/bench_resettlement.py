"""Time the property swap's targets (issue #20).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_resettlement.py

Builds a SQLite project with 10,000 signed swap households and 5,000 flats, then prints markdown
rows for docs/benchmarks.md (medians of 5; budgets: the 5,000-flat grid shown ≤ 200 ms,
recording a choice ≤ 100 ms, ordering or drawing 10,000 households ≤ 1 s):

- the grid: reading the flats and showing them in the resettlement window's grid (data set,
  laid out and painted once, as ``grab()`` paints it);
- a choice: ``ChoiceService.choose`` (one transaction: turn, rules, conditional update);
- ordering by signing time: ``OrderService.issue_signed`` for 10,000 households;
- the draw: ``lottery.draw`` alone, and ``OrderService.run_draw`` (checks the list, draws,
  issues 10,000 numbers).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import delete, select

from relocation_desk.domain import lottery
from relocation_desk.services.resettlement.choosing import ChoiceService, now_choosing
from relocation_desk.services.resettlement.inventory import read_grid
from relocation_desk.services.resettlement.ordering import OrderService
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database, open_database
from relocation_desk.storage.models_resettlement import (
    ResettlementCounter,
    ResettlementFlat,
    ResettlementOrder,
)
from tests.services.resettlement_org import RULES, SwapOrg, make_swap_org

HOUSEHOLDS = 10_000
BUILDINGS = 24  # × 2 units × 26 floors × 4 flats ≈ 5,000


def _populate(db: Database, org: SwapOrg) -> None:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    households, calcs, agreements = [], [], []
    for i in range(HOUSEHOLDS):
        hid, cid = uuid.uuid4(), uuid.uuid4()
        code = f"T03-{i + 1:05d}"
        households.append(
            m.Household(
                id=hid,
                project_id=org.project_id,
                code=code,
                team_id=org.team_id,
                village_id=org.village_id,
                status="signed",
                compensation_method="swap",
                head_name=f"户主{i}",
                member_count=3,
            )
        )
        calcs.append(
            m.Calculation(
                id=cid,
                household_id=hid,
                version_no=1,
                scheme_version_id=org.version_id,
                status="checked",
                compensation_method="swap",
                inputs_hash="x",
                total_fen=0,
            )
        )
        agreements.append(
            m.Agreement(
                project_id=org.project_id,
                household_id=hid,
                kind="main",
                seq_no=i + 1,
                number=f"协议-{code}",
                status="signed",
                scheme_version_id=org.version_id,
                calculation_id=cid,
                compensation_method="swap",
                total_fen=0,
                content={},
                signed_on=date(2026, 3, 1 + i % 28),
                updated_at=now,
            )
        )
    with db.session() as s, s.begin():
        for batch in (households, calcs, agreements):  # parents first: no relationships here
            s.add_all(batch)
            s.flush()
        layouts = (("一室", 6000), ("两室", 9000), ("三室", 12000), ("两室", 9000))
        for b in range(1, BUILDINGS + 1):
            for unit in ("1", "2"):
                for floor in range(1, 27):
                    for k, (layout, area) in enumerate(layouts, start=1):
                        s.add(ResettlementFlat(
                            project_id=org.project_id, estate="城东安置区", building=str(b),
                            unit=unit, floor=floor, number=f"{floor:02d}{k:02d}", layout=layout,
                            built_area_dm2=area, base_price_fen=420000,
                            coefficient_milli=1000 + floor * 5,
                            unit_price_fen=(420000 * (1000 + floor * 5) + 500) // 1000,
                            status="available", note="",
                        ))  # fmt: skip


def _median(fn: Any, runs: int = 5, setup: Any = None) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        if setup is not None:
            setup()
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def _clear_order(db: Database) -> None:
    with db.session() as s, s.begin():
        s.execute(delete(ResettlementOrder))
        s.execute(delete(ResettlementCounter))


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="rd-swap-") as tmp:
        db = open_database(Path(tmp) / "swap.sqlite", create=True)
        try:
            org = make_swap_org(db, RULES)
            t0 = time.perf_counter()
            _populate(db, org)
            print(f"(set-up: {time.perf_counter() - t0:.1f} s)")
            rows = []

            codes = [f"T03-{i + 1:05d}" for i in range(HOUSEHOLDS)]
            t, _r = _median(lambda: lottery.draw(codes, "2026-12-10 731904"))
            rows.append(("draw of 10,000 households (`lottery.draw`)", t))
            t, _r = _median(
                lambda: OrderService(db, org.hq).issue_signed(), setup=lambda: _clear_order(db)
            )
            rows.append(("order 10,000 households by signing time (`issue_signed`)", t))

            frozen: list[Any] = []

            def freeze() -> None:
                _clear_order(db)
                from relocation_desk.storage.models_resettlement import ResettlementDraw

                with db.session() as s, s.begin():
                    s.execute(delete(ResettlementDraw))
                frozen[:] = [OrderService(db, org.hq).freeze_draw("现场公开摇出的6位数字")]

            t, _r = _median(
                lambda: OrderService(db, org.hq).run_draw(frozen[0].id, "731904"), setup=freeze
            )
            rows.append(
                ("draw 10,000 households (`run_draw`: list checked, drawn, numbers issued)", t)
            )
            t, _r = _median(lambda: freeze())
            rows.append(("freeze the list of 10,000 households (`freeze_draw`, before the day)", t))
            _clear_order(db)
            OrderService(db, org.hq).issue_signed()  # the order the choices below follow

            from PySide6.QtWidgets import QApplication, QScrollArea

            from relocation_desk.gui.resettlement.grid import FlatGridView

            app = QApplication.instance() or QApplication([])
            view = FlatGridView()
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(view)
            scroll.resize(1600, 900)  # as in the window: only the visible part is painted
            scroll.show()
            app.processEvents()

            def show_grid() -> Any:
                view.set_grid(read_grid(db))
                return scroll.grab()

            t, _r = _median(show_grid)
            rows.append((f"flat grid of {len(read_grid(db)):,} flats: read, laid out, shown", t))
            t, _r = _median(lambda: read_grid(db))
            rows.append(("… of which reading the flats (`read_grid`)", t))
            t, _r = _median(lambda: view.grab())
            rows.append(("painting all 5,000 cells (the whole 4,000-pixel-high grid, `grab`)", t))
            app.processEvents()

            with db.session() as s:
                flats = list(
                    s.scalars(select(ResettlementFlat.id).where(ResettlementFlat.layout == "三室"))
                )
            svc = ChoiceService(db, org.clerk)
            times = []
            for k in range(20):
                hid, _next = now_choosing(db)
                assert hid is not None
                t0 = time.perf_counter()
                svc.choose(hid, flats[k])
                times.append(time.perf_counter() - t0)
            rows.append(
                (
                    "record a choice (`ChoiceService.choose`, incl. the refreshed view)",
                    statistics.median(times),
                )
            )

            load = os.getloadavg()[0]
            for what, seconds in rows:
                print(f"| {what} | {seconds * 1000:.0f} ms | load {load:.1f} |")
        finally:
            db.close()


if __name__ == "__main__":
    main()
