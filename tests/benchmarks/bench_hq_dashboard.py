"""HQ's dashboard on PostgreSQL: the full refresh at 100,000 households (target ≤ 3 s).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_hq_dashboard.py \
        --source /tmp/bench/demo-100000.sqlite
    .venv/bin/python tests/benchmarks/bench_hq_dashboard.py --households 20000 10000 5000

Starts a throw-away PostgreSQL server (tests/pgserver.py, as the test suite does), makes the
merged HQ database there — a demo project (``--source``, else generated with ``--households``)
copied table by table with COPY, HQ's identity and every team's key registered with a
package received, as after a day of imports — and times the dashboard's full refresh: every
fact read again and counted (``load_facts`` + ``compute``, which includes the teams'
freshness), then the same through the real window (button to repainted window). The same
copy is timed on SQLite in the same run. Prints rows for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def _make_hq(db: Any) -> None:
    """HQ's identity and each team's key, its newest package received a few days apart."""
    from sqlalchemy import select

    from relocation_desk.services.clock import utc_now
    from relocation_desk.services.exchange.identity import make_identity, register_peer
    from relocation_desk.services.exchange.keys import generate_key, public_key_bytes
    from relocation_desk.storage import models as m

    with db.session() as s, s.begin():
        project = s.scalar(select(m.Project.id))
        if s.get(m.ExchangeIdentity, 1) is None:
            make_identity(s, project, "hq")
        for k, tid in enumerate(s.scalars(select(m.Team.id).order_by(m.Team.code))):
            peer = register_peer(s, project, "team", public_key_bytes(generate_key()), team_id=tid)
            peer.sent_at_peer = peer.received_at = utc_now() - timedelta(days=k % 4)
            peer.received_sequence = 3


def _median(times: list[float]) -> str:
    return f"{statistics.median(times):.2f} s"


def _time_service(db: Any, runs: int) -> tuple[list[float], list[float], int]:
    from relocation_desk.gui.dashboard.loader import Query, compute
    from relocation_desk.services.clock import project_today
    from relocation_desk.services.progress import service as progress

    day = project_today(db)
    full, read = [], []
    stale = 0
    for _ in range(runs):
        t = time.perf_counter()
        facts = progress.load_facts(db)
        r = time.perf_counter() - t
        data = compute(db, Query(day, None, None), facts)
        full.append(time.perf_counter() - t)
        read.append(r)
        stale = sum(1 for f in data.freshness.values() if f.stale)
    return full, read, stale


def _time_window(db: Any, runs: int) -> list[float]:
    """The refresh button to the repainted window (the event loop running, as in the app)."""
    from PySide6.QtCore import QEventLoop

    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.dashboard.window import Dashboard
    from tests.operators import operator_with_role

    make_app()
    dash = Dashboard(db, operator_with_role(db, "hq"), None, project_name="bench")
    dash.resize(1366, 768)

    def wait(action: Any) -> float:
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
        seconds = time.perf_counter() - t
        dash.refreshed.disconnect(finished)
        return seconds

    wait(dash.show)  # the first load
    times = [wait(lambda: dash.refresh(reload=True)) for _ in range(runs)]
    assert dash.freshness.isVisible(), "HQ's dashboard shows the teams' freshness"
    dash.close()
    return times


def _one(source: Path, server: Any, runs: int, work: Path) -> None:
    from sqlalchemy import func, select

    from relocation_desk.storage import models as m
    from relocation_desk.storage.db import open_database
    from tests.pgcopy import copy_to_postgres

    copy = work / "hq.sqlite"
    shutil.copyfile(source, copy)
    lite = open_database(copy)  # migrates an older demo to the current schema
    _make_hq(lite)
    with lite.session() as s:
        n = s.scalar(select(func.count()).select_from(m.Household)) or 0
    name = server.create_database()
    pg = open_database(server.url(name), create=True)
    t = time.perf_counter()
    rows = copy_to_postgres(lite, pg)
    copied = time.perf_counter() - t
    print(f"\n{n:,} households: {rows:,} rows copied to PostgreSQL in {copied:.0f} s")
    load = os.getloadavg()[0]
    for label, db in (("PostgreSQL", pg), ("SQLite", lite)):
        full, read, stale = _time_service(db, runs)
        window = _time_window(db, runs)
        print(
            f"| {n:,} households, {label}: full refresh, service (load_facts + counts + "
            f"freshness) | {_median(full)} (read {_median(read)}) | window, button to repaint "
            f"| {_median(window)} | load {load:.1f} | {stale} teams shown as late |"
        )
    pg.close()
    lite.close()
    server.drop_database(name)
    copy.unlink()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", type=Path, action="append", default=[])
    ap.add_argument("--households", type=int, nargs="*", default=[])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from relocation_desk.services.demo.generator import generate_demo
    from tests.pgserver import PostgresServer, find_bindir

    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("PostgreSQL server binaries not found")
    work = Path(tempfile.mkdtemp(prefix="rd-hqdash-"))
    server = PostgresServer(bindir)
    server.start()
    try:
        sources = list(args.source)
        for n in args.households:
            path = work / f"demo-{n}.sqlite"
            t = time.perf_counter()
            generate_demo(path, households=n, seed=1)
            print(f"demo of {n:,} households generated in {time.perf_counter() - t:.0f} s")
            sources.append(path)
        for source in sources:
            _one(source, server, args.runs, work)
        print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
