"""What the sub-commands share: the user-error type, opening a database, dates, operators."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ..i18n import _

if TYPE_CHECKING:
    from ..services.households.service import OperatorRef
    from ..storage.db import Database


class CliError(Exception):
    """A user or environment error: its message is shown as one line."""


def date_arg(text: str) -> date:
    """argparse ``type=`` for YYYY-MM-DD dates, with a message that says how to write one."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("日期格式不对：{text}；请写成 YYYY-MM-DD，例如 2026-03-05", text=text)
        ) from None


def open_target(target: str, *, migrate: bool = True) -> Database:
    """A database from a file path or a PostgreSQL URL, as the user typed it."""
    from ..storage.db import open_database

    return open_database(target if "://" in target else Path(target), migrate=migrate)


def find_operator(db: Database, login: str | None) -> OperatorRef | None:
    """The operator with this login (None when no login was given)."""
    from ..services.households.service import operators

    if login is None:
        return None
    for op in operators(db):
        if op.login == login:
            return op
    raise CliError(_("找不到登录名为 {login} 的工作人员", login=login))
