"""Widgets the sign-in and password dialogs share: password boxes and the message line."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFormLayout, QLabel, QLineEdit, QWidget

from ...domain import passwords
from ...i18n import _
from ...services.errors import UserError
from ..background import run_busy

T = TypeVar("T")


def password_box(parent: QWidget, name: str) -> QLineEdit:
    box = QLineEdit(parent)
    box.setObjectName(name)
    box.setEchoMode(QLineEdit.EchoMode.Password)
    box.setMaxLength(passwords.MAX_LENGTH)
    # No input method on a password: what is typed is what is stored.
    box.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
    return box


def message_label(parent: QWidget) -> QLabel:
    """The line that says what went wrong (red) or what was done."""
    label = QLabel(parent)
    label.setObjectName("message")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def show_message(label: QLabel, text: str, *, error: bool = True) -> None:
    label.setStyleSheet("color: #b00020;" if error else "color: #1b5e20;")
    label.setText(text)
    label.setVisible(bool(text))


class NewPasswordFields:
    """新密码 and 再输入一次, with the rules said up front."""

    def __init__(self, parent: QWidget, form: QFormLayout) -> None:
        self.new = password_box(parent, "newPassword")
        self.again = password_box(parent, "newPasswordAgain")
        form.addRow(_("新密码："), self.new)
        form.addRow(_("再输入一次："), self.again)
        hint = QLabel(
            _("至少 {n} 个字符，不能和登录名相同；建议用一句只有自己记得的话。",
              n=passwords.MIN_LENGTH),
            parent,
        )  # fmt: skip
        hint.setWordWrap(True)
        form.addRow("", hint)

    def value(self) -> str:
        """The new password; UserError when the two boxes differ or the first is empty."""
        if not self.new.text():
            raise UserError(_("请输入新密码。"))
        if self.new.text() != self.again.text():
            raise UserError(_("两次输入的新密码不一样；请重新输入。"))
        return self.new.text()

    def clear(self) -> None:
        self.new.clear()
        self.again.clear()


def checking(parent: QWidget | None, fn: Callable[[], T]) -> T:
    """Run a password check (scrypt, a tenth of a second or more) off the GUI thread."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        return run_busy(parent, _("正在核对密码…"), fn)
    finally:
        QApplication.restoreOverrideCursor()
