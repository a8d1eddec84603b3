"""The database schema: every entity of DOMAIN.md as a SQLAlchemy 2 table.

Units, chosen so nothing is ever a float:
- money: integer 分 (``*_fen``);
- areas: integer 0.01 ㎡ = 1 dm² (``*_area_dm2``);
- quantities of attachments: integer thousandths of the unit (``quantity_milli``).

Some household columns (head name, member count, areas, current total, ``search_text``) are
denormalised copies kept up to date by the services, so the register can list and filter
100,000 households without joins. Immutable records (published scheme versions, posted notice
rounds, signed agreements, frozen daily reports) are never updated by the services; a
correction is a new row pointing to the old one.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, IdMixin, TimestampMixin, utcnow

# Short string columns: statuses, kinds, codes.
Code = String(40)
Name = String(100)


class Project(IdMixin, TimestampMixin, Base):
    __tablename__ = "project"
    code: Mapped[str] = mapped_column(Code, unique=True)
    name: Mapped[str] = mapped_column(String(200))
    county: Mapped[str] = mapped_column(Name, default="")
    description: Mapped[str] = mapped_column(Text, default="")


class Setting(Base):
    """Per-project settings (agreement number format, report cut-off, notice period …)."""

    __tablename__ = "setting"
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("project.id"), primary_key=True)
    key: Mapped[str] = mapped_column(Code, primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class Team(IdMixin, TimestampMixin, Base):
    __tablename__ = "team"
    __table_args__ = (UniqueConstraint("project_id", "code"),)
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("project.id"), index=True)
    code: Mapped[str] = mapped_column(Code)
    name: Mapped[str] = mapped_column(Name)
    leader_name: Mapped[str] = mapped_column(Name, default="")


class Operator(IdMixin, TimestampMixin, Base):
    __tablename__ = "operator"
    __table_args__ = (UniqueConstraint("project_id", "login"),)
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("project.id"), index=True)
    team_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("team.id"), index=True)
    login: Mapped[str] = mapped_column(Code)
    name: Mapped[str] = mapped_column(Name)
    role: Mapped[str] = mapped_column(Code)  # domain.status.Role
    phone: Mapped[str] = mapped_column(Code, default="")
    active: Mapped[bool] = mapped_column(default=True)
    # Sign-in (services/auth): domain.passwords format; "" = no password yet, cannot sign in.
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    must_change_password: Mapped[bool] = mapped_column(default=False)
    failed_sign_ins: Mapped[int] = mapped_column(default=0)  # wrong passwords in a row
    locked_until: Mapped[datetime | None] = mapped_column()
    password_changed_at: Mapped[datetime | None] = mapped_column()


class Village(IdMixin, TimestampMixin, Base):
    __tablename__ = "village"
    __table_args__ = (UniqueConstraint("project_id", "name"),)
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("project.id"), index=True)
    name: Mapped[str] = mapped_column(Name)
    code: Mapped[str] = mapped_column(Code, default="")
    team_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("team.id"))


class VillageGroup(IdMixin, TimestampMixin, Base):
    """村民小组."""

    __tablename__ = "village_group"
    __table_args__ = (UniqueConstraint("village_id", "name"),)
    village_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("village.id"), index=True)
    name: Mapped[str] = mapped_column(Name)


class Household(IdMixin, TimestampMixin, Base):
    __tablename__ = "household"
    __table_args__ = (
        UniqueConstraint("project_id", "code"),
        Index("ix_household_project_status", "project_id", "status"),
    )
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("project.id"))
    code: Mapped[str] = mapped_column(Code)  # e.g. T07-0001
    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("team.id"), index=True)
    village_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("village.id"), index=True)
    group_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("village_group.id"), index=True)
    responsible_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("operator.id"), index=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(Code)  # domain.status.HouseholdStatus
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline: Mapped[date | None]  # 限时: date by which the case should be closed
    closed_at: Mapped[datetime | None]  # 销号
    compensation_method: Mapped[str | None] = mapped_column(Code)
    bank_name: Mapped[str] = mapped_column(Name, default="")
    bank_account: Mapped[str] = mapped_column(Code, default="")
    account_holder: Mapped[str] = mapped_column(Name, default="")
    special_situation: Mapped[str] = mapped_column(Text, default="")
    remarks: Mapped[str] = mapped_column(Text, default="")
    # Figures kept as the source ledger said them (import); never overwritten by a calculation.
    declared_member_count: Mapped[int | None]
    ledger_amount_fen: Mapped[int | None]
    # Denormalised for the register (maintained by services.households).
    head_name: Mapped[str] = mapped_column(Name, default="", index=True)
    head_id_number: Mapped[str] = mapped_column(Code, default="")
    member_count: Mapped[int] = mapped_column(default=0)
    legal_area_dm2: Mapped[int] = mapped_column(default=0)
    unlicensed_area_dm2: Mapped[int] = mapped_column(default=0)
    total_fen: Mapped[int | None]  # current calculation's total
    has_cadre: Mapped[bool] = mapped_column(default=False)  # cadre or cadre relative member
    search_text: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("operator.id"))
    # Optimistic locking: two windows (or a merge) cannot silently overwrite each other.
    row_version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": row_version}  # noqa: RUF012 (SQLAlchemy's API)

    persons: Mapped[list[Person]] = relationship(
        back_populates="household", cascade="all, delete-orphan", order_by="Person.sort_order"
    )
    structures: Mapped[list[Structure]] = relationship(
        back_populates="household", cascade="all, delete-orphan", order_by="Structure.sort_order"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="household", cascade="all, delete-orphan", order_by="Attachment.sort_order"
    )


class Person(IdMixin, TimestampMixin, Base):
    __tablename__ = "person"
    # One person, one household in a project (NULL id numbers are allowed several times).
    __table_args__ = (UniqueConstraint("project_id", "id_number"),)
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("project.id"))
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"), index=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(Name, index=True)
    id_number: Mapped[str | None] = mapped_column(String(18))
    relation: Mapped[str] = mapped_column(String(20))  # 与户主关系: 户主, 配偶, 子, 女 …
    is_head: Mapped[bool] = mapped_column(default=False)
    sex: Mapped[str] = mapped_column(String(2), default="")
    birth_date: Mapped[date | None]
    phone: Mapped[str] = mapped_column(Code, default="")
    is_cadre: Mapped[bool] = mapped_column(default=False)
    is_cadre_relative: Mapped[bool] = mapped_column(default=False)
    cadre_note: Mapped[str] = mapped_column(Name, default="")  # post, or whose relative
    # Sensitive (never on public lists, DOMAIN rule 9).
    is_dibao: Mapped[bool] = mapped_column(default=False)
    is_disabled: Mapped[bool] = mapped_column(default=False)
    special_note: Mapped[str] = mapped_column(Text, default="")

    household: Mapped[Household] = relationship(back_populates="persons")


class Structure(IdMixin, TimestampMixin, Base):
    __tablename__ = "structure"
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"), index=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(Name, default="")  # 主房, 厢房, 偏房 …
    structure_type: Mapped[str] = mapped_column(Code)  # domain.status.StructureType
    legal_area_dm2: Mapped[int] = mapped_column(default=0)
    unlicensed_area_dm2: Mapped[int] = mapped_column(default=0)
    floors: Mapped[int] = mapped_column(default=1)
    build_year: Mapped[int | None]
    decoration: Mapped[str] = mapped_column(Code, default="")  # rate item code of the grade
    remarks: Mapped[str] = mapped_column(Text, default="")

    household: Mapped[Household] = relationship(back_populates="structures")


class Attachment(IdMixin, TimestampMixin, Base):
    """附属物: walls, wells, graves, trees, sheds … counted against a rate item."""

    __tablename__ = "attachment"
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"), index=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    item_code: Mapped[str] = mapped_column(Code)
    name: Mapped[str] = mapped_column(Name)
    unit: Mapped[str] = mapped_column(String(10))
    quantity_milli: Mapped[int]
    remarks: Mapped[str] = mapped_column(Text, default="")

    household: Mapped[Household] = relationship(back_populates="attachments")


class StoredFile(IdMixin, Base):
    """A photo or scanned form copied into the project's data folder, content-addressed."""

    __tablename__ = "stored_file"
    household_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("household.id"), index=True)
    structure_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("structure.id"), index=True)
    notice_round_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("notice_round.id"))
    objection_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("objection.id"))
    approval_request_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("approval_request.id"))
    kind: Mapped[str] = mapped_column(Code)  # photo, scan, notice_photo, document
    original_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int]
    taken_on: Mapped[date | None]
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    added_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("operator.id"))


class DataFlag(IdMixin, Base):
    """A value that could not be used as given (待核实): kept with its original text."""

    __tablename__ = "data_flag"
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"), index=True)
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), index=True)
    field: Mapped[str] = mapped_column(Code)
    original_text: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(255), default="")  # e.g. file, sheet and row
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("operator.id"))


# --- The one ruler: rate schedules -------------------------------------------------------


class Scheme(IdMixin, TimestampMixin, Base):
    __tablename__ = "scheme"
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("project.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))


class SchemeVersion(IdMixin, TimestampMixin, Base):
    __tablename__ = "scheme_version"
    __table_args__ = (UniqueConstraint("scheme_id", "version_no"),)
    scheme_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("scheme.id"), index=True)
    version_no: Mapped[int]
    status: Mapped[str] = mapped_column(Code)  # draft, published
    effective_date: Mapped[date]
    published_at: Mapped[datetime | None]
    published_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("operator.id"))
    supersedes_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("scheme_version.id"))
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    params: Mapped[Any] = mapped_column(JSON, default=dict)  # bonus windows, periods …
    notes: Mapped[str] = mapped_column(Text, default="")

    items: Mapped[list[RateItem]] = relationship(
        cascade="all, delete-orphan", order_by="RateItem.sort_order"
    )


class RateItem(IdMixin, Base):
    __tablename__ = "rate_item"
    __table_args__ = (UniqueConstraint("scheme_version_id", "code"),)
    scheme_version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("scheme_version.id"))
    sort_order: Mapped[int] = mapped_column(default=0)
    code: Mapped[str] = mapped_column(Code)
    name: Mapped[str] = mapped_column(Name)
    unit: Mapped[str] = mapped_column(String(10))
    rate_fen: Mapped[int]
    kind: Mapped[str] = mapped_column(Code)  # per_area, per_item, per_person, lump_sum …
    category: Mapped[str] = mapped_column(Code, default="")  # house, decoration, attachment …
    params: Mapped[Any] = mapped_column(JSON, default=dict)  # applies-to, windows, percent …


class Calculation(IdMixin, Base):
    __tablename__ = "calculation"
    __table_args__ = (UniqueConstraint("household_id", "version_no"),)
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"), index=True)
    version_no: Mapped[int]
    scheme_version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("scheme_version.id"))
    status: Mapped[str] = mapped_column(Code)  # computed, checked, superseded
    compensation_method: Mapped[str] = mapped_column(Code)
    inputs_hash: Mapped[str] = mapped_column(String(64))
    total_fen: Mapped[int]
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
    computed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("operator.id"))
    checked_at: Mapped[datetime | None]
    checked_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("operator.id"))
    supersedes_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("calculation.id"))

    lines: Mapped[list[CalculationLine]] = relationship(
        cascade="all, delete-orphan", order_by="CalculationLine.seq"
    )


class CalculationLine(IdMixin, Base):
    __tablename__ = "calculation_line"
    calculation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("calculation.id"), index=True)
    seq: Mapped[int]
    item_code: Mapped[str] = mapped_column(Code)
    item_name: Mapped[str] = mapped_column(Name)
    category: Mapped[str] = mapped_column(Code, default="")
    unit: Mapped[str] = mapped_column(String(10))
    quantity: Mapped[str] = mapped_column(String(30))  # exact decimal text
    rate_fen: Mapped[int]
    amount_fen: Mapped[int]
    explanation: Mapped[str] = mapped_column(Text, default="")
    approval_request_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("approval_request.id"))


class ApprovalRequest(IdMixin, TimestampMixin, Base):
    """An exception the standard does not cover: asked by a team, decided by HQ in writing."""

    __tablename__ = "approval_request"
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("project.id"), index=True)
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"), index=True)
    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("team.id"))
    number: Mapped[str] = mapped_column(Code, default="")
    item_code: Mapped[str] = mapped_column(Code, default="")
    requested_amount_fen: Mapped[int | None]
    requested_rule: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Code)  # pending, approved, rejected
    requested_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("operator.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("operator.id"))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str] = mapped_column(Text, default="")


# --- Public notices and objections ---------------------------------------------------------


class NoticeRound(IdMixin, Base):
    __tablename__ = "notice_round"
    __table_args__ = (UniqueConstraint("project_id", "scope_key", "kind", "round_no"),)
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("project.id"))
    village_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("village.id"), index=True)
    group_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("village_group.id"))
    scope_key: Mapped[str] = mapped_column(String(80))  # village id, or village/group ids
    kind: Mapped[str] = mapped_column(Code)  # domain.status.NoticeKind
    round_no: Mapped[int]
    previous_round_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("notice_round.id"))
    posted_from: Mapped[date]
    posted_to: Mapped[date]
    objection_place: Mapped[str] = mapped_column(String(200), default="")
    objection_until: Mapped[date | None]
    issuing_team_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("team.id"))
    snapshot_hash: Mapped[str] = mapped_column(String(64))
    verification_code: Mapped[str] = mapped_column(Code, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("operator.id"))
    print_count: Mapped[int] = mapped_column(default=0)

    rows: Mapped[list[NoticeRow]] = relationship(
        cascade="all, delete-orphan", order_by="NoticeRow.seq"
    )


class NoticeRow(IdMixin, Base):
    __tablename__ = "notice_row"
    round_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("notice_round.id"), index=True)
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"), index=True)
    seq: Mapped[int]
    change_mark: Mapped[str] = mapped_column(Code, default="")  # new, changed, removed, ""
    data: Mapped[Any] = mapped_column(JSON)  # the frozen public figures of this row
    # Per-field digests at posting (domain.audit_chain.field_digests): name what was altered.
    field_digests: Mapped[Any | None] = mapped_column(JSON, default=dict)


class Objection(IdMixin, TimestampMixin, Base):
    __tablename__ = "objection"
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"), index=True)
    round_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("notice_round.id"))
    subject: Mapped[str] = mapped_column(String(200), default="")  # line, area or field
    text: Mapped[str] = mapped_column(Text)
    received_on: Mapped[date]
    deadline: Mapped[date | None]
    status: Mapped[str] = mapped_column(Code)  # open, upheld, rejected
    outcome_reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("operator.id"))
    recalculation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("calculation.id"))


# --- Agreements, payments, milestones, decisions ------------------------------------------


class Agreement(IdMixin, TimestampMixin, Base):
    """A compensation agreement. ``origin`` 'desk': made, printed and signed here, from a
    calculation under a scheme version; 'ledger': signed before the desk arrived and imported
    from a village's ledger as history (``recorded_total_fen`` is the ledger's amount, NULL
    when it records none; no scheme version or calculation)."""

    __tablename__ = "agreement"
    __table_args__ = (
        UniqueConstraint("project_id", "number"),
        UniqueConstraint("project_id", "kind", "seq_no"),
        CheckConstraint(
            "origin = 'ledger' OR (scheme_version_id IS NOT NULL AND calculation_id IS NOT NULL)",
            name="desk_computed",
        ),
        CheckConstraint("origin IN ('desk', 'ledger')", name="known_origin"),
    )
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("project.id"))
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"), index=True)
    kind: Mapped[str] = mapped_column(Code)  # main, supplementary
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agreement.id"))
    seq_no: Mapped[int]  # gap-free per project and kind
    number: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(Code)  # draft, signed
    scheme_version_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("scheme_version.id"))
    calculation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("calculation.id"))
    compensation_method: Mapped[str] = mapped_column(Code)
    total_fen: Mapped[int]
    origin: Mapped[str] = mapped_column(Code, default="desk", server_default="desk")
    recorded_total_fen: Mapped[int | None]
    content: Mapped[Any] = mapped_column(JSON)  # every art. 25 item, as printed
    payment_deadline: Mapped[date | None]
    vacate_deadline: Mapped[date | None]
    signed_on: Mapped[date | None]
    witnessed_by: Mapped[str] = mapped_column(Name, default="")
    signed_recorded_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("operator.id"))
    print_count: Mapped[int] = mapped_column(default=0)
    seal: Mapped[str] = mapped_column(String(64), default="")  # set when signed


class Payment(IdMixin, Base):
    """Money paid or deposited (提存) under a signed agreement or, for a holdout, under a
    compensation decision: exactly one of the two. A reversal (冲正) is a negative entry that
    points to the entry it cancels (``reverses_id``, at most one reversal each) with its reason
    in ``note``."""

    __tablename__ = "payment"
    __table_args__ = (
        CheckConstraint(
            "(agreement_id IS NOT NULL AND decision_id IS NULL)"
            " OR (agreement_id IS NULL AND decision_id IS NOT NULL)",
            name="one_basis",
        ),
    )
    agreement_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agreement.id"), index=True)
    decision_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("compensation_decision.id"), index=True
    )
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"), index=True)
    kind: Mapped[str] = mapped_column(Code)  # payment, deposit (提存)
    amount_fen: Mapped[int]
    paid_on: Mapped[date]
    payee: Mapped[str] = mapped_column(Name)
    method: Mapped[str] = mapped_column(Code)  # transfer, cash, cheque
    voucher_no: Mapped[str] = mapped_column(Code, default="")
    reverses_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("payment.id"), unique=True)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")  # reversal reason
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("operator.id"))
    seal: Mapped[str] = mapped_column(String(64), default="")


class Milestone(IdMixin, Base):
    __tablename__ = "milestone"
    __table_args__ = (UniqueConstraint("household_id", "kind"),)
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"))
    kind: Mapped[str] = mapped_column(Code)  # domain.status.MilestoneKind
    happened_on: Mapped[date]
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("operator.id"))
    seal: Mapped[str] = mapped_column(String(64), default="")


class CompensationDecision(IdMixin, Base):
    """补偿决定 for a holdout: the government's formal decision."""

    __tablename__ = "compensation_decision"
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"), unique=True)
    number: Mapped[str] = mapped_column(String(60))
    decided_on: Mapped[date]
    total_fen: Mapped[int]
    calculation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("calculation.id"))
    content: Mapped[Any] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("operator.id"))
    seal: Mapped[str] = mapped_column(String(64), default="")


# --- Reporting and audit --------------------------------------------------------------------


class DailyReport(IdMixin, Base):
    __tablename__ = "daily_report"
    __table_args__ = (UniqueConstraint("project_id", "scope_key", "report_date"),)
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("project.id"))
    team_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("team.id"))
    scope_key: Mapped[str] = mapped_column(String(80))  # "project" or the team id
    report_date: Mapped[date]
    cutoff_at: Mapped[datetime]
    frozen_at: Mapped[datetime] = mapped_column(default=utcnow)
    frozen_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("operator.id"))
    snapshot: Mapped[Any] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))


class AuditLog(Base):
    """Who changed what, when, with the values before and after (DOMAIN rule 10)."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_household_at", "household_id", "at"),
        # The few rows that carry a seal, found by their record (services.audit.audit_seal).
        Index(
            "ix_audit_log_sealed",
            "entity",
            "entity_id",
            sqlite_where=text("seal != ''"),
            postgresql_where=text("seal != ''"),
        ),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    operator_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("operator.id"))
    operator_login: Mapped[str] = mapped_column(Code, default="")
    action: Mapped[str] = mapped_column(Code)  # create, update, delete, export, print …
    entity: Mapped[str] = mapped_column(Code)  # table name
    entity_id: Mapped[str] = mapped_column(String(64), default="")
    household_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("household.id"))
    before: Mapped[Any | None] = mapped_column(JSON)
    after: Mapped[Any | None] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    # The chain (domain/audit_chain.py; written only by services.audit): position, the hash of
    # the row before and this row's hash; ``seal`` is the sealed record's hash, or "".
    seq: Mapped[int | None] = mapped_column(unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    row_hash: Mapped[str] = mapped_column(String(64), default="")
    seal: Mapped[str] = mapped_column(String(64), default="")


class AuditChainHead(Base):
    """The last row of the audit chain (one row, ``id`` 1): appending reads and moves it, and
    PostgreSQL writers lock it (``SELECT … FOR UPDATE``) so two cannot fork the chain."""

    __tablename__ = "audit_chain_head"
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(default=0)
    row_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime | None]


class ProgramVersion(Base):
    """Each version of the program that opened this database for writing, with when it first
    and last did (``storage/program_version.py``): About lists them, and a database last
    written by a newer version is pointed out before one works in it."""

    __tablename__ = "program_version"
    version: Mapped[str] = mapped_column(String(40), primary_key=True)
    first_written_at: Mapped[datetime]
    last_written_at: Mapped[datetime]


# Registers the tables kept in their own modules: the team/HQ exchange and the property swap.
from . import models_exchange, models_resettlement  # noqa: E402, F401
from .models_exchange import ExchangeConflict as ExchangeConflict  # noqa: E402
from .models_exchange import ExchangeIdentity as ExchangeIdentity  # noqa: E402
from .models_exchange import ExchangePackage as ExchangePackage  # noqa: E402
from .models_exchange import ExchangePeer as ExchangePeer  # noqa: E402
from .models_exchange import ExchangeRecordState as ExchangeRecordState  # noqa: E402
from .models_exchange import ForeignIdHash as ForeignIdHash  # noqa: E402
from .models_exchange import TeamAuditRow as TeamAuditRow  # noqa: E402
