"""Time the permission checks on a big demo project and print markdown rows for the docs.

    .venv/bin/python tests/benchmarks/bench_permissions.py                  # 100,000
    .venv/bin/python tests/benchmarks/bench_permissions.py --households 20000
    .venv/bin/python tests/benchmarks/bench_permissions.py --database demo.sqlite

Builds the demo (seed 1, today 2026-11-23) in a temporary folder, or at ``--database`` if
that file does not exist yet. Measures, over ``--samples`` households spread over the
register, the median and worst of: the table lookup alone (``allowed``), the check a use case
makes for a team member on one household (its team read in the use case's session: one
indexed lookup), and the whole register index build for a member (other teams' ID numbers and
phones taken out of the search text) against the unrestricted one. Target: a check ≤ 1 ms per
use case.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import select

from relocation_desk.domain.permissions import Action, allowed
from relocation_desk.services.access import require_for_household
from relocation_desk.services.demo.generator import generate_demo
from relocation_desk.services.households.register import Register
from relocation_desk.services.households.service import operators
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database, open_database

TARGET_MS = 1.0


def _check_times(db: Database, samples: int) -> tuple[list[float], list[float]]:
    member = next(o for o in operators(db) if o.role == "member")
    with db.session() as s:
        ids = list(
            s.scalars(
                select(m.Household.id)
                .where(m.Household.team_id == member.team_id)
                .order_by(m.Household.code)
            )
        )
    step = max(len(ids) // samples, 1)
    chosen = ids[::step][:samples]
    table, check = [], []
    with db.session() as s:  # warm up SQLAlchemy's statement cache, as any use case has
        require_for_household(s, member, Action.RECORD_PAYMENT, chosen[0])
    for hid in chosen:
        t0 = time.perf_counter()
        allowed(member.role, Action.RECORD_PAYMENT, True)
        table.append((time.perf_counter() - t0) * 1000)
        with db.session() as s:  # the use case's own session: not counted
            s.connection()
            t0 = time.perf_counter()
            require_for_household(s, member, Action.RECORD_PAYMENT, hid)
            check.append((time.perf_counter() - t0) * 1000)
    return table, check


def _index_seconds(db: Database, viewer: object) -> float:
    t0 = time.perf_counter()
    register = Register(db, viewer)  # type: ignore[arg-type]
    register.select("1")  # waits for the columns
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--households", type=int, default=100_000)
    p.add_argument("--database", type=Path)
    p.add_argument("--samples", type=int, default=500)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.database or Path(tmp) / "demo.sqlite"
        if not path.exists():
            print(f"building the demo ({args.households:,} households) …", file=sys.stderr)
            generate_demo(path, households=args.households, seed=1, today=date(2026, 11, 23))
        db = open_database(path)
        try:
            table, check = _check_times(db, args.samples)
            member = next(o for o in operators(db) if o.role == "member")
            everyone = min(_index_seconds(db, None) for _ in range(3))
            restricted = min(_index_seconds(db, member) for _ in range(3))
        finally:
            db.close()
    for name, values in (("table lookup (`allowed`)", table), ("check on one household", check)):
        values.sort()
        med, p95, worst = values[len(values) // 2], values[len(values) * 95 // 100], values[-1]
        ok = "ok" if p95 <= TARGET_MS else "OVER"
        print(f"| permission {name}, median / p95 / max of {len(values)} | "
              f"{med * 1000:.1f} / {p95 * 1000:.1f} / {worst * 1000:.1f} µs | ≤ 1 ms ({ok}) |")  # fmt: skip
    print(f"| register index built, unrestricted / for a member | {everyone:.2f} s / "
          f"{restricted:.2f} s | — |")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
