"""Exporting the full ledger: sheets, text ID numbers, formats, and the audit of the export."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from relocation_desk.cli.main import main
from relocation_desk.reports.ledger_xlsx import sheets, write_ledger
from relocation_desk.services.ledger.export import log_export, open_ledger
from relocation_desk.services.ledger.importer import analyse, apply
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database

from ..cli.test_cli import DEMO_PASSWORD, login_of
from .ledger_books import messy_ledger


def test_export_writes_every_sheet_and_logs_it(db: Database, tmp_path: Path) -> None:
    source = tmp_path / "台账.xlsx"
    messy_ledger(source)
    apply(analyse(source), db)
    out = tmp_path / "out.xlsx"
    with open_ledger(db) as rows:
        counts = write_ledger(out, rows)
    log_export(db, file_name=str(out), counts=counts)
    assert counts["户"] == 8 and counts["家庭成员"] == 10 and counts["待核实"] >= 9
    wb = load_workbook(out)
    assert wb.sheetnames == [name for name, _m, _c in sheets()]
    hh = wb["户"]
    assert hh.freeze_panes == "A2" and hh.auto_filter.ref.startswith("A1:")
    header = [c.value for c in hh[1]]
    assert header[:5] == ["户编号", "村", "村民小组", "户主姓名", "户主身份证号码"]
    first = {h: c for h, c in zip(header, hh[2], strict=True)}
    assert first["户主身份证号码"].data_type == "s" and len(first["户主身份证号码"].value) == 18
    assert first["台账补偿金额"].value == 1234567.89
    assert first["台账补偿金额"].number_format == "#,##0.00"
    assert first["合法面积"].number_format == "0.00"
    assert hh.column_dimensions["E"].width > 15
    members = wb["家庭成员"]
    assert [c.value for c in members[2]][2] == "王小明"
    with db.session() as s:
        logs = s.scalars(select(m.AuditLog).where(m.AuditLog.action == "export")).all()
    assert len(logs) == 1 and logs[0].after["户"] == 8 and str(out) in logs[0].note


def test_cli_export_of_the_demo(
    demo_db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db_path = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_db_path, db_path)
    out = tmp_path / "台账.xlsx"
    monkeypatch.setenv("RD_PASSWORD", DEMO_PASSWORD)
    hq = ["--operator", login_of(db_path, "hq")]
    assert main(["export-ledger", "--db", str(db_path), "--out", str(out), *hq]) == 0
    wb = load_workbook(out, read_only=True)
    assert sum(1 for _row in wb["户"].iter_rows(values_only=True)) == 251
    lines = list(wb["补偿"].iter_rows(min_row=2, max_row=3, values_only=True))
    assert lines[0][0] == "T01-0001" and isinstance(lines[0][10], float)
    wb.close()
    assert not out.with_name(out.name + ".partial").exists()


def test_decisions_and_their_deposits_are_in_the_ledger(
    demo_db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A holdout's 补偿决定 and the deposit made under it appear on 协议与支付."""
    import sqlite3
    from datetime import date

    from relocation_desk.services.households.service import operators
    from relocation_desk.services.payments.service import PaymentService
    from relocation_desk.storage.db import open_database

    db_path = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_db_path, db_path)
    with sqlite3.connect(db_path) as conn:
        hid, number, total, decided = conn.execute(
            "SELECT household_id, number, total_fen, decided_on FROM compensation_decision"
            " ORDER BY number LIMIT 1"
        ).fetchone()
        code = conn.execute("SELECT code FROM household WHERE id = ?", (hid,)).fetchone()[0]
    db = open_database(db_path)
    try:
        hq = next(o for o in operators(db) if o.role == "hq")
        PaymentService(db, hq).record_payment(
            uuid.UUID(hid), total, date.fromisoformat(decided), kind="deposit",
            voucher_no="TC-0001", today=date(2026, 11, 23),
        )  # fmt: skip
    finally:
        db.close()
    out = tmp_path / "台账.xlsx"
    monkeypatch.setenv("RD_PASSWORD", DEMO_PASSWORD)
    hq_login = ["--operator", login_of(db_path, "hq")]
    assert main(["export-ledger", "--db", str(db_path), "--out", str(out), *hq_login]) == 0
    wb = load_workbook(out, read_only=True)
    rows = [r for r in wb["协议与支付"].iter_rows(min_row=2, values_only=True) if r[0] == code]
    wb.close()
    assert len(rows) == 1
    row = rows[0]
    assert row[1] == number and row[2] == "补偿决定" and row[5] == total / 100
    assert row[6] == "提存" and row[7] == total / 100 and row[11] == "TC-0001"
