"""agreements imported from a ledger: origin and recorded amount (issue #16)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 21:00:00

An agreement the desk did not make (signed before the desk arrived, read from a village's
ledger) is still an agreement, recorded as imported history:

- ``agreement.origin``: ``desk`` (made and printed here; every existing row) or ``ledger``;
- ``agreement.recorded_total_fen``: the amount the ledger records (NULL when it records none);
- ``scheme_version_id`` and ``calculation_id`` become nullable; a CHECK keeps both required
  for ``desk`` agreements (an imported one has neither: it was never computed here).

SQLite rebuilds the table (batch mode); PostgreSQL alters it in place. Plain SQLAlchemy types
here, not the application's classes (see 0002).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DESK_COMPUTED = (
    "origin = 'ledger' OR (scheme_version_id IS NOT NULL AND calculation_id IS NOT NULL)"
)
KNOWN_ORIGIN = "origin IN ('desk', 'ledger')"


def upgrade() -> None:
    with op.batch_alter_table("agreement") as batch:
        batch.add_column(sa.Column("origin", sa.String(40), nullable=False, server_default="desk"))
        batch.add_column(sa.Column("recorded_total_fen", sa.BigInteger(), nullable=True))
        batch.alter_column("scheme_version_id", existing_type=sa.Uuid(), nullable=True)
        batch.alter_column("calculation_id", existing_type=sa.Uuid(), nullable=True)
        batch.create_check_constraint(op.f("ck_agreement_desk_computed"), sa.text(DESK_COMPUTED))
        batch.create_check_constraint(op.f("ck_agreement_known_origin"), sa.text(KNOWN_ORIGIN))


def downgrade() -> None:
    conn = op.get_bind()
    imported = conn.execute(
        sa.text("SELECT COUNT(*) FROM agreement WHERE origin = 'ledger'")
    ).scalar()
    if imported:
        raise RuntimeError(
            f"{imported} agreements were imported from ledgers; revision 0005 cannot hold them"
        )
    with op.batch_alter_table("agreement") as batch:
        batch.drop_constraint(op.f("ck_agreement_known_origin"), type_="check")
        batch.drop_constraint(op.f("ck_agreement_desk_computed"), type_="check")
        batch.alter_column("calculation_id", existing_type=sa.Uuid(), nullable=False)
        batch.alter_column("scheme_version_id", existing_type=sa.Uuid(), nullable=False)
        batch.drop_column("recorded_total_fen")
        batch.drop_column("origin")
