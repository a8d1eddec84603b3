"""Sign-in use cases: each call is one transaction, and writes its audit rows in it.

Rules (issue #14, docs/architecture.md "Identities"):
- an unknown login, an inactive one and a wrong password get the same message, after the same
  work (one scrypt), so the answer does not tell which logins exist;
- ``LOCK_AFTER_FAILURES`` wrong passwords in a row lock the login for ``LOCK_DURATION``; each
  failure and the lock are audit rows; while locked the password is not even checked;
- a login with no password (every operator of a database upgraded to revision 0003) cannot
  sign in and is told to ask the administrator; the administrator sets a temporary password,
  which must be changed at the next sign-in;
- a project in which nobody has a password yet (new, or upgraded to revision 0003) lets the
  first run create its administrator.
Time comes from ``clock`` so tests can let a lock expire without waiting.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain import passwords
from ...domain.errors import InputError
from ...domain.permissions import Action, allowed
from ...domain.status import Role
from ...i18n import _
from ...storage import models as m
from ...storage.base import utcnow
from ...storage.db import Database
from ..errors import UserError
from ..households.service import OperatorRef, project_id_of
from ..settings import setting_value
from . import audit

__all__ = [
    "IDLE_LOCK_DEFAULT_MINUTES",
    "Account",
    "AuthService",
    "NotAllowed",
    "PasswordRejected",
    "SignInRefused",
    "SignedIn",
]

Clock = Callable[[], datetime]
IDLE_LOCK_SETTING = "idle_lock_minutes"
IDLE_LOCK_DEFAULT_MINUTES = 15


class SignInRefused(UserError):
    """Sign-in failed. ``reason``: ``wrong`` (login or password), ``locked``, ``no_password``."""

    def __init__(self, reason: str, message: str, minutes_left: int = 0) -> None:
        super().__init__(message)
        self.reason = reason
        self.minutes_left = minutes_left


class PasswordRejected(UserError):
    """A new password breaks the rules, or the current one was typed wrong; nothing changed."""


class NotAllowed(UserError):
    """The operator's role may not do this (password resets are the administrator's)."""


@dataclass(frozen=True)
class SignedIn:
    operator: OperatorRef
    must_change_password: bool


@dataclass(frozen=True)
class Account:
    """An operator as the administrator's password screen lists it."""

    id: uuid.UUID
    login: str
    name: str
    role: str
    has_password: bool
    must_change_password: bool
    locked_until: datetime | None


def _wrong() -> SignInRefused:
    return SignInRefused(
        "wrong",
        _(
            "登录名或密码不对；请检查后重新输入（注意大小写和输入法）。"
            "连续输错 {n} 次，该登录名将锁定 {minutes} 分钟。",
            n=passwords.LOCK_AFTER_FAILURES,
            minutes=int(passwords.LOCK_DURATION.total_seconds() // 60),
        ),
    )


def _locked(login: str, minutes: int) -> SignInRefused:
    return SignInRefused(
        "locked",
        _(
            "登录名 {login} 因连续输错密码已被锁定，请 {minutes} 分钟后再试；"
            "忘记密码请找管理员重置。",
            login=login,
            minutes=minutes,
        ),
        minutes_left=minutes,
    )


def _ref(o: m.Operator) -> OperatorRef:
    return OperatorRef(o.id, o.login, o.name, o.role, o.team_id)


class AuthService:
    def __init__(self, db: Database, clock: Clock = utcnow) -> None:
        self._db = db
        self._clock = clock

    @property
    def db(self) -> Database:
        return self._db

    # -- signing in ---------------------------------------------------------------------------

    def sign_in(self, login: str, password: str) -> SignedIn:
        """The operator ``login`` if ``password`` is theirs; else SignInRefused (committed:
        the failure count, the lock and their audit rows stay even though sign-in fails).

        The password is checked outside the write transaction (scrypt takes a tenth of a
        second; SQLite's write lock is not held meanwhile); the outcome is then written
        against the row as it is at that moment, so two failures at once both count."""
        login = login.strip()
        with self._db.session() as s:
            found = self._find(s, login)
            usable = found is not None and found.active
            stored = found.password_hash if usable and found is not None else ""
        now = self._clock()
        if not usable:
            passwords.burn_time(password)
        good = bool(stored) and passwords.verify_password(password, stored)
        with self._db.session(immediate=True) as s:
            op = self._find(s, login) if usable else None
            if op is None or not op.active:
                audit.record(s, at=now, action="sign_in_failed", actor_id=None,
                             actor_login=login[:40], target_id=op.id if op else None,
                             note=_("登录名不存在或已停用"))  # fmt: skip
                s.commit()
                raise _wrong()
            if op.locked_until is not None and op.locked_until > now:
                raise _locked(op.login, passwords.lock_minutes_left(op.locked_until, now))
            if op.locked_until is not None:  # the lock has run out: a fresh count
                op.locked_until = None
                op.failed_sign_ins = 0
            if not op.password_hash:
                s.commit()
                raise SignInRefused(
                    "no_password",
                    _(
                        "登录名 {login} 还没有设置密码，不能登录；请找管理员设置初始密码。",
                        login=op.login,
                    ),
                )
            if good and op.password_hash == stored:
                op.failed_sign_ins = 0
                if passwords.needs_rehash(stored):
                    op.password_hash = passwords.hash_password(password)
                audit.record(s, at=now, action="sign_in", actor_id=op.id,
                             actor_login=op.login, target_id=op.id)  # fmt: skip
                result = SignedIn(_ref(op), op.must_change_password)
                s.commit()
                return result
            op.failed_sign_ins += 1
            audit.record(s, at=now, action="sign_in_failed", actor_id=None, actor_login=op.login,
                         target_id=op.id, after={"failures": op.failed_sign_ins},
                         note=_("密码错误"))  # fmt: skip
            refused = _wrong()
            if op.failed_sign_ins >= passwords.LOCK_AFTER_FAILURES:
                until = now + passwords.LOCK_DURATION
                minutes = passwords.lock_minutes_left(until, now)
                op.locked_until, op.failed_sign_ins = until, 0
                audit.record(s, at=now, action="lock", actor_id=None, actor_login=op.login,
                             target_id=op.id, after={"locked_until": until.isoformat()},
                             note=_("连续 {n} 次密码错误，锁定 {minutes} 分钟",
                                    n=passwords.LOCK_AFTER_FAILURES, minutes=minutes))  # fmt: skip
                refused = _locked(op.login, minutes)
            s.commit()
        raise refused

    # -- passwords ----------------------------------------------------------------------------

    def change_password(self, operator: OperatorRef, current: str, new: str) -> None:
        """The operator sets a new password, proving they know the current one."""
        with self._db.session(immediate=True) as s:
            op = s.get(m.Operator, operator.id)
            if op is None or not op.active:
                raise PasswordRejected(_("找不到这个工作人员或已停用；请重新登录。"))
            if not passwords.verify_password(current, op.password_hash):
                raise PasswordRejected(_("当前密码不对；请重新输入当前密码。"))
            if new == current:
                raise PasswordRejected(_("新密码不能和当前密码相同；请换一个新密码。"))
            self._set(s, op, new, must_change=False)
            audit.record(s, at=self._clock(), action="password_change", actor_id=op.id,
                         actor_login=op.login, target_id=op.id)  # fmt: skip
            s.commit()

    def reset_password(self, admin: OperatorRef, login: str, temporary: str) -> None:
        """An administrator gives ``login`` a temporary password, to be changed at next sign-in;
        it also lifts a lock."""
        with self._db.session(immediate=True) as s:
            actor = s.get(m.Operator, admin.id)
            if (
                actor is None
                or not actor.active
                or not allowed(actor.role, Action.MANAGE_OPERATORS, own_team=False)
            ):
                raise NotAllowed(_("只有管理员可以重置别人的密码；请找管理员办理。"))
            op = self._find(s, login.strip())
            if op is None:
                raise PasswordRejected(_("找不到登录名为 {login} 的工作人员", login=login))
            self._set(s, op, temporary, must_change=op.id != actor.id)
            op.failed_sign_ins = 0
            op.locked_until = None
            audit.record(s, at=self._clock(), action="password_reset", actor_id=actor.id,
                         actor_login=actor.login, target_id=op.id,
                         note=_("管理员重置密码：{login}", login=op.login))  # fmt: skip
            s.commit()

    def accounts(self) -> list[Account]:
        """Every active operator with the state of their password, for the reset screen."""
        with self._db.session() as s:
            rows = s.scalars(
                select(m.Operator)
                .where(m.Operator.project_id == project_id_of(s), m.Operator.active.is_(True))
                .order_by(m.Operator.login)
            )
            now = self._clock()
            return [
                Account(o.id, o.login, o.name, o.role, bool(o.password_hash),
                        o.must_change_password,
                        o.locked_until if o.locked_until and o.locked_until > now else None)
                for o in rows
            ]  # fmt: skip

    # -- a new project --------------------------------------------------------------------------

    def needs_first_administrator(self) -> bool:
        """True while nobody in the project can sign in (no active operator has a password):
        a new project, or one upgraded to revision 0003. Once anyone can, an administrator
        is made only by an administrator, never by whoever sits at the keyboard."""
        with self._db.session() as s:
            return self._nobody_has_a_password(s, project_id_of(s))

    @staticmethod
    def _nobody_has_a_password(s: Session, project_id: uuid.UUID) -> bool:
        found = s.scalar(
            select(m.Operator.id)
            .where(
                m.Operator.project_id == project_id,
                m.Operator.active.is_(True),
                m.Operator.password_hash != "",
            )
            .limit(1)
        )
        return found is None

    def create_first_administrator(self, login: str, name: str, password: str) -> OperatorRef:
        """The project's first administrator with a password: a new operator, or an existing
        administrator login that has none yet (a database upgraded to revision 0003)."""
        login, name = login.strip(), name.strip()
        if not login or len(login) > 40:
            raise PasswordRejected(_("登录名不能为空，最多 40 个字符；请重新填写。"))
        if not name or len(name) > 100:
            raise PasswordRejected(_("姓名不能为空，最多 100 个字符；请重新填写。"))
        if not self.needs_first_administrator():
            raise NotAllowed(_("本项目已经有可以登录的工作人员；新的管理员请由管理员添加。"))
        with self._db.session(immediate=True) as s:
            op = self._find(s, login)
            if op is None:
                op = m.Operator(project_id=project_id_of(s), team_id=None, login=login,
                                name=name, role=Role.ADMIN.value, phone="", active=True)  # fmt: skip
                s.add(op)
            elif op.role != Role.ADMIN.value or not op.active:
                raise PasswordRejected(
                    _("登录名 {login} 已被 {name} 使用；请换一个登录名。", login=login,
                      name=op.name)
                )  # fmt: skip
            self._set(s, op, password, must_change=False)
            s.flush()
            audit.record(s, at=self._clock(), action="create_admin", actor_id=op.id,
                         actor_login=op.login, target_id=op.id, after={"name": op.name})  # fmt: skip
            ref = _ref(op)
            s.commit()
            return ref

    # -- settings -----------------------------------------------------------------------------

    def idle_lock_minutes(self) -> int:
        """Minutes without input after which the window locks (setting ``idle_lock_minutes``;
        0 turns the lock off; unreadable values count as the default)."""
        with self._db.session() as s:
            raw = setting_value(s, project_id_of(s), IDLE_LOCK_SETTING)
        if isinstance(raw, int) and not isinstance(raw, bool) and 0 <= raw <= 24 * 60:
            return raw
        return IDLE_LOCK_DEFAULT_MINUTES

    def project_name(self) -> str:
        with self._db.session() as s:
            return s.get_one(m.Project, project_id_of(s)).name

    def first_administrator_suggestion(self) -> tuple[str, str]:
        """(login, name) of an administrator who has no password yet, else ("admin", "")."""
        with self._db.session() as s:
            row = s.execute(
                select(m.Operator.login, m.Operator.name)
                .where(
                    m.Operator.project_id == project_id_of(s),
                    m.Operator.role == Role.ADMIN.value,
                    m.Operator.active.is_(True),
                )
                .order_by(m.Operator.login)
                .limit(1)
            ).first()
        return (row[0], row[1]) if row is not None else ("admin", "")

    def give_demo_passwords(self) -> bool:
        """A demo project made before operators had passwords (nobody has one): give every
        operator the demo password, as ``demo`` does now. False (nothing done) for any other
        project, or once anyone has a password."""
        with self._db.session(immediate=True) as s:
            project_id = project_id_of(s)
            demo = setting_value(s, project_id, "demo")
            if not isinstance(demo, dict) or not self._nobody_has_a_password(s, project_id):
                return False
            stored = passwords.hash_password(passwords.DEMO_PASSWORD)
            now = self._clock()
            for op in s.scalars(select(m.Operator).where(m.Operator.project_id == project_id)):
                op.password_hash, op.password_changed_at = stored, now
            setting = s.get_one(m.Setting, (project_id, "demo"))
            setting.value = {**demo, "password": passwords.DEMO_PASSWORD}
            audit.record(s, at=now, action="demo_passwords", actor_id=None, actor_login="",
                         target_id=None, note=_("演示项目：每位工作人员的密码设为演示密码"))  # fmt: skip
            s.commit()
            return True

    def demo_password(self) -> str | None:
        """The password every operator of a demo project was given (None: not a demo)."""
        with self._db.session() as s:
            raw = setting_value(s, project_id_of(s), "demo")
        password = raw.get("password") if isinstance(raw, dict) else None
        return password if isinstance(password, str) and password else None

    # -- helpers ------------------------------------------------------------------------------

    @staticmethod
    def _find(s: Session, login: str) -> m.Operator | None:
        return s.scalar(
            select(m.Operator).where(
                m.Operator.project_id == project_id_of(s), m.Operator.login == login
            )
        )

    def _set(self, s: Session, op: m.Operator, password: str, *, must_change: bool) -> None:
        try:
            passwords.check_new_password(password, login=op.login)
        except InputError as exc:
            raise PasswordRejected(exc.reason) from None
        op.password_hash = passwords.hash_password(password)
        op.must_change_password = must_change
        op.password_changed_at = self._clock()
