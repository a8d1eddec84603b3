"""Column widths measured from text, so no header or value is cut in either language.

Big tables must never measure their rows (``resizeColumnsToContents`` on 100,000 rows takes
seconds, STYLE.md), so :func:`fit_columns` measures what is known without the data: each
header's text (with the header's margins and sort arrow) and, per column, sample values that
are as wide as the real ones can be (every status label, a full ID number, a large amount).
Small tables (a calculation's lines, a day's report) can measure their rows: they call
:func:`fit_small_table`, which does that and still keeps the header text whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyle, QTableView, QTreeView


def header_of(view: QTableView | QTreeView) -> QHeaderView:
    return view.horizontalHeader() if isinstance(view, QTableView) else view.header()


def header_text_width(view: QTableView | QTreeView, column: int) -> int:
    """The width a column needs to show its header text whole, sort arrow included."""
    header = header_of(view)
    model = view.model()
    text = model.headerData(column, Qt.Orientation.Horizontal) if model is not None else None
    if not text:
        return 0
    style = header.style()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    width = max(header.fontMetrics().horizontalAdvance(line) for line in str(text).split("\n"))
    width += 2 * margin
    if header.isSortIndicatorShown() or (isinstance(view, QTableView) and view.isSortingEnabled()):
        width += style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header) + margin
    return width + 2


def cell_text_width(view: QAbstractItemView, texts: Iterable[str]) -> int:
    """The width a column needs to show each of ``texts`` in a cell, uncut."""
    fm = view.fontMetrics()
    margin = 2 * (view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1)
    return max((fm.horizontalAdvance(t) + margin + 2 for t in texts), default=0)


def fit_columns(
    view: QTableView | QTreeView,
    minimums: Iterable[int] = (),
    samples: Mapping[int, Iterable[str]] | None = None,
) -> None:
    """Set each column to the widest of its minimum (its present width where ``minimums`` has
    none), its header text and its sample values."""
    model = view.model()
    if model is None:
        return
    mins = list(minimums)
    samples = samples or {}
    header = header_of(view)
    for column in range(model.columnCount()):
        width = max(
            mins[column] if column < len(mins) else header.sectionSize(column),
            header_text_width(view, column),
            cell_text_width(view, samples.get(column, ())),
        )
        header.resizeSection(column, width)


def fit_small_table(view: QTableView | QTreeView, *, stretch_last: bool = False) -> None:
    """A table of a few hundred rows at most: every column as wide as its widest cell or its
    header, whichever is wider."""
    model = view.model()
    if model is None:
        return
    header = header_of(view)
    view.resizeColumnsToContents()
    for column in range(model.columnCount()):
        if header.isSectionHidden(column):
            continue
        need = header_text_width(view, column)
        if header.sectionSize(column) < need:
            header.resizeSection(column, need)
    header.setStretchLastSection(stretch_last)


def table_width(view: QTableView | QTreeView) -> int:
    """The width a view needs to show every column without a horizontal scroll bar."""
    header = header_of(view)
    width = header.length() + 2 * view.frameWidth()
    if isinstance(view, QTableView) and view.verticalHeader().isVisible():
        width += view.verticalHeader().width()
    scroll = view.verticalScrollBar()
    width += scroll.sizeHint().width()
    return width


def grow_to_contents(view: QTableView | QTreeView) -> None:
    """A short list (tens of rows) just filled: widen each column its values do not fit, never
    narrow one (a person may have widened it); the stretching last column is left alone."""
    model = view.model()
    if model is None:
        return
    header = header_of(view)
    last = model.columnCount() - 1
    for column in range(model.columnCount()):
        if header.isSectionHidden(column) or (column == last and header.stretchLastSection()):
            continue
        need = view.sizeHintForColumn(column)
        if need > header.sectionSize(column):
            header.resizeSection(column, need)
