"""选房 day: who is choosing now, the combinations still open to them, recording a choice, and
each household's settlement (差价 by tier, 多退少补 at hand-over).

A choice is one immediate transaction: the household must be the first still waiting in the
order (households marked absent choose when they come back), the flat must pass the scheme's
combination rules, and the flat's row is changed by ``UPDATE … WHERE status = 'available'``;
when that changes no row, another household (on this computer or another one on the same HQ
database) took the flat first and :class:`FlatTaken` says who. A unique index on active
choices per flat backs this up.

The chosen flats' price difference is settled through the calculation: the household's
engine input carries its chosen flats, so its next calculation has one line per flat and tier.
A household that chooses after signing its agreement gets a supplementary agreement (补充协议)
opened in the same transaction as the choice (unless one is open already); its new,
checked and posted calculation then carries the difference into that agreement and the
payments.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...domain import resettlement as r
from ...domain.status import Role
from ...i18n import _
from ...storage import models as m
from ...storage.base import utcnow
from ...storage.db import Database
from ...storage.models_resettlement import ResettlementChoice, ResettlementFlat, ResettlementOrder
from ..agreements.service import AgreementService
from ..errors import FlatTaken, ResettlementError
from ..households.service import OperatorRef, project_id_of
from .household_rules import HouseholdEntitlement, entitlement_of
from .inventory import flat_label, status_label

CANCELLERS = {Role.HQ.value, Role.ADMIN.value}


@dataclass(frozen=True)
class ChosenFlat:
    choice_id: uuid.UUID
    flat_id: uuid.UUID
    seq: int
    estate: str
    label: str
    layout: str
    floor: int
    area_dm2: int
    unit_price_fen: int
    coefficient_milli: int
    measured_area_dm2: int | None
    chosen_at: datetime

    def terms(self) -> r.FlatTerms:
        return r.FlatTerms(self.label, self.area_dm2, self.unit_price_fen, self.coefficient_milli)

    def flat_type(self) -> r.FlatType:
        return r.FlatType(self.estate, self.layout, self.area_dm2)


@dataclass(frozen=True)
class HouseholdChoice:
    """One household at the 选房 desk: its entitlement, what it took, what it may still take."""

    entitlement: HouseholdEntitlement
    order_no: int | None
    order_status: str | None
    chosen: tuple[ChosenFlat, ...]
    settlement: r.Settlement
    combinations: tuple[tuple[r.FlatType, ...], ...]
    next_types: frozenset[r.FlatType]  # available 户型 the rules allow as the next flat
    finished: bool  # no further flat allowed by the rules
    supplementary: str = ""  # number of the household's open supplementary agreement, if any

    @property
    def remaining_dm2(self) -> int:
        return self.entitlement.entitlement_dm2 - sum(c.area_dm2 for c in self.chosen)


def read_chosen(s: Session, household_id: uuid.UUID) -> list[ChosenFlat]:
    c, f = ResettlementChoice, ResettlementFlat
    rows = s.execute(
        select(c.id, f.id, c.seq, f.estate, f.building, f.unit, f.number, f.layout, f.floor,
               c.area_dm2, c.unit_price_fen, c.coefficient_milli, f.measured_area_dm2,
               c.chosen_at)
        .join(f, f.id == c.flat_id)
        .where(c.household_id == household_id, c.cancelled_at.is_(None))
        .order_by(c.seq)
    ).all()  # fmt: skip
    return [
        ChosenFlat(cid, fid, seq, estate, flat_label(b, u, n), layout, floor, area, price, coef,
                   measured, at)
        for cid, fid, seq, estate, b, u, n, layout, floor, area, price, coef, measured, at in rows
    ]  # fmt: skip


def available_types(s: Session, pid: uuid.UUID) -> Counter[r.FlatType]:
    f = ResettlementFlat
    rows = s.execute(
        select(f.estate, f.layout, f.built_area_dm2).where(
            f.project_id == pid, f.status == "available"
        )
    ).all()
    return Counter(r.FlatType(e, layout, a) for e, layout, a in rows)


def household_choice(db: Database, household_id: uuid.UUID) -> HouseholdChoice:
    with db.session() as s:
        return _household_choice(s, household_id)


def _household_choice(s: Session, household_id: uuid.UUID) -> HouseholdChoice:
    ent = entitlement_of(s, household_id)
    chosen = read_chosen(s, household_id)
    order = s.execute(
        select(ResettlementOrder.order_no, ResettlementOrder.status).where(
            ResettlementOrder.household_id == household_id
        )
    ).first()
    taken = [c.flat_type() for c in chosen]
    counts = available_types(s, project_id_of(s))
    combos = r.allowed_combinations(
        ent.rules, ent.entitlement_dm2, counts, counts=counts, taken=taken
    )
    next_types = frozenset(
        t for t in counts if r.check_next_flat(ent.rules, ent.entitlement_dm2, taken, t) is None
    )
    supplementary = s.scalar(
        select(m.Agreement.number).where(
            m.Agreement.household_id == household_id,
            m.Agreement.kind == "supplementary",
            m.Agreement.status == "draft",
        )
    )
    return HouseholdChoice(
        ent, order[0] if order else None, order[1] if order else None, tuple(chosen),
        r.settle(ent.rules, ent.entitlement_dm2, [c.terms() for c in chosen]), tuple(combos),
        next_types, r.is_last_flat(ent.rules, ent.entitlement_dm2, taken) if taken else False,
        supplementary or "",
    )  # fmt: skip


def now_choosing(db: Database, upcoming: int = 5) -> tuple[uuid.UUID | None, list[uuid.UUID]]:
    """The household whose turn it is and the next ones (waiting, by order number)."""
    with db.session() as s:
        ids = s.scalars(
            select(ResettlementOrder.household_id)
            .where(
                ResettlementOrder.project_id == project_id_of(s),
                ResettlementOrder.status == "waiting",
            )
            .order_by(ResettlementOrder.order_no)
            .limit(upcoming + 1)
        ).all()
    return (ids[0] if ids else None), list(ids[1:])


class ChoiceService:
    def __init__(self, db: Database, operator: OperatorRef | None) -> None:
        self._db = db
        self._operator = operator

    def choose(self, household_id: uuid.UUID, flat_id: uuid.UUID) -> HouseholdChoice:
        """Record that the household chose this flat (one transaction)."""
        try:
            with self._db.session(immediate=True) as s, s.begin():
                self._choose(s, household_id, flat_id)
        except IntegrityError as exc:  # the unique index: a concurrent choice won
            raise self._taken(flat_id) from exc
        return household_choice(self._db, household_id)

    def _choose(self, s: Session, household_id: uuid.UUID, flat_id: uuid.UUID) -> None:
        pid = project_id_of(s)
        order = s.scalar(
            select(ResettlementOrder).where(ResettlementOrder.household_id == household_id)
        )
        if order is None:
            raise ResettlementError(_("这一户还没有选房顺序号；请先发放顺序号或完成摇号"))
        if order.status == "done":
            raise ResettlementError(_("这一户已经完成选房；如需改选，请由指挥部撤销原选房"))
        earlier = s.scalar(
            select(ResettlementOrder.order_no)
            .where(
                ResettlementOrder.project_id == pid,
                ResettlementOrder.status == "waiting",
                ResettlementOrder.order_no < order.order_no,
            )
            .order_by(ResettlementOrder.order_no)
            .limit(1)
        )
        if earlier is not None and order.status == "waiting":
            raise ResettlementError(
                _("还没有轮到第 {mine} 号：第 {no} 号尚未选房；请先为其登记或标记为未到场",
                  mine=order.order_no, no=earlier)
            )  # fmt: skip
        flat = s.get(ResettlementFlat, flat_id)
        if flat is None or flat.project_id != pid:
            raise ResettlementError(_("找不到这套房源；请刷新后重试"))
        if flat.status != "available":
            if flat.status == "chosen":
                raise self._taken(flat_id, s)
            raise ResettlementError(
                _("{label} 不在可选房源中（{status}）；请选其他房屋",
                  label=flat_label(flat.building, flat.unit, flat.number),
                  status=status_label(flat.status))
            )  # fmt: skip
        ent = entitlement_of(s, household_id)
        chosen = read_chosen(s, household_id)
        candidate = r.FlatType(flat.estate, flat.layout, flat.built_area_dm2)
        why = r.check_next_flat(
            ent.rules, ent.entitlement_dm2, [c.flat_type() for c in chosen], candidate
        )
        if why is not None:
            raise ResettlementError(why)
        changed = s.execute(
            update(ResettlementFlat)
            .where(ResettlementFlat.id == flat_id, ResettlementFlat.status == "available")
            .values(status="chosen", updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount != 1:  # type: ignore[attr-defined]
            raise self._taken(flat_id, s)
        op = self._operator
        now = utcnow()
        s.add(
            ResettlementChoice(
                id=uuid.uuid4(), project_id=pid, household_id=household_id, flat_id=flat_id,
                seq=len(chosen) + 1, order_no=order.order_no, area_dm2=flat.built_area_dm2,
                unit_price_fen=flat.unit_price_fen, coefficient_milli=flat.coefficient_milli,
                chosen_at=now, chosen_by=op.id if op else None, cancel_reason="",
            )
        )  # fmt: skip
        taken = [*(c.flat_type() for c in chosen), candidate]
        if r.is_last_flat(ent.rules, ent.entitlement_dm2, taken):
            order.status = "done"
        s.flush()
        label = flat_label(flat.building, flat.unit, flat.number)
        supplementary = AgreementService(self._db, op).supplementary_after_signing(
            s,
            household_id,
            _("选定安置房 {estate}{flat}，结算安置房差价", estate=flat.estate, flat=label),
        )
        self._audit(
            s, "choose", household_id,
            {"flat": label, "estate": flat.estate, "area_dm2": flat.built_area_dm2,
             "order_no": order.order_no,
             "supplementary": supplementary.number if supplementary is not None else None},
        )  # fmt: skip

    def finish(self, household_id: uuid.UUID) -> None:
        """The household takes no further flat (it may still have entitlement left)."""
        self._set_order_status(household_id, "done", ("waiting", "absent"))

    def mark_absent(self, household_id: uuid.UUID) -> None:
        """未到场: the next household chooses; this one may choose when it comes back."""
        self._set_order_status(household_id, "absent", ("waiting",))

    def _set_order_status(
        self, household_id: uuid.UUID, status: str, allowed: tuple[str, ...]
    ) -> None:
        with self._db.session(immediate=True) as s, s.begin():
            order = s.scalar(
                select(ResettlementOrder).where(ResettlementOrder.household_id == household_id)
            )
            if order is None or order.status not in allowed:
                raise ResettlementError(_("这一户不在等待选房的名单中；请刷新后重试"))
            before = order.status
            order.status = status
            self._audit(s, "order_status", household_id, {"status": status},
                        before={"status": before})  # fmt: skip

    def cancel(self, choice_id: uuid.UUID, reason: str) -> None:
        """Undo a choice (HQ): the flat is offered again, the household may choose again."""
        if self._operator is not None and self._operator.role not in CANCELLERS:
            raise ResettlementError(_("撤销选房须由指挥部或管理员操作"))
        reason = reason.strip()
        if not reason:
            raise ResettlementError(_("请填写撤销选房的原因"))
        with self._db.session(immediate=True) as s, s.begin():
            choice = s.get(ResettlementChoice, choice_id)
            if choice is None or choice.cancelled_at is not None:
                raise ResettlementError(_("找不到这条选房记录，或已撤销"))
            flat = s.get(ResettlementFlat, choice.flat_id)
            assert flat is not None
            if flat.status == "handed_over":
                raise ResettlementError(_("这套房屋已交付，不能撤销选房"))
            choice.cancelled_at, choice.cancel_reason = utcnow(), reason[:500]
            flat.status = "available"
            order = s.scalar(
                select(ResettlementOrder).where(
                    ResettlementOrder.household_id == choice.household_id
                )
            )
            if order is not None and order.status == "done":
                order.status = "absent"  # may choose again, out of turn
            self._audit(s, "cancel_choice", choice.household_id,
                        {"flat_id": str(flat.id), "reason": reason})  # fmt: skip

    def hand_over(self, flat_id: uuid.UUID, measured_area_dm2: int) -> int:
        """Record the flat's measured area at hand-over; returns the household's 多退少补
        (positive: it pays; negative: it is refunded) over all its flats so far."""
        with self._db.session(immediate=True) as s, s.begin():
            return self.hand_over_in(s, flat_id, measured_area_dm2)[1]

    def hand_over_in(
        self, s: Session, flat_id: uuid.UUID, measured_area_dm2: int
    ) -> tuple[uuid.UUID, int]:
        """:meth:`hand_over` inside the caller's transaction (the payments record the
        settlement with it): the household and its 多退少补 over all its flats so far."""
        if not 0 < measured_area_dm2 <= 100_000:
            raise ResettlementError(_("实测面积应大于 0 且不超过 1000 ㎡"))
        choice = s.scalar(
            select(ResettlementChoice).where(
                ResettlementChoice.flat_id == flat_id, ResettlementChoice.cancelled_at.is_(None)
            )
        )
        flat = s.get(ResettlementFlat, flat_id)
        if choice is None or flat is None:
            raise ResettlementError(_("这套房屋还没有被选定，不能交付"))
        before = flat.measured_area_dm2
        flat.measured_area_dm2, flat.status = measured_area_dm2, "handed_over"
        s.flush()
        difference = handover_difference(s, choice.household_id)
        self._audit(s, "hand_over", choice.household_id,
                    {"flat_id": str(flat_id), "measured_area_dm2": measured_area_dm2,
                     "difference_fen": difference},
                    before={"measured_area_dm2": before})  # fmt: skip
        return choice.household_id, difference

    def _taken(self, flat_id: uuid.UUID, s: Session | None = None) -> FlatTaken:
        if s is None:
            with self._db.session() as s2:
                return self._taken(flat_id, s2)
        row = s.execute(
            select(m.Household.code, m.Household.head_name)
            .join(ResettlementChoice, ResettlementChoice.household_id == m.Household.id)
            .where(ResettlementChoice.flat_id == flat_id, ResettlementChoice.cancelled_at.is_(None))
        ).first()
        who = f"{row[0]} {row[1]}" if row else _("另一户")
        return FlatTaken(_("这套房刚刚已被 {who} 选定；请另选一套", who=who))

    def _audit(
        self, s: Session, action: str, household_id: uuid.UUID, after: Any, *, before: Any = None
    ) -> None:
        op = self._operator
        s.add(
            m.AuditLog(
                id=uuid.uuid4(), at=utcnow(), operator_id=op.id if op else None,
                operator_login=op.login if op else "", action=action,
                entity="resettlement_choice", household_id=household_id, before=before,
                after=after,
            )
        )  # fmt: skip


def handover_difference(s: Session, household_id: uuid.UUID) -> int:
    """多退少补 over the household's flats: measured areas where known, else contracted."""
    ent = entitlement_of(s, household_id)
    chosen = read_chosen(s, household_id)
    return r.handover_difference(
        ent.rules, ent.entitlement_dm2, [c.terms() for c in chosen],
        [c.measured_area_dm2 if c.measured_area_dm2 is not None else c.area_dm2 for c in chosen],
    )  # fmt: skip
