"""The choosing order (选房顺序号) by the scheme's rule, and the public draw (摇号).

- **By signing time**: a household choosing a flat gets its number when its signing is
  recorded (:meth:`OrderService.issue_at_signing`, called by the signing screens). The number
  comes from ``resettlement_counter`` incremented in the same transaction (a row lock on
  PostgreSQL, the write lock on SQLite), so two clerks signing at once get two numbers, in the
  order their transactions commit. Households signed before numbers were issued get theirs
  with :meth:`issue_signed` in the order signing day → recorded time → household code.
- **By vacating time**: :meth:`issue_vacated`, in the order 腾房 day → recorded time → code.
- **By draw**: :meth:`freeze_draw` stores the sorted list of households and its hash (post it),
  naming where the seed will come from; :meth:`run_draw` takes the seed on the day, refuses
  if the list of eligible households is no longer the frozen one, draws once
  (``domain/lottery.py``) and issues the numbers in the drawn order. A draw is never re-run;
  ``relocation-desk lottery --verify`` recomputes it anywhere.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ...domain import lottery
from ...domain.status import HouseholdStatus, Role
from ...i18n import _
from ...storage import models as m
from ...storage.base import utcnow
from ...storage.db import Database
from ...storage.models_resettlement import (
    ResettlementCounter,
    ResettlementDraw,
    ResettlementOrder,
)
from ..errors import ResettlementError
from ..households.service import OperatorRef, project_id_of
from .household_rules import SWAP_METHODS, current_calculation, entitlement_of

ORDER_COUNTER = "order_no"
SIGNED_STAGES = tuple(
    s.value
    for s in (HouseholdStatus.SIGNED, HouseholdStatus.PAID, HouseholdStatus.VACATED,
              HouseholdStatus.DEMOLISHED)
)  # fmt: skip
BASIS_LABELS = {"signing": "按签约时间", "vacating": "按腾房时间", "draw": "公开摇号"}
DRAW_MANAGERS = {Role.HQ.value, Role.ADMIN.value}


@dataclass(frozen=True)
class OrderEntry:
    order_no: int
    household_id: uuid.UUID
    code: str
    head_name: str
    team_id: uuid.UUID
    basis: str
    basis_at: datetime | None
    status: str  # waiting, done, absent


@dataclass(frozen=True)
class DrawView:
    id: uuid.UUID
    status: str
    codes: tuple[str, ...]
    list_hash: str
    seed_source: str
    seed: str | None
    result: tuple[str, ...]
    result_hash: str | None
    frozen_at: datetime
    drawn_at: datetime | None

    def to_json(self) -> dict[str, Any]:
        """What is posted and what ``lottery --verify`` reads."""
        return {
            "algorithm": lottery.ALGORITHM, "list": list(self.codes), "list_hash": self.list_hash,
            "seed_source": self.seed_source, "seed": self.seed, "order": list(self.result),
            "result_hash": self.result_hash,
        }  # fmt: skip


def next_number(s: Session, project_id: uuid.UUID, name: str = ORDER_COUNTER) -> int:
    """The next value of a per-project counter, taken in the caller's transaction."""
    return next_numbers(s, project_id, 1, name).start


def next_numbers(s: Session, project_id: uuid.UUID, count: int, name: str = ORDER_COUNTER) -> range:
    """``count`` consecutive values of a per-project counter, taken in the caller's
    transaction with one update of the counter row (which holds its lock until commit)."""
    table: Any = ResettlementCounter.__table__
    dialect = s.get_bind().dialect.name
    insert_fn: Any = postgresql.insert if dialect == "postgresql" else sqlite.insert
    s.execute(
        insert_fn(table)
        .values(project_id=project_id, name=name, value=0)
        .on_conflict_do_nothing(index_elements=["project_id", "name"])
    )
    value = s.execute(
        update(table)
        .where(table.c.project_id == project_id, table.c.name == name)
        .values(value=table.c.value + count)
        .returning(table.c.value)
    ).scalar_one()
    return range(int(value) - count + 1, int(value) + 1)


def read_order(db: Database) -> list[OrderEntry]:
    o, h = ResettlementOrder, m.Household
    with db.session() as s:
        rows = s.execute(
            select(o.order_no, o.household_id, h.code, h.head_name, h.team_id, o.basis,
                   o.basis_at, o.status)
            .join(h, h.id == o.household_id)
            .where(o.project_id == project_id_of(s))
            .order_by(o.order_no)
        ).all()  # fmt: skip
    return [OrderEntry(*r) for r in rows]


def eligible_households(s: Session) -> list[tuple[uuid.UUID, str]]:
    """Signed households whose current calculation is a property swap and that have no
    choosing-order number yet: (id, code), by code."""
    query = _eligible(project_id_of(s)).order_by(m.Household.code)
    return [(hid, code) for hid, code in s.connection().execute(query)]


def _eligible(pid: uuid.UUID) -> Any:
    """The select of :func:`eligible_households` (id, code), to add columns and joins to."""
    numbered = select(ResettlementOrder.household_id).where(ResettlementOrder.project_id == pid)
    latest = (
        select(m.Calculation.household_id, func.max(m.Calculation.version_no).label("v"))
        .where(m.Calculation.status != "superseded")
        .group_by(m.Calculation.household_id)
        .subquery()
    )
    return (
        select(m.Household.id, m.Household.code)
        .join(latest, latest.c.household_id == m.Household.id)
        .join(
            m.Calculation,
            (m.Calculation.household_id == m.Household.id)
            & (m.Calculation.version_no == latest.c.v),
        )
        .where(
            m.Household.project_id == pid,
            m.Household.status.in_(SIGNED_STAGES),
            m.Calculation.compensation_method.in_(SWAP_METHODS),
            m.Household.id.not_in(numbered),
        )
    )


class OrderService:
    def __init__(self, db: Database, operator: OperatorRef | None) -> None:
        self._db = db
        self._operator = operator

    # --- by signing or vacating time --------------------------------------------------------

    def issue_at_signing(self, household_id: uuid.UUID) -> int | None:
        """The household's number, issued now if it has none; None when the household does
        not take part (money compensation, not signed) or its scheme's ``order_by`` is not
        ``signing`` (numbers then come from :meth:`issue_vacated` or a draw)."""
        with self._db.session(immediate=True) as s, s.begin():
            existing = s.scalar(
                select(ResettlementOrder.order_no).where(
                    ResettlementOrder.household_id == household_id
                )
            )
            if existing is not None:
                return int(existing)
            hh = s.get(m.Household, household_id)
            calc = current_calculation(s, household_id)
            if hh is None or hh.status not in SIGNED_STAGES or calc is None:
                return None
            if calc.compensation_method not in SWAP_METHODS:
                return None
            try:
                rules = entitlement_of(s, household_id).rules
            except ResettlementError:
                return None  # no resettlement rules in the scheme: nothing to order by
            if rules.order_by != "signing":
                return None  # the scheme orders by vacating time or by a draw
            return self._issue(s, hh.project_id, household_id, "signing", utcnow())

    def issue_signed(self) -> list[int]:
        """Numbers for signed swap households that have none, by signing day, then the time
        the signing was recorded, then household code."""
        return self._issue_batch("signing")

    def issue_vacated(self) -> list[int]:
        """Numbers for signed swap households that have vacated (腾房), by vacating day, then
        the time it was recorded, then household code; those not vacated get none yet."""
        return self._issue_batch("vacating")

    def _issue_batch(self, basis: str) -> list[int]:
        with self._db.session(immediate=True) as s, s.begin():
            pid = project_id_of(s)
            a, ms = m.Agreement, m.Milestone
            if basis == "signing":
                day, at = a.signed_on, a.updated_at
                query = _eligible(pid).add_columns(day, at).join(
                    a, (a.household_id == m.Household.id) & (a.kind == "main")
                    & (a.status == "signed"),
                )  # fmt: skip
            else:
                query = (
                    _eligible(pid)
                    .add_columns(ms.happened_on, ms.created_at)
                    .join(ms, (ms.household_id == m.Household.id) & (ms.kind == "vacated"))
                )
            rows = s.execute(query.order_by(day, at, m.Household.code)).all()
            issued = self._issue_many(s, pid, [(hid, at) for hid, _c, _d, at in rows], basis)
            self._audit(s, "issue_order", {"basis": basis, "households": len(issued)})
        return issued

    def _issue(
        self, s: Session, pid: uuid.UUID, hid: uuid.UUID, basis: str, at: datetime | None,
        draw_id: uuid.UUID | None = None,
    ) -> int:  # fmt: skip
        number = next_number(s, pid)
        op = self._operator
        s.add(
            ResettlementOrder(
                id=uuid.uuid4(), project_id=pid, household_id=hid, order_no=number, basis=basis,
                basis_at=at, draw_id=draw_id, status="waiting", issued_at=utcnow(),
                issued_by=op.id if op else None,
            )
        )  # fmt: skip
        s.flush()
        return number

    def _issue_many(
        self, s: Session, pid: uuid.UUID, cases: list[tuple[uuid.UUID, datetime | None]],
        basis: str, draw_id: uuid.UUID | None = None,
    ) -> list[int]:  # fmt: skip
        """Numbers for ``cases`` in their order: one counter update, one multi-row insert."""
        if not cases:
            return []
        numbers = next_numbers(s, pid, len(cases))
        op, now = self._operator, utcnow()
        table: Any = ResettlementOrder.__table__
        s.connection().execute(  # Core: a tenth of the ORM bulk insert's time
            insert(table),
            [
                {"id": uuid.uuid4(), "project_id": pid, "household_id": hid, "order_no": no,
                 "basis": basis, "basis_at": at, "draw_id": draw_id, "status": "waiting",
                 "issued_at": now, "issued_by": op.id if op else None}
                for no, (hid, at) in zip(numbers, cases, strict=True)
            ],
        )  # fmt: skip
        return list(numbers)

    # --- the draw -----------------------------------------------------------------------------

    def freeze_draw(self, seed_source: str) -> DrawView:
        """Freeze today's list of eligible households for a draw; its hash is to be posted."""
        self._require_manager()
        seed_source = seed_source.strip()
        if not seed_source:
            raise ResettlementError(
                _("请写明摇号种子的公开来源，如“2026年12月10日现场公开摇出的6位数字”")
            )
        if len(seed_source) > 500:
            raise ResettlementError(_("种子来源最多 500 个字"))
        with self._db.session(immediate=True) as s, s.begin():
            pid = project_id_of(s)
            pending = s.scalar(
                select(func.count())
                .select_from(ResettlementDraw)
                .where(ResettlementDraw.project_id == pid, ResettlementDraw.status == "frozen")
            )
            if pending:
                raise ResettlementError(_("已有一个名单已冻结、尚未摇号的摇号；请先完成那次摇号"))
            codes = lottery.frozen_list(code for _hid, code in eligible_households(s))
            if len(codes) < 2:
                raise ResettlementError(
                    _("参加摇号的户数不足 2 户（已签约、选择产权调换、尚无顺序号）")
                )
            op = self._operator
            row = ResettlementDraw(
                id=uuid.uuid4(), project_id=pid, status="frozen", codes=codes,
                list_hash=lottery.list_hash(codes), seed_source=seed_source,
                frozen_at=utcnow(), frozen_by=op.id if op else None,
            )  # fmt: skip
            s.add(row)
            self._audit(s, "freeze_draw", {"list_hash": row.list_hash, "households": len(codes)})
            s.flush()
            return draw_view(row)

    def run_draw(self, draw_id: uuid.UUID, seed: str) -> DrawView:
        """Draw once with the public seed and issue the numbers in the drawn order."""
        self._require_manager()
        seed = lottery.normalise_seed(seed)
        if not seed:
            raise ResettlementError(_("请填写公开产生的种子（如现场摇出的数字）"))
        if len(seed) > 200:
            raise ResettlementError(_("种子最多 200 个字"))
        with self._db.session(immediate=True) as s, s.begin():
            row = s.get(ResettlementDraw, draw_id, with_for_update=True)
            if row is None:
                raise ResettlementError(_("找不到这次摇号"))
            if row.status != "frozen":
                raise ResettlementError(
                    _("这次摇号已于 {at} 完成，不能重摇；结果可用 lottery --verify 复核",
                      at=row.drawn_at.isoformat(timespec="minutes") if row.drawn_at else "")
                )  # fmt: skip
            current = eligible_households(s)
            now_codes = lottery.frozen_list(code for _hid, code in current)
            if lottery.list_hash(now_codes) != row.list_hash:
                added = sorted(set(now_codes) - set(row.codes))
                gone = sorted(set(row.codes) - set(now_codes))
                raise ResettlementError(
                    _("名单在公布哈希后有变化（新增 {added}；减少 {gone}），不能按此名单摇号；"
                      "请作废后重新冻结名单并公布新的哈希",
                      added="、".join(added) or "无", gone="、".join(gone) or "无")
                )  # fmt: skip
            order = lottery.draw(row.codes, seed)
            ids = {code: hid for hid, code in current}
            now = utcnow()
            self._issue_many(
                s, row.project_id, [(ids[code], now) for code in order], "draw", draw_id=row.id
            )
            row.status, row.seed, row.result = "drawn", seed, order
            row.result_hash = lottery.result_hash(order)
            row.drawn_at, row.drawn_by = now, self._operator.id if self._operator else None
            self._audit(s, "run_draw", {"seed": seed, "result_hash": row.result_hash})
            return draw_view(row)

    def cancel_draw(self, draw_id: uuid.UUID) -> None:
        """Void a frozen draw that was not drawn (e.g. the list changed); it stays recorded."""
        self._require_manager()
        with self._db.session(immediate=True) as s, s.begin():
            row = s.get(ResettlementDraw, draw_id)
            if row is None or row.status != "frozen":
                raise ResettlementError(_("只能作废尚未摇号的名单"))
            row.status = "void"
            self._audit(s, "void_draw", {"list_hash": row.list_hash})

    def draws(self) -> list[DrawView]:
        with self._db.session() as s:
            rows = s.scalars(
                select(ResettlementDraw)
                .where(ResettlementDraw.project_id == project_id_of(s))
                .order_by(ResettlementDraw.frozen_at)
            ).all()
            return [draw_view(r) for r in rows]

    def _require_manager(self) -> None:
        if self._operator is not None and self._operator.role not in DRAW_MANAGERS:
            raise ResettlementError(_("摇号须由指挥部或管理员操作；请联系指挥部"))

    def _audit(self, s: Session, action: str, after: Any) -> None:
        op = self._operator
        s.add(
            m.AuditLog(
                id=uuid.uuid4(), at=utcnow(), operator_id=op.id if op else None,
                operator_login=op.login if op else "", action=action,
                entity="resettlement_order", after=after,
            )
        )  # fmt: skip


def draw_view(row: ResettlementDraw) -> DrawView:
    return DrawView(
        row.id, row.status, tuple(row.codes), row.list_hash, row.seed_source, row.seed,
        tuple(row.result or ()), row.result_hash, row.frozen_at, row.drawn_at,
    )  # fmt: skip
