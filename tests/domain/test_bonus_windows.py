"""Every reward window's first and last day, through every user of the window rule.

Which window a day falls in is decided once (``domain.scheme.find_window``); the engine's line,
the inputs hash (whether a calculation is stale), the agreement's reward status and the demo all
ask there. Each is checked here at each window's edges, so a changed comparison cannot pass.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from relocation_desk import i18n
from relocation_desk.domain.engine import compute, inputs_hash
from relocation_desk.domain.engine_rules import window_for
from relocation_desk.domain.household_input import HouseholdInput, StructureInput
from relocation_desk.domain.scheme import BonusWindow, RateItem, RateKind, Scheme
from relocation_desk.domain.scheme_parse import parse_scheme
from relocation_desk.domain.status import StructureType
from relocation_desk.services.agreements.facts import bonus_statuses

SAMPLE = Path(__file__).resolve().parents[2] / "resources/schemes/sample-scheme.json"
AS_OF = date(2026, 3, 15)  # before every window: a recorded date must decide, not as_of


@pytest.fixture(autouse=True)
def _chinese():  # type: ignore[no-untyped-def]
    before = i18n.language()
    i18n.set_language("zh_CN")
    yield
    i18n.set_language(before)


def _scheme() -> Scheme:
    return parse_scheme(json.loads(SAMPLE.read_text(encoding="utf-8")))


def _cases() -> list[tuple[str, int, str, date, int]]:
    """(item code, window index, edge, day, index of the window the day falls in)."""
    cases = []
    for item in _scheme().items:
        if item.kind is not RateKind.BONUS_WINDOW:
            continue
        windows = item.windows
        for i, w in enumerate(windows):
            before, after = w.start - timedelta(days=1), w.end + timedelta(days=1)
            cases.append((item.code, i, "first", w.start, i))
            cases.append((item.code, i, "last", w.end, i))
            outside_before = next((j for j, o in enumerate(windows) if o.contains(before)), -1)
            outside_after = next((j for j, o in enumerate(windows) if o.contains(after)), -1)
            cases.append((item.code, i, "day before", before, outside_before))
            cases.append((item.code, i, "day after", after, outside_after))
    assert {c[0] for c in cases} >= {"SIGN-BONUS", "VACATE-BONUS"}
    return cases


CASES = _cases()
SIGNING_CASES = [c for c in CASES if c[0] == "SIGN-BONUS"]  # the agreement states these


def _item(scheme: Scheme, code: str) -> RateItem:
    return next(it for it in scheme.items if it.code == code)


def _household(item: RateItem, day: date) -> HouseholdInput:
    dated = {"vacated_on": day} if item.date_source == "vacated" else {"signed_on": day}
    structure = StructureInput(StructureType.BRICK_CONCRETE, 10000, 0)  # 100.00 ㎡
    return HouseholdInput("T01-0001", 1, (structure,), (), **dated)


def _expected(item: RateItem, index: int) -> BonusWindow | None:
    return item.windows[index] if index >= 0 else None


@pytest.mark.parametrize(("code", "window", "edge", "day", "index"), CASES)
def test_window_lookup(code: str, window: int, edge: str, day: date, index: int) -> None:
    item = _item(_scheme(), code)
    assert window_for(item, day) == (index, _expected(item, index))


@pytest.mark.parametrize(("code", "window", "edge", "day", "index"), CASES)
def test_engine_line(code: str, window: int, edge: str, day: date, index: int) -> None:
    scheme = _scheme()
    item = _item(scheme, code)
    result = compute(_household(item, day), scheme, as_of=AS_OF)
    line = next(ln for ln in result.lines if ln.item_code == code)
    expected = _expected(item, index)
    if expected is None:
        assert (line.rate_fen, line.amount_fen) == (0, 0)
        assert "不在奖励期" in line.explanation
    else:
        assert line.rate_fen == expected.rate_fen
        assert line.amount_fen > 0 or expected.rate_fen == 0
        assert f"{expected.start.isoformat()} 至 {expected.end.isoformat()}" in line.explanation


def _only(code: str) -> Scheme:
    """The sample scheme with one reward item: the hash then depends on that item's window."""
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    data["items"] = [it for it in data["items"] if it["code"] == code]
    return parse_scheme(data)


@pytest.mark.parametrize(("code", "window", "edge", "day", "index"), CASES)
def test_inputs_hash(code: str, window: int, edge: str, day: date, index: int) -> None:
    """For a household not yet signed (or vacated), a calculation goes stale exactly when the
    day it is judged by moves to another window or out of them all. (A recorded date is part of
    the household's data, so any change of it changes the hash anyway.)"""
    scheme = _only(code)
    household = HouseholdInput(
        "T01-0001", 1, (StructureInput(StructureType.BRICK_CONCRETE, 10000, 0),), ()
    )
    w = scheme.items[0].windows[window]
    inside = inputs_hash(household, scheme, as_of=w.start)
    here = inputs_hash(household, scheme, as_of=day)
    assert (here == inside) == (index == window)


def test_unsigned_household_is_judged_by_as_of_at_the_edges() -> None:
    scheme = _scheme()
    item = _item(scheme, "SIGN-BONUS")
    household = HouseholdInput(
        "T01-0001", 1, (StructureInput(StructureType.BRICK_CONCRETE, 10000, 0),), ()
    )
    for w in item.windows:
        first = inputs_hash(household, scheme, as_of=w.start)
        assert inputs_hash(household, scheme, as_of=w.end) == first
        assert inputs_hash(household, scheme, as_of=w.start - timedelta(days=1)) != first
        line = next(
            ln for ln in compute(household, scheme, as_of=w.end).lines if ln.item_code == item.code
        )
        assert line.rate_fen == w.rate_fen


@pytest.mark.parametrize(("code", "window", "edge", "day", "index"), SIGNING_CASES)
def test_agreement_reward_status(code: str, window: int, edge: str, day: date, index: int) -> None:
    scheme = _scheme()
    item = _item(scheme, code)
    assert item.date_source == "signed"
    status = next(s for s in bonus_statuses(scheme, day) if s.item_name == item.name)
    expected = _expected(item, index)
    assert status.eligible == (expected is not None and expected.rate_fen > 0)
    assert status.rate_fen == (expected.rate_fen if expected else 0)
