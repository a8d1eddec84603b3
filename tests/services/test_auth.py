"""Sign-in, lockout, password changes and the first administrator (services.auth)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from relocation_desk.services.auth.service import (
    AuthService,
    NotAllowed,
    PasswordRejected,
    SignInRefused,
)
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database

from ..storage.factories import make_project


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def auth(db: Database, clock: Clock) -> AuthService:
    with db.session() as s:
        project, team, _village = make_project(s)
        s.add_all([
            m.Operator(project_id=project.id, team_id=team.id, login="zhangwei", name="张伟",
                       role="member"),
            m.Operator(project_id=project.id, team_id=None, login="admin", name="王管理",
                       role="admin"),
        ])  # fmt: skip
        s.commit()
    return AuthService(db, clock=clock)


def audit_actions(db: Database) -> list[tuple[str, str]]:
    with db.session() as s:
        rows = s.execute(
            select(m.AuditLog.action, m.AuditLog.operator_login)
            .where(m.AuditLog.entity == "operator")
            .order_by(m.AuditLog.at)
        )
        return [(a, login) for a, login in rows]


def test_first_administrator_then_reset_and_must_change(auth: AuthService, db: Database) -> None:
    assert auth.needs_first_administrator()
    with pytest.raises(SignInRefused) as info:
        auth.sign_in("admin", "whatever1")
    assert info.value.reason == "no_password" and "管理员" in info.value.message
    with pytest.raises(PasswordRejected, match="已被 张伟 使用"):
        auth.create_first_administrator("zhangwei", "张伟", "admin-pass-1")
    admin = auth.create_first_administrator("admin", "王管理", "admin-pass-1")
    assert not auth.needs_first_administrator()
    with pytest.raises(NotAllowed):
        auth.create_first_administrator("other", "李四", "admin-pass-2")
    signed = auth.sign_in("admin", "admin-pass-1")
    assert signed.operator == admin and not signed.must_change_password

    with pytest.raises(PasswordRejected, match="至少"):
        auth.reset_password(admin, "zhangwei", "short")
    auth.reset_password(admin, "zhangwei", "temporary-1")
    member = auth.sign_in("zhangwei", "temporary-1")
    assert member.must_change_password
    with pytest.raises(NotAllowed):
        auth.reset_password(member.operator, "admin", "taken-over-1")
    with pytest.raises(PasswordRejected, match="当前密码不对"):
        auth.change_password(member.operator, "wrong-one", "my-own-pass")
    with pytest.raises(PasswordRejected, match="不能和当前密码相同"):
        auth.change_password(member.operator, "temporary-1", "temporary-1")
    auth.change_password(member.operator, "temporary-1", "my-own-pass")
    assert not auth.sign_in("zhangwei", "my-own-pass").must_change_password
    with pytest.raises(SignInRefused):
        auth.sign_in("zhangwei", "temporary-1")
    actions = [a for a, _login in audit_actions(db)]
    for action in ("create_admin", "sign_in", "password_reset", "password_change",
                   "sign_in_failed"):  # fmt: skip
        assert action in actions
    with db.session() as s:
        stored = s.scalars(select(m.Operator.password_hash)).all()
        notes = s.scalars(select(m.AuditLog.note)).all()
    assert all(h.startswith("scrypt$32768$8$1$") for h in stored)
    assert not any("my-own-pass" in n or "temporary-1" in n for n in notes)


def test_unknown_login_and_wrong_password_say_the_same(auth: AuthService) -> None:
    admin = auth.create_first_administrator("admin", "王管理", "admin-pass-1")
    auth.reset_password(admin, "zhangwei", "temporary-1")
    messages = []
    for login, password in (("nobody", "temporary-1"), ("zhangwei", "wrong-pass")):
        with pytest.raises(SignInRefused) as info:
            auth.sign_in(login, password)
        assert info.value.reason == "wrong"
        messages.append(info.value.message)
    assert messages[0] == messages[1]
    assert "登录名或密码不对" in messages[0]


def test_five_wrong_passwords_lock_for_five_minutes(
    auth: AuthService, db: Database, clock: Clock
) -> None:
    admin = auth.create_first_administrator("admin", "王管理", "admin-pass-1")
    auth.reset_password(admin, "zhangwei", "temporary-1")
    for _ in range(4):
        with pytest.raises(SignInRefused) as info:
            auth.sign_in("zhangwei", "wrong-pass")
        assert info.value.reason == "wrong"
    with pytest.raises(SignInRefused) as info:
        auth.sign_in("zhangwei", "wrong-pass")
    assert info.value.reason == "locked" and info.value.minutes_left == 5
    assert "5 分钟后再试" in info.value.message
    clock.now += timedelta(minutes=2, seconds=30)
    with pytest.raises(SignInRefused) as info:
        auth.sign_in("zhangwei", "temporary-1")  # the right password does not open a lock
    assert info.value.reason == "locked" and info.value.minutes_left == 3
    assert [a.locked_until for a in auth.accounts() if a.login == "zhangwei"] != [None]
    clock.now += timedelta(minutes=2, seconds=31)
    assert auth.sign_in("zhangwei", "temporary-1").operator.login == "zhangwei"
    actions = audit_actions(db)
    assert actions.count(("sign_in_failed", "zhangwei")) == 5
    assert actions.count(("lock", "zhangwei")) == 1
    # After the lock a fresh count: four more failures do not lock again.
    for _ in range(4):
        with pytest.raises(SignInRefused) as info:
            auth.sign_in("zhangwei", "wrong-pass")
        assert info.value.reason == "wrong"
    # A reset by the administrator lifts a lock at once.
    with pytest.raises(SignInRefused):
        auth.sign_in("zhangwei", "wrong-pass")
    auth.reset_password(admin, "zhangwei", "temporary-2")
    assert auth.sign_in("zhangwei", "temporary-2").must_change_password


def test_idle_lock_setting(auth: AuthService, db: Database) -> None:
    assert auth.idle_lock_minutes() == 15
    with db.session() as s:
        project_id = s.scalar(select(m.Project.id))
        s.add(m.Setting(project_id=project_id, key="idle_lock_minutes", value=5))
        s.commit()
    assert auth.idle_lock_minutes() == 5
    with db.session() as s:
        s.get_one(m.Setting, (project_id, "idle_lock_minutes")).value = "soon"
        s.commit()
    assert auth.idle_lock_minutes() == 15


def test_only_a_demo_project_gets_demo_passwords(auth: AuthService, db: Database) -> None:
    assert not auth.give_demo_passwords()  # not a demo: nobody's password is set for them
    with pytest.raises(SignInRefused):
        auth.sign_in("zhangwei", "demo")
