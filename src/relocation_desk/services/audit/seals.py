"""Sealing records that must never change: signed agreements, payments, milestones and
compensation decisions (domain/audit_chain.py says what a seal covers).

A use case that makes such a record flushes it, calls :func:`seal_record` and writes the seal
into the audit row of the act (``seal=...``), so the seal is inside the chain. The seal is
computed from the row as the database gives it back, so a later check computes the same text.
Records written in bulk (the demo) are sealed afterwards by :func:`seal_unsealed`.

Uses only storage and domain.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.orm import Session, attributes

from ...domain.audit_chain import SEALED_COLUMNS, seal_hash
from ...storage import models as m

SEALED_MODELS: dict[str, Any] = {
    "agreement": m.Agreement,
    "payment": m.Payment,
    "milestone": m.Milestone,
    "compensation_decision": m.CompensationDecision,
}
# The audit action whose row carries a record's seal, by kind.
SEALING_ACTIONS: dict[str, frozenset[str]] = {
    "agreement": frozenset({"sign"}),
    "payment": frozenset({"create", "reverse"}),
    "milestone": frozenset({"create"}),
    "compensation_decision": frozenset({"create"}),
}


def kind_of(row: Any) -> str:
    for kind, model in SEALED_MODELS.items():
        if isinstance(row, model):
            return kind
    raise TypeError(f"{type(row).__name__} is not a sealed record")


def seal_record(s: Session, row: Any) -> str:
    """Seal ``row`` (flushed first): store and return the hash of its sealed columns."""
    kind = kind_of(row)
    s.flush()
    table: Any = SEALED_MODELS[kind].__table__
    values = s.execute(
        select(*(table.c[c] for c in SEALED_COLUMNS[kind])).where(table.c.id == row.id)
    ).one()
    seal = seal_hash(kind, values._asdict())
    s.execute(update(table).where(table.c.id == row.id).values(seal=seal))
    attributes.set_committed_value(row, "seal", seal)
    return seal


def seal_unsealed(conn: Connection) -> int:
    """Seal every record of a sealed kind that has no seal yet (signed agreements only);
    returns how many. On SQLite the rows are read and written as stored (no conversion)."""
    done = 0
    raw = conn.dialect.name == "sqlite"
    for kind, model in SEALED_MODELS.items():
        table: Any = model.__table__
        columns = SEALED_COLUMNS[kind]
        if raw:
            sql = f"SELECT {', '.join(columns)} FROM {kind} WHERE seal = ''"
            if kind == "agreement":
                sql += " AND status = 'signed'"
            batch = [
                (seal_hash(kind, dict(zip(columns, row, strict=True)), raw=True), row[0])
                for row in conn.exec_driver_sql(sql)
            ]
            if batch:
                conn.exec_driver_sql(f"UPDATE {kind} SET seal = ? WHERE id = ?", batch)
            done += len(batch)
            continue
        where = [table.c.seal == ""]
        if kind == "agreement":
            where.append(table.c.status == "signed")
        rows = conn.execute(select(*(table.c[c] for c in columns)).where(*where)).all()
        stmt = update(table).where(table.c.id == bindparam("b_id")).values(seal=bindparam("b_seal"))
        typed = [{"b_id": r.id, "b_seal": seal_hash(kind, r._asdict())} for r in rows]
        for start in range(0, len(typed), 20000):
            conn.execute(stmt, typed[start : start + 20000])
        done += len(typed)
    return done


def audit_seal(
    conn: Connection | Session, entity: str, entity_id: Any, actions: frozenset[str]
) -> str:
    """The seal the audit chain holds for a record (the newest row of ``actions`` carrying
    one), or "" when its making was not recorded with a seal (data older than seals)."""
    A: Any = m.AuditLog.__table__
    found = conn.execute(
        select(A.c.seal)
        .where(
            A.c.entity == entity,
            A.c.entity_id == str(entity_id),
            A.c.action.in_(sorted(actions)),
            A.c.seal != "",
        )
        .order_by(A.c.seq.desc())
        .limit(1)
    ).scalar()
    return str(found or "")
