"""A project file copied onto HQ's PostgreSQL server, row for row.

HQ sets its project up like any other (the first-run wizard's 新建项目, a ledger import, or
``demo``), as a SQLite file, and moves it to the server once: the target database is created
with the migrations (so both are at the same revision) and must hold no project yet; every
table is copied in dependency order in one transaction, so a failed copy leaves the server
database empty. Keys are UUIDs, so the rows keep their ids and the audit chain its hashes.

Uses only the storage layer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Integer, Table, bindparam, delete, func, insert, select, text, update

from ..i18n import _
from .base import Base
from .db import Database
from .errors import StorageError

__all__ = ["ServerNotEmpty", "copy_to_server"]

_BATCH = 5000  # rows per executemany
# Rows that point at another row of their own table: copied with the pointer empty, then set.
_SELF_REFERENCES = {
    t.name: [fk.parent.name for fk in t.foreign_keys if fk.column.table is t]
    for t in Base.metadata.sorted_tables
}


class ServerNotEmpty(StorageError):
    """The server database already holds a project; nothing was copied."""


def _tables() -> list[Table]:
    return [t for t in Base.metadata.sorted_tables if t.name != "alembic_version"]


def copy_to_server(
    source: Database,
    target: Database,
    progress: Callable[[int, int, str], None] | None = None,
) -> dict[str, int]:
    """Copy every row of ``source`` into the empty, migrated ``target``; returns the rows
    copied per table. ``progress(done, total, table)`` after each batch."""
    if target.is_sqlite:
        raise StorageError(_("目标应是服务器上的 PostgreSQL 数据库（postgresql://…）"))
    tables = _tables()
    with target.engine.connect() as conn:
        held = conn.scalar(select(func.count()).select_from(Base.metadata.tables["project"]))
    if held:
        raise ServerNotEmpty(
            _("服务器上的数据库已经有项目数据，没有复制任何内容；请新建一个空数据库再复制")
        )
    with source.engine.connect() as conn:
        counts = {
            t.name: int(conn.scalar(select(func.count()).select_from(t)) or 0) for t in tables
        }
    total = sum(counts.values())
    done = 0
    with source.engine.connect() as read, target.engine.begin() as write:
        # What the migrations put in a new database (the chain's empty head …) is replaced.
        for table in reversed(tables):
            write.execute(delete(table))
        for table in tables:
            if not counts[table.name]:
                continue
            pointers = _SELF_REFERENCES.get(table.name, [])
            later: list[dict[str, Any]] = []
            result = read.execution_options(stream_results=True, yield_per=_BATCH).execute(
                select(table)
            )
            for batch in result.mappings().partitions(_BATCH):
                rows = [dict(r) for r in batch]
                for row in rows:
                    set_later = {p: row[p] for p in pointers if row[p] is not None}
                    if set_later:
                        later.append({"_id": row["id"], **set_later})
                        for p in set_later:
                            row[p] = None
                write.execute(insert(table), rows)
                done += len(rows)
                if progress is not None:
                    progress(done, total, table.name)
            for pointer in pointers:
                values = [{"_id": r["_id"], "_value": r[pointer]} for r in later if pointer in r]
                if values:
                    write.execute(
                        update(table)
                        .where(table.c.id == bindparam("_id"))
                        .values({pointer: bindparam("_value")}),
                        values,
                    )
        for table in tables:  # integer keys drawn from a sequence carry on after the copied ones
            keys = list(table.primary_key.columns)
            if len(keys) == 1 and isinstance(keys[0].type, Integer) and keys[0].autoincrement:
                _carry_on(write, table, keys[0].name)
    return counts


def _carry_on(conn: Any, table: Table, column: str) -> None:
    sequence = conn.scalar(
        text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column}
    )
    if sequence:
        conn.execute(
            text(
                f'SELECT setval(:s, coalesce((SELECT max("{column}") FROM "{table.name}"), 0) + 1, false)'
            ),
            {"s": sequence},
        )
