"""``daily-report`` as a user runs it: a real process on a copy of the demo."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from openpyxl import load_workbook

from .test_cli import assert_one_line_error, cli


def test_draft_freeze_and_reprint(demo_db_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "d.sqlite"
    shutil.copyfile(demo_db_path, db)
    out, pdf = tmp_path / "日报.xlsx", tmp_path / "日报.pdf"
    base = ("daily-report", "--db", str(db), "--date", "2026-11-23", "--out", str(out))

    r = cli(*base)
    assert r.returncode == 0, r.stderr
    assert "未冻结（草稿）" in r.stdout and "累计签约" in r.stdout
    assert load_workbook(out)["汇总"]["A1"].value.endswith("工作日报")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM daily_report").fetchone()[0] == 0

    r = cli(*base, "--pdf", str(pdf), "--freeze", "--operator", "dingweihua")
    assert r.returncode == 0, r.stderr
    assert "已冻结 2026-11-23 的日报" in r.stdout and "校验值：" in r.stdout
    assert pdf.read_bytes().startswith(b"%PDF")
    with sqlite3.connect(db) as conn:
        digest, by = conn.execute(
            "SELECT d.content_hash, o.login FROM daily_report d "
            "LEFT JOIN operator o ON o.id = d.frozen_by"
        ).fetchone()
    assert digest in r.stdout and by == "dingweihua"
    # Again: the frozen report is reprinted, not counted anew, even with --freeze.
    again = tmp_path / "again.pdf"
    r = cli(*base, "--freeze", "--pdf", str(again))
    assert r.returncode == 0, r.stderr
    assert "已冻结，按冻结时的内容重印" in r.stdout and digest in r.stdout
    assert again.read_bytes() == pdf.read_bytes()

    # One team: by name or code.
    team_out = tmp_path / "t.xlsx"
    r = cli("daily-report", "--db", str(db), "--date", "2026-11-23", "--out", str(team_out),
            "--team", "T01")  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert load_workbook(team_out)["汇总"]["A1"].value == "第一工作组工作日报"


def test_bad_input_is_one_line(demo_db_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "d.sqlite"
    shutil.copyfile(demo_db_path, db)
    base = ("daily-report", "--db", str(db), "--date", "2026-11-23")
    assert_one_line_error(
        cli(*base, "--out", str(tmp_path / "r.xlsx"), "--team", "第九十九组"),
        "找不到工作组：第九十九组",
    )
    assert_one_line_error(cli(*base, "--out", str(tmp_path / "r.pdf")), ".xlsx")
    early = ("--freeze", "--date", "2099-01-01", "--operator", "dingweihua")
    assert_one_line_error(cli(*base, "--out", str(tmp_path / "r.xlsx"), *early), "还不能冻结")
    r = cli("daily-report", "--db", str(db), "--date", "2026-13-01", "--out", "x.xlsx")
    assert r.returncode == 1 and "YYYY-MM-DD" in r.stderr  # usage errors are user errors
