"""The daily report as a workbook HQ opens in Excel or WPS and merges with other teams'.

Sheets: 汇总 (laid out for printing: title, merged two-level headers, borders, A4 landscape
fitted to the page width, print titles, frozen header; one row per team in ranking order and
the total), 工作组 / 村 / 责任人 (every figure per team, village and responsible person), and
签约走势 (cumulative signed households per day and team, with a line chart). Numbers are number
cells with formats (money in yuan, percentages as fractions); codes and ids are text.

The report is small (a row per team, village and person), so openpyxl's normal mode is used.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..i18n import _
from ..services.progress.daily_report import DailyReportData, ReportRow
from ..services.progress.service import Figures
from ..services.progress_report import Progress, ensure
from .daily_columns import Column, columns, value
from .demo_mark import header_text, mark_sheet, mark_title
from .output_file import workbook_bytes, write_document

__all__ = ["write_daily_xlsx"]

_THIN = Side(style="thin", color="FF808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="FFDDEBF7")
_TOTAL_FILL = PatternFill("solid", fgColor="FFF2F2F2")
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
_FORMATS = {"count": "#,##0", "fen": "#,##0.00", "pct": "0.0%", "text": "@"}
# Named styles: assigning one by name is cheap; setting border and format cell by cell makes
# openpyxl hash style objects for every cell (most of the time of writing the workbook).
_STYLES = {kind: f"rd_{kind}" for kind in _FORMATS}


def _add_styles(wb: Workbook) -> None:
    for kind, name in _STYLES.items():
        style = NamedStyle(name=name, number_format=_FORMATS[kind], border=_BORDER)
        if kind == "text":
            style.alignment = Alignment(vertical="center")
        wb.add_named_style(style)


def write_daily_xlsx(
    path: str | Path, data: DailyReportData, *, progress: Progress | None = None
) -> None:
    """Write the report's workbook to ``path``. ``progress`` counts the sheets and the saving;
    a cancel before the saving leaves no file."""
    p = ensure(progress)
    steps = (6 if data.freshness else 5) + 1

    def written(done: int, sheet: str) -> None:
        p.check()
        p(done, steps, _("已写完“{sheet}”", sheet=sheet))

    wb = Workbook()
    _add_styles(wb)
    summary = wb.active
    assert summary is not None
    summary.title = _("汇总")
    p(0, steps, _("正在写入“{sheet}”", sheet=summary.title))
    _summary_sheet(summary, data)
    written(1, summary.title)
    label_team = [(_("排名"), "rank"), (_("编号"), "code"), (_("工作组"), "name")]
    _breakdown_sheet(wb.create_sheet(_("工作组")), data, data.teams, label_team)
    written(2, _("工作组"))
    _breakdown_sheet(
        wb.create_sheet(_("村")), data, data.villages, [(_("村"), "name"), (_("工作组"), "team")]
    )
    written(3, _("村"))
    _breakdown_sheet(
        wb.create_sheet(_("责任人")),
        data,
        data.persons,
        [(_("责任人"), "name"), (_("工作组"), "team")],
    )
    written(4, _("责任人"))
    _trend_sheet(wb.create_sheet(_("签约走势")), data)
    written(5, _("签约走势"))
    if data.freshness:  # HQ: when each team's data last arrived
        _freshness_sheet(wb.create_sheet(_("数据报送")), data)
        written(6, _("数据报送"))
    # Stable document properties: a frozen report written twice gives the same content.
    wb.properties.created = data.cutoff.astimezone(UTC).replace(tzinfo=None)
    wb.properties.title = _title(data)
    wb.properties.creator = "relocation-desk"
    if data.demo:
        for ws in wb.worksheets:
            if ws.title == _("签约走势"):
                mark_title(ws, "A1")
            elif ws.title == _("数据报送"):
                mark_sheet(ws, ws.max_column)
            else:  # the summary and the breakdowns: their subtitle line
                mark_title(ws, "A2")
        wb.properties.title = f"{header_text()} {wb.properties.title}"
    content = workbook_bytes(wb)
    p.check()
    p.cannot_cancel(_("日报已写完，正在保存文件，不能取消。"))
    p(steps, steps, _("正在保存文件…"))
    write_document(path, content)


def _title(data: DailyReportData) -> str:
    return _("{scope}工作日报", scope=data.scope_name)


def _subtitle(data: DailyReportData) -> str:
    text = _(
        "报表日期：{day}　截止时间：{cutoff}　项目编号：{code}",
        day=data.report_date.isoformat(),
        cutoff=data.cutoff.strftime("%Y-%m-%d %H:%M"),
        code=data.project_code,
    )
    if data.frozen_at is not None:
        text += _(
            "　已冻结：{at}{by}",
            at=_local(data.frozen_at, data.cutoff.tzinfo),
            by=f"（{data.frozen_by}）" if data.frozen_by else "",
        )
    else:
        text += _("　未冻结（草稿）")
    return text


def _local(moment: datetime, zone: tzinfo | None) -> str:
    """``moment`` in the project's zone (that of the report's cut-off)."""
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _freshness_sheet(ws: Worksheet, data: DailyReportData) -> None:
    labels = [_("编号"), _("工作组"), _("数据包写出时间"), _("指挥部导入时间"), _("未报送天数"),
              _("状态")]  # fmt: skip
    for i, label in enumerate(labels, start=1):
        ws.cell(1, i, label)
    for row, f in enumerate(data.freshness, start=2):
        _text_cell(ws, row, 1, f.code)
        _text_cell(ws, row, 2, f.name)
        _text_cell(ws, row, 3, _local(f.written_at, data.cutoff.tzinfo) if f.written_at else "")
        _text_cell(ws, row, 4, _local(f.received_at, data.cutoff.tzinfo) if f.received_at else "")
        if f.days is not None:
            ws.cell(row, 5, f.days)
        _text_cell(ws, row, 6, f.short)
    for letter, width in zip("ABCDEF", (10, 16, 18, 18, 12, 14), strict=True):
        ws.column_dimensions[letter].width = width


def _header(ws: Worksheet, row: int, labels: list[str], cols: list[Column]) -> int:
    """Two header rows: the label columns merged vertically, figure groups merged across."""
    first = len(labels) + 1
    for i, label in enumerate(labels, start=1):
        ws.cell(row, i, label)
        ws.merge_cells(start_row=row, start_column=i, end_row=row + 1, end_column=i)
    i = 0
    while i < len(cols):
        group = cols[i].group
        j = i
        while j + 1 < len(cols) and group and cols[j + 1].group == group:
            j += 1
        c0, c1 = first + i, first + j
        if group:
            ws.cell(row, c0, group)
            if c1 > c0:
                ws.merge_cells(start_row=row, start_column=c0, end_row=row, end_column=c1)
            for k in range(i, j + 1):
                ws.cell(row + 1, first + k, cols[k].label)
        else:
            ws.cell(row, c0, cols[i].label)
            ws.merge_cells(start_row=row, start_column=c0, end_row=row + 1, end_column=c0)
        i = j + 1
    last = len(labels) + len(cols)
    for r in (row, row + 1):
        for c in range(1, last + 1):
            cell = ws.cell(r, c)
            cell.font = Font(bold=True)
            cell.alignment = _CENTRE
            cell.fill = _HEAD_FILL
            cell.border = _BORDER
    ws.row_dimensions[row + 1].height = 30
    return row + 2


def _figure_cells(
    ws: Worksheet, row: int, start: int, f: Figures, cols: list[Column], *, wan: bool = False
) -> None:
    for k, col in enumerate(cols):
        cell = ws.cell(row, start + k)
        if wan and col.kind == "fen":
            cell.value = getattr(f, col.field) / 1_000_000  # 万元
        else:
            cell.value = value(f, col)
        cell.style = _STYLES[col.kind]


def _text_cell(ws: Worksheet, row: int, col: int, text: str) -> None:
    cell = ws.cell(row, col)
    cell.value = text
    cell.data_type = "s"
    cell.style = _STYLES["text"]  # "@": codes stay text even when they look like numbers


def _summary_sheet(ws: Worksheet, data: DailyReportData) -> None:
    cols = [c for c in columns() if c.summary]
    cols = [
        Column(_("金额（万元）"), c.label, c.field, c.kind, True) if c.kind == "fen" else c
        for c in cols
    ]
    labels = [_("排名"), _("工作组")]
    width = len(labels) + len(cols)
    last_col = get_column_letter(width)
    ws["A1"] = _title(data)
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(f"A1:{last_col}1")
    ws.row_dimensions[1].height = 28
    ws["A2"] = _subtitle(data)
    ws["A2"].alignment = Alignment(horizontal="center")
    ws.merge_cells(f"A2:{last_col}2")
    row = _header(ws, 4, labels, cols)
    first_data = row
    for r in data.teams:
        cell = ws.cell(row, 1, r.rank or None)
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center")
        _text_cell(ws, row, 2, r.name)
        _figure_cells(ws, row, 3, r.figures, cols, wan=True)
        row += 1
    _text_cell(ws, row, 1, _("合计"))
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    ws.cell(row, 1).alignment = Alignment(horizontal="center")
    ws.cell(row, 2).border = _BORDER
    _figure_cells(ws, row, 3, data.total, cols, wan=True)
    for c in range(1, width + 1):
        ws.cell(row, c).font = Font(bold=True)
        ws.cell(row, c).fill = _TOTAL_FILL
    row += 2
    notes = [
        _(
            "说明：数字按截止时间计（截止时间之后录入的变动计入下一天）；完成率 = 累计签约 ÷ 目标；"
            "逾期 = 已过限时（本户期限，未设的按签约期限 {deadline}）仍未完成；金额单位万元。",
            deadline=data.sign_deadline.isoformat() if data.sign_deadline else "-",
        ),
    ]
    if data.frozen_at is not None and data.content_hash:
        notes.append(_("校验值：{hash}", hash=data.content_hash))
    if data.chain_seq:
        notes.append(
            _(
                "审计链头（指挥部留存，用于日后核对历史未被改写）：第 {seq} 条，哈希 {hash}",
                seq=data.chain_seq, hash=data.chain_hash,
            )
        )  # fmt: skip
    for note in notes:
        ws.cell(row, 1, note).alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        ws.row_dimensions[row].height = 30
        row += 1
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 16
    for k in range(len(cols)):
        ws.column_dimensions[get_column_letter(3 + k)].width = 10.5
    ws.freeze_panes = ws.cell(first_data, 3)
    ws.print_area = f"A1:{last_col}{row - 1}"
    ws.print_title_rows = f"4:{first_data - 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.oddFooter.center.text = _("第 &P 页 共 &N 页")


def _breakdown_sheet(
    ws: Worksheet,
    data: DailyReportData,
    rows: tuple[ReportRow, ...],
    labels: list[tuple[str, str]],
) -> None:
    cols = list(columns())
    ws["A1"] = f"{_title(data)}　{ws.title}"
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = _subtitle(data)
    row = _header(ws, 3, [label for label, _attr in labels], cols)
    first_data = row
    start = len(labels) + 1
    for r in rows:
        for i, (_label, attr) in enumerate(labels, start=1):
            if attr == "rank":
                ws.cell(row, i, r.rank or None).style = _STYLES["count"]
            else:
                _text_cell(ws, row, i, str(getattr(r, attr)))
        _figure_cells(ws, row, start, r.figures, cols)
        row += 1
    for i in range(1, start):
        ws.cell(row, i).border = _BORDER
    _text_cell(ws, row, 1, _("合计"))
    _figure_cells(ws, row, start, data.total, cols)
    for c in range(1, start + len(cols)):
        ws.cell(row, c).font = Font(bold=True)
        ws.cell(row, c).fill = _TOTAL_FILL
    for i, (_label, attr) in enumerate(labels, start=1):
        ws.column_dimensions[get_column_letter(i)].width = {"rank": 6, "code": 8}.get(attr, 16)
    for k, col in enumerate(cols):
        ws.column_dimensions[get_column_letter(start + k)].width = 15 if col.kind == "fen" else 9
    ws.freeze_panes = ws.cell(first_data, start)
    ws.auto_filter.ref = f"A{first_data - 1}:{get_column_letter(start + len(cols) - 1)}{row - 1}"
    ws.print_title_rows = f"3:{first_data - 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _trend_sheet(ws: Worksheet, data: DailyReportData) -> None:
    ws["A1"] = _("累计签约户数（按日，截止时间口径）")
    ws["A1"].font = Font(bold=True, size=13)
    names = [name for name, _values in data.trend]
    header = [_("日期"), *names, _("合计")]
    for c, text in enumerate(header, start=1):
        cell = ws.cell(2, c, text)
        cell.font = Font(bold=True)
        cell.alignment = _CENTRE
        cell.fill = _HEAD_FILL
        cell.border = _BORDER
    totals = data.trend_total
    for i, day in enumerate(data.trend_days):
        r = 3 + i
        cell = ws.cell(r, 1, day)
        cell.number_format = "yyyy-mm-dd"
        cell.border = _BORDER
        for c, (_name, values) in enumerate(data.trend, start=2):
            ws.cell(r, c, values[i]).style = _STYLES["count"]
        ws.cell(r, len(header), totals[i]).style = _STYLES["count"]
    last = 2 + len(data.trend_days)
    ws.column_dimensions["A"].width = 12
    for c in range(2, len(header) + 1):
        ws.column_dimensions[get_column_letter(c)].width = 11
    ws.freeze_panes = "B3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if not data.trend_days:
        return
    chart = LineChart()
    chart.title = _("各工作组累计签约户数")
    chart.y_axis.title = _("户")
    chart.x_axis.title = _("日期")
    chart.x_axis.number_format = "mm-dd"
    chart.y_axis.number_format = "#,##0"
    chart.height = 11
    chart.width = 26
    refs = Reference(ws, min_col=2, max_col=1 + len(names), min_row=2, max_row=last)
    chart.add_data(refs, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=3, max_row=last))
    # openpyxl hides axes unless told otherwise (Excel then draws none).
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    for series in chart.series:
        series.smooth = False
        series.marker.symbol = "none"
    ws.add_chart(chart, f"{get_column_letter(len(header) + 2)}2")
