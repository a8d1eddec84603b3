"""Exceptions to the standard (审批例外): a team asks, HQ decides in writing (DOMAIN rule 1).

A request changes nothing by itself. Only once HQ approves it does the next computation of
the household (``CalculationService.compute`` or ``recompute_all``) show it as a line marked
with the request's number (see :mod:`relocation_desk.domain.approval_lines`).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import aliased

from ...domain.scheme import category_label
from ...i18n import _
from ...storage import models as m
from ...storage.base import utcnow
from ...storage.db import Database
from ..access import Action, require
from ..errors import UserError
from ..households.files import check_source, files_folder, store_copy, stored_path
from ..households.service import OperatorRef, project_id_of
from ..stored_files import record_file
from .inputs import SchemeBook

__all__ = ["ApprovalError", "ApprovalService", "ApprovalView", "Attachment", "ItemChoice"]

STATUSES = ("pending", "approved", "rejected")


class ApprovalError(UserError):
    """An approval request that cannot be made or decided; the message says why."""


@dataclass(frozen=True)
class Attachment:
    """A document attached to a request: its original file name and the stored copy."""

    name: str
    path: Path


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
    head_name: str = ""
    team_code: str = ""
    requested_by: str = ""  # operator names
    decided_by: str = ""
    attachments: tuple[Attachment, ...] = ()
    item_name: str = ""  # the item's or category's name in the scheme ("" if unknown)
    team_name: str = ""  # 第三工作组 (``team_code`` is its short code, T03)


@dataclass(frozen=True)
class ItemChoice:
    """Something a request can be about: a rate item or a whole category of the scheme."""

    code: str
    name: str
    standard_fen: int | None  # the current calculation's amount for it (None: no line)


class ApprovalService:
    def __init__(self, db: Database, operator: OperatorRef | None) -> None:
        self._db = db
        self._operator = operator

    def _require(self, action: Action, team_id: uuid.UUID | None) -> None:
        """The permission check of every use case here (the request's household's team)."""
        require(self._operator, action, team_id)

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
            require(None, Action.REQUEST_EXCEPTION)  # nobody signed in: refused, saying so
        assert op is not None
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
            self._require(Action.REQUEST_EXCEPTION, hh.team_id)
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
        self._require(Action.APPROVE_EXCEPTION, None)
        assert op is not None
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

    def list_requests(
        self, status: str | None = None, *, household_id: uuid.UUID | None = None
    ) -> list[ApprovalView]:
        R = m.ApprovalRequest
        asker, decider = aliased(m.Operator), aliased(m.Operator)
        with self._db.session() as s:
            query = (
                select(R, m.Household.code, m.Household.head_name, m.Team.code, asker.name,
                       decider.name, m.Team.name)
                .join(m.Household, m.Household.id == R.household_id)
                .outerjoin(m.Team, m.Team.id == R.team_id)
                .outerjoin(asker, asker.id == R.requested_by)
                .outerjoin(decider, decider.id == R.decided_by)
                .where(R.project_id == project_id_of(s))
                .order_by(R.requested_at, R.number)
            )  # fmt: skip
            if status is not None:
                query = query.where(R.status == status)
            if household_id is not None:
                query = query.where(R.household_id == household_id)
            rows = s.execute(query).all()
            files = self._attachments(s, [r[0].id for r in rows])
            names = _item_names(s) if rows else {}
            return [
                ApprovalView(
                    r.id, r.number, r.household_id, code, r.item_code, r.requested_amount_fen,
                    r.requested_rule, r.reason, r.status, r.requested_at, r.decided_at,
                    r.decision_reason, head or "", team or "", by or "", decided or "",
                    tuple(files.get(r.id, ())), names.get(r.item_code, ""), team_name or "",
                )
                for r, code, head, team, by, decided, team_name in rows
            ]  # fmt: skip

    def attach(self, request_id: uuid.UUID, source: Path) -> Path:
        """Attach a document (a scan, a photo, a letter) to a request: copied into the
        project's files like a household's photos. Returns the stored copy's path."""
        op = self._operator
        source = Path(source)
        check_source(source)
        with self._db.session() as s:
            row = s.get(m.ApprovalRequest, request_id)
            if row is None:
                raise ApprovalError(_("找不到该申请"))
            household_id = row.household_id
            self._require(Action.REQUEST_EXCEPTION, row.team_id)
        folder = files_folder(self._db)
        sha, size, path = store_copy(folder, source)  # outside the transaction: may be slow
        with self._db.session(immediate=True) as s, s.begin():
            row = s.get(m.ApprovalRequest, request_id)
            if row is None:
                raise ApprovalError(_("找不到该申请"))
            record_file(
                s, owner={"approval_request_id": request_id}, kind="document",
                original_name=source.name, sha256=sha, size=size, operator=op,
                household_id=household_id, audit={"approval_request": row.number},
                note=row.number,
            )  # fmt: skip
        return path

    def item_choices(self, household_id: uuid.UUID, *, as_of: date) -> list[ItemChoice]:
        """What a request for this household can name: the items of its current
        calculation's scheme version (else the version in force on ``as_of``), those with a
        line first, then the categories."""
        C, L = m.Calculation, m.CalculationLine
        with self._db.session() as s:
            book = SchemeBook(s, project_id_of(s))
            current = s.execute(
                select(C.id, C.scheme_version_id)
                .where(C.household_id == household_id, C.status != "superseded")
                .order_by(C.version_no.desc())
                .limit(1)
            ).first()
            amounts: dict[str, int] = {}
            scheme = None
            if current is not None:
                scheme = book.by_id.get(current.scheme_version_id)
                for code, amount, approval in s.execute(
                    select(L.item_code, L.amount_fen, L.approval_request_id).where(
                        L.calculation_id == current.id
                    )
                ):
                    if approval is None:
                        amounts[code] = amounts.get(code, 0) + amount
            if scheme is None:
                found = book.in_force(as_of)
                scheme = found[1] if found is not None else None
        if scheme is None:
            return []
        items = [ItemChoice(it.code, it.name, amounts.get(it.code)) for it in scheme.items]
        items.sort(key=lambda c: c.standard_fen is None)  # stable: scheme order otherwise
        categories = sorted({it.category for it in scheme.items})
        items += [ItemChoice(c, category_label(scheme, c), None) for c in categories]
        return items

    def _attachments(self, s: object, request_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Path]]:
        from sqlalchemy.orm import Session

        assert isinstance(s, Session)
        folder = files_folder(self._db)
        found: dict[uuid.UUID, list[Attachment]] = {}
        F = m.StoredFile
        for start in range(0, len(request_ids), 500):
            for rid, sha, name in s.execute(
                select(F.approval_request_id, F.sha256, F.original_name)
                .where(F.approval_request_id.in_(request_ids[start : start + 500]))
                .order_by(F.added_at)
            ):
                found.setdefault(rid, []).append(Attachment(name, stored_path(folder, sha, name)))
        return found


def _item_names(s: object) -> dict[str, str]:
    """Item and category names of the project's published scheme versions (newest wins)."""
    from sqlalchemy.orm import Session

    assert isinstance(s, Session)
    names: dict[str, str] = {}
    book = SchemeBook(s, project_id_of(s))
    for scheme in sorted(book.by_id.values(), key=lambda x: x.effective_date):
        for it in scheme.items:
            names[it.code] = it.name
            names.setdefault(it.category, category_label(scheme, it.category))
    return names


def _audit(
    op: OperatorRef, now: datetime, action: str, row: m.ApprovalRequest, before: object,
    after: object,
) -> m.AuditLog:  # fmt: skip
    return m.AuditLog(
        id=uuid.uuid4(), at=now, operator_id=op.id, operator_login=op.login, action=action,
        entity="approval_request", entity_id=str(row.id), household_id=row.household_id,
        before=before, after=after, note=row.number,
    )  # fmt: skip
