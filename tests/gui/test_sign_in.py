"""Sign-in, password changes, the administrator's reset and the idle lock, driven through the
real widgets on a copy of the demo project (every demo operator's password is ``demo``)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from .typing import type_text

pytestmark = pytest.mark.gui

DEMO_PASSWORD = "demo"


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def db_file(tmp_path: Path, demo_db_path: Path) -> Path:
    target = tmp_path / "s.sqlite"
    shutil.copy(demo_db_path, target)
    return target


@pytest.fixture
def db(db_file: Path) -> Iterator[Any]:
    from relocation_desk.gui.app import make_app
    from relocation_desk.storage.db import open_database

    make_app()
    database = open_database(db_file)
    yield database
    database.close()


def first(db: Any, role: str) -> Any:
    from relocation_desk.services.households.service import operators

    return next(o for o in operators(db) if o.role == role)


def sign_in_dialog(qtbot: Any, auth: Any, **kwargs: Any) -> Any:
    from relocation_desk.gui.auth.sign_in import SignInDialog

    dialog = SignInDialog(auth, **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def attempt(qtbot: Any, dialog: Any, login: str | None, password: str) -> None:
    if login is not None:
        dialog.login.clear()
        type_text(qtbot, dialog.login, login)
    dialog.password.clear()
    type_text(qtbot, dialog.password, password)
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)


def test_wrong_password_then_lock_with_minutes_left_then_sign_in(qtbot, db) -> None:
    from relocation_desk.services.auth.service import AuthService

    clock = Clock()
    member = first(db, "member")
    dialog = sign_in_dialog(qtbot, AuthService(db, clock=clock), login=member.login)
    assert dialog.login.text() == member.login and dialog.focusWidget() == dialog.password
    attempt(qtbot, dialog, None, "not-the-password")
    assert dialog.isVisible() and dialog.signed is None
    assert "登录名或密码不对" in dialog.message.text() and dialog.password.text() == ""
    attempt(qtbot, dialog, "nobody-here", "not-the-password")
    assert "登录名或密码不对" in dialog.message.text()  # the same words for an unknown login
    for _ in range(4):
        attempt(qtbot, dialog, member.login, "still-wrong")
    assert "已被锁定" in dialog.message.text() and "5 分钟后再试" in dialog.message.text()
    clock.now += timedelta(minutes=3, seconds=10)
    attempt(qtbot, dialog, None, DEMO_PASSWORD)  # right, but still locked
    assert "2 分钟后再试" in dialog.message.text() and dialog.signed is None
    clock.now += timedelta(minutes=2)
    attempt(qtbot, dialog, None, DEMO_PASSWORD)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.signed.operator == member and not dialog.signed.must_change_password


def test_demo_sign_in_screen_says_the_password(qtbot, db, monkeypatch) -> None:
    from relocation_desk.gui import dialogs
    from relocation_desk.gui.auth.flow import sign_in
    from relocation_desk.services.auth.service import AuthService

    seen: dict[str, Any] = {}

    def ask(parent, auth, **kwargs):
        dialog = sign_in_dialog(qtbot, auth, **kwargs)
        seen["note"] = dialog.findChild(type(dialog.message), "demoPasswordNote").text()
        picker = dialog.demo_accounts
        leader = next(i for i in range(picker.count()) if "组长" in picker.itemText(i))
        picker.setCurrentIndex(leader)
        seen["login"] = dialog.login.text()
        attempt(qtbot, dialog, None, DEMO_PASSWORD)
        return dialog.signed

    monkeypatch.setattr(dialogs, "ask_sign_in", ask)
    operator = sign_in(None, db)
    assert "每位工作人员的密码都是 demo" in seen["note"]
    assert operator is not None and operator.role == "leader"
    assert operator.login == seen["login"]
    assert AuthService(db).demo_password() == DEMO_PASSWORD

    remembered: list[str] = []
    monkeypatch.setattr(dialogs, "ask_sign_in", lambda p, a, **kw: remembered.append(kw["login"]))
    assert sign_in(None, db) is None  # cancelled: nobody signed in
    assert remembered == [operator.login]  # the last login on this computer is filled in


def test_reset_by_admin_then_new_password_at_sign_in(qtbot, db) -> None:
    from relocation_desk.gui.auth.passwords import ResetPasswordDialog
    from relocation_desk.services.auth.service import AuthService

    auth = AuthService(db)
    admin, member = first(db, "admin"), first(db, "member")
    reset = ResetPasswordDialog(auth, admin)
    qtbot.addWidget(reset)
    reset.show()
    qtbot.mouseClick(reset.ok, Qt.MouseButton.LeftButton)
    assert "请先在上面的表中选一位工作人员" in reset.message.text()
    reset.select_login(member.login)
    type_text(qtbot, reset.fields.new, "short")
    type_text(qtbot, reset.fields.again, "short")
    qtbot.mouseClick(reset.ok, Qt.MouseButton.LeftButton)
    assert "至少要 8 个字符" in reset.message.text()
    reset.fields.clear()
    type_text(qtbot, reset.fields.new, "linshi-2026")
    type_text(qtbot, reset.fields.again, "linshi-2026")
    qtbot.mouseClick(reset.ok, Qt.MouseButton.LeftButton)
    assert f"已为 {member.login} 设置临时密码" in reset.message.text()
    row = next(r for r, a in enumerate(reset.accounts) if a.login == member.login)
    assert reset.table.item(row, 3).text() == "临时密码，待本人修改"

    dialog = sign_in_dialog(qtbot, auth, login=member.login)
    attempt(qtbot, dialog, None, DEMO_PASSWORD)  # the old password no longer works
    assert "登录名或密码不对" in dialog.message.text()
    attempt(qtbot, dialog, None, "linshi-2026")
    assert dialog.pages.currentIndex() == 1 and dialog.result() != QDialog.DialogCode.Accepted
    type_text(qtbot, dialog.new_password.new, "wode-mima-1")
    type_text(qtbot, dialog.new_password.again, "wode-mima-2")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert "两次输入的新密码不一样" in dialog.message.text()
    type_text(qtbot, dialog.new_password.new, "wode-mima-1")
    type_text(qtbot, dialog.new_password.again, "wode-mima-1")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.signed.operator == member and not dialog.signed.must_change_password
    assert not auth.sign_in(member.login, "wode-mima-1").must_change_password


def test_first_administrator_of_an_upgraded_project(qtbot, db, monkeypatch) -> None:
    from relocation_desk.gui import dialogs
    from relocation_desk.gui.auth.flow import sign_in
    from relocation_desk.gui.auth.passwords import FirstAdministratorDialog
    from relocation_desk.storage import models as m

    with db.session() as s:  # a real project after migration 0003: nobody has a password
        for o in s.query(m.Operator):
            o.password_hash = ""
        s.query(m.Setting).filter_by(key="demo").delete()
        s.commit()
    admin = first(db, "admin")
    monkeypatch.setattr(dialogs, "ask_sign_in", lambda *a, **k: pytest.fail("asked"))

    def ask(parent, auth, **kwargs):
        dialog = FirstAdministratorDialog(auth, **kwargs)
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.login.text() == admin.login and dialog.name.text() == admin.name
        type_text(qtbot, dialog.fields.new, "guanliyuan-1")
        type_text(qtbot, dialog.fields.again, "guanliyuan-1")
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
        return dialog.operator

    monkeypatch.setattr(dialogs, "ask_first_administrator", ask)
    assert sign_in(None, db) == admin


def test_change_own_password_from_the_menu(qtbot, db, monkeypatch) -> None:
    from relocation_desk.gui import dialogs
    from relocation_desk.gui.auth.passwords import ChangePasswordDialog
    from relocation_desk.gui.main_window import MainWindow
    from relocation_desk.services.auth.service import AuthService

    leader = first(db, "leader")
    window = MainWindow(db, leader)
    qtbot.addWidget(window)
    feature = window.auth_feature
    assert feature.change_action.isEnabled() and not feature.reset_action.isEnabled()
    assert "无权" in feature.reset_action.toolTip()
    infos: list[str] = []
    monkeypatch.setattr(dialogs, "show_info", lambda p, title, text: infos.append(text))

    def drive(self: ChangePasswordDialog) -> int:
        self.show()
        type_text(qtbot, self.current, "wrong-one")
        type_text(qtbot, self.fields.new, "xin-mima-88")
        type_text(qtbot, self.fields.again, "xin-mima-88")
        qtbot.mouseClick(self.ok, Qt.MouseButton.LeftButton)
        assert "当前密码不对" in self.message.text()
        self.current.clear()
        type_text(qtbot, self.current, DEMO_PASSWORD)
        qtbot.mouseClick(self.ok, Qt.MouseButton.LeftButton)
        return int(self.result())

    monkeypatch.setattr(ChangePasswordDialog, "exec", drive)
    next(a for a in window.menus["file"].actions() if a.text() == "修改密码(&P)…").trigger()
    assert infos == ["密码已修改，下次登录请用新密码。"]
    assert AuthService(db).sign_in(leader.login, "xin-mima-88").operator == leader


def test_idle_lock_keeps_unsaved_edits_and_opens_only_for_the_same_operator(qtbot, db) -> None:
    from relocation_desk.gui.main_window import MainWindow

    hq, member = first(db, "hq"), first(db, "member")
    window = MainWindow(db, hq)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.open_current()
    editor = window.editor
    qtbot.waitExposed(editor)
    type_text(qtbot, editor.basic.address_edit, "东关街12号")
    address = editor.basic.address_edit.text()
    assert editor.is_modified()

    idle = window.auth_feature.idle
    assert idle.timer.interval() == 15 * 60_000  # the default idle_lock_minutes
    idle.set_interval_ms(50)
    qtbot.waitUntil(lambda: idle.locked, timeout=5_000)
    covers = idle.covers
    assert {c.parentWidget() for c in covers} >= {window, editor}
    assert all(c.isVisible() for c in covers)
    unlock = idle.dialog
    assert unlock is not None and unlock.login.isReadOnly() and unlock.login.text() == hq.login
    assert unlock.isModal() and unlock.cancel is None
    qtbot.keyClick(unlock, Qt.Key.Key_Escape)
    assert unlock.isVisible() and idle.locked  # Esc does not open a locked window
    attempt(qtbot, unlock, None, "wrong-password")
    assert "登录名或密码不对" in unlock.message.text() and idle.locked
    unlock.login.setReadOnly(False)  # someone else tries to unlock with their own password
    attempt(qtbot, unlock, member.login, DEMO_PASSWORD)
    assert f"只有 {hq.name} 本人可以解锁" in unlock.message.text() and idle.locked
    attempt(qtbot, unlock, hq.login, DEMO_PASSWORD)
    assert not idle.locked and idle.covers == []
    qtbot.waitUntil(lambda: not any(c.isVisible() for c in QApplication.topLevelWidgets()
                                    if c.objectName() == "lockCover"))  # fmt: skip
    assert editor.isVisible() and editor.is_modified()
    assert editor.basic.address_edit.text() == address
    assert idle.timer.isActive()  # counting again
    idle.set_interval_ms(0)
    window.auth_feature.lock_action.trigger()  # 锁定窗口 by hand
    assert idle.locked
    attempt(qtbot, idle.dialog, None, DEMO_PASSWORD)
    assert not idle.locked
    editor.is_modified = lambda: False  # type: ignore[method-assign]  # close without asking
    editor.close()


def test_no_one_signed_in_never_locks(qtbot, db) -> None:
    from relocation_desk.gui.main_window import MainWindow

    window = MainWindow(db)
    qtbot.addWidget(window)
    feature = window.auth_feature
    assert not feature.lock_action.isEnabled() and not feature.change_action.isEnabled()
    assert not feature.idle.timer.isActive()
    feature.idle.lock()
    assert not feature.idle.locked


def test_opening_another_database_asks_who_signs_in_to_it(
    qtbot, db, db_file: Path, tmp_path: Path, monkeypatch
) -> None:
    from relocation_desk.gui import dialogs
    from relocation_desk.gui.main_window import MainWindow
    from relocation_desk.services.auth.service import SignedIn

    other = tmp_path / "other.sqlite"
    shutil.copy(db_file, other)
    hq, leader = first(db, "hq"), first(db, "leader")
    window = MainWindow(db, hq)
    qtbot.addWidget(window)
    monkeypatch.setattr(dialogs, "ask_open_database", lambda parent: other)
    asked: list[str] = []

    def nobody(parent, auth, **kwargs):
        asked.append(kwargs["project_name"])
        return None

    monkeypatch.setattr(dialogs, "ask_sign_in", nobody)
    window.open_action.trigger()
    assert asked and window.db is db and window.operator == hq  # cancelled: nothing changed
    monkeypatch.setattr(dialogs, "ask_sign_in", lambda p, a, **kw: SignedIn(leader, False))
    window.open_action.trigger()
    assert window.db.path == other and window.operator == leader
    assert leader.name in window.operator_label.text()


def test_a_demo_made_before_passwords_gets_the_demo_password(qtbot, db, monkeypatch) -> None:
    from relocation_desk.gui import dialogs
    from relocation_desk.gui.auth.flow import sign_in
    from relocation_desk.services.auth.service import AuthService, SignedIn
    from relocation_desk.storage import models as m

    with db.session() as s:  # an older demo, upgraded by migration 0003
        for o in s.query(m.Operator):
            o.password_hash = ""
        demo = s.query(m.Setting).filter_by(key="demo").one()
        demo.value = {k: v for k, v in demo.value.items() if k != "password"}
        s.commit()
    hq = first(db, "hq")
    said: list[str | None] = []

    def ask(parent, auth, **kwargs):
        said.append(kwargs["demo_password"])
        return SignedIn(auth.sign_in(hq.login, DEMO_PASSWORD).operator, False)

    monkeypatch.setattr(dialogs, "ask_sign_in", ask)
    monkeypatch.setattr(dialogs, "ask_first_administrator", lambda *a, **k: pytest.fail("asked"))
    assert sign_in(None, db) == hq
    assert said == [DEMO_PASSWORD]
    assert not AuthService(db).give_demo_passwords()  # only while nobody has a password
