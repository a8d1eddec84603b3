"""The migrated schema matches the models, and the tables hold what the app puts in them."""

from __future__ import annotations

import itertools
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import URL, inspect, select, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm.exc import StaleDataError

from relocation_desk.storage import migrate
from relocation_desk.storage.base import Base
from relocation_desk.storage.db import Database, open_database
from relocation_desk.storage.models import Household, Person, Project, Team

from .factories import make_household, make_project, random_id


def test_create_applies_migrations(new_db_target: Path | URL) -> None:
    with open_database(new_db_target, create=True) as db:
        assert db.backup_path is None  # nothing to back up in a new database
        with db.engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            revisions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
            assert list(revisions) == [_newest_revision_file()]
    assert tables == set(Base.metadata.tables) | {"alembic_version"}


def _newest_revision_file() -> str:
    """The revision of the highest-numbered script, read from the files themselves."""
    folder = migrate.MIGRATIONS_DIR / "versions"
    newest = max(folder.glob("[0-9][0-9][0-9][0-9]_*.py"), key=lambda p: p.name)
    found = re.search(r'^revision(?:: str)? = "([^"]+)"', newest.read_text(), re.MULTILINE)
    assert found, newest
    return found.group(1)


def test_migrations_form_one_line() -> None:
    """Every script but the first follows the one numbered just before it: one head, no
    branches, so every database upgrades through the same steps."""
    folder = migrate.MIGRATIONS_DIR / "versions"
    scripts = sorted(folder.glob("[0-9][0-9][0-9][0-9]_*.py"), key=lambda p: p.name)
    pattern = r'^{}(?:: [^=]+)? = "?([^"\n]+)"?'
    chain = []
    for script in scripts:
        text_ = script.read_text()
        revision = re.search(pattern.format("revision"), text_, re.MULTILINE)
        down = re.search(pattern.format("down_revision"), text_, re.MULTILINE)
        assert revision and down, script
        chain.append((revision.group(1), down.group(1)))
    assert chain[0][1] == "None"
    for (previous, _), (revision, down) in itertools.pairwise(chain):
        assert down == previous, (revision, down, previous)
    assert migrate.head_revisions() == (chain[-1][0],)


def test_migrated_schema_matches_models(db: Database) -> None:
    """What `alembic check` does: autogenerate finds nothing left to migrate."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_household_round_trip(db: Database) -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    with db.session() as s:
        project, team, village = make_project(s)
        household = make_household(s, project, team, village)
        household.closed_at = datetime(2025, 3, 1, 9, 30, tzinfo=shanghai)
        household.total_fen = 5_000_000_000  # 5000万元: beyond a 32-bit integer
        s.commit()
        household_id = household.id

    with db.session() as s:
        loaded = s.get_one(Household, household_id)
        assert isinstance(loaded.id, uuid.UUID)
        assert loaded.closed_at == datetime(2025, 3, 1, 1, 30, tzinfo=UTC)
        assert loaded.closed_at.tzinfo is UTC
        assert loaded.created_at.tzinfo is UTC
        assert abs((datetime.now(UTC) - loaded.created_at).total_seconds()) < 60
        assert loaded.total_fen == 5_000_000_000
        assert [p.name for p in loaded.persons] == ["王㑇", "李𡒄"]  # Extension B survives
        assert loaded.persons[0].id_number == "410102198001011234"
        assert [st.label for st in loaded.structures] == ["主房", "偏房"]
        assert sum(st.legal_area_dm2 for st in loaded.structures) == 12_050
        assert loaded.attachments[0].quantity_milli == 1_000
        assert loaded.row_version == 2  # inserted, then updated in the same session


def test_naive_datetime_is_refused(db: Database) -> None:
    with db.session() as s:
        project, team, village = make_project(s)
        household = make_household(s, project, team, village)
        household.closed_at = datetime(2025, 3, 1, 9, 30)
        with pytest.raises(StatementError, match="naive datetime"):
            s.flush()


def test_foreign_key_violation_is_refused(db: Database) -> None:
    with db.session() as s:
        s.add(Team(project_id=random_id(), code="T01", name="第一工作组"))
        with pytest.raises(IntegrityError):
            s.flush()


def test_household_code_unique_per_project(db: Database) -> None:
    with db.session() as s:
        project, team, village = make_project(s)
        make_household(s, project, team, village, code="T07-0001", id_number=None)
        other, other_team, other_village = make_project(s, code="P2")
        make_household(s, other, other_team, other_village, code="T07-0001", id_number=None)
        s.commit()
        s.add(
            Household(
                project_id=project.id,
                code="T07-0001",
                team_id=team.id,
                village_id=village.id,
                status="surveyed",
            )
        )
        with pytest.raises(IntegrityError):
            s.flush()


def test_id_number_unique_per_project(db: Database) -> None:
    with db.session() as s:
        project, team, village = make_project(s)
        make_household(s, project, team, village, code="T07-0001")  # its spouse has no number
        make_household(s, project, team, village, code="T07-0002", id_number=None)
        s.commit()  # several persons without an id number are fine
        with pytest.raises(IntegrityError):
            make_household(s, project, team, village, code="T07-0003")  # flushes
        s.rollback()
        other, other_team, other_village = make_project(s, code="P2")
        make_household(s, other, other_team, other_village)  # same person, other project
        s.commit()
        count = s.scalar(select(Person.id).where(Person.id_number == "410102198001011234"))
        assert count is not None


def test_concurrent_update_raises_stale_data(db: Database) -> None:
    """Two windows edit the same household: the second save is refused, not lost."""
    with db.session() as s:
        project, team, village = make_project(s)
        household_id = make_household(s, project, team, village).id
        s.commit()

    with db.session() as first, db.session() as second:
        a = first.get_one(Household, household_id)
        b = second.get_one(Household, household_id)
        first.commit()  # end both read transactions: a form shows the data, then waits
        second.commit()
        a.remarks = "第一个窗口"
        first.commit()
        b.remarks = "第二个窗口"
        with pytest.raises(StaleDataError):
            second.commit()

    with db.session() as s:
        saved = s.get_one(Household, household_id)
        assert (saved.remarks, saved.row_version) == ("第一个窗口", 2)


def test_sqlite_connection_settings(sqlite_db: Database) -> None:
    sqlite_db.engine.dispose()  # the next connection is a new one from the pool
    with sqlite_db.engine.connect() as conn:

        def pragma(name: str) -> object:
            return conn.exec_driver_sql(f"PRAGMA {name}").scalar()

        assert pragma("foreign_keys") == 1
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("busy_timeout") == 5000
        assert pragma("application_id") == int.from_bytes(b"RlDk", "big")


def test_sqlite_transactions_really_begin(sqlite_db: Database) -> None:
    """pysqlite's legacy mode would run SELECT and DDL outside a transaction."""
    with sqlite_db.engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        conn.execute(select(Project.id)).all()
        assert raw.in_transaction  # a SELECT began a real transaction
        conn.exec_driver_sql("CREATE TABLE scratch (x INTEGER)")
        conn.rollback()
        assert not raw.in_transaction
        assert "scratch" not in inspect(conn).get_table_names()  # DDL rolled back too


def test_savepoint_rolls_back_inside_transaction(db: Database) -> None:
    with db.session() as s:
        make_project(s, code="KEEP")
        with pytest.raises(IntegrityError), s.begin_nested():
            s.add(Project(code="KEEP", name="重复"))
            s.flush()
        s.commit()
        assert s.scalars(select(Project.code)).all() == ["KEEP"]
