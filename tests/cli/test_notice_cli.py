"""``notice`` and ``verify-notice`` as a user runs them: a real process on a copy of the demo."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

from .test_cli import assert_one_line_error, cli, login_of

VILLAGE = "曹岗村"
CODE = re.compile(r"验证码：([0-9A-Z]{4}(?:-[0-9A-Z]{4}){3})")


def _post(db: Path, out: Path, *extra: str):  # type: ignore[no-untyped-def]
    return cli("notice", "--db", str(db), "--village", VILLAGE, "--kind", "compensation",
               "--from", "2026-11-24", "--out", str(out), "--operator", login_of(db, "hq"),
               *extra)  # fmt: skip


def test_notice_post_verify_and_detect_a_change(demo_db_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "d.sqlite"
    shutil.copyfile(demo_db_path, db)
    out = tmp_path / "notice.pdf"
    r = _post(db, out)
    assert r.returncode == 0, r.stderr
    assert out.is_file() and out.read_bytes().startswith(b"%PDF")
    m = CODE.search(r.stdout)
    assert m, r.stdout
    code = m.group(1)
    n = re.search(r"第 (\d+) 轮公示", r.stdout)
    assert n, r.stdout
    assert "页" in r.stdout and str(out) in r.stdout
    with sqlite3.connect(db) as conn:
        round_id, round_no = conn.execute(
            "SELECT id, round_no FROM notice_round WHERE verification_code = ?", (code,)
        ).fetchone()
    assert round_no == int(n.group(1))

    # Nothing changed since: the same round is printed again, with the same code.
    again = _post(db, tmp_path / "again.pdf")
    assert again.returncode == 0, again.stderr
    assert f"重印第 {round_no} 轮" in again.stdout and code in again.stdout

    for typed in (code, f"RDN:{code}", code.lower().replace("-", " ")):
        v = cli("verify-notice", "--db", str(db), "--code", typed)
        assert v.returncode == 0, (typed, v.stdout, v.stderr)
        assert f"第 {round_no} 轮" in v.stdout and VILLAGE in v.stdout
        assert "一致：" in v.stdout and "不一致" not in v.stdout

    # A household on the notice is re-measured: its structure and its total legal area.
    with sqlite3.connect(db) as conn:
        hid, hcode, area = conn.execute(
            "SELECT h.id, h.code, h.legal_area_dm2 FROM notice_row r"
            " JOIN household h ON h.id = r.household_id"
            " WHERE r.round_id = ? AND r.change_mark != 'removed' ORDER BY r.seq LIMIT 1",
            (round_id,),
        ).fetchone()
        sid = conn.execute(
            "SELECT id FROM structure WHERE household_id = ? ORDER BY sort_order LIMIT 1", (hid,)
        ).fetchone()[0]
        conn.execute(
            "UPDATE structure SET legal_area_dm2 = legal_area_dm2 + 1234 WHERE id = ?", (sid,)
        )
        conn.execute("UPDATE household SET legal_area_dm2 = ? WHERE id = ?", (area + 1234, hid))
    v = cli("verify-notice", "--db", str(db), "--code", code)
    assert v.returncode == 1, v.stderr  # intact, but current figures differ from the posted
    assert "一致：" not in v.stdout
    listed = [ln for ln in v.stdout.splitlines() if ln.startswith("  ")]
    assert any(ln.split()[0] == hcode and "legal_area_dm2" in ln for ln in listed), v.stdout
    assert all(ln.split()[0] == hcode for ln in listed), v.stdout
    assert f"{area} → {area + 1234}" in v.stdout


def test_notice_errors(demo_db_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "d.sqlite"
    shutil.copyfile(demo_db_path, db)
    # An unknown code is told apart from a changed figure: exit status 2, one line on stderr.
    bad = cli("verify-notice", "--db", str(db), "--code", "ABCD-EFGH-JKMN-PQRS")
    assert_unknown_code(bad, "ABCD-EFGH-JKMN-PQRS", "不存在")
    garbage = cli("verify-notice", "--db", str(db), "--code", "不是验证码")
    assert_unknown_code(garbage, "不是验证码", "16 位")
    out = tmp_path / "x.pdf"
    nowhere = cli("notice", "--db", str(db), "--village", "不存在村", "--kind", "compensation",
                  "--out", str(out), "--operator", login_of(db, "hq"))  # fmt: skip
    assert_one_line_error(nowhere, "不存在村")
    assert not out.exists()


def assert_unknown_code(r, *needles: str) -> None:  # type: ignore[no-untyped-def]
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and r.stdout == "", (r.stdout, r.stderr)
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, r.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
