"""property swap: flat inventory, choosing order, public draw, choices (issue #20)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 20:30:00

New tables only (``storage/models_resettlement.py``):

- ``resettlement_flat``: 安置房源, unique per project by 小区/楼栋/单元/房号;
- ``resettlement_counter``: per-project sequences (choosing-order numbers);
- ``resettlement_draw``: a public draw's frozen list, list hash, seed source, seed and result;
- ``resettlement_order``: each household's choosing-order number (unique per project);
- ``resettlement_choice``: flats chosen; a partial unique index allows one active choice per
  flat.

Use plain SQLAlchemy types here, not the application's classes (see 0002).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "resettlement_flat",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("estate", sa.String(100), nullable=False),
        sa.Column("building", sa.String(40), nullable=False),
        sa.Column("unit", sa.String(40), nullable=False),
        sa.Column("floor", sa.BigInteger(), nullable=False),
        sa.Column("number", sa.String(40), nullable=False),
        sa.Column("layout", sa.String(100), nullable=False),
        sa.Column("built_area_dm2", sa.BigInteger(), nullable=False),
        sa.Column("measured_area_dm2", sa.BigInteger(), nullable=True),
        sa.Column("base_price_fen", sa.BigInteger(), nullable=False),
        sa.Column("coefficient_milli", sa.BigInteger(), nullable=False),
        sa.Column("unit_price_fen", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_resettlement_flat_project_id_project")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resettlement_flat")),
        sa.UniqueConstraint(
            "project_id", "estate", "building", "unit", "number",
            name=op.f("uq_resettlement_flat_project_id_estate_building_unit_number"),
        ),
    )  # fmt: skip
    op.create_index(
        "ix_resettlement_flat_project_status", "resettlement_flat", ["project_id", "status"]
    )
    op.create_table(
        "resettlement_counter",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_resettlement_counter_project_id_project")
        ),
        sa.PrimaryKeyConstraint("project_id", "name", name=op.f("pk_resettlement_counter")),
    )
    op.create_table(
        "resettlement_draw",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("codes", sa.JSON(), nullable=False),
        sa.Column("list_hash", sa.String(64), nullable=False),
        sa.Column("seed_source", sa.Text(), nullable=False),
        sa.Column("seed", sa.Text(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("result_hash", sa.String(64), nullable=True),
        sa.Column("frozen_at", TZ, nullable=False),
        sa.Column("frozen_by", sa.Uuid(), nullable=True),
        sa.Column("drawn_at", TZ, nullable=True),
        sa.Column("drawn_by", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_resettlement_draw_project_id_project")
        ),
        sa.ForeignKeyConstraint(
            ["frozen_by"], ["operator.id"], name=op.f("fk_resettlement_draw_frozen_by_operator")
        ),
        sa.ForeignKeyConstraint(
            ["drawn_by"], ["operator.id"], name=op.f("fk_resettlement_draw_drawn_by_operator")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resettlement_draw")),
    )
    op.create_index(op.f("ix_resettlement_draw_project_id"), "resettlement_draw", ["project_id"])
    op.create_table(
        "resettlement_order",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("order_no", sa.BigInteger(), nullable=False),
        sa.Column("basis", sa.String(40), nullable=False),
        sa.Column("basis_at", TZ, nullable=True),
        sa.Column("draw_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("issued_at", TZ, nullable=False),
        sa.Column("issued_by", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_resettlement_order_project_id_project")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"],
            name=op.f("fk_resettlement_order_household_id_household"),
        ),
        sa.ForeignKeyConstraint(
            ["draw_id"], ["resettlement_draw.id"],
            name=op.f("fk_resettlement_order_draw_id_resettlement_draw"),
        ),
        sa.ForeignKeyConstraint(
            ["issued_by"], ["operator.id"], name=op.f("fk_resettlement_order_issued_by_operator")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resettlement_order")),
        sa.UniqueConstraint(
            "project_id", "household_id", name=op.f("uq_resettlement_order_project_id_household_id")
        ),
        sa.UniqueConstraint(
            "project_id", "order_no", name=op.f("uq_resettlement_order_project_id_order_no")
        ),
    )  # fmt: skip
    op.create_index(
        op.f("ix_resettlement_order_household_id"), "resettlement_order", ["household_id"]
    )
    op.create_table(
        "resettlement_choice",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("flat_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("order_no", sa.BigInteger(), nullable=True),
        sa.Column("area_dm2", sa.BigInteger(), nullable=False),
        sa.Column("unit_price_fen", sa.BigInteger(), nullable=False),
        sa.Column("coefficient_milli", sa.BigInteger(), nullable=False),
        sa.Column("chosen_at", TZ, nullable=False),
        sa.Column("chosen_by", sa.Uuid(), nullable=True),
        sa.Column("cancelled_at", TZ, nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_resettlement_choice_project_id_project")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"],
            name=op.f("fk_resettlement_choice_household_id_household"),
        ),
        sa.ForeignKeyConstraint(
            ["flat_id"], ["resettlement_flat.id"],
            name=op.f("fk_resettlement_choice_flat_id_resettlement_flat"),
        ),
        sa.ForeignKeyConstraint(
            ["chosen_by"], ["operator.id"], name=op.f("fk_resettlement_choice_chosen_by_operator")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resettlement_choice")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_resettlement_choice_household_id"), "resettlement_choice", ["household_id"]
    )
    op.create_index(op.f("ix_resettlement_choice_chosen_at"), "resettlement_choice", ["chosen_at"])
    op.create_index(
        "ux_resettlement_choice_active_flat",
        "resettlement_choice",
        ["flat_id"],
        unique=True,
        sqlite_where=sa.text("cancelled_at IS NULL"),
        postgresql_where=sa.text("cancelled_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_table("resettlement_choice")
    op.drop_table("resettlement_order")
    op.drop_table("resettlement_draw")
    op.drop_table("resettlement_counter")
    op.drop_table("resettlement_flat")
