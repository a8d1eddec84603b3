"""Revision 0005 adds the property swap tables to a 0004 database (households kept) and its
downgrade removes them again, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import URL, inspect

from relocation_desk.storage import migrate
from relocation_desk.storage.db import open_database
from relocation_desk.storage.engine import create_engine_for

from .factories import make_household, make_project

TABLES = {
    "resettlement_flat", "resettlement_counter", "resettlement_draw", "resettlement_order",
    "resettlement_choice",
}  # fmt: skip


def _round_trip(target: Path | URL) -> None:
    engine = create_engine_for(target)
    try:
        migrate.upgrade(engine, "0004")
        assert not TABLES & set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    with open_database(target, migrate=False) as db, db.session() as s, s.begin():
        project, team, village = make_project(s)
        make_household(s, project, team, village)
    engine = create_engine_for(target)
    try:
        migrate.upgrade(engine)
        names = set(inspect(engine).get_table_names())
        assert names >= TABLES | {"household"}
        indexes = {i["name"] for i in inspect(engine).get_indexes("resettlement_choice")}
        assert "ux_resettlement_choice_active_flat" in indexes
        with engine.begin() as conn:
            command.downgrade(migrate.alembic_config(conn), "0004")
        assert not TABLES & set(inspect(engine).get_table_names())
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM household").scalar_one() == 1
    finally:
        engine.dispose()


def test_0005_round_trip_on_sqlite(tmp_path: Path) -> None:
    _round_trip(tmp_path / "p.sqlite")


@pytest.mark.postgres
def test_0005_round_trip_on_postgres(pg_url: URL) -> None:
    _round_trip(pg_url)
