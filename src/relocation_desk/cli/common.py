"""What the sub-commands share: the user-error type, opening a database, dates, sign-in.

Commands that change data or export personal data take ``--operator LOGIN`` and sign in with
the password from the environment variable ``RD_PASSWORD``, or typed at a prompt when stdin is
a terminal — never from the command line, where other users and the shell history see it.
Read-only commands take no operator. A login given to any command is always signed in: a
login is never believed without its password.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import date
from typing import TYPE_CHECKING

from ..i18n import _

if TYPE_CHECKING:
    from ..services.households.service import OperatorRef
    from ..storage.db import Database


class CliError(Exception):
    """A user or environment error: its message is shown as one line."""


def date_arg(text: str) -> date:
    """argparse ``type=`` for YYYY-MM-DD dates from 1900 to 2100, with a message that says how
    to write one (week dates such as 2026-W49-1 are refused)."""
    from ..domain.limits import LimitError, parse_date

    try:
        return parse_date(text)
    except LimitError as exc:
        raise argparse.ArgumentTypeError(exc.reason) from None


def open_target(target: str, *, migrate: bool = True) -> Database:
    """A database from a file path or a PostgreSQL URL, as the user typed it."""
    from ..storage.db import open_database
    from .arguments import database_target

    db = open_database(database_target(target), migrate=migrate)
    warning = db.newer_version_warning
    if warning:  # before the command does anything in it
        print(_("警告：{warning}", warning=warning), file=sys.stderr)
    return db


PASSWORD_ENV = "RD_PASSWORD"
NEW_PASSWORD_ENV = "RD_NEW_PASSWORD"


def add_operator_option(
    parser: argparse.ArgumentParser, *, required: bool = True, help: str | None = None
) -> None:
    """``--operator LOGIN``: who does this; the password comes from RD_PASSWORD or a prompt."""
    parser.add_argument(
        "--operator",
        required=required,
        metavar="LOGIN",
        help=help or _("操作员登录名（密码取自环境变量 RD_PASSWORD，或在终端中输入）"),
    )


def read_secret(env_name: str, prompt: str, missing: str) -> str:
    """A password from ``env_name``, or typed at a terminal; CliError(``missing``) otherwise."""
    value = os.environ.get(env_name)
    if value:
        return value
    if sys.stdin.isatty():
        try:
            typed = getpass.getpass(prompt)
        except EOFError:
            typed = ""
        if typed:
            return typed
    raise CliError(missing)


def read_password(login: str) -> str:
    """The password of ``login``: RD_PASSWORD, or typed at a terminal."""
    return read_secret(
        PASSWORD_ENV,
        _("{login} 的密码：", login=login),
        _(
            "没有 {login} 的密码：请设置环境变量 RD_PASSWORD，或在终端中运行本命令输入密码。",
            login=login,
        ),
    )


def signed_in_operator(
    db: Database, login: str | None, *, needed: bool = True, password_change: bool = False
) -> OperatorRef | None:
    """The operator ``login`` once their password is checked (None when no login was given
    and ``needed`` is False). ``password_change``: allow a password that must be changed."""
    from ..services.auth.service import AuthService

    if login is None:
        if needed:
            raise CliError(
                _("这个命令会修改数据或导出个人信息：请用 --operator 写明登录名，并提供密码。")
            )
        return None
    signed = AuthService(db).sign_in(login, read_password(login))
    if signed.must_change_password and not password_change:
        raise CliError(
            _(
                "{login} 的密码已由管理员重置，须先修改密码：relocation-desk password "
                "--db 数据库 --operator {login}",
                login=login,
            )
        )
    return signed.operator


def find_operator(db: Database, login: str | None) -> OperatorRef | None:
    """The operator ``login``, signed in with their password (None when no login was given)."""
    return signed_in_operator(db, login, needed=False)
