"""The form that edits one flat of the inventory: 户型, area, base price, floor coefficient, an
own price (instead of base × coefficient) and a note. Location fields (小区 … 房号) are shown,
not edited: a flat in another place is another flat."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal, InvalidOperation

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ...domain.money import AmountError, format_fen, parse_amount
from ...domain.units import QuantityError, format_area, parse_area
from ...i18n import _
from ...services.resettlement.inventory import FlatInput


class FlatForm(QDialog):
    def __init__(self, flat: FlatInput, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("编辑房源 {estate} {label}", estate=flat.estate, label=flat.label))
        self._flat = flat
        self.result_flat: FlatInput | None = None
        self.layout_edit = QLineEdit(flat.layout)
        self.area_edit = QLineEdit(format_area(flat.built_area_dm2).replace(",", ""))
        self.base_edit = QLineEdit(format_fen(flat.base_price_fen, thousands=False))
        self.coefficient_edit = QLineEdit(str(Decimal(flat.coefficient_milli) / 1000))
        own = flat.unit_price_fen
        self.price_edit = QLineEdit("" if own is None else format_fen(own, thousands=False))
        self.price_edit.setPlaceholderText(_("不填：基准价 × 楼层系数"))
        self.note_edit = QLineEdit(flat.note)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b00020;")
        self.problem.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("位置"), QLabel(f"{flat.estate} {flat.label}（{flat.floor} 层）"))
        form.addRow(_("户型"), self.layout_edit)
        form.addRow(_("建筑面积（㎡）"), self.area_edit)
        form.addRow(_("基准价（元/㎡）"), self.base_edit)
        form.addRow(_("楼层系数"), self.coefficient_edit)
        form.addRow(_("单价（元/㎡）"), self.price_edit)
        form.addRow(_("备注"), self.note_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(self.problem)
        box.addWidget(buttons)

    def accept(self) -> None:
        problem = self._read()
        if problem:
            self.problem.setText(problem)
            return
        super().accept()

    def _read(self) -> str | None:
        layout = self.layout_edit.text().strip()
        if not layout or len(layout) > 100:
            return _("户型不能为空，最多 100 个字")
        try:
            area = parse_area(self.area_edit.text())
            base = parse_amount(self.base_edit.text())
            own = parse_amount(self.price_edit.text()) if self.price_edit.text().strip() else None
        except (QuantityError, AmountError) as exc:
            return exc.reason
        if not 0 < area <= 100_000:
            return _("建筑面积应大于 0 且不超过 1000 ㎡；请检查")
        if not 0 < base <= 10**8 or (own is not None and not 0 < own <= 10**8):
            return _("价格应大于 0 且不超过 100 万元/㎡")
        try:
            coef = Decimal(self.coefficient_edit.text().strip())
        except InvalidOperation:
            coef = Decimal("NaN")
        if not coef.is_finite() or not Decimal("0.5") <= coef <= Decimal("2"):
            return _("楼层系数应为 0.5 到 2 之间的数，如 1.02")
        self.result_flat = replace(
            self._flat, layout=layout, built_area_dm2=area, base_price_fen=base,
            coefficient_milli=int((coef * 1000).to_integral_value()), unit_price_fen=own,
            note=self.note_edit.text().strip(),
        )  # fmt: skip
        return None
