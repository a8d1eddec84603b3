"""Password dialogs: change one's own, reset another operator's (administrator), and create
the first administrator of a project. Each change is one use case of ``services.auth``."""

from __future__ import annotations

from datetime import tzinfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...i18n import _
from ...services.auth.service import Account, AuthService
from ...services.clock import project_zone, shown
from ...services.errors import UserError
from ...services.households.service import OperatorRef
from .fields import NewPasswordFields, checking, message_label, password_box, show_message
from .sign_in import role_label


def _buttons(dialog: QDialog, ok_text: str, close_text: str) -> tuple[QPushButton, QPushButton]:
    box = QDialogButtonBox(dialog)
    ok = box.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
    close = box.addButton(close_text, QDialogButtonBox.ButtonRole.RejectRole)
    ok.setObjectName("okButton")
    close.clicked.connect(dialog.reject)
    dialog.layout().addWidget(box)
    return ok, close


class ChangePasswordDialog(QDialog):
    """The signed-in operator changes their own password."""

    def __init__(self, auth: AuthService, operator: OperatorRef, parent: QWidget | None = None):
        super().__init__(parent)
        self.auth, self.operator = auth, operator
        self.setWindowTitle(_("修改密码"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.addRow(QLabel(_("{name}（{login}）", name=operator.name, login=operator.login)))
        self.current = password_box(self, "currentPassword")
        form.addRow(_("当前密码："), self.current)
        self.fields = NewPasswordFields(self, form)
        layout.addLayout(form)
        self.message = message_label(self)
        layout.addWidget(self.message)
        self.ok, _close = _buttons(self, _("修改密码"), _("取消"))
        self.ok.clicked.connect(self.submit)
        self.current.setFocus()

    def submit(self) -> None:
        try:
            new = self.fields.value()
            current = self.current.text()
            checking(self, lambda: self.auth.change_password(self.operator, current, new))
        except UserError as exc:
            show_message(self.message, exc.message)
            return
        self.accept()


class ResetPasswordDialog(QDialog):
    """The administrator gives an operator a temporary password (changed at next sign-in)."""

    def __init__(self, auth: AuthService, admin: OperatorRef, parent: QWidget | None = None):
        super().__init__(parent)
        self.auth, self.admin = auth, admin
        self.accounts: list[Account] = []
        self.setWindowTitle(_("重置工作人员密码"))
        self.resize(640, 520)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                _("选一位工作人员，为其设置临时密码。对方下次登录时必须改成自己的密码；"
                  "被锁定的登录名同时解锁。"),
                self,
            )
        )  # fmt: skip
        headers = [_("登录名"), _("姓名"), _("角色"), _("密码状态")]
        self.table = QTableWidget(0, len(headers), self)
        self.table.setObjectName("accounts")
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        layout.addWidget(self.table)
        form = QFormLayout()
        self.fields = NewPasswordFields(self, form)
        layout.addLayout(form)
        self.message = message_label(self)
        layout.addWidget(self.message)
        self.ok, _close = _buttons(self, _("重置密码"), _("关闭"))
        self.ok.clicked.connect(self.submit)
        self.reload()

    def reload(self) -> None:
        self.accounts = self.auth.accounts()
        self.table.setRowCount(len(self.accounts))
        for row, a in enumerate(self.accounts):
            for col, text in enumerate(
                (a.login, a.name, role_label(a.role), self.state(a, project_zone(self.auth.db)))
            ):  # fmt: skip
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled)
                self.table.setItem(row, col, item)

    @staticmethod
    def state(a: Account, zone: tzinfo | None = None) -> str:
        if a.locked_until is not None:
            at = shown(a.locked_until, zone, "%H:%M")
            return _("已锁定（至 {at}）", at=at)
        if not a.has_password:
            return _("未设置密码")
        if a.must_change_password:
            return _("临时密码，待本人修改")
        return _("正常")

    def select_login(self, login: str) -> None:
        for row, a in enumerate(self.accounts):
            if a.login == login:
                self.table.selectRow(row)
                return

    def submit(self) -> None:
        row = self.table.currentRow()
        if row < 0 or not self.table.selectionModel().hasSelection():
            show_message(self.message, _("请先在上面的表中选一位工作人员。"))
            return
        login = self.accounts[row].login
        try:
            temporary = self.fields.value()
            checking(self, lambda: self.auth.reset_password(self.admin, login, temporary))
        except UserError as exc:
            show_message(self.message, exc.message)
            return
        self.fields.clear()
        self.reload()
        self.select_login(login)
        show_message(
            self.message,
            _("已为 {login} 设置临时密码，请当面告诉本人；对方下次登录时须修改。", login=login),
            error=False,
        )


class FirstAdministratorDialog(QDialog):
    """A project in which nobody has a password yet: create its administrator (or give an
    existing administrator login its password)."""

    def __init__(
        self,
        auth: AuthService,
        *,
        project_name: str = "",
        login: str = "",
        name: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.auth = auth
        self.operator: OperatorRef | None = None
        self.setWindowTitle(_("创建管理员"))
        layout = QVBoxLayout(self)
        intro = QLabel(
            _("项目“{project}”还没有人可以登录。请设置管理员的登录名、姓名和密码；"
              "管理员再为其他工作人员设置初始密码。", project=project_name),
            self,
        )  # fmt: skip
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.login = QLineEdit(login, self)
        self.login.setObjectName("adminLogin")
        self.login.setMaxLength(40)
        self.name = QLineEdit(name, self)
        self.name.setObjectName("adminName")
        self.name.setMaxLength(100)
        form.addRow(_("登录名："), self.login)
        form.addRow(_("姓名："), self.name)
        self.fields = NewPasswordFields(self, form)
        layout.addLayout(form)
        self.message = message_label(self)
        layout.addWidget(self.message)
        self.ok, _close = _buttons(self, _("创建并登录"), _("退出"))
        self.ok.clicked.connect(self.submit)
        (self.fields.new if login and name else self.login).setFocus()

    def submit(self) -> None:
        login, name = self.login.text(), self.name.text()
        try:
            password = self.fields.value()
            self.operator = checking(
                self, lambda: self.auth.create_first_administrator(login, name, password)
            )
        except UserError as exc:
            show_message(self.message, exc.message)
            return
        self.accept()
