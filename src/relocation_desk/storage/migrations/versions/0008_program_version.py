"""program versions that wrote the database (issue #18)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 23:00:00

``program_version``: one row per program version that opened the database for writing, with
the first and last time it did (``storage/program_version.py`` keeps it). Plain SQLAlchemy
types here, not the application's classes (see 0002).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "program_version",
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("first_written_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_written_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_program_version")),
    )


def downgrade() -> None:
    op.drop_table("program_version")
