"""Paying a signed agreement (or a compensation decision) and the milestones after it (DOMAIN
rule 6: agreement → payment → vacate → demolish; holdouts: decision → payment or deposit →
vacate → demolish).

:class:`PaymentService` records payments and deposits (提存) against the agreement in force
or, for a holdout that never signed, against its compensation decision (补偿决定), corrects a mistaken entry by a recorded reversal (冲正: a negative entry with its reason, never
a delete), keeps the balance, and records the milestones 腾房 → 交钥匙 → 拆除, each refused until
the agreement is paid in full (payments and deposits together). Holdouts and compensation
decisions are in :mod:`.holdouts`.

Decisions recorded here (see also the report to the lead):

- **What is due.** Every agreement points to a full calculation, so a signed supplementary
  agreement's ``total_fen`` is the new total of the case, not a difference: what is due is the
  total of the latest signed agreement (supplementary ones after the main one, by signing date).
  Payments are booked against that agreement and counted for the household as a whole. A
  household with no signed agreement but a compensation decision owes the decision's
  ``total_fen``; its payments point to the decision (``payment.decision_id``; a payment points
  to exactly one of the two, a CHECK in the schema).
- **Deposit (提存).** Money lodged with a notary when the household will not (or cannot)
  receive it counts towards the balance like a payment; the household is "paid" (已支付, which
  the status defines as paid in full *or* deposit recorded) once nothing is outstanding.
- **Reversal.** A negative payment of the same kind and basis that points to the entry it
  cancels (``reverses_id``, unique: an entry can be reversed once) with its reason in ``note``;
  its audit row (action ``reverse``) carries the same. (Before schema revision 0002 the link
  and reason were only in the audit row; the migration copied them.)
- **Status.** signed → paid when the balance reaches 0; paid → signed when a reversal reopens
  it (a household already vacated keeps its status: the balance shows what is owed); milestones
  move it to vacated and demolished. A decision household keeps the status ``decision`` through
  payment, deposit and the milestones: elsewhere (签约公示, agreement checks, the editor's
  locks) signed/paid/vacated/demolished mean "has a signed agreement", which it has not; its
  milestones are recorded (and counted by the daily report from the milestone rows). Status
  changes do not bump the household's ``row_version`` (as in calculations: not an edit of the
  household's data), so an open editor is not invalidated.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ...domain.status import HouseholdStatus, MilestoneKind
from ...i18n import _
from ...storage import models as m
from ...storage.base import utcnow
from ...storage.db import Database
from ..access import Action, may, require
from ..audit import seal_record
from ..clock import project_today
from ..errors import PermissionDenied
from ..households.service import OperatorRef
from .balance import (
    KINDS,
    METHODS,
    MILESTONE_ORDER,
    Balance,
    MilestoneRow,
    PaymentCase,
    PaymentError,
    PaymentRow,
    balance_text,
    household_balance,
    kind_label,
    method_label,
    milestone_label,
    read_balances,
    reversal_links,
)
from .rules import (
    check_lengths,
    check_milestone,
    check_payment,
    check_payment_input,
    check_voucher,
    milestone_input,
    milestones_of,
)

__all__ = [
    "KINDS",
    "METHODS",
    "MILESTONE_ORDER",
    "Balance",
    "MilestoneRow",
    "PaymentCase",
    "PaymentError",
    "PaymentRow",
    "PaymentService",
    "balance_text",
    "kind_label",
    "method_label",
    "milestone_label",
    "read_balances",
    "reversal_links",
]

S = HouseholdStatus


class PaymentService:
    def __init__(self, db: Database, operator: OperatorRef | None) -> None:
        self._db = db
        self._operator = operator

    # --- reading ---------------------------------------------------------------------------

    def balance(self, household_id: uuid.UUID) -> Balance:
        with self._db.session() as s:
            return household_balance(s, self._household(s, household_id))

    def case(self, household_id: uuid.UUID) -> PaymentCase:
        with self._db.session() as s:
            hh = self._household(s, household_id)
            names = {
                i: n or login
                for i, n, login in s.execute(
                    select(m.Operator.id, m.Operator.name, m.Operator.login).where(
                        m.Operator.project_id == hh.project_id
                    )
                )
            }
            numbers = dict(
                s.execute(
                    select(m.Agreement.id, m.Agreement.number).where(
                        m.Agreement.household_id == hh.id
                    )
                ).all()
            )
            numbers.update(
                s.execute(
                    select(m.CompensationDecision.id, m.CompensationDecision.number).where(
                        m.CompensationDecision.household_id == hh.id
                    )
                ).all()
            )
            entries = s.scalars(
                select(m.Payment)
                .where(m.Payment.household_id == hh.id)
                .order_by(m.Payment.paid_on, m.Payment.created_at)
            ).all()
            reversed_by = {p.reverses_id: p.id for p in entries if p.reverses_id is not None}
            payments = tuple(
                PaymentRow(
                    p.id,
                    numbers.get(p.agreement_id or p.decision_id or hh.id, ""),
                    p.kind,
                    p.amount_fen,
                    p.paid_on,
                    p.payee,
                    p.method,
                    p.voucher_no,
                    p.created_at,
                    names.get(p.created_by, "") if p.created_by else "",
                    p.reverses_id,
                    p.note if p.reverses_id is not None else "",
                    reversed_by.get(p.id),
                )
                for p in entries
            )
            milestones = milestones_of(s, hh.id)
            done = {ms.kind for ms in milestones}
            rows = tuple(
                MilestoneRow(
                    ms.kind,
                    ms.happened_on,
                    ms.note,
                    names.get(ms.created_by, "") if ms.created_by else "",
                )
                for ms in sorted(
                    milestones, key=lambda x: MILESTONE_ORDER.index(MilestoneKind(x.kind))
                )
            )
            nxt = next((k.value for k in MILESTONE_ORDER if k.value not in done), None)
            return PaymentCase(household_balance(s, hh), payments, rows, _payee(hh), nxt)

    # --- payments --------------------------------------------------------------------------

    def record_payment(
        self,
        household_id: uuid.UUID,
        amount_fen: int,
        paid_on: date,
        *,
        payee: str = "",
        method: str = "transfer",
        voucher_no: str = "",
        kind: str = "payment",
        today: date | None = None,
    ) -> Balance:
        """Record a payment (or a deposit, ``kind="deposit"``) against the agreement in force
        (or the household's compensation decision); returns the new balance."""
        op = self._require_operator()
        payee, voucher_no = payee.strip(), voucher_no.strip()
        check_payment_input(
            amount_fen, paid_on, method, kind, payee, voucher_no, today or project_today(self._db)
        )
        with self._db.session(immediate=True) as s, s.begin():
            hh = self._household(s, household_id)
            self._require(Action.RECORD_PAYMENT, hh)
            agreement, decision = check_payment(s, hh, amount_fen, paid_on, voucher_no)
            now = utcnow()
            row = m.Payment(
                id=uuid.uuid4(), agreement_id=agreement.id if agreement else None,
                decision_id=decision.id if decision else None, household_id=hh.id, kind=kind,
                amount_fen=amount_fen, paid_on=paid_on, payee=payee or _payee(hh), method=method,
                voucher_no=voucher_no, created_at=now, created_by=op.id,
            )  # fmt: skip
            s.add(row)
            s.flush()
            self._audit(
                s, now, "create", "payment", row.id, hh.id, after=_payment_json(row), note=hh.code,
                seal=seal_record(s, row),
            )  # fmt: skip
            after = household_balance(s, hh)
            if after.outstanding_fen <= 0 and hh.status == S.SIGNED.value:
                self._set_status(s, hh, S.PAID, now)
                after = replace(after, status=S.PAID.value)
            return after

    def payment_refusal(
        self,
        household_id: uuid.UUID,
        amount_fen: int,
        paid_on: date,
        *,
        payee: str = "",
        method: str = "transfer",
        voucher_no: str = "",
        kind: str = "payment",
        today: date | None = None,
    ) -> str | None:
        """Why :meth:`record_payment` would refuse this payment now (None: it would not), so a
        dialog can say so before asking for confirmation. Writes nothing."""
        try:
            self._require_operator()
            payee, voucher_no = payee.strip(), voucher_no.strip()
            check_payment_input(
                amount_fen,
                paid_on,
                method,
                kind,
                payee,
                voucher_no,
                today or project_today(self._db),
            )
            with self._db.session() as s:
                hh = self._household(s, household_id)
                self._require(Action.RECORD_PAYMENT, hh)
                check_payment(s, hh, amount_fen, paid_on, voucher_no)
        except (PaymentError, PermissionDenied) as exc:
            return exc.message
        return None

    def reverse_payment(
        self,
        payment_id: uuid.UUID,
        reason: str,
        *,
        on: date | None = None,
        voucher_no: str = "",
        today: date | None = None,
    ) -> Balance:
        """Cancel a mistaken entry with a negative one of the same amount (冲正); the entry
        itself stays. Allowed to HQ, administrators and the person who recorded the entry."""
        op = self._require_operator()
        today = today or project_today(self._db)
        on = on or today
        reason, voucher_no = reason.strip(), voucher_no.strip()
        if not reason:
            raise PaymentError(_("冲正必须写明原因"))
        if on > today:
            raise PaymentError(_("冲正日期不能晚于今天"))
        check_lengths("", voucher_no)
        with self._db.session(immediate=True) as s, s.begin():
            original = s.get(m.Payment, payment_id)
            if original is None:
                raise PaymentError(_("找不到这笔支付记录"))
            if original.amount_fen < 0:
                raise PaymentError(_("这是一笔冲正记录，不能再冲正"))
            hh = self._household(s, original.household_id)
            if not may(op, Action.CORRECT_PAYMENT):
                if original.created_by != op.id:
                    raise PermissionDenied(
                        _("只有登记这笔支付的人或指挥部人员才能冲正；请联系指挥部"),
                        Action.CORRECT_PAYMENT.value,
                    )
                self._require(Action.RECORD_PAYMENT, hh)  # the recorder, still of its team
            if s.scalar(select(m.Payment.id).where(m.Payment.reverses_id == original.id)):
                raise PaymentError(_("这笔支付已经冲正过了"))
            if on < original.paid_on:
                raise PaymentError(
                    _(
                        "冲正日期 {date} 早于原支付日期 {paid}；请核对日期",
                        date=on.isoformat(), paid=original.paid_on.isoformat(),
                    )
                )  # fmt: skip
            check_voucher(s, hh.project_id, voucher_no)
            now = utcnow()
            row = m.Payment(
                id=uuid.uuid4(), agreement_id=original.agreement_id,
                decision_id=original.decision_id, household_id=hh.id, kind=original.kind,
                amount_fen=-original.amount_fen, paid_on=on, payee=original.payee,
                method=original.method, voucher_no=voucher_no, reverses_id=original.id,
                note=reason, created_at=now, created_by=op.id,
            )  # fmt: skip
            s.add(row)
            s.flush()
            self._audit(
                s, now, "reverse", "payment", row.id, hh.id,
                before=_payment_json(original),
                after={**_payment_json(row), "reverses": str(original.id), "reason": reason},
                note=reason, seal=seal_record(s, row),
            )  # fmt: skip
            after = household_balance(s, hh)
            if after.outstanding_fen > 0 and hh.status == S.PAID.value:
                self._set_status(s, hh, S.SIGNED, now)
                after = replace(after, status=S.SIGNED.value)
            return after

    # --- milestones ------------------------------------------------------------------------

    def record_milestone(
        self,
        household_id: uuid.UUID,
        kind: str | MilestoneKind,
        happened_on: date,
        note: str = "",
        *,
        today: date | None = None,
    ) -> None:
        """腾房, 交钥匙, 拆除 — in that order, and only once the agreement (or the compensation
        decision) is paid in full (payments and deposits together)."""
        op = self._require_operator(Action.RECORD_MILESTONE)
        kind = milestone_input(kind, happened_on, today or project_today(self._db))
        with self._db.session(immediate=True) as s, s.begin():
            hh = self._household(s, household_id)
            self._require(Action.RECORD_MILESTONE, hh)
            check_milestone(s, hh, kind, happened_on)
            note = note.strip()
            now = utcnow()
            row = m.Milestone(
                id=uuid.uuid4(), household_id=hh.id, kind=kind.value, happened_on=happened_on,
                note=note, created_at=now, created_by=op.id,
            )  # fmt: skip
            s.add(row)
            s.flush()
            self._audit(
                s, now, "create", "milestone", row.id, hh.id,
                after={"kind": kind.value, "happened_on": happened_on.isoformat(), "note": note},
                note=hh.code, seal=seal_record(s, row),
            )  # fmt: skip
            target = {MilestoneKind.VACATED: S.VACATED, MilestoneKind.DEMOLISHED: S.DEMOLISHED}.get(
                kind
            )
            # A decision household keeps its status (see the module docstring).
            if (
                target is not None
                and hh.status != S.DECISION.value
                and S(hh.status).rank < target.rank
            ):
                self._set_status(s, hh, target, now)

    def milestone_refusal(
        self,
        household_id: uuid.UUID,
        kind: str | MilestoneKind,
        happened_on: date,
        *,
        today: date | None = None,
    ) -> str | None:
        """Why :meth:`record_milestone` would refuse now (None: it would not). Writes nothing."""
        try:
            self._require_operator(Action.RECORD_MILESTONE)
            kind = milestone_input(kind, happened_on, today or project_today(self._db))
            with self._db.session() as s:
                hh = self._household(s, household_id)
                self._require(Action.RECORD_MILESTONE, hh)
                check_milestone(s, hh, kind, happened_on)
        except (PaymentError, PermissionDenied) as exc:
            return exc.message
        return None

    # --- helpers ---------------------------------------------------------------------------

    def _require_operator(self, action: Action = Action.RECORD_PAYMENT) -> OperatorRef:
        if self._operator is None:
            require(None, action)  # nobody signed in: refused, saying so
        assert self._operator is not None
        return self._operator

    def _require(self, action: Action, hh: m.Household) -> None:
        """The permission check of every use case here: on the household's team."""
        require(self._operator, action, hh.team_id)

    def _household(self, s: Session, household_id: uuid.UUID) -> m.Household:
        hh = s.get(m.Household, household_id)
        if hh is None:
            raise PaymentError(_("找不到该户，可能已被删除"))
        return hh

    def _set_status(
        self, s: Session, hh: m.Household, status: HouseholdStatus, now: datetime
    ) -> None:
        old = hh.status
        table: Any = m.Household.__table__  # no version bump: not an edit of the data
        s.execute(
            update(table)
            .where(table.c.id == hh.id)
            .values(status=status.value, status_changed_at=now)
        )
        s.expire(hh, ["status", "status_changed_at"])
        self._audit(
            s, now, "status", "household", hh.id, hh.id,
            before={"status": old}, after={"status": status.value}, note=hh.code,
        )  # fmt: skip

    def _audit(
        self, s: Session, at: datetime, action: str, entity: str, entity_id: uuid.UUID,
        household_id: uuid.UUID | None, *, before: Any = None, after: Any = None, note: str = "",
        seal: str = "",
    ) -> None:  # fmt: skip
        op = self._operator
        s.add(
            m.AuditLog(
                id=uuid.uuid4(), at=at, operator_id=op.id if op else None,
                operator_login=op.login if op else "", action=action, entity=entity,
                entity_id=str(entity_id), household_id=household_id, before=before, after=after,
                note=note, seal=seal,
            )
        )  # fmt: skip


def _payee(hh: m.Household) -> str:
    return hh.account_holder or hh.head_name


def _payment_json(p: m.Payment) -> dict[str, Any]:
    return {
        "kind": p.kind, "amount_fen": p.amount_fen, "paid_on": p.paid_on.isoformat(),
        "payee": p.payee, "method": p.method, "voucher_no": p.voucher_no,
        "agreement_id": str(p.agreement_id) if p.agreement_id else None,
        "decision_id": str(p.decision_id) if p.decision_id else None,
    }  # fmt: skip
