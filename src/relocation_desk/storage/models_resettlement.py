"""Tables of the property swap (产权调换): the flat inventory (安置房源), the choosing order
(选房顺序), the public draw (摇号) and the choices made (选房结果).

No flat is taken twice: a choice changes its flat's status with a conditional UPDATE
(``status = 'available'``) and a unique index allows one active choice per flat. Order numbers
come from a counter row updated in the same transaction (``resettlement_counter``), never from
``max + 1``.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, IdMixin, TimestampMixin, utcnow

Code = String(40)
Name = String(100)


class ResettlementFlat(IdMixin, TimestampMixin, Base):
    """One flat: 小区 → 楼栋 → 单元 → 楼层 → 房号, with 户型, area and price."""

    __tablename__ = "resettlement_flat"
    __table_args__ = (
        UniqueConstraint("project_id", "estate", "building", "unit", "number"),
        Index("ix_resettlement_flat_project_status", "project_id", "status"),
    )
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("project.id"))
    estate: Mapped[str] = mapped_column(Name)  # 小区
    building: Mapped[str] = mapped_column(Code)  # 楼栋
    unit: Mapped[str] = mapped_column(Code, default="")  # 单元
    floor: Mapped[int]
    number: Mapped[str] = mapped_column(Code)  # 房号, e.g. 0301
    layout: Mapped[str] = mapped_column(Name)  # 户型, e.g. 三室两厅
    built_area_dm2: Mapped[int]
    measured_area_dm2: Mapped[int | None]  # 实测面积 at hand-over
    base_price_fen: Mapped[int]  # per ㎡
    coefficient_milli: Mapped[int] = mapped_column(default=1000)  # 楼层系数 × 1000
    unit_price_fen: Mapped[int]  # per ㎡: base × coefficient, or the flat's own price
    status: Mapped[str] = mapped_column(Code, default="available")
    note: Mapped[str] = mapped_column(Text, default="")


class ResettlementCounter(Base):
    """A per-project sequence (e.g. choosing-order numbers): incremented in the transaction
    that uses the number, so two clerks can never get the same one."""

    __tablename__ = "resettlement_counter"
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("project.id"), primary_key=True)
    name: Mapped[str] = mapped_column(Code, primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


class ResettlementOrder(IdMixin, Base):
    """A household's place in the choosing order (选房顺序号)."""

    __tablename__ = "resettlement_order"
    __table_args__ = (
        UniqueConstraint("project_id", "order_no"),
        UniqueConstraint("project_id", "household_id"),
    )
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("project.id"))
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"), index=True)
    order_no: Mapped[int]
    basis: Mapped[str] = mapped_column(Code)  # signing, vacating, draw
    basis_at: Mapped[datetime | None]  # the signing or vacating time the number stands for
    draw_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("resettlement_draw.id"))
    status: Mapped[str] = mapped_column(Code, default="waiting")  # waiting, done, absent
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("operator.id"))


class ResettlementDraw(IdMixin, Base):
    """A public draw: the frozen list and its hash (posted before), the seed source named in
    advance, then the seed and the result."""

    __tablename__ = "resettlement_draw"
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("project.id"), index=True)
    status: Mapped[str] = mapped_column(Code, default="frozen")  # frozen, drawn
    codes: Mapped[Any] = mapped_column(JSON)  # the sorted household codes
    list_hash: Mapped[str] = mapped_column(String(64))
    seed_source: Mapped[str] = mapped_column(Text)  # where the seed will come from
    seed: Mapped[str | None] = mapped_column(Text)
    result: Mapped[Any | None] = mapped_column(JSON)  # codes in drawn order
    result_hash: Mapped[str | None] = mapped_column(String(64))
    frozen_at: Mapped[datetime] = mapped_column(default=utcnow)
    frozen_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("operator.id"))
    drawn_at: Mapped[datetime | None]
    drawn_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("operator.id"))


class ResettlementChoice(IdMixin, Base):
    """A flat chosen by a household; cancelling keeps the row (``cancelled_at``)."""

    __tablename__ = "resettlement_choice"
    __table_args__ = (
        Index(
            "ux_resettlement_choice_active_flat",
            "flat_id",
            unique=True,
            sqlite_where=text("cancelled_at IS NULL"),
            postgresql_where=text("cancelled_at IS NULL"),
        ),
    )
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("project.id"))
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"), index=True)
    flat_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resettlement_flat.id"))
    seq: Mapped[int]  # 1st, 2nd … flat of the household
    order_no: Mapped[int | None]
    area_dm2: Mapped[int]  # the flat's built area when chosen (contracted)
    unit_price_fen: Mapped[int]
    coefficient_milli: Mapped[int]
    chosen_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    chosen_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("operator.id"))
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
