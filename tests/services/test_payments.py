"""Payments, deposits, reversals, milestones and compensation decisions (DOMAIN rule 6)."""

from __future__ import annotations

import shutil
import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from relocation_desk.services.errors import PermissionDenied
from relocation_desk.services.households.service import HouseholdService, OperatorRef
from relocation_desk.services.payments.holdouts import HoldoutService
from relocation_desk.services.payments.service import PaymentError, PaymentService
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database, open_database

from .payment_org import SIGNED_ON, make_payment_org, sign, status_of

TODAY = date(2026, 4, 20)
TOTAL = 10_000_000  # 100,000.00 元


@pytest.fixture
def org(db: Database):  # type: ignore[no-untyped-def]
    return make_payment_org(db)


def test_partial_payments_and_balance(db: Database, org) -> None:  # type: ignore[no-untyped-def]
    hid = org.households[0]
    sign(db, hid, TOTAL)
    pay = PaymentService(db, org.clerk)
    b = pay.record_payment(hid, 7_000_000, date(2026, 3, 12), voucher_no="ZF-1", today=TODAY)
    assert (b.due_fen, b.paid_fen, b.deposited_fen, b.outstanding_fen) == (
        TOTAL, 7_000_000, 0, 3_000_000,
    )  # fmt: skip
    assert status_of(db, hid) == "signed"
    b = pay.record_payment(hid, 3_000_000, date(2026, 3, 20), method="cheque", today=TODAY)
    assert b.outstanding_fen == 0 and b.settled
    assert status_of(db, hid) == "paid"
    case = pay.case(hid)
    assert [p.amount_fen for p in case.payments] == [7_000_000, 3_000_000]
    # The payee defaults to the account holder (household 1 has none: the head).
    assert {p.payee for p in case.payments} == {case.default_payee}
    assert case.default_payee == "王建国"
    with db.session() as s:
        actions = s.execute(
            select(m.AuditLog.entity, m.AuditLog.action, m.AuditLog.after).where(
                m.AuditLog.household_id == hid
            )
        ).all()
    assert sum(1 for e, a, _x in actions if (e, a) == ("payment", "create")) == 2
    assert ("household", "status", {"status": "paid"}) in actions


def test_overpayment_refused_and_says_the_balance(db: Database, org) -> None:  # type: ignore[no-untyped-def]
    hid = org.households[0]
    sign(db, hid, TOTAL)
    pay = PaymentService(db, org.clerk)
    pay.record_payment(hid, 4_000_000, date(2026, 3, 12), today=TODAY)
    with pytest.raises(PaymentError) as err:
        pay.record_payment(hid, 6_000_001, date(2026, 3, 13), today=TODAY)
    assert "60,000.00" in err.value.message and "超过尚欠金额" in err.value.message
    refusal = pay.payment_refusal(hid, 6_000_001, date(2026, 3, 13), today=TODAY)
    assert refusal == err.value.message
    assert pay.payment_refusal(hid, 6_000_000, date(2026, 3, 13), today=TODAY) is None
    assert pay.balance(hid).paid_fen == 4_000_000


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"amount_fen": 0}, "大于零"),
        ({"amount_fen": -5}, "大于零"),
        ({"paid_on": date(2026, 4, 21)}, "晚于今天"),
        ({"paid_on": date(2026, 3, 9)}, "早于协议签订日期"),
        ({"method": "bitcoin"}, "支付方式"),
        ({"kind": "gift"}, "款项类别"),
    ],
)
def test_bad_payments_refused(db: Database, org, kwargs, words) -> None:  # type: ignore[no-untyped-def]
    hid = org.households[0]
    sign(db, hid, TOTAL)
    args = {"amount_fen": 100, "paid_on": date(2026, 3, 12)} | kwargs
    with pytest.raises(PaymentError, match=words):
        PaymentService(db, org.clerk).record_payment(
            hid, args.pop("amount_fen"), args.pop("paid_on"), today=TODAY, **args
        )


def test_unsigned_household_cannot_be_paid(db: Database, org) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PaymentError, match="还没有签订补偿协议"):
        PaymentService(db, org.clerk).record_payment(
            org.households[1], 100, date(2026, 3, 12), today=TODAY
        )


def test_voucher_unique_per_project(db: Database, org) -> None:  # type: ignore[no-untyped-def]
    a, b = org.households[:2]
    sign(db, a, TOTAL)
    sign(db, b, TOTAL)
    pay = PaymentService(db, org.clerk)
    pay.record_payment(a, 100, date(2026, 3, 12), voucher_no="ZF-0001", today=TODAY)
    with pytest.raises(PaymentError, match=r"ZF-0001.*T07-0001"):
        pay.record_payment(b, 100, date(2026, 3, 12), voucher_no=" ZF-0001 ", today=TODAY)


def test_milestone_refused_before_payment(db: Database, org) -> None:  # type: ignore[no-untyped-def]
    hid = org.households[0]
    pay = PaymentService(db, org.clerk)
    with pytest.raises(PaymentError, match="还没有签订补偿协议"):
        pay.record_milestone(hid, "vacated", date(2026, 3, 15), today=TODAY)
    sign(db, hid, TOTAL)
    with pytest.raises(PaymentError) as err:
        pay.record_milestone(hid, "vacated", date(2026, 3, 15), today=TODAY)
    assert "未付清" in err.value.message and "尚欠 100,000.00 元" in err.value.message
    # The same answer without writing, for a dialog to show before it asks for confirmation.
    assert (
        pay.milestone_refusal(hid, "vacated", date(2026, 3, 15), today=TODAY) == err.value.message
    )
    pay.record_payment(hid, 9_000_000, date(2026, 3, 12), today=TODAY)
    with pytest.raises(PaymentError, match=r"尚欠 10,000\.00 元"):
        pay.record_milestone(hid, "vacated", date(2026, 3, 15), today=TODAY)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(m.Milestone)) == 0
    assert status_of(db, hid) == "signed"


def test_milestones_allowed_after_deposit_in_order(db: Database, org) -> None:  # type: ignore[no-untyped-def]
    hid = org.households[0]
    sign(db, hid, TOTAL)
    pay = PaymentService(db, org.clerk)
    pay.record_payment(hid, TOTAL, date(2026, 3, 14), kind="deposit", today=TODAY)
    assert status_of(db, hid) == "paid"
    assert pay.balance(hid).deposited_fen == TOTAL
    with pytest.raises(PaymentError, match="早于支付"):
        pay.record_milestone(hid, "vacated", date(2026, 3, 13), today=TODAY)
    with pytest.raises(PaymentError, match="请先登记腾房"):
        pay.record_milestone(hid, "keys", date(2026, 3, 15), today=TODAY)
    with pytest.raises(PaymentError, match="请先登记腾房"):
        pay.record_milestone(hid, "demolished", date(2026, 3, 15), today=TODAY)
    pay.record_milestone(hid, "vacated", date(2026, 3, 16), "全家已搬离", today=TODAY)
    assert status_of(db, hid) == "vacated"
    with pytest.raises(PaymentError, match="已于 2026-03-16 登记过腾房"):
        pay.record_milestone(hid, "vacated", date(2026, 3, 17), today=TODAY)
    with pytest.raises(PaymentError, match="请先登记交钥匙"):
        pay.record_milestone(hid, "demolished", date(2026, 3, 18), today=TODAY)
    with pytest.raises(PaymentError, match="早于腾房日期"):
        pay.record_milestone(hid, "keys", date(2026, 3, 15), today=TODAY)
    pay.record_milestone(hid, "keys", date(2026, 3, 16), today=TODAY)
    assert status_of(db, hid) == "vacated"
    pay.record_milestone(hid, "demolished", date(2026, 3, 20), today=TODAY)
    assert status_of(db, hid) == "demolished"
    case = pay.case(hid)
    assert [ms.kind for ms in case.milestones] == ["vacated", "keys", "demolished"]
    assert case.next_milestone is None


def test_reversal_is_a_recorded_negative_entry(db: Database, org) -> None:  # type: ignore[no-untyped-def]
    hid = org.households[0]
    sign(db, hid, TOTAL)
    pay = PaymentService(db, org.clerk)
    pay.record_payment(hid, TOTAL, date(2026, 3, 12), voucher_no="ZF-9", today=TODAY)
    assert status_of(db, hid) == "paid"
    wrong = pay.case(hid).payments[0]
    with pytest.raises(PaymentError, match="写明原因"):
        pay.reverse_payment(wrong.id, "  ", today=TODAY)
    b = pay.reverse_payment(wrong.id, "金额录错，应为分两期支付", on=date(2026, 3, 13), today=TODAY)
    assert b.paid_fen == 0 and b.outstanding_fen == TOTAL
    assert status_of(db, hid) == "signed"
    case = pay.case(hid)
    original, reversal = case.payments
    assert original.amount_fen == TOTAL and original.reversed_by == reversal.id
    assert reversal.amount_fen == -TOTAL and reversal.reverses == original.id
    assert reversal.reason == "金额录错，应为分两期支付"
    with pytest.raises(PaymentError, match="已经冲正过了"):
        pay.reverse_payment(original.id, "再来一次", today=TODAY)
    with pytest.raises(PaymentError, match="冲正记录"):
        pay.reverse_payment(reversal.id, "反冲", today=TODAY)
    # Someone else (not HQ) may not reverse it.
    other = OperatorRef(uuid.uuid4(), "li", "李四", "member", org.clerk.team_id)
    pay.record_payment(hid, 100, date(2026, 3, 14), today=TODAY)
    with pytest.raises(PermissionDenied, match="指挥部"):
        PaymentService(db, other).reverse_payment(pay.case(hid).payments[-1].id, "x", today=TODAY)
    # The reversed entry keeps its voucher number: it cannot be used again.
    with pytest.raises(PaymentError, match="ZF-9"):
        pay.record_payment(hid, 100, date(2026, 3, 14), voucher_no="ZF-9", today=TODAY)
    with db.session() as s:  # nothing was deleted
        assert s.scalar(select(func.count()).select_from(m.Payment)) == 3
    # The household's history tells the story once, in words.
    history = HouseholdService(db, org.clerk).history(hid)
    titles = [e.title for e in history]
    assert "冲正 100,000.00 元" in titles and "状态：已支付 → 已签约" in titles
    reversal = next(e for e in history if e.title == "冲正 100,000.00 元")
    assert "冲正原因：金额录错，应为分两期支付" in reversal.details
    assert not [e for e in history if e.kind == "audit" and "payment" in e.title]


def test_supplementary_agreement_sets_the_new_total(db: Database, org) -> None:  # type: ignore[no-untyped-def]
    hid = org.households[0]
    sign(db, hid, TOTAL)
    pay = PaymentService(db, org.clerk)
    pay.record_payment(hid, TOTAL, date(2026, 3, 12), today=TODAY)
    sign(db, hid, TOTAL + 500_000, kind="supplementary", signed_on=date(2026, 3, 20))
    b = pay.balance(hid)
    assert b.due_fen == TOTAL + 500_000 and b.outstanding_fen == 500_000
    assert b.agreement_number.endswith("第00002号")
    pay.record_payment(hid, 500_000, date(2026, 3, 21), today=TODAY)
    assert pay.balance(hid).outstanding_fen == 0


def test_no_operator_refused(db: Database, org) -> None:  # type: ignore[no-untyped-def]
    hid = org.households[0]
    sign(db, hid, TOTAL)
    with pytest.raises(PermissionDenied, match="登记支付需要先登录"):
        PaymentService(db, None).record_payment(hid, 100, SIGNED_ON, today=TODAY)


# --- holdouts and decisions ------------------------------------------------------------------


def test_decision_only_after_deadline_for_unsigned(db: Database, org) -> None:  # type: ignore[no-untyped-def]
    signed, holdout, plain = org.households[:3]
    sign(db, signed, TOTAL)
    service = HoldoutService(db, org.hq)
    assert service.holdouts(today=date(2026, 3, 31)) == []  # the deadline day itself
    rows = service.holdouts(today=TODAY)
    assert [r.code for r in rows] == ["T07-0002", "T07-0003", "T07-0004", "T07-0005"]
    assert all(r.ready for r in rows)
    with pytest.raises(PaymentError, match="期限届满后"):
        service.record_decision(holdout, date(2026, 3, 31), today=TODAY)
    with pytest.raises(PaymentError, match="已签订补偿协议"):
        service.record_decision(signed, date(2026, 4, 2), today=TODAY)
    with pytest.raises(PermissionDenied, match="指挥部"):
        HoldoutService(db, org.clerk).record_decision(holdout, date(2026, 4, 2), today=TODAY)
    d = service.record_decision(holdout, date(2026, 4, 2), today=TODAY)
    assert d.number == "清政征补决〔2026〕第001号"
    assert status_of(db, holdout) == "decision"
    with db.session() as s:
        row = s.scalar(select(m.CompensationDecision))
        calc = s.scalar(select(m.Calculation).where(m.Calculation.household_id == holdout))
        assert row is not None and calc is not None
        assert row.total_fen == calc.total_fen == d.total_fen
        assert [ln["item_code"] for ln in row.content["lines"]] == ["H", "MOVE", "HARDSHIP"]
        assert row.content["amount"]["upper"].startswith("人民币")
    with pytest.raises(PaymentError, match="已有补偿决定"):
        service.record_decision(holdout, date(2026, 4, 3), today=TODAY)
    with pytest.raises(PaymentError, match="不能重复"):
        service.record_decision(plain, date(2026, 4, 3), d.number, today=TODAY)
    assert service.record_decision(plain, date(2026, 4, 3), today=TODAY).number.endswith("002号")
    assert [r.code for r in service.holdouts(today=TODAY)] == ["T07-0004", "T07-0005"]
    assert [x.number[-4:] for x in service.decisions()] == ["001号", "002号"]
    # A decision household cannot be vacated without a payment: the decision's total is due.
    with pytest.raises(PaymentError, match=r"未付清.*决定金额"):
        PaymentService(db, org.clerk).record_milestone(holdout, "vacated", TODAY, today=TODAY)


def test_decision_household_deposit_then_milestones(db: Database, org) -> None:  # type: ignore[no-untyped-def]
    holdout = org.households[1]
    d = HoldoutService(db, org.hq).record_decision(holdout, date(2026, 4, 2), today=TODAY)
    pay = PaymentService(db, org.clerk)
    b = pay.balance(holdout)
    assert (b.agreement_id, b.decision_number, b.due_fen) == (None, d.number, d.total_fen)
    assert b.basis_number == d.number and b.basis_date == date(2026, 4, 2)
    assert b.outstanding_fen == d.total_fen > 0 and not b.settled
    with pytest.raises(PaymentError, match="早于补偿决定日期 2026-04-02"):
        pay.record_payment(holdout, 100, date(2026, 4, 1), kind="deposit", today=TODAY)
    with pytest.raises(PaymentError, match="超过尚欠金额") as err:
        pay.record_payment(holdout, d.total_fen + 1, date(2026, 4, 3), kind="deposit", today=TODAY)
    assert "决定金额" in err.value.message
    b = pay.record_payment(
        holdout, d.total_fen, date(2026, 4, 3), kind="deposit", voucher_no="TC-1", today=TODAY
    )
    assert b.deposited_fen == d.total_fen and b.outstanding_fen == 0 and b.settled
    with pytest.raises(PaymentError, match="已经付清"):
        pay.record_payment(holdout, 1, date(2026, 4, 3), today=TODAY)
    with db.session() as s:
        row = s.scalars(select(m.Payment).where(m.Payment.household_id == holdout)).one()
        assert (row.agreement_id, row.decision_id, row.kind) == (None, d.id, "deposit")
    # The household stays a decision household (it never signed); the milestones follow.
    assert status_of(db, holdout) == "decision"
    with pytest.raises(PaymentError, match="早于支付"):
        pay.record_milestone(holdout, "vacated", date(2026, 4, 2), today=TODAY)
    pay.record_milestone(holdout, "vacated", date(2026, 4, 10), "依法强制腾退", today=TODAY)
    pay.record_milestone(holdout, "keys", date(2026, 4, 10), today=TODAY)
    pay.record_milestone(holdout, "demolished", date(2026, 4, 15), today=TODAY)
    assert status_of(db, holdout) == "decision"
    case = pay.case(holdout)
    assert [ms.kind for ms in case.milestones] == ["vacated", "keys", "demolished"]
    assert [p.basis_number for p in case.payments] == [d.number]
    # A reversal under a decision keeps the basis, and reopens the balance.
    b = pay.reverse_payment(case.payments[0].id, "提存凭证作废", today=TODAY)
    assert b.outstanding_fen == d.total_fen
    with db.session() as s:
        rev = s.scalars(select(m.Payment).where(m.Payment.amount_fen < 0)).one()
        assert (rev.decision_id, rev.agreement_id, rev.reverses_id) == (d.id, None, row.id)
    assert status_of(db, holdout) == "decision"


def test_reversal_columns_and_audit_row(db: Database, org) -> None:  # type: ignore[no-untyped-def]
    hid = org.households[0]
    sign(db, hid, TOTAL)
    pay = PaymentService(db, org.clerk)
    pay.record_payment(hid, 4_000_000, date(2026, 3, 12), today=TODAY)
    original = pay.case(hid).payments[0]
    pay.reverse_payment(original.id, "  收款人录错 ", on=date(2026, 3, 13), today=TODAY)
    with db.session() as s:
        rev = s.scalars(select(m.Payment).where(m.Payment.reverses_id == original.id)).one()
        assert (rev.amount_fen, rev.note, rev.paid_on) == (
            -4_000_000,
            "收款人录错",
            date(2026, 3, 13),
        )
        assert rev.agreement_id is not None and rev.decision_id is None
        audit = s.scalars(
            select(m.AuditLog).where(m.AuditLog.action == "reverse", m.AuditLog.entity == "payment")
        ).one()
        assert audit.entity_id == str(rev.id)
        assert audit.after["reverses"] == str(original.id) and audit.after["reason"] == "收款人录错"
        # Even without the service's check, the schema allows one reversal per entry.
        s.add(
            m.Payment(
                agreement_id=rev.agreement_id, household_id=hid, kind="payment",
                amount_fen=-4_000_000, paid_on=date(2026, 3, 14), payee="x", method="cash",
                reverses_id=original.id,
            )
        )  # fmt: skip
        with pytest.raises(IntegrityError):
            s.flush()


def test_decision_needs_a_checked_calculation_and_a_deadline(db: Database) -> None:
    org = make_payment_org(db, 2, deadline=None)
    service = HoldoutService(db, org.hq)
    assert service.holdouts(today=TODAY) == []
    with pytest.raises(PaymentError, match="签约期限"):
        service.record_decision(org.households[0], TODAY, today=TODAY)
    with db.session() as s, s.begin():
        hh = s.get(m.Household, org.households[0])
        assert hh is not None
        hh.deadline = date(2026, 4, 1)  # the household's own deadline stands in
        calc = s.scalar(select(m.Calculation).where(m.Calculation.household_id == hh.id))
        assert calc is not None
        calc.status = "computed"
    rows = service.holdouts(today=TODAY)
    assert [(r.code, r.ready) for r in rows] == [("T07-0001", False)]
    with pytest.raises(PaymentError, match="复核"):
        service.record_decision(org.households[0], TODAY, today=TODAY)


def test_demo_copy_agrees_with_the_service(demo_db_path: Path, tmp_path: Path) -> None:
    """The demo's paid households have nothing outstanding; its signed ones can be paid."""
    path = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_db_path, path)
    db = open_database(path)
    try:
        with db.session() as s:
            hq = (
                s.execute(
                    select(m.Operator).where(m.Operator.role == "hq").order_by(m.Operator.login)
                )
                .scalars()
                .first()
            )
            assert hq is not None
            op = OperatorRef(hq.id, hq.login, hq.name, hq.role, hq.team_id)
            rows = s.execute(select(m.Household.id, m.Household.status)).all()
        pay = PaymentService(db, op)
        by_status: dict[str, list] = {}
        for hid, status in rows:
            by_status.setdefault(status, []).append(hid)
        for status in ("paid", "vacated", "demolished"):
            for hid in by_status.get(status, []):
                assert pay.balance(hid).outstanding_fen == 0, status
        signed = by_status["signed"][0]
        b = pay.balance(signed)
        assert b.paid_fen == 0 and b.due_fen > 0
        with pytest.raises(PaymentError, match="未付清"):
            pay.record_milestone(signed, "vacated", date(2026, 11, 23), today=date(2026, 11, 23))
        pay.record_payment(signed, b.due_fen, date(2026, 11, 23), today=date(2026, 11, 23))
        pay.record_milestone(signed, "vacated", date(2026, 11, 23), today=date(2026, 11, 23))
        assert status_of(db, signed) == "vacated"
        holdouts = HoldoutService(db, op).holdouts(today=date(2026, 11, 23))
        assert holdouts and all(h.status != "signed" for h in holdouts)
        ready = next(h for h in holdouts if h.ready)
        d = HoldoutService(db, op).record_decision(
            ready.household_id, date(2026, 11, 23), today=date(2026, 11, 23)
        )
        assert d.number.startswith("清政征补决〔2026〕")
    finally:
        db.close()
