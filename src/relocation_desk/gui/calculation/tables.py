"""A read-only table of pre-formatted rows, for the calculation, approval and fairness screens.

Rows are tuples of display text computed once; ``data()`` only indexes into them, so a list of
tens of thousands of rows (the fairness report's signing-bonus tab at 100,000 households) opens
at once, with no per-cell widget items. Fixed row heights and set column widths: nothing is
measured over all rows (STYLE.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from ..columns import fit_columns

__all__ = ["RowsModel", "rows_view"]

_DISPLAY = Qt.ItemDataRole.DisplayRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_BACK = Qt.ItemDataRole.BackgroundRole
_TIP = Qt.ItemDataRole.ToolTipRole
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
MARK = QColor("#fff2cc")  # rows that need attention: an approved exception, an outlier


class RowsModel(QAbstractTableModel):
    """``rows`` of text; columns in ``right`` are right-aligned (amounts); rows whose index is
    in ``marked`` get a pale background and their ``tips`` as tooltip."""

    def __init__(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]] = (),
        *,
        right: Sequence[int] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._headers = list(headers)
        self._rows: list[Sequence[str]] = list(rows)
        self._right = set(right)
        self._marked: set[int] = set()
        self._tips: dict[int, str] = {}
        self._brush = QBrush(MARK)

    def set_rows(
        self, rows: Sequence[Sequence[str]], *, marked: dict[int, str] | None = None
    ) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._tips = dict(marked or {})
        self._marked = set(self._tips)
        self.endResetModel()

    def row(self, index: int) -> Sequence[str]:
        return self._rows[index]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        r = index.row()
        if role == _DISPLAY:
            return self._rows[r][index.column()]
        if role == _ALIGN:
            return _RIGHT if index.column() in self._right else _LEFT
        if role == _BACK and r in self._marked:
            return self._brush
        if role == _TIP:
            tip = self._tips.get(r)
            if tip:
                return tip
            text = self._rows[r][index.column()]
            return text if len(text) > 12 else None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if role == _DISPLAY and orientation == Qt.Orientation.Horizontal:
            return self._headers[section]
        if role == _DISPLAY:
            return str(section + 1)
        return None


def rows_view(
    model: RowsModel,
    widths: Sequence[int],
    parent: QWidget | None = None,
    *,
    numbered: bool = True,
) -> QTableView:
    """A read-only, row-selecting view with fixed row heights and the given column widths;
    the last column stretches. ``numbered``: row numbers in the vertical header."""
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    vh = view.verticalHeader()
    vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vh.setDefaultSectionSize(view.fontMetrics().height() + 6)
    vh.setVisible(numbered)
    hh = view.horizontalHeader()
    hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    hh.setStretchLastSection(True)
    fit_columns(view, widths)  # the widths, or more where a header needs it
    return view
