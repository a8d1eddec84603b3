"""Passwords at the command line: RD_PASSWORD or a prompt, never an argument; wrong and missing
passwords, the lock and its expiry, the administrator's reset, the first administrator, and
``demo --password``."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from .test_cli import assert_one_line_error, cli, login_of


@pytest.fixture
def db(demo_db_path: Path, tmp_path: Path) -> Path:
    target = tmp_path / "d.sqlite"
    shutil.copyfile(demo_db_path, target)
    return target


def export(db: Path, login: str, *, password: str | None = "demo") -> object:
    out = db.with_name("台账.xlsx")
    return cli("export-ledger", "--db", str(db), "--out", str(out), "--operator", login,
               password=password)  # fmt: skip


def audit(db: Path, action: str, login: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(
            "SELECT count(*) FROM audit_log WHERE action = ? AND operator_login = ?",
            (action, login),
        ).fetchone()[0])  # fmt: skip


def test_password_from_the_environment_wrong_missing_and_read_only(db: Path) -> None:
    hq = login_of(db, "hq")
    ok = export(db, hq)
    assert ok.returncode == 0, ok.stderr  # type: ignore[attr-defined]
    assert audit(db, "sign_in", hq) == 1 and db.with_name("台账.xlsx").exists()
    with sqlite3.connect(db) as conn:
        assert conn.execute(
            "SELECT operator_login FROM audit_log WHERE action = 'export' AND entity = 'ledger'"
        ).fetchone() == (hq,)
    wrong = export(db, hq, password="not-it")
    assert_one_line_error(wrong, "登录名或密码不对")  # type: ignore[arg-type]
    unknown = export(db, "nobody", password="not-it")
    assert_one_line_error(unknown, "登录名或密码不对")  # type: ignore[arg-type]
    assert unknown.stderr == wrong.stderr  # type: ignore[attr-defined]
    missing = export(db, hq, password=None)  # stdin is no terminal here: nothing to prompt
    assert_one_line_error(missing, "RD_PASSWORD")  # type: ignore[arg-type]
    usage = cli("export-ledger", "--db", str(db), "--out", str(db.with_name("x.xlsx")))
    assert usage.returncode != 0 and "--operator" in usage.stderr
    assert "Traceback" not in usage.stderr
    # Read-only commands need no one.
    assert cli("info", "--db", str(db), password=None).returncode == 0
    assert cli("scheme", "list", "--db", str(db), password=None).returncode == 0
    assert cli("sign-first", "--db", str(db), password=None).returncode == 0


def test_lockout_and_its_expiry(db: Path) -> None:
    member = login_of(db, "hq")  # may freeze the project's daily report
    out = db.with_name("r.xlsx")
    base = ("daily-report", "--db", str(db), "--date", "2026-11-23", "--out", str(out),
            "--freeze", "--operator", member)  # fmt: skip
    for _ in range(4):
        assert_one_line_error(cli(*base, password="wrong-pw"), "登录名或密码不对")
    assert_one_line_error(cli(*base, password="wrong-pw"), "已被锁定", "5 分钟后再试")
    assert_one_line_error(cli(*base, password="demo"), "已被锁定")  # right, but locked
    assert audit(db, "lock", member) == 1
    assert audit(db, "sign_in_failed", member) == 5
    # Five minutes later (the lock's end moved into the past, as time would):
    with sqlite3.connect(db) as conn:
        past = (datetime.now(UTC) - timedelta(seconds=1)).replace(tzinfo=None)
        conn.execute("UPDATE operator SET locked_until = ? WHERE login = ?",
                     (past.isoformat(" "), member))  # fmt: skip
    after = cli(*base, password="demo")
    assert after.returncode == 0, after.stderr
    assert "已冻结 2026-11-23 的日报" in after.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute(
            "SELECT failed_sign_ins, locked_until FROM operator WHERE login = ?", (member,)
        ).fetchone() == (0, None)
    assert audit(db, "sign_in", member) == 1


def test_reset_then_must_change_then_own_password(db: Path) -> None:
    admin, member = login_of(db, "admin"), login_of(db, "hq")
    other = login_of(db, "member")
    refused = cli("password", "--db", str(db), "--operator", other, "--reset", admin,
                  env={"RD_NEW_PASSWORD": "taken-over-1"})  # fmt: skip
    assert_one_line_error(refused, "只有管理员")
    reset = cli("password", "--db", str(db), "--operator", admin, "--reset", member,
                env={"RD_NEW_PASSWORD": "linshi-2026"})  # fmt: skip
    assert reset.returncode == 0, reset.stderr
    assert f"已为 {member} 设置临时密码" in reset.stdout
    out = db.with_name("r.xlsx")
    base = ("daily-report", "--db", str(db), "--date", "2026-11-23", "--out", str(out),
            "--freeze", "--operator", member)  # fmt: skip
    assert_one_line_error(cli(*base), "登录名或密码不对")  # "demo" no longer works
    assert_one_line_error(cli(*base, password="linshi-2026"), "须先修改密码",
                          "relocation-desk password")  # fmt: skip
    short = cli("password", "--db", str(db), "--operator", member, password="linshi-2026",
                env={"RD_NEW_PASSWORD": "short"})  # fmt: skip
    assert_one_line_error(short, "至少要 8 个字符")
    changed = cli("password", "--db", str(db), "--operator", member, password="linshi-2026",
                  env={"RD_NEW_PASSWORD": "wode-mima-1"})  # fmt: skip
    assert changed.returncode == 0, changed.stderr
    frozen = cli(*base, password="wode-mima-1")
    assert frozen.returncode == 0, frozen.stderr
    assert audit(db, "password_reset", admin) == 1 and audit(db, "password_change", member) == 1


def test_create_admin_on_a_database_whose_operators_have_no_password(db: Path) -> None:
    with sqlite3.connect(db) as conn:  # as a database upgraded by migration 0003
        conn.execute("UPDATE operator SET password_hash = ''")
    admin = login_of(db, "admin")
    none = cli("info", "--db", str(db), password=None)
    assert none.returncode == 0
    no_password = export(db, admin)
    assert_one_line_error(no_password, "还没有设置密码", "管理员")  # type: ignore[arg-type]
    made = cli("create-admin", "--db", str(db), "--login", admin, "--name", "杨晓军",
               env={"RD_NEW_PASSWORD": "guanliyuan-1"})  # fmt: skip
    assert made.returncode == 0, made.stderr
    again = cli("create-admin", "--db", str(db), "--login", "other", "--name", "李四",
                env={"RD_NEW_PASSWORD": "guanliyuan-2"})  # fmt: skip
    assert_one_line_error(again, "已经有可以登录的工作人员")
    assert export(db, admin, password="guanliyuan-1").returncode == 0  # type: ignore[attr-defined]


def test_demo_password_option(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite"
    made = cli("demo", "--db", str(db), "--households", "20", "--quiet", "--password", "kaifa-8")
    assert made.returncode == 0, made.stderr
    assert "kaifa-8" in made.stdout
    hq = login_of(db, "hq")
    assert_one_line_error(export(db, hq), "登录名或密码不对")  # type: ignore[arg-type]
    assert export(db, hq, password="kaifa-8").returncode == 0  # type: ignore[attr-defined]
