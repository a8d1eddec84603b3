"""Restoring a project database from a backup, checked before anything is replaced.

``restore_backup`` looks at the backup first: an intact SQLite file of ours, a schema this
program knows (a backup from a newer program is refused: the program could not open the
result), the same project as the database it replaces (another project only with ``force``).
Then it takes the database for itself: SQLite refuses to leave WAL mode while any other
connection has the file open, so that is the test for "another program or window is using
it", and the exclusive lock it then holds keeps everyone out until the restore is done. The
current database is copied aside first (a ``before-restore`` backup), then the backup is
copied in page by page. Only the SQLite standard library and the backup module are used.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..i18n import _
from . import migrate
from .backup import _new_backup_name, _reraise, backup_time, project_ids_in, verify_backup
from .errors import (
    BackupInvalid,
    DatabaseInUse,
    DatabaseLocked,
    file_write_error,
    translate_dbapi_error,
)

# How long to wait for the database to become free: other programs do not give it up by
# waiting, so a short wait is enough to ride over a checkpoint.
_LOCK_WAIT = 0.5


@dataclass(frozen=True)
class BackupFacts:
    """What a backup holds, read from it without changing it."""

    path: Path
    made_at: datetime  # UTC
    project_ids: frozenset[str]
    project_names: tuple[str, ...]
    households: int
    revisions: tuple[str, ...]


@dataclass(frozen=True)
class RestoreReport:
    """What a restore did."""

    backup: BackupFacts
    target: Path
    safety_copy: Path | None  # the replaced database, kept; None if it was unreadable
    other_project: bool  # restored over a different project (only with force)


def read_backup(backup: Path) -> BackupFacts:
    """Check that ``backup`` can be restored by this program and say what it holds.

    Raises ``BackupInvalid``: damaged, not ours, or written by a newer program.
    """
    verify_backup(backup)
    conn = sqlite3.connect(backup.absolute().as_uri() + "?mode=ro", uri=True)
    try:
        revisions = tuple(r[0] for r in conn.execute("SELECT version_num FROM alembic_version"))
        projects = conn.execute("SELECT id, name FROM project ORDER BY name").fetchall()
        households = int(conn.execute("SELECT count(*) FROM household").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        raise _invalid(backup, _("文件不完整，缺少项目数据")) from exc
    finally:
        conn.close()
    unknown = [r for r in revisions if not migrate.is_known_revision(r)]
    if unknown or not revisions:
        raise _invalid(
            backup,
            _(
                "它由更新版本的程序创建（数据库版本 {revision}），本程序无法打开恢复后的数据库。"
                "请先升级本程序",
                revision=", ".join(unknown) or "?",
            ),
        )
    return BackupFacts(
        path=backup,
        made_at=backup_time(backup),
        project_ids=frozenset(str(p[0]) for p in projects),
        project_names=tuple(str(p[1]) for p in projects),
        households=households,
        revisions=revisions,
    )


def is_other_project(facts: BackupFacts, target: Path) -> bool:
    """Whether ``target`` holds a project and it is not the backup's."""
    current = project_ids_in(target) if target.exists() else frozenset()
    return bool(current) and not current & facts.project_ids


def restore_backup(
    backup: Path,
    target: Path,
    *,
    force: bool = False,
    verify: Callable[[Path], None] | None = None,
) -> RestoreReport:
    """Replace the database at ``target`` with ``backup``, after checking both.

    ``verify(backup)`` adds checks of the upper layers (the audit chain); it raises to refuse.
    Close every ``Database`` of this process on ``target`` first. Raises ``BackupInvalid``
    (nothing changed), ``DatabaseInUse`` (another program has it open; nothing changed) or
    another ``StorageError`` (disk full while copying: the target keeps its old content).
    """
    facts = read_backup(backup)
    target = target.expanduser().absolute()
    if target.exists() and backup.exists() and target.samefile(backup):
        raise _invalid(backup, _("它就是要被替换的数据库文件本身"))
    other = is_other_project(facts, target)
    if other and not force:
        raise BackupInvalid(
            _(
                "备份文件 {path} 是另一个项目（{names}）的备份，不是 {target} 中项目的备份，"
                "未作恢复。请选择本项目的备份；确要用其他项目替换当前数据库时请加 --force",
                path=backup,
                names="、".join(facts.project_names) or "?",
                target=target,
            ),
            path=backup,
        )
    if verify is not None:
        verify(backup)
    conn = _take_exclusively(target) if target.exists() and target.stat().st_size > 0 else None
    fresh = target.with_name(target.name + ".restoring")
    safety: Path | None = None
    try:
        if conn is not None:
            # The exclusive lock keeps the file still: a plain copy of it is consistent.
            safety = _new_backup_name(target, "before-restore")
            try:
                _copy_file(target, safety)
            except OSError as exc:
                raise file_write_error(exc, safety) from exc
        try:
            _copy_file(backup, fresh)  # checked above; copied byte for byte
        except OSError as exc:
            raise file_write_error(exc, target) from exc
    finally:
        if conn is not None:
            conn.close()
    try:
        # Missing, empty or too damaged to open: no journal of the old file may be replayed.
        for suffix in ("-wal", "-shm", "-journal"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        os.replace(fresh, target)  # atomic: the old database or the restored one, never half
    except OSError as exc:
        fresh.unlink(missing_ok=True)
        raise file_write_error(exc, target) from exc
    _back_to_wal(target)
    return RestoreReport(facts, target, safety, other)


def _copy_file(source: Path, dest: Path) -> None:
    """Copy a file, all of it on disk before it appears under its name."""
    partial = dest.with_name(dest.name + ".partial")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, partial)
        with partial.open("rb+") as f:
            os.fsync(f.fileno())
        os.replace(partial, dest)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _back_to_wal(target: Path) -> None:
    try:
        conn = sqlite3.connect(target, timeout=5.0)
        try:
            conn.execute("PRAGMA journal_mode = WAL").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        _reraise(exc, target)


def _take_exclusively(target: Path) -> sqlite3.Connection | None:
    """A connection holding ``target`` exclusively, or None when the file is too damaged
    to open as a database. Raises ``DatabaseInUse`` when another connection has it open."""
    try:
        conn = sqlite3.connect(target, timeout=_LOCK_WAIT, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        # Leaving WAL mode needs the only connection to the file: it fails while another
        # program or window has it open, even an idle one.
        conn.execute("PRAGMA journal_mode = DELETE").fetchall()
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("COMMIT")  # the lock stays: exclusive locking mode keeps it
    except sqlite3.DatabaseError as exc:
        conn.close()
        error = translate_dbapi_error(exc, target)
        if error is None:
            return None  # damaged: replaced as a whole file below
        if isinstance(error, DatabaseLocked):
            raise in_use_error(target) from exc
        raise error from exc
    return conn


def in_use_error(target: Path) -> DatabaseInUse:
    return DatabaseInUse(
        _(
            "数据库 {path} 正被其他程序或窗口打开，现在不能恢复。请关闭所有打开该数据库的"
            "征收补偿工作台窗口（包括其他电脑通过共享文件夹打开的）和正在运行的命令，"
            "然后再恢复；数据库未作任何改动",
            path=target,
        ),
        path=target,
    )


def _invalid(backup: Path, reason: str) -> BackupInvalid:
    return BackupInvalid(
        _("备份文件 {path} 不能用于恢复：{reason}。请选择其他备份", path=backup, reason=reason),
        path=backup,
    )
