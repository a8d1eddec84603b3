"""The fairness workbook's print layout: every sheet prints A4 landscape, one page wide."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from relocation_desk.reports.fairness import write_fairness_xlsx
from relocation_desk.services.calculation.fairness import fairness_report
from relocation_desk.storage.db import open_database


def test_every_sheet_prints_landscape_one_page_wide(demo_db_path: Path, tmp_path: Path) -> None:
    db = open_database(demo_db_path, migrate=False)
    try:
        report = fairness_report(db)
    finally:
        db.close()
    out = tmp_path / "fair.xlsx"
    write_fairness_xlsx(report, out)
    wb = openpyxl.load_workbook(out)
    assert len(wb.worksheets) == 6
    for ws in wb.worksheets:
        setup = ws.page_setup
        assert (setup.orientation, str(setup.paperSize)) == ("landscape", "9"), ws.title  # A4
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.print_title_rows == "$1:$1", ws.title  # the header row on every page
        assert ws.freeze_panes == "A2", ws.title
        # The table's columns: the demo project's 演示数据 mark follows after a blank column.
        table = next(k for k in range(1, ws.max_column + 2) if ws.cell(1, k).value is None) - 1
        last = openpyxl.utils.get_column_letter(table)
        assert ws.print_area == f"'{ws.title}'!$A$1:${last}${ws.max_row}", ws.title
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
        widths = [ws.column_dimensions[openpyxl.utils.get_column_letter(k)].width
                  for k in range(1, table + 1)]  # fmt: skip
        assert all(w and w >= 8 for w in widths), (ws.title, widths)
    notes = wb.worksheets[0]
    assert notes.cell(2, 2).alignment.wrap_text  # the long explanations wrap, not overflow
