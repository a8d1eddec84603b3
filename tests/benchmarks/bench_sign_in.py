"""Time signing in: one scrypt hash, one verification, and the whole use case on a demo project.

    .venv/bin/python tests/benchmarks/bench_sign_in.py /tmp/bench/demo-100000.sqlite

Works on a copy (sign-in writes its audit row and resets the failure count). Prints markdown
rows for docs/benchmarks.md: median and worst wall time and median CPU time of ``--rounds`` runs
of hashing, verifying, a good sign-in and a wrong one (target: sign-in ≤ 0.5 s), with the
scrypt parameters and the load.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from relocation_desk.domain import passwords
from relocation_desk.services.auth.service import AuthService, SignInRefused
from relocation_desk.services.households.service import operators
from relocation_desk.storage.db import open_database


def timed(fn: Callable[[], object], rounds: int) -> tuple[float, float, float]:
    """Median and worst wall time, and median CPU time (what an unloaded machine would take:
    scrypt runs on one core and waits for nothing)."""
    wall, cpu = [], []
    for _ in range(rounds):
        t0, c0 = time.perf_counter(), time.thread_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.thread_time() - c0)
    return statistics.median(wall), max(wall), statistics.median(cpu)


def wrong(auth: AuthService, login: str) -> None:
    with contextlib.suppress(SignInRefused):
        auth.sign_in(login, "not-the-password")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("database", type=Path)
    ap.add_argument("--password", default="demo")
    ap.add_argument("--rounds", type=int, default=9)
    args = ap.parse_args()
    p = passwords.DEFAULT_PARAMS
    stored = passwords.hash_password(args.password)
    rows = [
        ("hash_password", timed(lambda: passwords.hash_password(args.password), args.rounds)),
        ("verify_password", timed(lambda: passwords.verify_password(args.password, stored),
                                  args.rounds)),
    ]  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="rd-sign-in-") as tmp:
        copy = Path(tmp) / "s.sqlite"
        shutil.copyfile(args.database, copy)
        db = open_database(copy)
        try:
            auth = AuthService(db)
            login = next(o.login for o in operators(db) if o.role == "member")
            rows.append(
                (
                    "AuthService.sign_in (right password)",
                    timed(lambda: auth.sign_in(login, args.password), args.rounds),
                )
            )
            # Four wrong ones at most: the fifth would lock the login.
            rows.append(("AuthService.sign_in (wrong password)",
                         timed(lambda: wrong(auth, login), min(4, args.rounds))))  # fmt: skip
        finally:
            db.close()
    load = os.getloadavg()
    print(f"scrypt n={p.n} r={p.r} p={p.p} ({128 * p.n * p.r // 2**20} MiB); "
          f"{os.cpu_count()} cores, load {load[0]:.1f}")  # fmt: skip
    print("| sign-in step | wall median | wall worst | CPU median |")
    print("|---|---|---|---|")
    for name, (median, worst, cpu) in rows:
        print(f"| {name} | {median * 1000:.0f} ms | {worst * 1000:.0f} ms | {cpu * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
