"""A full disk and a read-only folder: a clear message (exit 1), nothing corrupted, nothing
half-written left behind, and the saved data as it was.

A full disk is a file-size limit (``RLIMIT_FSIZE``) on the process: every write beyond it
fails with EFBIG, as a write to a full disk fails with ENOSPC (SIGXFSZ is ignored, so the
process gets the error instead of being killed). A read-only folder is ``/sys``, which even
root cannot write into (tests run as root in CI, where ``chmod`` stops nothing).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    sys.platform == "win32" or not os.access("/sys", os.F_OK), reason="POSIX limits and /sys"
)

READ_ONLY = Path("/sys")
LIMIT = 48 * 1024  # bytes a file may grow to once the program runs: the "disk" is nearly full

# Runs a command with the disk filling up once the database is open (in WAL mode, with its
# 32 KB shared-memory file; every file written after that meets the limit).
RUN_FULL = textwrap.dedent(
    """
    import resource, signal, sqlite3, sys
    db, limit, args = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    if db:
        reader = sqlite3.connect(db)
        reader.execute("pragma journal_mode = wal")  # as the program leaves it
        reader.execute("select count(*) from household").fetchall()
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
    from relocation_desk.cli.main import main
    sys.exit(main(args))
    """
)


def cli(
    *args: str, full: bool = False, db: Path | None = None, limit: int = LIMIT
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RD_PASSWORD": "demo"}
    command = [sys.executable, "-m", "relocation_desk.cli.main", *args]
    if full:
        command = [sys.executable, "-c", RUN_FULL, str(db or ""), str(limit), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)


def content(path: Path) -> str:
    """The data in a database (a dump), whatever its journal mode or page layout."""
    with closing(sqlite3.connect(path)) as conn:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sound(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("pragma integrity_check").fetchall() == [("ok",)]
        assert conn.execute("pragma foreign_key_check").fetchall() == []


def hq_login(path: Path) -> str:
    with closing(sqlite3.connect(path)) as conn:
        return str(conn.execute("select login from operator where role = 'hq'").fetchone()[0])


@pytest.fixture
def project(tmp_path: Path, demo_db_path: Path) -> Path:
    path = tmp_path / "project.sqlite"
    shutil.copy(demo_db_path, path)
    return path


def only(folder: Path, *names: str) -> None:
    assert sorted(p.name for p in folder.iterdir()) == sorted(names)


SAVE = textwrap.dedent(
    """
    import resource, signal, sys
    from pathlib import Path
    from sqlalchemy import select
    from relocation_desk.services.auth.service import AuthService
    from relocation_desk.services.households.service import HouseholdService
    from relocation_desk.storage import models as m
    from relocation_desk.storage.db import open_database
    from relocation_desk.storage.errors import StorageError

    db = open_database(sys.argv[1])
    op = AuthService(db).sign_in(sys.argv[2], "demo").operator
    svc = HouseholdService(db, op)
    with db.session() as s:
        hid = s.scalars(select(m.Household.id).order_by(m.Household.code)).first()
    form = svc.load(hid)
    form.remarks = "腾退前再核一次面积"
    if sys.argv[3] == "full":
        # The disk fills up now: nothing more can be written to any file.
        wal = Path(sys.argv[1] + "-wal")
        used = wal.stat().st_size if wal.exists() else 0
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (used + 1024, resource.RLIM_INFINITY))
    try:
        svc.save(form)
    except StorageError as exc:
        print(exc.message)
        sys.exit(1)
    print("saved")
    """
)


def test_saving_a_household_on_a_full_disk(project: Path) -> None:
    def save(how: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", SAVE, str(project), hq_login(project), how],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    def remarks() -> str:
        with closing(sqlite3.connect(project)) as conn:
            return str(conn.execute("select remarks from household order by code").fetchone()[0])

    before = remarks()
    full = save("full")
    assert full.returncode == 1, full.stderr
    assert "写入磁盘失败" in full.stdout or "磁盘空间" in full.stdout
    assert "Traceback" not in full.stderr
    sound(project)
    assert remarks() == before  # rolled back, nothing half-saved
    again = save("room")  # space freed: the same save works
    assert again.stdout.strip() == "saved", again.stderr
    assert remarks() == "腾退前再核一次面积"
    sound(project)


def test_backup_on_a_full_disk_and_into_a_read_only_folder(project: Path, tmp_path: Path) -> None:
    before = content(project)
    stick = tmp_path / "stick"
    stick.mkdir()
    r = cli("backup", "--db", str(project), "--out", str(stick / "b.sqlite"), full=True, db=project)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert "磁盘" in r.stderr
    only(stick)  # no half-written backup, no .partial
    r = cli("backup", "--db", str(project), "--out", str(READ_ONLY / "b.sqlite"))
    assert r.returncode == 1 and "只读" in r.stderr and str(READ_ONLY) in r.stderr, r.stderr
    assert content(project) == before
    sound(project)


@pytest.mark.parametrize("where", ["full", "read-only"])
def test_exports(project: Path, tmp_path: Path, where: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    full = where == "full"
    folder = out if full else READ_ONLY
    login = hq_login(project)
    logged = "select count(*) from audit_log where action in ('export', 'reprint')"
    with closing(sqlite3.connect(project)) as conn:
        before = conn.execute(logged).fetchone()
    for args in (
        ["export-ledger", "--out", str(folder / "台账.xlsx"), "--operator", login],
        ["agreement", "--household", signed_household(project), "--out",
         str(folder / "协议.pdf"), "--operator", login],
    ):  # fmt: skip
        r = cli(*args[:1], "--db", str(project), *args[1:], full=full, db=project)
        assert r.returncode == 1 and "Traceback" not in r.stderr, (args, r.stderr)
        assert ("磁盘" in r.stderr) if full else (str(READ_ONLY) in r.stderr), r.stderr
    only(out)
    sound(project)
    with closing(sqlite3.connect(project)) as conn:  # an export's audit row only with its file
        assert conn.execute(logged).fetchone() == before


@pytest.mark.parametrize("where", ["full", "read-only"])
def test_daily_report(project: Path, tmp_path: Path, where: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    full = where == "full"
    folder = out if full else READ_ONLY
    old = out / "日报.xlsx"
    if full:
        old.write_bytes(b"yesterday's report")  # a report of the same name stays as it was
    r = cli(
        "daily-report", "--db", str(project), "--date", "2026-11-23",
        "--out", str(folder / "日报.xlsx"), "--pdf", str(folder / "日报.pdf"),
        full=full, db=project, limit=16 * 1024,
    )  # fmt: skip
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert ("磁盘" in r.stderr) if full else (str(READ_ONLY) in r.stderr), r.stderr
    if full:
        assert "日报未冻结" in r.stdout  # the figures were read; writing the file failed
        only(out, "日报.xlsx")
        assert old.read_bytes() == b"yesterday's report"
    sound(project)


def signed_household(path: Path) -> str:
    with closing(sqlite3.connect(path)) as conn:
        row = conn.execute(
            "select h.code from household h join agreement a on a.household_id = h.id "
            "where a.status = 'signed' order by h.code"
        ).fetchone()
    return str(row[0])


def test_demo_on_a_full_disk_and_into_a_read_only_folder(tmp_path: Path) -> None:
    r = cli("demo", "--db", str(tmp_path / "demo.sqlite"), "--households", "300", full=True)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert "磁盘" in r.stderr
    only(tmp_path)  # no demo.sqlite, no .partial, no scratch folder
    r = cli("demo", "--db", str(READ_ONLY / "demo.sqlite"), "--households", "30")
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert str(READ_ONLY) in r.stderr or "不可写" in r.stderr


def test_restore_on_a_full_disk(project: Path, tmp_path: Path) -> None:
    backup = tmp_path / "backup.sqlite"
    assert cli("backup", "--db", str(project), "--out", str(backup)).returncode == 0
    before = content(project)
    r = cli("restore", str(backup), "--db", str(project), full=True)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert "磁盘" in r.stderr
    assert content(project) == before
    assert not list(tmp_path.glob("*.restoring*")) and not list(tmp_path.glob("*.partial"))
    assert not list((tmp_path / "backups").glob("*")) if (tmp_path / "backups").exists() else True
    sound(project)
