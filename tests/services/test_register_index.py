"""The register index's filters agree with a plain substring search over the search texts."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from relocation_desk.domain.search import SEP
from relocation_desk.services.households.register import QuickFilter, Register
from relocation_desk.services.households.register_index import split_search_text
from relocation_desk.storage.db import open_database


def test_split_keeps_every_field_searchable() -> None:
    text = SEP.join(["t01-0001", "王𠮷", "wj", "wangji", "41010219800101123x", "买买提·abc"])
    ascii_part, names = split_search_text(text)
    assert ascii_part.split(SEP) == ["t01-0001", "wj", "wangji", "41010219800101123x", "买买提·abc"]
    assert names.split(SEP) == ["王𠮷", "买买提·abc"]


@pytest.fixture
def register(tmp_path: Path, demo_db_path: Path) -> Register:
    target = tmp_path / "r.sqlite"
    shutil.copy(demo_db_path, target)
    return Register(open_database(target))


@pytest.mark.parametrize("query", ["王", "w", "wang", "zh", "4101", "T01-00", "138", "明"])
def test_filter_equals_plain_substring_search(
    register: Register, demo_db_path: Path, query: str
) -> None:
    with sqlite3.connect(demo_db_path) as conn:
        expected = [
            code
            for code, text in conn.execute("select code, search_text from household order by code")
            if query.lower() in text
        ]
    rows = register.select(query)
    assert [register.index._cols["code"][n] for n in rows] == expected


def test_typing_narrows_and_backspace_widens(register: Register) -> None:
    wide = register.select("w")
    narrow = register.select("wa")
    assert set(narrow) <= set(wide)
    assert register.select("w") == wide  # deleting a character is not narrowed from "wa"


def test_quick_filter_and_text_together(register: Register, demo_db_path: Path) -> None:
    village = register.villages[0]
    with sqlite3.connect(demo_db_path) as conn:
        expected = [
            code
            for code, text in conn.execute(
                "select code, search_text from household where village_id = ? order by code",
                (village.id.hex,),
            )
            if "w" in text
        ]
    rows = register.select("w", QuickFilter(village_id=village.id))
    assert [register.index._cols["code"][n] for n in rows] == expected
