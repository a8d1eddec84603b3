"""Extending the audit chain: every audit row written by the program passes through here.

Three ways in, all in the caller's transaction:

* ORM: a use case adds ``m.AuditLog(...)`` to its session as before; the session's
  ``before_flush`` hook installed by this module gives each new row its place in the chain
  (``seq``, ``prev_hash``, ``row_hash``) in the order the rows were added.
* Core: :func:`append` inserts a list of row dicts; :func:`chain_rows` only fills in the chain
  columns, for a bulk writer that inserts the rows itself in the same transaction (the
  calculation store, the ledger import).
* Bulk generation: rows written without a chain (the demo's parallel shards) are chained by
  :func:`chain_unchained` when they are all in, in the order ``(at, id)``.

The chain head (``audit_chain_head``, one row) holds the last ``seq`` and hash, so appending
reads one row. On PostgreSQL the head is read ``FOR UPDATE``: a second writer waits until the
first commits, so two HQ users cannot fork the chain. On SQLite writers are serialised by the
database lock (use cases that write take it at ``BEGIN IMMEDIATE``); ``seq`` is unique as well,
so a fork could not be stored even if a writer got this wrong.

Uses only storage and domain.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, event, insert, select, update
from sqlalchemy.orm import Session

from ...domain.audit_chain import GENESIS, canonical_row, json_value_text, row_hash, time_text
from ...storage import models as m
from ...storage.base import utcnow

_HEAD_ID = 1
# Columns with a plain default that a row dict may leave out.
_DEFAULTS: dict[str, Any] = {
    "operator_id": None, "operator_login": "", "entity_id": "", "household_id": None,
    "before": None, "after": None, "note": "", "seal": "",
}  # fmt: skip


@dataclass(frozen=True)
class ChainHead:
    seq: int
    row_hash: str
    at: datetime | None = None


def read_head(conn: Connection | Session, *, lock: bool = False) -> ChainHead:
    """The chain's last row (seq 0 and :data:`GENESIS` for an empty log). ``lock``: hold it
    for this transaction (PostgreSQL ``FOR UPDATE``; SQLite's write lock does this).

    Plain driver SQL: this runs in every transaction that writes an audit row, and building
    and caching a SQLAlchemy statement each time cost more than the row's hashing."""
    c = _connection(conn)
    sqlite = c.dialect.name == "sqlite"
    sql = f"SELECT seq, row_hash, at FROM audit_chain_head WHERE id = {_HEAD_ID}"
    if lock and not sqlite:
        sql += " FOR UPDATE"
    row = c.exec_driver_sql(sql).first()
    if row is None:
        return ChainHead(0, GENESIS, None)
    return ChainHead(int(row[0]), row[1], _as_time(row[2]))


def _connection(conn: Connection | Session) -> Connection:
    return conn.connection() if isinstance(conn, Session) else conn


def _write_head(conn: Connection | Session, old: ChainHead, new: ChainHead) -> None:
    c = _connection(conn)
    sqlite = c.dialect.name == "sqlite"
    mark = "?" if c.dialect.paramstyle == "qmark" else "%s"
    at: Any = new.at
    if sqlite and isinstance(at, datetime):
        at = time_text(at)
    params = (new.seq, new.row_hash, at, _HEAD_ID)
    if old.seq == 0 and old.row_hash == GENESIS:
        exists = c.exec_driver_sql(f"SELECT id FROM audit_chain_head WHERE id = {_HEAD_ID}")
        if exists.first() is None:
            c.exec_driver_sql(
                f"INSERT INTO audit_chain_head (seq, row_hash, at, id) "
                f"VALUES ({mark}, {mark}, {mark}, {mark})",
                params,
            )
            return
    c.exec_driver_sql(
        f"UPDATE audit_chain_head SET seq = {mark}, row_hash = {mark}, at = {mark} "
        f"WHERE id = {mark}",
        params,
    )


def _link(prev: str, seq: int, r: Mapping[str, Any]) -> str:
    return row_hash(
        prev,
        canonical_row(
            seq, r["id"], r["at"], r["operator_id"], r["operator_login"], r["action"],
            r["entity"], r["entity_id"], r["household_id"], json_value_text(r["before"]),
            json_value_text(r["after"]), r["note"], r["seal"],
        ),
    )  # fmt: skip


def chain_rows(conn: Connection | Session, rows: list[dict[str, Any]]) -> None:
    """Give each row dict its place in the chain (``seq``, ``prev_hash``, ``row_hash``), after
    filling in ``id``, ``at`` and the plain defaults, and move the head. The caller inserts the
    rows in the same transaction. Values may be typed (UUID, aware datetime) or in SQLite's
    stored form (32-hex ids, ``YYYY-MM-DD HH:MM:SS.ffffff`` UTC times); JSON values as Python."""
    if not rows:
        return
    head = read_head(conn, lock=True)
    seq, prev = head.seq, head.row_hash
    now = utcnow()
    for r in rows:
        for key, default in _DEFAULTS.items():
            if r.get(key) is None:
                r[key] = default
        if r.get("id") is None:
            r["id"] = uuid.uuid4()
        if r.get("at") is None:
            r["at"] = now
        seq += 1
        h = _link(prev, seq, r)
        r["seq"], r["prev_hash"], r["row_hash"] = seq, prev, h
        prev = h
    _write_head(conn, head, ChainHead(seq, prev, _as_time(rows[-1]["at"])))


def append(conn: Connection | Session, rows: Iterable[dict[str, Any]]) -> None:
    """Chain and insert audit rows (Core), in the caller's transaction."""
    batch = [dict(r) for r in rows]
    if not batch:
        return
    chain_rows(conn, batch)
    A: Any = m.AuditLog.__table__
    for start in range(0, len(batch), 5000):
        conn.execute(insert(A), batch[start : start + 5000])


def _as_time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return None


def chain_unchained(conn: Connection) -> int:
    """Chain every row that has no place yet, in the order ``(at, id)``, after the head;
    returns how many. For rows written in bulk without the chain (the demo's shards). On
    SQLite the rows are read and updated as stored (no per-value conversion)."""
    A: Any = m.AuditLog.__table__
    head = read_head(conn, lock=True)
    seq, prev = head.seq, head.row_hash
    names = ("id", "at", "operator_id", "operator_login", "action", "entity", "entity_id",
             "household_id", "before", "after", "note", "seal")  # fmt: skip
    raw = conn.dialect.name == "sqlite"
    if raw:
        rows: Any = conn.exec_driver_sql(
            f"SELECT {', '.join(names)} FROM audit_log WHERE seq IS NULL ORDER BY at, id"
        ).all()
    else:
        rows = conn.execute(
            select(*(A.c[n] for n in names)).where(A.c.seq.is_(None)).order_by(A.c.at, A.c.id)
        ).all()
    if not rows:
        return 0
    updates: list[tuple[Any, ...]] = []
    for r in rows:
        seq += 1
        before = ("null" if r[8] is None else r[8]) if raw else json_value_text(r[8])
        after = ("null" if r[9] is None else r[9]) if raw else json_value_text(r[9])
        h = row_hash(
            prev,
            canonical_row(seq, r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], before, after,
                          r[10], r[11]),
        )  # fmt: skip
        updates.append((seq, prev, h, r[0]))
        prev = h
    if raw:
        conn.exec_driver_sql(
            "UPDATE audit_log SET seq = ?, prev_hash = ?, row_hash = ? WHERE id = ?", updates
        )
    else:
        stmt = (
            update(A)
            .where(A.c.id == bindparam("b_id"))
            .values(seq=bindparam("b_seq"), prev_hash=bindparam("b_prev"), row_hash=bindparam("b_hash"))
        )  # fmt: skip
        params = [{"b_seq": a, "b_prev": b, "b_hash": c, "b_id": d} for a, b, c, d in updates]
        for start in range(0, len(params), 20000):
            conn.execute(stmt, params[start : start + 20000])
    _write_head(conn, head, ChainHead(seq, prev, _as_time(rows[-1][1])))
    return len(rows)


# --- the ORM hook -----------------------------------------------------------------------


def _chain_new_rows(session: Session, _context: Any, _instances: Any) -> None:
    new = [o for o in session.new if isinstance(o, m.AuditLog) and o.seq is None]
    if not new:
        return
    with session.no_autoflush:
        conn = session.connection()
        head = read_head(conn, lock=True)
        seq, prev = head.seq, head.row_hash
        now = utcnow()
        for a in new:
            if a.id is None:
                a.id = uuid.uuid4()
            if a.at is None:
                a.at = now
            for key, default in _DEFAULTS.items():
                if getattr(a, key) is None and default is not None:
                    setattr(a, key, default)
            seq += 1
            h = row_hash(
                prev,
                canonical_row(
                    seq, a.id, a.at, a.operator_id, a.operator_login, a.action, a.entity,
                    a.entity_id, a.household_id, json_value_text(a.before),
                    json_value_text(a.after), a.note, a.seal,
                ),
            )  # fmt: skip
            a.seq, a.prev_hash, a.row_hash = seq, prev, h
            prev = h
        _write_head(conn, head, ChainHead(seq, prev, new[-1].at))


def install() -> None:
    """Chain the audit rows of every ORM session (idempotent)."""
    if not event.contains(Session, "before_flush", _chain_new_rows):
        event.listen(Session, "before_flush", _chain_new_rows)
