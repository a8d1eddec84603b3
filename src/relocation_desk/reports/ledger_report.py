"""The import report as a workbook the user can read: every row of the ledger with what
became of it, coloured by outcome, and the reasons in Chinese."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from ..i18n import _
from ..services.ledger.importer import ImportReport

_FILLS = {
    "household": "FFE2EFDA",  # green
    "member": "FFEFF6EA",
    "detail": "FFEFF6EA",
    "skipped": "FFEDEDED",  # grey
    "rejected": "FFF8CBAD",  # red
    "warning": "FFFFF2CC",  # yellow: imported, but with a warning
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
    wb = Workbook()
    summary = wb.active
    summary.title = _("汇总")
    summary.append([_("台账导入报告"), source])
    summary.append([_("导入户数"), report.households])
    summary.append([_("导入人数"), report.persons])
    summary.append([_("未导入的行"), len(report.rejected)])
    summary.append([_("警告"), len(report.warnings)])
    if report.dry_run:
        summary.append([_("试运行：数据库未作任何改动")])
    summary["A1"].font = Font(bold=True, size=14)
    summary.column_dimensions["A"].width = 16
    summary.column_dimensions["B"].width = 40

    ws = wb.create_sheet(_("逐行结果"))
    headers = [_("工作表"), _("行号"), _("结果"), _("原因或警告")]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    fills = {k: PatternFill("solid", fgColor=v) for k, v in _FILLS.items()}
    for o in report.outcomes:
        text = o.reason
        if o.warnings:
            text = "；".join(([o.reason] if o.reason else []) + o.warnings)
        ws.append([o.sheet, o.row, outcome_label(o.outcome), text])
        key = "warning" if o.warnings and o.outcome != "rejected" else o.outcome
        fill = fills.get(key)
        if fill is not None:
            for cell in ws[ws.max_row]:
                cell.fill = fill
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:D{ws.max_row}"
    for col, width in zip("ABCD", (14, 8, 16, 100), strict=True):
        ws.column_dimensions[col].width = width
    wb.save(path)
