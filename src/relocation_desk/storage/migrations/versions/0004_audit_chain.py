"""chained audit log and sealed records (issue #14)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 20:30:00

- ``audit_log`` gets ``seq`` (unique), ``prev_hash``, ``row_hash`` and ``seal``;
- ``audit_chain_head`` (one row, id 1: the last ``seq`` and hash) is created;
- ``ix_audit_log_sealed``: a partial index of the rows that carry a seal, by record;
- ``agreement``, ``payment``, ``milestone`` and ``compensation_decision`` get ``seal``;
- ``notice_row`` gets ``field_digests`` (per-field digests of the posted row, so a tampered
  round's altered rows and fields can be named), filled in for the rows already posted.

Existing data: every signed agreement, payment, milestone and compensation decision is sealed
(domain/audit_chain.py ``seal_hash``), the audit row of its making (agreement ``sign``, the
others ``create``/``reverse``) is given the same seal, and then every audit row is chained in
the order ``(at, id)``, so an upgraded project checks clean. What the audit rows say is not
changed.

The canonical texts come from ``domain.audit_chain``: they are a stored format and may not
change. Plain SQLAlchemy types only (see 0002).
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from relocation_desk.domain.audit_chain import (
    GENESIS,
    canonical_row,
    field_digests,
    json_value_text,
    row_hash,
    seal_hash,
)

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SEALED = ("agreement", "payment", "milestone", "compensation_decision")
# The sealed columns as this revision knows the tables (a copy of domain.audit_chain's list at
# the time: a later revision that adds a sealed column re-seals the records itself).
SEALED_COLUMNS: dict[str, tuple[str, ...]] = {
    "agreement": (
        "id", "project_id", "household_id", "kind", "parent_id", "seq_no", "number",
        "scheme_version_id", "calculation_id", "compensation_method", "total_fen", "content",
        "payment_deadline", "vacate_deadline", "signed_on", "witnessed_by",
        "signed_recorded_by",
    ),
    "payment": (
        "id", "agreement_id", "decision_id", "household_id", "kind", "amount_fen", "paid_on",
        "payee", "method", "voucher_no", "reverses_id", "note", "created_at", "created_by",
    ),
    "milestone": ("id", "household_id", "kind", "happened_on", "note", "created_at", "created_by"),
    "compensation_decision": (
        "id", "household_id", "number", "decided_on", "total_fen", "calculation_id", "content",
        "created_at", "created_by",
    ),
}  # fmt: skip
_SEALING_ACTIONS = {
    "agreement": ("sign",),
    "payment": ("create", "reverse"),
    "milestone": ("create",),
    "compensation_decision": ("create",),
}
_TYPES: dict[str, Any] = {
    "id": sa.Uuid(), "project_id": sa.Uuid(), "household_id": sa.Uuid(),
    "parent_id": sa.Uuid(), "scheme_version_id": sa.Uuid(), "calculation_id": sa.Uuid(),
    "signed_recorded_by": sa.Uuid(), "agreement_id": sa.Uuid(), "decision_id": sa.Uuid(),
    "reverses_id": sa.Uuid(), "created_by": sa.Uuid(), "content": sa.JSON(),
    "payment_deadline": sa.Date(), "vacate_deadline": sa.Date(), "signed_on": sa.Date(),
    "paid_on": sa.Date(), "happened_on": sa.Date(), "decided_on": sa.Date(),
    "created_at": sa.DateTime(timezone=True), "seq_no": sa.BigInteger(),
    "total_fen": sa.BigInteger(), "amount_fen": sa.BigInteger(),
}  # fmt: skip


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("seq", sa.BigInteger(), nullable=True))
        batch.add_column(
            sa.Column("prev_hash", sa.String(length=64), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("row_hash", sa.String(length=64), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("seal", sa.String(length=64), nullable=False, server_default=""))
        batch.create_unique_constraint(op.f("uq_audit_log_seq"), ["seq"])
    op.create_index(
        "ix_audit_log_sealed",
        "audit_log",
        ["entity", "entity_id"],
        sqlite_where=sa.text("seal != ''"),
        postgresql_where=sa.text("seal != ''"),
    )
    op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )
    for name in _SEALED:
        with op.batch_alter_table(name) as batch:
            batch.add_column(
                sa.Column("seal", sa.String(length=64), nullable=False, server_default="")
            )
    with op.batch_alter_table("notice_row") as batch:
        batch.add_column(sa.Column("field_digests", sa.JSON(), nullable=True))
    conn = op.get_bind()
    _digest_notice_rows(conn)
    for kind in _SEALED:
        _seal_existing(conn, kind)
    _chain_existing(conn)


def _digest_notice_rows(conn: Any) -> None:
    t = sa.table(
        "notice_row",
        sa.column("id", sa.Uuid()),
        sa.column("change_mark", sa.String()),
        sa.column("data", sa.JSON()),
        sa.column("field_digests", sa.JSON()),
    )
    batch = [
        {"b_id": r.id, "b_digests": field_digests(r.change_mark or "", r.data or {})}
        for r in conn.execute(sa.select(t.c.id, t.c.change_mark, t.c.data))
    ]
    stmt = (
        t.update()
        .where(t.c.id == sa.bindparam("b_id"))
        .values(field_digests=sa.bindparam("b_digests"))
    )
    for start in range(0, len(batch), 20000):
        conn.execute(stmt, batch[start : start + 20000])


def _table(name: str, columns: Sequence[str]) -> Any:
    return sa.table(name, *(sa.column(c, _TYPES.get(c, sa.String())) for c in columns))


_AUDIT = sa.table(
    "audit_log",
    sa.column("id", sa.Uuid()),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("operator_id", sa.Uuid()),
    sa.column("operator_login", sa.String()),
    sa.column("action", sa.String()),
    sa.column("entity", sa.String()),
    sa.column("entity_id", sa.String()),
    sa.column("household_id", sa.Uuid()),
    sa.column("before", sa.JSON()),
    sa.column("after", sa.JSON()),
    sa.column("note", sa.Text()),
    sa.column("seq", sa.BigInteger()),
    sa.column("prev_hash", sa.String()),
    sa.column("row_hash", sa.String()),
    sa.column("seal", sa.String()),
)


def _seal_existing(conn: Any, kind: str) -> None:
    columns = SEALED_COLUMNS[kind]
    t = _table(kind, (*columns, "seal", "status") if kind == "agreement" else (*columns, "seal"))
    stmt = sa.select(*(t.c[c] for c in columns))
    if kind == "agreement":
        stmt = stmt.where(t.c.status == "signed")
    seals = {r.id: seal_hash(kind, r._asdict(), columns=columns) for r in conn.execute(stmt)}
    if not seals:
        return
    conn.execute(
        t.update().where(t.c.id == sa.bindparam("b_id")).values(seal=sa.bindparam("b_seal")),
        [{"b_id": k, "b_seal": v} for k, v in seals.items()],
    )
    by_text = {str(k): v for k, v in seals.items()}
    a = _AUDIT
    rows = conn.execute(
        sa.select(a.c.id, a.c.entity_id).where(
            a.c.entity == kind, a.c.action.in_(_SEALING_ACTIONS[kind])
        )
    ).all()
    marks = [{"b_id": r.id, "b_seal": by_text[r.entity_id]} for r in rows if r.entity_id in by_text]
    if marks:
        conn.execute(
            a.update().where(a.c.id == sa.bindparam("b_id")).values(seal=sa.bindparam("b_seal")),
            marks,
        )


def _chain_existing(conn: Any) -> None:
    a = _AUDIT
    seq, prev, last_at = 0, GENESIS, None
    updates = []
    for r in conn.execute(sa.select(a).order_by(a.c.at, a.c.id)):
        seq += 1
        h = row_hash(
            prev,
            canonical_row(
                seq, r.id, r.at, r.operator_id, r.operator_login, r.action, r.entity,
                r.entity_id, r.household_id, json_value_text(r.before), json_value_text(r.after),
                r.note, r.seal,
            ),
        )  # fmt: skip
        updates.append({"b_id": r.id, "b_seq": seq, "b_prev": prev, "b_hash": h})
        prev, last_at = h, r.at
    stmt = (
        a.update()
        .where(a.c.id == sa.bindparam("b_id"))
        .values(seq=sa.bindparam("b_seq"), prev_hash=sa.bindparam("b_prev"), row_hash=sa.bindparam("b_hash"))
    )  # fmt: skip
    for start in range(0, len(updates), 20000):
        conn.execute(stmt, updates[start : start + 20000])
    head = sa.table(
        "audit_chain_head",
        sa.column("id", sa.BigInteger()),
        sa.column("seq", sa.BigInteger()),
        sa.column("row_hash", sa.String()),
        sa.column("at", sa.DateTime(timezone=True)),
    )
    conn.execute(head.insert().values(id=1, seq=seq, row_hash=prev, at=last_at))


def downgrade() -> None:
    op.drop_table("audit_chain_head")
    with op.batch_alter_table("notice_row") as batch:
        batch.drop_column("field_digests")
    for name in reversed(_SEALED):
        with op.batch_alter_table(name) as batch:
            batch.drop_column("seal")
    op.drop_index("ix_audit_log_sealed", table_name="audit_log")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_constraint(op.f("uq_audit_log_seq"), type_="unique")
        batch.drop_column("seal")
        batch.drop_column("row_hash")
        batch.drop_column("prev_hash")
        batch.drop_column("seq")
