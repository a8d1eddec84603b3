"""The row tables of the household editor: members, structures and attachments.

Each table shows a list of form rows (``PersonForm`` …) and gives it back unchanged unless the
clerk edited it: every cell holds exactly the typed text, and the row's form object rides on
the first cell, so ids and fields no column shows survive a round trip.

Keyboard: typing starts editing a cell; Tab and Enter commit and move to the next input cell
(read-only cells are skipped), Shift+Tab goes back, Esc undoes the cell, Space ticks a check
box. Tab past the last cell leaves the table. ``RowPage`` puts a table under its add / remove /
move buttons, whose shortcuts act on the table of the page they are on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain import idnumber
from ...domain.household_form import AttachmentForm, PersonForm, Severity, StructureForm
from ...i18n import _
from .cells import (
    CODE_ROLE,
    INPUT_ROLES,
    MARK_COLOURS,
    MARK_ROLE,
    ROW_ROLE,
    CellDelegate,
    Column,
    Kind,
)
from .problems import severity_label


class RowTable(QTableWidget):
    """A table of form rows. ``edited`` is emitted after every change the clerk makes."""

    edited = Signal()
    # The problem of the current cell (severity value, message), "" when none: shown under the
    # table, because a keyboard user never sees a tooltip.
    current_problem = Signal(str, str)

    def __init__(self, columns: Sequence[Column], row_type: type, parent: QWidget | None = None):
        super().__init__(0, len(columns), parent)
        self.columns = list(columns)
        self.row_type = row_type
        self._quiet = 0
        self._marked: set[tuple[int, int]] = set()
        self.setHorizontalHeaderLabels([c.header for c in columns])
        self.setItemDelegate(CellDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        header.setTextElideMode(Qt.TextElideMode.ElideRight)
        metrics = header.fontMetrics()
        for i, c in enumerate(columns):
            # Wide enough for the header in either language (English ones are longer).
            wanted = metrics.horizontalAdvance(c.header) + 16
            self.setColumnWidth(i, max(c.width, wanted))
            self.horizontalHeaderItem(i).setToolTip(c.header)
        vh = self.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.model().dataChanged.connect(self._data_changed)
        self.currentCellChanged.connect(lambda *_args: self._emit_current_problem())

    # --- rows in and out --------------------------------------------------------------------
    def column_of(self, field: str) -> int:
        for i, c in enumerate(self.columns):
            if c.field == field:
                return i
        return -1

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.finish_editing()
        self._quiet += 1
        try:
            self.clearContents()
            self.setRowCount(len(rows))
            for r, row in enumerate(rows):
                self._fill_row(r, row)
            self._marked.clear()
        finally:
            self._quiet -= 1

    def _fill_row(self, r: int, row: Any) -> None:
        for c, column in enumerate(self.columns):
            item = QTableWidgetItem()
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            if column.kind is Kind.CHECK:
                item.setFlags(flags | Qt.ItemFlag.ItemIsUserCheckable)
                checked = bool(getattr(row, column.field))
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            elif column.kind is Kind.DERIVED:
                item.setFlags(flags)
                item.setForeground(self.palette().placeholderText())
            else:
                item.setFlags(flags | Qt.ItemFlag.ItemIsEditable)
                value = getattr(row, column.field)
                if column.kind is Kind.CODE:
                    item.setData(CODE_ROLE, value)
                    item.setText(self.code_label(r, column, value, row))
                else:
                    item.setText(value)
            if column.numeric:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if c == 0:
                item.setData(ROW_ROLE, replace(row))
            self.setItem(r, c, item)
        self.derive(r)

    def rows(self) -> list[Any]:
        return [self.row_at(r) for r in range(self.rowCount())]

    def row_at(self, r: int) -> Any:
        first = self.item(r, 0)
        stored = first.data(ROW_ROLE) if first is not None else None
        row = replace(stored) if stored is not None else self.row_type()
        for c, column in enumerate(self.columns):
            item = self.item(r, c)
            if column.kind is Kind.DERIVED or item is None:
                continue
            if column.kind is Kind.CHECK:
                setattr(row, column.field, item.checkState() == Qt.CheckState.Checked)
            elif column.kind is Kind.CODE:
                self.read_code(row, column, item.data(CODE_ROLE) or "")
            else:
                setattr(row, column.field, item.text())
        return row

    def read_code(self, row: Any, column: Column, code: str) -> None:
        setattr(row, column.field, code)

    def code_label(self, r: int, column: Column, code: str, row: Any = None) -> str:
        for value, label in column.options:
            if value == code:
                return label
        return code

    def derive(self, r: int) -> None:
        """Fill the read-only cells of row ``r`` from its input cells."""

    def is_blank(self, r: int) -> bool:
        """Nothing typed and nothing ticked (removing it loses nothing)."""
        for c, column in enumerate(self.columns):
            item = self.item(r, c)
            if item is None:
                continue
            if column.kind is Kind.CHECK and item.checkState() == Qt.CheckState.Checked:
                return False
            if column.kind is Kind.TEXT and item.text().strip():
                return False
        return True

    def new_row(self) -> Any:
        return self.row_type()

    # --- editing ----------------------------------------------------------------------------
    def _data_changed(
        self, top_left: QModelIndex, bottom_right: QModelIndex, roles: list[int]
    ) -> None:
        if self._quiet:
            return
        if roles and not INPUT_ROLES.intersection(int(r) for r in roles):
            return  # a colour or tooltip we set ourselves
        for r in range(top_left.row(), bottom_right.row() + 1):
            self._quiet += 1
            try:
                self.derive(r)
            finally:
                self._quiet -= 1
        self.edited.emit()

    def add_row(self, row: Any = None) -> int:
        self.finish_editing()
        r = self.rowCount()
        self._quiet += 1
        try:
            self.insertRow(r)
            self._fill_row(r, row if row is not None else self.new_row())
        finally:
            self._quiet -= 1
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        self.setCurrentCell(r, 0)
        self.edit(self.currentIndex())
        self.edited.emit()
        return r

    def remove_row(self, r: int) -> None:
        self.finish_editing()
        column = max(self.currentColumn(), 0)
        self.removeRow(r)
        self._marked = {(mr, mc) for mr, mc in self._marked if mr < r} | {
            (mr - 1, mc) for mr, mc in self._marked if mr > r
        }
        if self.rowCount():
            self.setCurrentCell(min(r, self.rowCount() - 1), column)
        self.edited.emit()

    def move_row(self, r: int, delta: int) -> None:
        target = r + delta
        if not (0 <= r < self.rowCount() and 0 <= target < self.rowCount()):
            return
        self.finish_editing()
        column = max(self.currentColumn(), 0)
        self._quiet += 1
        try:
            for c in range(self.columnCount()):
                a, b = self.takeItem(r, c), self.takeItem(target, c)
                self.setItem(r, c, b)
                self.setItem(target, c, a)
        finally:
            self._quiet -= 1
        self.setCurrentCell(target, column)
        self.edited.emit()

    def finish_editing(self) -> None:
        """Commit and close an open cell editor (before saving or refilling)."""
        if self.state() != QAbstractItemView.State.EditingState:
            return
        editor = self.indexWidget(self.currentIndex())
        if editor is not None:
            self.commitData(editor)
            self.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def focus_cell(self, r: int, field: str) -> None:
        c = self.column_of(field)
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        if 0 <= r < self.rowCount():
            self.setCurrentCell(r, max(c, 0))
            self.scrollToItem(self.currentItem())

    # --- keyboard ---------------------------------------------------------------------------
    def moveCursor(
        self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        if action not in (
            QAbstractItemView.CursorAction.MoveNext,
            QAbstractItemView.CursorAction.MovePrevious,
        ):
            return super().moveCursor(action, modifiers)
        cols, rows = self.columnCount(), self.rowCount()
        current = self.currentIndex()
        pos = current.row() * cols + current.column() if current.isValid() else -1
        step = 1 if action is QAbstractItemView.CursorAction.MoveNext else -1
        while True:
            pos += step
            if pos < 0 or pos >= rows * cols:
                return QModelIndex()  # past either end: Tab leaves the table
            if self.columns[pos % cols].kind is not Kind.DERIVED:
                return self.model().index(pos // cols, pos % cols)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and mods == Qt.KeyboardModifier.NoModifier:
            target = self.moveCursor(QAbstractItemView.CursorAction.MoveNext, mods)
            if not target.isValid():
                self.focusNextChild()
                return
            self.setCurrentIndex(target)
            if target.flags() & Qt.ItemFlag.ItemIsEditable:
                self.edit(QPersistentModelIndex(target))
            return
        if event.key() == Qt.Key.Key_Delete and mods == Qt.KeyboardModifier.NoModifier:
            # Delete clears the cell, as in a spreadsheet.
            item = self.currentItem()
            column = self.columns[self.currentColumn()] if item is not None else None
            if column is not None and column.kind in (Kind.TEXT, Kind.SUGGEST):
                item.setText("")  # type: ignore[union-attr]
                return
        super().keyPressEvent(event)

    # --- problems ---------------------------------------------------------------------------
    def mark(self, marks: dict[tuple[int, str], tuple[Severity, str]]) -> None:
        """Colour the cells with problems (tooltip: the message) and clear the others.
        ``marks`` is keyed by (row, field); a problem of a whole row marks its first cell."""
        cells = {(r, max(self.column_of(f), 0)): mark for (r, f), mark in marks.items()}
        self._quiet += 1
        try:
            for r, c in self._marked - cells.keys():
                item = self.item(r, c)
                if item is not None:
                    item.setData(Qt.ItemDataRole.BackgroundRole, None)
                    item.setData(Qt.ItemDataRole.ToolTipRole, None)
                    item.setData(MARK_ROLE, None)
            for (r, c), (severity, message) in cells.items():
                item = self.item(r, c)
                if item is None:
                    continue
                if item.data(MARK_ROLE) != severity.value:
                    item.setData(MARK_ROLE, severity.value)
                    item.setBackground(MARK_COLOURS[severity][0])
                if item.toolTip() != message:
                    item.setToolTip(message)
            self._marked = set(cells)
        finally:
            self._quiet -= 1
        self._emit_current_problem()

    def _emit_current_problem(self) -> None:
        item = self.currentItem()
        severity = item.data(MARK_ROLE) if item is not None else None
        message = item.toolTip() if severity else ""
        self.current_problem.emit(severity or "", message.replace("\n", "；"))

    def mark_of(self, r: int, field: str) -> Severity | None:
        item = self.item(r, self.column_of(field))
        value = item.data(MARK_ROLE) if item is not None else None
        return Severity(value) if value else None


# --- the three tables ---------------------------------------------------------------------------


class MembersTable(RowTable):
    """Family members; sex and birth date are read from a valid ID number as it is typed."""

    def __init__(self, relations: Sequence[str], parent: QWidget | None = None) -> None:
        suggest = tuple((r, r) for r in relations)
        super().__init__(
            [
                Column("name", _("姓名"), Kind.TEXT, 96),
                Column("id_number", _("身份证号码"), Kind.TEXT, 176),
                Column("relation", _("与户主关系"), Kind.SUGGEST, 92, options=suggest),
                Column("sex", _("性别"), Kind.DERIVED, 44),
                Column("birth_date", _("出生日期"), Kind.DERIVED, 96),
                Column("phone", _("电话"), Kind.TEXT, 112),
                Column("is_cadre", _("干部"), Kind.CHECK, 48),
                Column("is_cadre_relative", _("干部亲属"), Kind.CHECK, 72),
                Column("cadre_note", _("干部职务/亲属关系"), Kind.TEXT, 130),
                Column("is_dibao", _("低保"), Kind.CHECK, 48),
                Column("is_disabled", _("残疾"), Kind.CHECK, 48),
                Column("special_note", _("说明"), Kind.TEXT, 120),
            ],
            PersonForm,
            parent,
        )
        self._id_col = self.column_of("id_number")
        self._sex_col = self.column_of("sex")
        self._birth_col = self.column_of("birth_date")

    def new_row(self) -> PersonForm:
        # The first member entered is nearly always the head of the household.
        return PersonForm(relation="户主" if self.rowCount() == 0 else "")

    def derive(self, r: int) -> None:
        id_item = self.item(r, self._id_col)
        sex = birth = ""
        if id_item is not None and id_item.text().strip():
            try:
                parsed = idnumber.parse(id_item.text())
            except idnumber.IdNumberError:
                pass
            else:
                sex = _("男") if parsed.is_male else _("女")
                birth = parsed.birth_date.isoformat()
        for col, text in ((self._sex_col, sex), (self._birth_col, birth)):
            item = self.item(r, col)
            if item is not None and item.text() != text:
                item.setText(text)


class StructuresTable(RowTable):
    def __init__(
        self,
        structure_types: Sequence[tuple[str, str]],
        decorations: Sequence[tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            [
                Column("label", _("名称"), Kind.TEXT, 100),
                Column("structure_type", _("结构"), Kind.CODE, 80, options=tuple(structure_types)),
                Column("legal_area", _("合法面积(㎡)"), Kind.TEXT, 104, numeric=True),
                Column("unlicensed_area", _("无证面积(㎡)"), Kind.TEXT, 104, numeric=True),
                Column("floors", _("层数"), Kind.TEXT, 52, numeric=True),
                Column("build_year", _("建造年份"), Kind.TEXT, 76, numeric=True),
                Column(
                    "decoration", _("装修"), Kind.CODE, 150, options=(("", _("无")), *decorations)
                ),
                Column("remarks", _("备注"), Kind.TEXT, 120),
            ],
            StructureForm,
            parent,
        )


class AttachmentsTable(RowTable):
    """Attachments (附属物); the unit follows the chosen rate item."""

    def __init__(
        self, items: Sequence[tuple[str, str, str]], parent: QWidget | None = None
    ) -> None:
        self._items = {code: (name, unit) for code, name, unit in items}
        super().__init__(
            [
                Column(
                    "item_code",
                    _("项目"),
                    Kind.CODE,
                    260,
                    options=tuple((code, f"{name}（{unit}）") for code, name, unit in items),
                    searchable=True,
                ),
                Column("quantity", _("数量"), Kind.TEXT, 96, numeric=True),
                Column("unit", _("单位"), Kind.DERIVED, 64),
                Column("remarks", _("备注"), Kind.TEXT, 160),
            ],
            AttachmentForm,
            parent,
        )
        self._code_col = self.column_of("item_code")
        self._unit_col = self.column_of("unit")

    def _stored(self, r: int) -> AttachmentForm | None:
        first = self.item(r, 0)
        return first.data(ROW_ROLE) if first is not None else None

    def _name_unit(self, r: int, code: str, row: AttachmentForm | None = None) -> tuple[str, str]:
        stored = row if row is not None else self._stored(r)
        if stored is not None and stored.item_code == code and (stored.name or stored.unit):
            return stored.name, stored.unit  # as saved, even if the rate item was renamed since
        return self._items.get(code, (code, ""))

    def code_label(self, r: int, column: Column, code: str, row: Any = None) -> str:
        return self._name_unit(r, code, row)[0] if code else ""

    def read_code(self, row: Any, column: Column, code: str) -> None:
        if code != row.item_code:
            row.item_code = code
            row.name, row.unit = self._items.get(code, (code, ""))

    def derive(self, r: int) -> None:
        code_item, unit_item = self.item(r, self._code_col), self.item(r, self._unit_col)
        if code_item is None or unit_item is None:
            return
        code = code_item.data(CODE_ROLE) or ""
        unit = self._name_unit(r, code)[1] if code else ""
        if unit_item.text() != unit:
            unit_item.setText(unit)


class RowPage(QWidget):
    """A table under its row buttons; the buttons' shortcuts act on this page's table only."""

    def __init__(
        self,
        table: RowTable,
        add_text: str,
        remove_text: str,
        remove: Callable[[], None],
        *,
        movable: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.table = table
        specs: list[tuple[str, str, Callable[[], Any]]] = [
            (add_text, "Ctrl+Shift+N", lambda: table.add_row()),
            (remove_text, "Ctrl+Delete", remove),
        ]
        if movable:
            specs += [
                (_("上移"), "Ctrl+Shift+Up", lambda: table.move_row(table.currentRow(), -1)),
                (_("下移"), "Ctrl+Shift+Down", lambda: table.move_row(table.currentRow(), 1)),
            ]
        buttons = QHBoxLayout()
        self.actions_by_text: dict[str, QAction] = {}
        for text, key, slot in specs:
            action = QAction(text, self)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
            self.actions_by_text[text] = action
            button = QPushButton(text, self)
            shown = QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)
            button.setToolTip(f"{text}（{shown}）")
            button.setAutoDefault(False)
            button.clicked.connect(action.trigger)
            buttons.addWidget(button)
        # Problems of the whole list ("exactly one head of household") show here.
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.hide()
        buttons.addWidget(self.message, 10)
        buttons.addStretch(1)  # keeps the buttons their natural size while the message is hidden
        self.cell_message = QLabel(self)
        self.cell_message.setFixedHeight(self.cell_message.fontMetrics().lineSpacing() + 4)
        table.current_problem.connect(self._show_cell_problem)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(table, 1)
        layout.addWidget(self.cell_message)

    def _show_cell_problem(self, severity: str, message: str) -> None:
        if not severity:
            self.cell_message.clear()
            return
        level = Severity(severity)
        self.cell_message.setText(f"{severity_label(level)}：{message}")
        self.cell_message.setToolTip(message)
        self.cell_message.setStyleSheet(f"color: {MARK_COLOURS[level][1].name()};")

    def show_message(self, severity: Severity | None, text: str = "") -> None:
        if severity is None:
            self.message.hide()
            return
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {MARK_COLOURS[severity][1].name()};")
        self.message.show()
