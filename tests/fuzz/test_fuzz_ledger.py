"""Fuzz the ledger importer with workbooks built here: hostile cells end in flags or messages.

Each generated workbook has a ledger's usual header and rows of hostile cells (huge and
non-finite numbers, extreme dates, hidden characters, over-long names). Reading, previewing
and a dry run must finish without a traceback; a few real imports into a new project check
that what is stored stays inside its bounds (SQLite's INTEGER would overflow at 2^63).
"""

from __future__ import annotations

import math
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from relocation_desk.domain import limits
from relocation_desk.services.ledger.importer import LedgerFileError, analyse, apply, preview

from .corpus import HOSTILE, fuzz_settings, hostile_text, timed

pytestmark = pytest.mark.fuzz

HEADER = ["户编号", "户主姓名", "身份证号码", "与户主关系", "家庭人口", "合法面积", "无证面积",
          "补偿金额", "村", "组", "地址", "联系电话", "签约日期"]  # fmt: skip


def _cell_values() -> st.SearchStrategy[Any]:
    return st.one_of(
        hostile_text(max_size=40).map(lambda t: ILLEGAL_CHARACTERS_RE.sub("?", t)),
        st.integers(min_value=-(2**80), max_value=2**80),
        st.sampled_from([2**63, -(2**63), 10**20, 10**30, 1e30, 1e20, -5, 1e308, 0.1]),
        st.floats(allow_nan=False, allow_infinity=False),
        st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31)),
        st.none(),
    )


def _workbook(path: Path, rows: list[list[Any]], sheet: str = "张庄村") -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    wb.save(path)


def _read(path: Path, target: Path | None = None) -> None:
    try:
        analysis = analyse(path)
    except LedgerFileError as exc:
        assert exc.message.strip()
        return
    preview(analysis)
    report = apply(analysis, target or path.with_suffix(".none.sqlite"), dry_run=target is None)
    for outcome in report.outcomes:
        if outcome.outcome == "rejected":
            assert outcome.reason.strip(), outcome  # a refused row always says why


_rows = st.lists(st.lists(_cell_values(), min_size=len(HEADER), max_size=len(HEADER)),
                 min_size=1, max_size=4)  # fmt: skip


@fuzz_settings(100)
@given(rows=_rows)
def test_hostile_cells_in_a_dry_run(tmp_path_factory: pytest.TempPathFactory, rows: Any) -> None:
    path = tmp_path_factory.mktemp("ledger") / "台账.xlsx"
    try:
        _workbook(path, rows)
    except (ValueError, OverflowError, TypeError):
        assume(False)  # openpyxl itself cannot write this value: not a ledger anyone has
    with timed("ledger.dry_run", rows):
        _read(path)


def _corpus_rows() -> list[list[Any]]:
    texts = [t for t in HOSTILE if not ILLEGAL_CHARACTERS_RE.search(t)]
    numbers: list[Any] = [2**63, -(2**63), 10**20, 1e20, 1e30, -5, 1e308, math.pi]
    cells = texts + numbers
    return [[cells[(i + j) % len(cells)] for j in range(len(HEADER))] for i in range(len(cells))]


def test_the_corpus_imported_for_real_stays_in_bounds(tmp_path: Path) -> None:
    """Every corpus value in every column, imported into a new project database."""
    path = tmp_path / "台账.xlsx"
    _workbook(path, _corpus_rows())
    target = tmp_path / "p.sqlite"
    with timed("ledger.corpus_import", "corpus"):
        _read(path, target)
    with sqlite3.connect(target) as conn:
        for legal, unlicensed in conn.execute(
            "SELECT legal_area_dm2, unlicensed_area_dm2 FROM structure"
        ):
            assert 0 <= legal <= limits.MAX_AREA_DM2 and 0 <= unlicensed <= limits.MAX_AREA_DM2
        for (name,) in conn.execute(
            "SELECT name FROM village UNION SELECT name FROM village_group"
        ):
            assert len(name) <= limits.TEXT_LIMITS["village_name"]
            assert not limits.hidden_chars(name)
        for (name,) in conn.execute("SELECT name FROM person"):
            assert "\u202e" not in name


@fuzz_settings(8)
@given(rows=_rows)
def test_hostile_cells_imported_for_real(
    tmp_path_factory: pytest.TempPathFactory, rows: Any
) -> None:
    folder = tmp_path_factory.mktemp("ledger")
    path = folder / "台账.xlsx"
    try:
        _workbook(path, rows)
    except (ValueError, OverflowError, TypeError):
        assume(False)
    with timed("ledger.import", rows):
        _read(path, folder / "p.sqlite")


@pytest.mark.parametrize("name", ["/dev/zero", "/dev/urandom", "/proc/version", "/tmp"])
def test_devices_and_folders_are_refused(name: str) -> None:
    with timed("ledger.devices", name), pytest.raises(LedgerFileError):
        analyse(Path(name))


def test_a_300_character_village_name_is_flagged_not_cut(tmp_path: Path) -> None:
    path = tmp_path / "台账.xlsx"
    row: list[Any] = [None] * len(HEADER)
    row[1], row[8] = "王明", "张" * 300
    _workbook(path, [row])
    report = apply(analyse(path), tmp_path / "p.sqlite")
    warnings = [w for o in report.outcomes for w in o.warnings]
    assert any("300" in w and "100" in w for w in warnings), warnings
    with sqlite3.connect(tmp_path / "p.sqlite") as conn:
        names = [n for (n,) in conn.execute("SELECT name FROM village")]
    assert "张" * 100 not in names


@pytest.mark.parametrize(
    ("column", "value", "needle"),
    [
        ("补偿金额", -5, "负数"),
        ("补偿金额", "-5元", "负数"),
        ("补偿金额", 2**63, "一百亿元"),
        ("合法面积", 1e15, "100,000㎡"),
        ("家庭人口", 1e30, "0 到 99"),
        ("户主姓名", "王\u202e明", "U+202E"),
    ],
)
def test_silently_accepted_values_are_flagged(
    tmp_path: Path, column: str, value: Any, needle: str
) -> None:
    path = tmp_path / "台账.xlsx"
    row: list[Any] = [None] * len(HEADER)
    row[1], row[2] = "王明", "410102198001010011"
    row[HEADER.index(column)] = value
    _workbook(path, [row])
    report = apply(analyse(path), tmp_path / "p.sqlite", dry_run=True)
    messages = [w for o in report.outcomes for w in o.warnings] + [
        o.reason for o in report.outcomes
    ]
    assert any(needle in m for m in messages), messages
