"""Speed of a backup and of the checks a restore makes first, on the benchmark demo project
(10,000 households unless RD_BENCH_HOUSEHOLDS says otherwise).

Run with ``.venv/bin/pytest tests/benchmarks/test_backup_benchmark.py --benchmark-enable``;
the ordinary suite runs each once, untimed. No assertion on time (pytest-benchmark reports
it); ``bench_backup.py`` prints the 100,000-household figures for the docs (target: backup
≤ 3 s).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from relocation_desk.services.backups import verify_audit_chain
from relocation_desk.storage.backup import backup_database
from relocation_desk.storage.db import open_database
from relocation_desk.storage.restore import BackupFacts, read_backup


@pytest.mark.slow
def test_backup(benchmark: BenchmarkFixture, bench_db_path: Path, tmp_path: Path) -> None:
    work = tmp_path / "project.sqlite"
    shutil.copyfile(bench_db_path, work)
    with open_database(work) as db:

        def backup() -> Path:
            return backup_database(db, tmp_path / "copy.sqlite")

        copy = benchmark.pedantic(backup, rounds=1, iterations=1)
    assert read_backup(copy).households > 0


@pytest.mark.slow
def test_checks_before_restore(
    benchmark: BenchmarkFixture, bench_db_path: Path, tmp_path: Path
) -> None:
    def check() -> BackupFacts:
        facts = read_backup(bench_db_path)
        verify_audit_chain(bench_db_path)
        return facts

    facts = benchmark.pedantic(check, rounds=1, iterations=1)
    assert facts.households > 0 and facts.revisions
