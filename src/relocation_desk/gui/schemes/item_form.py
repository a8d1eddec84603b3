"""The form for one rate item: a page of pickers and fields per kind, conditions, and the
item's line previewed live on a sample household.

Nothing is typed as ``key=value``: the kind's parameters are lists to choose from, numbers
and amounts in 元; percents are entered and shown as ``5 %`` (a value below 1 is asked
about when the form is accepted); every default is visible (次数 1, 全部补偿方式), and where
the scheme has no default (最低保障按户或按人) the choice must be made.
Reward windows and milestone dates take ``2026-03-01`` or a named date of the scheme plus
days (``签约期开始 + 15``). The preview builds the scheme up to this item
(:func:`.item_preview.preview_line`) and shows the line a sample household gets, or why the
item cannot be used yet. Which widgets each kind shows is in :mod:`.item_pages`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ...domain.scheme import CATEGORY_LABELS
from ...domain.status import COMPENSATION_METHOD_LABELS, CompensationMethod
from ...i18n import _
from ...services.schemes.service import ItemRow
from .. import dialogs
from .conditions_box import ConditionsBox
from .item_pages import KindPages
from .item_preview import SampleBox, preview_line
from .items import kind_labels

__all__ = ["ItemForm", "ask_item"]


class ItemForm(QDialog):
    """Edit ``row``; ``earlier`` are the items before it (what derived items may use),
    ``scheme`` the draft's name, effective date and parameters (for the preview),
    ``villages`` the project's villages (what a village condition may name)."""

    def __init__(
        self,
        row: ItemRow,
        earlier: list[ItemRow],
        scheme: dict[str, Any],
        parent: QWidget | None = None,
        *,
        editable: bool = True,
        villages: Sequence[str] = (),
    ) -> None:
        super().__init__(parent)
        self.setObjectName("itemForm")
        self.setWindowTitle(_("补偿项目"))
        self._earlier = earlier
        self._scheme = scheme
        self._loading = True
        params = dict(row.params)

        self.code = QLineEdit(row.code, self)
        self.code.setObjectName("itemCode")
        self.name = QLineEdit(row.name, self)
        self.name.setObjectName("itemName")
        self.unit = QLineEdit(row.unit, self)
        self.unit.setObjectName("itemUnit")
        self.kind = QComboBox(self)
        self.kind.setObjectName("itemKind")
        for code, label in kind_labels().items():
            self.kind.addItem(label, code)
        self.kind.setCurrentIndex(max(0, self.kind.findData(row.kind)))
        self.category = QComboBox(self)
        self.category.setObjectName("itemCategory")
        names = dict(scheme.get("params", {}).get("category_names") or {})
        for code, label in {**{k: _(v) for k, v in CATEGORY_LABELS.items()}, **names}.items():
            self.category.addItem(label, code)
        self.category.setCurrentIndex(max(0, self.category.findData(row.category)))
        self.methods: dict[str, QCheckBox] = {}
        method_row = QHBoxLayout()
        chosen = params.pop("methods", None) or [m.value for m in CompensationMethod]
        for method in CompensationMethod:
            box = QCheckBox(_(COMPENSATION_METHOD_LABELS[method]), self)
            box.setObjectName(f"method_{method.value}")
            box.setChecked(method.value in chosen)
            box.toggled.connect(self.refresh)
            self.methods[method.value] = box
            method_row.addWidget(box)
        method_row.addWidget(QLabel(_("（默认：全部）"), self))
        method_row.addStretch(1)

        form = QFormLayout()
        form.addRow(_("编码"), self.code)
        form.addRow(_("名称"), self.name)
        form.addRow(_("计量单位"), self.unit)
        form.addRow(_("计算方式"), self.kind)
        form.addRow(_("补偿类别"), self.category)
        form.addRow(_("适用补偿方式"), method_row)

        self.pages = KindPages(self, earlier, scheme.get("params", {}))
        self.pages.load(row.kind, row.rate_fen, params)
        self.conditions = ConditionsBox(self, scheme.get("params", {}), villages)
        self.conditions.load(list(params.get("when") or []))
        self.sample = SampleBox(self)
        self.sample.prefer(row)
        self.preview = QLabel(self)
        self.preview.setObjectName("itemPreview")
        self.preview.setWordWrap(True)
        self.preview.setMinimumHeight(3 * self.fontMetrics().height())
        preview_box = QGroupBox(_("预览：样本户的这一行"), self)
        pl = QVBoxLayout(preview_box)
        pl.addWidget(self.sample)
        pl.addWidget(self.preview)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.pages)
        layout.addWidget(self.conditions)
        layout.addWidget(preview_box)
        layout.addWidget(self.buttons)

        for edit in (self.code, self.name, self.unit):
            edit.textEdited.connect(self.refresh)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.category.currentIndexChanged.connect(self.refresh)
        self.pages.changed.connect(self.refresh)
        self.conditions.changed.connect(self.refresh)
        self.sample.changed.connect(self.refresh)
        for widget in (self.code, self.name, self.unit, self.kind, self.category):
            widget.setEnabled(editable)
        self.pages.setEnabled(editable)
        self.conditions.setEnabled(editable)
        for box in self.methods.values():
            box.setEnabled(editable)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(editable)
        self._loading = False
        self._kind_changed()

    def _kind_changed(self) -> None:
        kind = str(self.kind.currentData())
        self.pages.show_kind(kind)
        if kind == "resettlement" and not self._loading:
            self.methods[CompensationMethod.MONEY.value].setChecked(False)
        self.refresh()

    # --- the row -----------------------------------------------------------------------------
    def row(self) -> tuple[ItemRow | None, str]:
        """The item as filled in, or ``None`` and what cannot be read."""
        kind = str(self.kind.currentData())
        rate, params, problem = self.pages.values(kind)
        if problem:
            return None, problem
        methods = [m for m, box in self.methods.items() if box.isChecked()]
        if not methods:
            return None, _("请至少选择一种适用的补偿方式")
        if methods != [m.value for m in CompensationMethod]:
            params["methods"] = methods
        conditions = self.conditions.values()
        if conditions:
            params["when"] = conditions
        return (
            ItemRow(
                self.code.text().strip(), self.name.text().strip(), self.unit.text().strip(),
                rate, kind, str(self.category.currentData()), params,
            ),
            "",
        )  # fmt: skip

    def refresh(self) -> None:
        if self._loading:
            return
        row, problem = self.row()
        if row is None:
            self.preview.setText(problem)
            self.preview.setStyleSheet("color: #d93025")
            return
        text, ok = preview_line(self._scheme, self._earlier, row, self.sample.household(row))
        self.preview.setText(text)
        self.preview.setStyleSheet("" if ok else "color: #d93025")

    def accept(self) -> None:
        row, problem = self.row()
        if row is None:
            dialogs.show_error(self, _("补偿项目"), problem)
            return
        for value in self.pages.percents(row.kind):
            if money_is_small(value) and not dialogs.ask_confirm(
                self,
                _("核对比例"),
                _(
                    "比例填的是 {value} %，即百分之{value}，不是 {value} 倍。"
                    "如要 5 %，请填 5。确定是 {value} % 吗？",
                    value=value,
                ),
            ):
                return
        self.result_row = row
        super().accept()


def money_is_small(value: str) -> bool:
    """A percent below 1: most often a share typed as a fraction (0.05 for 5 %)."""
    try:
        return 0 < float(value) < 1
    except ValueError:
        return False


def ask_item(form: ItemForm) -> ItemRow | None:
    """Show the form; the item as accepted, or ``None`` (tests replace this)."""
    if form.exec() == QDialog.DialogCode.Accepted:
        return form.result_row
    return None
