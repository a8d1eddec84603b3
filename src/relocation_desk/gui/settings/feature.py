"""设置 → 项目设置…: opens the settings window; after a save that the running window uses
(the time zone, idle lock, automatic backups) the project is shown again with it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction

from ...i18n import _
from ...services.errors import UserError
from .. import dialogs
from ..access import Action, gate

if TYPE_CHECKING:
    from ...storage.db import Database
    from ..hosts import FeatureWindow
    from .dialog import SettingsDialog


def install(window: FeatureWindow) -> None:
    action = QAction(_("项目设置(&P)…"), window)
    action.setObjectName("projectSettingsAction")
    action.triggered.connect(lambda: open_settings(window))
    window.menus["settings"].addAction(action)
    window.settings_action = action  # type: ignore[attr-defined]
    gate(action, window.operator, Action.CHANGE_SETTINGS)

    def changed(_db: Database) -> None:
        gate(action, window.operator, Action.CHANGE_SETTINGS)

    window.database_changed.connect(changed)


def open_settings(window: FeatureWindow) -> SettingsDialog | None:
    """Show the settings window (window-modal); what is saved applies when it closes."""
    from .dialog import SettingsDialog

    db = window.db
    if db is None:
        return None
    try:
        dialog = SettingsDialog(db, window.operator, window)  # type: ignore[arg-type]
    except UserError as exc:
        dialogs.show_error(window, _("不能打开项目设置"), exc.message)  # type: ignore[arg-type]
        return None
    previous = getattr(window, "settings_dialog", None)
    if previous is not None:
        previous.deleteLater()
    window.settings_dialog = dialog  # type: ignore[attr-defined]
    dialog.accepted.connect(lambda: _saved(window, db, dialog))
    dialog.open()
    return dialog


def _saved(window: FeatureWindow, db: Database, dialog: SettingsDialog) -> None:
    if dialog.needs_reopen() and window.db is db:
        window.set_database(db)
    lines = []
    if dialog.saved_keys:
        lines.append(_("已保存 {n} 项项目设置。", n=len(dialog.saved_keys)))
    if dialog.language_changed:
        lines.append(_("界面语言将在下次启动本程序时使用。"))
    if lines:
        dialogs.show_info(window, _("项目设置"), "\n".join(lines))  # type: ignore[arg-type]
