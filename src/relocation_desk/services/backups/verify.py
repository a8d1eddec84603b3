"""The audit-chain part of checking a backup before it is restored.

``storage.restore`` checks what SQLite can tell (intact pages, ours, schema not newer, same
project); a backup whose audit log was altered outside the program must not come back either.
The chain is checked with the same code as ``relocation-desk check``, on a read-only
connection, so the backup file is not changed by looking at it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from ...i18n import _
from ...storage.errors import BackupInvalid
from ..integrity.chain import check_chain
from ..integrity.report import Part


def verify_audit_chain(backup: Path) -> None:
    """Raise ``BackupInvalid`` when ``backup`` has an audit chain and it does not hold.
    A backup from before the chain existed has nothing to check."""
    uri = backup.absolute().as_uri() + "?mode=ro"
    engine = create_engine(
        "sqlite://", creator=lambda: sqlite3.connect(uri, uri=True), poolclass=NullPool
    )
    part = Part(_("审计日志链"))
    try:
        with engine.connect() as conn:
            has_chain = conn.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_chain_head'"
            ).first()
            if has_chain is None:
                return
            check_chain(conn, part)  # one read transaction (SQLAlchemy's autobegin)
    finally:
        engine.dispose()
    if not part.ok:
        first = part.problems[0] if part.problems else None
        raise BackupInvalid(
            _(
                "备份文件 {path} 不能用于恢复：它的审计日志链不完整（共 {n} 处问题，"
                "第一处：{where}：{what}），备份可能在程序之外被改动过。请选择其他备份",
                path=backup,
                n=part.count,
                where=first.where if first else "",
                what=first.what if first else "",
            ),
            path=backup,
        )
