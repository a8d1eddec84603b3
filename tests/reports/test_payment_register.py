"""The payment register workbook read back: numbers are numbers, codes are text, totals add up."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from relocation_desk.reports.payment_register import write_payment_register
from relocation_desk.services.households.service import OperatorRef
from relocation_desk.services.payments.register import export_payment_register
from relocation_desk.services.payments.service import PaymentService
from relocation_desk.storage import models as m
from relocation_desk.storage.db import open_database

TODAY = date(2026, 11, 23)


def _yuan(value: object) -> Decimal:
    assert isinstance(value, int | float), value
    return Decimal(str(value)).quantize(Decimal("0.01"))


def test_register_workbook(demo_db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "d.sqlite"
    shutil.copyfile(demo_db_path, path)
    db = open_database(path)
    try:
        with db.session() as s:
            hq = s.scalars(select(m.Operator).where(m.Operator.role == "hq")).first()
            assert hq is not None
            op = OperatorRef(hq.id, hq.login, hq.name, hq.role, hq.team_id)
            signed = s.scalars(
                select(m.Household.id)
                .where(m.Household.status == "signed")
                .order_by(m.Household.code)
            ).first()
            assert signed is not None
            decided = s.execute(
                select(m.CompensationDecision.household_id, m.CompensationDecision.number)
                .order_by(m.CompensationDecision.number)
                .limit(1)
            ).one()
        pay = PaymentService(db, op)
        due = pay.balance(signed).due_fen
        pay.record_payment(signed, 1_000_000, TODAY, voucher_no="00123", method="cash", today=TODAY)
        wrong = pay.case(signed).payments[0].id
        pay.reverse_payment(wrong, "现金改为转账", today=TODAY)
        pay.record_payment(signed, 1_000_000, TODAY, voucher_no="00124", today=TODAY)
        # A holdout's deposit under its compensation decision (提存).
        pay.record_payment(decided[0], 500_000, TODAY, kind="deposit", today=TODAY)
        decision_due = pay.balance(decided[0]).due_fen
        out = tmp_path / "register.xlsx"
        reg = export_payment_register(db, out, write_payment_register, operator=op)
        with db.session() as s:
            n_payments = len(s.scalars(select(m.Payment.id)).all())
            exports = s.scalars(select(m.AuditLog).where(m.AuditLog.action == "export")).all()
    finally:
        db.close()
    assert len(exports) == 1 and exports[0].operator_id == op.id
    assert exports[0].after["file"] == str(out)
    wb = load_workbook(out)
    assert wb.sheetnames == ["支付明细", "结余", "补偿决定"]

    ws = wb["支付明细"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:K{n_payments + 1}"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    header = [c.value for c in ws[1]]
    assert header[:6] == ["户编号", "户主", "工作组", "协议或决定编号", "类别", "金额（元）"]
    rows = list(ws.iter_rows(min_row=2, max_row=n_payments + 1))
    for row in rows:
        assert row[0].data_type == "s" and row[0].number_format == "@"
        assert row[5].data_type == "n" and row[5].number_format == "#,##0.00"
        assert row[6].is_date
    by_voucher = {r[9].value: r for r in rows}
    assert by_voucher["00123"][9].data_type == "s"  # leading zeros kept
    assert by_voucher["00123"][10].value == "已冲正"
    deposit = next(r for r in rows if r[4].value == "提存" and r[3].value == decided[1])
    assert _yuan(deposit[5].value) == Decimal("5000.00")
    reversal = next(r for r in rows if r[4].value == "冲正")
    assert _yuan(reversal[5].value) == Decimal("-10000.00") and reversal[10].value == "现金改为转账"
    total = ws.cell(n_payments + 2, 6).value
    assert ws.cell(n_payments + 2, 1).value.startswith("合计")
    assert _yuan(total) == sum(_yuan(r[5].value) for r in rows)
    assert _yuan(total) == sum(Decimal(p.amount_fen) / 100 for p in reg.payments)

    ws = wb["结余"]
    n = len(reg.balances)
    rows = list(ws.iter_rows(min_row=2, max_row=n + 1))
    mine = next(
        r
        for r in rows
        if r[0].value == next(b.code for b, _t, _s in reg.balances if b.household_id == signed)
    )
    assert _yuan(mine[6].value) == Decimal(due) / 100
    assert _yuan(mine[7].value) == Decimal("10000.00")
    assert _yuan(mine[9].value) == Decimal(due - 1_000_000) / 100
    assert mine[4].value == "已签约"
    holdout = next(r for r in rows if r[3].value == decided[1])
    assert holdout[4].value == "补偿决定" and holdout[5].is_date
    assert _yuan(holdout[6].value) == Decimal(decision_due) / 100
    assert _yuan(holdout[8].value) == Decimal("5000.00")
    assert all(r[2].value for r in rows)  # the team of every household
    for col in (6, 7, 8, 9):
        assert _yuan(ws.cell(n + 2, col + 1).value) == sum(_yuan(r[col].value) for r in rows)
    owing = sum(1 for b, _t, _s in reg.balances if b.outstanding_fen > 0)
    assert ws.cell(n + 2, 5).value == f"未付清 {owing} 户"

    ws = wb["补偿决定"]
    d = len(reg.decisions)
    assert d > 0
    assert ws.cell(2, 1).value.startswith("清政征补决") and ws.cell(2, 2).is_date
    assert _yuan(ws.cell(d + 2, 7).value) == sum(
        _yuan(ws.cell(r, 7).value) for r in range(2, d + 2)
    )
