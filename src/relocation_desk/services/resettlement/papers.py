"""Read models of the property swap's printed papers: the 选房顺序通知单 (a household's
choosing-order number), the 选房确认单 (the flats it chose and the price difference, to sign)
and the draw's result sheet."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain import lottery
from ...domain import resettlement as r
from ...i18n import _
from ...storage import models as m
from ...storage.db import Database
from ...storage.models_resettlement import ResettlementDraw, ResettlementOrder
from ..errors import ResettlementError
from ..households.service import project_id_of
from ..settings import is_demo
from .choosing import ChosenFlat, household_choice
from .ordering import BASIS_LABELS, DrawView, draw_view


@dataclass(frozen=True)
class OrderSlip:
    project_name: str
    code: str
    head_name: str
    village: str
    order_no: int
    basis: str  # label
    basis_at: datetime | None
    tie_rule: str
    list_hash: str | None  # for a draw
    seed: str | None
    demo: bool = False  # the demo project's: printed with the 演示数据 mark


@dataclass(frozen=True)
class ConfirmationSheet:
    project_name: str
    code: str
    head_name: str
    village: str
    order_no: int | None
    entitlement_dm2: int
    flats: tuple[ChosenFlat, ...]
    settlement: r.Settlement
    demo: bool = False


@dataclass(frozen=True)
class DrawSheet:
    project_name: str
    draw: DrawView
    names: dict[str, str]  # code → head name
    demo: bool = False


def _project_name(s: Session) -> str:
    project = s.get(m.Project, project_id_of(s))
    return project.name if project is not None else ""


def _village(s: Session, hh: m.Household) -> str:
    village = s.get(m.Village, hh.village_id)
    return village.name if village is not None else ""


def order_slip(db: Database, household_id: uuid.UUID) -> OrderSlip:
    with db.session() as s:
        hh = s.get(m.Household, household_id)
        order = s.scalar(
            select(ResettlementOrder).where(ResettlementOrder.household_id == household_id)
        )
        if hh is None or order is None:
            raise ResettlementError(_("这一户还没有选房顺序号；请先发放顺序号或完成摇号"))
        draw = s.get(ResettlementDraw, order.draw_id) if order.draw_id else None
        return OrderSlip(
            _project_name(s), hh.code, hh.head_name, _village(s, hh), order.order_no,
            _(BASIS_LABELS[order.basis]), order.basis_at, _(lottery.TIE_RULE),
            draw.list_hash if draw else None, draw.seed if draw else None, is_demo(s),
        )  # fmt: skip


def confirmation_sheet(db: Database, household_id: uuid.UUID) -> ConfirmationSheet:
    view = household_choice(db, household_id)
    if not view.chosen:
        raise ResettlementError(_("这一户还没有选定房屋，无法打印选房确认单"))
    with db.session() as s:
        hh = s.get(m.Household, household_id)
        assert hh is not None
        return ConfirmationSheet(
            _project_name(s), hh.code, hh.head_name, _village(s, hh), view.order_no,
            view.entitlement.entitlement_dm2, view.chosen, view.settlement, is_demo(s),
        )  # fmt: skip


def draw_sheet(db: Database, draw_id: uuid.UUID) -> DrawSheet:
    with db.session() as s:
        row = s.get(ResettlementDraw, draw_id)
        if row is None:
            raise ResettlementError(_("找不到这次摇号"))
        names = dict(
            s.execute(
                select(m.Household.code, m.Household.head_name).where(
                    m.Household.project_id == row.project_id, m.Household.code.in_(row.codes)
                )
            ).all()
        )
        return DrawSheet(_project_name(s), draw_view(row), names, is_demo(s))
