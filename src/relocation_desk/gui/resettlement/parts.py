"""Pieces of the resettlement window: the choosing-order table model and small helpers."""

from __future__ import annotations

import tempfile
import uuid
from datetime import tzinfo
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QScrollArea, QWidget

from ...i18n import _
from ...services.clock import project_zone, shown
from ...services.resettlement import ordering

DISPLAY = Qt.ItemDataRole.DisplayRole
ORDER_STATUS = {"waiting": "待选", "absent": "未到场", "done": "已选完"}


class OrderModel(QAbstractTableModel):
    HEADERS = ("顺序号", "户编号", "户主", "依据", "依据时间", "状态")

    def __init__(self, zone: tzinfo | None = None) -> None:
        super().__init__()
        self.rows: list[ordering.OrderEntry] = []
        self.zone = project_zone(zone)  # the project's, for the times shown

    def set_rows(self, rows: list[ordering.OrderEntry]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if role == DISPLAY and orientation == Qt.Orientation.Horizontal:
            return _(self.HEADERS[section])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        if role != DISPLAY or not index.isValid():
            return None
        e = self.rows[index.row()]
        col = index.column()
        if col == 0:
            return e.order_no
        if col == 1:
            return e.code
        if col == 2:
            return e.head_name
        if col == 3:
            return _(ordering.BASIS_LABELS.get(e.basis, e.basis))
        if col == 4:
            return shown(e.basis_at, self.zone, "%Y-%m-%d %H:%M:%S") if e.basis_at else ""
        return _(ORDER_STATUS.get(e.status, e.status))


def scrolled(widget: QWidget) -> QScrollArea:
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(widget)
    return scroll


def temp_pdf(stem: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="rd-resettlement-"))
    return folder / f"{stem}.pdf"


def draw_text(d: ordering.DrawView) -> str:
    text = _("摇号名单 {n} 户，名单哈希 {h}；种子来源：{src}", n=len(d.codes), h=d.list_hash,
             src=d.seed_source)  # fmt: skip
    if d.status == "drawn":
        text += _("；种子：{seed}；结果哈希 {h}", seed=d.seed, h=d.result_hash)
    elif d.status == "frozen":
        text += _("；尚未摇号")
    return text


def upcoming_names(
    rows: list[ordering.OrderEntry], upcoming: list[uuid.UUID]
) -> tuple[tuple[int, str], ...]:
    by_id = {e.household_id: e for e in rows}
    return tuple((by_id[h].order_no, by_id[h].head_name) for h in upcoming if h in by_id)
