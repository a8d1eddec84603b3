"""``settings show`` / ``settings set`` and the program versions, as a user runs them."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from relocation_desk import __version__

from .test_cli import assert_one_line_error, cli, login_of


def _copy(demo_db_path: Path, tmp_path: Path) -> Path:
    db = tmp_path / "d.sqlite"
    shutil.copyfile(demo_db_path, db)
    return db


def test_show_and_set(demo_db_path: Path, tmp_path: Path) -> None:
    db = _copy(demo_db_path, tmp_path)
    r = cli("settings", "show", "--db", str(db))
    assert r.returncode == 0, r.stderr
    assert "report_cutoff = 17:00" in r.stdout  # the demo's
    assert "time_zone = （默认）Asia/Shanghai" in r.stdout
    assert "[协议]" in r.stdout and "agreement_values.authority" in r.stdout
    hq = login_of(db, "hq")
    r = cli("settings", "set", "report_cutoff", "16:45", "--db", str(db), "--operator", hq)
    assert r.returncode == 0, r.stderr
    assert "已修改" in r.stdout and "16:45" in r.stdout
    with sqlite3.connect(db) as conn:
        assert (
            conn.execute("SELECT value FROM setting WHERE key = 'report_cutoff'").fetchone()[0]
            == '"16:45"'
        )
        (count,) = conn.execute(
            "SELECT count(*) FROM audit_log WHERE entity = 'setting' AND operator_login = ?", (hq,)
        ).fetchone()
    assert count == 1
    r = cli("settings", "set", "report_cutoff", "16:45", "--db", str(db), "--operator", hq)
    assert r.returncode == 0 and "未改变" in r.stdout
    r = cli("settings", "set", "report_cutoff", "", "--db", str(db), "--operator", hq)
    assert r.returncode == 0 and "（默认）18:00" in r.stdout


def test_bad_value_wrong_key_and_wrong_role_are_one_line_errors(
    demo_db_path: Path, tmp_path: Path
) -> None:
    db = _copy(demo_db_path, tmp_path)
    hq = login_of(db, "hq")
    r = cli("settings", "set", "time_zone", "Beijing", "--db", str(db), "--operator", hq)
    assert_one_line_error(r, "项目时区", "Asia/Shanghai")
    r = cli("settings", "set", "cutoff", "17:00", "--db", str(db), "--operator", hq)
    assert_one_line_error(r, "cutoff", "report_cutoff")
    member = login_of(db, "member")
    r = cli("settings", "set", "report_cutoff", "17:00", "--db", str(db), "--operator", member)
    assert_one_line_error(r, "修改项目设置")
    r = cli("settings", "set", "report_cutoff", "17:00", "--db", str(db))
    assert r.returncode == 1  # --operator is required
    assert "--operator" in r.stderr


def test_info_lists_versions_and_a_newer_one_is_warned_about(
    demo_db_path: Path, tmp_path: Path
) -> None:
    db = _copy(demo_db_path, tmp_path)
    r = cli("settings", "show", "--db", str(db))  # opens for writing: records this version
    assert r.returncode == 0 and "警告" not in r.stderr
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO program_version VALUES ('9.0.0', '2027-01-02 03:04:05.000000',"
            " '2027-01-02 03:04:05.000000')"
        )
    r = cli("info", "--db", str(db))
    assert r.returncode == 0, r.stderr
    assert "写入过本数据库的程序版本" in r.stdout
    assert f"  {__version__}：" in r.stdout
    assert "  9.0.0：2027-01-02 11:04 首次" in r.stdout  # shown in the project's zone
    assert "9.0.0" in r.stderr and "升级" in r.stderr
    r = cli("settings", "show", "--db", str(db))
    assert r.returncode == 0, r.stderr
    assert "警告" in r.stderr and "9.0.0" in r.stderr and __version__ in r.stderr
    assert "report_cutoff" in r.stdout
