"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23 14:46:52.441122

Migrations run in one transaction with the others pending (see storage/migrate.py). Use
plain SQLAlchemy types here (sa.DateTime(timezone=True), sa.Uuid()), not the application's
classes: a migration must keep working after the models change.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "project",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("county", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project")),
        sa.UniqueConstraint("code", name=op.f("uq_project_code")),
    )
    op.create_table(
        "scheme",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_scheme_project_id_project")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheme")),
    )
    op.create_index(op.f("ix_scheme_project_id"), "scheme", ["project_id"], unique=False)
    op.create_table(
        "setting",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_setting_project_id_project")
        ),
        sa.PrimaryKeyConstraint("project_id", "key", name=op.f("pk_setting")),
    )
    op.create_table(
        "team",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("leader_name", sa.String(length=100), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_team_project_id_project")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team")),
        sa.UniqueConstraint("project_id", "code", name=op.f("uq_team_project_id_code")),
    )
    op.create_index(op.f("ix_team_project_id"), "team", ["project_id"], unique=False)
    op.create_table(
        "operator",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=True),
        sa.Column("login", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_operator_project_id_project")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_operator_team_id_team")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operator")),
        sa.UniqueConstraint("project_id", "login", name=op.f("uq_operator_project_id_login")),
    )
    op.create_index(op.f("ix_operator_project_id"), "operator", ["project_id"], unique=False)
    op.create_index(op.f("ix_operator_team_id"), "operator", ["team_id"], unique=False)
    op.create_table(
        "village",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_village_project_id_project")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_village_team_id_team")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_village")),
        sa.UniqueConstraint("project_id", "name", name=op.f("uq_village_project_id_name")),
    )
    op.create_index(op.f("ix_village_project_id"), "village", ["project_id"], unique=False)
    op.create_table(
        "daily_report",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=True),
        sa.Column("scope_key", sa.String(length=80), nullable=False),
        sa.Column("report_date", sa.Date(), nullable=False),
        sa.Column("cutoff_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("frozen_by", sa.Uuid(), nullable=True),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["frozen_by"], ["operator.id"], name=op.f("fk_daily_report_frozen_by_operator")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_daily_report_project_id_project")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_daily_report_team_id_team")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_daily_report")),
        sa.UniqueConstraint(
            "project_id",
            "scope_key",
            "report_date",
            name=op.f("uq_daily_report_project_id_scope_key_report_date"),
        ),
    )
    op.create_table(
        "scheme_version",
        sa.Column("scheme_id", sa.Uuid(), nullable=False),
        sa.Column("version_no", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by", sa.Uuid(), nullable=True),
        sa.Column("supersedes_id", sa.Uuid(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["published_by"], ["operator.id"], name=op.f("fk_scheme_version_published_by_operator")
        ),
        sa.ForeignKeyConstraint(
            ["scheme_id"], ["scheme.id"], name=op.f("fk_scheme_version_scheme_id_scheme")
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"],
            ["scheme_version.id"],
            name=op.f("fk_scheme_version_supersedes_id_scheme_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheme_version")),
        sa.UniqueConstraint(
            "scheme_id", "version_no", name=op.f("uq_scheme_version_scheme_id_version_no")
        ),
    )
    op.create_index(
        op.f("ix_scheme_version_scheme_id"), "scheme_version", ["scheme_id"], unique=False
    )
    op.create_table(
        "village_group",
        sa.Column("village_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["village_id"], ["village.id"], name=op.f("fk_village_group_village_id_village")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_village_group")),
        sa.UniqueConstraint("village_id", "name", name=op.f("uq_village_group_village_id_name")),
    )
    op.create_index(
        op.f("ix_village_group_village_id"), "village_group", ["village_id"], unique=False
    )
    op.create_table(
        "household",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("village_id", sa.Uuid(), nullable=False),
        sa.Column("group_id", sa.Uuid(), nullable=True),
        sa.Column("responsible_id", sa.Uuid(), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("compensation_method", sa.String(length=40), nullable=True),
        sa.Column("bank_name", sa.String(length=100), nullable=False),
        sa.Column("bank_account", sa.String(length=40), nullable=False),
        sa.Column("account_holder", sa.String(length=100), nullable=False),
        sa.Column("special_situation", sa.Text(), nullable=False),
        sa.Column("remarks", sa.Text(), nullable=False),
        sa.Column("declared_member_count", sa.BigInteger(), nullable=True),
        sa.Column("ledger_amount_fen", sa.BigInteger(), nullable=True),
        sa.Column("head_name", sa.String(length=100), nullable=False),
        sa.Column("head_id_number", sa.String(length=40), nullable=False),
        sa.Column("member_count", sa.BigInteger(), nullable=False),
        sa.Column("legal_area_dm2", sa.BigInteger(), nullable=False),
        sa.Column("unlicensed_area_dm2", sa.BigInteger(), nullable=False),
        sa.Column("total_fen", sa.BigInteger(), nullable=True),
        sa.Column("has_cadre", sa.Boolean(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.Column("row_version", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["village_group.id"], name=op.f("fk_household_group_id_village_group")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_household_project_id_project")
        ),
        sa.ForeignKeyConstraint(
            ["responsible_id"], ["operator.id"], name=op.f("fk_household_responsible_id_operator")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_household_team_id_team")),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["operator.id"], name=op.f("fk_household_updated_by_operator")
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["village.id"], name=op.f("fk_household_village_id_village")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household")),
        sa.UniqueConstraint("project_id", "code", name=op.f("uq_household_project_id_code")),
    )
    op.create_index(op.f("ix_household_group_id"), "household", ["group_id"], unique=False)
    op.create_index(op.f("ix_household_head_name"), "household", ["head_name"], unique=False)
    op.create_index(
        "ix_household_project_status", "household", ["project_id", "status"], unique=False
    )
    op.create_index(
        op.f("ix_household_responsible_id"), "household", ["responsible_id"], unique=False
    )
    op.create_index(op.f("ix_household_team_id"), "household", ["team_id"], unique=False)
    op.create_index(op.f("ix_household_village_id"), "household", ["village_id"], unique=False)
    op.create_table(
        "notice_round",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("village_id", sa.Uuid(), nullable=False),
        sa.Column("group_id", sa.Uuid(), nullable=True),
        sa.Column("scope_key", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("round_no", sa.BigInteger(), nullable=False),
        sa.Column("previous_round_id", sa.Uuid(), nullable=True),
        sa.Column("posted_from", sa.Date(), nullable=False),
        sa.Column("posted_to", sa.Date(), nullable=False),
        sa.Column("objection_place", sa.String(length=200), nullable=False),
        sa.Column("objection_until", sa.Date(), nullable=True),
        sa.Column("issuing_team_id", sa.Uuid(), nullable=True),
        sa.Column("snapshot_hash", sa.String(length=64), nullable=False),
        sa.Column("verification_code", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("print_count", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["operator.id"], name=op.f("fk_notice_round_created_by_operator")
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["village_group.id"], name=op.f("fk_notice_round_group_id_village_group")
        ),
        sa.ForeignKeyConstraint(
            ["issuing_team_id"], ["team.id"], name=op.f("fk_notice_round_issuing_team_id_team")
        ),
        sa.ForeignKeyConstraint(
            ["previous_round_id"],
            ["notice_round.id"],
            name=op.f("fk_notice_round_previous_round_id_notice_round"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_notice_round_project_id_project")
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["village.id"], name=op.f("fk_notice_round_village_id_village")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_round")),
        sa.UniqueConstraint(
            "project_id",
            "scope_key",
            "kind",
            "round_no",
            name=op.f("uq_notice_round_project_id_scope_key_kind_round_no"),
        ),
    )
    op.create_index(
        op.f("ix_notice_round_verification_code"),
        "notice_round",
        ["verification_code"],
        unique=False,
    )
    op.create_index(
        op.f("ix_notice_round_village_id"), "notice_round", ["village_id"], unique=False
    )
    op.create_table(
        "rate_item",
        sa.Column("scheme_version_id", sa.Uuid(), nullable=False),
        sa.Column("sort_order", sa.BigInteger(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("unit", sa.String(length=10), nullable=False),
        sa.Column("rate_fen", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["scheme_version_id"],
            ["scheme_version.id"],
            name=op.f("fk_rate_item_scheme_version_id_scheme_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_item")),
        sa.UniqueConstraint(
            "scheme_version_id", "code", name=op.f("uq_rate_item_scheme_version_id_code")
        ),
    )
    op.create_table(
        "approval_request",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("item_code", sa.String(length=40), nullable=False),
        sa.Column("requested_amount_fen", sa.BigInteger(), nullable=True),
        sa.Column("requested_rule", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("requested_by", sa.Uuid(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["operator.id"], name=op.f("fk_approval_request_decided_by_operator")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
            name=op.f("fk_approval_request_household_id_household"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_approval_request_project_id_project")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"],
            ["operator.id"],
            name=op.f("fk_approval_request_requested_by_operator"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_approval_request_team_id_team")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_request")),
    )
    op.create_index(
        op.f("ix_approval_request_household_id"), "approval_request", ["household_id"], unique=False
    )
    op.create_index(
        op.f("ix_approval_request_project_id"), "approval_request", ["project_id"], unique=False
    )
    op.create_table(
        "attachment",
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("sort_order", sa.BigInteger(), nullable=False),
        sa.Column("item_code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("unit", sa.String(length=10), nullable=False),
        sa.Column("quantity_milli", sa.BigInteger(), nullable=False),
        sa.Column("remarks", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_attachment_household_id_household")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
    )
    op.create_index(
        op.f("ix_attachment_household_id"), "attachment", ["household_id"], unique=False
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("operator_id", sa.Uuid(), nullable=True),
        sa.Column("operator_login", sa.String(length=40), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_audit_log_household_id_household")
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operator.id"], name=op.f("fk_audit_log_operator_id_operator")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"], unique=False)
    op.create_index("ix_audit_log_household_at", "audit_log", ["household_id", "at"], unique=False)
    op.create_table(
        "calculation",
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("version_no", sa.BigInteger(), nullable=False),
        sa.Column("scheme_version_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("compensation_method", sa.String(length=40), nullable=False),
        sa.Column("inputs_hash", sa.String(length=64), nullable=False),
        sa.Column("total_fen", sa.BigInteger(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("computed_by", sa.Uuid(), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_by", sa.Uuid(), nullable=True),
        sa.Column("supersedes_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["checked_by"], ["operator.id"], name=op.f("fk_calculation_checked_by_operator")
        ),
        sa.ForeignKeyConstraint(
            ["computed_by"], ["operator.id"], name=op.f("fk_calculation_computed_by_operator")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_calculation_household_id_household")
        ),
        sa.ForeignKeyConstraint(
            ["scheme_version_id"],
            ["scheme_version.id"],
            name=op.f("fk_calculation_scheme_version_id_scheme_version"),
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"],
            ["calculation.id"],
            name=op.f("fk_calculation_supersedes_id_calculation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calculation")),
        sa.UniqueConstraint(
            "household_id", "version_no", name=op.f("uq_calculation_household_id_version_no")
        ),
    )
    op.create_index(
        op.f("ix_calculation_household_id"), "calculation", ["household_id"], unique=False
    )
    op.create_table(
        "milestone",
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["operator.id"], name=op.f("fk_milestone_created_by_operator")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_milestone_household_id_household")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestone")),
        sa.UniqueConstraint("household_id", "kind", name=op.f("uq_milestone_household_id_kind")),
    )
    op.create_table(
        "notice_row",
        sa.Column("round_id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("change_mark", sa.String(length=40), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_notice_row_household_id_household")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["notice_round.id"], name=op.f("fk_notice_row_round_id_notice_round")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_row")),
    )
    op.create_index(
        op.f("ix_notice_row_household_id"), "notice_row", ["household_id"], unique=False
    )
    op.create_index(op.f("ix_notice_row_round_id"), "notice_row", ["round_id"], unique=False)
    op.create_table(
        "person",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("sort_order", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=True),
        sa.Column("relation", sa.String(length=20), nullable=False),
        sa.Column("is_head", sa.Boolean(), nullable=False),
        sa.Column("sex", sa.String(length=2), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("is_cadre", sa.Boolean(), nullable=False),
        sa.Column("is_cadre_relative", sa.Boolean(), nullable=False),
        sa.Column("cadre_note", sa.String(length=100), nullable=False),
        sa.Column("is_dibao", sa.Boolean(), nullable=False),
        sa.Column("is_disabled", sa.Boolean(), nullable=False),
        sa.Column("special_note", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_person_household_id_household")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_person_project_id_project")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("project_id", "id_number", name=op.f("uq_person_project_id_id_number")),
    )
    op.create_index(op.f("ix_person_household_id"), "person", ["household_id"], unique=False)
    op.create_index(op.f("ix_person_name"), "person", ["name"], unique=False)
    op.create_table(
        "structure",
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("sort_order", sa.BigInteger(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("structure_type", sa.String(length=40), nullable=False),
        sa.Column("legal_area_dm2", sa.BigInteger(), nullable=False),
        sa.Column("unlicensed_area_dm2", sa.BigInteger(), nullable=False),
        sa.Column("floors", sa.BigInteger(), nullable=False),
        sa.Column("build_year", sa.BigInteger(), nullable=True),
        sa.Column("decoration", sa.String(length=40), nullable=False),
        sa.Column("remarks", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_structure_household_id_household")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_structure")),
    )
    op.create_index(op.f("ix_structure_household_id"), "structure", ["household_id"], unique=False)
    op.create_table(
        "agreement",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("seq_no", sa.BigInteger(), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("scheme_version_id", sa.Uuid(), nullable=False),
        sa.Column("calculation_id", sa.Uuid(), nullable=False),
        sa.Column("compensation_method", sa.String(length=40), nullable=False),
        sa.Column("total_fen", sa.BigInteger(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("payment_deadline", sa.Date(), nullable=True),
        sa.Column("vacate_deadline", sa.Date(), nullable=True),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("witnessed_by", sa.String(length=100), nullable=False),
        sa.Column("signed_recorded_by", sa.Uuid(), nullable=True),
        sa.Column("print_count", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["calculation_id"],
            ["calculation.id"],
            name=op.f("fk_agreement_calculation_id_calculation"),
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_agreement_household_id_household")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["agreement.id"], name=op.f("fk_agreement_parent_id_agreement")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_agreement_project_id_project")
        ),
        sa.ForeignKeyConstraint(
            ["scheme_version_id"],
            ["scheme_version.id"],
            name=op.f("fk_agreement_scheme_version_id_scheme_version"),
        ),
        sa.ForeignKeyConstraint(
            ["signed_recorded_by"],
            ["operator.id"],
            name=op.f("fk_agreement_signed_recorded_by_operator"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement")),
        sa.UniqueConstraint(
            "project_id", "kind", "seq_no", name=op.f("uq_agreement_project_id_kind_seq_no")
        ),
        sa.UniqueConstraint("project_id", "number", name=op.f("uq_agreement_project_id_number")),
    )
    op.create_index(op.f("ix_agreement_household_id"), "agreement", ["household_id"], unique=False)
    op.create_table(
        "calculation_line",
        sa.Column("calculation_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("item_code", sa.String(length=40), nullable=False),
        sa.Column("item_name", sa.String(length=100), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("unit", sa.String(length=10), nullable=False),
        sa.Column("quantity", sa.String(length=30), nullable=False),
        sa.Column("rate_fen", sa.BigInteger(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("approval_request_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["approval_request_id"],
            ["approval_request.id"],
            name=op.f("fk_calculation_line_approval_request_id_approval_request"),
        ),
        sa.ForeignKeyConstraint(
            ["calculation_id"],
            ["calculation.id"],
            name=op.f("fk_calculation_line_calculation_id_calculation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calculation_line")),
    )
    op.create_index(
        op.f("ix_calculation_line_calculation_id"),
        "calculation_line",
        ["calculation_id"],
        unique=False,
    )
    op.create_table(
        "compensation_decision",
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("total_fen", sa.BigInteger(), nullable=False),
        sa.Column("calculation_id", sa.Uuid(), nullable=True),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["calculation_id"],
            ["calculation.id"],
            name=op.f("fk_compensation_decision_calculation_id_calculation"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["operator.id"],
            name=op.f("fk_compensation_decision_created_by_operator"),
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
            name=op.f("fk_compensation_decision_household_id_household"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compensation_decision")),
        sa.UniqueConstraint("household_id", name=op.f("uq_compensation_decision_household_id")),
    )
    op.create_table(
        "data_flag",
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("original_text", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_data_flag_household_id_household")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_data_flag_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by"], ["operator.id"], name=op.f("fk_data_flag_resolved_by_operator")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_flag")),
    )
    op.create_index(op.f("ix_data_flag_household_id"), "data_flag", ["household_id"], unique=False)
    # Deleting a member checks data_flag.person_id: an index keeps that from scanning.
    op.create_index(op.f("ix_data_flag_person_id"), "data_flag", ["person_id"], unique=False)
    op.create_table(
        "objection",
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("round_id", sa.Uuid(), nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("outcome_reason", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.Column("recalculation_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["operator.id"], name=op.f("fk_objection_decided_by_operator")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_objection_household_id_household")
        ),
        sa.ForeignKeyConstraint(
            ["recalculation_id"],
            ["calculation.id"],
            name=op.f("fk_objection_recalculation_id_calculation"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["notice_round.id"], name=op.f("fk_objection_round_id_notice_round")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objection")),
    )
    op.create_index(op.f("ix_objection_household_id"), "objection", ["household_id"], unique=False)
    op.create_table(
        "payment",
        sa.Column("agreement_id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("payee", sa.String(length=100), nullable=False),
        sa.Column("method", sa.String(length=40), nullable=False),
        sa.Column("voucher_no", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"], ["agreement.id"], name=op.f("fk_payment_agreement_id_agreement")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["operator.id"], name=op.f("fk_payment_created_by_operator")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_payment_household_id_household")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment")),
    )
    op.create_index(op.f("ix_payment_agreement_id"), "payment", ["agreement_id"], unique=False)
    op.create_index(op.f("ix_payment_household_id"), "payment", ["household_id"], unique=False)
    op.create_table(
        "stored_file",
        sa.Column("household_id", sa.Uuid(), nullable=True),
        sa.Column("structure_id", sa.Uuid(), nullable=True),
        sa.Column("notice_round_id", sa.Uuid(), nullable=True),
        sa.Column("objection_id", sa.Uuid(), nullable=True),
        sa.Column("approval_request_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by"], ["operator.id"], name=op.f("fk_stored_file_added_by_operator")
        ),
        sa.ForeignKeyConstraint(
            ["approval_request_id"],
            ["approval_request.id"],
            name=op.f("fk_stored_file_approval_request_id_approval_request"),
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_stored_file_household_id_household")
        ),
        sa.ForeignKeyConstraint(
            ["notice_round_id"],
            ["notice_round.id"],
            name=op.f("fk_stored_file_notice_round_id_notice_round"),
        ),
        sa.ForeignKeyConstraint(
            ["objection_id"], ["objection.id"], name=op.f("fk_stored_file_objection_id_objection")
        ),
        sa.ForeignKeyConstraint(
            ["structure_id"], ["structure.id"], name=op.f("fk_stored_file_structure_id_structure")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_file")),
    )
    op.create_index(
        op.f("ix_stored_file_household_id"), "stored_file", ["household_id"], unique=False
    )
    op.create_index(op.f("ix_stored_file_sha256"), "stored_file", ["sha256"], unique=False)
    # Deleting a structure checks stored_file.structure_id: an index keeps that from scanning.
    op.create_index(
        op.f("ix_stored_file_structure_id"), "stored_file", ["structure_id"], unique=False
    )


def downgrade() -> None:
    # Dropping a table drops its indexes.
    for table in (
        "stored_file",
        "payment",
        "objection",
        "data_flag",
        "compensation_decision",
        "calculation_line",
        "agreement",
        "structure",
        "person",
        "notice_row",
        "milestone",
        "calculation",
        "audit_log",
        "attachment",
        "approval_request",
        "rate_item",
        "notice_round",
        "household",
        "village_group",
        "scheme_version",
        "daily_report",
        "village",
        "operator",
        "team",
        "setting",
        "scheme",
        "project",
    ):
        op.drop_table(table)
