"""``calc``, ``check-calc`` and ``fairness`` as a user runs them."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import openpyxl

from .test_cli import assert_one_line_error, cli


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
    assert "合计：" in r.stdout and "大写：人民币" in r.stdout and "×" in r.stdout
    same = cli("check-calc", "--db", str(db), "--household", code, "--operator", member)
    assert_one_line_error(same, "不能是同一人")
    ok = cli("check-calc", "--db", str(db), "--household", code, "--operator", leader)
    assert ok.returncode == 0, ok.stderr
    everything = cli("calc", "--db", str(db), "--all", "--as-of", "2026-11-23")
    assert everything.returncode == 0, everything.stderr
    assert "已核算" in everything.stderr and "未变" in everything.stdout
    assert_one_line_error(cli("calc", "--db", str(db), "--household", "X-9"), "X-9")
    out = tmp_path / "f.xlsx"
    fair = cli("fairness", "--db", str(db), "--out", str(out))
    assert fair.returncode == 0, fair.stderr
    assert openpyxl.load_workbook(out).sheetnames[0] == "说明"
