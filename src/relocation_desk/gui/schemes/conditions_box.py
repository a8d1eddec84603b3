"""The item form's 适用条件: the item's conditions as a list in Chinese, and pickers to add one.

Each kind of condition of :mod:`relocation_desk.domain.scheme_conditions` has its own small
row of pickers (a flag and 是/否, an area, a comparison and ㎡, structure types, a milestone
and a date, the project's villages to tick, 片区); 加入 appends the condition, 删除 removes
the selected one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain.scheme_conditions import AREAS, FLAGS, MILESTONES, OPS, describe
from ...domain.status import STRUCTURE_LABELS, StructureType
from ...i18n import _
from .item_pages import spec_from_text

__all__ = ["ConditionsBox"]


class ConditionsBox(QGroupBox):
    changed = Signal()

    def __init__(
        self, parent: QWidget, scheme_params: Mapping[str, Any], villages: Sequence[str] = ()
    ) -> None:
        super().__init__(_("适用条件（全部满足才有这一行；不加条件=所有户）"), parent)
        self.setObjectName("conditions")
        self._dates = dict(scheme_params.get("dates") or {})
        self._zones = list((scheme_params.get("zones") or {}).keys())
        self.list = QListWidget(self)
        self.list.setObjectName("conditionList")
        self.list.setMaximumHeight(5 * self.fontMetrics().height())
        self.kind = QComboBox(self)
        self.kind.setObjectName("conditionKind")
        for code, label in (
            ("flag", _("户的标记")), ("area", _("面积")), ("has_structure", _("结构类型")),
            ("milestone", _("签约/腾房日期")), ("village", _("村")), ("zone", _("片区")),
        ):  # fmt: skip
            self.kind.addItem(label, code)
        self.stack = QStackedWidget(self)
        self.flag = self._combo("conditionFlag", {k: _(v) for k, v in FLAGS.items()})
        self.flag_is = self._combo("conditionFlagIs", {"true": _("是"), "false": _("不是")})
        self.area = self._combo("conditionArea", {k: _(v) for k, v in AREAS.items()})
        self.op = self._combo("conditionOp", OPS)
        self.area_value = QLineEdit("0", self)
        self.area_value.setObjectName("conditionAreaValue")
        self.types = {t.value: QCheckBox(_(STRUCTURE_LABELS[t]), self) for t in StructureType}
        self.type_legality = self._combo(
            "conditionTypeLegality",
            {"all": _("全部面积"), "legal": _("合法"), "unlicensed": _("无证")},
        )
        self.milestone = self._combo("conditionMilestone", {k: _(v) for k, v in MILESTONES.items()})
        self.by = QLineEdit(self)
        self.by.setObjectName("conditionBy")
        self.by.setPlaceholderText(_("2026-03-21 或 签约期开始 + 20"))
        self.villages = QListWidget(self)  # the project's villages, ticked
        self.villages.setObjectName("conditionVillages")
        self.villages.setMaximumHeight(4 * self.fontMetrics().height())
        for name in villages:
            item = QListWidgetItem(name, self.villages)
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsUserCheckable
            )  # fmt: skip
            item.setCheckState(Qt.CheckState.Unchecked)
        self.zone = self._combo("conditionZone", {z: z for z in self._zones})
        for widgets in (
            [self.flag, self.flag_is],
            [self.area, self.op, self.area_value, QLabel("㎡", self)],
            [*self.types.values(), self.type_legality],
            [self.milestone, QLabel(_("不晚于"), self), self.by],
            [self.villages] if villages else [QLabel(_("本项目还没有登记村"), self)],
            [self.zone] if self._zones else [QLabel(_("方案参数中还没有命名片区（zones）"), self)],
        ):
            page = QWidget(self)
            h = QHBoxLayout(page)
            h.setContentsMargins(0, 0, 0, 0)
            for w in widgets:
                h.addWidget(w)
            h.addStretch(1)
            self.stack.addWidget(page)
        self.kind.currentIndexChanged.connect(self.stack.setCurrentIndex)
        self.add_button = QPushButton(_("加入条件"), self)
        self.add_button.setObjectName("addCondition")
        self.add_button.clicked.connect(self.add_current)
        self.remove_button = QPushButton(_("删除条件"), self)
        self.remove_button.clicked.connect(self.remove_current)
        self.note = QLabel(self)
        self.note.setStyleSheet("color: #d93025")
        row = QHBoxLayout()
        row.addWidget(self.kind)
        row.addWidget(self.stack, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(row)
        layout.addWidget(self.note)

    def _combo(self, name: str, choices: Mapping[str, str]) -> QComboBox:
        box = QComboBox(self)
        box.setObjectName(name)
        for code, label in choices.items():
            box.addItem(label, code)
        return box

    # --- the list -----------------------------------------------------------------------------
    def load(self, conditions: list[Mapping[str, Any]]) -> None:
        self.list.clear()
        for c in conditions:
            self._append(dict(c))

    def _append(self, condition: dict[str, Any]) -> None:
        try:
            text = describe(condition, scheme_dates=self._dates)
        except (KeyError, ValueError, TypeError):
            text = str(condition)
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, condition)
        self.list.addItem(item)

    def values(self) -> list[dict[str, Any]]:
        return [
            dict(self.list.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.list.count())
        ]

    def remove_current(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)
            self.changed.emit()

    def add_current(self) -> None:
        condition, problem = self.current()
        self.note.setText(problem)
        if condition is not None:
            self._append(condition)
            self.changed.emit()

    def current(self) -> tuple[dict[str, Any] | None, str]:
        """The condition the pickers describe, or what is missing."""
        kind = self.kind.currentData()
        if kind == "flag":
            return {"flag": self.flag.currentData(), "is": self.flag_is.currentData() == "true"}, ""
        if kind == "area":
            value = self.area_value.text().strip() or "0"
            return {
                "area": self.area.currentData(),
                "op": self.op.currentData(),
                "value": value,
            }, ""
        if kind == "has_structure":
            types = [code for code, box in self.types.items() if box.isChecked()]
            if not types:
                return None, _("请勾选至少一种结构类型")
            return {"has_structure": types, "legality": self.type_legality.currentData()}, ""
        if kind == "milestone":
            spec = spec_from_text(self.by.text(), self._dates)
            if spec is None:
                return None, _(
                    "日期应写成 2026-03-21，或方案参数中命名的日期加天数，如 签约期开始 + 20"
                    "（已命名：{names}）",
                    names="、".join(self._dates) or _("无"),
                )
            return {"milestone": self.milestone.currentData(), "by": spec}, ""
        if kind == "village":
            names = [
                self.villages.item(i).text()
                for i in range(self.villages.count())
                if self.villages.item(i).checkState() == Qt.CheckState.Checked
            ]
            if not names:
                return None, _("请勾选至少一个村")
            return {"village": names}, ""
        if not self._zones:
            return None, _("请先在方案参数中命名片区（zones）")
        return {"zone": [self.zone.currentData()]}, ""
