"""Exceptions to the standard (审批例外): a team asks, HQ decides in writing (DOMAIN rule 1).

A request changes nothing by itself. Only once HQ approves it does the next computation of
the household (``CalculationService.compute`` or ``recompute_all``) show it as a line marked
with the request's number (see :mod:`relocation_desk.domain.approval_lines`).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..domain.status import Role
from ..i18n import _
from ..storage import models as m
from ..storage.base import utcnow
from ..storage.db import Database
from .errors import UserError
from .households import OperatorRef, project_id_of

__all__ = ["ApprovalError", "ApprovalService", "ApprovalView"]

DECIDERS = {Role.HQ.value, Role.ADMIN.value}
STATUSES = ("pending", "approved", "rejected")


class ApprovalError(UserError):
    """An approval request that cannot be made or decided; the message says why."""


@dataclass(frozen=True)
class ApprovalView:
    id: uuid.UUID
    number: str
    household_id: uuid.UUID
    household_code: str
    item_code: str
    requested_amount_fen: int | None
    requested_rule: str
    reason: str
    status: str
    requested_at: datetime
    decided_at: datetime | None
    decision_reason: str


class ApprovalService:
    def __init__(self, db: Database, operator: OperatorRef | None) -> None:
        self._db = db
        self._operator = operator

    def request(
        self,
        household_id: uuid.UUID,
        item_code: str,
        requested_amount_fen: int | None,
        requested_rule: str,
        reason: str,
    ) -> uuid.UUID:
        """A team's request; returns its id. Its number is ``SP-<team>-<seq>``."""
        op = self._operator
        if op is None:
            raise ApprovalError(_("提出申请需要指明经办人"))
        if not reason.strip():
            raise ApprovalError(_("请填写申请理由"))
        if requested_amount_fen is None and not requested_rule.strip():
            raise ApprovalError(_("请填写申请金额或申请的计算办法"))
        if requested_amount_fen is not None and (
            not isinstance(requested_amount_fen, int) or requested_amount_fen < 0
        ):
            raise ApprovalError(_("申请金额不能为负数"))
        with self._db.session(immediate=True) as s, s.begin():
            hh = s.get(m.Household, household_id)
            if hh is None:
                raise ApprovalError(_("找不到该户，可能已被删除"))
            team_code = s.scalar(select(m.Team.code).where(m.Team.id == hh.team_id)) or ""
            prefix = f"SP-{team_code}-"
            numbers = s.scalars(
                select(m.ApprovalRequest.number).where(
                    m.ApprovalRequest.project_id == hh.project_id,
                    m.ApprovalRequest.number.like(prefix + "%"),
                )
            )
            seqs = [int(x.group(1)) for n in numbers if (x := re.search(r"(\d+)$", n))]
            number = f"{prefix}{max(seqs, default=0) + 1:04d}"
            now = utcnow()
            row = m.ApprovalRequest(
                id=uuid.uuid4(), project_id=hh.project_id, household_id=hh.id,
                team_id=hh.team_id, number=number, item_code=item_code.strip(),
                requested_amount_fen=requested_amount_fen, requested_rule=requested_rule.strip(),
                reason=reason.strip(), status="pending", requested_by=op.id, requested_at=now,
                created_at=now, updated_at=now,
            )  # fmt: skip
            s.add(row)
            s.add(_audit(op, now, "request", row, None, {"status": "pending", "number": number}))
            return row.id

    def decide(self, request_id: uuid.UUID, approve: bool, reason: str) -> None:
        """HQ's decision with its reason. Only HQ (or an administrator) may decide."""
        op = self._operator
        if op is None or op.role not in DECIDERS:
            raise ApprovalError(_("只有指挥部人员才能审批例外申请；请由指挥部审批"))
        if not reason.strip():
            raise ApprovalError(_("审批必须写明理由"))
        with self._db.session(immediate=True) as s, s.begin():
            row = s.get(m.ApprovalRequest, request_id)
            if row is None:
                raise ApprovalError(_("找不到该申请"))
            if row.status != "pending":
                raise ApprovalError(_("申请 {number} 已经审批过了，不能再改", number=row.number))
            now = utcnow()
            row.status = "approved" if approve else "rejected"
            row.decided_by, row.decided_at = op.id, now
            row.decision_reason = reason.strip()
            row.updated_at = now
            s.add(
                _audit(
                    op, now, "decide", row, {"status": "pending"},
                    {"status": row.status, "reason": row.decision_reason},
                )
            )  # fmt: skip

    def list_requests(self, status: str | None = None) -> list[ApprovalView]:
        R = m.ApprovalRequest
        with self._db.session() as s:
            query = (
                select(R, m.Household.code)
                .join(m.Household, m.Household.id == R.household_id)
                .where(R.project_id == project_id_of(s))
                .order_by(R.requested_at, R.number)
            )
            if status is not None:
                query = query.where(R.status == status)
            return [
                ApprovalView(
                    r.id,
                    r.number,
                    r.household_id,
                    code,
                    r.item_code,
                    r.requested_amount_fen,
                    r.requested_rule,
                    r.reason,
                    r.status,
                    r.requested_at,
                    r.decided_at,
                    r.decision_reason,
                )
                for r, code in s.execute(query)
            ]


def _audit(
    op: OperatorRef, now: datetime, action: str, row: m.ApprovalRequest, before: object,
    after: object,
) -> m.AuditLog:  # fmt: skip
    return m.AuditLog(
        id=uuid.uuid4(), at=now, operator_id=op.id, operator_login=op.login, action=action,
        entity="approval_request", entity_id=str(row.id), household_id=row.household_id,
        before=before, after=after, note=row.number,
    )  # fmt: skip
