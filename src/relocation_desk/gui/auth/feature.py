"""Sign-in actions in the main window (menu 文件): 修改密码…, 重置工作人员密码… (administrator),
锁定窗口 (Ctrl+L); and the idle lock, whose minutes come from the project's settings.

The feature object is kept on ``window.auth_feature`` (tests reach the lock and dialogs there).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from ...i18n import _
from ...services.auth.service import IDLE_LOCK_DEFAULT_MINUTES, AuthService
from ...services.households.service import OperatorRef
from .. import dialogs
from ..access import Action, gate
from .idle_lock import IdleLock
from .passwords import ChangePasswordDialog, ResetPasswordDialog

if TYPE_CHECKING:
    from ...storage.db import Database
    from ..hosts import FeatureWindow


class AuthFeature:
    def __init__(self, window: FeatureWindow) -> None:
        self.window = window
        self.change_dialog: ChangePasswordDialog | None = None
        self.reset_dialog: ResetPasswordDialog | None = None
        parent = window if isinstance(window, QWidget) else None
        menu = window.menus["file"]
        first = menu.actions()[0] if menu.actions() else None
        self.change_action = QAction(_("修改密码(&P)…"), parent)
        self.change_action.triggered.connect(self.change_password)
        self.reset_action = QAction(_("重置工作人员密码(&R)…"), parent)
        self.reset_action.triggered.connect(self.reset_passwords)
        self.lock_action = QAction(_("锁定窗口(&L)"), parent)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        for action in (self.change_action, self.reset_action, self.lock_action):
            menu.insertAction(first, action)  # type: ignore[arg-type]
        menu.insertSeparator(first)  # type: ignore[arg-type]
        self.idle = IdleLock(lambda: self.window.operator, self._auth, parent)
        self.lock_action.triggered.connect(self.idle.lock)
        window.database_changed.connect(self._database_changed)
        if window.db is not None:
            self._database_changed(window.db)

    def _auth(self) -> AuthService | None:
        return AuthService(self.window.db) if self.window.db is not None else None

    def _operator(self) -> OperatorRef | None:
        return self.window.operator

    def _database_changed(self, db: Database) -> None:
        operator = self.window.operator
        signed_in = operator is not None
        self.change_action.setEnabled(signed_in)
        self.lock_action.setEnabled(signed_in)
        gate(self.reset_action, operator, Action.MANAGE_OPERATORS)
        try:
            minutes = AuthService(db).idle_lock_minutes()
        except LookupError:  # no project yet
            minutes = IDLE_LOCK_DEFAULT_MINUTES
        self.idle.set_minutes(minutes if signed_in else 0)

    def change_password(self) -> None:
        auth, operator = self._auth(), self._operator()
        if auth is None or operator is None:
            return
        self.change_dialog = ChangePasswordDialog(auth, operator, self._parent())
        if self.change_dialog.exec():
            dialogs.show_info(self._parent(), _("修改密码"), _("密码已修改，下次登录请用新密码。"))

    def reset_passwords(self) -> None:
        auth, operator = self._auth(), self._operator()
        if auth is None or operator is None:
            return
        self.reset_dialog = ResetPasswordDialog(auth, operator, self._parent())
        self.reset_dialog.exec()

    def _parent(self) -> QWidget | None:
        return self.window if isinstance(self.window, QWidget) else None


def install(window: FeatureWindow) -> None:
    window.auth_feature = AuthFeature(window)  # type: ignore[attr-defined]
