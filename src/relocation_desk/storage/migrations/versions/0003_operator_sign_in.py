"""operator sign-in: password hash, must-change flag, failed attempts, lock (issue #14)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 20:05:00

Columns added to ``operator``:

- ``password_hash``: ``scrypt$n$r$p$salt$hash`` (see ``domain/passwords.py``); empty when the
  operator has no password yet;
- ``must_change_password``: set by an administrator's reset; the next sign-in asks for a new one;
- ``failed_sign_ins``: wrong passwords in a row since the last good sign-in;
- ``locked_until``: sign-in refused until then (5 wrong passwords lock a login for 5 minutes);
- ``password_changed_at``: when the password was last set.

Operators of a database upgraded by this revision have no password. Such a login cannot sign in
and is told to ask the administrator, who sets one (it must be changed at first sign-in). A
project with no administrator who has a password lets the first run create one
(``services.auth``).

Use plain SQLAlchemy types here, not the application's classes (see 0002).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("operator") as batch:
        batch.add_column(
            sa.Column("password_hash", sa.String(length=255), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch.add_column(
            sa.Column("failed_sign_ins", sa.BigInteger(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("operator") as batch:
        batch.drop_column("password_changed_at")
        batch.drop_column("locked_until")
        batch.drop_column("failed_sign_ins")
        batch.drop_column("must_change_password")
        batch.drop_column("password_hash")
