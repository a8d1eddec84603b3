"""Errors of the storage layer that a user can understand and act on.

These are the *known environment errors* of the architecture notes: the file is missing, is
not ours, comes from a newer program, is locked, the disk is full. Each carries ``message``
(Chinese through ``_()``: what is wrong and what to do) for the GUI and CLI to show as is.
Anything else coming out of the database is a bug and propagates unchanged.

``translate_dbapi_error`` maps driver errors to these classes; ``db.create_engine_for``
installs it as a ``handle_error`` hook, so a full disk or a lock held by another program
surfaces as ``DiskFull`` or ``DatabaseLocked`` from any session, not as a raw
``OperationalError``.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from ..i18n import _

# A transaction that read an older snapshot tried to write after another one committed (WAL):
# waiting cannot help, the work must be redone (services use Database.session(immediate=True)
# for read-then-write work to avoid it).
_SQLITE_BUSY_SNAPSHOT = 517


class StorageError(Exception):
    """A database problem the user can do something about; ``message`` says what."""

    def __init__(self, message: str, *, path: Path | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:
        return self.message


class DatabaseNotFound(StorageError):
    """The file (or PostgreSQL database) does not exist and was not to be created."""


class NotADatabase(StorageError):
    """The file exists but is not SQLite, or is some other program's SQLite database."""


class DatabaseTooNew(StorageError):
    """The database was written by a newer version of this program; it was not changed."""

    def __init__(self, message: str, *, revision: str, path: Path | None = None) -> None:
        super().__init__(message, path=path)
        self.revision = revision


class DatabaseLocked(StorageError):
    """Another program (or window) holds the write lock longer than the busy timeout."""


class MigrationFailed(StorageError):
    """Upgrading the schema failed; the database was restored from ``backup_path``."""

    def __init__(
        self, message: str, *, backup_path: Path | None = None, path: Path | None = None
    ) -> None:
        super().__init__(message, path=path)
        self.backup_path = backup_path


class DiskFull(StorageError):
    """The disk (or the database's size limit) is full; the transaction was rolled back."""


class ReadOnly(StorageError):
    """The file, its folder or the medium cannot be written."""


class ServerUnavailable(StorageError):
    """The PostgreSQL server cannot be reached or refused the login."""


class BackupInvalid(StorageError):
    """A file offered for restore is damaged, not ours, or from a newer program."""


class BackupTargetExists(StorageError):
    """A backup would replace a file that is not a backup of the same project."""


class DatabaseInUse(StorageError):
    """Another program or window has the database open, so it cannot be replaced now."""


class WriteFailed(StorageError):
    """A file could not be written: the medium failed, was removed, or refused the write."""


def locked_error(path: Path | None = None) -> DatabaseLocked:
    return DatabaseLocked(
        _(
            "数据库正被其他程序或窗口占用（正在写入），等待超时。"
            "请关闭同时打开该数据库的其他程序或窗口后重试；已保存的数据不受影响"
        ),
        path=path,
    )


def disk_full_error(path: Path | None = None) -> DiskFull:
    return DiskFull(
        _("磁盘空间已满，本次修改未能保存。请清理磁盘空间后重试；之前已保存的数据不受影响"),
        path=path,
    )


def read_only_error(path: Path | None = None) -> ReadOnly:
    return ReadOnly(
        _(
            "数据库文件或所在文件夹是只读的，无法保存修改。"
            "请检查文件权限，或将数据库复制到可写的位置（不要直接在光盘或只读U盘上使用）"
        ),
        path=path,
    )


def file_write_error(exc: OSError, path: Path) -> StorageError:
    """Our error for a failed write of a file (a backup, an export) the user can act on."""
    if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return DiskFull(
            _(
                "磁盘空间不足，文件 {path} 未能写完，已删除未写完的部分。"
                "请清理磁盘空间或换一个位置后重试；已保存的数据不受影响",
                path=path,
            ),
            path=path,
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return ReadOnly(
            _(
                "无法写入 {path}：没有写入权限或位置是只读的。"
                "请换一个可写的文件夹（U盘请检查是否有写保护开关）",
                path=path,
            ),
            path=path,
        )
    return WriteFailed(
        _(
            "无法写入 {path}：{reason}。请检查该位置（文件夹是否存在、U盘是否已拔出）后重试",
            path=path,
            reason=exc.strerror or exc,
        ),
        path=path,
    )


def translate_dbapi_error(error: BaseException, path: Path | None = None) -> StorageError | None:
    """Our error for a driver error the user can act on, or ``None`` for anything else."""
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        primary = code & 0xFF if isinstance(code, int) else None
        text = str(error).lower()
        if code == _SQLITE_BUSY_SNAPSHOT:
            return DatabaseLocked(
                _(
                    "数据库刚被其他窗口或程序修改，本次修改未保存。请重新操作一次；"
                    "已保存的数据不受影响"
                ),
                path=path,
            )
        if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "database is locked" in text:
            return locked_error(path)
        if primary == sqlite3.SQLITE_FULL or "database or disk is full" in text:
            return disk_full_error(path)
        if primary == sqlite3.SQLITE_READONLY or "readonly database" in text:
            return read_only_error(path)
        if primary == sqlite3.SQLITE_IOERR:
            # A write the file system refused (a file-size limit, a removed stick, a failing
            # disk): SQLite rolled the transaction back.
            return WriteFailed(
                _(
                    "写入磁盘失败（磁盘可能已满、U盘已拔出或磁盘有故障），本次修改未能保存。"
                    "请检查磁盘后重试；之前已保存的数据不受影响"
                ),
                path=path,
            )
        return None
    sqlstate = getattr(error, "sqlstate", None)  # psycopg
    if sqlstate == "53100":  # disk_full
        return disk_full_error(path)
    if sqlstate == "25006":  # read_only_sql_transaction (e.g. a hot standby)
        return read_only_error(path)
    if sqlstate == "55P03":  # lock_not_available (lock_timeout)
        return locked_error(path)
    return None
