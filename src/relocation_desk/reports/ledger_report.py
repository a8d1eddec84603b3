"""The import report as a workbook the user can read: every row of the ledger with what
became of it, coloured by outcome, and the reasons in Chinese."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..i18n import _
from ..services.ledger.importer import ImportReport
from .demo_mark import header_text
from .xlsx_stream import GENERAL, INTEGER, TEXT, StreamingWorkbook

# Row colour per outcome (names of xlsx_stream.FILLS).
_FILLS = {
    "household": "green",
    "member": "pale_green",
    "detail": "pale_green",
    "skipped": "grey",
    "rejected": "red",
    "warning": "yellow",  # imported, but with a warning
}


def outcome_label(outcome: str) -> str:
    return {
        "household": _("已导入：户"),
        "member": _("已导入：家庭成员"),
        "detail": _("已导入：附属数据"),
        "skipped": _("跳过：非数据行"),
        "rejected": _("未导入：有问题"),
    }.get(outcome, outcome)


def write_import_report(path: str | Path, report: ImportReport, *, source: str = "") -> None:
    """Three sheets: 汇总 (the counts), 逐行结果 (every row of the ledger, coloured by its
    outcome) and 工作表与列 (each sheet's kind and why, each column's mapping). Streamed
    (:mod:`.xlsx_stream`): a 9,000-household report costs a fraction of the import."""
    with StreamingWorkbook(path, mark=header_text() if report.demo else "") as wb:
        summary = [
            (_("导入户数"), report.households),
            (_("导入人数"), report.persons),
            (_("未导入的行"), len(report.rejected)),
            (_("跳过的行"), len(report.skipped)),
            (_("警告"), len(report.warnings)),
        ]
        if report.dry_run:
            summary.append((_("试运行：数据库未作任何改动"), ""))
        wb.add_sheet(_("汇总"), [(_("台账导入报告"), TEXT, 20), (source, GENERAL, 60)], summary)
        wb.add_sheet(
            _("逐行结果"),
            [
                (_("工作表"), TEXT, 14),
                (_("行号"), INTEGER, 8),
                (_("结果"), TEXT, 16),
                (_("原因或警告"), TEXT, 100),
            ],
            _outcome_rows(report),
            row_fill=lambda row: row[4],
        )
        wb.add_sheet(
            _("工作表与列"),
            [
                (_("工作表"), TEXT, 14),
                (_("类别"), TEXT, 14),
                (_("是否导入"), TEXT, 10),
                (_("列"), TEXT, 6),
                (_("表头文字"), TEXT, 24),
                (_("导入为"), TEXT, 70),
            ],
            _sheet_rows(report),
        )


def _outcome_rows(report: ImportReport) -> Iterator[tuple[Any, ...]]:
    """(sheet, row, outcome, reason, fill): the fill is read by the writer, not written."""
    for o in report.outcomes:
        text = o.reason
        if o.warnings:
            text = "；".join(([o.reason] if o.reason else []) + o.warnings)
        key = "warning" if o.warnings and o.outcome != "rejected" else o.outcome
        yield o.sheet, o.row, outcome_label(o.outcome), text, _FILLS.get(key)


def _sheet_rows(report: ImportReport) -> Iterator[tuple[Any, ...]]:
    for sheet in report.sheets:
        imported = _("导入") if sheet["imported"] else _("不导入")
        yield sheet["sheet"], sheet["kind"], imported, "", "", sheet["reason"]
        for c in sheet["columns"]:
            yield sheet["sheet"], "", "", c["column"], c["header"], c["mapping"]
