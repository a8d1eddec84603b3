"""Reading a package's rows (``bundle.decode_row``): typed values for the tables, and a
refusal naming the first column, in the table's order, whose value does not fit."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest

from relocation_desk.services.exchange.bundle import BundleRefused, decode_row


def _person(**changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "project_id": uuid.uuid4().hex, "household_id": uuid.uuid4().hex, "sort_order": 1,
        "name": "张三", "id_number": None, "relation": "户主", "is_head": True, "sex": "男",
        "birth_date": "1970-03-04", "phone": None, "is_cadre": False,
        "is_cadre_relative": False, "cadre_note": "", "is_dibao": False, "is_disabled": False,
        "special_note": "", "id": uuid.uuid4().hex,
        "created_at": "2026-11-20 08:30:00.123456", "updated_at": "2026-11-21 09:00:00.000000",
    }  # fmt: skip
    row.update(changes)
    return row


def test_values_come_back_typed() -> None:
    raw = _person(id=uuid.uuid4().hex.upper())
    row = decode_row("person", raw)
    assert row["id"] == uuid.UUID(hex=raw["id"]) and isinstance(row["id"], uuid.UUID)
    assert row["id"].hex == raw["id"].lower() and str(row["id"]) == str(uuid.UUID(raw["id"]))
    assert hash(row["id"]) == hash(uuid.UUID(hex=raw["id"]))
    assert row["household_id"] == uuid.UUID(hex=raw["household_id"])
    assert row["birth_date"] == date(1970, 3, 4)
    assert row["created_at"] == datetime(2026, 11, 20, 8, 30, 0, 123456, tzinfo=UTC)
    assert row["is_head"] is True and row["sort_order"] == 1 and row["name"] == "张三"
    dashed = decode_row("person", _person(id=str(row["id"])))  # the constructor's other forms
    assert dashed["id"] == row["id"]


@pytest.mark.parametrize(
    ("changes", "column"),
    [
        ({"id": "g" * 32}, "id"),
        ({"id": "12345"}, "id"),
        ({"household_id": 5}, "household_id"),
        ({"sort_order": "1"}, "sort_order"),
        ({"sort_order": 2**63}, "sort_order"),
        ({"sort_order": True}, "sort_order"),
        ({"name": 7}, "name"),
        ({"is_head": 1}, "is_head"),
        ({"birth_date": "1970-3-4"}, "birth_date"),
        ({"created_at": "yesterday"}, "created_at"),
        # Several unfit values: the first in the table's order is named.
        ({"updated_at": "x", "is_head": "y", "sort_order": "z", "household_id": "w"},
         "household_id"),
        ({"id": None}, "id"),
    ],
)  # fmt: skip
def test_a_value_that_does_not_fit_names_its_column(changes: dict[str, Any], column: str) -> None:
    with pytest.raises(BundleRefused) as refused:
        decode_row("person", _person(**changes))
    assert f"person.{column}" in str(refused.value)
