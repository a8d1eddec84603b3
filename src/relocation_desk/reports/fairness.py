"""The fairness report as an xlsx workbook HQ can sort and filter.

Sheets: 说明, 分组统计, 异常值, 审批例外, 干部及亲属, 签约奖励. Written with openpyxl's
write-only mode (100,000 households stay fast and small in memory); each sheet has a frozen
header row, column widths, numeric amounts in 元 with two decimals, and a print layout (A4
landscape, fit to the page width, header row repeated, page numbers).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet._write_only import WriteOnlyWorksheet  # type: ignore[import-untyped]
from openpyxl.worksheet.page import PageMargins  # type: ignore[import-untyped]
from openpyxl.worksheet.properties import PageSetupProperties  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

from ..i18n import _
from ..services.calculation.fairness import FairnessReport
from ..services.progress_report import Progress, ensure
from .demo_mark import demo_text, header_text

__all__ = ["write_fairness_xlsx"]

YUAN = "#,##0.00"
AREA = "0.00"
DATE = "yyyy-mm-dd"
_HEAD_FONT = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
REPORT_EVERY = 2000  # rows between progress reports
SHEETS = 6


def _yuan(fen: int | None) -> Decimal | None:
    return None if fen is None else Decimal(fen).scaleb(-2)


def _sheet(
    wb: Workbook, title: str, headers: Sequence[tuple[str, int, str | None]],
    rows: Iterable[Sequence[Any]], wrap: frozenset[int] = frozenset(), *, demo: bool,
    progress: Progress | None = None, step: int = 0,
) -> None:  # fmt: skip
    """A sheet of ``rows`` under ``headers`` (text, width, number format); the columns
    numbered in ``wrap`` (from 0) wrap their text within the column width. ``demo``: the
    demo project's, marked 演示数据 (reports.demo_mark). ``progress`` hears of it as sheet
    ``step`` of ``SHEETS``, every ``REPORT_EVERY`` rows, and may stop it there."""
    p = ensure(progress)
    ws: WriteOnlyWorksheet = wb.create_sheet(title)
    ws.freeze_panes = "A2"
    for k, (_h, width, _f) in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(k)].width = width
    _print_layout(ws)
    head = []
    for text, _w, _f in headers:
        cell = WriteOnlyCell(ws, value=text)
        cell.font, cell.fill = _HEAD_FONT, _HEAD_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        head.append(cell)
    if demo:
        mark = WriteOnlyCell(ws, value=header_text())
        mark.font = Font(bold=True, color="FFC00000")
        head += [WriteOnlyCell(ws, value=None), mark]
        ws.column_dimensions[get_column_letter(len(headers) + 2)].width = 40
        ws.oddHeader.center.text = demo_text()
    ws.append(head)
    formats = [f for _h, _w, f in headers]
    wrapped = Alignment(vertical="top", wrap_text=True)
    written = 1
    for row in rows:
        if (written - 1) % REPORT_EVERY == 0:
            p.check()
            p(step, SHEETS, _("正在写入“{sheet}”：已写 {n} 行", sheet=title, n=f"{written - 1:,}"))
        written += 1
        out = []
        for k, (value, fmt) in enumerate(zip(row, formats, strict=True)):
            if isinstance(value, Decimal):
                value = float(value)  # Excel stores doubles; shown to the cent
            cell = WriteOnlyCell(ws, value=value)
            if fmt:
                cell.number_format = fmt
            if k in wrap:
                cell.alignment = wrapped
            out.append(cell)
        ws.append(out)
    ws.print_area = f"A1:{get_column_letter(len(headers))}{written}"
    p.check()
    p(step + 1, SHEETS, _("已写完“{sheet}”", sheet=title))


def _print_layout(ws: WriteOnlyWorksheet) -> None:
    """A4 landscape, all columns on one page width (as many pages down as needed), the
    header row repeated on every page, page numbers in the footer. Without this a
    spreadsheet program prints the sheet at 100 % and the wide text columns push the rest
    onto separate pages (LibreOffice printed column A alone)."""
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # 0: as many pages down as the rows need
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = "1:1"
    ws.print_options.gridLines = True
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    ws.oddFooter.center.text = _("&A　第 &P 页，共 &N 页")


def write_fairness_xlsx(
    report: FairnessReport, path: Path, *, progress: Progress | None = None
) -> None:
    """Write the workbook to ``path``. ``progress`` counts the sheets (and the rows written
    of each); a cancel leaves no file, and none under its unfinished name."""
    p = ensure(progress)
    wb = Workbook(write_only=True)
    try:
        _write_sheets(wb, report, p)
    except BaseException:
        _discard(wb)
        raise
    p.cannot_cancel(_("正在保存公平性报告文件，保存完成前不能取消。"))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    try:
        wb.save(tmp)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _write_sheets(wb: Workbook, report: FairnessReport, p: Progress) -> None:
    notes = [
        (_("项目"), report.project),
        (_("生成日期"), report.generated.isoformat()),
        (_("参与比较的户数"), report.households),
        (_("分组"), _("按主体结构类型（面积最大的结构）× 合法面积档次（<80、80–150、150–250、>250㎡）")),
        (_("比较指标"), _("每平方米合法面积的补偿总额（元/㎡）")),
        (_("异常值"), _("低于 Q1−1.5×IQR 或高于 Q3+1.5×IQR 的户")),
        (_("无合法面积的户"), report.no_area),
        (_("签约期限"), report.sign_deadline.isoformat() if report.sign_deadline else ""),
        (_("说明"), _("金额单位为元；审批例外中“决定时已签约户数”大于0的，属于早签约户签约后作出的例外，请指挥部关注。")),
    ]  # fmt: skip
    demo = report.demo
    _sheet(wb, _("说明"), [(_("项目"), 18, None), (_("内容"), 90, None)], notes, frozenset({1}),
           demo=demo, progress=p, step=0)  # fmt: skip
    _sheet(
        wb, _("分组统计"),
        [(_("结构类型"), 10, None), (_("合法面积档次"), 14, None), (_("户数"), 8, "0"),
         (_("中位数（元/㎡）"), 16, YUAN), (_("Q1（元/㎡）"), 14, YUAN),
         (_("Q3（元/㎡）"), 14, YUAN), (_("下限（元/㎡）"), 14, YUAN),
         (_("上限（元/㎡）"), 14, YUAN), (_("最低（元/㎡）"), 14, YUAN),
         (_("最高（元/㎡）"), 14, YUAN), (_("异常值户数"), 12, "0")],
        ([g.structure, g.band, g.households, g.median, g.q1, g.q3, g.low, g.high, g.minimum,
          g.maximum, g.outliers] for g in report.groups), demo=demo, progress=p, step=1,
    )  # fmt: skip
    _sheet(
        wb, _("异常值"),
        [(_("户号"), 12, None), (_("户主"), 10, None), (_("工作组"), 8, None),
         (_("结构类型"), 10, None), (_("合法面积档次"), 14, None), (_("合法面积（㎡）"), 14, AREA),
         (_("补偿总额（元）"), 16, YUAN), (_("每㎡（元）"), 14, YUAN),
         (_("组中位数（元/㎡）"), 16, YUAN), (_("偏离"), 8, None)],
        ([f.code, f.head_name, f.team, f.structure, f.band, Decimal(f.legal_dm2).scaleb(-2),
          _yuan(f.total_fen), f.per_m2, g.median,
          _("偏高") if f.per_m2 is not None and f.per_m2 > g.high else _("偏低")]
         for f, g in report.outliers), demo=demo, progress=p, step=2,
    )  # fmt: skip
    _sheet(
        wb, _("审批例外"),
        [(_("审批编号"), 14, None), (_("户号"), 12, None), (_("户主"), 10, None),
         (_("项目"), 12, None), (_("核定金额（元）"), 16, YUAN), (_("申请办法"), 24, None),
         (_("申请理由"), 36, None), (_("审批意见"), 36, None), (_("审批日期"), 12, DATE),
         (_("决定时已签约户数"), 16, "0")],
        ([e.number, e.code, e.head_name, e.item_code, _yuan(e.amount_fen), e.rule, e.reason,
          e.decision, e.decided_at.date() if e.decided_at else None, e.after_signings]
         for e in report.exceptions),
        frozenset({5, 6, 7}), demo=demo, progress=p, step=3,
    )  # fmt: skip
    _sheet(
        wb, _("干部及亲属"),
        [(_("户号"), 12, None), (_("户主"), 10, None), (_("工作组"), 8, None),
         (_("干部及亲属"), 36, None), (_("结构类型"), 10, None), (_("合法面积档次"), 14, None),
         (_("补偿总额（元）"), 16, YUAN), (_("每㎡（元）"), 14, YUAN),
         (_("组中位数（元/㎡）"), 16, YUAN), (_("签约日期"), 12, DATE),
         (_("期限内签约"), 10, None)],
        ([f.code, f.head_name, f.team, f.cadre_note, f.structure, f.band, _yuan(f.total_fen),
          f.per_m2, g.median if g else None, f.signed_on,
          "" if f.signed_on is None or report.sign_deadline is None
          else (_("是") if f.signed_on <= report.sign_deadline else _("否"))]
         for f, g in report.cadres),
        frozenset({3}), demo=demo, progress=p, step=4,
    )  # fmt: skip
    _sheet(
        wb, _("签约奖励"),
        [(_("户号"), 12, None), (_("户主"), 10, None), (_("工作组"), 8, None),
         (_("签约日期"), 12, DATE), (_("签约期限"), 12, DATE), (_("期限内签约"), 10, None),
         (_("签约奖励（元）"), 16, YUAN)],
        ([b.code, b.head_name, b.team, b.signed_on, b.deadline,
          _("是") if b.eligible else _("否"), _yuan(b.bonus_fen)] for b in report.bonuses),
        demo=demo, progress=p, step=5,
    )  # fmt: skip


def _discard(wb: Workbook) -> None:
    """Close the sheets of a workbook that will not be saved and remove the temporary files
    openpyxl's write-only mode streams their rows into."""
    for ws in wb.worksheets:
        if ws.closed:
            continue
        ws.close()
        ws._writer.cleanup()
