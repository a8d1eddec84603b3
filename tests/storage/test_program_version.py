"""The database records which program versions wrote it (revision 0008), and a database a
newer version wrote is pointed out before anyone works in it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import URL, select

from relocation_desk import __version__
from relocation_desk.storage import models as m
from relocation_desk.storage.db import open_database
from relocation_desk.storage.program_version import (
    WrittenBy,
    newer_version_warning,
    read_writers,
    record_writer,
    version_key,
)


def _rows(path: Path | URL) -> list[tuple[str, datetime, datetime]]:
    db = open_database(path, migrate=False)
    try:
        with db.session() as s:
            p = m.ProgramVersion
            return [tuple(r) for r in s.execute(select(p.version, p.first_written_at,
                                                       p.last_written_at))]  # fmt: skip
    finally:
        db.close()


def test_opening_for_writing_records_this_version(new_db_target: Path | URL) -> None:
    path = new_db_target
    db = open_database(path, create=True)
    assert db.written_by == () and db.newer_version_warning is None  # new: nobody before
    db.close()
    [(version, first, last)] = _rows(path)
    assert version == __version__ and first == last
    db = open_database(path)
    assert [w.version for w in db.written_by] == [__version__]
    assert db.newer_version_warning is None
    db.close()
    [(version, first_again, last_again)] = _rows(path)
    assert first_again == first and last_again >= last
    # Opening without migrating (backups, ``info``) writes nothing.
    with open_database(path, migrate=False) as ro:
        record_count = len(_rows(path))
        assert ro.written_by == ()
    assert len(_rows(path)) == record_count == 1


def test_a_newer_version_is_pointed_out(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite"
    with open_database(path, create=True) as db:
        record_writer(db.engine, datetime(2027, 5, 1, 8, 0, tzinfo=UTC), version="99.1.0")
    with open_database(path) as db:
        assert [w.version for w in db.written_by] == [__version__, "99.1.0"]
        warning = db.newer_version_warning
        assert warning is not None and "99.1.0" in warning and __version__ in warning
        assert "升级" in warning
        newer = db.written_by[-1]
        assert newer.first_written_at == datetime(2027, 5, 1, 8, 0, tzinfo=UTC)
        with db.engine.connect() as conn:
            assert [w.version for w in read_writers(conn)] == [__version__, "99.1.0"]
    assert newer_version_warning(()) is None


def test_version_order() -> None:
    assert version_key("0.10.0") > version_key("0.9.9")
    assert version_key("1.0") == version_key("1.0.0") == version_key("1")
    assert version_key("1.2rc1") == version_key("1.2")
    assert version_key("dev") == version_key("0")
    at = datetime(2026, 1, 1, tzinfo=UTC)
    older = (WrittenBy("0.0.9", at, at), WrittenBy(__version__, at, at))
    assert newer_version_warning(older) is None
    assert newer_version_warning(older, version="0.0.1") is not None


def test_a_0007_database_upgrades_and_records_this_version(tmp_path: Path) -> None:
    """Revision 0008 adds the table to an existing project (backed up first, as every
    upgrade); the opening that upgrades it is the first one recorded; down again, it goes."""
    from alembic import command
    from sqlalchemy import inspect

    from relocation_desk.storage import migrate
    from relocation_desk.storage.engine import create_engine_for

    path = tmp_path / "p.sqlite"
    path.touch()
    engine = create_engine_for(path)
    try:
        migrate.upgrade(engine, "0007")
    finally:
        engine.dispose()
    with open_database(path, migrate=False) as old, old.engine.connect() as conn:
        assert not inspect(conn).has_table("program_version")
        assert read_writers(conn) == ()
    with open_database(path) as db:
        assert db.backup_path is not None and db.backup_path.is_file()
        assert db.written_by == ()  # nobody recorded before this version
    assert [r[0] for r in _rows(path)] == [__version__]
    engine = create_engine_for(path)
    try:
        with engine.begin() as conn:
            command.downgrade(migrate.alembic_config(conn), "0007")
        with engine.connect() as conn:
            assert not inspect(conn).has_table("program_version")
    finally:
        engine.dispose()
