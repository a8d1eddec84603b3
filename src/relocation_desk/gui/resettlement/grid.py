"""The buildings as a grid of flats coloured by status, painted with QPainter.

One block per 小区/楼栋/单元: floors top to bottom, flats left to right; blocks flow left to
right and wrap at the widget's width. The layout is computed once per data or width change
into flat arrays of cell positions; painting draws only the blocks in the exposed rectangle,
so 5,000 flats show and repaint quickly. Clicking a flat emits ``flat_clicked(id)``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPen, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from ...services.resettlement.inventory import FlatGrid

STATUS_COLOURS = {
    "available": QColor("#dff3df"),
    "reserved": QColor("#e4e4e4"),
    "chosen": QColor("#f4b7b2"),
    "handed_over": QColor("#b9cdf0"),
}
SELECTED = QColor("#1f5fbf")
OFFERED = QColor("#f0a020")  # flats of a 户型 the household now choosing may take


@dataclass
class _Block:
    title: str
    rect: QRect
    indices: list[int] = field(default_factory=list)


class FlatGridView(QWidget):
    flat_clicked = Signal(object)  # uuid.UUID

    def __init__(self, parent: QWidget | None = None, *, cell: int = 34, font_px: int = 10) -> None:
        super().__init__(parent)
        self._grid = FlatGrid(*([()] * 10))
        self._cell_w, self._cell_h, self._font_px = cell + 8, cell // 2 + 8, font_px
        self._blocks: list[_Block] = []
        self._cells: list[QRect] = []
        self._selected: uuid.UUID | None = None
        self._offered: set[int] = set()
        self._index: dict[uuid.UUID, int] = {}
        self._laid_out_width = -1
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMouseTracking(False)

    # --- data --------------------------------------------------------------------------------

    def set_grid(self, grid: FlatGrid) -> None:
        self._grid = grid
        self._index = {fid: i for i, fid in enumerate(grid.ids)}
        self._laid_out_width = -1
        self._relayout()
        self.update()

    def grid(self) -> FlatGrid:
        return self._grid

    def set_selected(self, flat_id: uuid.UUID | None) -> None:
        self._selected = flat_id
        self.update()

    def selected(self) -> uuid.UUID | None:
        return self._selected

    def set_offered(self, keys: set[tuple[str, str, int]]) -> None:
        """Outline available flats whose (小区, 户型, area) the household may still take."""
        g = self._grid
        self._offered = {
            i
            for i in range(len(g))
            if g.statuses[i] == "available" and (g.estates[i], g.layouts[i], g.areas_dm2[i]) in keys
        }
        self.update()

    def cell_centre(self, flat_id: uuid.UUID) -> QPoint:
        """Where a flat is drawn (for clicks in tests and for scrolling to it)."""
        return self._cells[self._index[flat_id]].center()

    # --- layout ------------------------------------------------------------------------------

    def _relayout(self) -> None:
        width = max(self.width(), 400)
        if width == self._laid_out_width:
            return
        self._laid_out_width = width
        g = self._grid
        groups: dict[tuple[str, str, str], list[int]] = {}
        for i in range(len(g)):
            groups.setdefault((g.estates[i], g.buildings[i], g.units[i]), []).append(i)
        self._blocks, self._cells = [], [QRect()] * len(g)
        x = y = row_h = 8
        y = 8
        title_h = self._font_px * 2 + 6
        for (estate, building, unit), indices in groups.items():
            floors = sorted({g.floors[i] for i in indices}, reverse=True)
            row_of = {f: r for r, f in enumerate(floors)}
            per_floor: dict[int, list[int]] = {}
            for i in indices:
                per_floor.setdefault(g.floors[i], []).append(i)
            cols = max(len(v) for v in per_floor.values())
            w = cols * self._cell_w + 8
            h = title_h + len(floors) * self._cell_h + 8
            if x + w > width and x > 8:
                x, y, row_h = 8, y + row_h + 12, 0
            unit_text = f" {unit}单元" if unit else ""
            block = _Block(f"{estate} {building}栋{unit_text}", QRect(x, y, w, h), indices)
            for floor, items in per_floor.items():
                for col, i in enumerate(sorted(items, key=lambda k: g.numbers[k])):
                    self._cells[i] = QRect(
                        x + 4 + col * self._cell_w, y + title_h + row_of[floor] * self._cell_h,
                        self._cell_w - 3, self._cell_h - 3,
                    )  # fmt: skip
            self._blocks.append(block)
            x += w + 12
            row_h = max(row_h, h)
        self.setMinimumHeight(y + row_h + 8)
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        return QSize(800, self.minimumHeight())

    def resizeEvent(self, event: QResizeEvent) -> None:
        if event.size().width() != event.oldSize().width():
            self._relayout()
        super().resizeEvent(event)

    # --- painting ------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        exposed = event.rect()
        g = self._grid
        p = QPainter(self)
        font = QFont(self.font())
        font.setPixelSize(self._font_px)
        p.setFont(font)
        title_font = QFont(font)
        title_font.setBold(True)
        title_font.setPixelSize(self._font_px + 2)
        border = QPen(QColor("#888888"))
        selected_pen = QPen(SELECTED, 3)
        offered_pen = QPen(OFFERED, 2)
        centred = int(Qt.AlignmentFlag.AlignCenter)
        for block in self._blocks:
            if not block.rect.intersects(exposed):
                continue
            p.setFont(title_font)
            p.setPen(Qt.GlobalColor.black)
            p.drawText(block.rect.x() + 4, block.rect.y() + self._font_px + 6, block.title)
            p.setFont(font)
            for i in block.indices:
                rect = self._cells[i]
                p.fillRect(rect, STATUS_COLOURS.get(g.statuses[i], QColor("white")))
                if g.ids[i] == self._selected:
                    p.setPen(selected_pen)
                elif i in self._offered:
                    p.setPen(offered_pen)
                else:
                    p.setPen(border)
                p.drawRect(rect)
                p.setPen(Qt.GlobalColor.black)
                p.drawText(rect, centred, g.numbers[i])
        p.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        for block in self._blocks:
            if block.rect.contains(pos):
                for i in block.indices:
                    if self._cells[i].contains(pos):
                        self._selected = self._grid.ids[i]
                        self.update()
                        self.flat_clicked.emit(self._grid.ids[i])
                        return
        super().mousePressEvent(event)
