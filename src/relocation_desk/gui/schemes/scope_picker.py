"""Where a scheme applies, picked from the project's own villages and the scheme's 片区.

Two lists of check boxes: the project's villages (as registered) and the 片区 named in the
scheme's settings. Nothing ticked is the default: the whole project. A name the scheme holds
that the project does not have (a file written for another project, a misspelt village) is
listed too, ticked, in red and marked as such, so it can be seen and unticked;
:meth:`ScopePicker.problems` says what stops the settings from being accepted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...i18n import _
from ...services.schemes.places import ProjectPlaces

__all__ = ["ScopePicker"]

_NAME = Qt.ItemDataRole.UserRole
_RED = QColor("#d93025")


class ScopePicker(QWidget):
    changed = Signal()

    def __init__(
        self, scope: Mapping[str, Any], places: ProjectPlaces, zones: Iterable[str],
        parent: QWidget | None = None,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self._places = places
        chosen_villages = [str(v) for v in scope.get("villages", ())]
        self._chosen_zones = [str(z) for z in scope.get("zones", ())]
        self.villages = self._list("scopeVillages")
        for name in places.villages:
            self._add(self.villages, name, name, name in chosen_villages)
        for name in chosen_villages:
            if not places.has(name):
                self._add(self.villages, name, _("{name}（本项目没有此村）", name=name), True,
                          unknown=True)  # fmt: skip
        self.zones = self._list("scopeZones")
        self.set_zone_names(list(zones))
        self.villages.itemChanged.connect(lambda _item: self.changed.emit())
        self.zones.itemChanged.connect(self._zone_ticked)
        note = QLabel(_("都不勾选 = 本项目全部村（默认）"), self)
        note.setStyleSheet("color: #666")
        columns = QHBoxLayout()
        for title, widget in ((_("村"), self.villages), (_("片区"), self.zones)):
            column = QVBoxLayout()
            column.addWidget(QLabel(title, self))
            column.addWidget(widget)
            columns.addLayout(column)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(columns)
        layout.addWidget(note)

    def _list(self, name: str) -> QListWidget:
        widget = QListWidget(self)
        widget.setObjectName(name)
        widget.setMaximumHeight(8 * self.fontMetrics().height())
        return widget

    @staticmethod
    def _add(
        widget: QListWidget, name: str, text: str, checked: bool, *, unknown: bool = False
    ) -> None:
        item = QListWidgetItem(text, widget)
        item.setData(_NAME, name)
        item.setFlags(
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsUserCheckable
        )  # fmt: skip
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        if unknown:
            item.setForeground(QBrush(_RED))
            item.setData(Qt.ItemDataRole.UserRole + 1, True)

    def _zone_ticked(self, _item: QListWidgetItem) -> None:
        self._chosen_zones = self._ticked(self.zones)
        self.changed.emit()

    def set_zone_names(self, names: list[str]) -> None:
        """The 片区 the settings define now (their table changed); ticks are kept by name."""
        self.zones.blockSignals(True)
        self.zones.clear()
        for name in names:
            self._add(self.zones, name, name, name in self._chosen_zones)
        for name in self._chosen_zones:
            if name not in names:
                self._add(self.zones, name, _("{name}（未定义的片区）", name=name), True,
                          unknown=True)  # fmt: skip
        self.zones.blockSignals(False)

    @staticmethod
    def _ticked(widget: QListWidget, *, unknown: bool | None = None) -> list[str]:
        found = []
        for row in range(widget.count()):
            item = widget.item(row)
            if item.checkState() != Qt.CheckState.Checked:
                continue
            if unknown is None or bool(item.data(Qt.ItemDataRole.UserRole + 1)) == unknown:
                found.append(str(item.data(_NAME)))
        return found

    def scope(self) -> dict[str, list[str]]:
        """``{"villages": …, "zones": …}`` as ticked (empty: the whole project)."""
        out: dict[str, list[str]] = {}
        if villages := self._ticked(self.villages):
            out["villages"] = villages
        if zones := self._ticked(self.zones):
            out["zones"] = zones
        return out

    def problems(self, scheme_name: str) -> list[str]:
        """Ticked names the project or the settings do not have, naming the scheme."""
        found = []
        if villages := self._ticked(self.villages, unknown=True):
            found.append(
                _("方案《{scheme}》的适用范围中有本项目没有的村：{names}；请取消勾选，"
                  "或先在本项目登记这些村", scheme=scheme_name, names="、".join(villages))
            )  # fmt: skip
        if zones := self._ticked(self.zones, unknown=True):
            found.append(
                _("方案《{scheme}》的适用范围中的片区“{names}”没有在片区表中定义；请取消勾选，"
                  "或在片区表中写明它包括哪些村", scheme=scheme_name, names="、".join(zones))
            )  # fmt: skip
        return found
