"""``payments``, ``pay`` and ``milestone`` as a user runs them, on a copy of the demo."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from pathlib import Path

from openpyxl import load_workbook

from .test_cli import assert_one_line_error, cli, login_of


def test_pay_milestone_and_export(demo_db_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "d.sqlite"
    shutil.copyfile(demo_db_path, db)
    with sqlite3.connect(db) as conn:
        code, login = conn.execute(
            "SELECT h.code, o.login FROM household h JOIN operator o ON o.id = h.responsible_id"
            " WHERE h.status = 'signed' ORDER BY h.code LIMIT 1"
        ).fetchone()
        (due,) = conn.execute(
            "SELECT a.total_fen FROM agreement a JOIN household h ON h.id = a.household_id"
            " WHERE h.code = ? AND a.status = 'signed'",
            (code,),
        ).fetchone()
    today = date.today().isoformat()
    base = ("--db", str(db), "--household", code, "--operator", login)

    r = cli("milestone", *base, "--kind", "vacated", "--date", today)
    assert_one_line_error(r, "未付清", "尚欠")

    r = cli("pay", *base, "--amount", "1,000.50", "--date", today, "--voucher", "V-1")
    assert r.returncode == 0, r.stderr
    assert "1,000.50" in r.stdout and "（人民币壹仟元伍角）" in r.stdout

    r = cli("pay", *base, "--amount", "1亿", "--date", today)
    assert_one_line_error(r, "超过尚欠金额")

    rest = f"{(due - 100050) // 100}.{(due - 100050) % 100:02d}"
    r = cli("pay", *base, "--amount", rest, "--date", today, "--kind", "deposit")
    assert r.returncode == 0, r.stderr
    assert "尚欠 0.00 元" in r.stdout

    r = cli("milestone", *base, "--kind", "vacated", "--date", today)
    assert r.returncode == 0, r.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT status FROM household WHERE code = ?", (code,)).fetchone() == (
            "vacated",
        )

    out = tmp_path / "register.xlsx"
    r = cli("payments", "--db", str(db), "--out", str(out), "--team", code.split("-")[0],
            "--operator", login_of(db, "hq"))  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert str(out) in r.stdout and "笔支付" in r.stdout
    ws = load_workbook(out)["支付明细"]
    codes = {row[0] for row in ws.iter_rows(min_row=2, values_only=True) if row[0]}
    assert code in codes
    assert all(c.startswith(code.split("-")[0]) or c.startswith("合计") for c in codes)

    r = cli("payments", "--db", str(db), "--out", str(out), "--team", "没有这个组",
            "--operator", login_of(db, "hq"))  # fmt: skip
    assert_one_line_error(r, "找不到工作组")
    r = cli("pay", *base[:2], "--household", "X-0000", "--operator", login, "--amount", "1",
            "--date", today)  # fmt: skip
    assert_one_line_error(r, "找不到户编号")


def test_deposit_under_a_decision_then_vacate(demo_db_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "d.sqlite"
    shutil.copyfile(demo_db_path, db)
    with sqlite3.connect(db) as conn:
        code, number, total = conn.execute(
            "SELECT h.code, d.number, d.total_fen FROM household h"
            " JOIN compensation_decision d ON d.household_id = h.id ORDER BY h.code LIMIT 1"
        ).fetchone()
        (login,) = conn.execute("SELECT login FROM operator WHERE role = 'hq' LIMIT 1").fetchone()
    today = date.today().isoformat()
    base = ("--db", str(db), "--household", code, "--operator", login)
    amount = f"{total // 100}.{total % 100:02d}"
    r = cli("pay", *base, "--amount", amount, "--date", today, "--kind", "deposit")
    assert r.returncode == 0, r.stderr
    assert "决定金额" in r.stdout and "尚欠 0.00 元" in r.stdout
    r = cli("milestone", *base, "--kind", "vacated", "--date", today)
    assert r.returncode == 0, r.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute(
            "SELECT p.kind, p.agreement_id, d.number FROM payment p"
            " JOIN compensation_decision d ON d.id = p.decision_id"
            " JOIN household h ON h.id = p.household_id WHERE h.code = ?",
            (code,),
        ).fetchall() == [("deposit", None, number)]
