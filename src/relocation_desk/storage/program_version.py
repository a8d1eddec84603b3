"""Which versions of the program wrote a database (table ``program_version``, revision 0008).

Opening a database for writing (``db.open_database``) reads the versions recorded so far,
then records this program's version (first and last time). A database last written by a
newer version of the program (same schema: a newer schema is refused outright) may hold
data this version does not know how to treat; :func:`newer_version_warning` says so, and
the window and the command line show it before any work is done in it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, inspect, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from .. import __version__
from ..i18n import _
from . import models as m
from .errors import StorageError

__all__ = [
    "WrittenBy",
    "newer_version_warning",
    "read_writers",
    "record_writer",
    "version_key",
]

log = logging.getLogger(__name__)
MAX_VERSION_LENGTH = 40
SHORT_WAIT_MS = 300


@dataclass(frozen=True)
class WrittenBy:
    version: str
    first_written_at: datetime  # aware UTC
    last_written_at: datetime


def version_key(version: str) -> tuple[int, ...]:
    """``"0.10.2"`` → ``(0, 10, 2)``, for ordering; a part's leading digits count (``"1rc2"``
    → 1), a part without any counts 0."""
    key = []
    for part in version.strip().split("."):
        digits = re.match(r"\d{1,9}", part)
        key.append(int(digits.group()) if digits else 0)
    while len(key) > 1 and key[-1] == 0:
        key.pop()
    return tuple(key)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def read_writers(conn: Connection) -> tuple[WrittenBy, ...]:
    """The versions recorded in the database, oldest first (empty before revision 0008)."""
    if not inspect(conn).has_table(m.ProgramVersion.__tablename__):
        return ()
    p = m.ProgramVersion
    rows = conn.execute(select(p.version, p.first_written_at, p.last_written_at)).all()
    found = [WrittenBy(v, _aware(first), _aware(last)) for v, first, last in rows]
    found.sort(key=lambda w: (version_key(w.version), w.version))
    return tuple(found)


def record_writer(engine: Engine, now: datetime, version: str = __version__) -> bool:
    """Record that ``version`` opened the database for writing at ``now``; False when
    nothing could be written this time (the database stayed busy, the disk is full)."""
    p = m.ProgramVersion
    version = version[:MAX_VERSION_LENGTH]
    for _attempt in range(2):
        try:
            with engine.connect() as conn, _short_wait(conn), conn.begin():
                done = conn.execute(
                    update(p).where(p.version == version).values(last_written_at=now)
                ).rowcount
                if not done:
                    conn.execute(
                        p.__table__.insert().values(
                            version=version, first_written_at=now, last_written_at=now
                        )
                    )
            return True
        except IntegrityError:  # another program recorded the same version just now
            continue
        except (OperationalError, StorageError) as exc:
            # Busy (another program writing), a full disk …: opening goes on; the next
            # opening records it.
            log.warning("program version not recorded: %s", exc)
            return False
    return False


@contextmanager
def _short_wait(conn: Connection) -> Iterator[None]:
    """While another program writes, wait a moment only (SQLite's busy timeout): the record
    is not worth holding up the opening of the window."""
    if conn.dialect.name != "sqlite":
        yield
        return
    raw = conn.connection.driver_connection  # PRAGMAs outside SQLAlchemy's transaction
    assert raw is not None
    before = raw.execute("PRAGMA busy_timeout").fetchone()[0]
    raw.execute(f"PRAGMA busy_timeout = {SHORT_WAIT_MS}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA busy_timeout = {int(before or 0)}")


def newer_version_warning(writers: tuple[WrittenBy, ...], version: str = __version__) -> str | None:
    """In Chinese, what to know about a database a newer program version wrote; None when
    none did."""
    newer = [w for w in writers if version_key(w.version) > version_key(version)]
    if not newer:
        return None
    latest = max(newer, key=lambda w: (version_key(w.version), w.version))
    return _(
        "这个数据库曾由更新版本的程序（{newer}）写入，本程序是 {ours} 版。"
        "较新版本记录的内容，本程序可能不认识或处理不全：请尽快把本程序升级到 {newer} "
        "或更新的版本；升级前只做必要的工作，有疑问请先联系技术负责人",
        newer=latest.version,
        ours=version,
    )
