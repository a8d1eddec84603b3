"""Restoring from a backup: what is checked before anything is replaced, and backups that
must not overwrite another project's file."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import select

from relocation_desk.storage.backup import backup_database, list_backups
from relocation_desk.storage.db import Database, open_database
from relocation_desk.storage.errors import BackupInvalid, BackupTargetExists, DatabaseInUse
from relocation_desk.storage.models import Household, Project, Setting, Team, Village
from relocation_desk.storage.restore import read_backup, restore_backup

from .factories import make_household, make_project


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def project_db(template: Path, path: Path, code: str, households: int = 1) -> Path:
    shutil.copyfile(template, path)
    with open_database(path) as db, db.session() as s:
        project, team, village = make_project(s, code=code)
        for n in range(households):
            make_household(s, project, team, village, code=f"T07-{n + 1:04d}", id_number=None)
        s.commit()
    return path


def codes(path: Path) -> list[str]:
    with open_database(path) as db, db.session() as s:
        return list(s.scalars(select(Project.code).order_by(Project.code)))


# --- backup --out -----------------------------------------------------------------------------


def test_backup_out_never_overwrites_another_projects_file(
    sqlite_template: Path, tmp_path: Path
) -> None:
    mine = project_db(sqlite_template, tmp_path / "mine.sqlite", "MINE")
    theirs = project_db(sqlite_template, tmp_path / "theirs.sqlite", "THEIRS")
    notes = tmp_path / "notes.txt"
    notes.write_text("会议记录", encoding="utf-8")
    before = {p: sha256(p) for p in (theirs, notes)}
    with open_database(mine) as db:
        for dest in (theirs, notes):
            with pytest.raises(BackupTargetExists, match="不是本项目的备份"):
                backup_database(db, dest)
            assert sha256(dest) == before[dest]
        with pytest.raises(BackupTargetExists, match="数据库文件本身"):
            backup_database(db, mine, force=True)
        # An older backup of the same project is replaced; --force replaces anything.
        old = backup_database(db, tmp_path / "stick" / "mine-backup.sqlite")
        assert backup_database(db, old) == old
        assert backup_database(db, notes, force=True) == notes
        assert codes(notes) == ["MINE"]
        # A folder (a USB stick) gets a new file named after the database.
        in_folder = backup_database(db, tmp_path / "stick")
        assert in_folder.parent == tmp_path / "stick" and in_folder.name.startswith("mine-")
        assert in_folder != old and read_backup(in_folder).households == 1


def test_backup_out_cli_refuses_then_forces(sqlite_template: Path, tmp_path: Path) -> None:
    from relocation_desk.cli.main import main

    mine = project_db(sqlite_template, tmp_path / "mine.sqlite", "MINE")
    theirs = project_db(sqlite_template, tmp_path / "theirs.sqlite", "THEIRS")
    digest = sha256(theirs)
    assert main(["backup", "--db", str(mine), "--out", str(theirs)]) == 1
    assert sha256(theirs) == digest
    assert main(["backup", "--db", str(mine), "--out", str(theirs), "--force"]) == 0
    assert codes(theirs) == ["MINE"]


# --- restore: checks first --------------------------------------------------------------------


def test_backup_from_newer_program_is_refused(sqlite_template: Path, tmp_path: Path) -> None:
    path = project_db(sqlite_template, tmp_path / "p.sqlite", "P1")
    with open_database(path) as db:
        newer = backup_database(db)
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.commit()
    conn.close()
    digest = sha256(path)
    with pytest.raises(BackupInvalid, match=r"更新版本的程序.*9999_from_the_future"):
        restore_backup(newer, path)
    assert sha256(path) == digest
    assert not [p for p in list_backups_of(path) if "before-restore" in p.name]


def list_backups_of(path: Path) -> list[Path]:
    with open_database(path) as db:
        return list_backups(db)


def test_backup_of_another_project_needs_force(sqlite_template: Path, tmp_path: Path) -> None:
    mine = project_db(sqlite_template, tmp_path / "mine.sqlite", "MINE", households=2)
    theirs = project_db(sqlite_template, tmp_path / "theirs.sqlite", "THEIRS", households=5)
    digest = sha256(mine)
    with pytest.raises(BackupInvalid, match="另一个项目"):
        restore_backup(theirs, mine)
    assert sha256(mine) == digest
    report = restore_backup(theirs, mine, force=True)
    assert report.other_project and report.backup.households == 5
    assert codes(mine) == ["THEIRS"]
    assert report.safety_copy is not None and codes(report.safety_copy) == ["MINE"]


def test_restore_reports_what_it_restored(sqlite_template: Path, tmp_path: Path) -> None:
    path = project_db(sqlite_template, tmp_path / "p.sqlite", "P1", households=3)
    with open_database(path) as db:
        copy = backup_database(db)
        with db.session() as s:
            project = s.scalars(select(Project)).one()
            team, village = s.scalars(select(Team)).one(), s.scalars(select(Village)).one()
            make_household(s, project, team, village, code="T07-0004", id_number=None)
            s.commit()
    report = restore_backup(copy, path)
    assert report.backup.households == 3
    assert report.backup.project_names == ("城东新区道路工程",)
    assert report.backup.made_at.tzinfo is not None
    assert report.safety_copy is not None and read_backup(report.safety_copy).households == 4
    with open_database(path) as db, db.session() as s:
        assert len(s.scalars(select(Household.id)).all()) == 3


def test_cli_restore(
    sqlite_template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from relocation_desk.cli.main import main

    path = project_db(sqlite_template, tmp_path / "p.sqlite", "P1", households=2)
    theirs = project_db(sqlite_template, tmp_path / "theirs.sqlite", "THEIRS")
    with open_database(path) as db:
        copy = backup_database(db)
    assert main(["restore", str(copy), "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "已从备份恢复" in out and "农户 2 户" in out and "恢复前的数据库已另存为" in out
    assert main(["restore", str(theirs), "--db", str(path)]) == 1
    assert "另一个项目" in capsys.readouterr().err
    assert main(["restore", str(theirs), "--db", str(path), "--force"]) == 0
    assert "警告" in capsys.readouterr().err
    assert codes(path) == ["THEIRS"]


WRITER = textwrap.dedent(
    """
    import sys
    from relocation_desk.storage.db import open_database
    from sqlalchemy import select
    from relocation_desk.storage.models import Project, Setting
    db = open_database(sys.argv[1])
    n = 0
    while True:
        with db.session() as s:
            n += 1
            project_id = s.scalars(select(Project.id)).one()
            s.add(Setting(project_id=project_id, key=f"W{n:05d}", value=n))
            s.commit()
        print(f"committed W{n:05d}", flush=True)
        if n >= 5 and sys.stdin.readline().strip() == "stop":
            break
    db.close()
    """
)


def test_restore_while_another_process_writes_is_refused(
    sqlite_template: Path, tmp_path: Path
) -> None:
    path = project_db(sqlite_template, tmp_path / "p.sqlite", "P1")
    with open_database(path) as db:
        copy = backup_database(db)
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdin is not None and writer.stdout is not None
    committed = []
    try:
        while len(committed) < 5:
            line = writer.stdout.readline()
            assert line, "the writer process ended early"
            committed.append(line.split()[1])
        for _round in range(3):  # refused while it is idle and while it writes
            with pytest.raises(DatabaseInUse, match="正被其他程序或窗口打开"):
                restore_backup(copy, path)
            writer.stdin.write("more\n")
            writer.stdin.flush()
            committed.append(writer.stdout.readline().split()[1])
        writer.stdin.write("stop\n")
        writer.stdin.flush()
        assert writer.wait(timeout=60) == 0
    finally:
        if writer.poll() is None:
            writer.kill()
    with open_database(path) as db, db.session() as s:  # every write it made is there
        assert set(committed) <= set(s.scalars(select(Setting.key)))
    assert not [p for p in list_backups_of(path) if "before-restore" in p.name]
    # Once it has closed the database, the restore goes ahead.
    assert restore_backup(copy, path).safety_copy is not None
    assert codes(path) == ["P1"]


def test_restore_into_a_missing_database(sqlite_template: Path, tmp_path: Path) -> None:
    path = project_db(sqlite_template, tmp_path / "p.sqlite", "P1")
    with open_database(path) as db:
        copy = backup_database(db, tmp_path / "copy.sqlite")
    target = tmp_path / "new" / "restored.sqlite"
    target.parent.mkdir()
    report = restore_backup(copy, target)
    assert report.safety_copy is None and codes(target) == ["P1"]


def test_restore_needs_a_project_database(tmp_path: Path, sqlite_db: Database) -> None:
    assert sqlite_db.path is not None
    copy = backup_database(sqlite_db)
    conn = sqlite3.connect(copy)
    conn.execute("DROP TABLE alembic_version")
    conn.commit()
    conn.close()
    with pytest.raises(BackupInvalid, match="不是本程序的项目数据库"):
        read_backup(copy)
