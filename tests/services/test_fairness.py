"""The fairness report on the demo project, read back with openpyxl."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from relocation_desk.reports.fairness import write_fairness_xlsx
from relocation_desk.services.calculation.fairness import fairness_report
from relocation_desk.storage.db import open_database

SHEETS = ["说明", "分组统计", "异常值", "审批例外", "干部及亲属", "签约奖励"]


def test_fairness_xlsx_reads_back(demo_db_path: Path, tmp_path: Path) -> None:
    db = open_database(demo_db_path, migrate=False)
    try:
        report = fairness_report(db)
    finally:
        db.close()
    assert report.households > 0 and report.groups
    assert sum(g.households for g in report.groups) + report.no_area == report.households
    out = tmp_path / "fair.xlsx"
    write_fairness_xlsx(report, out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == SHEETS
    groups = wb["分组统计"]
    assert groups.freeze_panes == "A2"
    row = [c.value for c in groups[2]]
    assert isinstance(row[2], int) and isinstance(row[3], float)
    assert groups.cell(2, 4).number_format == "#,##0.00"
    assert groups.max_row == len(report.groups) + 1
    assert wb["签约奖励"].max_row == len(report.bonuses) + 1
    assert wb["干部及亲属"].max_row == len(report.cadres) + 1
    assert wb["审批例外"].max_row == len(report.exceptions) + 1
    for f, g in report.outliers:
        assert f.per_m2 is not None and not (g.low <= f.per_m2 <= g.high)


def test_cancelled_fairness_xlsx_leaves_no_file(demo_db_path: Path, tmp_path: Path) -> None:
    import pytest
    from openpyxl.worksheet._writer import ALL_TEMP_FILES  # type: ignore[import-untyped]

    from relocation_desk.services.progress_report import Cancelled, Progress

    db = open_database(demo_db_path, migrate=False)
    try:
        report = fairness_report(db)
    finally:
        db.close()
    temp_before = set(ALL_TEMP_FILES)
    seen: list[tuple[int, int, str]] = []

    def heard(done: int, total: int, label: str) -> None:
        seen.append((done, total, label))
        if done == 2:  # two sheets written: the user presses 取消
            progress.cancel()

    progress = Progress(heard)
    out = tmp_path / "fair.xlsx"
    with pytest.raises(Cancelled):
        write_fairness_xlsx(report, out, progress=progress)
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    assert set(ALL_TEMP_FILES) == temp_before  # the sheets' streamed rows are gone too
    assert max(done for done, _t, _l in seen) == 2 and {t for _d, t, _l in seen} == {6}
