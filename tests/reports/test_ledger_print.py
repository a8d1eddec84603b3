"""The full-ledger export reads like a ledger: Chinese labels for codes, numbers as numbers,
and every sheet set up for printing (landscape, fitted to the width, header rows repeated,
title and date in the page header)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import load_workbook

from relocation_desk.reports.ledger_xlsx import sheets, write_ledger
from relocation_desk.services.ledger.export import open_ledger
from relocation_desk.services.ledger.importer import analyse, apply
from relocation_desk.storage.db import open_database

from ..services.ledger_books import messy_ledger


def _export(db_path: Path, out: Path) -> None:
    db = open_database(db_path)
    try:
        with open_ledger(db) as rows:
            write_ledger(out, rows, on=date(2026, 12, 1))
    finally:
        db.close()


def test_every_sheet_prints_landscape_fitted_with_title_and_date(tmp_path: Path) -> None:
    source = tmp_path / "台账.xlsx"
    messy_ledger(source)
    apply(analyse(source), tmp_path / "p.sqlite")
    out = tmp_path / "out.xlsx"
    _export(tmp_path / "p.sqlite", out)
    wb = load_workbook(out)
    assert wb.sheetnames == [name for name, _m, _c in sheets()]
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$1:$1"
        assert ws.oddHeader.left.text == f"城东新区张庄村房屋征收补偿台账（{ws.title}）"
        assert ws.oddHeader.right.text == "导出日期：2026-12-01"
        assert "&P" in ws.oddFooter.center.text
    hh = wb["户"]
    first = {c.value: v for c, v in zip(hh[1], hh[2], strict=True)}
    assert first["户主身份证号码"].data_type == "s"
    assert first["家庭人口"].data_type == "n" and first["台账补偿金额"].data_type == "n"
    assert first["状态"].value == "已登记"
    flags = wb["待核实"]
    fields = {row[3] for row in flags.iter_rows(min_row=2, values_only=True)}
    assert fields and all(not f.isascii() for f in fields)  # Chinese field names, not codes


def test_calculation_lines_show_categories_in_chinese_and_quantities_as_numbers(
    demo_db_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "demo.xlsx"
    _export(demo_db_path, out)
    wb = load_workbook(out, read_only=True)
    lines = list(wb["补偿"].iter_rows(min_row=2, max_row=400, values_only=True))
    assert lines
    categories = {r[6] for r in lines}
    assert "房屋补偿" in categories and not any(c and c.isascii() for c in categories)
    assert all(isinstance(r[8], int | float) for r in lines if r[8] is not None)
    grades = {r[8] for r in wb["房屋"].iter_rows(min_row=2, values_only=True) if r[8]}
    assert grades and all(" " in g for g in grades)  # "DEC-MID 室内装修补偿（中档）"
    wb.close()
