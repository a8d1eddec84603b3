"""The rate items table of the scheme editor.

One row per rate item, in calculation order: code, name, unit, rate (元 with two decimals;
the fen value is what is stored), kind and category (chosen from lists), and the kind's
parameters said in Chinese (:mod:`.item_text`). Parameters are edited in the item form
(:mod:`.item_form`), never typed here: the cell keeps the parameters themselves. Where the
rate is not one amount (reward windows, percents, a rate derived from another item's) the
rate cell says where it comes from and is edited in the form too. :meth:`ItemsTable.rows`
reads the rows back and reports cells it cannot read (a rate that is not an amount) by
(row, column), so the editor can mark the cell and say why next to it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from ...domain import money
from ...domain.scheme import CATEGORY_LABELS, RateKind
from ...i18n import _
from ...services.schemes.service import ItemRow
from .item_text import params_summary, rate_cell_text

CODE, NAME, UNIT, RATE, KIND, CATEGORY, PARAMS = range(7)
CODE_ROLE = Qt.ItemDataRole.UserRole
_BAD = QColor("#fbd5d5")


def kind_labels() -> dict[str, str]:
    return {
        RateKind.AREA.value: _("按面积（房屋）"),
        RateKind.DECORATION.value: _("装修（按面积）"),
        RateKind.PER_ITEM.value: _("附属物（按数量）"),
        RateKind.PER_PERSON.value: _("按家庭人口"),
        RateKind.MONTHLY.value: _("按月"),
        RateKind.LUMP_SUM.value: _("一次性（按户）"),
        RateKind.PERCENT.value: _("按比例"),
        RateKind.BONUS_WINDOW.value: _("限期奖励"),
        RateKind.VULNERABLE_UPLIFT.value: _("困难户补助"),
        RateKind.MINIMUM_GUARANTEE.value: _("最低补偿保障"),
        RateKind.RESETTLEMENT.value: _("产权调换安置"),
    }


def headers() -> list[str]:
    return [_("编码"), _("名称"), _("单位"), _("单价（元）"), _("计算方式"), _("补偿类别"),
            _("参数")]  # fmt: skip


WIDTHS = (112, 260, 54, 104, 124, 100, 300)


class _ChoiceDelegate(QStyledItemDelegate):
    """A list to choose from for the kind and category columns; the code rides in CODE_ROLE."""

    def __init__(self, table: ItemsTable) -> None:
        super().__init__(table)
        self._table = table

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        if index.column() not in (KIND, CATEGORY):
            return super().createEditor(parent, option, index)
        combo = QComboBox(parent)
        combo.setFrame(False)
        for code, label in self._table.choices(index.column()).items():
            combo.addItem(label, code)
        combo.activated.connect(lambda _i, e=combo: self.commitData.emit(e))
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(index.data(CODE_ROLE))))
        else:
            super().setEditorData(editor, index)

    def setModelData(
        self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        if isinstance(editor, QComboBox):
            code = editor.currentData()
            if code is not None and code != index.data(CODE_ROLE):
                model.setData(index, code, CODE_ROLE)
                model.setData(index, editor.currentText(), Qt.ItemDataRole.DisplayRole)
                model.setData(index, code, Qt.ItemDataRole.ToolTipRole)
        else:
            super().setModelData(editor, model, index)


class ItemsTable(QTableWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 7, parent)
        self._category_names: dict[str, str] = {}
        self._dates: dict[str, Any] = {}
        self.setObjectName("schemeItems")
        self.setHorizontalHeaderLabels(headers())
        self.setItemDelegate(_ChoiceDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        metrics = self.fontMetrics()
        for col, width in enumerate(WIDTHS):
            if col in (KIND, CATEGORY):  # wide enough for the longest choice (English too)
                longest = max(metrics.horizontalAdvance(x) for x in self.choices(col).values())
                width = max(width, min(longest + 16, 2 * width))
            self.setColumnWidth(col, width)
        vh = self.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.set_editable(False)

    def set_editable(self, editable: bool) -> None:
        self._editable = editable
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
            if editable
            else QAbstractItemView.EditTrigger.NoEditTriggers
        )

    def choices(self, column: int) -> dict[str, str]:
        if column == KIND:
            return kind_labels()
        labels = {code: _(label) for code, label in CATEGORY_LABELS.items()}
        labels.update(self._category_names)
        return labels

    def set_category_names(self, names: dict[str, str]) -> None:
        """The scheme's own categories (``category_names``), offered in the category list."""
        self._category_names = {str(k): str(v) for k, v in names.items()}

    def set_dates(self, dates: dict[str, Any]) -> None:
        """The scheme's named dates, for saying reward windows written relative to them."""
        self._dates = dict(dates)

    # --- rows in ---------------------------------------------------------------------------
    def set_rows(self, rows: list[ItemRow], category_names: dict[str, str]) -> None:
        self._category_names = dict(category_names)
        self.blockSignals(True)
        try:
            self.clearContents()
            self.setRowCount(len(rows))
            for r, row in enumerate(rows):
                self._fill(r, row)
        finally:
            self.blockSignals(False)

    def insert_row(self, at: int, row: ItemRow) -> None:
        self.blockSignals(True)
        try:
            self.insertRow(at)
            self._fill(at, row)
        finally:
            self.blockSignals(False)

    def replace_row(self, at: int, row: ItemRow) -> None:
        """Put ``row`` (from the item form) in place of row ``at``."""
        self.blockSignals(True)
        try:
            self._fill(at, row)
        finally:
            self.blockSignals(False)

    @staticmethod
    def rate_from_form(kind: str, params: dict[str, Any]) -> bool:
        """Whether the rate cell says where the rate comes from instead of holding it."""
        return (
            kind in ("bonus_window", "percent")
            or "rate_of" in params
            or (kind == "vulnerable_uplift" and "percent" in params)
        )

    def _fill(self, r: int, row: ItemRow) -> None:
        kinds, categories = self.choices(KIND), self.choices(CATEGORY)
        from_form = self.rate_from_form(row.kind, row.params)
        summary = params_summary(row.kind, row.params, self._dates)
        texts = {
            CODE: row.code, NAME: row.name, UNIT: row.unit,
            RATE: rate_cell_text(row.kind, row.rate_fen, row.params) if from_form
            else money.format_fen(row.rate_fen),
            PARAMS: summary,
            KIND: kinds.get(row.kind, row.kind), CATEGORY: categories.get(row.category, row.category),
        }  # fmt: skip
        for col, text in texts.items():
            item = QTableWidgetItem(text)
            if col in (KIND, CATEGORY):
                code = row.kind if col == KIND else row.category
                item.setData(CODE_ROLE, code)
                item.setToolTip(code)
            if col == RATE:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if from_form:
                    item.setData(CODE_ROLE, row.rate_fen)
                    item.setToolTip(_("在项目表单中修改（双击本行或按“编辑项目…”）"))
            if col == PARAMS:
                item.setData(CODE_ROLE, dict(row.params))
                item.setToolTip(summary)
            if not self._editable or col == PARAMS or (col == RATE and from_form):
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.setItem(r, col, item)

    def move_row(self, row: int, to: int) -> None:
        taken = [self.takeItem(row, c) for c in range(self.columnCount())]
        self.blockSignals(True)
        try:
            self.removeRow(row)
            self.insertRow(to)
            for c, item in enumerate(taken):
                self.setItem(to, c, item)
        finally:
            self.blockSignals(False)

    # --- rows out --------------------------------------------------------------------------
    def text(self, row: int, col: int) -> str:
        item = self.item(row, col)
        return item.text() if item is not None else ""

    def rows(self) -> tuple[list[ItemRow], dict[tuple[int, int], str]]:
        """The items as typed, and the cells that cannot be read: (row, column) → reason."""
        items: list[ItemRow] = []
        bad: dict[tuple[int, int], str] = {}
        for r in range(self.rowCount()):
            rate = 0
            rate_item = self.item(r, RATE)
            held = rate_item.data(CODE_ROLE) if rate_item is not None else None
            if isinstance(held, int):
                rate = held
            else:
                try:
                    rate = money.parse_amount(self.text(r, RATE))
                except money.AmountError as exc:
                    bad[(r, RATE)] = exc.reason
            params_item = self.item(r, PARAMS)
            stored = params_item.data(CODE_ROLE) if params_item is not None else None
            params: dict[str, Any] = dict(stored) if isinstance(stored, dict) else {}
            kind = self.item(r, KIND).data(CODE_ROLE) if self.item(r, KIND) else ""
            category = self.item(r, CATEGORY).data(CODE_ROLE) if self.item(r, CATEGORY) else ""
            items.append(
                ItemRow(self.text(r, CODE).strip(), self.text(r, NAME).strip(),
                        self.text(r, UNIT).strip(), rate, str(kind or ""), str(category or ""),
                        params)
            )  # fmt: skip
        return items, bad

    def mark(self, bad: dict[tuple[int, int], str]) -> None:
        """Colour the cells that cannot be read; their reason is the tooltip."""
        self.blockSignals(True)
        try:
            for r in range(self.rowCount()):
                for c in (RATE, PARAMS):
                    item = self.item(r, c)
                    if item is None:
                        continue
                    reason = bad.get((r, c))
                    item.setData(Qt.ItemDataRole.BackgroundRole, _BAD if reason else None)
                    item.setToolTip(reason or "")
        finally:
            self.blockSignals(False)
