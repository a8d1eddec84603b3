"""Backups of SQLite project databases, and restoring one.

Backups use SQLite's online backup API, so they can be made while the program runs: the
copy is the last committed state, whatever a window is in the middle of. Each backup is one
self-contained file (rollback-journal mode, no ``-wal`` beside it) in ``backups/`` next to
the database, named ``<stem>-<UTC time>[-<label>].sqlite``; it appears under its final name
only once complete. PostgreSQL (HQ) is backed up with the server's own tools (pg_dump).
"""

from __future__ import annotations

import os
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn, Protocol

from sqlalchemy import Engine

from ..i18n import _
from .engine import APPLICATION_ID, SQLITE_HEADER
from .errors import (
    BackupInvalid,
    BackupTargetExists,
    StorageError,
    file_write_error,
    translate_dbapi_error,
)


class Database(Protocol):
    """What backups need of an open database (:class:`.db.Database` has it)."""

    @property
    def path(self) -> Path | None: ...

    @property
    def engine(self) -> Engine: ...


BACKUP_DIR_NAME = "backups"
AUTO_BACKUPS_KEPT = 10
_STAMP = "%Y%m%dT%H%M%SZ"


def backup_dir(database_path: Path, folder: Path | None = None) -> Path:
    """Where the automatic backups of ``database_path`` go: ``folder`` (the project's
    ``backup_folder`` setting) or ``backups/`` beside the database."""
    return folder if folder is not None else database_path.parent / BACKUP_DIR_NAME


def backup_database(
    db: Database, dest: Path | None = None, *, keep: int | None = None, force: bool = False
) -> Path:
    """Copy the committed state of ``db`` to ``dest`` (default: a new file in ``backups/``).

    ``dest`` may be a folder (a USB stick): the backup gets a new name in it. An existing
    file is only replaced when it is a backup of the same project, or with ``force``; the
    database itself never. ``keep`` prunes the default folder to that many plain backups.
    """
    if db.path is None:
        raise StorageError(
            _("服务器上的数据库（PostgreSQL）请由管理员用 pg_dump 备份，本程序不直接备份")
        )
    if dest is not None:
        dest = _backup_destination(db, dest, force=force)
    return make_backup(db.engine, db.path, dest=dest, keep=keep)


def _backup_destination(db: Database, dest: Path, *, force: bool) -> Path:
    assert db.path is not None
    dest = dest.expanduser().absolute()
    if dest.is_dir():
        return _unique_name(dest / f"{db.path.stem}-{datetime.now(UTC).strftime(_STAMP)}", "")
    if dest.exists() or dest.is_symlink():
        if _same_file(dest, db.path):
            raise BackupTargetExists(
                _("备份文件不能是数据库文件本身：{path}。请另选一个文件名或文件夹", path=dest),
                path=dest,
            )
        if not dest.is_file():
            raise BackupTargetExists(
                _("{path} 不是普通文件，不能写入备份。请另选一个文件名或文件夹", path=dest),
                path=dest,
            )
        if not force and dest.stat().st_size > 0:
            theirs = project_ids_in(dest)
            if not theirs & _project_ids_of(db):
                raise BackupTargetExists(
                    _(
                        "文件 {path} 已存在，且不是本项目的备份，为免覆盖其他数据未作备份。"
                        "请另选一个文件名或文件夹；确要覆盖时请加 --force",
                        path=dest,
                    ),
                    path=dest,
                )
    return dest


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def _project_ids_of(db: Database) -> frozenset[str]:
    raw = db.engine.raw_connection()
    try:
        driver = raw.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        return frozenset(str(r[0]) for r in driver.execute("SELECT id FROM project"))
    finally:
        raw.close()


def project_ids_in(path: Path) -> frozenset[str]:
    """The project ids in a file if it is one of our databases (else an empty set);
    the file is only read."""
    try:
        with path.open("rb") as f:
            if f.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                return frozenset()
        conn = sqlite3.connect(path.absolute().as_uri() + "?mode=ro", uri=True, timeout=1.0)
        try:
            if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                return frozenset()
            return frozenset(str(r[0]) for r in conn.execute("SELECT id FROM project"))
        finally:
            conn.close()
    except (OSError, sqlite3.Error):
        return frozenset()


def make_backup(
    engine: Engine,
    database_path: Path,
    *,
    dest: Path | None = None,
    label: str = "",
    keep: int | None = None,
    folder: Path | None = None,
) -> Path:
    if dest is None:
        dest = _new_backup_name(database_path, label, folder)
    partial = dest.with_name(dest.name + ".partial")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)
        # Made here, not by SQLite, so a folder that cannot take it gives the system's reason.
        partial.open("xb").close()
    except OSError as exc:
        raise file_write_error(exc, dest) from exc
    try:
        raw = engine.raw_connection()
        try:
            source = raw.driver_connection
            assert isinstance(source, sqlite3.Connection)
            _copy(source, partial)
        finally:
            raw.close()
        os.replace(partial, dest)
    except sqlite3.Error as exc:
        _remove_partial(partial)
        _reraise(exc, dest)
    except OSError as exc:
        _remove_partial(partial)
        raise file_write_error(exc, dest) from exc
    except BaseException:
        _remove_partial(partial)
        raise
    if keep is not None and dest.parent == backup_dir(database_path, folder):
        prune_backups(database_path, label, keep, folder)
    return dest


def _remove_partial(partial: Path) -> None:
    """Remove an unfinished copy, with the journal SQLite may have left beside it."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(str(partial) + suffix).unlink(missing_ok=True)


def _copy(source: sqlite3.Connection, dest: Path) -> None:
    target = sqlite3.connect(dest)
    try:
        source.backup(target)
        # The copy inherits WAL mode from the source; a backup is better as one plain file.
        target.execute("PRAGMA journal_mode = DELETE")
    finally:
        target.close()


def _new_backup_name(database_path: Path, label: str, folder: Path | None = None) -> Path:
    stamp = datetime.now(UTC).strftime(_STAMP)
    return _unique_name(backup_dir(database_path, folder) / f"{database_path.stem}-{stamp}", label)


def _unique_name(base: Path, label: str) -> Path:
    suffix = f"-{label}" if label else ""
    dest = base.with_name(f"{base.name}{suffix}.sqlite")
    n = 1
    while dest.exists():  # two backups within a second
        n += 1
        dest = base.with_name(f"{base.name}{suffix}.{n}.sqlite")
    return dest


def backup_time(backup: Path) -> datetime:
    """When a backup was made: from its name when it is ours, else the file's time (UTC)."""
    m = re.search(r"-(\d{8}T\d{6}Z)(?:-[^.]+)?(?:\.\d+)?\.sqlite$", backup.name)
    if m:
        return datetime.strptime(m[1], _STAMP).replace(tzinfo=UTC)
    return datetime.fromtimestamp(backup.stat().st_mtime, UTC)


def _backups(
    database_path: Path, backup_folder: Path | None = None
) -> list[tuple[datetime, str, Path]]:
    """(time, label, path) of the backups of ``database_path`` in its backup folder."""
    pattern = re.compile(
        re.escape(database_path.stem) + r"-(\d{8}T\d{6}Z)(?:-([^.]+))?(?:\.\d+)?\.sqlite"
    )
    found = []
    folder = backup_dir(database_path, backup_folder)
    for p in folder.iterdir() if folder.is_dir() else ():
        m = pattern.fullmatch(p.name)
        if m:
            when = datetime.strptime(m[1], _STAMP).replace(tzinfo=UTC)
            found.append((when, m[2] or "", p))
    return found


def prune_backups(database_path: Path, label: str, keep: int, folder: Path | None = None) -> None:
    """Delete all but the newest ``keep`` backups of this kind ("before-…" counts as one)."""
    kind = label.split("-", 1)[0]
    same = [b for b in _backups(database_path, folder) if b[1].split("-", 1)[0] == kind]
    same.sort(key=lambda b: (b[0], b[2].stat().st_mtime_ns))
    for _when, _label, path in same[: max(0, len(same) - keep)]:
        path.unlink(missing_ok=True)


def list_backups(db: Database) -> list[Path]:
    """The backups in the database's backup folder, newest first."""
    if db.path is None:
        return []
    found = _backups(db.path)
    found.sort(key=lambda b: (b[0], b[2].stat().st_mtime_ns), reverse=True)
    return [b[2] for b in found]


def last_backup_time(db: Database, folder: Path | None = None) -> datetime | None:
    """When the newest backup in the database's backup folder (``folder``, else
    ``backups/`` beside it) was made (UTC), if any."""
    if db.path is None:
        return None
    latest = max((b[0] for b in _backups(db.path, folder)), default=None)
    if folder is not None:  # the backup made before an upgrade stays beside the database
        latest = max((t for t in (latest, last_backup_time(db)) if t is not None), default=None)
    return latest


# --- Restore ---------------------------------------------------------------------------------


def verify_backup(backup: Path) -> None:
    """Raise ``BackupInvalid`` unless ``backup`` is an intact Relocation Desk database."""

    def invalid(reason: str) -> BackupInvalid:
        return BackupInvalid(
            _("备份文件 {path} 不能用于恢复：{reason}。请选择其他备份", path=backup, reason=reason),
            path=backup,
        )

    try:
        with backup.open("rb") as f:
            header = f.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise invalid(_("无法读取文件")) from exc
    if header != SQLITE_HEADER:
        raise invalid(_("不是数据库文件"))
    try:
        conn = sqlite3.connect(backup.absolute().as_uri() + "?mode=ro", uri=True)
        try:
            result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            has_version = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise invalid(_("文件已损坏")) from exc
    if result != ["ok"]:
        raise invalid(_("文件已损坏"))
    if app_id != APPLICATION_ID or not has_version:
        raise invalid(_("不是本程序的项目数据库"))


def restore_file(backup: Path, target: Path) -> None:
    """Copy ``backup`` over ``target``: page by page through SQLite, which takes the locks
    other connections respect; or, when ``target`` is too damaged to open, by replacing it."""
    try:
        source = sqlite3.connect(backup.absolute().as_uri() + "?mode=ro", uri=True)
        try:
            try:
                _copy_into(source, target)
            except sqlite3.DatabaseError as exc:
                if translate_dbapi_error(exc) is not None:
                    raise
                _replace_damaged(source, target)
        finally:
            source.close()
    except sqlite3.Error as exc:
        _reraise(exc, target)


def _copy_into(source: sqlite3.Connection, target: Path) -> None:
    dest = sqlite3.connect(target, timeout=5.0)
    try:
        source.backup(dest)
        dest.execute("PRAGMA journal_mode = WAL")
        if dest.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise sqlite3.DatabaseError(f"{target} is damaged after restoring")
    finally:
        dest.close()


def _replace_damaged(source: sqlite3.Connection, target: Path) -> None:
    fresh = target.with_name(target.name + ".restoring")
    fresh.unlink(missing_ok=True)
    try:
        _copy(source, fresh)
        # A WAL left by the damaged file must not be replayed onto the restored one.
        for suffix in ("-wal", "-shm", "-journal"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        os.replace(fresh, target)
    finally:
        fresh.unlink(missing_ok=True)


def _reraise(exc: sqlite3.Error, path: Path) -> NoReturn:
    error = translate_dbapi_error(exc, path)
    if error is None:
        raise exc
    raise error from exc
