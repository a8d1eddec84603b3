"""Signing in when a database is opened (at start and by 文件 → 打开数据库).

A project in which nobody has a password yet first creates its administrator (who is then
signed in); otherwise the sign-in dialog asks, with the login last used on this computer
for this database already filled in. The questions go through ``gui.dialogs`` so tests can
answer them.
"""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget

from ...i18n import _
from ...services.auth.service import AuthService
from ...services.households.service import OperatorRef, operators
from ...storage.db import Database
from .. import dialogs


def _settings() -> QSettings:
    return QSettings("relocation-desk", "relocation-desk")


def remember_key(db: Database) -> str:
    """The QSettings key of the login last used for this database on this computer."""
    where = str(db.path.resolve()) if db.path else db.url.render_as_string(hide_password=True)
    return "operator/" + hashlib.sha256(where.encode()).hexdigest()[:16]


def reopen_keeps(old: Database | None, new: Database, operator: OperatorRef | None) -> bool:
    """Whether ``new`` is the file ``old`` was (re-opened after a restore) and the signed-in
    operator is still an active operator in it: then nobody needs to sign in again."""
    if old is None or old.path is None or new.path is None:
        return False
    if old.path.resolve() != new.path.resolve():
        return False
    return operator is None or any(o.id == operator.id for o in operators(new))


def sign_in(parent: QWidget | None, db: Database) -> OperatorRef | None:
    """The operator who signed in to ``db``; None when they gave up. A database a newer
    version of the program wrote is pointed out first, before anyone works in it."""
    warning = db.newer_version_warning
    if warning:
        dialogs.show_warning(parent, _("数据库由更新版本的程序写入过"), warning)
    auth = AuthService(db)
    project = auth.project_name()
    if auth.needs_first_administrator() and not auth.give_demo_passwords():
        login, name = auth.first_administrator_suggestion()
        admin = dialogs.ask_first_administrator(
            parent, auth, project_name=project, login=login, name=name
        )
        if admin is not None:
            _settings().setValue(remember_key(db), admin.login)
        return admin
    store = _settings()
    demo = auth.demo_password()
    signed = dialogs.ask_sign_in(
        parent,
        auth,
        login=str(store.value(remember_key(db), "") or ""),
        project_name=project,
        demo_password=demo,
        demo_accounts=operators(db) if demo is not None else [],
    )
    if signed is None:
        return None
    store.setValue(remember_key(db), signed.operator.login)
    return signed.operator
