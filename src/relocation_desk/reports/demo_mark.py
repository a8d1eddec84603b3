"""The 演示数据 mark on every sheet printed or exported from the demo project.

The demo project looks like real work; its papers must never pass for real ones. PDFs get a
large, light diagonal 演示数据 behind each page's content and one line in the top margin;
xlsx sheets get the mark in their title line, or, where the table starts in row 1, in that
row after a blank column (the table's own columns stay as they are), and in the printed
page header of every sheet.

Writers take the ``demo`` flag of their read model (services.settings.is_demo).
"""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.pdfgen import canvas as rl_canvas

from ..i18n import _
from .pdf_fonts import draw_right_string, draw_string, register_fonts, string_width

__all__ = [
    "MarkedCanvas",
    "demo_text",
    "draw_demo_mark",
    "header_text",
    "mark_sheet",
    "mark_title",
    "pdf_canvas",
]

_WATERMARK = colors.Color(0.80, 0.15, 0.15, alpha=0.13)
_HEADER = colors.Color(0.75, 0.10, 0.10)


def demo_text() -> str:
    """The mark itself: 演示数据."""
    return _("演示数据")


def header_text() -> str:
    return _("【演示数据】虚构的演示项目，不是正式文件")


def draw_demo_mark(c: Any, page_w: float, page_h: float) -> None:
    """The diagonal mark across the page and the line in the top margin, drawn where the
    canvas is now (call it before the page's content so the content stays on top)."""
    register_fonts()
    text = demo_text()
    c.saveState()
    try:
        c.setFillColor(_HEADER)
        draw_right_string(c, page_w - 16, page_h - 13, header_text(), 8)
        c.setFillColor(_WATERMARK)
        c.translate(page_w / 2, page_h / 2)
        c.rotate(35 if page_h >= page_w else 25)
        size = min(page_w, page_h) / 5.5
        draw_string(c, -string_width(text, size) / 2, -size / 3, text, size)
    finally:
        c.restoreState()


class MarkedCanvas(rl_canvas.Canvas):
    """A canvas whose every page starts with the 演示数据 mark (behind what is drawn)."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._mark_page()

    def _mark_page(self) -> None:
        w, h = self._pagesize
        draw_demo_mark(self, w, h)
        self._marked_length = len(self._code)

    def setPageSize(self, size: tuple[float, float]) -> None:
        super().setPageSize(size)
        if len(self._code) == getattr(self, "_marked_length", -1):  # nothing drawn yet
            self._code.clear()
            self._mark_page()

    def showPage(self) -> None:
        super().showPage()
        self._mark_page()

    def save(self) -> None:
        if len(self._code) == self._marked_length:  # a page with nothing but the mark
            self._code.clear()
        super().save()


def pdf_canvas(demo: bool) -> type[rl_canvas.Canvas]:
    """The canvas class for a sheet: marked for the demo project, plain otherwise."""
    return MarkedCanvas if demo else rl_canvas.Canvas


def mark_sheet(ws: Any, columns: int) -> None:
    """Mark an openpyxl worksheet (not a write-only one) whose table starts in row 1: the mark
    in row 1 after the table's ``columns`` and one blank column, and in the page header."""
    from openpyxl.styles import Font

    cell = ws.cell(row=1, column=columns + 2, value=header_text())
    cell.font = Font(bold=True, color="FFC00000")
    ws.column_dimensions[cell.column_letter].width = 40
    _page_header(ws)


def mark_title(ws: Any, coordinate: str) -> None:
    """Mark an openpyxl worksheet that has a title line (``coordinate``, e.g. "A1"): the mark
    appended to that line, and in the page header; the table itself is left as it is."""
    cell = ws[coordinate]
    cell.value = f"{cell.value or ''}　{header_text()}".lstrip("　")
    _page_header(ws)


def _page_header(ws: Any) -> None:
    ws.oddHeader.center.text = demo_text()
    ws.oddHeader.center.color = "C00000"
