"""Speed of the ledger import (9,000 households, ~31,500 persons) and its baseline: merely
reading the same file with openpyxl read-only, in the same run. Targets: ≤ 20 s and ≤ 3× the
baseline. Also the full-ledger export of the benchmark demo project.

Run with ``.venv/bin/pytest tests/benchmarks/test_ledger_benchmark.py --benchmark-enable``;
the ordinary suite runs each once, untimed. No assertion on time (pytest-benchmark reports
it); ``bench_ledger.py`` prints the ratio and the 100,000-household export for the docs.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pytest_benchmark.fixture import BenchmarkFixture

from relocation_desk.reports.ledger_report import write_import_report
from relocation_desk.reports.ledger_xlsx import write_ledger
from relocation_desk.services.ledger.export import open_ledger
from relocation_desk.services.ledger.importer import ImportReport, analyse, apply
from relocation_desk.storage.db import open_database
from tests.services.ledger_books import big_ledger

HOUSEHOLDS = int(os.environ.get("RD_LEDGER_HOUSEHOLDS", "9000"))


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("ledger") / "ledger.xlsx"
    return path, big_ledger(path, HOUSEHOLDS)


@pytest.mark.slow
def test_read_only_baseline(benchmark: BenchmarkFixture, ledger: tuple[Path, int]) -> None:
    path, persons = ledger

    def read() -> int:
        wb = load_workbook(path, read_only=True, data_only=True)
        rows = sum(1 for ws in wb.worksheets for _row in ws.iter_rows(values_only=True))
        wb.close()
        return rows

    rows = benchmark.pedantic(read, rounds=1, iterations=1)
    assert rows > persons


@pytest.mark.slow
def test_import_9000_households(
    benchmark: BenchmarkFixture, ledger: tuple[Path, int], tmp_path: Path
) -> None:
    path, persons = ledger
    runs = iter(range(1000))

    def run() -> ImportReport:
        return apply(analyse(path), tmp_path / f"import-{next(runs)}.sqlite")

    report = benchmark.pedantic(run, rounds=1, iterations=1)
    assert report.households == HOUSEHOLDS and report.persons == persons
    assert report.rejected == []


@pytest.mark.slow
def test_import_9000_households_with_the_report(
    benchmark: BenchmarkFixture, ledger: tuple[Path, int], tmp_path: Path
) -> None:
    """The import and its xlsx report (the wizard's 保存导入报告, the CLI's --report): the
    report writer keeps its own row count, so this is ≤ 1.3× the import alone."""
    path, persons = ledger
    runs = iter(range(1000))

    def run() -> ImportReport:
        n = next(runs)
        report = apply(analyse(path), tmp_path / f"import-{n}.sqlite")
        write_import_report(tmp_path / f"report-{n}.xlsx", report, source=str(path))
        return report

    report = benchmark.pedantic(run, rounds=1, iterations=1)
    assert report.households == HOUSEHOLDS and report.persons == persons


@pytest.mark.slow
def test_export_of_the_bench_project(
    benchmark: BenchmarkFixture, bench_db_path: Path, tmp_path: Path
) -> None:
    db_path = tmp_path / "copy.sqlite"
    shutil.copyfile(bench_db_path, db_path)
    db = open_database(db_path)

    def export() -> dict[str, int]:
        with open_ledger(db) as rows:
            return write_ledger(tmp_path / "ledger.xlsx", rows)

    try:
        counts = benchmark.pedantic(export, rounds=1, iterations=1)
    finally:
        db.close()
    assert counts["户"] > 0
