"""``check`` on SQLite and on PostgreSQL alike: a payment recorded by the service is sealed in
the chain, and a raw UPDATE of it is named; on PostgreSQL the SQLite checks say they were
skipped."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, text, update

from relocation_desk.services.audit import seal_unsealed
from relocation_desk.services.integrity import Part, check_database
from relocation_desk.services.payments.service import PaymentService
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database

from .payment_org import make_payment_org, sign


def test_check_names_a_changed_payment_on_either_backend(db: Database) -> None:
    org = make_payment_org(db)
    hid = org.households[0]
    sign(db, hid, 10_000_000)  # written directly, as a test helper: sealed below
    with db.engine.begin() as conn:
        assert seal_unsealed(conn) == 1
    PaymentService(db, org.clerk).record_payment(
        hid, 7_000_000, date(2026, 3, 12), voucher_no="ZF-9", today=date(2026, 4, 20)
    )
    # The test organisation's households are written without their register columns (a
    # shortcut of the helpers), so that part is left out here; tests/services/test_integrity.py
    # checks it on the demo.
    report = _sealed_parts(db)
    assert all(p.ok for p in report), [(p.title, p.problems) for p in report if not p.ok]
    first = check_database(db).parts[0]
    assert bool(first.skipped) == (not db.is_sqlite)
    with db.session() as s, s.begin():
        s.execute(
            update(m.Payment).where(m.Payment.voucher_no == "ZF-9").values(amount_fen=8_000_000)
        )
        code = s.scalar(select(m.Household.code).where(m.Household.id == hid))
    problems = [p for part in _sealed_parts(db) for p in part.problems]
    assert len(problems) == 1 and code in problems[0].where and "ZF-9" in problems[0].where
    # An edited audit row is named on PostgreSQL too (typed reads give the same text).
    with db.session() as s, s.begin():
        s.execute(text("UPDATE audit_log SET note = 'x' WHERE seq = 1"))
    problems = [p for part in _sealed_parts(db) for p in part.problems]
    assert any("第 1 条审计记录" in p.where for p in problems), problems


def _sealed_parts(db: Database) -> list[Part]:
    return [p for p in check_database(db).parts if p.title != "登记册的汇总栏目"]
