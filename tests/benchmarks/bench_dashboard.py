"""Speed of the progress dashboard on a large demo project; prints rows for docs/benchmarks.md.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_dashboard.py \
        --db /tmp/bench/demo-100000.sqlite

The database is copied first (opening may migrate it). Timed: the normal refresh (what a
change to households and the five-minute timer do: ask the audit log what changed, re-read
those households, correct the day's tally, count the rest, fill and repaint the window) after
one household changed and after nothing changed; a full refresh (read all the facts again:
the refresh button, F5, another database); a re-count (another date or team: the kept facts
are counted again); and each step of them separately: the service's read and counts, and the
GUI's part.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

DAY = date(2026, 11, 23)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, default=Path("/tmp/bench/demo-100000.sqlite"))
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    work = Path(tempfile.mkdtemp(prefix="rd-dash-"))
    db_path = work / "demo.sqlite"
    shutil.copyfile(args.db, db_path)

    from PySide6.QtCore import QDate, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.dashboard.loader import Query, compute
    from relocation_desk.gui.dashboard.window import Dashboard
    from relocation_desk.services.households.service import operators
    from relocation_desk.services.progress import service as progress
    from relocation_desk.storage.db import open_database

    make_app()
    db = open_database(db_path)
    member = next(o for o in operators(db) if o.role == "member" and o.team_id is not None)
    with sqlite3.connect(db_path) as conn:
        n = conn.execute("select count(*) from household").fetchone()[0]
    load = os.getloadavg()[0]
    print(f"households: {n:,}; load average {load:.1f}; {args.runs} runs, median")

    # The service on its own, step by step (the dashboard's own sequence, see compute()).
    steps: dict[str, list[float]] = {}
    facts = None
    for _ in range(args.runs):
        t = time.perf_counter()
        facts = progress.load_facts(db)
        steps.setdefault("load_facts", []).append(time.perf_counter() - t)
        data = compute(db, Query(DAY, member.team_id, member.id), facts)
        for name, seconds in data.timings.items():
            steps.setdefault(name, []).append(seconds)
    assert facts is not None
    for name, times in steps.items():
        print(f"| service step `{name}` | {_ms(statistics.median(times))} |")

    # The window: full refresh (read again) and re-count (another date), to the repainted window.
    dash = Dashboard(db, member, None, project_name="bench", today=DAY)
    dash.resize(1366, 768)
    dash.show()

    ticks: list[float] = []
    heartbeat = QTimer()
    heartbeat.setInterval(10)
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))

    def wait_refreshed(action) -> float:
        """From the action to the repainted window, the event loop running as in the app."""
        loop = QEventLoop()
        done: list[float] = []

        def finished() -> None:
            done.append(time.perf_counter())
            loop.quit()

        dash.refreshed.connect(finished)
        t = time.perf_counter()
        action()
        if not done:
            loop.exec()
        dash.repaint()
        end = time.perf_counter()
        dash.refreshed.disconnect(finished)
        return end - t

    wait_refreshed(lambda: None)  # the first load, started by showing the window

    # The normal refresh: one household changed (by "another process": its row and an audit
    # row, as a service writes them), then nothing changed.
    hids = [r[0] for r in sqlite3.connect(db_path).execute(
        "select id from household order by code limit 50 offset 1000")]  # fmt: skip
    changed, unchanged, update_steps = [], [], []
    for k in range(max(args.runs, 5)):
        with sqlite3.connect(db_path) as conn:
            conn.execute(
                "update household set remarks = ?, updated_at = ? where id = ?",
                (f"bench {k}", "2026-11-23 08:00:00.000000", hids[k]),
            )
            conn.execute(
                "insert into milestone (household_id, kind, happened_on, note, created_at, id)"
                " values (?, 'vacated', '2026-11-23', '', '2026-11-23 08:00:00.000000', ?)"
                " on conflict do nothing",
                (hids[k], uuid.uuid4().hex),
            )
            conn.execute(
                "insert into audit_log (id, at, operator_login, action, entity, entity_id,"
                " household_id, note) values (?, ?, '', 'create', 'milestone', '', ?, '')",
                (uuid.uuid4().hex, f"2027-01-01 00:00:{k:02d}.000000", hids[k]),
            )
        changed.append(wait_refreshed(
            lambda k=k: (dash._changed_ids.add(uuid.UUID(hids[k])), dash.refresh(check=True))
        ))  # fmt: skip
        t = dash.data.timings
        update_steps.append(t.get("update_facts", 0.0) + t.get("retally", 0.0))
        assert "load_facts" not in t, t
        unchanged.append(wait_refreshed(lambda: dash.refresh(check=True)))
    heartbeat.start()
    full = []
    full_load = []
    stalls = []
    for _ in range(args.runs):
        ticks.clear()
        full.append(wait_refreshed(lambda: dash.refresh(reload=True)))
        full_load.append(dash.data.timings["load_facts"])
        gaps = [b - a for a, b in itertools.pairwise(ticks)]
        stalls.append(max(gaps, default=0.0))
    heartbeat.stop()
    days = [date(2026, 11, d) for d in (20, 21, 22, 23, 19)]
    recount = []
    recount_compute = []
    for d in days:
        recount.append(
            wait_refreshed(lambda d=d: dash.date_edit.setDate(QDate(d.year, d.month, d.day)))
        )
        recount_compute.append(sum(dash.data.timings.values()))
    whole = wait_refreshed(lambda: dash.set_team(None))
    whole_rows = len(dash.data.overdue) if dash.data else 0
    back = wait_refreshed(lambda: dash.set_team(member.team_id))
    gui = []
    for _ in range(args.runs):
        data = dash.data
        t = time.perf_counter()
        dash._show_data(data)
        dash.repaint()
        gui.append(time.perf_counter() - t)
    print(
        f"| normal refresh after one household changed (check, re-read it, count, fill, repaint) | {_ms(statistics.median(changed))} | ≤ 300 ms |"
    )
    print(
        f"| of which audit check, re-read and tally correction | {_ms(statistics.median(update_steps))} | |"
    )
    print(f"| normal refresh, nothing changed | {_ms(statistics.median(unchanged))} | ≤ 300 ms |")
    print(
        f"| full refresh (read all facts, count, fill, repaint) | {_ms(statistics.median(full))} | |"
    )
    print(f"| of which `load_facts` on the worker thread | {_ms(statistics.median(full_load))} | |")
    print(f"| longest pause of the GUI's event loop during a full refresh | {_ms(max(stalls))} | |")
    print(
        f"| re-count for another date (kept facts) | {_ms(statistics.median(recount))} | ≤ 300 ms |"
    )
    print(
        f"| of which counting on the worker thread (tally, ranking, trend, due, overdue) | {_ms(statistics.median(recount_compute))} | |"
    )
    print(f"| GUI part: fill tiles, charts, tables and repaint | {_ms(statistics.median(gui))} | |")
    print(
        f"| re-count, whole project / one team (team filter) | {_ms(whole)} / {_ms(back)} | ≤ 300 ms |"
    )
    rows = len(dash.data.overdue) if dash.data else 0
    print(f"(overdue rows: team {rows:,}, project {whole_rows:,})")
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    dash.close()
    db.close()
    QApplication.processEvents()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
