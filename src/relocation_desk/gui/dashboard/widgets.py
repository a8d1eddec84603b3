"""Building blocks of the progress dashboard: number tiles, titled panels, the case tables."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...domain.status import STATUS_LABELS
from ...i18n import _
from ...services.progress.service import CaseRow
from ..columns import fit_columns
from ..wrapped_label import unbroken
from . import charts

_DISPLAY = Qt.ItemDataRole.DisplayRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_USER = Qt.ItemDataRole.UserRole

STYLE = """
#dashboard { background: #f3f5f8; }
QFrame#panel, QFrame#tile { background: white; border: 1px solid #dde3ea; border-radius: 6px; }
QLabel#panelTitle { font-weight: bold; color: #1f2933; }
QLabel#tileTitle { color: #52606d; }
QLabel#tileDetail { color: #52606d; }
QLabel#dashTitle { font-weight: bold; color: #1f2933; }
QLabel#dashScope { color: #52606d; }
QTableView { border: none; gridline-color: #eef1f4; }
"""


def yuan_text(fen: int) -> str:
    """A large amount for a tile, with its unit, unbreakable: ``138.4 亿元``, ``4,616.4 万元``,
    ``950 元``."""
    yuan = fen / 100
    if abs(yuan) >= 100_000_000:
        return unbroken(_("{n} 亿元", n=f"{yuan / 100_000_000:,.1f}"))
    if abs(yuan) >= 10_000:
        return unbroken(_("{n} 万元", n=f"{yuan / 10_000:,.1f}"))
    return unbroken(_("{n} 元", n=f"{yuan:,.0f}"))


def days_left_text(days_left: int) -> str:
    if days_left < 0:
        return _("逾期 {n} 天", n=-days_left)
    if days_left == 0:
        return _("今天到期")
    return _("剩 {n} 天", n=days_left)


class ProgressStrip(QWidget):
    """A thin bar: the fraction done in the tile's colour over a light track."""

    def __init__(self, color: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.color = QColor(color)
        self.fraction = 0.0
        self.setFixedHeight(8)

    def set_fraction(self, fraction: float) -> None:
        self.fraction = min(max(fraction, 0.0), 1.0)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(charts.TRACK)
        r = QRectF(self.rect())
        painter.drawRoundedRect(r, 4, 4)
        if self.fraction > 0:
            painter.setBrush(self.color)
            painter.drawRoundedRect(
                QRectF(0, 0, max(r.width() * self.fraction, 8), r.height()), 4, 4
            )
        painter.end()


class Tile(QFrame):
    """A headline figure: title and today's change, a large number with its percentage, a
    progress strip, a detail line."""

    def __init__(self, title: str, color: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tile")
        self.color = color
        self.title = QLabel(title, self)
        self.title.setObjectName("tileTitle")
        self.today = QLabel(self)
        self.today.setObjectName("tileToday")
        self.value = QLabel("—", self)
        self.value.setObjectName("tileValue")
        self.unit = QLabel(self)
        self.unit.setObjectName("tileDetail")
        self.pct = QLabel(self)
        self.pct.setObjectName("tilePct")
        self.strip = ProgressStrip(color, self)
        self.detail = QLabel(self)
        self.detail.setObjectName("tileDetail")
        base = self.font().pointSizeF()
        big = QFont(self.font())
        big.setPointSizeF(base * 2.2)
        big.setBold(True)
        self.value.setFont(big)
        mid = QFont(self.font())
        mid.setPointSizeF(base * 1.35)
        mid.setBold(True)
        self.pct.setFont(mid)
        self.today.setFont(mid)
        ink = charts.text_color(color)
        self.value.setStyleSheet(f"color: {ink if color == charts.VERMILLION else '#1f2933'};")
        self.pct.setStyleSheet(f"color: {ink};")
        self.today.setStyleSheet(f"color: {ink};")
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.today)
        number = QHBoxLayout()
        number.setSpacing(4)
        number.addWidget(self.value, 0, Qt.AlignmentFlag.AlignBottom)
        number.addWidget(self.unit, 0, Qt.AlignmentFlag.AlignBottom)
        number.addStretch(1)
        number.addWidget(self.pct, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(3)
        layout.addLayout(top)
        layout.addLayout(number)
        layout.addWidget(self.strip)
        layout.addWidget(self.detail)
        # Long details (English, narrow screens) wrap and the row of tiles grows taller; they
        # never widen it.
        self.detail.setWordWrap(True)
        self.title.setWordWrap(True)
        for label in (self.detail, self.title):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        # The title may wrap between its words but is never narrower than its longest word:
        # today's change beside it ("Closed Today +10") takes room from the tile's neighbours.
        fm = self.title.fontMetrics()
        self.title.setMinimumWidth(
            max((fm.horizontalAdvance(w) for w in title.split()), default=0) + 2
        )
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

    def set(
        self,
        value: str,
        *,
        unit: str = "",
        today: str = "",
        pct: str = "",
        fraction: float | None = None,
        detail: str = "",
    ) -> None:
        self.value.setText(value)
        self.unit.setText(unit)
        self.today.setText(today)
        self.pct.setText(pct)
        self.strip.setVisible(fraction is not None)
        self.strip.set_fraction(fraction or 0.0)
        self.detail.setText(detail)
        self.detail.setToolTip(detail)


class Panel(QFrame):
    """A white card with a bold title line (and optional widgets at its right) over content."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.title = QLabel(title, self)
        self.title.setObjectName("panelTitle")
        f = QFont(self.title.font())
        f.setPointSizeF(f.pointSizeF() * 1.1)
        self.title.setFont(f)
        self.header = QHBoxLayout()
        self.header.addWidget(self.title)
        self.header.addStretch(1)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(10, 8, 10, 8)
        self.body.setSpacing(4)
        self.body.addLayout(self.header)


COLUMNS = ("户编号", "户主", "工作组", "责任人", "状态", "期限", "剩余")
STATUS_COLUMN = COLUMNS.index("状态")
TEAM_COLUMN = COLUMNS.index("工作组")


def two_lines(header: str) -> str:
    """A header of several words ("Head of household") on two lines at the space nearest its
    middle, so seven columns fit half the dashboard; a header without spaces stays whole."""
    spaces = [i for i, c in enumerate(header) if c == " "]
    if not spaces:
        return header
    at = min(spaces, key=lambda i: abs(2 * i - len(header)))
    return header[:at] + "\n" + header[at + 1 :]


class CaseTableModel(QAbstractTableModel):
    """Due or overdue cases; the household id is under UserRole. Tens of thousands of rows
    are fine: nothing is measured or formatted until a row is shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[CaseRow] = []
        self._headers = [two_lines(_(c)) for c in COLUMNS]

    def set_rows(self, rows: Sequence[CaseRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def case(self, row: int) -> CaseRow:
        return self._rows[row]

    def household_id(self, row: int) -> uuid.UUID:
        return self._rows[row].household_id

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if role == _DISPLAY and orientation == Qt.Orientation.Horizontal:
            return self._headers[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == _DISPLAY:
            if col == 0:
                return r.code
            if col == 1:
                return r.head_name
            if col == 2:
                return r.team
            if col == 3:
                return r.responsible
            if col == 4:
                return r.status_label
            if col == 5:
                return r.deadline.isoformat()
            return days_left_text(r.days_left)
        if role == _FOREGROUND and col == 6:
            if r.days_left < 0:
                return QColor(charts.VERMILLION)
            if r.days_left <= 2:
                return QColor("#b36b00")
            return None
        if role == _ALIGN and col == 6:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == _USER:
            return str(r.household_id)
        return None


class CaseTable(QTableView):
    """A read-only list of cases: Enter or a double-click opens the household; an empty list
    says so."""

    empty_text = ""

    WIDTHS = (78, 66, 72, 60, 56, 84)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cases = CaseTableModel(self)
        self.setModel(self.cases)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setShowGrid(False)
        vh = self.verticalHeader()
        vh.setVisible(False)
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(self.fontMetrics().height() + 6)
        hh = self.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setStretchLastSection(True)
        hh.setHighlightSections(False)
        self.fit_columns()

    def fit_columns(self, teams: Sequence[str] = ()) -> None:
        """Columns as wide as their headers and the widest values they can hold (every status,
        the ``teams`` named); a column is never narrowed below its width in ``WIDTHS``."""
        statuses = [_(label) for label in STATUS_LABELS.values()]
        fit_columns(self, self.WIDTHS, {STATUS_COLUMN: statuses, TEAM_COLUMN: teams})

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.cases.rowCount() == 0 and self.empty_text:
            painter = QPainter(self.viewport())
            painter.setPen(charts.MUTED)
            painter.drawText(
                QRectF(self.viewport().rect()), Qt.AlignmentFlag.AlignCenter, self.empty_text
            )
            painter.end()
