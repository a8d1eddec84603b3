"""The demo's bulk writer stores exactly what SQLAlchemy itself would store."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert

from relocation_desk.services.bulk_writer import BulkWriter, Clock, Ids, uuid_text
from relocation_desk.storage import models as m
from relocation_desk.storage.db import open_database


def test_prerendered_values_equal_sqlalchemy_core(tmp_path: Path) -> None:
    ids = Ids(random.Random(5), base=12345, block=0)
    clock = Clock(date(2026, 5, 20))
    project, household, operator = ids.new(), ids.new(), ids.new()
    at_text = clock.at(date(2026, 5, 2).toordinal(), 9 * 60 + 30)  # 09:30 in China
    at = datetime(2026, 5, 2, 1, 30, tzinfo=UTC)
    audit = {"action": "create", "entity": "household", "before": None, "after": {"名": "王𠮷"}}
    with open_database(tmp_path / "w.sqlite", create=True) as db, db.engine.connect() as conn:
        conn.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")  # type: ignore[union-attr]
        conn.begin()
        writer = BulkWriter(conn)
        writer.add(m.AuditLog.__table__, {"id": ids.new(), "at": at_text, **audit})
        writer.add(m.Milestone.__table__, {
            "id": ids.new(), "household_id": household, "kind": "vacated",
            "happened_on": "2026-05-02", "created_at": at_text, "created_by": operator,
        })  # fmt: skip
        writer.add(m.Operator.__table__, {
            "id": operator, "project_id": project, "team_id": None, "login": "a", "name": "甲",
            "role": "member", "created_at": at_text, "updated_at": at_text,
        })  # fmt: skip
        writer.flush_all(m.Base.metadata.sorted_tables)
        conn.execute(insert(m.AuditLog.__table__), [{"id": uuid.uuid4(), "at": at, **audit}])
        conn.execute(insert(m.Milestone.__table__), [{
            "id": uuid.uuid4(), "household_id": uuid.UUID(household), "kind": "keys",
            "happened_on": date(2026, 5, 2), "created_at": at,
            "created_by": uuid.UUID(operator),
        }])  # fmt: skip
        conn.execute(insert(m.Operator.__table__), [{
            "id": uuid.uuid4(), "project_id": uuid.UUID(project), "team_id": None, "login": "b",
            "name": "甲", "role": "member", "created_at": at, "updated_at": at,
        }])  # fmt: skip
        for table, skip in (
            ("audit_log", {"id"}),
            ("milestone", {"id", "kind"}),
            ("operator", {"id", "login"}),
        ):
            cols = [c.name for c in m.Base.metadata.tables[table].columns if c.name not in skip]
            rows = conn.exec_driver_sql(f"SELECT {', '.join(cols)} FROM {table}").all()
            assert len(rows) == 2 and rows[0] == rows[1], table


def test_rows_must_name_real_columns(tmp_path: Path) -> None:
    with open_database(tmp_path / "w.sqlite", create=True) as db, db.engine.begin() as conn:
        writer = BulkWriter(conn)
        with pytest.raises(ValueError, match="unknown columns"):
            writer.add(m.Milestone.__table__, {"id": "x", "kind": "k", "colour": "red"})
        with pytest.raises(ValueError, match="no value for column"):
            writer.add(m.Milestone.__table__, {"id": "x"})
        with pytest.raises(ValueError, match="tuple columns"):
            writer.tuple_adder(m.Milestone.__table__, ("id", "kind"))


def test_ids_are_unique_ordered_and_valid_uuids() -> None:
    ids = Ids(random.Random(1), base=7, block=3)
    values = [ids.new() for _ in range(1000)]
    assert values == sorted(values) and len(set(values)) == 1000
    parsed = uuid.UUID(values[0])
    assert parsed.version == 8 and parsed.variant == uuid.RFC_4122
    assert uuid_text(values[0]) == str(parsed)
    assert Ids(random.Random(1), base=7, block=3).new() == values[0]
    assert values[0] != Ids(random.Random(2), base=7, block=3).new()
    later_block = Ids(random.Random(1), base=7, block=4).new()
    assert later_block > values[-1]  # a later team's block sorts after
    with pytest.raises(ValueError):
        Ids(random.Random(1), base=1 << 40, block=0)
