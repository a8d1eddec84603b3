"""``check`` on the benchmark demo (figures at 100,000 households: bench_audit.py check)."""

from __future__ import annotations

from pathlib import Path

from relocation_desk.services.integrity import check_database, quick_check
from relocation_desk.storage.db import open_database


def test_check_benchmark(benchmark, bench_db_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = open_database(bench_db_path)
    try:
        report = benchmark.pedantic(check_database, args=(db,), rounds=1, iterations=1)
        assert report.ok, [(p.title, p.problems[:3]) for p in report.parts if not p.ok]
        assert quick_check(db).ok
    finally:
        db.close()
