"""The project settings window: one page per group, one row per setting (the stored value, or
the default shown greyed in the empty field), each checked when it is left; 保存 stores every
change at once (one transaction, audited) or, if one is refused, none and shows why beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ... import i18n
from ...i18n import _
from ...services.errors import UserError
from ...services.households.service import OperatorRef
from ...services.project_settings import (
    BACKUP_FOLDER_SETTING,
    ProjectSettings,
    SettingEntry,
    SettingInvalid,
)
from ...storage.db import Database
from .. import dialogs
from ..preferences import LANGUAGES, preferred_language, set_preferred_language

__all__ = ["SettingsDialog"]

# Settings the open window uses while it runs: saving one of these re-opens the project in
# the window, so the clock, the idle lock and the backups follow at once.
LIVE_KEYS = frozenset(
    {"time_zone", "idle_lock_minutes", "backup_every_minutes", BACKUP_FOLDER_SETTING}
)
_ERROR_STYLE = "color: #b00020;"
_HINT_STYLE = "color: #666666;"


@dataclass
class _Row:
    entry: SettingEntry
    editor: QLineEdit
    error: QLabel
    page: int

    def text(self) -> str:
        return self.editor.text().strip()


class SettingsDialog(QDialog):
    def __init__(
        self, db: Database, operator: OperatorRef | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("projectSettingsDialog")
        self.setWindowTitle(_("项目设置"))
        self.service = ProjectSettings(db, operator)
        self.editable = self.service.may_change
        self.rows: dict[str, _Row] = {}
        self.saved_keys: list[str] = []
        self.language_changed = False
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("settingsTabs")
        self._build_pages(self.service.entries())
        self._build_language_page()
        note = QLabel(self)
        note.setObjectName("settingsNote")
        note.setWordWrap(True)
        note.setText(
            _("空白处显示的是默认值；清空一项即恢复默认。保存后立即生效，并记入审计日志。")
            if self.editable
            else _("只有指挥部、管理员可以修改项目设置；这里只能查看。本机界面语言可以修改。")
        )
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("settingsSave")
        self.save_button.setText(_("保存"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("取消"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self.resize(760, 560)

    # --- layout ----------------------------------------------------------------------------

    def _build_pages(self, entries: list[SettingEntry]) -> None:
        forms: dict[str, QFormLayout] = {}
        for e in entries:
            form = forms.get(e.group)
            if form is None:
                page = QWidget()
                form = forms[e.group] = QFormLayout(page)
                form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
                scroll = QScrollArea(self.tabs)
                scroll.setWidgetResizable(True)
                scroll.setWidget(page)
                self.tabs.addTab(scroll, e.group)
            editor, field = self._editor(e)
            error = QLabel()
            error.setObjectName(f"error_{e.key}")
            error.setStyleSheet(_ERROR_STYLE)
            error.setWordWrap(True)
            error.hide()
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(field)
            if e.hint:
                hint = QLabel(e.hint)
                hint.setObjectName(f"hint_{e.key}")
                hint.setStyleSheet(_HINT_STYLE)
                hint.setWordWrap(True)
                column.addWidget(hint)
            column.addWidget(error)
            label = QLabel(e.label)
            label.setBuddy(editor)
            label.setToolTip(e.key)
            form.addRow(label, box)
            self.rows[e.key] = _Row(e, editor, error, self.tabs.count() - 1)

    def _editor(self, e: SettingEntry) -> tuple[QLineEdit, QWidget]:
        """The line edit of a setting and the widget that holds it (a drop-down's, or with a
        选择… button for the backup folder)."""
        if e.choices:
            combo = QComboBox()
            combo.setEditable(True)
            combo.addItems(list(e.choices))
            combo.setObjectName(f"setting_{e.key}")
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            line = combo.lineEdit()
            assert line is not None
            combo.setCurrentIndex(-1)
            line.setText(e.text)
            combo.setEnabled(self.editable)
            holder: QWidget = combo
        else:
            line = QLineEdit()
            line.setObjectName(f"setting_{e.key}")
            line.setText(e.text)
            line.setReadOnly(not self.editable)
            holder = line
        line.setPlaceholderText(_("默认：{value}", value=e.default) if e.default else _("（不设）"))
        tip = e.hint or e.label
        line.setToolTip(tip)
        line.editingFinished.connect(lambda key=e.key: self.check_field(key))
        if e.key == BACKUP_FOLDER_SETTING:
            choose = QPushButton(_("选择…"))
            choose.setObjectName("chooseBackupFolder")
            choose.setEnabled(self.editable)
            choose.clicked.connect(lambda: self._choose_folder(line))
            holder_box = QWidget()
            row = QHBoxLayout(holder_box)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(holder, 1)
            row.addWidget(choose)
            return line, holder_box
        return line, holder

    def _build_language_page(self) -> None:
        page = QWidget()
        form = QFormLayout(page)
        self.language = QComboBox(page)
        self.language.setObjectName("settingLanguage")
        for code, name in LANGUAGES:
            self.language.addItem(name, code)
        current = preferred_language() or i18n.language()
        self.language.setCurrentIndex(max(0, self.language.findData(current)))
        self._language_before = self.language.currentData()
        form.addRow(_("界面语言"), self.language)
        hint = QLabel(_("只对这台电脑上的本人有效，下次启动时生效（帮助 → 语言 可立即切换）。"))
        hint.setWordWrap(True)
        form.addRow("", hint)
        self.tabs.addTab(page, _("本机"))

    def _choose_folder(self, line: QLineEdit) -> None:
        folder = dialogs.ask_backup_folder(self)
        if folder is not None:
            line.setText(str(folder))
            self.check_field(BACKUP_FOLDER_SETTING)

    # --- checking and saving ---------------------------------------------------------------

    def changes(self) -> dict[str, str]:
        """Typed texts that differ from what is stored."""
        return {k: r.text() for k, r in self.rows.items() if r.text() != r.entry.text}

    def check_field(self, key: str) -> bool:
        """Check one field as typed; shows the problem under it. True when it is accepted."""
        row = self.rows[key]
        problem = None
        if self.editable and row.text() != row.entry.text:
            try:
                problem = self.service.problem(key, row.text())
            except UserError as exc:
                problem = exc.message
        self._show_problem(row, problem)
        return problem is None

    def _show_problem(self, row: _Row, problem: str | None) -> None:
        row.error.setText(problem or "")
        row.error.setVisible(problem is not None)

    def save(self) -> None:
        changes = self.changes() if self.editable else {}
        if changes:
            try:
                self.saved_keys = self.service.save(changes)
            except SettingInvalid as exc:
                row = self.rows.get(exc.key)
                if row is None:
                    dialogs.show_error(self, _("不能保存项目设置"), exc.message)
                    return
                self._show_problem(row, exc.message)
                self.tabs.setCurrentIndex(row.page)
                row.editor.setFocus(Qt.FocusReason.OtherFocusReason)
                return
            except UserError as exc:
                dialogs.show_error(self, _("不能保存项目设置"), exc.message)
                return
        code = self.language.currentData()
        if code != self._language_before:
            set_preferred_language(str(code))
            self.language_changed = True
        self.accept()

    def needs_reopen(self) -> bool:
        """Whether a saved setting is one the open window uses while it runs."""
        return any(k in LIVE_KEYS for k in self.saved_keys)
