"""Backups, restore, durability of commits, and the environment errors users can act on."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from relocation_desk.storage import backup as backups
from relocation_desk.storage.backup import (
    backup_database,
    last_backup_time,
    list_backups,
    make_backup,
)
from relocation_desk.storage.db import Database, open_database
from relocation_desk.storage.engine import APPLICATION_ID, create_engine_for
from relocation_desk.storage.errors import BackupInvalid, DiskFull, ReadOnly, StorageError
from relocation_desk.storage.models import AuditLog, Project
from relocation_desk.storage.restore import restore_backup

from .factories import make_project


def count_projects(path: Path) -> int:
    conn = sqlite3.connect(path.absolute().as_uri() + "?mode=ro", uri=True)
    try:
        count: int = conn.execute("SELECT count(*) FROM project").fetchone()[0]
        return count
    finally:
        conn.close()


def test_backup_while_a_window_has_uncommitted_work(sqlite_db: Database) -> None:
    assert sqlite_db.path is not None
    assert last_backup_time(sqlite_db) is None
    with sqlite_db.session() as s:
        make_project(s, code="SAVED")
        s.commit()
    with sqlite_db.session() as s:
        make_project(s, code="UNSAVED")  # flushed, not committed: holds the write lock
        copy = backup_database(sqlite_db)
        s.commit()
    assert copy.parent == sqlite_db.path.parent / "backups"
    assert count_projects(copy) == 1  # the committed state only
    conn = sqlite3.connect(copy)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one plain file
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn.close()
    assert not Path(str(copy) + "-wal").exists()
    made = last_backup_time(sqlite_db)
    assert made is not None and made.tzinfo is UTC
    assert datetime.now(UTC) - made < timedelta(minutes=1)
    assert list_backups(sqlite_db) == [copy]


def test_backup_to_a_chosen_file(sqlite_db: Database, tmp_path: Path) -> None:
    dest = tmp_path / "U盘" / "备份.sqlite"
    assert backup_database(sqlite_db, dest) == dest
    assert count_projects(dest) == 0


def test_automatic_backups_keep_the_last_ten(sqlite_db: Database) -> None:
    assert sqlite_db.path is not None
    made = [
        make_backup(sqlite_db.engine, sqlite_db.path, label="before-0001", keep=10)
        for _ in range(12)
    ]
    plain = backup_database(sqlite_db)  # other kinds are not pruned with them
    left = set(list_backups(sqlite_db))
    assert left == {*made[2:], plain}


def test_postgres_database_is_not_backed_up_here(db: Database) -> None:
    if db.path is None:
        with pytest.raises(StorageError, match="pg_dump"):
            backup_database(db)
        assert last_backup_time(db) is None
    else:
        assert backup_database(db).exists()


def test_restore_replaces_the_database(sqlite_db: Database) -> None:
    path = sqlite_db.path
    assert path is not None
    with sqlite_db.session() as s:
        make_project(s, code="OLD")
        s.commit()
    copy = backup_database(sqlite_db)
    with sqlite_db.session() as s:
        s.add(Project(code="NEW", name="备份之后新建"))
        s.commit()
    sqlite_db.close()

    report = restore_backup(copy, path)
    safety = report.safety_copy
    assert safety is not None and count_projects(safety) == 2  # what was replaced, kept
    with open_database(path) as db, db.session() as s:
        assert s.scalars(select(Project.code)).all() == ["OLD"]
        assert s.scalar(text("PRAGMA journal_mode")) == "wal"


def test_restore_refuses_bad_backups(sqlite_db: Database, tmp_path: Path) -> None:
    path = sqlite_db.path
    assert path is not None
    good = backup_database(sqlite_db)
    sqlite_db.close()
    before = path.read_bytes()

    text_file = tmp_path / "notes.sqlite"
    text_file.write_text("不是数据库", encoding="utf-8")
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    damaged = tmp_path / "damaged.sqlite"
    data = bytearray(good.read_bytes())
    data[4096 * 3 : 4096 * 6] = b"\xff" * (4096 * 3)  # overwrite some table pages
    damaged.write_bytes(bytes(data))

    for bad, reason in [
        (text_file, "不是数据库文件"),
        (other, "不是本程序的项目数据库"),
        (damaged, "文件已损坏"),
        (tmp_path / "missing.sqlite", "无法读取文件"),
    ]:
        with pytest.raises(BackupInvalid, match=reason):
            restore_backup(bad, path)
    assert path.read_bytes() == before


def test_committed_data_survives_a_killed_process(tmp_path: Path, sqlite_template: Path) -> None:
    path = tmp_path / "project.sqlite"
    path.write_bytes(sqlite_template.read_bytes())
    script = textwrap.dedent(
        f"""
        import os
        from relocation_desk.storage.db import open_database
        from relocation_desk.storage.models import Project
        db = open_database({str(path)!r})
        with db.session() as s:
            s.add(Project(code="DAY1", name="一天的录入"))
            s.commit()
        os._exit(0)  # no close, no checkpoint: as if the program was killed
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    assert Path(str(path) + "-wal").stat().st_size > 0  # the commit is still in the WAL
    with open_database(path) as db, db.session() as s:
        assert s.scalars(select(Project.code)).all() == ["DAY1"]


def test_full_disk_is_reported(sqlite_db: Database) -> None:
    with sqlite_db.session() as s:
        pages = s.scalar(text("PRAGMA page_count"))
        s.execute(text(f"PRAGMA max_page_count = {pages + 2}"))  # a nearly full disk
        s.add_all(AuditLog(action="create", entity="x", note="填" * 2000) for _ in range(50))
        with pytest.raises(DiskFull, match="磁盘空间已满"):
            s.commit()
        s.rollback()
        assert s.scalar(select(func.count()).select_from(AuditLog)) == 0


def test_read_only_database_is_reported(sqlite_db: Database) -> None:
    assert sqlite_db.path is not None
    uri = f"sqlite:///file:{sqlite_db.path}?mode=ro&uri=true"
    engine = create_engine_for(uri)
    try:
        with engine.connect() as conn, pytest.raises(ReadOnly, match="只读"):
            conn.execute(
                text(
                    "INSERT INTO project (id, code, name, county, description, "
                    "created_at, updated_at) VALUES ('x', 'c', 'n', '', '', '', '')"
                )
            )
    finally:
        engine.dispose()


def test_backup_name_pattern(tmp_path: Path) -> None:
    db_path = tmp_path / "项目-A.sqlite"
    folder = backups.backup_dir(db_path)
    folder.mkdir()
    for name in [
        "项目-A-20250301T083012Z.sqlite",
        "项目-A-20250301T083012Z.2.sqlite",
        "项目-A-20250302T000000Z-before-0001.sqlite",
        "项目-A-old.sqlite",  # not ours: left alone
        "项目-B-20250303T000000Z.sqlite",
    ]:
        (folder / name).touch()
    found = {(when.day, label) for when, label, _p in backups._backups(db_path)}
    assert found == {(1, ""), (2, "before-0001")}
    assert os.path.exists(folder / "项目-A-old.sqlite")


def test_restore_over_a_damaged_database(sqlite_db: Database) -> None:
    path = sqlite_db.path
    assert path is not None
    copy = backup_database(sqlite_db)
    sqlite_db.close()
    path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 50_000)  # a ruined file
    assert restore_backup(copy, path).safety_copy is None  # nothing worth keeping
    with open_database(path) as db, db.session() as s:
        assert s.scalar(select(func.count()).select_from(Project)) == 0
