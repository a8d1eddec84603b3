"""Engines with our connection settings, for SQLite files and PostgreSQL servers.

Every SQLite connection gets the same PRAGMAs (foreign keys, WAL, durable commits, a busy
timeout) and real transactions; every engine turns the driver errors a user can act on (disk
full, read-only, locked) into ``StorageError``s. ``db.open_database`` adds the checks and the
migration; this module is for the rare code that needs an engine without them.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event, make_url

from .errors import translate_dbapi_error

# "RlDk": marks a SQLite file as a Relocation Desk database (PRAGMA application_id).
APPLICATION_ID = int.from_bytes(b"RlDk", "big")
SQLITE_HEADER = b"SQLite format 3\x00"
DEFAULT_BUSY_TIMEOUT = 5.0  # seconds to wait for another writer before DatabaseLocked
_BEGIN_MODES = {"", "DEFERRED", "IMMEDIATE", "EXCLUSIVE"}


def database_url(target: str | Path | URL) -> URL:
    """The SQLAlchemy URL of a path or URL string ("sqlite:///…", "postgresql+psycopg://…")."""
    if isinstance(target, URL):
        return target
    if isinstance(target, str) and "://" in target:
        url = make_url(target)
        if url.drivername == "postgresql":  # we ship psycopg 3, not psycopg2
            url = url.set(drivername="postgresql+psycopg")
        return url
    return URL.create("sqlite", database=str(Path(target).expanduser().absolute()))


def create_engine_for(
    url_or_path: str | Path | URL, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT
) -> Engine:
    """An engine with our connection settings; no checks, no migration (see open_database)."""
    url = database_url(url_or_path)
    path = Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None
    if url.get_backend_name() == "sqlite":
        engine = create_engine(
            url,
            connect_args={"timeout": busy_timeout, "check_same_thread": False},
            json_serializer=json_dumps,
        )
        _install_sqlite_settings(engine, busy_timeout)
    else:
        engine = create_engine(
            url,
            pool_pre_ping=True,
            connect_args={"connect_timeout": 10},
            json_serializer=json_dumps,
        )

    @event.listens_for(engine, "handle_error")
    def _translate(context: Any) -> None:
        error = translate_dbapi_error(context.original_exception, path)
        if error is not None:
            raise error from context.original_exception

    return engine


def _install_sqlite_settings(engine: Engine, busy_timeout: float) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # pysqlite's legacy mode emits BEGIN only before INSERT/UPDATE/DELETE, so SELECTs and
        # DDL would run outside transactions; we turn that off and emit BEGIN ourselves
        # (SQLAlchemy docs, "Enabling Non-Legacy SQLite Transactional Modes"). This also
        # makes the PRAGMAs below run outside any transaction, where they take effect.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            cursor.execute("PRAGMA foreign_keys = ON")
            # WAL: readers (the register, reports) never block the writer and vice versa.
            cursor.execute("PRAGMA journal_mode = WAL")
            # FULL, not NORMAL: with WAL, NORMAL survives a crash of the program but a power
            # cut can lose the last committed transactions (a clerk's afternoon of entries);
            # FULL syncs the WAL at every commit, so what was committed stays.
            cursor.execute("PRAGMA synchronous = FULL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "")
        if mode not in _BEGIN_MODES:
            raise ValueError(f"sqlite_begin must be one of {sorted(_BEGIN_MODES)}")
        connection.exec_driver_sql(f"BEGIN {mode}".strip())


def json_dumps(value: Any) -> str:
    # Chinese as itself, not \uXXXX escapes: a third of the size, and readable in a dump.
    return json.dumps(value, ensure_ascii=False)
