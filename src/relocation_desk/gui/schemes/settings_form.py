"""The form for a scheme's settings (:mod:`relocation_desk.domain.scheme_scope`): land type
and the provincial rules it cites, rounding, where the scheme applies, named dates and 片区.

Every default is shown as such (国有土地（默认）, 每行取整（默认）, 本项目全部村). Names are
separated by 、 (or commas); a 片区 lists villages or ``村/组``. The form reads back only the
settings that differ from the defaults, so a scheme that uses none keeps its content hash.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.scheme_scope import SETTING_KEYS
from ...i18n import _
from .. import dialogs

__all__ = ["SETTING_KEYS", "SettingsForm", "ask_settings", "settings_text"]

_SPLIT = re.compile(r"\s*[、,，;；]\s*")


def _names(text: str) -> list[str]:
    return [n for n in _SPLIT.split(text.strip()) if n]


def settings_text(settings: Mapping[str, Any]) -> str:
    """The settings in one line, for the editor's heading area."""
    parts = [
        _("集体土地（{rules}）", rules=settings.get("provincial_rules", ""))
        if settings.get("land_type") == "collective"
        else _("国有土地"),
        _("按幢取整") if settings.get("rounding") == "building" else _("每行取整"),
    ]
    scope = settings.get("scope") or {}
    places = list(scope.get("villages", [])) + list(scope.get("zones", []))
    parts.append(
        _("适用：{places}", places="、".join(places)) if places else _("适用：本项目全部村")
    )
    for name, day in (settings.get("dates") or {}).items():
        parts.append(f"{name} {day}")
    return " · ".join(parts)


class SettingsForm(QDialog):
    def __init__(self, settings: Mapping[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("schemeSettings")
        self.setWindowTitle(_("方案设置"))
        self.land = QComboBox(self)
        self.land.setObjectName("landType")
        self.land.addItem(_("国有土地（默认）"), "state")
        self.land.addItem(_("集体土地"), "collective")
        self.land.setCurrentIndex(max(0, self.land.findData(settings.get("land_type", "state"))))
        self.rules = QLineEdit(str(settings.get("provincial_rules", "")), self)
        self.rules.setObjectName("provincialRules")
        self.rules.setPlaceholderText(
            _("集体土地必填，如《河南省实施〈中华人民共和国土地管理法〉办法》")
        )
        self.rounding = QComboBox(self)
        self.rounding.setObjectName("rounding")
        self.rounding.addItem(_("每行四舍五入到分（默认）"), "line")
        self.rounding.addItem(_("面积类项目按每幢房屋四舍五入到分后相加"), "building")
        self.rounding.setCurrentIndex(
            max(0, self.rounding.findData(settings.get("rounding", "line")))
        )
        scope = settings.get("scope") or {}
        self.villages = QLineEdit("、".join(scope.get("villages", [])), self)
        self.villages.setObjectName("scopeVillages")
        self.villages.setPlaceholderText(_("不填=本项目全部村；多个用顿号隔开"))
        self.scope_zones = QLineEdit("、".join(scope.get("zones", [])), self)
        self.scope_zones.setObjectName("scopeZones")
        self.scope_zones.setPlaceholderText(_("下表中命名的片区"))
        self.dates = self._table("namedDates", [_("日期名称"), _("日期（YYYY-MM-DD）")],
                                 dict(settings.get("dates") or {}))  # fmt: skip
        zones = {k: "、".join(v) for k, v in (settings.get("zones") or {}).items()}
        self.zones = self._table("zones", [_("片区名称"), _("村或 村/组（顿号隔开）")], zones)
        form = QFormLayout()
        form.addRow(_("土地性质"), self.land)
        form.addRow(_("省级规定"), self.rules)
        form.addRow(_("取整方式"), self.rounding)
        form.addRow(_("适用的村"), self.villages)
        form.addRow(_("适用的片区"), self.scope_zones)
        form.addRow(_("命名日期"), self.dates)
        form.addRow(_("片区"), self.zones)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(_("表格末尾的空行用来添加；清空名称即删除该行"), self))
        layout.addWidget(buttons)

    def _table(self, name: str, headers: list[str], rows: Mapping[str, str]) -> QTableWidget:
        table = QTableWidget(len(rows) + 3, 2, self)
        table.setObjectName(name)
        table.setHorizontalHeaderLabels(headers)
        table.horizontalHeader().setStretchLastSection(True)
        table.setMaximumHeight(7 * self.fontMetrics().height())
        for r, (key, value) in enumerate(rows.items()):
            table.setItem(r, 0, QTableWidgetItem(key))
            table.setItem(r, 1, QTableWidgetItem(str(value)))
        return table

    @staticmethod
    def _pairs(table: QTableWidget) -> dict[str, str]:
        found = {}
        for r in range(table.rowCount()):
            key = table.item(r, 0).text().strip() if table.item(r, 0) else ""
            value = table.item(r, 1).text().strip() if table.item(r, 1) else ""
            if key:
                found[key] = value
        return found

    def settings(self) -> dict[str, Any]:
        """The settings that differ from the defaults (checked when the scheme is checked)."""
        out: dict[str, Any] = {}
        if self.land.currentData() != "state":
            out["land_type"] = self.land.currentData()
        if self.rules.text().strip():
            out["provincial_rules"] = self.rules.text().strip()
        if self.rounding.currentData() != "line":
            out["rounding"] = self.rounding.currentData()
        dates = self._pairs(self.dates)
        if dates:
            out["dates"] = dates
        zones = {k: _names(v) for k, v in self._pairs(self.zones).items()}
        if zones:
            out["zones"] = zones
        scope: dict[str, list[str]] = {}
        if _names(self.villages.text()):
            scope["villages"] = _names(self.villages.text())
        if _names(self.scope_zones.text()):
            scope["zones"] = _names(self.scope_zones.text())
        if scope:
            out["scope"] = scope
        return out

    def accept(self) -> None:
        if self.land.currentData() == "collective" and not self.rules.text().strip():
            dialogs.show_error(self, _("方案设置"), _("集体土地方案请写明协议引用的省级规定名称"))
            return
        super().accept()


def ask_settings(form: SettingsForm) -> dict[str, Any] | None:
    """Show the form; the settings as accepted, or ``None`` (tests replace this)."""
    if form.exec() == QDialog.DialogCode.Accepted:
        return form.settings()
    return None
