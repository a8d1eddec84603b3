"""The daily report workbook read back: numbers as numbers, codes as text, print settings, the
chart, identical content when a frozen report is written again, and LibreOffice opens it."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from openpyxl import load_workbook

from relocation_desk.reports.daily_xlsx import write_daily_xlsx
from relocation_desk.services.progress import daily_report
from relocation_desk.storage.db import open_database
from tests.operators import operator_with_role

from ..checks import require_program

CST = timezone(timedelta(hours=8))
DAY = date(2026, 11, 23)


@pytest.fixture
def frozen(demo_db_path: Path, tmp_path: Path) -> daily_report.DailyReportData:
    path = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_db_path, path)
    db = open_database(path)
    try:
        return daily_report.freeze(
            db,
            DAY,
            operator=operator_with_role(db, "hq"),
            now=datetime(2026, 11, 23, 18, tzinfo=CST),
        )
    finally:
        db.close()


def test_summary_sheet_is_laid_out_for_printing(frozen, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "r.xlsx"
    write_daily_xlsx(out, frozen)
    wb = load_workbook(out)
    assert wb.sheetnames == ["汇总", "工作组", "村", "责任人", "签约走势"]
    ws = wb["汇总"]
    assert ws["A1"].value == f"{frozen.scope_name}工作日报"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert any(r.startswith("A1:") for r in merged) and "A4:A5" in merged  # title, 排名
    assert ws["A4"].value == "排名" and ws["B4"].value == "工作组"
    # Team rows in ranking order, then the total; figures are numeric cells.
    headers = [ws.cell(5, c).value or ws.cell(4, c).value for c in range(1, ws.max_column + 1)]
    col = {h: i + 1 for i, h in enumerate(headers) if h}
    for i, team in enumerate(frozen.teams):
        r = 6 + i
        assert ws.cell(r, 1).value == team.rank
        assert ws.cell(r, 2).value == team.name and ws.cell(r, 2).data_type == "s"
        signed = ws.cell(r, col["累计"])
        assert signed.value == team.figures.signed and signed.data_type == "n"
        assert isinstance(signed.value, int)
        pct = ws.cell(r, col["完成率"])
        assert pct.number_format == "0.0%"
        assert pct.value == pytest.approx(team.figures.signed_pct / 100)
    total = 6 + len(frozen.teams)
    assert ws.cell(total, 1).value == "合计"
    assert ws.cell(total, col["总户数"]).value == frozen.total.households
    assert ws.cell(total, col["累计"]).value == frozen.total.signed
    paid = ws.cell(total, col["累计支付"])
    assert paid.data_type == "n" and paid.number_format == "#,##0.00"
    assert paid.value == pytest.approx(frozen.total.paid_fen / 1_000_000)  # 万元
    # Printing: A4 landscape, one page wide, header repeated and frozen.
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_area and "$A$1" in ws.print_area
    assert ws.print_title_rows == "$4:$5"
    assert ws.freeze_panes == "C6"
    assert ws.column_dimensions["B"].width >= 12
    assert ws.cell(6, 3).border.left.style == "thin"


def test_breakdowns_codes_as_text_and_chart(frozen, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "r.xlsx"
    write_daily_xlsx(out, frozen)
    wb = load_workbook(out)
    teams = wb["工作组"]
    codes = [teams.cell(5 + i, 2) for i in range(len(frozen.teams))]
    assert [c.value for c in codes] == [t.code for t in frozen.teams]
    assert all(c.data_type == "s" and c.number_format == "@" for c in codes)
    for sheet, rows in (("村", frozen.villages), ("责任人", frozen.persons)):
        ws = wb[sheet]
        assert ws.cell(5, 1).value == rows[0].name
        assert ws.cell(5 + len(rows), 1).value == "合计"
        for c in range(3, ws.max_column + 1):
            cell = ws.cell(5, c)
            assert cell.data_type == "n" and isinstance(cell.value, int | float), (sheet, c)
        money = [c for c in range(1, ws.max_column + 1) if ws.cell(4, c).value == "签约金额"]
        assert ws.cell(5, money[0]).value == pytest.approx(rows[0].figures.signed_fen / 100)
    trend = wb["签约走势"]
    assert trend.cell(3, 1).is_date
    assert trend.cell(2 + len(frozen.trend_days), trend.max_column).value == frozen.total.signed
    assert len(trend._charts) == 1
    with zipfile.ZipFile(out) as z:
        chart = z.read("xl/charts/chart1.xml").decode()
    assert "<lineChart>" in chart and "签约走势" in chart
    assert chart.count("<ser>") == len(frozen.trend)  # a line per team


def test_frozen_report_writes_the_same_content(frozen, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_daily_xlsx(a, frozen)
    write_daily_xlsx(b, frozen)
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        assert za.namelist() == zb.namelist()
        for name in za.namelist():
            if name != "docProps/core.xml":  # openpyxl stamps the save time there
                assert za.read(name) == zb.read(name), name


def test_libreoffice_opens_and_prints_it(frozen, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    require_program("soffice", "LibreOffice opens the workbook as HQ would")
    out = tmp_path / "r.xlsx"
    write_daily_xlsx(out, frozen)
    r = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
        capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    pdf = tmp_path / "r.pdf"
    assert r.returncode == 0 and pdf.is_file(), (r.stdout, r.stderr)
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"{frozen.scope_name}工作日报" in text
    assert "合计" in text and f"{frozen.total.households}" in text
    for team in frozen.teams:
        assert team.name in text
    # The summary fits one page wide: every column header is on the first page.
    assert "累计销号" in text and "排名" in text
