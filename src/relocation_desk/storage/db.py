"""Opening a project database: checks and migration at start-up.

``open_database`` takes a SQLite file path (a team's laptop) or a PostgreSQL URL (HQ). Before
anything can change the file it looks at it read-only: is it SQLite at all, is it ours
(``PRAGMA application_id``), which Alembic revision is it at. A database from a newer program
is refused untouched; an older one is backed up (``backup.py``) and upgraded in one
transaction (``migrate.py``); if that fails the backup is put back.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import URL, Engine, inspect, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ..i18n import _
from . import migrate as migrations
from .base import utcnow
from .engine import (
    APPLICATION_ID,
    DEFAULT_BUSY_TIMEOUT,
    SQLITE_HEADER,
    create_engine_for,
    database_url,
)
from .errors import (
    DatabaseLocked,
    DatabaseNotFound,
    DatabaseTooNew,
    MigrationFailed,
    NotADatabase,
    ServerUnavailable,
    StorageError,
    file_write_error,
    read_only_error,
    translate_dbapi_error,
)
from .program_version import WrittenBy, newer_version_warning, read_writers, record_writer


@dataclass(eq=False)
class Database:
    """An open, up-to-date project database. Close it (or use ``with``) when done."""

    engine: Engine
    url: URL
    path: Path | None  # the SQLite file; None for PostgreSQL
    backup_path: Path | None = None  # the automatic backup made before migrating, if any
    # The program versions that had written it, as found when it was opened for writing
    # (before this program recorded itself; ``program_version.py``).
    written_by: tuple[WrittenBy, ...] = ()
    _sessions: sessionmaker[Session] = field(init=False, repr=False)
    _immediate: Engine = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._sessions = sessionmaker(bind=self.engine, expire_on_commit=False)
        self._immediate = self.engine.execution_options(sqlite_begin="IMMEDIATE")

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def session(self, *, immediate: bool = False) -> Session:
        """A new Session. ``immediate`` takes SQLite's write lock at BEGIN (for a use case
        that reads and then writes: a deferred one can fail at once with "database is locked"
        when another connection wrote in between; this one waits up to the busy timeout)."""
        if immediate and self.is_sqlite:
            return self._sessions(bind=self._immediate)
        return self._sessions()

    @property
    def newer_version_warning(self) -> str | None:
        """In Chinese, when a newer version of the program wrote this database; else None."""
        return newer_version_warning(self.written_by)

    def close(self) -> None:
        # Closing SQLite's last connection checkpoints the WAL into the main file.
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- Opening ---------------------------------------------------------------------------------


@dataclass
class _Found:
    """What a read-only look at an existing database found."""

    empty: bool  # no tables at all: a new database
    revisions: tuple[str, ...] = ()  # Alembic revisions recorded in it


def open_database(
    target: str | Path | URL,
    *,
    create: bool = False,
    migrate: bool = True,
    busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
) -> Database:
    """Open a project database, creating it if ``create`` and upgrading it if ``migrate``.

    Raises a ``StorageError`` subclass the user can act on: ``DatabaseNotFound``,
    ``NotADatabase``, ``DatabaseTooNew`` (nothing was changed), ``DatabaseLocked``,
    ``MigrationFailed`` (the backup was restored), ``ReadOnly``, ``ServerUnavailable``.
    With ``migrate=False`` an older database is opened as it is (for backup tools).
    """
    url = database_url(target)
    if url.get_backend_name() == "sqlite":
        return _open_sqlite(url, create=create, migrate=migrate, busy_timeout=busy_timeout)
    return _open_server(url, create=create, migrate=migrate)


def _open_sqlite(url: URL, *, create: bool, migrate: bool, busy_timeout: float) -> Database:
    if not url.database or url.database == ":memory:":
        raise ValueError("a SQLite project database must be a file")
    path = Path(url.database)
    existed = path.exists()
    if existed:
        found = _inspect_sqlite_file(path, busy_timeout)
        if found.empty and not create:
            raise NotADatabase(
                _(
                    "文件 {path} 是空的，不是本程序的项目数据库。请选择正确的项目数据库文件",
                    path=path,
                ),
                path=path,
            )
        if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
            raise read_only_error(path)
    elif not create:
        raise DatabaseNotFound(
            _("找不到数据库文件：{path}。请检查文件位置，或新建一个项目数据库", path=path),
            path=path,
        )
    else:
        found = _Found(empty=True)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Made here, not by SQLite: a folder that takes no files (read-only, a system
            # folder) is then reported with its path, not as a failed migration.
            path.open("xb").close()
        except OSError as exc:
            raise file_write_error(exc, path) from exc
    _refuse_unknown_revision(found, path)

    engine = create_engine_for(url, busy_timeout=busy_timeout)
    db = Database(engine=engine, url=url, path=path)
    try:
        if migrate and not _is_current(found):
            db.backup_path = _upgrade_sqlite(db, found, existed=existed)
        if migrate:
            _record_writer(db)
    except BaseException:
        engine.dispose()
        raise
    return db


def _record_writer(db: Database) -> None:
    """Note which versions wrote the database, then that this one opened it for writing."""
    with db.engine.connect() as conn:
        db.written_by = read_writers(conn)
    record_writer(db.engine, utcnow())


def _inspect_sqlite_file(path: Path, busy_timeout: float) -> _Found:
    """Look at an existing file without changing a byte of it."""
    not_sqlite = NotADatabase(
        _(
            "文件 {path} 不是数据库文件（可能是其他类型的文件，或已损坏）。"
            "请选择本程序的项目数据库文件",
            path=path,
        ),
        path=path,
    )
    try:
        with path.open("rb") as f:
            header = f.read(len(SQLITE_HEADER))
    except IsADirectoryError as exc:
        raise not_sqlite from exc
    except PermissionError as exc:
        raise read_only_error(path) from exc
    if not header:
        return _Found(empty=True)
    if header != SQLITE_HEADER:
        raise not_sqlite
    uri = path.absolute().as_uri() + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=busy_timeout)
    except sqlite3.Error as exc:
        raise translate_dbapi_error(exc, path) or not_sqlite from exc
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables and app_id == 0:
            return _Found(empty=True)
        if app_id != APPLICATION_ID:
            raise NotADatabase(
                _(
                    "文件 {path} 是其他程序的数据库，不是本程序的项目数据库。"
                    "请选择正确的项目数据库文件",
                    path=path,
                ),
                path=path,
            )
        revisions: tuple[str, ...] = ()
        if "alembic_version" in tables:
            revisions = tuple(r[0] for r in conn.execute("SELECT version_num FROM alembic_version"))
        return _Found(empty=False, revisions=revisions)
    except sqlite3.Error as exc:
        raise translate_dbapi_error(exc, path) or not_sqlite from exc
    finally:
        conn.close()


def _refuse_unknown_revision(found: _Found, path: Path | None) -> None:
    unknown = [r for r in found.revisions if not migrations.is_known_revision(r)]
    if unknown:
        raise DatabaseTooNew(
            _(
                "该数据库由更新版本的程序创建（版本 {revision}），请升级本程序后再打开；"
                "数据库未作任何改动",
                revision=", ".join(unknown),
            ),
            revision=", ".join(unknown),
            path=path,
        )


def _is_current(found: _Found) -> bool:
    return not found.empty and set(found.revisions) == set(migrations.head_revisions())


def _upgrade_sqlite(db: Database, found: _Found, *, existed: bool) -> Path | None:
    """Back up (unless the database is new), upgrade, restore the backup on failure."""
    from .backup import make_backup, restore_file  # late: backup.py imports this module

    assert db.path is not None
    backup_path = None
    if not found.empty:
        label = "before-" + ("+".join(found.revisions) or "base")
        backup_path = make_backup(db.engine, db.path, label=label, keep=10)
    try:
        migrations.upgrade(db.engine)
    except DatabaseLocked:
        raise  # BEGIN IMMEDIATE failed: nothing was changed
    except Exception as exc:
        db.engine.dispose()
        if backup_path is not None:
            try:
                restore_file(backup_path, db.path)
            except Exception as restore_error:
                raise MigrationFailed(
                    _(
                        "数据库升级失败：{error}；从升级前的自动备份恢复也未成功：{restore_error}。"
                        "请不要再使用该数据库文件，并将备份文件 {backup} 交给技术支持",
                        error=exc,
                        restore_error=restore_error,
                        backup=backup_path,
                    ),
                    backup_path=backup_path,
                    path=db.path,
                ) from exc
            raise MigrationFailed(
                _(
                    "数据库升级失败：{error}。数据库已从升级前的自动备份恢复，内容未变；"
                    "备份文件在：{backup}。请将此信息告知技术支持",
                    error=exc,
                    backup=backup_path,
                ),
                backup_path=backup_path,
                path=db.path,
            ) from exc
        if not existed:
            _remove_sqlite_files(db.path)
        raise MigrationFailed(
            _("新建数据库失败：{error}。请将此信息告知技术支持", error=exc), path=db.path
        ) from exc
    return backup_path


def _remove_sqlite_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


# --- PostgreSQL (HQ) -------------------------------------------------------------------------


def _open_server(url: URL, *, create: bool, migrate: bool) -> Database:
    engine = create_engine_for(url)
    try:
        with _server_errors(url):
            found = _inspect_server(engine, url)
        if found.empty and not create:
            raise DatabaseNotFound(
                _(
                    "服务器上的数据库 {name} 还没有建立项目数据。"
                    "如确要在其中新建项目数据库，请选择“新建”",
                    name=url.database,
                )
            )
        _refuse_unknown_revision(found, None)
        if migrate and not _is_current(found):
            try:
                migrations.upgrade(engine)
            except StorageError:
                raise
            except Exception as exc:
                raise MigrationFailed(
                    _(
                        "数据库升级失败：{error}。所有改动均已撤销，数据库保持升级前的状态。"
                        "请将此信息告知技术支持",
                        error=exc,
                    )
                ) from exc
        db = Database(engine=engine, url=url, path=None)
        if migrate:
            _record_writer(db)
    except BaseException:
        engine.dispose()
        raise
    return db


def _inspect_server(engine: Engine, url: URL) -> _Found:
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        if not tables:
            return _Found(empty=True)
        if not {"alembic_version", "project", "household"} <= tables:
            raise NotADatabase(
                _(
                    "服务器上的数据库 {name} 属于其他程序，不是本程序的项目数据库。"
                    "请检查数据库名称",
                    name=url.database,
                )
            )
        rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
        return _Found(empty=False, revisions=tuple(rows))


@contextmanager
def _server_errors(url: URL) -> Iterator[None]:
    try:
        yield
    except OperationalError as exc:
        # A failed connection carries no SQLSTATE; the server's text (maybe localised) names
        # the missing database.
        reason = str(exc.orig)
        missing = getattr(exc.orig, "sqlstate", None) == "3D000" or (
            f'"{url.database}"' in reason and ("does not exist" in reason or "不存在" in reason)
        )
        if missing:
            raise DatabaseNotFound(
                _("服务器上没有名为 {name} 的数据库。请检查数据库名称", name=url.database)
            ) from exc
        raise ServerUnavailable(
            _(
                "无法连接数据库服务器 {host}：{error}。请检查网络、服务器地址、用户名和密码",
                host=url.host or "localhost",
                error=str(exc.orig).strip(),
            )
        ) from exc
    except DBAPIError as exc:
        error = translate_dbapi_error(exc.orig) if exc.orig is not None else None
        if error is None:
            raise
        raise error from exc


__all__ = [
    "APPLICATION_ID",
    "Database",
    "create_engine_for",
    "database_url",
    "open_database",
]
