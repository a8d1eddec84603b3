"""交房结算 (多退少补): the settlement on a resettlement flat's measured area, recorded with the
hand-over as a payment entry against the agreement in force.

Representation. The difference is not money paid; it changes what is still due under the
agreement. It is booked as a payment entry of kind ``handover`` whose ``amount_fen`` is set
off against the compensation like a payment: positive when the household owes (the measured
flats are larger: it is paid that much less, or owes it back once paid in full — a negative
outstanding balance), negative when the household is refunded (the flats are smaller: that
much more is outstanding, paid out by an ordinary payment). Each hand-over books only the
change of the household's total 多退少补 over all its flats, so the entries always add up to
the settlement on the measured areas; the entry's note states the amount with its 大写.
Mistakes are corrected by a reversal like any payment.

Uses: the resettlement choices (hand-over), the payments' balance.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ...domain import money
from ...domain.status import HouseholdStatus
from ...i18n import _
from ...storage import models as m
from ...storage.base import utcnow
from ...storage.db import Database
from ..access import Action, require
from ..audit import seal_record
from ..households.service import OperatorRef
from ..resettlement.choosing import ChoiceService
from .balance import PaymentError, agreement_in_force, decision_of, household_balance
from .service import PaymentService, _payee, _payment_json

KIND = "handover"
METHOD = "settlement"


@dataclass(frozen=True)
class HandoverSettlement:
    household_id: uuid.UUID
    difference_fen: int  # the household's 多退少补 over all its flats (positive: it pays)
    entry_fen: int  # what this hand-over booked (0: nothing changed)
    outstanding_fen: int  # still to pay the household afterwards (negative: it owes)

    @property
    def text(self) -> str:
        return settlement_text(self.difference_fen)


def settlement_text(difference_fen: int) -> str:
    """``应补缴 1,234.00元（人民币壹仟贰佰叁拾肆元整）`` or ``应退还 …``: who pays whom."""
    if difference_fen == 0:
        return _("实测面积与合同面积结算无差额")
    amount = abs(difference_fen)
    fields = {"amount": money.format_fen(amount), "upper": money.to_chinese_upper(amount)}
    if difference_fen > 0:
        return _("该户应补缴 {amount}元（{upper}）", **fields)
    return _("应退还该户 {amount}元（{upper}）", **fields)


def hand_over(
    db: Database, operator: OperatorRef | None, flat_id: uuid.UUID, measured_area_dm2: int,
    on: date,
) -> HandoverSettlement:  # fmt: skip
    """Record the flat's measured area and book the change of 多退少补 (one transaction)."""
    with db.session(immediate=True) as s, s.begin():
        hid, difference = ChoiceService(db, operator).hand_over_in(s, flat_id, measured_area_dm2)
        hh = s.get(m.Household, hid)
        assert hh is not None
        if operator is not None:  # as the 选房 desk: None is the system itself
            require(operator, Action.RECORD_PAYMENT, hh.team_id)
        booked = s.scalar(
            select(func.coalesce(func.sum(m.Payment.amount_fen), 0)).where(
                m.Payment.household_id == hid, m.Payment.kind == KIND
            )
        )
        entry = difference - int(booked or 0)
        if entry:
            agreement = agreement_in_force(s, hid)
            decision = decision_of(s, hid) if agreement is None else None
            if agreement is None and decision is None:
                raise PaymentError(
                    _("{code} 还没有签订协议（也没有补偿决定），交房结算无处记账；请先签订协议再交房",
                      code=hh.code)
                )  # fmt: skip
            now = utcnow()
            row = m.Payment(
                id=uuid.uuid4(), agreement_id=agreement.id if agreement else None,
                decision_id=decision.id if decision else None, household_id=hid, kind=KIND,
                amount_fen=entry, paid_on=on, payee=_payee(hh), method=METHOD, voucher_no="",
                note=_("交房结算（多退少补）：{text}", text=settlement_text(difference)),
                created_at=now, created_by=operator.id if operator else None,
            )  # fmt: skip
            s.add(row)
            s.flush()
            s.add(
                m.AuditLog(
                    id=uuid.uuid4(), at=now, operator_id=operator.id if operator else None,
                    operator_login=operator.login if operator else "", action="create",
                    entity="payment", entity_id=str(row.id), household_id=hid,
                    after=_payment_json(row), note=hh.code, seal=seal_record(s, row),
                )
            )  # fmt: skip
            # The status follows the balance as with payments and reversals: signed ⇄ paid
            # (a household already vacated keeps its status; the balance shows what is owed).
            outstanding = household_balance(s, hh).outstanding_fen
            if outstanding <= 0 and hh.status == HouseholdStatus.SIGNED.value:
                PaymentService(db, operator)._set_status(s, hh, HouseholdStatus.PAID, now)
            elif outstanding > 0 and hh.status == HouseholdStatus.PAID.value:
                PaymentService(db, operator)._set_status(s, hh, HouseholdStatus.SIGNED, now)
        outstanding = household_balance(s, hh).outstanding_fen
    return HandoverSettlement(hid, difference, entry, outstanding)
