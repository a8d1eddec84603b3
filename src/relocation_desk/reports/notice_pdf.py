"""Printable wall notices (公示上墙) drawn on a reportlab canvas, page by page.

One platypus Table for 10,000 rows takes ~15-20 s (docs FINDINGS); here the rows are laid out
first (row heights, page breaks — so "共 y 页" is known), then each page is drawn with one text
object whose operators are written directly (see "text with font runs"): 10,000 rows in ~3 s,
100,000 in ~25 s and 440 MB (tests/benchmarks/bench_notice.py). Names never lose characters: text is split into font runs
(``pdf_fonts.split_runs``, Ext-B from the fallback font) and a long name is first shrunk to a
minimum size, then wrapped to two lines. ``invariant=1``: the same round gives the same bytes.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A3, A4, landscape
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfgen import canvas as rl_canvas

from ..domain.money import format_fen
from ..domain.notice import COLUMN_LABELS
from ..domain.status import NoticeKind
from ..domain.units import format_area
from ..i18n import _
from ..services.notices.service import RoundRow, RoundView
from ..services.progress_report import Progress, ensure
from . import line_breaks, pdf_fonts
from .demo_mark import pdf_canvas
from .pdf_fonts import MAIN

__all__ = ["fit_text", "render_changes", "render_round"]

PAPERS = {"A3": landscape(A3), "A4": landscape(A4)}
BODY_SIZE = {"A3": 10.5, "A4": 7.5}
MIN_SIZE = {"A3": 10.0, "A4": 7.0}
MARGIN = 28.0
GREY = (0.35, 0.35, 0.35)
BLACK = (0.0, 0.0, 0.0)


# --- text with font runs ------------------------------------------------------------------
# A 10,000-row notice has ~170,000 cells, most of them unique amounts, so every per-cell step
# counts (reportlab's Python fallbacks for stringWidth, fp_str and escapePDF run when its C
# accelerator is not installed). Widths are summed from a per-font character table (same
# arithmetic as reportlab's TTF stringWidth, so every fit decision is unchanged); repeated
# non-ASCII text (names, groups, structures) is split into runs and fitted once; text is
# encoded by ``_Encoder`` into the exact operators ``PDFTextObject.textOut`` writes.


@lru_cache(maxsize=50_000)
def _split(text: str) -> tuple[tuple[str, str], ...]:
    return tuple(pdf_fonts.split_runs(text))


def _runs(text: str) -> tuple[tuple[str, str], ...]:
    if text.isascii():
        return ((MAIN, text),)
    return _split(text)


class _CharWidths(dict):  # type: ignore[type-arg]
    """character -> advance width in 1/1000 em of one font, filled on first use."""

    def __init__(self, font_name: str) -> None:
        super().__init__()
        face = pdfmetrics.getFont(font_name).face
        self._get = face.charWidths.get
        self._default = face.defaultWidth

    def __missing__(self, ch: str) -> float:
        w = self[ch] = self._get(ord(ch), self._default)
        return w  # type: ignore[no-any-return]


_char_widths: dict[str, _CharWidths] = {}


def _font_widths(font: str) -> _CharWidths:
    table = _char_widths.get(font)
    if table is None:
        pdf_fonts.register_fonts()
        table = _char_widths[font] = _CharWidths(font)
    return table


@lru_cache(maxsize=50_000)
def _units(text: str) -> tuple[float, ...]:
    """Per-run widths of non-ASCII ``text`` in 1/1000 em (sums in reportlab's order)."""
    return tuple(sum(map(_font_widths(f).__getitem__, run)) for f, run in _split(text))


def _width(text: str, size: float) -> float:
    if text.isascii():
        # = pdfmetrics.stringWidth(text, MAIN, size): 0.001 * size * sum of char widths
        w: float = 0 + 0.001 * size * sum(map(_font_widths(MAIN).__getitem__, text))
        return w
    return sum(0.001 * size * u for u in _units(text))


def _wrap(text: str, width: float, size: float) -> list[str]:
    """Break ``text`` into lines of at most ``width``: after "、" or "；" where possible, else
    where Chinese line-breaking rules allow (:mod:`.line_breaks`: no line begins with "，" or
    "）", numbers and units stay whole)."""
    return line_breaks.wrap(text, width, lambda ch: _width(ch, size), _LIST_BREAKS)


_LIST_BREAKS = frozenset("、；;，, ")


def _fit_slow(
    text: str, width: float, size: float, min_size: float
) -> tuple[float, tuple[str, ...]]:
    shrunk = size * width / _width(text, size)
    if shrunk >= min_size:
        return shrunk, (text,)
    lines = _wrap(text, width, min_size)
    if len(lines) > 2:  # still too long for two lines: shrink further rather than clip
        s = min_size
        while len(lines) > 2 and s > 4:
            s -= 0.5
            lines = _wrap(text, width, s)
        return s, tuple(lines)
    return min_size, tuple(lines)


_fit_cached = lru_cache(maxsize=20_000)(_fit_slow)


def _fit(text: str, width: float, size: float, min_size: float) -> tuple[float, tuple[str, ...]]:
    """``fit_text`` with lines as a tuple; text that needs shrinking or wrapping is cached
    (it is the repeated kind: names, structures, labels)."""
    if _width(text, size) <= width:
        return size, (text,)
    if text.isascii() and len(text) < 24:  # an amount that needs shrinking: unique, no cache
        return _fit_slow(text, width, size, min_size)
    return _fit_cached(text, width, size, min_size)


def fit_text(text: str, width: float, size: float, min_size: float) -> tuple[float, list[str]]:
    """(font size, lines): ``text`` on one line, shrunk down to ``min_size`` if needed, else
    wrapped at ``min_size`` to two lines (more only if even two do not hold it)."""
    fs, lines = _fit(text, width, size, min_size)
    return fs, list(lines)


class _Encoder:
    """Text-showing operators for one document, identical to ``PDFTextObject.textOut``'s.

    reportlab encodes TrueType text per document into 256-glyph subsets, assigning codes in
    order of first use (``TTFont.splitString``). Each character is assigned through
    splitString itself, one character at a time in the same order, so codes and bytes are the
    same; after that a run is encoded with ``str.translate``. Numbers (fp_str) are cached.
    """

    def __init__(self, c: rl_canvas.Canvas) -> None:
        self.doc = c._doc
        self.escape = c._escape
        self.fonts: dict[str, Any] = {}
        self.tables: dict[str, dict[int, str]] = {}  # code point -> escaped byte
        self.subset_of: dict[str, dict[str, int]] = {}  # character -> subset
        self.members: dict[str, list[set[str]]] = {}  # subset -> its characters
        self.names: dict[tuple[str, int], str] = {}
        self.tf: dict[float, str] = {}
        self.num: dict[float, str] = {}
        self.known: dict[tuple[str, str], list[tuple[int, str]]] = {}  # non-ASCII runs
        self._add(MAIN)
        # The main font's first subset: where ASCII (amounts, numbers) always lands.
        self.main0: set[str] = self.members[MAIN][0]
        self.main_table = self.tables[MAIN]

    def _add(self, font: str) -> None:
        self.fonts[font] = pdfmetrics.getFont(font)
        self.subset_of[font] = {}
        self.tables[font] = {}
        self.members[font] = [set()]

    def fp(self, v: float) -> str:
        s = self.num.get(v)
        if s is None:
            s = self.num[v] = fp_str(v)
        return s

    def set_font(self, font: str, subset: int, size: float) -> str:
        name = self.names.get((font, subset))
        if name is None:
            name = self.names[font, subset] = self.fonts[font].getSubsetInternalName(
                subset, self.doc
            )
        tf = self.tf.get(size)
        if tf is None:
            tf = self.tf[size] = f"{fp_str(size)} Tf {fp_str(size * 1.2)} TL"
        return f"{name} {tf}"

    def chunks(self, font: str, run: str) -> list[tuple[int, str]]:
        """[(subset, "(bytes) Tj")] for ``run`` in ``font``; non-ASCII runs (names, groups,
        structures: few distinct ones, drawn again and again) are remembered."""
        if run.isascii():
            return self._chunks(font, run)
        out = self.known.get((font, run))
        if out is None:
            if len(self.known) > 20_000:
                self.known.clear()
            out = self.known[font, run] = self._chunks(font, run)
        return out

    def _chunks(self, font: str, run: str) -> list[tuple[int, str]]:
        subset_of = self.subset_of.get(font)
        if subset_of is None:
            self._add(font)
            subset_of = self.subset_of[font]
        chars = set(run)
        if not chars <= subset_of.keys():
            ttf = self.fonts[font]
            table, members = self.tables[font], self.members[font]
            for ch in run:
                if ch in subset_of:
                    continue
                ((subset, code),) = ttf.splitString(ch, self.doc)
                subset_of[ch] = subset
                table[ord(ch)] = self.escape(code)
                while len(members) <= subset:
                    members.append(set())
                members[subset].add(ch)
        subset = subset_of[run[0]]
        if chars <= self.members[font][subset]:
            return [(subset, f"({run.translate(self.tables[font])}) Tj")]
        return [
            (s, f"({self.escape(b)}) Tj") for s, b in self.fonts[font].splitString(run, self.doc)
        ]


class _Text:
    """One text object per page; fonts switched only when a run needs another font."""

    def __init__(self, c: rl_canvas.Canvas, enc: _Encoder) -> None:
        self.c = c
        self.enc = enc
        self.t = c.beginText()
        self.code: list[str] = self.t._code  # what textOut would append to
        self.font: str | None = None
        self.size = 0.0
        self.subset = -1
        self.colour: tuple[float, float, float] = (0, 0, 0)
        self.main_width = _font_widths(MAIN).__getitem__

    def draw(
        self,
        x: float,
        y: float,
        text: str,
        size: float,
        align: str = "left",
        colour: tuple[float, float, float] = (0, 0, 0),
    ) -> None:
        """= setTextOrigin(x, y), then per font run setFont(font, size) and textOut(run)."""
        if not text:
            return
        enc = self.enc
        code = self.code
        if text.isascii():  # the fast path: one run in the main font, usually subset 0
            if align != "left":
                w = 0 + 0.001 * size * sum(map(self.main_width, text))  # = _width(text, size)
                x = x - w if align == "right" else x - w / 2
            if colour != self.colour:
                self.t.setFillColorRGB(*colour)
                self.colour = colour
            code.append(f"1 0 0 1 {enc.fp(x)} {enc.fp(y)} Tm")
            if self.font != MAIN or self.size != size:
                self.font, self.size, self.subset = MAIN, size, -1
            if set(text) <= enc.main0:
                if self.subset != 0:
                    code.append(enc.set_font(MAIN, 0, size))
                    self.subset = 0
                code.append(f"({text.translate(enc.main_table)}) Tj")
                return
            self._runs(((MAIN, text),), size)
            return
        if align != "left":
            w = _width(text, size)
            x = x - w if align == "right" else x - w / 2
        if colour != self.colour:
            self.t.setFillColorRGB(*colour)
            self.colour = colour
        code.append(f"1 0 0 1 {enc.fp(x)} {enc.fp(y)} Tm")
        self._runs(_split(text), size)

    def _runs(self, runs: Sequence[tuple[str, str]], size: float) -> None:
        enc = self.enc
        code = self.code
        for font, run in runs:
            if self.font != font or self.size != size:
                self.font, self.size, self.subset = font, size, -1
            for subset, tj in enc.chunks(font, run):
                if subset != self.subset:
                    code.append(enc.set_font(font, subset, size))
                    self.subset = subset
                code.append(tj)

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


@dataclass(slots=True)
class Cell:
    text: str
    note: str = ""  # small grey second line (old value of a changed cell)
    mark: bool = False  # printed with ▲ (changed)


@dataclass(slots=True)
class Row:
    cells: list[Cell] | None  # None: built when needed by ``Sheet.make_cells(source)``
    dim: bool = False  # removed from the notice: grey
    height: float = 0.0
    # Per cell (font size, lines), or None where the cell's text fits as is at the body size;
    # None for the whole row if every cell does (most rows: no memory spent on them).
    fitted: list[tuple[float, tuple[str, ...]] | None] | None = None
    source: Any = None  # what the cells are made from (a notice's RoundRow)


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
    # Builds a row's cells from ``Row.source`` for rows without ``cells``: a notice's rows are
    # built once to lay them out and again to draw them, so 100,000 rows of cells never sit in
    # memory at once (~2 KB a row).
    make_cells: Callable[[Any], list[Cell]] | None = None

    def cells(self, row: Row) -> list[Cell]:
        if row.cells is not None:
            return row.cells
        assert self.make_cells is not None
        return self.make_cells(row.source)


def _layout(sheet: Sheet, size: float, min_size: float, usable: float) -> None:
    """Scale columns to the usable width and fit every cell (sets row heights)."""
    total = sum(c.width for c in sheet.columns)
    scale = usable / total
    for c in sheet.columns:
        c.width *= scale
    line = size * 1.25
    one_line = 5 + line
    small = min(min_size, size * 0.8)
    spec = [(c.width - 6, min_size if c.flexible else small) for c in sheet.columns]
    for row in sheet.rows:
        fitted: list[tuple[float, tuple[str, ...]] | None] | None = None
        lines = 1
        cells = sheet.cells(row)
        for i, ((avail, least), cell) in enumerate(zip(spec, cells, strict=True)):
            text = ("▲" + cell.text) if cell.mark else cell.text
            if not cell.mark and not cell.note and _width(text, size) <= avail:
                continue  # one line at the body size: nothing to remember
            fit = _fit(text, avail, size, least)
            if fitted is None:
                fitted = [None] * len(spec)
            fitted[i] = fit
            lines = max(lines, len(fit[1]) + (1 if cell.note else 0))
        row.fitted = fitted
        row.height = one_line if lines == 1 else 5 + line * lines


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


def _show_page(c: rl_canvas.Canvas) -> None:
    """``c.showPage()``, then compress the page's content stream at once with zlib alone.

    reportlab keeps every page's operators as text until ``save()`` and then encodes them
    Flate + ASCII85; its ASCII85 is pure Python here (no C accelerator) and was a fifth of the
    time of a 10,000-row notice, and 100,000 rows of text held to the end cost hundreds of MB.
    Binary Flate streams are what every PDF reader expects. If reportlab's page objects ever
    look different, its own encoding is left in place.
    """
    c.showPage()
    pages = getattr(getattr(c._doc, "Pages", None), "pages", None)
    page: Any = pages[-1] if pages else None
    stream = getattr(page, "stream", None)
    if not isinstance(stream, str) or page.Contents or not page.compression:
        return
    contents = pdfdoc.PDFStream(content=zlib.compress(stream.encode("utf8")))
    contents.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])
    contents.__Comment__ = "page stream"
    page.Contents = contents
    page.stream = None


@lru_cache(maxsize=8)
def _qr_drawing(text: str, size: float) -> Drawing:
    w = QrCodeWidget(text, barLevel="M")
    x0, y0, x1, y1 = w.getBounds()
    # The drawing's state would otherwise start with Helvetica (reportlab's STATE_DEFAULTS)
    # and list that unembedded font in the PDF, though the QR code draws no text.
    d = Drawing(
        size,
        size,
        transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0],
        initialFontName=MAIN,
    )
    d.add(w)
    return d


def _draw_sheet(
    sheet: Sheet,
    out: str | Path | BinaryIO,
    paper: str,
    *,
    demo: bool,
    progress: Progress | None = None,
) -> int:
    """Lay out, paginate and draw ``sheet``; ``progress`` hears of each page drawn and may
    stop the drawing between pages (``Cancelled``; the caller discards the unfinished file)."""
    from reportlab.graphics import renderPDF

    p = ensure(progress)
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

    c = pdf_canvas(demo)(
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
    anchors = _anchors(sheet.columns, xs)

    enc = _Encoder(c)
    drawing = _("正在生成 PDF：第 {x} 页，共 {y} 页")
    for index, page_rows in enumerate(pages, start=1):
        p.check()
        p(index - 1, n_pages, drawing.format(x=index, y=n_pages))
        t = _Text(c, enc)
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
            _draw_row(t, sheet.cells(row), sheet.columns, xs, anchors, row, y, size, line)
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
        # = c.line(MARGIN, yy, MARGIN + usable, yy), with the numbers' text cached
        left, right = enc.fp(MARGIN), enc.fp(MARGIN + usable)
        c._code.extend(f"n {left} {enc.fp(yy)} m {right} {enc.fp(yy)} l S" for yy in row_tops[1:])
        c.setLineWidth(0.9)
        c.rect(MARGIN, y, usable, top - y, stroke=1, fill=0)
        c.setLineWidth(0.4)
        table_end = row_tops[len(page_rows) + 1]
        fp = enc.fp
        for i, x in enumerate(xs[1:-1], start=1):
            # The totals rows span the first two columns (their label). = c.line(x, top, x, …)
            end = table_end if i == 1 else y
            c._code.append(f"n {fp(x)} {fp(top)} m {fp(x)} {fp(end)} l S")
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
        _show_page(c)
    p(n_pages, n_pages, _("正在保存 PDF…"))
    c.save()
    return n_pages


def _anchors(columns: list[Column], xs: list[float]) -> list[tuple[float, str]]:
    """Per column: where its text is anchored and how it is aligned there."""
    out = []
    for col, x in zip(columns, xs, strict=False):
        if col.align == "right":
            out.append((x + col.width - 3, "right"))
        elif col.align == "centre":
            out.append((x + col.width / 2, "centre"))
        else:
            out.append((x + 3, "left"))
    return out


def _draw_row(
    t: _Text,
    cells: list[Cell],
    columns: list[Column],
    xs: list[float],
    anchors: list[tuple[float, str]],
    row: Row,
    top: float,
    size: float,
    line: float,
) -> None:
    colour = GREY if row.dim else BLACK
    y0 = top - 3 - line * 0.8
    fitted = row.fitted
    draw = t.draw
    if fitted is None:  # every cell one line at the body size
        for (ax, align), cell in zip(anchors, cells, strict=False):
            draw(ax, y0, cell.text, size, align, colour)
        return
    for col, x, (ax, align), cell, fit in zip(columns, xs, anchors, cells, fitted, strict=False):
        if fit is None:
            draw(ax, y0, cell.text, size, align, colour)
            continue
        fs, lines = fit
        y = y0
        for ln in lines:
            draw(ax, y, ln, fs, align, colour)
            y -= line
        if cell.note:
            note = cell.note
            ns = min(size * 0.8, fs)
            ns, nl = _fit(note, col.width - 6, ns, ns * 0.7)
            xx = x + col.width - 3 if col.align == "right" else x + 3
            draw(xx, y + 1, nl[0], ns, "right" if col.align == "right" else "left", GREY)


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
    # 安置情况: the flats a household chose in a property swap, on every notice with money.
    placed = view.kind is NoticeKind.RESETTLEMENT or any(
        "resettlement" in r.data for r in view.rows
    )
    if placed:
        tail.append(Column("resettlement", _("安置情况"), 150, "left", True))
    tail.append(Column("remarks", _("备注"), 116, "left", True))
    columns = fixed + money + tail

    survey = view.kind is NoticeKind.SURVEY
    keys = [(k, f"amounts.{k}") for k in view.columns]
    mark_labels = {k: _(v) for k, v in _MARK_LABELS.items()}

    def cells(r: RoundRow) -> list[Cell]:
        d = r.data
        ch = d.get("changes")
        legal = format_area(d.get("legal_area_dm2", 0))
        unlicensed = format_area(d.get("unlicensed_area_dm2", 0))
        amounts = d.get("amounts") or {}
        remarks = [x for x in (mark_labels[r.change_mark] if r.change_mark else "",
                               d.get("mark", ""), d.get("status", "")) if x]  # fmt: skip
        if not ch:  # most rows: no changes, no notes
            out = [
                Cell(str(r.seq)),
                Cell(d.get("head_name", "")),
                Cell(d.get("group", "")),
                Cell(str(d.get("member_count", ""))),
                Cell(legal),
                Cell(unlicensed),
                Cell(d.get("structures", "")),
            ]
            for k, _key in keys:
                v = amounts.get(k, 0)
                out.append(Cell(format_fen(v) if v else "—"))
            if not survey:
                v = d.get("total_fen")
                out.append(Cell(format_fen(v) if v else "0.00"))
            if placed:
                out.append(Cell(d.get("resettlement", "")))
            out.append(Cell("；".join(remarks)))
            return out
        out = [
            Cell(str(r.seq)),
            _plain_cell(d.get("head_name", ""), ch.get("head_name")),
            _plain_cell(d.get("group", ""), ch.get("group")),
            _plain_cell(str(d.get("member_count", "")), ch.get("member_count")),
            _plain_cell(legal, ch.get("legal_area_dm2"), format_area),
            _plain_cell(unlicensed, ch.get("unlicensed_area_dm2"), format_area),
            _plain_cell(d.get("structures", ""), ch.get("structures")),
        ]
        out += [_money_cell(d, k, ch.get(key)) for k, key in keys]
        if not survey:
            out.append(_money_cell(d, "total", ch.get("total_fen")))
        if placed:
            out.append(_plain_cell(d.get("resettlement", ""), ch.get("resettlement")))
        out.append(Cell("；".join(remarks)))
        return out

    rows = [Row(None, dim=r.change_mark == "removed", source=r) for r in view.rows]

    def totals(some: Sequence[Row]) -> list[str]:
        live = [x.source.data for x in some if not x.dim]
        out = ["", _("{n} 户", n=len(live)), ""]
        out.append(str(sum(d.get("member_count", 0) for d in live)))
        out.append(format_area(sum(d.get("legal_area_dm2", 0) for d in live)))
        out.append(format_area(sum(d.get("unlicensed_area_dm2", 0) for d in live)))
        out.append("")
        for k in view.columns:
            out.append(format_fen(sum((d.get("amounts") or {}).get(k, 0) for d in live)))
        if view.kind is not NoticeKind.SURVEY:
            out.append(format_fen(sum(d.get("total_fen") or 0 for d in live)))
        if placed:
            out.append("")
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
        make_cells=cells,
    )


def render_round(
    view: RoundView,
    out: str | Path | BinaryIO,
    *,
    paper: str = "A3",
    progress: Progress | None = None,
) -> int:
    """Write the round's wall notice as PDF; returns the number of pages."""
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {sorted(PAPERS)}")
    return _draw_sheet(_notice_sheet(view), out, paper, demo=view.demo, progress=progress)


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
    "resettlement": "安置情况",
}


def field_label(key: str) -> str:
    """A changed field's name as the changes sheet (and the verify dialog) shows it."""
    if key.startswith("amounts."):
        return _(COLUMN_LABELS.get(key.split(".", 1)[1], key))
    return _(_FIELD_LABELS.get(key, key))


def field_value(key: str, v: Any) -> str:
    """A public figure as printed (areas in ㎡, money in yuan, — for nothing)."""
    if v is None or v == "":
        return "—"
    if key.endswith("area_dm2"):
        return format_area(int(v))
    if key.startswith("amounts.") or key == "total_fen":
        return format_fen(int(v))
    return str(v)


def render_changes(
    view: RoundView,
    out: str | Path | BinaryIO,
    *,
    paper: str = "A3",
    progress: Progress | None = None,
) -> int:
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
                        [*base, Cell(label), Cell(field_label(key)),
                         Cell(field_value(key, old)), Cell(field_value(key, new))]
                    )
                )  # fmt: skip
        else:
            total = field_value("total_fen", d.get("total_fen")) if "total_fen" in d else ""
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
    return _draw_sheet(sheet, out, paper, demo=view.demo, progress=progress)
