"""Cells of the household editor's row tables: column kinds and the delegate that edits them.

Editors commit on every keystroke (what is on screen is what gets validated and drafted), Enter
works like Tab, Esc puts back what the cell held, and a cell with a problem gets a coloured
frame that stays visible while the cell is selected.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, auto
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QComboBox,
    QCompleter,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from ...domain.household_form import Severity

CODE_ROLE = Qt.ItemDataRole.UserRole  # the code behind a label (structure type, rate item)
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the row's form object, on the first cell
MARK_ROLE = Qt.ItemDataRole.UserRole + 2  # the severity of a problem in this cell
_DISPLAY = Qt.ItemDataRole.DisplayRole
_EDIT = Qt.ItemDataRole.EditRole
_CHECK = Qt.ItemDataRole.CheckStateRole
INPUT_ROLES = {int(_DISPLAY), int(_EDIT), int(_CHECK), int(CODE_ROLE)}

MARK_COLOURS = {
    Severity.ERROR: (QColor("#fbd5d5"), QColor("#d93025")),
    Severity.CONFIRM: (QColor("#fde9c4"), QColor("#e38b00")),
    Severity.WARNING: (QColor("#fdf2c9"), QColor("#c9a100")),
}


class Kind(Enum):
    TEXT = auto()  # free text
    SUGGEST = auto()  # free text with a list of suggestions (与户主关系)
    CODE = auto()  # a code chosen from a list; the label is shown
    CHECK = auto()  # a tick box
    DERIVED = auto()  # read-only, computed from other cells


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    kind: Kind
    width: int
    numeric: bool = False
    options: tuple[tuple[str, str], ...] = ()  # (code, label) for CODE; (text, text) for SUGGEST
    searchable: bool = False  # CODE lists long enough to type into (附属物项目)


class CellTable(Protocol):
    """What a cell delegate needs of the table it edits (:class:`.tables.RowTable`, a
    QTableView): its columns, the label of a code in a cell, and its model."""

    columns: list[Column]

    def code_label(self, r: int, column: Column, code: str, row: Any = None) -> str: ...

    def model(self) -> QAbstractItemModel: ...


class CellDelegate(QStyledItemDelegate):
    """Editors that commit as they are typed into, Enter = Tab, and problem frames."""

    def __init__(self, table: CellTable) -> None:
        super().__init__(table)  # type: ignore[arg-type]  # the table is a QTableView
        self._table = table
        self._originals: dict[int, Any] = {}
        self._loading = False  # inside setEditorData: the editor's signals are not the clerk's

    # --- editors ----------------------------------------------------------------------------
    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex
    ) -> QWidget:
        column = self._table.columns[index.column()]
        editor: QWidget
        if column.kind is Kind.TEXT:
            line = QLineEdit(parent)
            line.setFrame(False)
            if column.numeric:
                line.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            line.textEdited.connect(lambda _text, e=line: self.commitData.emit(e))
            editor = line
        else:
            combo = QComboBox(parent)
            combo.setFrame(False)
            if column.kind is Kind.SUGGEST:
                combo.setEditable(True)
                combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
                combo.addItems([text for text, _label in column.options])
                combo.setCurrentIndex(-1)
                combo.editTextChanged.connect(lambda _text, e=combo: self._commit(e))
            else:
                for code, label in column.options:
                    combo.addItem(label, code)
                if column.searchable:
                    combo.setEditable(True)
                    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
                    completer = combo.completer()
                    completer.setFilterMode(Qt.MatchFlag.MatchContains)
                    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
                combo.currentIndexChanged.connect(lambda _i, e=combo: self._commit(e))
            editor = combo
        # What the cell held before, for Esc (edits are committed as they are typed).
        self._originals[id(editor)] = (
            QPersistentModelIndex(index),
            index.data(_EDIT),
            index.data(CODE_ROLE),
        )
        key = id(editor)
        editor.destroyed.connect(lambda _obj=None: self._originals.pop(key, None))
        return editor

    def _commit(self, editor: QWidget) -> None:
        if not self._loading:
            self.commitData.emit(editor)

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        # Qt calls this before it registers a new editor: a commit from here would be refused.
        self._loading = True
        try:
            self._load_editor(editor, index)
        finally:
            self._loading = False

    def _load_editor(self, editor: QWidget, index: QModelIndex) -> None:
        # Called again whenever the cell changes, also by our own commit: never touch an editor
        # that already shows the value (it would move the cursor while the clerk types).
        text = index.data(_EDIT) or ""
        if isinstance(editor, QLineEdit):
            if editor.text() != text:
                editor.setText(text)
        elif isinstance(editor, QComboBox):
            column = self._table.columns[index.column()]
            if column.kind is Kind.SUGGEST:
                if editor.currentText() != text:
                    editor.setEditText(text)
            else:
                i = editor.findData(index.data(CODE_ROLE))
                if i != editor.currentIndex():
                    editor.setCurrentIndex(i)
                if column.searchable and i < 0 and editor.currentText() != text:
                    editor.setEditText(text)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex) -> None:
        column = self._table.columns[index.column()]
        if isinstance(editor, QLineEdit):
            self._set(model, index, _EDIT, editor.text())
        elif isinstance(editor, QComboBox) and column.kind is Kind.SUGGEST:
            self._set(model, index, _EDIT, editor.currentText())
        elif isinstance(editor, QComboBox):
            i = editor.currentIndex()
            if column.searchable:
                i = _match(editor, editor.currentText(), i)
            if i < 0:
                return  # nothing chosen (or typed text matching no item): keep the cell
            self._set(model, index, CODE_ROLE, editor.itemData(i))
            self._set(
                model, index, _EDIT, self._table.code_label(index.row(), column, editor.itemData(i))
            )

    @staticmethod
    def _set(
        model: QAbstractItemModel, index: QModelIndex, role: Qt.ItemDataRole, value: Any
    ) -> None:
        if index.data(role) != value:
            model.setData(index, value, role)

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if (
                key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and mods == Qt.KeyboardModifier.NoModifier
            ):
                if isinstance(editor, QComboBox) and editor.view().isVisible():
                    return super().eventFilter(editor, event)
                assert isinstance(editor, QWidget)
                self.commitData.emit(editor)
                self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.EditNextItem)
                return True
            if key == Qt.Key.Key_Escape and mods == Qt.KeyboardModifier.NoModifier:
                # Edits are committed as typed, so Esc puts back what the cell held before.
                assert isinstance(editor, QWidget)
                self._revert(editor)
                self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.RevertModelCache)
                return True
        return super().eventFilter(editor, event)

    def _revert(self, editor: QWidget) -> None:
        original = self._originals.get(id(editor))
        if original is None or not original[0].isValid():
            return
        persistent, text, code = original
        index = self._table.model().index(persistent.row(), persistent.column())
        model = self._table.model()
        self._set(model, index, CODE_ROLE, code)
        self._set(model, index, _EDIT, text)

    # --- problem frames ---------------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        super().paint(painter, option, index)
        severity = index.data(MARK_ROLE)
        if severity:
            # A frame as well as the background: the background is hidden while selected.
            painter.save()
            pen = QPen(MARK_COLOURS[Severity(severity)][1])
            pen.setWidth(2)
            painter.setPen(pen)
            painter.drawRect(option.rect.adjusted(1, 1, -2, -2))
            painter.restore()


def _match(combo: QComboBox, text: str, current: int) -> int:
    """The item a searchable combo's typed text means: exact label, or the only one containing it."""
    if current >= 0 and combo.itemText(current) == text:
        return current
    exact = combo.findText(text, Qt.MatchFlag.MatchFixedString)
    if exact >= 0 or not text.strip():
        return exact
    hits = [i for i in range(combo.count()) if text.strip() in combo.itemText(i)]
    return hits[0] if len(hits) == 1 else -1
