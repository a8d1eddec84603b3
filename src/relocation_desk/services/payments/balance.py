"""Balances (what is due, paid, deposited, outstanding) of signed agreements and of
compensation decisions, the read models of payments and milestones, and their labels — shared
by the payment service, its checks and the payment register. See :mod:`.payments` for the
decisions (what is due, reversals)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ...domain import money
from ...domain.status import MilestoneKind
from ...i18n import _
from ...storage import models as m
from ..errors import UserError

__all__ = [
    "KINDS",
    "METHODS",
    "MILESTONE_ORDER",
    "Balance",
    "MilestoneRow",
    "PaymentCase",
    "PaymentError",
    "PaymentRow",
    "balance_text",
    "decision_of",
    "kind_label",
    "method_label",
    "milestone_label",
    "read_balances",
    "reversal_links",
]

KINDS = ("payment", "deposit")
METHODS = ("transfer", "cash", "cheque")
MILESTONE_ORDER = (MilestoneKind.VACATED, MilestoneKind.KEYS, MilestoneKind.DEMOLISHED)


def method_label(method: str) -> str:
    labels = {
        "transfer": _("转账"),
        "cash": _("现金"),
        "cheque": _("支票"),
        "ledger": _("台账记载"),
        "settlement": _("交房结算"),
    }
    return labels.get(method, method)


def kind_label(kind: str, amount_fen: int = 0) -> str:
    if kind == "handover":  # signed: see .handover
        return _("交房结算")
    if amount_fen < 0:
        return _("冲正")
    return {"payment": _("支付"), "deposit": _("提存")}.get(kind, kind)


def milestone_label(kind: str) -> str:
    return {"vacated": _("腾房"), "keys": _("交钥匙"), "demolished": _("拆除")}.get(kind, kind)


class PaymentError(UserError):
    """A payment, reversal or milestone that cannot be recorded; the message says why."""


@dataclass(frozen=True)
class Balance:
    """What is due under the household's basis of payment: the signed agreement in force or,
    for a holdout without one, its compensation decision (补偿决定)."""

    household_id: uuid.UUID
    code: str
    head_name: str
    status: str
    agreement_id: uuid.UUID | None  # the agreement in force (None: not signed)
    agreement_number: str
    signed_on: date | None
    due_fen: int  # what the agreement in force (or the decision) says
    paid_fen: int  # payments and 交房结算 entries (see .handover), net of reversals
    deposited_fen: int  # deposits (提存), net of reversals
    team_id: uuid.UUID | None = None
    decision_id: uuid.UUID | None = None  # set only when there is no signed agreement
    decision_number: str = ""
    decided_on: date | None = None

    @property
    def outstanding_fen(self) -> int:
        return self.due_fen - self.paid_fen - self.deposited_fen

    @property
    def has_basis(self) -> bool:
        """Payments can be recorded: a signed agreement or a compensation decision."""
        return self.agreement_id is not None or self.decision_id is not None

    @property
    def basis_number(self) -> str:
        return self.agreement_number if self.agreement_id is not None else self.decision_number

    @property
    def basis_date(self) -> date | None:
        """The signing date of the agreement, or the date of the decision."""
        return self.signed_on if self.agreement_id is not None else self.decided_on

    @property
    def settled(self) -> bool:
        return self.has_basis and self.outstanding_fen <= 0


@dataclass(frozen=True)
class PaymentRow:
    id: uuid.UUID
    basis_number: str  # the agreement's number, or the compensation decision's
    kind: str
    amount_fen: int  # negative for a reversal
    paid_on: date
    payee: str
    method: str
    voucher_no: str
    created_at: datetime
    created_by: str
    reverses: uuid.UUID | None = None  # for a reversal: the entry it cancels
    reason: str = ""  # for a reversal
    reversed_by: uuid.UUID | None = None  # for an entry that was reversed


@dataclass(frozen=True)
class MilestoneRow:
    kind: str
    happened_on: date
    note: str
    created_by: str


@dataclass(frozen=True)
class PaymentCase:
    """Everything the payments dialog shows about one household."""

    balance: Balance
    payments: tuple[PaymentRow, ...]
    milestones: tuple[MilestoneRow, ...]
    default_payee: str
    next_milestone: str | None  # the milestone that may come next (None: all recorded)


def fmt_yuan(fen: int) -> str:
    return money.format_fen(fen)


def agreement_in_force(s: Session, household_id: uuid.UUID) -> m.Agreement | None:
    """The signed agreement that says what is due: the last signed one of the chain (main,
    then supplementary agreements), ordered as services.agreements orders them."""
    rows = s.scalars(
        select(m.Agreement).where(
            m.Agreement.household_id == household_id, m.Agreement.status == "signed"
        )
    ).all()
    if not rows:
        return None
    return max(
        rows,
        key=_in_force_key,
    )


def _in_force_key(a: m.Agreement) -> tuple[date, bool, int]:
    # As services.agreements orders them: the last signed of the chain.
    return (a.signed_on or date.min, a.kind == "supplementary", a.seq_no)


def decision_of(s: Session, household_id: uuid.UUID) -> m.CompensationDecision | None:
    return s.scalar(
        select(m.CompensationDecision).where(m.CompensationDecision.household_id == household_id)
    )


def household_balance(s: Session, hh: m.Household) -> Balance:
    agreement = agreement_in_force(s, hh.id)
    decision = decision_of(s, hh.id) if agreement is None else None
    paid = deposited = 0
    for kind, total in s.execute(
        select(m.Payment.kind, func.sum(m.Payment.amount_fen))
        .where(m.Payment.household_id == hh.id)
        .group_by(m.Payment.kind)
    ):
        if kind == "deposit":
            deposited += int(total or 0)
        else:
            paid += int(total or 0)
    if decision is not None:
        return Balance(
            hh.id, hh.code, hh.head_name, hh.status, None, "", None, decision.total_fen, paid,
            deposited, hh.team_id, decision.id, decision.number, decision.decided_on,
        )  # fmt: skip
    return Balance(
        hh.id, hh.code, hh.head_name, hh.status,
        agreement.id if agreement else None, agreement.number if agreement else "",
        agreement.signed_on if agreement else None,
        owed_fen(agreement) if agreement else 0, paid, deposited, hh.team_id,
    )  # fmt: skip


def owed_fen(a: m.Agreement) -> int:
    """What a signed agreement says is due: for one imported from a ledger, the amount the
    ledger records (``recorded_total_fen``); else its total."""
    if a.origin == "ledger" and a.recorded_total_fen is not None:
        return a.recorded_total_fen
    return a.total_fen


def balance_text(b: Balance) -> str:
    if b.agreement_id is None and b.decision_id is not None:
        return _(
            "决定金额 {due} 元，已支付 {paid} 元，已提存 {deposited} 元，尚欠 {left} 元",
            due=fmt_yuan(b.due_fen), paid=fmt_yuan(b.paid_fen),
            deposited=fmt_yuan(b.deposited_fen), left=fmt_yuan(b.outstanding_fen),
        )  # fmt: skip
    return _(
        "协议金额 {due} 元，已支付 {paid} 元，已提存 {deposited} 元，尚欠 {left} 元",
        due=fmt_yuan(b.due_fen), paid=fmt_yuan(b.paid_fen), deposited=fmt_yuan(b.deposited_fen),
        left=fmt_yuan(b.outstanding_fen),
    )  # fmt: skip


def reversal_links(
    s: Session, household_ids: list[uuid.UUID] | None = None
) -> dict[uuid.UUID, tuple[uuid.UUID, str]]:
    """Reversal entry id → (the entry it reverses, reason)."""
    P = m.Payment
    query = select(P.id, P.reverses_id, P.note).where(P.reverses_id.is_not(None))
    out: dict[uuid.UUID, tuple[uuid.UUID, str]] = {}
    chunks: list[list[uuid.UUID] | None] = [None]
    if household_ids is not None:
        chunks = [household_ids[i : i + 500] for i in range(0, len(household_ids), 500)]
    for chunk in chunks:
        q = query if chunk is None else query.where(P.household_id.in_(chunk))
        for pid, reverses, note in s.execute(q):
            if reverses is not None:
                out[pid] = (reverses, note or "")
    return out


def read_balances(
    s: Session, project_id: uuid.UUID, team_id: uuid.UUID | None = None
) -> list[Balance]:
    """The balance of every household with a signed agreement or, failing one, a compensation
    decision (in code order): three queries, columns only (a project has ~50,000 agreements
    with large JSON contents)."""
    H, A, P, D = m.Household, m.Agreement, m.Payment, m.CompensationDecision
    q = (
        select(A.household_id, A.id, A.number, A.signed_on, A.kind, A.seq_no,
               # an agreement imported from a ledger owes what the ledger records
               case((A.origin == "ledger", func.coalesce(A.recorded_total_fen, A.total_fen)),
                    else_=A.total_fen).label("total_fen"),
               H.code, H.head_name, H.status, H.team_id)
        .join(H, H.id == A.household_id)
        .where(H.project_id == project_id, A.status == "signed")
    )  # fmt: skip
    sums_q = (
        select(P.household_id, P.kind, func.sum(P.amount_fen))
        .join(H, H.id == P.household_id)
        .where(H.project_id == project_id)
        .group_by(P.household_id, P.kind)
    )
    dq = (
        select(D.household_id, D.id, D.number, D.decided_on, D.total_fen, H.code, H.head_name,
               H.status, H.team_id)
        .join(H, H.id == D.household_id)
        .where(H.project_id == project_id)
    )  # fmt: skip
    if team_id is not None:
        q = q.where(H.team_id == team_id)
        sums_q = sums_q.where(H.team_id == team_id)
        dq = dq.where(H.team_id == team_id)
    best: dict[uuid.UUID, Any] = {}
    for row in s.execute(q):
        old = best.get(row.household_id)
        key = (row.signed_on or date.min, row.kind == "supplementary", row.seq_no)
        if old is None or key > (
            old.signed_on or date.min,
            old.kind == "supplementary",
            old.seq_no,
        ):
            best[row.household_id] = row
    sums = {(hid, kind): int(total or 0) for hid, kind, total in s.execute(sums_q)}
    out = [_balance(r, hid, sums, r.id, r.number, r.signed_on) for hid, r in best.items()]
    out.extend(
        _balance(d, d.household_id, sums, None, "", None, d.id, d.number, d.decided_on)
        for d in s.execute(dq)
        if d.household_id not in best
    )
    out.sort(key=lambda b: b.code)
    return out


def _balance(
    r: Any, hid: uuid.UUID, sums: dict[tuple[uuid.UUID, str], int], *basis: Any
) -> Balance:
    """A register row's balance: ``basis`` is (agreement id, number, signed on) and, for a
    decision household, (decision id, number, decided on)."""
    agreement_id, number, signed_on, *decision = basis
    return Balance(
        hid, r.code, r.head_name, r.status, agreement_id, number, signed_on, r.total_fen,
        sums.get((hid, "payment"), 0) + sums.get((hid, "handover"), 0),
        sums.get((hid, "deposit"), 0), r.team_id, *decision,
    )  # fmt: skip
