"""Opening databases: refusals, upgrades with a backup first, failed upgrades, locks."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import URL, inspect, select, text

from relocation_desk.storage import migrate
from relocation_desk.storage.db import Database, open_database
from relocation_desk.storage.errors import (
    DatabaseLocked,
    DatabaseNotFound,
    DatabaseTooNew,
    MigrationFailed,
    NotADatabase,
    ReadOnly,
    ServerUnavailable,
)
from relocation_desk.storage.models import Household, Project

from ..pgserver import PostgresServer, _free_port
from .factories import make_household, make_project

NEW_REVISION = "9000_test_only"
ADD_COLUMN = """
with op.batch_alter_table("project") as batch:  # rebuilds a table many others refer to
    batch.add_column(sa.Column("test_note", sa.String(20), nullable=False, server_default=""))
"""
FAIL_HALFWAY = ADD_COLUMN + "\nraise RuntimeError('test migration fails on purpose')\n"

AddRevision = Callable[[str], None]


@pytest.fixture
def add_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AddRevision:
    """Make this program one migration newer than the databases the tests create."""

    def add(body: str) -> None:
        folder = tmp_path / "extra_versions"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        monkeypatch.setattr(migrate, "EXTRA_VERSION_LOCATIONS", [])
        down = migrate.head_revisions()
        (folder / f"{NEW_REVISION}.py").write_text(
            "import sqlalchemy as sa\nfrom alembic import op\n\n"
            f"revision = {NEW_REVISION!r}\ndown_revision = {down!r}\n"
            "branch_labels = None\ndepends_on = None\n\n\n"
            "def upgrade():\n" + textwrap.indent(body.strip(), "    ") + "\n\n\n"
            "def downgrade():\n    pass\n",
            encoding="utf-8",
        )
        monkeypatch.setattr(migrate, "EXTRA_VERSION_LOCATIONS", [folder])

    return add


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def revisions_in(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT version_num FROM alembic_version")]
    finally:
        conn.close()


@pytest.fixture
def project_file(sqlite_template: Path, tmp_path: Path) -> Path:
    """A database at today's head with one household in it, closed."""
    path = tmp_path / "project.sqlite"
    shutil.copyfile(sqlite_template, path)
    with open_database(path) as db, db.session() as s:
        make_household(s, *make_project(s))
        s.commit()
    return path


# --- Refusals -------------------------------------------------------------------------------


def test_missing_file_without_create(tmp_path: Path) -> None:
    with pytest.raises(DatabaseNotFound, match="找不到数据库文件"):
        open_database(tmp_path / "nope.sqlite")
    assert not (tmp_path / "nope.sqlite").exists()


def test_create_makes_missing_folders(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "项目.sqlite"
    open_database(path, create=True).close()
    assert revisions_in(path) == list(migrate.head_revisions())


def test_text_file_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("这不是数据库\n" * 100, encoding="utf-8")
    for create in (False, True):
        with pytest.raises(NotADatabase, match="不是数据库文件") as info:
            open_database(path, create=create)
        assert info.value.path == path
    assert path.read_text(encoding="utf-8").startswith("这不是数据库")


def test_folder_is_not_a_database(tmp_path: Path) -> None:
    with pytest.raises(NotADatabase):
        open_database(tmp_path)


def test_other_sqlite_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.commit()
    conn.close()
    before = sha256(path)
    with pytest.raises(NotADatabase, match="其他程序的数据库"):
        open_database(path, create=True)
    assert sha256(path) == before  # not even switched to WAL


def test_empty_file_opens_only_with_create(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite"
    path.touch()
    with pytest.raises(NotADatabase, match="是空的"):
        open_database(path)
    open_database(path, create=True).close()
    assert revisions_in(path) == list(migrate.head_revisions())


def test_database_from_newer_program_is_refused_untouched(project_file: Path) -> None:
    conn = sqlite3.connect(project_file)
    conn.execute("UPDATE alembic_version SET version_num = 'f00d_from_the_future'")
    conn.commit()
    conn.close()
    before = sha256(project_file)
    with pytest.raises(DatabaseTooNew) as info:
        open_database(project_file)
    assert info.value.revision == "f00d_from_the_future"
    assert info.value.message == (
        "该数据库由更新版本的程序创建（版本 f00d_from_the_future），"
        "请升级本程序后再打开；数据库未作任何改动"
    )
    assert sha256(project_file) == before
    assert not (project_file.parent / "backups").exists()


def test_read_only_file_is_reported(project_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests may run as root, which may write anywhere; pretend the medium is read-only.
    monkeypatch.setattr("relocation_desk.storage.db.os.access", lambda *_a, **_k: False)
    with pytest.raises(ReadOnly, match="只读"):
        open_database(project_file)


# --- Upgrades -------------------------------------------------------------------------------


def test_older_database_is_backed_up_then_upgraded(
    project_file: Path, add_revision: AddRevision
) -> None:
    old_head = revisions_in(project_file)
    add_revision(ADD_COLUMN)
    with open_database(project_file) as db:
        backup = db.backup_path
        assert backup is not None
        assert backup.parent == project_file.parent / "backups"
        assert backup.name.startswith("project-")
        assert backup.name.endswith(f"-before-{old_head[0]}.sqlite")
        with db.session() as s:
            assert s.scalar(text("SELECT test_note FROM project")) == ""
            assert s.scalar(select(Household.code)) == "T07-0001"
            assert s.execute(text("PRAGMA foreign_key_check")).all() == []
            assert s.scalar(text("PRAGMA foreign_keys")) == 1  # back on after migrating
    assert revisions_in(project_file) == [NEW_REVISION]
    assert revisions_in(backup) == old_head  # the backup is the database as it was


def test_failed_upgrade_restores_the_backup(project_file: Path, add_revision: AddRevision) -> None:
    old_head = revisions_in(project_file)
    add_revision(FAIL_HALFWAY)
    with pytest.raises(MigrationFailed, match="test migration fails on purpose") as info:
        open_database(project_file)
    backup = info.value.backup_path
    assert backup is not None and backup.exists()
    assert str(backup) in info.value.message
    assert revisions_in(project_file) == old_head
    conn = sqlite3.connect(project_file)
    columns = [r[1] for r in conn.execute("PRAGMA table_info(project)")]
    assert "test_note" not in columns
    assert conn.execute("SELECT code FROM household").fetchall() == [("T07-0001",)]
    conn.close()


def test_failed_creation_leaves_no_file(tmp_path: Path, add_revision: AddRevision) -> None:
    add_revision(FAIL_HALFWAY)
    path = tmp_path / "new.sqlite"
    with pytest.raises(MigrationFailed, match="新建数据库失败"):
        open_database(path, create=True)
    assert list(tmp_path.glob("new.sqlite*")) == []


def test_upgrade_waits_for_lock_then_reports_it(
    project_file: Path, add_revision: AddRevision
) -> None:
    add_revision(ADD_COLUMN)
    other = sqlite3.connect(project_file, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseLocked, match="占用"):
            open_database(project_file, busy_timeout=0.2)
    finally:
        other.rollback()
        other.close()
    assert revisions_in(project_file) != [NEW_REVISION]
    open_database(project_file).close()  # and once the other program is done, it works
    assert revisions_in(project_file) == [NEW_REVISION]


def test_write_while_another_program_writes(project_file: Path) -> None:
    other = sqlite3.connect(project_file, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with open_database(project_file, busy_timeout=0.3) as db:
            with db.session() as s:  # reading is fine: WAL readers do not wait for writers
                assert s.scalar(select(Project.code)) == "P1"
            with db.session() as s:
                # The writer waits the busy timeout it was given (in ms on the connection),
                # then tells the user what to do instead of failing with a lock error.
                assert s.connection().exec_driver_sql("PRAGMA busy_timeout").scalar() == 300
                s.add(Project(code="P2", name="第二个项目"))
                with pytest.raises(DatabaseLocked) as info:
                    s.commit()
                assert "请关闭同时打开该数据库的其他程序或窗口后重试" in info.value.message
            with db.session(immediate=True) as s, pytest.raises(DatabaseLocked):
                s.scalar(select(Project.code))  # BEGIN IMMEDIATE itself waits, then fails
    finally:
        other.rollback()
        other.close()


# --- PostgreSQL -----------------------------------------------------------------------------


@pytest.mark.postgres
def test_postgres_refusals(pg_server: PostgresServer, pg_url: URL) -> None:
    with pytest.raises(DatabaseNotFound, match="还没有建立项目数据"):
        open_database(pg_url)
    with pytest.raises(DatabaseNotFound, match="没有名为"):
        open_database(pg_server.url("no_such_database"))
    with pytest.raises(ServerUnavailable, match="无法连接数据库服务器"):
        open_database(pg_url.set(port=_free_port()))
    with pg_server.connect(pg_url.database or "") as conn:
        conn.execute(b"CREATE TABLE contacts (name text)")
    with pytest.raises(NotADatabase, match="其他程序"):
        open_database(pg_url, create=True)


@pytest.mark.postgres
def test_postgres_newer_database_is_refused(pg_server: PostgresServer, pg_url: URL) -> None:
    open_database(pg_url, create=True).close()
    with pg_server.connect(pg_url.database or "") as conn:
        conn.execute(b"UPDATE alembic_version SET version_num = 'f00d_from_the_future'")
    with pytest.raises(DatabaseTooNew, match="f00d_from_the_future"):
        open_database(pg_url)


@pytest.mark.postgres
def test_postgres_upgrade_and_failed_upgrade(
    pg_url: URL, add_revision: AddRevision, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_database(pg_url, create=True) as db, db.session() as s:
        make_household(s, *make_project(s))
        s.commit()
    add_revision(FAIL_HALFWAY)
    with pytest.raises(MigrationFailed, match="所有改动均已撤销"):
        open_database(pg_url)
    with open_database(pg_url, migrate=False) as db, db.engine.connect() as conn:
        assert "test_note" not in {c["name"] for c in inspect(conn).get_columns("project")}
        assert conn.scalar(text("SELECT version_num FROM alembic_version")) != NEW_REVISION

    add_revision(ADD_COLUMN)
    with open_database(pg_url) as db, db.session() as s:
        assert db.backup_path is None  # HQ's server is backed up by its administrator
        assert s.scalar(text("SELECT test_note FROM project")) == ""
        assert s.scalar(text("SELECT version_num FROM alembic_version")) == NEW_REVISION


def test_revision_graph_agrees_with_alembic(add_revision: AddRevision) -> None:
    """db.py reads revisions from the scripts' source to spare importing Alembic at start."""
    for extra in (False, True):
        if extra:
            add_revision(ADD_COLUMN)
        scripts = migrate.script_directory()
        assert migrate.head_revisions() == tuple(sorted(scripts.get_heads()))
        for script in scripts.walk_revisions():
            assert migrate.is_known_revision(script.revision)
    assert migrate.head_revisions() == (NEW_REVISION,)
    assert not migrate.is_known_revision("f00d_from_the_future")


def test_stale_read_transaction_cannot_write(sqlite_db: Database) -> None:
    """WAL: a session that read before another committed cannot write; immediate=True can."""
    with sqlite_db.session() as s:
        make_project(s)
        s.commit()
    with sqlite_db.session() as reader, sqlite_db.session() as writer:
        project = reader.scalars(select(Project)).one()  # the read transaction stays open
        writer.add(Project(code="P2", name="第二个项目"))
        writer.commit()
        project.description = "改"
        with pytest.raises(DatabaseLocked, match="刚被其他窗口或程序修改"):
            reader.commit()
    with sqlite_db.session(immediate=True) as reader, sqlite_db.session() as writer:
        project = reader.scalars(select(Project).where(Project.code == "P1")).one()
        project.description = "改"
        reader.commit()  # took the write lock when it began: nobody could write in between
        assert writer.scalar(select(Project.description).where(Project.code == "P1")) == "改"
