"""team and HQ exchange: identities, peers, packages, merge state, conflicts (issue #15)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 22:42:21

New tables only (``storage/models_exchange.py``):

- ``exchange_identity``: this database's role (hq/team) and signing key;
- ``exchange_peer``: the keys packages are accepted from, with what was received and sent;
- ``exchange_package``: every package written or imported (re-import is recognised);
- ``exchange_record_state``: HQ's hash of each merged household, to tell who changed it;
- ``team_audit_row``: each team's audit chain as HQ holds it;
- ``exchange_conflict``: what waits for HQ's decision;
- ``foreign_id_hash``: keyed hashes of other teams' ID numbers on a laptop.

Migrations run in one transaction with the others pending (see storage/migrate.py). Use
plain SQLAlchemy types here (sa.DateTime(timezone=True), sa.Uuid()), not the application's
classes: a migration must keep working after the models change.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "foreign_id_hash",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("team_code", sa.String(length=40), nullable=False),
        sa.Column("team_name", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id_hash", "team_code", name=op.f("pk_foreign_id_hash")),
    )
    op.create_table(
        "exchange_identity",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=True),
        sa.Column("key_id", sa.String(length=40), nullable=False),
        sa.Column("private_key", sa.LargeBinary(), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("id_hash_key", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_exchange_identity_project_id_project")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_exchange_identity_team_id_team")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_identity")),
    )
    op.create_table(
        "exchange_peer",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=True),
        sa.Column("key_id", sa.String(length=40), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_sequence", sa.BigInteger(), nullable=False),
        sa.Column("received_sha256", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at_peer", sa.DateTime(timezone=True), nullable=True),
        sa.Column("audit_seq", sa.BigInteger(), nullable=False),
        sa.Column("audit_hash", sa.String(length=64), nullable=False),
        sa.Column("sent_sequence", sa.BigInteger(), nullable=False),
        sa.Column("acked_sequence", sa.BigInteger(), nullable=False),
        sa.Column("acked_audit_seq", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_exchange_peer_project_id_project")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_exchange_peer_team_id_team")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_peer")),
        sa.UniqueConstraint("key_id", name=op.f("uq_exchange_peer_key_id")),
    )
    with op.batch_alter_table("exchange_peer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exchange_peer_project_id"), ["project_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_exchange_peer_team_id"), ["team_id"], unique=False)

    op.create_table(
        "team_audit_row",
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=True),
        sa.Column("row", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_team_audit_row_team_id_team")
        ),
        sa.PrimaryKeyConstraint("team_id", "seq", name=op.f("pk_team_audit_row")),
    )
    with op.batch_alter_table("team_audit_row", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_team_audit_row_household_id"), ["household_id"], unique=False
        )

    op.create_table(
        "exchange_package",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("direction", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("peer_id", sa.Uuid(), nullable=True),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["peer_id"],
            ["exchange_peer.id"],
            name=op.f("fk_exchange_package_peer_id_exchange_peer"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_exchange_package_project_id_project")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_package")),
    )
    with op.batch_alter_table("exchange_package", schema=None) as batch_op:
        batch_op.create_index(
            "ix_exchange_package_peer_sequence", ["peer_id", "direction", "sequence"], unique=False
        )

    op.create_table(
        "exchange_conflict",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=True),
        sa.Column("other_team_id", sa.Uuid(), nullable=True),
        sa.Column("household_id", sa.Uuid(), nullable=True),
        sa.Column("package_id", sa.Uuid(), nullable=True),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("decision", sa.String(length=40), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.Column("sent_sequence", sa.BigInteger(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["operator.id"], name=op.f("fk_exchange_conflict_decided_by_operator")
        ),
        sa.ForeignKeyConstraint(
            ["other_team_id"], ["team.id"], name=op.f("fk_exchange_conflict_other_team_id_team")
        ),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["exchange_package.id"],
            name=op.f("fk_exchange_conflict_package_id_exchange_package"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_exchange_conflict_project_id_project")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_exchange_conflict_team_id_team")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_conflict")),
    )
    with op.batch_alter_table("exchange_conflict", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exchange_conflict_household_id"), ["household_id"], unique=False
        )
        batch_op.create_index("ix_exchange_conflict_status", ["project_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_exchange_conflict_team_id"), ["team_id"], unique=False)

    op.create_table(
        "exchange_record_state",
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("merged_hash", sa.String(length=64), nullable=False),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("package_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
            name=op.f("fk_exchange_record_state_household_id_household"),
        ),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["exchange_package.id"],
            name=op.f("fk_exchange_record_state_package_id_exchange_package"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_exchange_record_state_team_id_team")
        ),
        sa.PrimaryKeyConstraint("household_id", name=op.f("pk_exchange_record_state")),
    )
    with op.batch_alter_table("exchange_record_state", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exchange_record_state_team_id"), ["team_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("exchange_record_state", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchange_record_state_team_id"))

    op.drop_table("exchange_record_state")
    with op.batch_alter_table("exchange_conflict", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchange_conflict_team_id"))
        batch_op.drop_index("ix_exchange_conflict_status")
        batch_op.drop_index(batch_op.f("ix_exchange_conflict_household_id"))

    op.drop_table("exchange_conflict")
    with op.batch_alter_table("exchange_package", schema=None) as batch_op:
        batch_op.drop_index("ix_exchange_package_peer_sequence")

    op.drop_table("exchange_package")
    with op.batch_alter_table("team_audit_row", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_team_audit_row_household_id"))

    op.drop_table("team_audit_row")
    with op.batch_alter_table("exchange_peer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchange_peer_team_id"))
        batch_op.drop_index(batch_op.f("ix_exchange_peer_project_id"))

    op.drop_table("exchange_peer")
    op.drop_table("exchange_identity")
    op.drop_table("foreign_id_hash")
