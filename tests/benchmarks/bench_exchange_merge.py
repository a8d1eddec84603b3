"""Time team → HQ packages: a laptop's export (full, and incremental after a day of work) and
HQ's merge of every team's package into PostgreSQL and SQLite in the same run; print
markdown rows for docs/benchmarks.md.

    .venv/bin/python tests/benchmarks/bench_exchange_merge.py                       # targets' scale
    .venv/bin/python tests/benchmarks/bench_exchange_merge.py --team-households 2000 \\
        --merge-households 25000                                                  # smaller
    relocation-desk demo --db D/hq.sqlite --households 100000 --teams 20 --laptops D/laptops
    .venv/bin/python tests/benchmarks/bench_exchange_merge.py --skip-export --split D  # reuse

Targets (issue #15), 2 cores: export one team of 10,000 households ≤ 20 s full and ≤ 10 s
incremental after a day of work; merge 20 packages of 5,000 households into PostgreSQL
≤ 5 minutes (SQLite measured in the same run); re-importing a package ≤ 10 % of its first
import.

The export laptop is a demo project whose households all belong to one team, given a team's
identity (the demo generator makes teams of ~1,250 households; a laptop of 10,000 is made by
handing one team everything). A day of work is ``--day-edits`` households edited through the
household service, after HQ acknowledged the full package. The merge uses the demo's
``--laptops`` split (``split_demo``) with ``--merge-teams`` teams (default 20: 100,000
households make 20 packages of ~5,000, sizes varying between teams as the demo makes them;
the counts are printed with the numbers), or an existing split given by ``--split DIR``
(``DIR/hq.sqlite`` and ``DIR/laptops``, as ``demo --laptops`` writes them; copied, not
changed). Re-import: the same file again (a no-op) and the same contents in a
new package (every household unchanged: what overlapping packages cost).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import func, select, update

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from relocation_desk.services.demo.generator import generate_demo  # noqa: E402
from relocation_desk.services.exchange.demo_split import split_demo  # noqa: E402
from relocation_desk.services.exchange.hq_import import import_package  # noqa: E402
from relocation_desk.services.exchange.identity import (  # noqa: E402
    make_identity,
    register_peer,
)
from relocation_desk.services.exchange.keys import generate_key, public_key_bytes  # noqa: E402
from relocation_desk.services.exchange.team_export import export_package  # noqa: E402
from relocation_desk.services.households.service import HouseholdService  # noqa: E402
from relocation_desk.storage import models as m  # noqa: E402
from relocation_desk.storage.db import Database, open_database  # noqa: E402
from tests.operators import operator_with_role  # noqa: E402
from tests.services.exchange.split import copy_to_server, team_operator  # noqa: E402

T = TypeVar("T")
TODAY = date(2026, 11, 23)


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def cpu_timed(fn: Callable[[], T]) -> tuple[str, T]:
    """Wall time and this process's CPU time (on a loaded machine the CPU time is what an
    idle one would take, when the work runs in this process)."""
    w0, c0 = time.perf_counter(), time.process_time()
    result = fn()
    return f"{time.perf_counter() - w0:.1f} s wall, {time.process_time() - c0:.1f} s CPU", result


def one_team_laptop(path: Path, households: int) -> None:
    """A demo project whose households all belong to its first team, as that team's laptop."""
    generate_demo(path, households=households, seed=11, today=TODAY)
    db = open_database(path)
    try:
        with db.session() as s, s.begin():
            project = s.scalar(select(m.Project.id))
            team = s.scalar(select(m.Team.id).order_by(m.Team.code))
            assert project is not None and team is not None
            for model in (m.Household, m.Village, m.ApprovalRequest):
                s.execute(update(model).values(team_id=team))
            s.execute(update(m.NoticeRound).values(issuing_team_id=team))
            s.execute(update(m.DailyReport).values(team_id=team))
            s.execute(update(m.Operator).where(m.Operator.role.in_(("member", "leader")))
                      .values(team_id=team))  # fmt: skip
            make_identity(s, project, "team", team_id=team)
            register_peer(s, project, "hq", public_key_bytes(generate_key()))
    finally:
        db.close()


def a_day_of_work(db: Database, edits: int) -> None:
    op = team_operator(db)
    service = HouseholdService(db, op)
    with db.session() as s:
        ids = s.scalars(select(m.Household.id).order_by(m.Household.code).limit(edits)).all()
    for n, hid in enumerate(ids):
        form = service.load(hid)
        form.remarks = f"入户复核第 {n} 次"
        service.save(form, confirmed=True)


def bench_export(tmp: Path, households: int, edits: int) -> list[str]:
    tmp.mkdir()
    laptop = tmp / "laptop.sqlite"
    seconds, _ = timed(lambda: one_team_laptop(laptop, households))
    print(f"(laptop of {households} households made in {seconds:.0f} s)", flush=True)
    rows = []
    with open_database(laptop) as db:
        op = team_operator(db)
        full_s, full = cpu_timed(lambda: export_package(db, op, tmp / "full.rdpkg", full=True))
        size = (tmp / "full.rdpkg").stat().st_size / 1e6
        rows.append(f"| export one team, full | {full.households:,} households, "
                    f"{full.audit_rows:,} audit rows, {size:.1f} MB | {full_s} | ≤ 20 s |")  # fmt: skip
        with db.session() as s, s.begin():
            head = s.scalar(select(m.AuditChainHead.seq))
            peer = s.scalars(select(m.ExchangePeer)).one()
            peer.acked_sequence, peer.acked_audit_seq = full.manifest.sequence, head or 0
        work_s, _ = timed(lambda: a_day_of_work(db, edits))
        print(f"(a day of work: {edits} households edited in {work_s:.0f} s)", flush=True)
        inc_s, inc = cpu_timed(lambda: export_package(db, op, tmp / "day.rdpkg"))
        rows.append(f"| export one team, incremental after a day ({edits} edits) | "
                    f"{inc.households:,} households of {households:,} | {inc_s} | ≤ 10 s |")  # fmt: skip
    return rows


def _merge_all(db: Database, packages: list[Path]) -> list[float]:
    op = operator_with_role(db, "hq")
    times = []
    for pkg in packages:
        t0 = time.perf_counter()
        import_package(db, op, pkg)
        times.append(time.perf_counter() - t0)
    return times


def _laptops(tmp: Path, households: int, teams: int, split: Path | None) -> dict[str, Path]:
    """HQ's database at ``tmp/hq.sqlite`` and the team laptops, by team code."""
    if split is None:
        seconds, summary = timed(
            lambda: split_demo(tmp / "hq.sqlite", tmp / "laptops", households=households,
                               seed=12, today=TODAY, teams=teams)
        )  # fmt: skip
        print(f"(split demo of {households} households made in {seconds:.0f} s)", flush=True)
        return dict(summary.laptops)
    shutil.copyfile(split / "hq.sqlite", tmp / "hq.sqlite")
    shutil.copytree(split / "laptops", tmp / "laptops")
    return {p.stem: p for p in (tmp / "laptops").glob("*.sqlite")}


def bench_merge(tmp: Path, households: int, teams: int, split: Path | None) -> list[str]:
    tmp.mkdir()
    laptops = _laptops(tmp, households, teams, split)
    packages: list[Path] = []
    sizes = []
    for code, path in sorted(laptops.items()):
        with open_database(path) as db:
            out = tmp / f"{code}.rdpkg"
            export_package(db, team_operator(db), out)
            second = tmp / f"{code}-again.rdpkg"
            export_package(db, team_operator(db), second)  # the same contents, next number
            packages.append(out)
            with db.session() as s:
                sizes.append(s.scalar(select(func.count()).select_from(m.Household)) or 0)
    print(f"({len(packages)} packages exported twice)", flush=True)
    shutil.copyfile(tmp / "hq.sqlite", tmp / "hq-sqlite.sqlite")
    rows = []
    openers: list[tuple[str, Callable[[], Database]]] = []
    server: Any = None
    from tests.pgserver import PostgresServer, find_bindir

    bindir = find_bindir()
    if bindir is not None:
        server = PostgresServer(bindir)
        server.start()
        url = server.url(server.create_database())
        openers.append(("PostgreSQL", lambda: copy_to_server(tmp / "hq.sqlite", url)))
    openers.append(("SQLite", lambda: open_database(tmp / "hq-sqlite.sqlite")))
    again = [p.with_name(p.stem + "-again.rdpkg") for p in packages]
    try:
        for label, opener in openers:
            db = opener()
            try:
                load, cpu = os.getloadavg()[0], time.process_time()
                first = _merge_all(db, packages)
                print(f"({label}: first import {time.process_time() - cpu:.1f} s CPU in this "
                      f"process; load {load:.1f} before, {os.getloadavg()[0]:.1f} after)",
                      flush=True)  # fmt: skip
                same = _merge_all(db, packages)
                resent = _merge_all(db, again)
            finally:
                db.close()
            total = sum(first)
            rows.append(f"| merge {len(packages)} packages ({min(sizes):,}–{max(sizes):,} households, "
                        f"{sum(sizes):,} in all) into {label} | total | {total:.1f} s "
                        f"({total / sum(sizes) * 1000:.2f} ms per household) | 20 × 5,000 ≤ 300 s |")  # fmt: skip
            rows.append(f"| re-import the same {len(packages)} files ({label}) | total | "
                        f"{sum(same):.1f} s = {sum(same) / total:.0%} of first | ≤ 10 % |")  # fmt: skip
            rows.append(f"| import the same contents again in new packages ({label}) | total | "
                        f"{sum(resent):.1f} s = {sum(resent) / total:.0%} of first | — |")  # fmt: skip
            print("\n".join(rows[-3:]), flush=True)
    finally:
        if server is not None:
            server.stop()
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--team-households", type=int, default=10_000)
    ap.add_argument("--day-edits", type=int, default=200)
    ap.add_argument("--merge-households", type=int, default=100_000)
    ap.add_argument("--merge-teams", type=int, default=20)
    ap.add_argument("--split", type=Path, help="an existing demo --laptops split to merge")
    ap.add_argument("--skip-export", action="store_true")
    ap.add_argument("--skip-merge", action="store_true")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="rd-exchange-", dir="/var/tmp") as tmp:
        os.chmod(tmp, 0o755)
        if not args.skip_export:
            rows += bench_export(Path(tmp) / "export", args.team_households, args.day_edits)
            print("\n".join(rows), flush=True)
        if not args.skip_merge:
            rows += bench_merge(Path(tmp) / "merge", args.merge_households, args.merge_teams,
                                args.split)  # fmt: skip
    print(f"\nload average: {os.getloadavg()[0]:.1f} (2 cores)")
    print("| what | size | time | target |\n|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
