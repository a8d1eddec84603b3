"""The form for a scheme's parameters: the issuing office (发文单位), land type and the
provincial rules it cites, rounding, where the scheme applies (:mod:`.scope_picker`: ticked
from the project's villages and the scheme's 片区), named dates, 片区 and the names of the
scheme's own compensation categories (see :mod:`relocation_desk.domain.scheme_scope`).

Every default is shown as such (国有土地（默认）, 每行取整（默认）, 本项目全部村). A 片区 lists
the project's villages or ``村/组``, separated by 、 (or commas). The form reads back only the
parameters that differ from the defaults, so a scheme that uses none keeps its content hash;
parameters it does not show are handed back unchanged.
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

from ...domain.scheme import CATEGORY_LABELS
from ...domain.scheme_scope import SETTING_KEYS
from ...i18n import _
from ...services.schemes.places import ProjectPlaces
from .. import dialogs
from .scope_picker import ScopePicker

__all__ = ["FORM_KEYS", "SettingsForm", "ask_settings", "settings_text"]

_SPLIT = re.compile(r"\s*[、,，;；]\s*")
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")  # as an item's category code
FORM_KEYS = SETTING_KEYS | {"issuer", "category_names"}  # the parameters this form edits


def _names(text: str) -> list[str]:
    return [n for n in _SPLIT.split(text.strip()) if n]


def settings_text(settings: Mapping[str, Any]) -> str:
    """The settings in one line, for the editor's heading area."""
    parts = [_("发文单位：{issuer}", issuer=settings["issuer"])] if settings.get("issuer") else []
    parts += [
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
    names = settings.get("category_names") or {}
    if names:
        parts.append(_("自定义类别：{names}", names="、".join(str(v) for v in names.values())))
    return " · ".join(parts)


class SettingsForm(QDialog):
    """The parameters of scheme ``scheme_name``; ``places`` are the project's villages."""

    def __init__(
        self, settings: Mapping[str, Any], parent: QWidget | None = None, *,
        places: ProjectPlaces | None = None, scheme_name: str = "",
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("schemeSettings")
        self.setWindowTitle(_("方案设置"))
        self._scheme_name = scheme_name
        self._places = places if places is not None else ProjectPlaces()
        self._kept = {k: v for k, v in settings.items() if k not in FORM_KEYS and k != "notes"}
        self.issuer = QLineEdit(str(settings.get("issuer", "")), self)
        self.issuer.setObjectName("schemeIssuer")
        self.issuer.setPlaceholderText(_("如 某某县房屋征收指挥部（可不填）"))
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
        self.dates = self._table("namedDates", [_("日期名称"), _("日期（YYYY-MM-DD）")],
                                 dict(settings.get("dates") or {}))  # fmt: skip
        zones = {k: "、".join(v) for k, v in (settings.get("zones") or {}).items()}
        self.zones = self._table("zones", [_("片区名称"), _("村或 村/组（顿号隔开）")], zones)
        self.scope = ScopePicker(settings.get("scope") or {}, self._places, list(zones), self)
        self.zones.itemChanged.connect(
            lambda _item: self.scope.set_zone_names(list(self._pairs(self.zones)))
        )
        self.categories = self._table(
            "categoryNames", [_("类别代码（字母）"), _("中文名称")],
            dict(settings.get("category_names") or {}),
        )  # fmt: skip
        form = QFormLayout()
        form.addRow(_("发文单位"), self.issuer)
        form.addRow(_("土地性质"), self.land)
        form.addRow(_("省级规定"), self.rules)
        form.addRow(_("取整方式"), self.rounding)
        form.addRow(_("适用范围"), self.scope)
        form.addRow(_("命名日期"), self.dates)
        form.addRow(_("片区"), self.zones)
        form.addRow(_("自定义类别"), self.categories)
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
        """The parameters that differ from the defaults (checked when the scheme is checked),
        with those the form does not show as they were."""
        out: dict[str, Any] = dict(self._kept)
        if self.issuer.text().strip():
            out["issuer"] = self.issuer.text().strip()
        if names := self._pairs(self.categories):
            out["category_names"] = names
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
        if scope := self.scope.scope():
            out["scope"] = scope
        return out

    def problems(self) -> list[str]:
        """What stops the form from being accepted (each names the scheme)."""
        name = self._scheme_name
        found = []
        if self.land.currentData() == "collective" and not self.rules.text().strip():
            found.append(_("集体土地方案请写明协议引用的省级规定名称"))
        found += self.scope.problems(name)
        for zone, members in self._pairs(self.zones).items():
            unknown = [p for p in _names(members) if not self._places.has(p)]
            if unknown:
                found.append(
                    _("方案《{scheme}》的片区“{zone}”中有本项目没有的村（组）：{names}；"
                      "请写本项目的村名或 村名/组名（本项目的村：{known}）", scheme=name,
                      zone=zone, names="、".join(unknown),
                      known="、".join(self._places.villages) or _("（无）"))
                )  # fmt: skip
        for code, label in self._pairs(self.categories).items():
            if not _CODE.fullmatch(code) or code in CATEGORY_LABELS:
                found.append(
                    _("自定义类别代码“{code}”应为字母、数字、下划线、点或连字符组成的简短代码，"
                      "且不能与标准类别（{standard}）相同", code=code,
                      standard="、".join(CATEGORY_LABELS))
                )  # fmt: skip
            elif not label:
                found.append(_("自定义类别“{code}”请写上中文名称", code=code))
        return found

    def accept(self) -> None:
        if problems := self.problems():
            dialogs.show_error(self, _("方案设置"), "\n".join(problems))
            return
        super().accept()


def ask_settings(form: SettingsForm) -> dict[str, Any] | None:
    """Show the form; the settings as accepted, or ``None`` (tests replace this)."""
    if form.exec() == QDialog.DialogCode.Accepted:
        return form.settings()
    return None
