"""The ``relocation-desk`` command as a user runs it: a real process, real files."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

EXE = Path(sys.executable).parent / "relocation-desk"
SUBCOMMANDS = ("gui", "demo", "info", "backup", "check")


DEMO_PASSWORD = "demo"  # every demo operator's password (``demo --password``'s default)


def cli(
    *args: str, env: dict[str, str] | None = None, password: str | None = DEMO_PASSWORD
) -> subprocess.CompletedProcess[str]:
    """Run the command; ``password`` goes in RD_PASSWORD (None: the variable is unset)."""
    full_env = dict(os.environ)
    full_env.pop("RD_PASSWORD", None)
    if password is not None:
        full_env["RD_PASSWORD"] = password
    full_env.update(env or {})
    return subprocess.run(
        [str(EXE), *args], capture_output=True, text=True, env=full_env, timeout=300
    )


def login_of(db: Path, role: str) -> str:
    """The login of the first operator of ``role`` in the database file ``db``."""
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT login FROM operator WHERE role = ? ORDER BY login LIMIT 1", (role,)
        ).fetchone()
    assert row is not None, role
    return str(row[0])


def assert_one_line_error(r: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr, r.stderr
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, r.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_help_in_chinese_for_every_command() -> None:
    r = cli("--help")
    assert r.returncode == 0
    assert "征收补偿工作台" in r.stdout
    for name in SUBCOMMANDS:
        assert name in r.stdout
        sub = cli(name, "--help")
        assert sub.returncode == 0, sub.stderr
        assert sub.stdout.startswith("用法：")
        assert "显示本帮助并退出" in sub.stdout


def test_help_in_english() -> None:
    r = cli("--lang", "en", "demo", "--help")
    assert r.returncode == 0
    assert "demo project" in r.stdout.lower()
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in r.stdout), r.stdout


def test_demo_then_info(tmp_path: Path) -> None:
    db = tmp_path / "d.sqlite"
    r = cli("demo", "--db", str(db), "--households", "150", "--seed", "5", "--quiet")
    assert r.returncode == 0, r.stderr
    assert "150" in r.stdout
    info = cli("info", "--db", str(db))
    assert info.returncode == 0, info.stderr
    assert "农户: 150" in info.stdout
    with sqlite3.connect(db) as conn:
        persons = conn.execute("select count(*) from person").fetchone()[0]
    assert f"家庭成员: {persons:,}" in info.stdout


def test_demo_refuses_to_overwrite(tmp_path: Path, demo_db_path: Path) -> None:
    target = tmp_path / "existing.sqlite"
    shutil.copy(demo_db_path, target)
    before = target.read_bytes()
    r = cli("demo", "--db", str(target), "--households", "10", "--quiet")
    assert_one_line_error(r)
    assert target.read_bytes() == before


def test_bad_household_count(tmp_path: Path) -> None:
    r = cli("demo", "--db", str(tmp_path / "x.sqlite"), "--households", "0")
    assert_one_line_error(r, "农户数")


def test_missing_file(tmp_path: Path) -> None:
    r = cli("info", "--db", str(tmp_path / "nope.sqlite"))
    assert_one_line_error(r, "nope.sqlite")


def test_not_a_database(tmp_path: Path) -> None:
    f = tmp_path / "notes.sqlite"
    f.write_text("这不是数据库", encoding="utf-8")
    r = cli("info", "--db", str(f))
    assert_one_line_error(r)


def test_database_from_a_newer_version(tmp_path: Path, demo_db_path: Path) -> None:
    target = tmp_path / "newer.sqlite"
    shutil.copy(demo_db_path, target)
    with sqlite3.connect(target) as conn:
        conn.execute("update alembic_version set version_num = 'ffffffffffff'")
    before = target.read_bytes()
    r = cli("info", "--db", str(target))
    assert_one_line_error(r, "ffffffffffff")
    assert target.read_bytes() == before


def test_locked_database(tmp_path: Path, demo_db_path: Path) -> None:
    target = tmp_path / "locked.sqlite"
    shutil.copy(demo_db_path, target)
    holder = sqlite3.connect(target, isolation_level=None)
    # In WAL mode only an exclusive locking mode keeps other processes from even reading.
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("UPDATE household SET remarks = remarks")
    try:
        r = cli("backup", "--db", str(target))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert_one_line_error(r)


def test_backup_command(tmp_path: Path, demo_db_path: Path) -> None:
    target = tmp_path / "b.sqlite"
    shutil.copy(demo_db_path, target)
    out = tmp_path / "copy.sqlite"
    r = cli("backup", "--db", str(target), "--out", str(out))
    assert r.returncode == 0, r.stderr
    with sqlite3.connect(out) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        n = conn.execute("select count(*) from household").fetchone()[0]
    assert n > 0


@pytest.mark.gui
def test_gui_starts_on_a_database(tmp_path: Path, demo_db_path: Path) -> None:
    target = tmp_path / "g.sqlite"
    shutil.copy(demo_db_path, target)
    r = cli(
        "gui",
        "--db",
        str(target),
        "--smoke",
        env={"QT_QPA_PLATFORM": "offscreen", "RELOCATION_DESK_HOME": str(tmp_path / "home")},
    )
    assert r.returncode == 0, r.stderr
    assert "smoke ok" in r.stdout
    with sqlite3.connect(target) as conn:
        n = conn.execute("select count(*) from household").fetchone()[0]
    assert f"rows={n} " in r.stdout
