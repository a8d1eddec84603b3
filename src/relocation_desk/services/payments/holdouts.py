"""Holdouts and compensation decisions (补偿决定, DOMAIN rule 6; 条例 art. 26).

A household that has not signed by the signing deadline is a holdout; HQ can then record the
government's compensation decision for it: its number and date and the amounts it set, which
are those of the household's current checked calculation (the one ruler: a decision awards
what the scheme gives, line by line, as the agreement would have). The household moves to
"decision" (补偿决定).

The signing deadline is the project setting ``sign_deadline`` (as the fairness report reads
it); a project without one falls back to the household's own ``deadline`` (限时), and a
household with neither cannot be called a holdout.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ...domain import money
from ...domain.status import CompensationMethod, HouseholdStatus
from ...i18n import _
from ...storage import models as m
from ...storage.base import utcnow
from ...storage.db import Database
from ..access import Action, require
from ..audit import seal_record
from ..clock import project_today
from ..households.service import OperatorRef, project_id_of
from ..settings import setting_value, sign_deadline
from .service import PaymentError

__all__ = ["DecisionRow", "HoldoutRow", "HoldoutService", "read_decisions"]

S = HouseholdStatus
_METHODS = {
    CompensationMethod.MONEY.value: "货币补偿",
    CompensationMethod.SWAP.value: "产权调换",
    CompensationMethod.MIXED.value: "货币补偿与产权调换相结合",
}
_UNSIGNED = [s.value for s in S if s.rank < S.SIGNED.rank]


@dataclass(frozen=True)
class HoldoutRow:
    household_id: uuid.UUID
    code: str
    head_name: str
    team: str
    status: str
    deadline: date
    calculation_id: uuid.UUID | None  # the current checked calculation (None: none yet)
    total_fen: int | None

    @property
    def ready(self) -> bool:
        """A decision can be recorded (it needs a checked calculation)."""
        return self.calculation_id is not None


@dataclass(frozen=True)
class DecisionRow:
    id: uuid.UUID
    household_id: uuid.UUID
    code: str
    head_name: str
    team: str
    number: str
    decided_on: date
    total_fen: int
    method: str


def _current_checked(
    s: Session, household_ids: list[uuid.UUID]
) -> dict[uuid.UUID, tuple[uuid.UUID, int]]:
    """Household → (id, total) of its current calculation, when that one is checked."""
    C = m.Calculation
    return _latest_checked(
        s.execute(
            select(C.household_id, C.id, C.version_no, C.total_fen, C.status).where(
                C.household_id.in_(household_ids), C.status != "superseded"
            )
        )
    )


def _latest_checked(rows: Any) -> dict[uuid.UUID, tuple[uuid.UUID, int]]:
    latest: dict[uuid.UUID, tuple[int, uuid.UUID, int, str]] = {}
    for hid, cid, version, total, status in rows:
        old = latest.get(hid)
        if old is None or version > old[0]:
            latest[hid] = (version, cid, total, status)
    return {
        h: (cid, total) for h, (_v, cid, total, status) in latest.items() if status == "checked"
    }


def read_decisions(
    s: Session, project_id: uuid.UUID, team_id: uuid.UUID | None = None
) -> list[DecisionRow]:
    D, H = m.CompensationDecision, m.Household
    q = (
        select(D, H.code, H.head_name, m.Team.name)
        .join(H, H.id == D.household_id)
        .join(m.Team, m.Team.id == H.team_id)
        .where(H.project_id == project_id)
        .order_by(D.decided_on, D.number)
    )
    if team_id is not None:
        q = q.where(H.team_id == team_id)
    out = []
    for d, code, head, team in s.execute(q):
        content = d.content if isinstance(d.content, dict) else {}
        method = (content.get("method") or {}).get("label", "")
        out.append(
            DecisionRow(d.id, d.household_id, code, head, team, d.number, d.decided_on, d.total_fen, method)
        )  # fmt: skip
    return out


class HoldoutService:
    def __init__(self, db: Database, operator: OperatorRef | None) -> None:
        self._db = db
        self._operator = operator

    def _require(self, action: Action) -> None:
        """The permission check of every use case here (decisions are HQ's, project-wide)."""
        require(self._operator, action)

    def deadline(self) -> date | None:
        with self._db.session() as s:
            return sign_deadline(s, project_id_of(s))

    def holdouts(
        self, *, today: date | None = None, team_id: uuid.UUID | None = None
    ) -> list[HoldoutRow]:
        """Households past the signing deadline with no signed agreement and no decision."""
        today = today or project_today(self._db)
        H = m.Household
        with self._db.session() as s:
            project_id = project_id_of(s)
            project_deadline = sign_deadline(s, project_id)
            if project_deadline is not None and today <= project_deadline:
                return []
            q = (
                select(H.id, H.code, H.head_name, m.Team.name, H.status, H.deadline)
                .join(m.Team, m.Team.id == H.team_id)
                .where(H.project_id == project_id, H.status.in_(_UNSIGNED))
                .where(~H.id.in_(select(m.Agreement.household_id).where(m.Agreement.status == "signed")))
                .order_by(H.code)
            )  # fmt: skip
            if team_id is not None:
                q = q.where(H.team_id == team_id)
            rows = []
            for hid, code, head, team, status, own in s.execute(q):
                deadline = project_deadline or own
                if deadline is not None and today > deadline:
                    rows.append((hid, code, head, team, status, deadline))
            C = m.Calculation
            cq = (
                select(C.household_id, C.id, C.version_no, C.total_fen, C.status)
                .join(H, H.id == C.household_id)
                .where(H.project_id == project_id, H.status.in_(_UNSIGNED), C.status != "superseded")
            )  # fmt: skip
            if team_id is not None:
                cq = cq.where(H.team_id == team_id)
            calcs = _latest_checked(s.execute(cq))
            return [
                HoldoutRow(
                    hid,
                    code,
                    head,
                    team,
                    status,
                    deadline,
                    calcs[hid][0] if hid in calcs else None,
                    calcs[hid][1] if hid in calcs else None,
                )
                for hid, code, head, team, status, deadline in rows
            ]

    def decisions(self, team_id: uuid.UUID | None = None) -> list[DecisionRow]:
        with self._db.session() as s:
            return read_decisions(s, project_id_of(s), team_id)

    def next_number(self, decided_on: date) -> str:
        """The next decision number from the project's format (``{year}``, ``{seq}``)."""
        with self._db.session() as s:
            return _next_number(s, project_id_of(s), decided_on)

    def record_decision(
        self,
        household_id: uuid.UUID,
        decided_on: date,
        number: str = "",
        *,
        today: date | None = None,
    ) -> DecisionRow:
        """Record the compensation decision for a holdout; the amounts are those of its
        current checked calculation. ``number`` empty: numbered from the project's format."""
        op = self._operator
        self._require(Action.RECORD_DECISION)
        assert op is not None
        today = today or project_today(self._db)
        number = number.strip()
        if len(number) > 60:
            raise PaymentError(_("决定文号不能超过 60 个字符"))
        if decided_on > today:
            raise PaymentError(
                _("决定日期 {date} 晚于今天；请核对日期", date=decided_on.isoformat())
            )
        with self._db.session(immediate=True) as s, s.begin():
            hh = s.get(m.Household, household_id)
            if hh is None:
                raise PaymentError(_("找不到该户，可能已被删除"))
            existing = s.scalar(
                select(m.CompensationDecision).where(m.CompensationDecision.household_id == hh.id)
            )
            if existing is not None:
                raise PaymentError(
                    _("{code} 已有补偿决定 {number}（{date}）", code=hh.code, number=existing.number, date=existing.decided_on.isoformat())
                )  # fmt: skip
            signed = s.scalar(
                select(m.Agreement.number).where(
                    m.Agreement.household_id == hh.id, m.Agreement.status == "signed"
                )
            )
            if signed is not None or S(hh.status).rank >= S.SIGNED.rank:
                raise PaymentError(_("{code} 已签订补偿协议，不能作出补偿决定", code=hh.code))
            deadline = sign_deadline(s, hh.project_id) or hh.deadline
            if deadline is None:
                raise PaymentError(
                    _("项目没有设置签约期限，无法认定未签约户；请先在项目设置中填写签约期限")
                )
            if decided_on <= deadline:
                raise PaymentError(
                    _(
                        "签约期限到 {deadline} 为止；期限届满后才能作出补偿决定（决定日期 {date}）",
                        deadline=deadline.isoformat(), date=decided_on.isoformat(),
                    )
                )  # fmt: skip
            current = _current_checked(s, [hh.id]).get(hh.id)
            calc = s.get(m.Calculation, current[0]) if current is not None else None
            if calc is None:
                raise PaymentError(
                    _("{code} 没有经复核的核算结果；补偿决定的金额须以复核后的核算为准，请先核算并复核", code=hh.code)
                )  # fmt: skip
            project_id = hh.project_id
            if not number:
                number = _next_number(s, project_id, decided_on)
            clash = s.scalar(
                select(m.Household.code)
                .join(m.CompensationDecision, m.CompensationDecision.household_id == m.Household.id)
                .where(
                    m.Household.project_id == project_id, m.CompensationDecision.number == number
                )
            )
            if clash is not None:
                raise PaymentError(
                    _("决定文号 {number} 已用于 {code}；文号不能重复", number=number, code=clash)
                )
            lines = s.scalars(
                select(m.CalculationLine)
                .where(m.CalculationLine.calculation_id == calc.id)
                .order_by(m.CalculationLine.seq)
            ).all()
            content: dict[str, Any] = {
                "method": {"code": calc.compensation_method, "label": _METHODS.get(calc.compensation_method, calc.compensation_method)},
                "amount": {"fen": calc.total_fen, "upper": money.to_chinese_upper(calc.total_fen)},
                "reason": "被征收人在签约期限内未与房屋征收部门达成补偿协议",
                "sign_deadline": deadline.isoformat(),
                "calculation_version": calc.version_no,
                "lines": [
                    {
                        "seq": ln.seq, "item_code": ln.item_code, "item_name": ln.item_name,
                        "category": ln.category, "quantity": ln.quantity, "unit": ln.unit,
                        "rate_fen": ln.rate_fen, "amount_fen": ln.amount_fen,
                    }
                    for ln in lines
                ],
            }  # fmt: skip
            now = utcnow()
            row = m.CompensationDecision(
                id=uuid.uuid4(), household_id=hh.id, number=number, decided_on=decided_on,
                total_fen=calc.total_fen, calculation_id=calc.id, content=content,
                created_at=now, created_by=op.id,
            )  # fmt: skip
            s.add(row)
            old = hh.status
            table: Any = m.Household.__table__  # no version bump: not an edit of the data
            s.execute(
                update(table)
                .where(table.c.id == hh.id)
                .values(status=S.DECISION.value, status_changed_at=now)
            )
            seal = seal_record(s, row)  # the decision, sealed into the audit chain
            for entity, entity_id, before, after, row_seal in (
                ("compensation_decision", row.id, None,
                 {"number": number, "decided_on": decided_on.isoformat(), "total_fen": calc.total_fen},
                 seal),
                ("household", hh.id, {"status": old}, {"status": S.DECISION.value}, ""),
            ):  # fmt: skip
                s.add(
                    m.AuditLog(
                        id=uuid.uuid4(), at=now, operator_id=op.id, operator_login=op.login,
                        action="create" if entity != "household" else "status", entity=entity,
                        entity_id=str(entity_id), household_id=hh.id, before=before, after=after,
                        note=hh.code, seal=row_seal,
                    )
                )  # fmt: skip
            team = s.scalar(select(m.Team.name).where(m.Team.id == hh.team_id)) or ""
            return DecisionRow(
                row.id, hh.id, hh.code, hh.head_name, team, number, decided_on, calc.total_fen,
                content["method"]["label"],
            )  # fmt: skip


def _next_number(s: Session, project_id: uuid.UUID, decided_on: date) -> str:
    fmt = setting_value(s, project_id, "decision_number_format")
    if not isinstance(fmt, str) or "{seq" not in fmt:
        fmt = "补偿决定〔{year}〕第{seq:03d}号"
    count = (
        s.scalar(
            select(func.count())
            .select_from(m.CompensationDecision)
            .join(m.Household, m.Household.id == m.CompensationDecision.household_id)
            .where(m.Household.project_id == project_id)
        )
        or 0
    )
    seq = count + 1
    # Skip numbers already taken (a number typed by hand may have used one).
    taken = set(
        s.scalars(
            select(m.CompensationDecision.number)
            .join(m.Household, m.Household.id == m.CompensationDecision.household_id)
            .where(m.Household.project_id == project_id)
        )
    )
    while True:
        try:
            number = fmt.format(year=decided_on.year, seq=seq)
        except (KeyError, ValueError, IndexError):
            number = f"补偿决定〔{decided_on.year}〕第{seq:03d}号"
        if number not in taken:
            return number
        seq += 1
