"""Printable wall notices (公示上墙) drawn on a reportlab canvas, page by page.

One platypus Table for 10,000 rows takes ~15 s (docs FINDINGS); here the rows are laid out
first (row heights, page breaks — so "共 y 页" is known), then each page is drawn with one text
object: ~3× faster. Names never lose characters: text is split into font runs
(``pdf_fonts.split_runs``, Ext-B from the fallback font) and a long name is first shrunk to a
minimum size, then wrapped to two lines. ``invariant=1``: the same round gives the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A3, A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas as rl_canvas

from ..domain.money import format_fen
from ..domain.notice import COLUMN_LABELS
from ..domain.status import NoticeKind
from ..domain.units import format_area
from ..i18n import _
from ..services.notices import RoundView
from . import pdf_fonts
from .pdf_fonts import MAIN

__all__ = ["fit_text", "render_changes", "render_round"]

PAPERS = {"A3": landscape(A3), "A4": landscape(A4)}
BODY_SIZE = {"A3": 10.5, "A4": 7.5}
MIN_SIZE = {"A3": 10.0, "A4": 7.0}
MARGIN = 28.0
GREY = (0.35, 0.35, 0.35)


# --- text with font runs ------------------------------------------------------------------


@lru_cache(maxsize=50_000)
def _runs(text: str) -> tuple[tuple[str, str], ...]:
    if text.isascii():
        return ((MAIN, text),)
    return tuple(pdf_fonts.split_runs(text))


@lru_cache(maxsize=200_000)
def _width(text: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(run, font, size) for font, run in _runs(text))


def _wrap(text: str, width: float, size: float) -> list[str]:
    """Break ``text`` into lines of at most ``width``: after "、" or "；" where possible,
    else between characters (Chinese has no spaces)."""
    tokens = re.findall(r"[^、；;，,\s]*[、；;，,\s]?", text)
    lines: list[str] = []
    cur = ""
    for tok in (x for x in tokens if x):
        if not cur or _width(cur + tok, size) <= width:
            cur += tok
            if _width(cur, size) <= width:
                continue
            tok, cur = cur, ""
        else:
            lines.append(cur)
            cur = ""
            if _width(tok, size) <= width:
                cur = tok
                continue
        for ch in tok:  # a token longer than a line
            if cur and _width(cur + ch, size) > width:
                lines.append(cur)
                cur = ""
            cur += ch
    if cur:
        lines.append(cur)
    return [ln.strip() for ln in lines]


def fit_text(text: str, width: float, size: float, min_size: float) -> tuple[float, list[str]]:
    """(font size, lines): ``text`` on one line, shrunk down to ``min_size`` if needed, else
    wrapped at ``min_size`` to two lines (more only if even two do not hold it)."""
    if _width(text, size) <= width:
        return size, [text]
    shrunk = size * width / _width(text, size)
    if shrunk >= min_size:
        return shrunk, [text]
    lines = _wrap(text, width, min_size)
    if len(lines) > 2:  # still too long for two lines: shrink further rather than clip
        s = min_size
        while len(lines) > 2 and s > 4:
            s -= 0.5
            lines = _wrap(text, width, s)
        return s, lines
    return min_size, lines


class _Text:
    """One text object per page; fonts switched only when a run needs another font."""

    def __init__(self, c: rl_canvas.Canvas) -> None:
        self.c = c
        self.t = c.beginText()
        self.font: tuple[str, float] | None = None
        self.colour: tuple[float, float, float] = (0, 0, 0)

    def draw(
        self,
        x: float,
        y: float,
        text: str,
        size: float,
        align: str = "left",
        colour: tuple[float, float, float] = (0, 0, 0),
    ) -> None:
        if not text:
            return
        if align != "left":
            w = _width(text, size)
            x = x - w if align == "right" else x - w / 2
        if colour != self.colour:
            self.t.setFillColorRGB(*colour)
            self.colour = colour
        self.t.setTextOrigin(x, y)
        for font, run in _runs(text):
            if self.font != (font, size):
                self.t.setFont(font, size)
                self.font = (font, size)
            self.t.textOut(run)

    def flush(self) -> None:
        self.c.drawText(self.t)


# --- the table model ------------------------------------------------------------------------


@dataclass
class Column:
    key: str
    label: str
    width: float
    align: str = "left"  # left, right, centre
    flexible: bool = False  # may wrap to two lines


@dataclass
class Cell:
    text: str
    note: str = ""  # small grey second line (old value of a changed cell)
    mark: bool = False  # printed with ▲ (changed)


@dataclass
class Row:
    cells: list[Cell]
    dim: bool = False  # removed from the notice: grey
    height: float = 0.0
    fitted: list[tuple[float, list[str]]] = field(default_factory=list)


@dataclass
class Sheet:
    title: str
    subtitle_lines: list[str]
    columns: list[Column]
    rows: list[Row]
    totals: Callable[[Sequence[Row]], list[str]] | None  # a totals row for some rows
    footer_left: str
    code: str
    qr_text: str
    signature: str


def _layout(sheet: Sheet, size: float, min_size: float, usable: float) -> None:
    """Scale columns to the usable width and fit every cell (sets row heights)."""
    total = sum(c.width for c in sheet.columns)
    scale = usable / total
    for c in sheet.columns:
        c.width *= scale
    line = size * 1.25
    for row in sheet.rows:
        fitted = []
        lines = 1
        for col, cell in zip(sheet.columns, row.cells, strict=True):
            avail = col.width - 6
            text = ("▲" + cell.text) if cell.mark else cell.text
            if col.flexible:
                fs, ls = fit_text(text, avail, size, min_size)
            else:
                fs, ls = fit_text(text, avail, size, min(min_size, size * 0.8))
            fitted.append((fs, ls))
            lines = max(lines, len(ls) + (1 if cell.note else 0))
        row.fitted = fitted
        row.height = 5 + line * lines


def _paginate(rows: list[Row], first: float, later: float) -> list[list[Row]]:
    pages: list[list[Row]] = []
    cur: list[Row] = []
    room = first
    for row in rows:
        if cur and row.height > room:
            pages.append(cur)
            cur, room = [], later
        cur.append(row)
        room -= row.height
    pages.append(cur)
    return pages


@lru_cache(maxsize=8)
def _qr_drawing(text: str, size: float) -> Drawing:
    w = QrCodeWidget(text, barLevel="M")
    x0, y0, x1, y1 = w.getBounds()
    d = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    d.add(w)
    return d


def _draw_sheet(sheet: Sheet, out: str | Path | BinaryIO, paper: str) -> int:
    from reportlab.graphics import renderPDF

    pdf_fonts.register_fonts()
    page_w, page_h = PAPERS[paper]
    size, min_size = BODY_SIZE[paper], MIN_SIZE[paper]
    usable = page_w - 2 * MARGIN
    _layout(sheet, size, min_size, usable)
    line = size * 1.25
    header_h = 2 * line + 6
    title_first = 30 + len(sheet.subtitle_lines) * (size * 1.35) + 12
    title_later = 26
    footer_h = 78
    totals_h = line + 5 if sheet.totals else 0
    body = page_h - 2 * MARGIN - header_h - footer_h
    pages = _paginate(sheet.rows, body - title_first - 2 * totals_h, body - title_later - totals_h)
    if (
        len(pages) > 1
        and sheet.totals
        and (sum(r.height for r in pages[-1]) > body - title_later - 2 * totals_h)
    ):
        pages.append([])  # the overall total needs its own room
    n_pages = len(pages)

    c = rl_canvas.Canvas(
        out if not isinstance(out, Path) else str(out),
        pagesize=(page_w, page_h),
        invariant=1,
        pageCompression=1,
        initialFontName=MAIN,  # else an unused, unembedded Helvetica is listed
    )
    c.setTitle(sheet.title)
    c.setAuthor(sheet.footer_left)
    qr_size = 62.0
    c.beginForm("qr")
    renderPDF.draw(_qr_drawing(sheet.qr_text, qr_size), c, 0, 0)
    c.endForm()
    xs = [MARGIN]
    for col in sheet.columns:
        xs.append(xs[-1] + col.width)

    for index, page_rows in enumerate(pages, start=1):
        t = _Text(c)
        top = page_h - MARGIN
        if index == 1:
            t.draw(page_w / 2, top - 22, sheet.title, size * 2.1, "centre")
            y = top - 30 - size * 1.1
            for sub in sheet.subtitle_lines:
                t.draw(MARGIN, y, sub, size * 1.05)
                y -= size * 1.35
            top -= title_first
        else:
            t.draw(MARGIN, top - 16, sheet.title, size * 1.3)
            t.draw(page_w - MARGIN, top - 16, _("续表"), size * 1.1, "right")
            top -= title_later
        # header
        c.setLineWidth(0.8)
        c.setFillColorRGB(0.9, 0.9, 0.9)
        c.rect(MARGIN, top - header_h, usable, header_h, stroke=0, fill=1)
        c.setFillColorRGB(0, 0, 0)
        for col, x in zip(sheet.columns, xs, strict=False):
            fs, ls = fit_text(col.label, col.width - 4, size, min(min_size, size * 0.8))
            y0 = top - header_h / 2 + (len(ls) - 1) * fs * 0.62 - fs * 0.35
            for i, ln in enumerate(ls):
                t.draw(x + col.width / 2, y0 - i * fs * 1.2, ln, fs, "centre")
        y = top - header_h
        row_tops = [top, y]
        for row in page_rows:
            _draw_row(t, sheet.columns, xs, row, y, size, line)
            y -= row.height
            row_tops.append(y)
        if sheet.totals is not None:
            labels = sheet.totals(page_rows)
            _draw_totals(t, sheet.columns, xs, labels, y, size, line, _("本页小计"))
            y -= totals_h
            row_tops.append(y)
            if index == n_pages:
                labels = sheet.totals(sheet.rows)
                _draw_totals(t, sheet.columns, xs, labels, y, size, line, _("总计"))
                y -= totals_h
                row_tops.append(y)
        # grid
        c.setLineWidth(0.4)
        for yy in row_tops[1:]:
            c.line(MARGIN, yy, MARGIN + usable, yy)
        c.setLineWidth(0.9)
        c.rect(MARGIN, y, usable, top - y, stroke=1, fill=0)
        c.setLineWidth(0.4)
        table_end = row_tops[len(page_rows) + 1]
        for i, x in enumerate(xs[1:-1], start=1):
            # The totals rows span the first two columns (their label).
            c.line(x, top, x, table_end if i == 1 else y)
        # footer
        fy = MARGIN + footer_h - 14
        t.draw(MARGIN, fy, sheet.signature, size * 1.1)
        t.draw(MARGIN, fy - 22, sheet.footer_left, size)
        t.draw(
            page_w / 2,
            MARGIN + 4,
            _("第 {x} 页 共 {y} 页", x=index, y=n_pages),
            size * 1.1,
            "centre",
        )
        t.draw(
            page_w - MARGIN - qr_size - 8,
            MARGIN + 30,
            _("验证码：{code}", code=sheet.code),
            size * 1.1,
            "right",
        )
        t.draw(
            page_w - MARGIN - qr_size - 8,
            MARGIN + 14,
            _("扫码或输入验证码核对"),
            size * 0.8,
            "right",
        )
        t.flush()
        c.saveState()
        c.translate(page_w - MARGIN - qr_size, MARGIN)
        c.doForm("qr")
        c.restoreState()
        c.showPage()
    c.save()
    return n_pages


def _draw_row(
    t: _Text, columns: list[Column], xs: list[float], row: Row, top: float, size: float, line: float
) -> None:
    colour = GREY if row.dim else (0.0, 0.0, 0.0)
    for col, x, cell, (fs, lines) in zip(columns, xs, row.cells, row.fitted, strict=False):
        y = top - 3 - line * 0.8
        for ln in lines:
            if col.align == "right":
                t.draw(x + col.width - 3, y, ln, fs, "right", colour)
            elif col.align == "centre":
                t.draw(x + col.width / 2, y, ln, fs, "centre", colour)
            else:
                t.draw(x + 3, y, ln, fs, "left", colour)
            y -= line
        if cell.note:
            note = cell.note
            ns = min(size * 0.8, fs)
            ns, nl = fit_text(note, col.width - 6, ns, ns * 0.7)
            xx = x + col.width - 3 if col.align == "right" else x + 3
            t.draw(xx, y + 1, nl[0], ns, "right" if col.align == "right" else "left", GREY)


def _draw_totals(
    t: _Text,
    columns: list[Column],
    xs: list[float],
    labels: list[str],
    top: float,
    size: float,
    line: float,
    title: str,
) -> None:
    y = top - 3 - line * 0.8
    head = f"{title}（{labels[1]}）" if labels[1] else title
    fs, ls = fit_text(head, xs[2] - xs[0] - 6, size, size * 0.6)
    t.draw(xs[0] + 3, y, ls[0], fs)
    for col, x, text in zip(columns[2:], xs[2:], labels[2:], strict=False):
        if not text:
            continue
        fs, ls = fit_text(text, col.width - 6, size, size * 0.6)
        if col.align == "right":
            t.draw(x + col.width - 3, y, ls[0], fs, "right")
        else:
            t.draw(x + 3, y, ls[0], fs)


# --- wall notice ----------------------------------------------------------------------------

_MARK_LABELS = {"new": "新增", "changed": "▲变更", "removed": "撤下"}


def _title(view: RoundView) -> str:
    scope = view.village_name + (view.group_name if view.group_name else "")
    return _(
        "{project} {scope} {kind}（第{n}轮）",
        project=view.project_name,
        scope=scope,
        kind=view.title_kind,
        n=view.round_no,
    )


def _subtitles(view: RoundView) -> list[str]:
    lines = [
        _(
            "公示期：{start} 至 {end}（共 {days} 天）。",
            start=_day(view.posted_from),
            end=_day(view.posted_to),
            days=(view.posted_to - view.posted_from).days + 1,
        ),
        _(
            "对公示内容有异议的，请于 {until} 前到 {place} 书面提出，逾期不予受理。"
            "面积单位：平方米；金额单位：元。",
            until=_day(view.objection_until or view.posted_to),
            place=view.objection_place,
        ),
    ]
    if view.previous_round_no is not None:
        lines.append(
            _(
                "本轮为第 {n} 轮，与第 {prev} 轮相比有变动的户在备注栏标“▲变更”，原数值以小字列于新数值下方。",
                n=view.round_no,
                prev=view.previous_round_no,
            )
        )
    return lines


def _day(d: Any) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _footer(view: RoundView) -> str:
    return _(
        "发布单位：{team}    发布日期：{date}",
        team=view.issuing_team or view.project_name,
        date=_day(view.created_on),
    )


def _signature() -> str:
    return _("经办人：____________    审核人：____________    村（居）委会（盖章）：____________")


def _money_cell(data: dict[str, Any], key: str, old: Any) -> Cell:
    value = (data.get("amounts") or {}).get(key, 0) if key != "total" else data.get("total_fen")
    text = format_fen(value) if value else ("—" if key != "total" else "0.00")
    if old is None:
        return Cell(text)
    return Cell(text, note=_("原 {v}", v=format_fen(old[0] or 0)), mark=True)


def _plain_cell(text: str, change: Any, fmt: Callable[[Any], str] = str) -> Cell:
    if change is None:
        return Cell(text)
    return Cell(
        text, note=_("原 {v}", v=fmt(change[0]) if change[0] is not None else "—"), mark=True
    )


def _notice_sheet(view: RoundView) -> Sheet:
    fixed = [
        Column("seq", _("序号"), 34, "centre"),
        Column("head", _("户主"), 76, "left", True),
        Column("group", _("村民小组"), 54, "centre", True),
        Column("members", _("家庭人口"), 42, "centre"),
        Column("legal", _("合法面积"), 60, "right"),
        Column("unlicensed", _("无证面积"), 60, "right"),
        Column("structures", _("房屋结构"), 124, "left", True),
    ]
    money = [Column(k, _(COLUMN_LABELS[k]), 66, "right") for k in view.columns]
    tail = []
    if view.kind is not NoticeKind.SURVEY:
        tail.append(Column("total", _("合计"), 76, "right"))
    tail.append(Column("remarks", _("备注"), 116, "left", True))
    columns = fixed + money + tail

    rows: list[Row] = []
    for r in view.rows:
        d = r.data
        ch = d.get("changes") or {}
        remarks = [x for x in (_(_MARK_LABELS[r.change_mark]) if r.change_mark else "",
                               d.get("mark", ""), d.get("status", "")) if x]  # fmt: skip
        cells = [
            Cell(str(r.seq)),
            _plain_cell(d.get("head_name", ""), ch.get("head_name")),
            _plain_cell(d.get("group", ""), ch.get("group")),
            _plain_cell(str(d.get("member_count", "")), ch.get("member_count")),
            _plain_cell(
                format_area(d.get("legal_area_dm2", 0)), ch.get("legal_area_dm2"), format_area
            ),
            _plain_cell(
                format_area(d.get("unlicensed_area_dm2", 0)),
                ch.get("unlicensed_area_dm2"),
                format_area,
            ),
            _plain_cell(d.get("structures", ""), ch.get("structures")),
        ]
        cells += [_money_cell(d, k, ch.get(f"amounts.{k}")) for k in view.columns]
        if view.kind is not NoticeKind.SURVEY:
            cells.append(_money_cell(d, "total", ch.get("total_fen")))
        cells.append(Cell("；".join(remarks)))
        rows.append(Row(cells, dim=r.change_mark == "removed"))
    by_row = {id(row): r for row, r in zip(rows, view.rows, strict=True)}

    def totals(some: Sequence[Row]) -> list[str]:
        live = [by_row[id(x)].data for x in some if not x.dim]
        out = ["", _("{n} 户", n=len(live)), ""]
        out.append(str(sum(d.get("member_count", 0) for d in live)))
        out.append(format_area(sum(d.get("legal_area_dm2", 0) for d in live)))
        out.append(format_area(sum(d.get("unlicensed_area_dm2", 0) for d in live)))
        out.append("")
        for k in view.columns:
            out.append(format_fen(sum((d.get("amounts") or {}).get(k, 0) for d in live)))
        if view.kind is not NoticeKind.SURVEY:
            out.append(format_fen(sum(d.get("total_fen") or 0 for d in live)))
        out.append("")
        return out

    return Sheet(
        title=_title(view),
        subtitle_lines=_subtitles(view),
        columns=columns,
        rows=rows,
        totals=totals,
        footer_left=_footer(view),
        code=view.verification_code,
        qr_text=view.qr_text,
        signature=_signature(),
    )


def render_round(view: RoundView, out: str | Path | BinaryIO, *, paper: str = "A3") -> int:
    """Write the round's wall notice as PDF; returns the number of pages."""
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {sorted(PAPERS)}")
    return _draw_sheet(_notice_sheet(view), out, paper)


# --- changes since the last round -------------------------------------------------------------

_FIELD_LABELS = {
    "head_name": "户主",
    "id_number": "身份证号",
    "group": "村民小组",
    "member_count": "家庭人口",
    "legal_area_dm2": "合法面积",
    "unlicensed_area_dm2": "无证面积",
    "structures": "房屋结构",
    "total_fen": "合计",
    "mark": "干部标记",
    "status": "备注",
}


def _field_label(key: str) -> str:
    if key.startswith("amounts."):
        return _(COLUMN_LABELS.get(key.split(".", 1)[1], key))
    return _(_FIELD_LABELS.get(key, key))


def _value(key: str, v: Any) -> str:
    if v is None or v == "":
        return "—"
    if key.endswith("area_dm2"):
        return format_area(int(v))
    if key.startswith("amounts.") or key == "total_fen":
        return format_fen(int(v))
    return str(v)


def render_changes(view: RoundView, out: str | Path | BinaryIO, *, paper: str = "A3") -> int:
    """Write the "changes since the last round" sheet (new, changed, removed households)."""
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {sorted(PAPERS)}")
    columns = [
        Column("seq", _("序号"), 40, "centre"),
        Column("head", _("户主"), 90, "left", True),
        Column("group", _("村民小组"), 70, "centre", True),
        Column("kind", _("变动"), 60, "centre"),
        Column("field", _("项目"), 110, "left", True),
        Column("old", _("第{n}轮公示值", n=view.previous_round_no or 0), 220, "right", True),
        Column("new", _("本轮公示值"), 220, "right", True),
    ]
    rows: list[Row] = []
    for r in view.rows:
        if not r.change_mark:
            continue
        d = r.data
        base = [Cell(str(r.seq)), Cell(d.get("head_name", "")), Cell(d.get("group", ""))]
        label = _(_MARK_LABELS[r.change_mark])
        if r.change_mark == "changed":
            for key, (old, new) in (d.get("changes") or {}).items():
                rows.append(
                    Row(
                        [*base, Cell(label), Cell(_field_label(key)),
                         Cell(_value(key, old)), Cell(_value(key, new))]
                    )
                )  # fmt: skip
        else:
            total = _value("total_fen", d.get("total_fen")) if "total_fen" in d else ""
            old, new = ("", total) if r.change_mark == "new" else (total, "")
            rows.append(
                Row([*base, Cell(label), Cell(_("整户")), Cell(old), Cell(new)],
                    dim=r.change_mark == "removed")
            )  # fmt: skip
    if not rows:
        rows.append(Row([Cell(""), Cell(_("无变动")), *(Cell("") for _c in range(5))]))
    sheet = Sheet(
        title=_("{title} 变动情况", title=_title(view)),
        subtitle_lines=_subtitles(view),
        columns=columns,
        rows=rows,
        totals=None,
        footer_left=_footer(view),
        code=view.verification_code,
        qr_text=view.qr_text,
        signature=_signature(),
    )
    return _draw_sheet(sheet, out, paper)
