"""``check``, ``calc`` on a tampered scheme and ``verify-notice``'s exit codes, as a user runs
them: real processes on copies of the demo changed with raw SQLite UPDATEs."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from .test_cli import cli, login_of


@pytest.fixture
def db(demo_db_path: Path, tmp_path: Path) -> Path:
    path = tmp_path / "d.sqlite"
    shutil.copyfile(demo_db_path, path)
    return path


def _sql(db: Path, sql: str, *params: object) -> list[tuple]:  # type: ignore[type-arg]
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def test_check_passes_then_names_what_was_changed(db: Path) -> None:
    ok = cli("check", "--db", str(db))
    assert ok.returncode == 0, (ok.stdout, ok.stderr)
    assert "结论：全部通过" in ok.stdout and "[有问题]" not in ok.stdout
    assert "审计链头：第" in ok.stdout

    (code, number) = _sql(
        db, "SELECT h.code, a.number FROM agreement a JOIN household h ON h.id = a.household_id"
            " WHERE a.status = 'signed' ORDER BY a.number LIMIT 1",
    )[0]  # fmt: skip
    _sql(db, "UPDATE agreement SET total_fen = total_fen + 10000000 WHERE number = ?", number)
    _sql(db, "DELETE FROM audit_log WHERE seq = 3")
    bad = cli("check", "--db", str(db))
    assert bad.returncode == 1, (bad.stdout, bad.stderr)
    assert "Traceback" not in bad.stderr
    listed = [ln for ln in bad.stdout.splitlines() if ln.startswith("  - ")]
    assert len(listed) == 2, bad.stdout
    assert any(code in ln and number in ln for ln in listed), listed
    assert any("第 3 条审计记录" in ln and "不见了" in ln for ln in listed), listed
    assert "结论：发现 2 处问题" in bad.stdout


def test_calc_refuses_a_scheme_whose_rates_were_changed(db: Path) -> None:
    code = _sql(db, "SELECT code FROM household WHERE total_fen IS NOT NULL ORDER BY code")[0][0]
    before = cli("calc", "--db", str(db), "--household", code, "--operator", login_of(db, "hq"))
    assert before.returncode == 0, before.stderr
    count = "SELECT count(*) FROM calculation"
    n = _sql(db, count)[0][0]
    _sql(db, "UPDATE rate_item SET rate_fen = rate_fen * 2")
    r = cli("calc", "--db", str(db), "--household", code, "--operator", login_of(db, "hq"))
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    name = _sql(db, "SELECT name FROM scheme")[0][0]
    assert name in r.stderr and "第1版" in r.stderr and "不能用它核算" in r.stderr
    assert _sql(db, count)[0][0] == n  # nothing was computed with the doubled rates


def test_verify_notice_exit_codes(db: Path, tmp_path: Path) -> None:
    # A round just posted: consistent, 0.
    posted = cli("notice", "--db", str(db), "--village", "曹岗村", "--kind", "compensation",
                 "--from", "2026-11-24", "--out", str(tmp_path / "n.pdf"),
                 "--operator", login_of(db, "hq"))  # fmt: skip
    assert posted.returncode == 0, posted.stderr
    code, round_id = _sql(
        db, "SELECT verification_code, id FROM notice_round ORDER BY created_at DESC LIMIT 1"
    )[0]
    ok = cli("verify-notice", "--db", str(db), "--code", code)
    assert ok.returncode == 0, (ok.stdout, ok.stderr)
    assert "一致：" in ok.stdout

    # Current figures differ from the posted ones: 1.
    hid = _sql(db, "SELECT household_id FROM notice_row WHERE round_id = ? ORDER BY seq", round_id)[
        0
    ][0]
    _sql(db, "UPDATE household SET legal_area_dm2 = legal_area_dm2 + 5 WHERE id = ?", hid)
    _sql(db, "UPDATE structure SET legal_area_dm2 = legal_area_dm2 + 5 WHERE id = "
             "(SELECT id FROM structure WHERE household_id = ? ORDER BY sort_order LIMIT 1)", hid)  # fmt: skip
    changed = cli("verify-notice", "--db", str(db), "--code", code)
    assert changed.returncode == 1, (changed.stdout, changed.stderr)

    # The posted round itself altered: 2, naming the row and the field.
    hcode = _sql(db, "SELECT json_extract(data, '$.code') FROM notice_row WHERE round_id = ?"
                     " ORDER BY seq LIMIT 1 OFFSET 1", round_id)[0][0]  # fmt: skip
    _sql(db, "UPDATE notice_row SET data = json_set(data, '$.head_name', '某某') WHERE round_id = ?"
             " AND json_extract(data, '$.code') = ?", round_id, hcode)  # fmt: skip
    tampered = cli("verify-notice", "--db", str(db), "--code", code)
    assert tampered.returncode == 2, (tampered.stdout, tampered.stderr)
    assert "不一致" in tampered.stdout
    named = [ln for ln in tampered.stdout.splitlines() if ln.startswith("  ")]
    assert len(named) == 1 and named[0].split()[0] == hcode and "head_name" in named[0]

    help_text = cli("verify-notice", "--help").stdout
    assert "退出码" in help_text and "0" in help_text and "2" in help_text
