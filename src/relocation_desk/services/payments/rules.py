"""The rules a payment, a reversal's voucher and a milestone must pass (DOMAIN rule 6): each
check raises :class:`PaymentError` with a message that says what is wrong and what to do.
They run inside the recording transaction, and alone (``*_refusal``) so a dialog can say why
before it asks for confirmation."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...domain import limits
from ...domain.status import HouseholdStatus, MilestoneKind
from ...i18n import _
from ...storage import models as m
from .balance import (
    KINDS,
    METHODS,
    MILESTONE_ORDER,
    PaymentError,
    agreement_in_force,
    balance_text,
    decision_of,
    fmt_yuan,
    household_balance,
    milestone_label,
)

S = HouseholdStatus
_PAYEE_MAX, _VOUCHER_MAX = 100, 40


def check_payment_input(
    amount_fen: int, paid_on: date, method: str, kind: str, payee: str, voucher_no: str,
    today: date,
) -> None:  # fmt: skip
    if kind not in KINDS:
        raise PaymentError(_("款项类别只能是“支付”或“提存”"))
    if method not in METHODS:
        raise PaymentError(_("支付方式只能是转账、现金或支票"))
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen <= 0:
        raise PaymentError(_("金额必须大于零；冲正错误的支付请用“冲正”"))
    if paid_on > today:
        raise PaymentError(
            _("支付日期 {date} 晚于今天，不能预先登记；请在实际支付后登记", date=paid_on.isoformat())
        )  # fmt: skip
    try:
        limits.check_amount(amount_fen)
        limits.check_date(paid_on, _("支付日期"))
    except limits.LimitError as exc:
        raise PaymentError(exc.reason) from None
    check_lengths(payee, voucher_no)


def check_payment(
    s: Session, hh: m.Household, amount_fen: int, paid_on: date, voucher_no: str
) -> tuple[m.Agreement | None, m.CompensationDecision | None]:
    """What only the database can tell; returns what the payment goes against: the signed
    agreement in force or, for a holdout without one, its compensation decision."""
    agreement = agreement_in_force(s, hh.id)
    decision = decision_of(s, hh.id) if agreement is None else None
    if agreement is None and decision is None:
        raise PaymentError(
            _("{code} 还没有签订补偿协议，也没有补偿决定，不能登记支付；请先签约", code=hh.code)
        )
    if agreement is not None and agreement.signed_on is not None and paid_on < agreement.signed_on:
        raise PaymentError(
            _(
                "支付日期 {date} 早于协议签订日期 {signed}；请核对日期",
                date=paid_on.isoformat(), signed=agreement.signed_on.isoformat(),
            )
        )  # fmt: skip
    if decision is not None and paid_on < decision.decided_on:
        raise PaymentError(
            _(
                "支付日期 {date} 早于补偿决定日期 {decided}；请核对日期",
                date=paid_on.isoformat(), decided=decision.decided_on.isoformat(),
            )
        )  # fmt: skip
    before = household_balance(s, hh)
    if amount_fen > before.outstanding_fen:
        if before.outstanding_fen <= 0:
            raise PaymentError(
                _("{code} 的补偿款已经付清（{balance}），不能再登记", code=hh.code, balance=balance_text(before))
            )  # fmt: skip
        raise PaymentError(
            _(
                "金额 {amount} 元超过尚欠金额 {left} 元（{balance}）；请核对金额",
                amount=fmt_yuan(amount_fen), left=fmt_yuan(before.outstanding_fen),
                balance=balance_text(before),
            )
        )  # fmt: skip
    check_voucher(s, hh.project_id, voucher_no)
    return agreement, decision


def check_lengths(payee: str, voucher_no: str) -> None:
    if len(payee) > _PAYEE_MAX:
        raise PaymentError(_("收款人不能超过 {n} 个字", n=_PAYEE_MAX))
    if len(voucher_no) > _VOUCHER_MAX:
        raise PaymentError(_("凭证号不能超过 {n} 个字符", n=_VOUCHER_MAX))


def check_voucher(s: Session, project_id: uuid.UUID, voucher_no: str) -> None:
    if not voucher_no:
        return
    clash = s.execute(
        select(m.Household.code)
        .join(m.Payment, m.Payment.household_id == m.Household.id)
        .where(m.Household.project_id == project_id, m.Payment.voucher_no == voucher_no)
        .limit(1)
    ).scalar()
    if clash is not None:
        raise PaymentError(
            _("凭证号 {voucher} 已用于 {code} 的一笔支付；凭证号不能重复，请核对", voucher=voucher_no, code=clash)
        )  # fmt: skip


def milestone_input(kind: str | MilestoneKind, happened_on: date, today: date) -> MilestoneKind:
    try:
        kind = MilestoneKind(kind)
    except ValueError:
        raise PaymentError(_("未知的节点：{kind}", kind=kind)) from None
    if happened_on > today:
        raise PaymentError(
            _("{what}日期 {date} 晚于今天；请在实际发生后登记", what=milestone_label(kind.value), date=happened_on.isoformat())
        )  # fmt: skip
    try:
        limits.check_date(happened_on, _("{what}日期", what=milestone_label(kind.value)))
    except limits.LimitError as exc:
        raise PaymentError(exc.reason) from None
    return kind


def check_milestone(s: Session, hh: m.Household, kind: MilestoneKind, happened_on: date) -> None:
    """Paid in full (or deposited), after the payment, in order, once."""
    label = milestone_label(kind.value)
    b = household_balance(s, hh)
    if not b.has_basis:
        raise PaymentError(
            _("{code} 还没有签订补偿协议，也没有支付或提存，不能登记{what}", code=hh.code, what=label)
        )  # fmt: skip
    if b.outstanding_fen > 0:
        raise PaymentError(
            _(
                "{code} 补偿款未付清，不能登记{what}：{balance}。请先登记支付或提存",
                code=hh.code, what=label, balance=balance_text(b),
            )
        )  # fmt: skip
    first_paid = s.scalar(
        select(func.min(m.Payment.paid_on)).where(
            m.Payment.household_id == hh.id, m.Payment.amount_fen > 0
        )
    )
    if first_paid is not None and happened_on < first_paid:
        raise PaymentError(
            _(
                "{what}日期 {date} 早于支付（提存）日期 {paid}；先支付后{what}，请核对日期",
                what=label, date=happened_on.isoformat(), paid=first_paid.isoformat(),
            )
        )  # fmt: skip
    existing = {ms.kind: ms for ms in milestones_of(s, hh.id)}
    if kind.value in existing:
        raise PaymentError(
            _(
                "{code} 已于 {date} 登记过{what}",
                code=hh.code, date=existing[kind.value].happened_on.isoformat(), what=label,
            )
        )  # fmt: skip
    index = MILESTONE_ORDER.index(kind)
    if index > 0:
        missing = [k for k in MILESTONE_ORDER[:index] if k.value not in existing]
        prev = missing[0] if missing else MILESTONE_ORDER[index - 1]
        if missing:
            raise PaymentError(
                _(
                    "请先登记{prev}，再登记{what}（顺序：腾房 → 交钥匙 → 拆除）",
                    prev=milestone_label(prev.value), what=label,
                )
            )  # fmt: skip
        if happened_on < existing[prev.value].happened_on:
            raise PaymentError(
                _(
                    "{what}日期 {date} 早于{prev}日期 {prev_date}；请核对日期",
                    what=label, date=happened_on.isoformat(),
                    prev=milestone_label(prev.value),
                    prev_date=existing[prev.value].happened_on.isoformat(),
                )
            )  # fmt: skip


def milestones_of(s: Session, household_id: uuid.UUID) -> list[m.Milestone]:
    return list(s.scalars(select(m.Milestone).where(m.Milestone.household_id == household_id)))
