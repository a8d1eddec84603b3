"""The kind-specific fields of the item form.

:class:`KindPages` shows, for the chosen kind, only the fields it takes (the rest of the
form's rows are hidden) and reads them back as the item's ``rate_fen`` and ``params``; dates
are written ``2026-03-01`` or ``签约期开始 + 15`` (:func:`spec_from_text`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain import money
from ...domain.scheme import CATEGORY_LABELS
from ...domain.scheme_parse import percent_number
from ...domain.status import (
    STRUCTURE_LABELS,
    StructureType,
)
from ...i18n import _
from ...services.schemes.service import ItemRow
from .item_text import per_labels

__all__ = ["KindPages", "spec_from_text", "spec_text"]

_RELATIVE = re.compile(r"(.+?)\s*([+\-＋－])\s*(\d{1,4})\s*天?")
_AREA_KINDS = ("per_area", "decoration")


# --- dates as the clerk writes them ------------------------------------------------------------


def spec_text(spec: Any) -> str:
    """``"2026-03-01"`` or ``签约期开始 + 15``."""
    if isinstance(spec, Mapping):
        days = int(spec.get("days", 0))
        if days == 0:
            return str(spec.get("date", ""))
        return f"{spec.get('date', '')} {'+' if days > 0 else '-'} {abs(days)}"
    return str(spec)


def spec_from_text(text: str, dates: Mapping[str, Any]) -> Any:
    """A date spec from ``2026-03-01``, ``签约期开始`` or ``签约期开始 + 15``; ``None`` if
    it is none of these."""
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return text
    if text in dates:
        return {"date": text, "days": 0}
    found = _RELATIVE.fullmatch(text)
    if found and found[1].strip() in dates:
        days = int(found[3]) * (-1 if found[2] in "-－" else 1)
        return {"date": found[1].strip(), "days": days}
    return None


# --- the kind's fields ------------------------------------------------------------------------


class KindPages(QWidget):
    changed = Signal()

    def __init__(
        self, parent: QWidget, earlier: list[ItemRow], scheme_params: Mapping[str, Any]
    ) -> None:
        super().__init__(parent)
        self._earlier = earlier
        self._dates = dict(scheme_params.get("dates") or {})
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)

        def combo(name: str, choices: dict[str, str]) -> QComboBox:
            box = QComboBox(self)
            box.setObjectName(name)
            for code, label in choices.items():
                box.addItem(label, code)
            box.currentIndexChanged.connect(self._changed)
            return box

        def line(name: str, placeholder: str = "") -> QLineEdit:
            edit = QLineEdit(self)
            edit.setObjectName(name)
            edit.setPlaceholderText(placeholder)
            edit.textEdited.connect(self._changed)
            return edit

        def spin(name: str, low: int, high: int) -> QSpinBox:
            box = QSpinBox(self)
            box.setObjectName(name)
            box.setRange(low, high)
            box.valueChanged.connect(self._changed)
            return box

        self.legality = combo("legality", {"legal": _("合法面积"), "unlicensed": _("无证面积")})
        structures = {"": _("所有结构（默认）")}
        structures.update({t.value: _(STRUCTURE_LABELS[t]) for t in StructureType})
        self.structure = combo("structureType", structures)
        self.decoration_area = combo(
            "decorationArea",
            {"all": _("全部面积（默认）"), "legal": _("合法面积"), "unlicensed": _("无证面积")},
        )
        self.derived = QCheckBox(_("按其他项目的单价折算"), self)
        self.derived.setObjectName("derivedRate")
        self.derived.toggled.connect(self._changed)
        self.derived_item = combo("derivedItem", {})
        self.derived_percent = line("derivedPercent", _("如 40"))
        self.derived_rounding = combo(
            "derivedRounding",
            {"fen": _("单价先四舍五入到分（默认）"), "exact": _("单价不取整，金额四舍五入到分")},
        )
        self.rate = line("rate", _("元，如 1234.56"))
        self.rate_label = QLabel(_("单价（元）"), self)
        self.months = spin("months", 1, 120)
        self.per = combo("per", per_labels())
        self.times = spin("times", 1, 10)
        self.percent = line("percent", _("如 5 表示 5 %"))
        self.basis = QListWidget(self)
        self.basis.setObjectName("basis")
        self.basis.setMaximumHeight(6 * self.fontMetrics().height())
        self.basis.itemChanged.connect(lambda _i: self._changed())
        self.on = combo("bonusOn", {"signed": _("签约日期（默认）"), "vacated": _("腾房日期")})
        self.windows = QTableWidget(0, 3, self)
        self.windows.setObjectName("windows")
        self.windows.setHorizontalHeaderLabels([_("开始"), _("结束"), _("金额（元）")])
        self.windows.setMaximumHeight(7 * self.fontMetrics().height())
        self.windows.itemChanged.connect(lambda _i: self._changed())
        self.add_window = QPushButton(_("添加期限"), self)
        self.add_window.setObjectName("addWindow")
        self.add_window.clicked.connect(self._add_window)
        self.remove_window = QPushButton(_("删除期限"), self)
        self.remove_window.clicked.connect(self._remove_window)
        windows_box = QWidget(self)
        wl = QVBoxLayout(windows_box)
        wl.setContentsMargins(0, 0, 0, 0)
        wl.addWidget(self.windows)
        wb = QHBoxLayout()
        wb.addWidget(self.add_window)
        wb.addWidget(self.remove_window)
        hint = _("日期写 2026-03-01，或方案中命名的日期加天数，如 签约期开始 + 15")
        wb.addWidget(QLabel(hint, self))
        wb.addStretch(1)
        wl.addLayout(wb)
        self.uplift_mode = combo("upliftMode", {"fixed": _("定额"), "percent": _("按比例")})
        self.entitled = combo(
            "entitled", {"per_person": _("按人均面积（默认）"), "legal_area": _("按合法面积等面积")}
        )
        self.area_per_person = line("areaPerPerson", _("㎡，如 40"))

        def with_suffix(widget: QWidget, suffix: str) -> QWidget:
            box = QWidget(self)
            h = QHBoxLayout(box)
            h.setContentsMargins(0, 0, 0, 0)
            h.addWidget(widget)
            h.addWidget(QLabel(suffix, self))
            h.addStretch(1)
            return box

        self.rows: dict[str, QWidget] = {}
        for key, label, widget in (
            ("legality", _("面积类别"), self.legality),
            ("structure", _("结构类型"), self.structure),
            ("decoration_area", _("计入的面积"), self.decoration_area),
            ("uplift_mode", _("补助方式"), self.uplift_mode),
            ("entitled", _("安置面积依据"), self.entitled),
            ("area_per_person", _("人均安置面积"), with_suffix(self.area_per_person, "㎡")),
            ("derived", "", self.derived),
            ("derived_item", _("折算自"), self.derived_item),
            ("derived_percent", _("折算比例"), with_suffix(self.derived_percent, "%")),
            ("derived_rounding", _("取整"), self.derived_rounding),
            ("rate", self.rate_label, self.rate),
            ("months", _("月数"), self.months),
            ("times", _("次数（默认 1）"), self.times),
            ("on", _("奖励依据"), self.on),
            ("per", _("计量基数"), self.per),
            ("percent", _("比例"), with_suffix(self.percent, "%")),
            ("basis", _("基数（勾选之前的类别或项目；不勾=之前全部）"), self.basis),
            ("windows", _("奖励期限"), windows_box),
        ):
            self.form.addRow(label, widget)
            self.rows[key] = widget
        self._kind = ""

    def _changed(self, *_args: object) -> None:
        self.show_kind(self._kind)
        self.changed.emit()

    # --- which rows a kind shows -----------------------------------------------------------
    def _visible(self, kind: str) -> set[str]:
        derived = kind in _AREA_KINDS and self.derived.isChecked()
        shown: dict[str, set[str]] = {
            "per_area": {"legality", "structure", "derived"},
            "decoration": {"decoration_area", "derived"},
            "per_item": {"rate"},
            "per_person": {"rate"},
            "monthly": {"rate", "months", "per"},
            "lump_sum": {"rate", "times"},
            "percent": {"percent", "basis"},
            "bonus_window": {"on", "per", "windows"},
            "vulnerable_uplift": {"uplift_mode"}
            | (
                {"percent", "basis"}
                if self.uplift_mode.currentData() == "percent"
                else {"rate", "per"}
            ),
            "minimum_guarantee": {"rate", "per", "basis"},
            "resettlement": {"entitled", "rate"}
            | ({"area_per_person"} if self.entitled.currentData() == "per_person" else set()),
        }
        found = set(shown.get(kind, {"rate"}))
        if kind in _AREA_KINDS:
            found |= (
                {"derived_item", "derived_percent", "derived_rounding"} if derived else {"rate"}
            )
        return found

    def show_kind(self, kind: str) -> None:
        if kind != self._kind:
            self._kind = kind
            self._fill_choices(kind)
        visible = self._visible(kind)
        for key, widget in self.rows.items():
            self.form.setRowVisible(widget, key in visible)
        self.rate_label.setText(
            _("安置房结算价（元/㎡；0 = 不计价款）") if kind == "resettlement" else _("单价（元）")
        )

    def _fill_choices(self, kind: str) -> None:
        """Lists that depend on the kind: the ``per`` choices, derived-rate sources."""
        current = self.per.currentData()
        self.per.blockSignals(True)
        self.per.clear()
        labels = per_labels()
        allowed = (
            ("person", "household")
            if kind in ("vulnerable_uplift", "minimum_guarantee")
            else tuple(labels)
        )
        if kind == "minimum_guarantee":  # no default: per person multiplies the floor
            self.per.addItem(_("（请选择：按户或按家庭人口）"), "")
        for code in allowed:
            self.per.addItem(labels[code], code)
        self.per.setCurrentIndex(max(0, self.per.findData(current)))
        self.per.blockSignals(False)
        source = self.derived_item.currentData()
        self.derived_item.blockSignals(True)
        self.derived_item.clear()
        for row in self._earlier:
            if row.kind == kind and "rate_of" not in row.params:
                self.derived_item.addItem(
                    f"{row.code} {row.name}（{money.format_fen(row.rate_fen)}）", row.code
                )
        self.derived_item.setCurrentIndex(max(0, self.derived_item.findData(source)))
        self.derived_item.blockSignals(False)

    # --- in and out -------------------------------------------------------------------------
    def load(self, kind: str, rate_fen: int, params: Mapping[str, Any]) -> None:
        for w in self.findChildren(QWidget):
            w.blockSignals(True)
        try:
            self._kind = kind
            self._fill_choices(kind)
            self.rate.setText(money.format_fen(rate_fen, thousands=False))
            self._pick(self.legality, params.get("legality", "legal"))
            self._pick(self.structure, params.get("structure_type") or "")
            self._pick(self.decoration_area, params.get("legality", "all"))
            ref = params.get("rate_of")
            self.derived.setChecked(isinstance(ref, Mapping))
            if isinstance(ref, Mapping):
                self._pick(self.derived_item, ref.get("code"))
                self.derived_percent.setText(percent_number(str(ref.get("percent", ""))))
            self._pick(self.derived_rounding, params.get("rate_rounding", "fen"))
            self.months.setValue(int(params.get("months", 1)))
            default_per = "" if kind == "minimum_guarantee" else "household"
            self._pick(self.per, params.get("per", default_per))
            self.times.setValue(int(params.get("times", 1)))
            self.percent.setText(percent_number(str(params.get("percent", ""))))
            self._pick(self.on, params.get("on", "signed"))
            self._pick(self.uplift_mode, "percent" if "percent" in params else "fixed")
            self._pick(
                self.entitled,
                "legal_area" if params.get("entitled") == "legal_area" else "per_person",
            )
            self.area_per_person.setText(str(params.get("area_per_person", "")))
            self._fill_basis(params.get("basis") or {})
            self.windows.setRowCount(0)
            for w in params.get("windows", []):
                self._append_window(
                    spec_text(w["from"]),
                    spec_text(w["to"]),
                    money.format_fen(int(w["rate_fen"]), thousands=False),
                )
        finally:
            for w in self.findChildren(QWidget):
                w.blockSignals(False)
        self.show_kind(kind)

    @staticmethod
    def _pick(box: QComboBox, code: Any) -> None:
        box.setCurrentIndex(max(0, box.findData(code)))

    def _fill_basis(self, basis: Mapping[str, Any]) -> None:
        self.basis.clear()
        categories = list(dict.fromkeys(row.category for row in self._earlier))
        for category in categories:
            item = QListWidgetItem(
                _("类别：{name}", name=_(CATEGORY_LABELS.get(category, category)))
            )
            item.setData(Qt.ItemDataRole.UserRole, ("categories", category))
            checked = category in (basis.get("categories") or ())
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.basis.addItem(item)
        for row in self._earlier:
            item = QListWidgetItem(_("项目：{code} {name}", code=row.code, name=row.name))
            item.setData(Qt.ItemDataRole.UserRole, ("codes", row.code))
            checked = row.code in (basis.get("codes") or ())
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.basis.addItem(item)

    def _append_window(self, start: str, end: str, amount: str) -> None:
        r = self.windows.rowCount()
        self.windows.insertRow(r)
        for c, text in enumerate((start, end, amount)):
            self.windows.setItem(r, c, QTableWidgetItem(text))

    def _add_window(self) -> None:
        self._append_window("", "", "0.00")
        self.windows.setCurrentCell(self.windows.rowCount() - 1, 0)
        self._changed()

    def _remove_window(self) -> None:
        if self.windows.currentRow() >= 0:
            self.windows.removeRow(self.windows.currentRow())
            self._changed()

    def percents(self, kind: str) -> list[str]:
        """The percents the kind uses as entered (for the check of values below 1)."""
        visible = self._visible(kind)
        found = []
        if "percent" in visible:
            found.append(self.percent.text().strip())
        if "derived_percent" in visible:
            found.append(self.derived_percent.text().strip())
        return [p for p in found if p]

    def values(self, kind: str) -> tuple[int, dict[str, Any], str]:
        """``rate_fen``, ``params`` and what cannot be read ("" if all can)."""
        visible = self._visible(kind)
        params: dict[str, Any] = {}
        rate = 0
        if "rate" in visible:
            try:
                rate = money.parse_amount(self.rate.text() or "0")
            except money.AmountError as exc:
                return 0, {}, _("单价：{reason}", reason=exc.reason)
        if kind == "per_area":
            params["legality"] = self.legality.currentData()
            if self.structure.currentData():
                params["structure_type"] = self.structure.currentData()
        if kind == "decoration":
            params["legality"] = self.decoration_area.currentData()
        if "derived_item" in visible:
            params["rate_of"] = {
                "code": str(self.derived_item.currentData() or ""),
                "percent": self.derived_percent.text().strip(),
            }
            params["rate_rounding"] = self.derived_rounding.currentData()
        if "months" in visible:
            params["months"] = self.months.value()
        if "per" in visible:
            if not self.per.currentData():
                return 0, {}, _("计量基数：请选择按户还是按家庭人口（最低保障没有默认值）")
            params["per"] = self.per.currentData()
        if "times" in visible:
            params["times"] = self.times.value()
        if "percent" in visible:
            params["percent"] = self.percent.text().strip()
        if "basis" in visible:
            basis: dict[str, list[str]] = {"categories": [], "codes": []}
            for i in range(self.basis.count()):
                item = self.basis.item(i)
                if item.checkState() == Qt.CheckState.Checked:
                    where, code = item.data(Qt.ItemDataRole.UserRole)
                    basis[where].append(code)
            params["basis"] = basis
        if kind == "bonus_window":
            params["on"] = self.on.currentData()
            windows, problem = self._windows()
            if problem:
                return 0, {}, problem
            params["windows"] = windows
        if kind == "resettlement":
            if self.entitled.currentData() == "legal_area":
                params["entitled"] = "legal_area"
            else:
                params["area_per_person"] = self.area_per_person.text().strip()
        return rate, params, ""

    def _windows(self) -> tuple[list[dict[str, Any]], str]:
        out = []
        for r in range(self.windows.rowCount()):
            cells = [
                self.windows.item(r, c).text() if self.windows.item(r, c) else "" for c in range(3)
            ]
            start = spec_from_text(cells[0], self._dates)
            end = spec_from_text(cells[1], self._dates)
            if start is None or end is None:
                return [], _(
                    "第{n}个奖励期限的日期应写成 2026-03-01，或方案参数中命名的日期加天数，"
                    "如 签约期开始 + 15（已命名：{names}）",
                    n=r + 1,
                    names="、".join(self._dates) or _("无"),
                )
            try:
                amount = money.parse_amount(cells[2] or "0")
            except money.AmountError as exc:
                return [], _("第{n}个奖励期限的金额：{reason}", n=r + 1, reason=exc.reason)
            out.append({"from": start, "to": end, "rate_fen": amount})
        return out, ""
