"""The daily report on one A4 landscape page, for the morning meeting.

Title and cut-off, a row of headline figures, the team ranking with the figures of the
summary sheet (rows shrink to fit any number of teams on the page), and a chart of the
project's cumulative signed, paid and vacated households per day. Drawn on a reportlab
canvas with the embedded fonts (``invariant=1``: a frozen report prints the same bytes).
"""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas as rl_canvas

from ..i18n import _
from ..services.progress.daily_report import DailyReportData
from ..services.progress.service import Figures
from ..services.progress_report import Progress, ensure
from .daily_columns import Column, columns, wan
from .demo_mark import pdf_canvas
from .output_file import write_document
from .pdf_fonts import (
    MAIN,
    draw_centred_string,
    draw_right_string,
    draw_string,
    register_fonts,
    string_width,
)

__all__ = ["write_daily_pdf"]

PAGE_W, PAGE_H = landscape(A4)
MARGIN = 24.0
_GRID = colors.Color(0.55, 0.55, 0.55)
_HEAD = colors.Color(0.87, 0.92, 0.97)
_TOTAL = colors.Color(0.95, 0.95, 0.95)
_SERIES = (
    (colors.Color(0.12, 0.40, 0.75), "signed"),
    (colors.Color(0.85, 0.45, 0.10), "paid"),
    (colors.Color(0.20, 0.60, 0.30), "vacated"),
)


def write_daily_pdf(
    path: str | Path, data: DailyReportData, *, progress: Progress | None = None
) -> None:
    """Write the report's one A4 page to ``path``. ``progress`` hears of the table, the chart
    and the saving; a cancel before the saving leaves no file."""
    p = ensure(progress)
    p(0, 3, _("正在排第 1 页：进度表…"))
    register_fonts()
    buffer = io.BytesIO()
    c = pdf_canvas(data.demo)(
        buffer,
        pagesize=(PAGE_W, PAGE_H),
        invariant=1,
        pageCompression=1,
        initialFontName=MAIN,  # else an unused, unembedded Helvetica is listed
    )
    c.setTitle(_("{scope}工作日报 {day}", scope=data.scope_name, day=data.report_date.isoformat()))
    c.setAuthor("relocation-desk")
    top = PAGE_H - MARGIN
    draw_centred_string(c, PAGE_W / 2, top - 16, _("{scope}工作日报", scope=data.scope_name), 17)
    draw_centred_string(c, PAGE_W / 2, top - 32, _subtitle(data), 8.5)
    y = _headline(c, data.total, top - 42)
    chart_w = 250.0
    table_right = PAGE_W - MARGIN - chart_w - 14
    _table(c, data, MARGIN, table_right, y - 8, MARGIN + 14)
    p.check()
    p(1, 3, _("正在排第 1 页：签约走势图…"))
    _chart(c, data, table_right + 14, PAGE_W - MARGIN, y - 8)
    p.check()
    p(2, 3, _("第 1 页已排好，正在生成 PDF…"))
    note = _(
        "数字按截止时间 {cutoff} 计，之后录入的变动计入下一天；完成率 = 累计签约 ÷ 目标；"
        "逾期 = 已过限时仍未完成；金额单位万元。",
        cutoff=data.cutoff.strftime("%H:%M"),
    )
    if data.content_hash:
        note += _("校验值 {code}", code=data.content_hash[:16])
    if data.chain_seq:
        note += _(" 审计链第 {seq} 条 {hash}", seq=data.chain_seq, hash=data.chain_hash[:16])
    c.setFillColor(colors.Color(0.3, 0.3, 0.3))
    draw_string(c, MARGIN, MARGIN - 2, note, 7)
    c.showPage()
    c.save()
    p.check()
    p.cannot_cancel(_("日报已写完，正在保存文件，不能取消。"))
    p(3, 3, _("正在保存文件…"))
    write_document(path, buffer.getvalue())


def _subtitle(data: DailyReportData) -> str:
    text = _(
        "{project}　报表日期 {day}　截止 {cutoff}",
        project=data.project_name if data.scope_name != data.project_name else "",
        day=data.report_date.isoformat(),
        cutoff=data.cutoff.strftime("%Y-%m-%d %H:%M"),
    ).strip("　")
    if data.frozen_at is not None:
        at = data.frozen_at.astimezone(data.cutoff.tzinfo).strftime("%Y-%m-%d %H:%M")
        text += _("　已冻结 {at}", at=at) + (f"（{data.frozen_by}）" if data.frozen_by else "")
    else:
        text += _("　未冻结（草稿）")
    return text


def _headline(c: rl_canvas.Canvas, f: Figures, top: float) -> float:
    """A row of boxes with the project's key figures; returns the y below them."""
    boxes = [
        (_("总户数"), f"{f.households:,}", ""),
        (_("今日签约"), f"{f.signed_today:,}", ""),
        (_("累计签约"), f"{f.signed:,}", _("完成率 {pct}%", pct=f"{f.signed_pct:.1f}")),
        (_("今日支付（户）"), f"{f.paid_today:,}", _("累计 {n} 户", n=f"{f.paid:,}")),
        (_("累计支付（万元）"), wan(f.paid_fen), _("签约 {amount}", amount=wan(f.signed_fen))),
        (_("累计腾房"), f"{f.vacated:,}", _("今日 {n}", n=f"{f.vacated_today:,}")),
        (_("未结异议"), f"{f.objections_open:,}", _("待审批 {n}", n=f"{f.approvals_pending:,}")),
        (_("干部户签约"), f"{f.cadre_signed:,}/{f.cadre_total:,}", ""),
        (_("逾期未完成"), f"{f.overdue:,}", ""),
        (_("累计销号"), f"{f.closed:,}", _("今日 {n}", n=f"{f.closed_today:,}")),
    ]
    width = (PAGE_W - 2 * MARGIN) / len(boxes)
    height = 44.0
    y0 = top - height
    for i, (label, number, extra) in enumerate(boxes):
        x = MARGIN + i * width
        c.setStrokeColor(_GRID)
        c.setFillColor(_HEAD)
        c.rect(x + 2, y0, width - 4, height, stroke=1, fill=1)
        c.setFillColor(colors.black)
        draw_centred_string(c, x + width / 2, top - 11, label, 7.5)
        size = 15.0
        while size > 8 and string_width(number, size) > width - 10:
            size -= 0.5
        draw_centred_string(c, x + width / 2, top - 28, number, size)
        if extra:
            draw_centred_string(c, x + width / 2, y0 + 4, extra, 6.5)
    return y0


def _table_columns() -> list[Column]:
    return [col for col in columns() if col.summary]


def _cell_text(f: Figures, col: Column) -> str:
    raw = getattr(f, col.field)
    if col.kind == "fen":
        return wan(raw)
    if col.kind == "pct":
        return f"{raw:.1f}%"
    return f"{raw:,}"


def _table(
    c: rl_canvas.Canvas, data: DailyReportData, left: float, right: float, top: float, bottom: float
) -> None:
    cols = _table_columns()
    # The project's report ranks its teams; a team's report lists its responsible persons
    # (责任到人), which is what its own meeting goes through.
    if data.scope_key == "project":
        labels = [_("排名"), _("工作组")]
        body = [(str(r.rank), r.name, r.figures) for r in data.teams]
    else:
        labels = [_("序号"), _("责任人")]
        body = [(str(i), r.name, r.figures) for i, r in enumerate(data.persons, start=1)]
    body.append(("", _("合计"), data.total))
    rows = len(body)
    head_h = 24.0
    row_h = min(15.0, (top - bottom - head_h) / max(rows, 1))
    size = max(4.5, min(7.5, row_h * 0.62))
    rank_w, name_w = 20.0, 62.0
    # Money columns get 1.6 shares of the width, the others one.
    shares = [1.6 if col.kind == "fen" else 1.0 for col in cols]
    unit = (right - left - rank_w - name_w) / sum(shares)
    xs = [left, left + rank_w, left + rank_w + name_w]
    for share in shares:
        xs.append(xs[-1] + share * unit)
    # Header: figure groups over their columns, labels below.
    c.setFillColor(_HEAD)
    c.setStrokeColor(_GRID)
    c.setLineWidth(0.4)
    c.rect(left, top - head_h, right - left, head_h, stroke=1, fill=1)
    c.setFillColor(colors.black)
    mid = top - head_h / 2
    for k, label in enumerate(labels):
        draw_centred_string(c, (xs[k] + xs[k + 1]) / 2, mid - 3, label, 7)
    k = 0
    while k < len(cols):
        j = k
        group = cols[k].group
        while j + 1 < len(cols) and group and cols[j + 1].group == group:
            j += 1
        x0, x1 = xs[2 + k], xs[3 + j]
        if group:
            text = _("金额（万元）") if cols[k].kind == "fen" else group
            draw_centred_string(c, (x0 + x1) / 2, top - 9, text, 6.5)
            c.line(x0, mid, x1, mid)
            for q in range(k, j + 1):
                draw_centred_string(
                    c, (xs[2 + q] + xs[3 + q]) / 2, top - head_h + 4, cols[q].label, 6.5
                )
        else:
            draw_centred_string(c, (x0 + x1) / 2, mid - 3, cols[k].label, 6.5)
        k = j + 1
    y = top - head_h
    for n, (rank, name, f) in enumerate(body):
        is_total = n == len(body) - 1
        if is_total:
            c.setFillColor(_TOTAL)
            c.rect(left, y - row_h, right - left, row_h, stroke=0, fill=1)
            c.setFillColor(colors.black)
        base = y - row_h + (row_h - size) / 2 + size * 0.15
        draw_centred_string(c, (xs[0] + xs[1]) / 2, base, rank, size)
        label = name
        while len(label) > 1 and string_width(label, size) > name_w - 4:
            label = label[:-1]
        draw_string(c, xs[1] + 2, base, label, size)
        for q, col in enumerate(cols):
            draw_right_string(c, xs[3 + q] - 2, base, _cell_text(f, col), size)
        y -= row_h
    # Grid: inner lines of a figure group start below the group's header.
    c.setStrokeColor(_GRID)
    c.setLineWidth(0.3)
    for k, x in enumerate(xs):
        q = k - 2
        inner = 0 < q < len(cols) and bool(cols[q].group) and cols[q].group == cols[q - 1].group
        c.line(x, top - head_h / 2 if inner else top, x, y)
    yy = top - head_h
    c.line(left, top, right, top)
    for _n in range(len(body) + 1):
        c.line(left, yy, right, yy)
        yy -= row_h


def _chart(
    c: rl_canvas.Canvas, data: DailyReportData, left: float, right: float, top: float
) -> None:
    width, height = right - left, 260.0
    c.setFillColor(colors.black)
    draw_centred_string(c, (left + right) / 2, top - 10, _("累计户数（按日）"), 9)
    days = data.trend_days
    series = _project_series(data)
    if not days:
        draw_centred_string(c, (left + right) / 2, top - 40, _("暂无数据"), 8)
        return
    drawing = Drawing(width, height, initialFontName=MAIN)
    plot = LinePlot()
    plot.x, plot.y = 30, 34
    plot.width, plot.height = width - 40, height - 60
    plot.data = [[(i, v) for i, v in enumerate(values)] for values in series.values()]
    for k, (colour, _key) in enumerate(_SERIES):
        plot.lines[k].strokeColor = colour
        plot.lines[k].strokeWidth = 1.4
    top_value = max((max(v) for v in series.values() if v), default=0)
    plot.yValueAxis.valueMin = 0
    plot.yValueAxis.valueMax = max(10, _nice(top_value))
    plot.yValueAxis.labels.fontName = MAIN
    plot.yValueAxis.labels.fontSize = 6
    plot.yValueAxis.labelTextFormat = lambda v: f"{int(v):,}"
    plot.xValueAxis.valueMin = 0
    plot.xValueAxis.valueMax = max(1, len(days) - 1)
    step = max(1, (len(days) + 5) // 6)
    plot.xValueAxis.valueSteps = list(range(0, len(days), step))
    plot.xValueAxis.labels.fontName = MAIN
    plot.xValueAxis.labels.fontSize = 6
    plot.xValueAxis.labelTextFormat = lambda v: days[int(v)].strftime("%m-%d")
    plot.yValueAxis.visibleGrid = True
    plot.yValueAxis.gridStrokeColor = colors.Color(0.85, 0.85, 0.85)
    drawing.add(plot)
    renderPDF.draw(drawing, c, left, top - 18 - height)
    # Legend
    labels = {"signed": _("签约"), "paid": _("支付"), "vacated": _("腾房")}
    x = left + 30
    ly = top - 18 - height + 10
    for colour, key in _SERIES:
        c.setStrokeColor(colour)
        c.setLineWidth(1.6)
        c.line(x, ly + 2.5, x + 14, ly + 2.5)
        c.setFillColor(colors.black)
        last = series[key][-1] if series[key] else 0
        x += 18 + draw_string(c, x + 18, ly, f"{labels[key]} {last:,}", 7) + 8
    # Who signed most today (teams; a team's report: its persons), under the chart.
    y = top - 18 - height - 14
    c.setFillColor(colors.black)
    if data.scope_key == "project":
        draw_string(c, left, y, _("今日签约户数最多的工作组："), 7.5)
        rows = list(data.teams)
    else:
        draw_string(c, left, y, _("今日签约户数最多的责任人："), 7.5)
        rows = list(data.persons)
    order = {id(r): i for i, r in enumerate(rows)}
    best = sorted(rows, key=lambda r: (-r.figures.signed_today, order[id(r)]))[:5]
    best = [r for r in best if r.figures.signed_today > 0]
    items = [f"{r.name} {r.figures.signed_today}" for r in best] or [_("无")]
    line = ""
    for item in items:  # wrapped to the chart's width
        candidate = f"{line}、{item}" if line else item
        if line and string_width(candidate, 7) > right - left:
            y -= 11
            draw_string(c, left, y, line, 7)
            line = item
        else:
            line = candidate
    y -= 11
    draw_string(c, left, y, line, 7)
    if data.freshness:  # HQ: how fresh each team's merged data is
        _freshness(c, data, left, right, y - 16)


SHOWN_LATE = 12  # teams named under the chart; the workbook lists them all


def _freshness(
    c: rl_canvas.Canvas, data: DailyReportData, left: float, right: float, y: float
) -> None:
    stale = [f for f in data.freshness if f.stale]
    draw_string(c, left, y, _("各工作组数据报送："), 7.5)
    items = [f.text for f in stale[:SHOWN_LATE]] or [_("各工作组今天都已报送")]
    if len(stale) > SHOWN_LATE:  # the rest would run into the footnote
        items.append(
            _("等 {n} 个工作组未按时报送（全部见 Excel 日报的“数据报送”表）", n=len(stale))
        )
    line = ""
    for item in items:
        candidate = f"{line}；{item}" if line else item
        if line and string_width(candidate, 7) > right - left:
            y -= 11
            draw_string(c, left, y, line, 7)
            line = item
        else:
            line = candidate
    draw_string(c, left, y - 11, line, 7)


def _project_series(data: DailyReportData) -> dict[str, list[int]]:
    """Cumulative signed (from the team trend), paid and vacated per day for the scope."""
    signed = list(data.trend_total)
    paid = list(data.trend_paid) if data.trend_paid else [0] * len(signed)
    vacated = list(data.trend_vacated) if data.trend_vacated else [0] * len(signed)
    return {"signed": signed, "paid": paid, "vacated": vacated}


def _nice(value: int) -> int:
    """A round upper bound for an axis: 1, 2, 2.5 or 5 times a power of ten."""
    if value <= 0:
        return 10
    magnitude: int = 10 ** (len(str(value)) - 1)
    for factor in (1, 2, 2.5, 5, 10):
        bound = int(factor * magnitude)
        if bound >= value:
            return bound
    return 10 * magnitude
