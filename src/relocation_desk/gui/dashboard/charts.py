"""Charts drawn with QPainter (PySide6-Essentials has no QtCharts).

``LineChart``: several integer series over dates, with nice axes, a legend carrying each
series' latest value, and a hover box with the day's values. ``BarChart``: horizontal
progress bars, one row per item (a team), each holding nested amounts drawn from zero
(signed ⊇ paid ⊇ vacated), its percentage and counts, one row highlighted. ``Legend``: the
colour key on its own (above a scrolling bar chart). All text uses the widget's font, which is
the application font with the shipped CJK faces. The palette is Okabe–Ito, readable with the
common colour-vision deficiencies.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from ...i18n import _
from . import chart_scale as cs

# Okabe–Ito: distinguishable with protanopia, deuteranopia and tritanopia.
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
VERMILLION = "#D55E00"
SKY = "#56B4E9"
PURPLE = "#CC79A7"

# Darker shades of the same hues for text on white (the light ones fail contrast as text).
_INK = {
    SKY: "#1d6fa5",
    ORANGE: "#a35f00",
    GREEN: "#00785a",
    PURPLE: "#a4477f",
    VERMILLION: "#c05000",
}


def text_color(color: str) -> str:
    """A colour of the palette dark enough for text on white."""
    return _INK.get(color, color)


TEXT = QColor("#1f2933")
MUTED = QColor("#616e7c")
GRID = QColor("#e4e7eb")
AXIS = QColor("#9aa5b1")
TRACK = QColor("#e4e9ef")
HIGHLIGHT = QColor("#fff1c2")  # pale yellow band: visible to everyone, not a series colour
HOVER = QColor("#f0f4f8")
BOX = QColor(255, 255, 255, 240)


def no_data_text() -> str:
    return _("暂无数据")


def _paint_no_data(painter: QPainter, rect: QRectF, font: QFont) -> None:
    f = QFont(font)
    f.setPointSizeF(f.pointSizeF() * 1.3)
    painter.setFont(f)
    painter.setPen(MUTED)
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, no_data_text())


def _paint_box(painter: QPainter, anchor: QPointF, bounds: QRectF, lines: Sequence[str]) -> QRectF:
    """A hover box beside ``anchor``, kept inside ``bounds``; the first line bold."""
    fm = QFontMetricsF(painter.font())
    bold = QFont(painter.font())
    bold.setBold(True)
    fmb = QFontMetricsF(bold)
    pad = 8.0
    width = max([fmb.horizontalAdvance(lines[0])] + [fm.horizontalAdvance(s) for s in lines[1:]])
    height = fm.height() * len(lines) + 2 * pad
    box = QRectF(0, 0, width + 2 * pad, height)
    x = anchor.x() + 14
    if x + box.width() > bounds.right():
        x = anchor.x() - 14 - box.width()
    y = min(max(anchor.y() - box.height() / 2, bounds.top()), bounds.bottom() - box.height())
    box.moveTo(max(x, bounds.left()), y)
    painter.setPen(QPen(AXIS, 1))
    painter.setBrush(BOX)
    painter.drawRoundedRect(box, 4, 4)
    y = box.top() + pad
    font = QFont(painter.font())
    for i, line in enumerate(lines):
        painter.setFont(bold if i == 0 else font)
        painter.setPen(TEXT)
        painter.drawText(
            QRectF(box.left() + pad, y, width + 1, fm.height()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            line,
        )
        y += fm.height()
    painter.setFont(font)
    return box


@dataclass(frozen=True)
class Series:
    """One line: a name for the legend, a value per day, a colour."""

    name: str
    values: tuple[int, ...]
    color: str


class Legend(QWidget):
    """A row of colour swatches with names."""

    def __init__(self, items: Sequence[tuple[str, str]] = (), parent: QWidget | None = None):
        super().__init__(parent)
        self._items = list(items)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def set_items(self, items: Sequence[tuple[str, str]]) -> None:
        self._items = list(items)
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        fm = QFontMetricsF(self.font())
        width = sum(fm.horizontalAdvance(n) + 34 for n, _c in self._items)
        return QSize(int(width) + 4, int(fm.height()) + 6)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = QFontMetricsF(self.font())
        x = 2.0
        cy = self.height() / 2
        for name, color in self._items:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(color))
            painter.drawRoundedRect(QRectF(x, cy - 6, 12, 12), 2, 2)
            painter.setPen(TEXT)
            painter.drawText(QPointF(x + 17, cy + fm.ascent() / 2 - 1), name)
            x += fm.horizontalAdvance(name) + 34
        painter.end()


class LineChart(QWidget):
    """Integer series over consecutive dates (e.g. cumulative signed / paid / vacated)."""

    def __init__(self, parent: QWidget | None = None, *, unit: str = "") -> None:
        super().__init__(parent)
        self.unit = unit
        self.title = ""
        self._days: list[date] = []
        self._series: list[Series] = []
        self._hover = -1
        self._xs: list[float] = []
        self.setMouseTracking(True)
        self.setMinimumSize(320, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    # --- data ---------------------------------------------------------------------------------
    def set_data(self, days: Sequence[date], series: Sequence[Series]) -> None:
        for s in series:
            if len(s.values) != len(days):
                raise ValueError(
                    f"series {s.name!r} has {len(s.values)} values for {len(days)} days"
                )
        self._days = list(days)
        self._series = list(series)
        self._hover = -1
        self.update()

    def set_title(self, title: str) -> None:
        self.title = title
        self.update()

    @property
    def days(self) -> list[date]:
        return list(self._days)

    @property
    def series(self) -> list[Series]:
        return list(self._series)

    def has_data(self) -> bool:
        return bool(self._days) and bool(self._series)

    # --- hover --------------------------------------------------------------------------------
    @property
    def hover_index(self) -> int:
        return self._hover

    def set_hover(self, index: int) -> None:
        index = index if 0 <= index < len(self._days) else -1
        if index != self._hover:
            self._hover = index
            self.update()

    def hover_text(self, index: int | None = None) -> str:
        """The lines of the hover box for day ``index`` (default: the hovered day)."""
        i = self._hover if index is None else index
        if not (0 <= i < len(self._days)) or not self._series:
            return ""
        previous = [s.values[i - 1] for s in self._series] if i > 0 else None
        return "\n".join(
            cs.hover_lines(
                self._days[i],
                [s.name for s in self._series],
                [s.values[i] for s in self._series],
                previous,
                self.unit,
            )
        )

    def index_at(self, x: float) -> int:
        plot = self._plot_rect()
        if not self.has_data() or x < plot.left() - 20 or x > plot.right() + 20:
            return -1
        return cs.nearest_index(x, self._positions(plot))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self.set_hover(self.index_at(event.position().x()))
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: object) -> None:
        self.set_hover(-1)

    # --- geometry -----------------------------------------------------------------------------
    def _y_ticks(self, plot_height: float) -> list[int]:
        top = max((max(s.values, default=0) for s in self._series), default=0)
        return cs.int_ticks(top, max(2, int(plot_height // 42)))

    def _header_height(self) -> float:
        fm = QFontMetricsF(self.font())
        lines = 1 + (1 if self.title else 0)
        return lines * (fm.height() + 6) + 4

    def _plot_rect(self) -> QRectF:
        fm = QFontMetricsF(self.font())
        top = self._header_height() + fm.height() / 2
        bottom = self.height() - fm.height() - 12
        ticks = self._y_ticks(max(bottom - top, 1))
        label_w = max(fm.horizontalAdvance(cs.compact_count(t)) for t in ticks)
        left = 10 + label_w + 8
        right = self.width() - 16
        return QRectF(left, top, max(right - left, 1), max(bottom - top, 1))

    def _positions(self, plot: QRectF) -> list[float]:
        if not self._days:
            return []
        start, end = self._days[0], self._days[-1]
        return [cs.date_position(d, start, end, plot.left(), plot.right()) for d in self._days]

    # --- painting -----------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.setFont(self.font())
        fm = QFontMetricsF(self.font())
        y = 4.0
        if self.title:
            bold = QFont(self.font())
            bold.setBold(True)
            painter.setFont(bold)
            painter.setPen(TEXT)
            painter.drawText(QPointF(10, y + fm.ascent()), self.title)
            painter.setFont(self.font())
            y += fm.height() + 6
        if not self.has_data():
            _paint_no_data(painter, QRectF(self.rect()), self.font())
            painter.end()
            return
        self._paint_legend(painter, y)
        plot = self._plot_rect()
        ticks = self._y_ticks(plot.height())
        top_value = ticks[-1]

        def y_of(v: int) -> float:
            return plot.bottom() - plot.height() * v / top_value

        # Horizontal grid and y labels.
        for t in ticks:
            ty = y_of(t)
            painter.setPen(QPen(AXIS if t == 0 else GRID, 1))
            painter.drawLine(QPointF(plot.left(), ty), QPointF(plot.right(), ty))
            painter.setPen(MUTED)
            painter.drawText(
                QRectF(0, ty - fm.height() / 2, plot.left() - 8, fm.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                cs.compact_count(t),
            )
        # Date ticks.
        start, end = self._days[0], self._days[-1]
        sample = fm.horizontalAdvance("00-00-00") + 18
        dticks = cs.date_ticks(start, end, max(2, int(plot.width() // sample)))
        for d in dticks:
            tx = cs.date_position(d, start, end, plot.left(), plot.right())
            painter.setPen(QPen(AXIS, 1))
            painter.drawLine(QPointF(tx, plot.bottom()), QPointF(tx, plot.bottom() + 4))
            painter.setPen(MUTED)
            label = cs.date_tick_label(d, dticks)
            w = fm.horizontalAdvance(label)
            lx = min(max(tx - w / 2, plot.left() - 8), self.width() - w - 2)
            painter.drawText(QPointF(lx, plot.bottom() + 6 + fm.ascent()), label)
        xs = self._positions(plot)
        # Lines: the first series also gets a faint area, the eye's anchor.
        for n, s in enumerate(self._series):
            path = QPainterPath()
            path.moveTo(xs[0], y_of(s.values[0]))
            for x, v in zip(xs[1:], s.values[1:], strict=True):
                path.lineTo(x, y_of(v))
            if n == 0:
                area = QPainterPath(path)
                area.lineTo(xs[-1], plot.bottom())
                area.lineTo(xs[0], plot.bottom())
                area.closeSubpath()
                fill = QColor(s.color)
                fill.setAlpha(28)
                painter.fillPath(area, fill)
            pen = QPen(QColor(s.color), 2.6)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            if len(xs) == 1:
                painter.setBrush(QColor(s.color))
                painter.drawEllipse(QPointF(xs[0], y_of(s.values[0])), 3.5, 3.5)
            else:
                painter.drawPath(path)
        if self._hover >= 0:
            hx = xs[self._hover]
            painter.setPen(QPen(AXIS, 1, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(hx, plot.top()), QPointF(hx, plot.bottom()))
            for s in self._series:
                painter.setPen(QPen(Qt.GlobalColor.white, 2))
                painter.setBrush(QColor(s.color))
                painter.drawEllipse(QPointF(hx, y_of(s.values[self._hover])), 5, 5)
            mid = QPointF(hx, plot.top() + plot.height() / 3)
            _paint_box(
                painter,
                mid,
                QRectF(self.rect()).adjusted(4, 4, -4, -4),
                self.hover_text().split("\n"),
            )
        painter.end()

    def _paint_legend(self, painter: QPainter, y: float) -> None:
        """Swatch, name and the latest value of each series, on one line."""
        fm = QFontMetricsF(self.font())
        bold = QFont(self.font())
        bold.setBold(True)
        fmb = QFontMetricsF(bold)
        x = 10.0
        baseline = y + fm.ascent()
        for s in self._series:
            painter.setPen(QPen(QColor(s.color), 3))
            painter.drawLine(QPointF(x, y + fm.height() / 2), QPointF(x + 16, y + fm.height() / 2))
            x += 21
            painter.setPen(TEXT)
            painter.setFont(self.font())
            painter.drawText(QPointF(x, baseline), s.name)
            x += fm.horizontalAdvance(s.name) + 5
            latest = cs.group_digits(s.values[-1])
            painter.setFont(bold)
            painter.drawText(QPointF(x, baseline), latest)
            x += fmb.horizontalAdvance(latest) + 20
        painter.setFont(self.font())


@dataclass(frozen=True)
class BarRow:
    """One bar: nested amounts of ``total`` (largest first), a note after the percentage."""

    key: Hashable
    label: str
    values: tuple[int, ...]
    total: int
    note: str = ""
    percent: float | None = None  # printed after the bar; default: first value / total

    def shown_percent(self) -> float:
        if self.percent is not None:
            return self.percent
        return cs.percent(self.values[0] if self.values else 0, self.total)


class BarChart(QWidget):
    """Horizontal progress bars, one per row, ranked top to bottom; one row highlighted.

    The first value decides the percentage printed after the bar. Rows keep their height
    (readable at any size); put the chart in a scroll area when there are many.
    """

    def __init__(self, parent: QWidget | None = None, *, unit: str = "") -> None:
        super().__init__(parent)
        self.unit = unit
        self._rows: list[BarRow] = []
        self._names: list[str] = []
        self._colors: list[str] = []
        self._highlight: Hashable | None = None
        self._hover = -1
        self.setMouseTracking(True)
        # No setMinimumSize: a scroll area must see minimumSizeHint (all rows) to scroll.
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

    def set_data(
        self,
        rows: Sequence[BarRow],
        names: Sequence[str],
        colors: Sequence[str],
        highlight: Hashable | None = None,
    ) -> None:
        self._rows = list(rows)
        self._names = list(names)
        self._colors = list(colors)
        self._highlight = highlight
        self._hover = -1
        self.updateGeometry()
        self.update()

    def set_highlight(self, key: Hashable | None) -> None:
        self._highlight = key
        self.update()

    @property
    def rows(self) -> list[BarRow]:
        return list(self._rows)

    @property
    def highlight(self) -> Hashable | None:
        return self._highlight

    def highlighted_row(self) -> int:
        for i, r in enumerate(self._rows):
            if r.key == self._highlight and self._highlight is not None:
                return i
        return -1

    def row_height(self) -> int:
        return int(QFontMetricsF(self.font()).height()) + 12

    def row_rect(self, index: int) -> QRectF:
        h = self.row_height()
        return QRectF(0, 4 + index * h, self.width(), h)

    def sizeHint(self) -> QSize:
        return QSize(420, max(120, 8 + len(self._rows) * self.row_height()))

    def minimumSizeHint(self) -> QSize:
        return QSize(300, 8 + max(1, len(self._rows)) * self.row_height())

    # --- hover --------------------------------------------------------------------------------
    def index_at(self, y: float) -> int:
        i = int((y - 4) // self.row_height())
        return i if 0 <= i < len(self._rows) and y >= 4 else -1

    def set_hover(self, index: int) -> None:
        index = index if 0 <= index < len(self._rows) else -1
        if index != self._hover:
            self._hover = index
            self.update()

    @property
    def hover_index(self) -> int:
        return self._hover

    def hover_text(self, index: int | None = None) -> str:
        i = self._hover if index is None else index
        if not 0 <= i < len(self._rows):
            return ""
        r = self._rows[i]
        lines = [
            _("{label}：共 {n} {unit}", label=r.label, n=cs.group_digits(r.total), unit=self.unit)
        ]
        for name, v in zip(self._names, r.values, strict=False):
            lines.append(
                f"{name}  {cs.group_digits(v)}（{cs.format_percent(cs.percent(v, r.total))}）"
            )
        if r.note:
            lines.append(r.note)
        return "\n".join(lines)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self.set_hover(self.index_at(event.position().y()))
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: object) -> None:
        self.set_hover(-1)

    def shown_note(self, index: int) -> str:
        """Row ``index``'s note as painted: whole, or cut with "…" when there is no room."""
        bold = QFont(self.font())
        bold.setBold(True)
        x = self._columns()[3] + 8 + QFontMetricsF(bold).horizontalAdvance("100.0%") + 10
        return QFontMetricsF(self.font()).elidedText(
            self._rows[index].note, Qt.TextElideMode.ElideRight, self.width() - x - 4
        )

    # --- painting -----------------------------------------------------------------------------
    def _columns(self) -> tuple[float, float, float, float]:
        """x of rank, label, bar start, bar end."""
        fm = QFontMetricsF(self.font())
        rank_w = fm.horizontalAdvance(str(max(len(self._rows), 9))) + 10
        label_w = min(
            max((fm.horizontalAdvance(r.label) for r in self._rows), default=40),
            self.width() * 0.3,
        )
        bold = QFont(self.font())
        bold.setBold(True)
        pct_w = QFontMetricsF(bold).horizontalAdvance("100.0%") + 10
        bar_left = 6 + rank_w + label_w + 10
        # The note after the percentage ("62/143 户 · 今日 +4 · 2 天未报送") is shown whole
        # while the bar keeps a fifth of the width; only narrower than that is it cut.
        note_w = max((fm.horizontalAdvance(r.note) for r in self._rows), default=0)
        room = self.width() - bar_left - max(self.width() * 0.2, 40) - pct_w - 6
        note_w = min(note_w + 12, max(room, self.width() * 0.32))
        bar_right = self.width() - pct_w - note_w - 6
        return 6, 6 + rank_w, bar_left, max(bar_right, bar_left + 40)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.setFont(self.font())
        if not self._rows:
            _paint_no_data(painter, QRectF(self.rect()), self.font())
            painter.end()
            return
        fm = QFontMetricsF(self.font())
        bold = QFont(self.font())
        bold.setBold(True)
        rank_x, label_x, bar_l, bar_r = self._columns()
        bar_w = bar_r - bar_l
        visible = QRectF(event.rect())
        for i, r in enumerate(self._rows):
            row = self.row_rect(i)
            if not row.intersects(visible):
                continue
            is_own = self._highlight is not None and r.key == self._highlight
            if is_own:
                painter.fillRect(row, HIGHLIGHT)
                painter.fillRect(QRectF(row.left(), row.top(), 4, row.height()), QColor(VERMILLION))
            elif i == self._hover:
                painter.fillRect(row, HOVER)
            mid = row.center().y()
            base = mid + fm.ascent() / 2 - 1.5
            painter.setFont(bold if is_own else self.font())
            painter.setPen(MUTED if not is_own else TEXT)
            painter.drawText(
                QRectF(rank_x, row.top(), label_x - rank_x - 6, row.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                str(i + 1),
            )
            painter.setPen(TEXT)
            label = QFontMetricsF(painter.font()).elidedText(
                r.label, Qt.TextElideMode.ElideRight, bar_l - label_x - 8
            )
            painter.drawText(QPointF(label_x, base), label)
            track = QRectF(bar_l, mid - row.height() * 0.28, bar_w, row.height() * 0.56)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(TRACK)
            painter.drawRoundedRect(track, 3, 3)
            for v, color in zip(r.values, self._colors, strict=False):
                frac = min(max(v / r.total, 0.0), 1.0) if r.total > 0 else 0.0
                if frac <= 0:
                    continue
                painter.setBrush(QColor(color))
                painter.drawRoundedRect(
                    QRectF(track.left(), track.top(), max(track.width() * frac, 3), track.height()),
                    3,
                    3,
                )
            pct = cs.format_percent(r.shown_percent())
            painter.setFont(bold)
            painter.setPen(TEXT)
            painter.drawText(QPointF(bar_r + 8, base), pct)
            if r.note:
                painter.setFont(self.font())
                painter.setPen(MUTED)
                x = bar_r + 8 + QFontMetricsF(bold).horizontalAdvance("100.0%") + 10
                painter.drawText(QPointF(x, base), self.shown_note(i))
        if self._hover >= 0:
            painter.setFont(self.font())
            row = self.row_rect(self._hover)
            anchor = QPointF(bar_l + bar_w * 0.5, row.center().y())
            shown = QRectF(self.visibleRegion().boundingRect())
            if shown.isEmpty():  # not on screen (grabbed offscreen)
                shown = QRectF(self.rect())
            _paint_box(painter, anchor, shown.adjusted(2, 2, -2, -2), self.hover_text().split("\n"))
        painter.end()
