"""``calc``, ``check-calc`` and ``fairness`` as a user runs them."""

from __future__ import annotations

import shutil
import sqlite3
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl

from relocation_desk.domain.money import format_fen, to_chinese_upper

from .test_cli import assert_one_line_error, cli, login_of


def test_calc_check_and_fairness(demo_db_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "d.sqlite"
    shutil.copyfile(demo_db_path, db)
    with sqlite3.connect(db) as conn:
        code = conn.execute(
            "SELECT code FROM household WHERE status = 'surveyed' ORDER BY code LIMIT 1"
        ).fetchone()[0]
        member, leader = (
            conn.execute(f"SELECT login FROM operator WHERE role = '{role}' LIMIT 1").fetchone()[0]
            for role in ("member", "leader")
        )
    r = cli("calc", "--db", str(db), "--household", code, "--as-of", "2026-11-23",
            "--operator", member)  # fmt: skip
    assert r.returncode == 0, r.stderr
    with sqlite3.connect(db) as conn:
        calc_id, total = conn.execute(
            "SELECT c.id, c.total_fen FROM calculation c JOIN household h"
            " ON h.id = c.household_id WHERE h.code = ? ORDER BY c.version_no DESC LIMIT 1",
            (code,),
        ).fetchone()
        lines = conn.execute(
            "SELECT quantity, unit, rate_fen, amount_fen FROM calculation_line"
            " WHERE calculation_id = ? ORDER BY seq",
            (calc_id,),
        ).fetchall()
    # What was printed is what was stored: every line's amount, the total and its 大写.
    assert lines and total == sum(line[3] for line in lines) and total > 0
    for _quantity, _unit, _rate, amount in lines:
        assert f"  {format_fen(amount)}\n" in r.stdout
    assert f"合计：{format_fen(total)}元" in r.stdout
    assert f"大写：{to_chinese_upper(total)}" in r.stdout
    # Each rate line is its quantity × rate, rounded half-up to the fen once.
    rated = [ln for ln in lines if ln[2] and ln[1] != "%"]
    assert rated
    for quantity, _unit, rate, amount in rated:
        expected = (Decimal(quantity) * rate).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        assert amount == int(expected), (quantity, rate, amount)
    same = cli("check-calc", "--db", str(db), "--household", code, "--operator", member)
    assert_one_line_error(same, "不能是同一人")
    ok = cli("check-calc", "--db", str(db), "--household", code, "--operator", leader)
    assert ok.returncode == 0, ok.stderr
    everything = cli("calc", "--db", str(db), "--all", "--as-of", "2026-11-23",
                     "--operator", login_of(db, "hq"))  # fmt: skip
    assert everything.returncode == 0, everything.stderr
    assert "已核算" in everything.stderr and "未变" in everything.stdout
    nowhere = cli("calc", "--db", str(db), "--household", "X-9", "--operator", member)
    assert_one_line_error(nowhere, "X-9")
    out = tmp_path / "f.xlsx"
    fair = cli("fairness", "--db", str(db), "--out", str(out))
    assert fair.returncode == 0, fair.stderr
    assert openpyxl.load_workbook(out).sheetnames[0] == "说明"
