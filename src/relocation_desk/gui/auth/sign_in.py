"""The sign-in dialog: login and password; a new password when the administrator reset it;
and, with ``locked_to``, the unlock of an idle-locked window (only that operator may unlock).

The answer is on ``signed`` once the dialog is accepted. Wrong passwords, the lock (with the
minutes left) and logins without a password are said on the dialog's message line; the
dialog stays open for another try.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain.status import ROLE_LABELS, Role
from ...i18n import _
from ...services.auth.service import AuthService, SignedIn
from ...services.errors import UserError
from ...services.households.service import OperatorRef
from .fields import NewPasswordFields, checking, message_label, password_box, show_message


def role_label(role: str) -> str:
    return _(ROLE_LABELS[Role(role)]) if role in Role._value2member_map_ else role


class SignInDialog(QDialog):
    def __init__(
        self,
        auth: AuthService,
        *,
        login: str = "",
        project_name: str = "",
        demo_password: str | None = None,
        demo_accounts: list[OperatorRef] | None = None,
        locked_to: OperatorRef | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self.auth = auth
        self.locked_to = locked_to
        self.signed: SignedIn | None = None
        self._typed = ""  # the password just accepted, while a new one must be chosen
        self.setWindowTitle(_("窗口已锁定") if locked_to else _("登录 — 征收补偿工作台"))
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._sign_in_page(login, project_name, demo_password,
                                                demo_accounts or []))  # fmt: skip
        self.pages.addWidget(self._new_password_page())
        self.message = message_label(self)
        self.buttons = QDialogButtonBox(self)
        self.ok = QPushButton(_("解锁") if locked_to else _("登录"), self)
        self.ok.setObjectName("signInButton")
        self.ok.setDefault(True)
        self.ok.setAutoDefault(True)
        self.buttons.addButton(self.ok, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel: QPushButton | None = None
        if locked_to is None:
            self.cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
            self.cancel.setText(_("退出"))
        self.ok.clicked.connect(self.submit)
        if self.cancel is not None:
            self.cancel.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)
        (self.password if self.login.text() else self.login).setFocus()

    # --- pages -----------------------------------------------------------------------------
    def _sign_in_page(
        self, login: str, project: str, demo_password: str | None, demo: list[OperatorRef]
    ) -> QWidget:
        page = QWidget(self)
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        if self.locked_to is not None:
            intro = _(
                "{name}离开后，窗口已锁定。请输入 {login} 的密码解锁；没有保存的修改都还在。",
                name=self.locked_to.name,
                login=self.locked_to.login,
            )
        elif project:
            intro = _("项目：{project}\n请输入本人的登录名和密码。", project=project)
        else:
            intro = _("请输入本人的登录名和密码。")
        title = QLabel(intro, page)
        title.setWordWrap(True)
        column.addWidget(title)
        self.demo_accounts: QComboBox | None = None
        if demo_password is not None and self.locked_to is None:
            note = QLabel(
                _("这是演示项目：每位工作人员的密码都是 {password}。可在下面选一个演示账号。",
                  password=demo_password),
                page,
            )  # fmt: skip
            note.setObjectName("demoPasswordNote")
            note.setWordWrap(True)
            note.setStyleSheet("color: #0d47a1;")
            column.addWidget(note)
            self.demo_accounts = QComboBox(page)
            self.demo_accounts.setObjectName("demoAccounts")
            self.demo_accounts.addItem(_("（选择演示账号）"), "")
            for o in demo:
                self.demo_accounts.addItem(f"{o.name}（{o.login}，{role_label(o.role)}）", o.login)
            self.demo_accounts.currentIndexChanged.connect(self._demo_chosen)
            form.addRow(_("演示账号："), self.demo_accounts)
        self.login = QLineEdit(page)
        self.login.setObjectName("login")
        self.login.setMaxLength(40)
        self.login.setText(self.locked_to.login if self.locked_to else login)
        self.login.setReadOnly(self.locked_to is not None)
        self.password = password_box(page, "password")
        form.addRow(_("登录名："), self.login)
        form.addRow(_("密码："), self.password)
        column.addLayout(form)
        return page

    def _new_password_page(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        self.new_intro = QLabel(page)
        self.new_intro.setWordWrap(True)
        form.addRow(self.new_intro)
        self.new_password = NewPasswordFields(page, form)
        return page

    def _demo_chosen(self) -> None:
        assert self.demo_accounts is not None
        login = self.demo_accounts.currentData()
        if login:
            self.login.setText(login)
            self.password.setFocus()

    # --- answers ---------------------------------------------------------------------------
    def submit(self) -> None:
        if self.pages.currentIndex() == 0:
            self._sign_in()
        else:
            self._set_new_password()

    def _sign_in(self) -> None:
        login, password = self.login.text().strip(), self.password.text()
        if not login or not password:
            show_message(self.message, _("请输入登录名和密码。"))
            (self.password if login else self.login).setFocus()
            return
        try:
            signed = checking(self, lambda: self.auth.sign_in(login, password))
        except UserError as exc:
            self.password.clear()
            show_message(self.message, exc.message)
            self.password.setFocus()
            return
        if self.locked_to is not None and signed.operator.id != self.locked_to.id:
            self.password.clear()
            show_message(self.message, _("只有 {name} 本人可以解锁。", name=self.locked_to.name))
            return
        self.signed = signed
        if signed.must_change_password:
            self._typed = password
            self.new_intro.setText(
                _("{name}，管理员为你设置了临时密码。请设置只有自己知道的新密码，然后继续。",
                  name=signed.operator.name)
            )  # fmt: skip
            self.pages.setCurrentIndex(1)
            self.ok.setText(_("设置新密码并登录"))
            show_message(self.message, "")
            self.new_password.new.setFocus()
            return
        self.accept()

    def _set_new_password(self) -> None:
        assert self.signed is not None
        operator = self.signed.operator
        try:
            new = self.new_password.value()
            checking(self, lambda: self.auth.change_password(operator, self._typed, new))
        except UserError as exc:
            show_message(self.message, exc.message)
            self.new_password.clear()
            self.new_password.new.setFocus()
            return
        self._typed = ""
        self.signed = SignedIn(operator, must_change_password=False)
        self.accept()

    def reject(self) -> None:
        if self.locked_to is not None:
            return  # a locked window opens only with the password
        self.signed = None
        super().reject()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.locked_to is not None and event.key() == Qt.Key.Key_Escape:
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.locked_to is not None and self.result() != QDialog.DialogCode.Accepted:
            event.ignore()
            return
        super().closeEvent(event)
