"""payments under a compensation decision; reversals as columns (issue #8)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 18:10:00

- ``payment.agreement_id`` becomes nullable and ``payment.decision_id`` (a compensation
  decision) is added; a CHECK holds that exactly one of the two is set.
- ``payment.reverses_id`` (the entry a reversal cancels, unique: an entry is reversed once) and
  ``payment.note`` (the reversal's reason) are added.
- Reversals recorded before this revision kept both only in their audit row
  (``entity="payment"``, ``action="reverse"``, ``entity_id`` = the reversal,
  ``after = {"reverses": id, "reason": …}``); they are copied into the new columns. An audit row
  whose entries are missing, or that does not describe a negative entry cancelling a positive
  one of the same household, is left alone (the audit log itself is never changed).

Migrations run in one transaction with the others pending (see storage/migrate.py). Use
plain SQLAlchemy types here (sa.DateTime(timezone=True), sa.Uuid()), not the application's
classes: a migration must keep working after the models change.
"""

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ONE_BASIS = (
    "(agreement_id IS NOT NULL AND decision_id IS NULL)"
    " OR (agreement_id IS NULL AND decision_id IS NOT NULL)"
)


def upgrade() -> None:
    # SQLite rebuilds the table (batch mode); PostgreSQL alters it in place.
    with op.batch_alter_table("payment") as batch:
        batch.alter_column("agreement_id", existing_type=sa.Uuid(), nullable=True)
        batch.add_column(sa.Column("decision_id", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("reverses_id", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("note", sa.Text(), nullable=False, server_default=""))
        batch.create_index(op.f("ix_payment_decision_id"), ["decision_id"], unique=False)
        batch.create_foreign_key(
            op.f("fk_payment_decision_id_compensation_decision"),
            "compensation_decision",
            ["decision_id"],
            ["id"],
        )
        batch.create_foreign_key(
            op.f("fk_payment_reverses_id_payment"), "payment", ["reverses_id"], ["id"]
        )
        batch.create_unique_constraint(op.f("uq_payment_reverses_id"), ["reverses_id"])
        batch.create_check_constraint(op.f("ck_payment_one_basis"), sa.text(ONE_BASIS))
    _copy_reversals_from_audit_log()


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def _copy_reversals_from_audit_log() -> None:
    conn = op.get_bind()
    audit = sa.table(
        "audit_log",
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("entity", sa.String()),
        sa.column("action", sa.String()),
        sa.column("entity_id", sa.String()),
        sa.column("after", sa.JSON()),
    )
    payment = sa.table(
        "payment",
        sa.column("id", sa.Uuid()),
        sa.column("household_id", sa.Uuid()),
        sa.column("amount_fen", sa.BigInteger()),
        sa.column("reverses_id", sa.Uuid()),
        sa.column("note", sa.Text()),
    )
    rows = conn.execute(
        sa.select(audit.c.entity_id, audit.c.after)
        .where(audit.c.entity == "payment", audit.c.action == "reverse")
        .order_by(audit.c.at)
    ).all()
    linked: set[uuid.UUID] = set()
    for entity_id, after in rows:
        if not isinstance(after, dict):
            continue
        reversal_id, original_id = _uuid(entity_id), _uuid(after.get("reverses"))
        if reversal_id is None or original_id is None or original_id in linked:
            continue
        found = {
            pid: (household, amount)
            for pid, household, amount in conn.execute(
                sa.select(payment.c.id, payment.c.household_id, payment.c.amount_fen).where(
                    payment.c.id.in_([reversal_id, original_id])
                )
            )
        }
        reversal, original = found.get(reversal_id), found.get(original_id)
        if reversal is None or original is None or reversal[0] != original[0]:
            continue
        if not (reversal[1] < 0 < original[1]):
            continue
        conn.execute(
            payment.update()
            .where(payment.c.id == reversal_id)
            .values(reverses_id=original_id, note=str(after.get("reason") or ""))
        )
        linked.add(original_id)


def downgrade() -> None:
    conn = op.get_bind()
    decided = conn.execute(
        sa.text("SELECT COUNT(*) FROM payment WHERE agreement_id IS NULL")
    ).scalar()
    if decided:
        raise RuntimeError(
            f"{decided} payments are under compensation decisions; revision 0001 cannot hold them"
        )
    with op.batch_alter_table("payment") as batch:
        batch.drop_constraint(op.f("ck_payment_one_basis"), type_="check")
        batch.drop_constraint(op.f("uq_payment_reverses_id"), type_="unique")
        batch.drop_constraint(op.f("fk_payment_reverses_id_payment"), type_="foreignkey")
        batch.drop_constraint(
            op.f("fk_payment_decision_id_compensation_decision"), type_="foreignkey"
        )
        batch.drop_index(op.f("ix_payment_decision_id"))
        batch.drop_column("note")
        batch.drop_column("reverses_id")
        batch.drop_column("decision_id")
        batch.alter_column("agreement_id", existing_type=sa.Uuid(), nullable=False)
