"""The compensation engine: worked examples done by hand, errors, and properties."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relocation_desk import i18n
from relocation_desk.domain import money
from relocation_desk.domain.engine import CalculationResult, EngineError, Line, compute, inputs_hash
from relocation_desk.domain.household_input import (
    AttachmentInput,
    HouseholdInput,
    StructureInput,
)
from relocation_desk.domain.scheme import RateKind, Scheme
from relocation_desk.domain.scheme_parse import parse_scheme
from relocation_desk.domain.status import CompensationMethod, StructureType

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "schemes" / "sample-scheme.json"
BC, FRAME, BW, SIMPLE = (
    StructureType.BRICK_CONCRETE,
    StructureType.FRAME,
    StructureType.BRICK_WOOD,
    StructureType.SIMPLE,
)
MONEY, SWAP, MIXED = CompensationMethod.MONEY, CompensationMethod.SWAP, CompensationMethod.MIXED
AS_OF = date(2026, 4, 10)  # inside the first signing window and the first vacating window


@pytest.fixture(autouse=True)
def _chinese() -> Any:
    before = i18n.language()
    i18n.set_language("zh_CN")
    yield
    i18n.set_language(before)


@cache
def sample() -> Scheme:
    with open(SAMPLE, encoding="utf-8") as f:
        return parse_scheme(json.load(f))


def small_scheme(*items: dict[str, Any]) -> Scheme:
    return parse_scheme(
        {"name": "测试", "version_no": 1, "effective_date": "2026-03-01", "items": list(items)}
    )


def area_item(code: str, rate_fen: int, structure_type: str = "brick_concrete") -> dict[str, Any]:
    return {
        "code": code,
        "name": code,
        "unit": "㎡",
        "rate_fen": rate_fen,
        "kind": "per_area",
        "category": "house",
        "params": {"structure_type": structure_type, "legality": "legal"},
    }


def house(
    members: int,
    *structures: StructureInput,
    attachments: tuple[AttachmentInput, ...] = (),
    **kw: Any,
) -> HouseholdInput:
    return HouseholdInput("T07-0001", members, structures, attachments, **kw)


def amounts(result: CalculationResult) -> dict[str, int]:
    return {line.item_code: line.amount_fen for line in result.lines}


def line(result: CalculationResult, code: str) -> Line:
    return next(ln for ln in result.lines if ln.item_code == code)


# --- worked examples (sample scheme) --------------------------------------------------------


def test_worked_example_several_structures_and_attachments() -> None:
    h = house(
        4,
        StructureInput(FRAME, 8025, 0, "DEC-HIGH"),
        StructureInput(BC, 12050, 3000, "DEC-MID"),
        StructureInput(BW, 0, 3333),
        StructureInput(SIMPLE, 1575, 1010),
        attachments=(
            AttachmentInput("A-WELL-HAND", 1000),
            AttachmentInput("A-WALL", 25500),
            AttachmentInput("A-WELL-HAND", 1000),  # a second well recorded separately
            AttachmentInput("A-GRAVE-2", 1000),
            AttachmentInput("A-FRUIT-M", 7000),
            AttachmentInput("A-TREE-S", 12000),
            AttachmentInput("A-CEMENT", 45600),
        ),
        signed_on=date(2026, 4, 15),  # last day of the first signing window
        business_area_dm2=2000,
    )
    result = compute(h, sample(), as_of=date(2026, 6, 1))  # not vacated; 06-01 after windows
    assert amounts(result) == {
        "H-FRAME-L": 10432500,  # 80.25 ㎡ × 1,300 = 104,325.00
        "H-BC-L": 13255000,  # 120.50 ㎡ × 1,100 = 132,550.00
        "H-SIMPLE-L": 472500,  # 15.75 ㎡ × 300 = 4,725.00
        "H-BC-U": 1350000,  # 30.00 ㎡ × 450 = 13,500.00
        "H-BW-U": 1166550,  # 33.33 ㎡ × 350 = 11,665.50
        "H-SIMPLE-U": 121200,  # 10.10 ㎡ × 120 = 1,212.00
        "DEC-HIGH": 3210000,  # 80.25 ㎡ × 400 = 32,100.00
        "DEC-MID": 3762500,  # (120.50 + 30.00) ㎡ × 250 = 37,625.00
        "A-WELL-HAND": 160000,  # 2 口 × 800 = 1,600.00
        "A-WALL": 204000,  # 25.5 米 × 80 = 2,040.00
        "A-GRAVE-2": 450000,  # 1 座 × 4,500
        "A-FRUIT-M": 84000,  # 7 棵 × 120 = 840.00
        "A-TREE-S": 24000,  # 12 棵 × 20 = 240.00
        "A-CEMENT": 136800,  # 45.6 ㎡ × 30 = 1,368.00
        "MOVE": 400000,  # 2 次 × 2,000
        "TRANS-MONEY": 1200000,  # 4 人 × 6 月 × 500 = 12,000.00
        "BUSINESS": 360000,  # 20.00 ㎡ × 6 月 × 30 = 3,600.00
        "SETTLE-AID": 800000,  # 4 人 × 2,000
        # house = 104,325 + 132,550 + 4,725 + 13,500 + 11,665.50 + 1,212 = 267,977.50; × 10%
        "MONEY-BONUS": 2679775,
        # guarantee: 4 × 40,000 = 160,000 ≤ house + decoration → no line
        "SIGN-BONUS": 1082500,  # legal 80.25 + 120.50 + 15.75 = 216.50 ㎡ × 50 = 10,825.00
        "VACATE-BONUS": 0,  # as_of 2026-06-01 is after both vacating windows
    }
    # 267,977.50 + 69,725 + 10,588 + 27,600 + 26,797.75 + 10,825 = 413,513.25
    assert result.total_fen == 41351325
    assert result.total_upper == "人民币肆拾壹万叁仟伍佰壹拾叁元贰角伍分"
    assert [ln.seq for ln in result.lines] == list(range(1, 22))
    bc = line(result, "H-BC-L")
    assert bc.explanation == "砖混结构合法面积 120.50㎡ × 1,100.00元/㎡ = 132,550.00元"
    assert (bc.quantity, bc.rate_fen, bc.unit, bc.category) == (
        Decimal("120.50"),
        110000,
        "㎡",
        "house",
    )
    assert line(result, "A-WALL").quantity == Decimal("25.5")
    assert str(line(result, "A-WELL-HAND").quantity) == "2"
    assert line(result, "A-WELL-HAND").explanation == "压水井 2口 × 800.00元/口 = 1,600.00元"
    assert line(result, "TRANS-MONEY").explanation == (
        "家庭人口 4人 × 6个月 × 500.00元/人·月 = 12,000.00元"
    )
    bonus = line(result, "MONEY-BONUS")
    assert (bonus.quantity, bonus.rate_fen, bonus.unit) == (Decimal("10"), 26797750, "%")
    assert bonus.explanation == "房屋补偿合计 267,977.50元 × 10% = 26,797.75元"
    assert line(result, "SIGN-BONUS").explanation == (
        "签约日期 2026-04-15 在奖励期 2026-04-01 至 2026-04-15 内："
        "合法面积 216.50㎡ × 50.00元/㎡ = 10,825.00元"
    )
    assert line(result, "VACATE-BONUS").explanation == (
        "计算日期（尚未腾房） 2026-06-01 不在奖励期"
        "（2026-04-01 至 2026-05-15、2026-05-16 至 2026-05-31）内，此项为 0 元"
    )
    assert result.by_category()["house"] == 26797750


def two_person_house(method: CompensationMethod, **kw: Any) -> HouseholdInput:
    return house(2, StructureInput(BC, 10000, 0), compensation_method=method, **kw)


def test_money_versus_swap() -> None:
    money_result = compute(two_person_house(MONEY), sample(), as_of=AS_OF)
    assert amounts(money_result) == {
        "H-BC-L": 11000000,  # 100.00 ㎡ × 1,100 = 110,000
        "MOVE": 400000,  # 2 × 2,000
        "TRANS-MONEY": 600000,  # 2 人 × 6 月 × 500 = 6,000
        "SETTLE-AID": 400000,  # 2 × 2,000
        "MONEY-BONUS": 1100000,  # 10% × 110,000 (money only)
        "SIGN-BONUS": 500000,  # not signed: as_of 04-10 in window 1: 100.00 × 50
        "VACATE-BONUS": 500000,  # not vacated: as_of 04-10 in window 1: 5,000
    }
    assert money_result.total_fen == 14500000  # 145,000.00
    assert money_result.total_upper == "人民币壹拾肆万伍仟元整"

    swap_result = compute(two_person_house(SWAP), sample(), as_of=AS_OF)
    assert amounts(swap_result) == {
        "H-BC-L": 11000000,
        "MOVE": 400000,
        "TRANS-SWAP": 2400000,  # 2 人 × 24 月 × 500 = 24,000
        "SETTLE-AID": 400000,
        "SIGN-BONUS": 500000,
        "VACATE-BONUS": 500000,
        "SWAP": -14400000,  # flat 2 × 40 = 80.00 ㎡ × 1,800 = 144,000 deducted
    }
    # 110,000 + 4,000 + 24,000 + 4,000 + 5,000 + 5,000 − 144,000 = 8,000
    assert swap_result.total_fen == 800000
    flat = line(swap_result, "SWAP")
    assert (flat.quantity, flat.rate_fen, flat.kind) == (
        Decimal("80.00"),
        -180000,
        RateKind.RESETTLEMENT,
    )
    assert flat.explanation == (
        "应安置面积 家庭人口 2人 × 40.00㎡/人 = 80.00㎡；"
        "安置房价款 80.00㎡ × 1,800.00元/㎡ = 144,000.00元，从补偿款中扣除"
    )
    mixed_result = compute(two_person_house(MIXED), sample(), as_of=AS_OF)
    assert amounts(mixed_result) == amounts(swap_result)


def test_swap_with_a_smaller_flat_and_a_negative_total() -> None:
    smaller = compute(two_person_house(SWAP, resettlement_area_dm2=6000), sample(), as_of=AS_OF)
    assert amounts(smaller)["SWAP"] == -10800000  # 60.00 ㎡ × 1,800 = 108,000
    assert smaller.total_fen == 4400000  # 8,000 + (144,000 − 108,000) = 44,000
    assert "选定安置面积 60.00㎡" in line(smaller, "SWAP").explanation
    # A large family in a small house pays the difference: the total is negative.
    big = compute(
        house(5, StructureInput(BC, 5000, 0), compensation_method=SWAP), sample(), as_of=AS_OF
    )
    assert big.total_fen < 0
    assert big.total_upper.startswith("人民币负")


def test_swap_area_above_entitlement_is_refused() -> None:
    with pytest.raises(EngineError) as info:
        compute(two_person_house(SWAP, resettlement_area_dm2=8001), sample(), as_of=AS_OF)
    assert info.value.code == "resettlement_area_exceeds"
    assert "选定安置面积 80.01㎡ 超过应安置面积 80.00㎡（2人）" in info.value.reason


def test_resettlement_area_for_a_money_household_is_refused() -> None:
    with pytest.raises(EngineError) as info:
        compute(two_person_house(MONEY, resettlement_area_dm2=8000), sample(), as_of=AS_OF)
    assert info.value.code == "resettlement_area_for_money"


def one_person_100(**kw: Any) -> HouseholdInput:
    return house(1, StructureInput(BC, 10000, 0), **kw)


@pytest.mark.parametrize(
    ("signed", "fen"),
    [
        (date(2026, 3, 31), 0),  # before the first window
        (date(2026, 4, 1), 500000),  # first day, inclusive: 100.00 ㎡ × 50
        (date(2026, 4, 15), 500000),  # last day of window 1, inclusive
        (date(2026, 4, 16), 300000),  # first day of window 2: 100.00 ㎡ × 30
        (date(2026, 4, 30), 300000),  # last day of window 2, inclusive
        (date(2026, 5, 1), 0),  # after the last window
    ],
)
def test_signing_bonus_window_boundaries(signed: date, fen: int) -> None:
    # as_of is deliberately in window 1: a recorded signing date wins over as_of.
    result = compute(one_person_100(signed_on=signed), sample(), as_of=AS_OF)
    bonus = line(result, "SIGN-BONUS")
    assert bonus.amount_fen == fen
    assert bonus.explanation.startswith(f"签约日期 {signed.isoformat()} ")
    if fen == 0:
        assert "不在奖励期" in bonus.explanation
        assert bonus.rate_fen == 0


@pytest.mark.parametrize(
    ("as_of", "fen"),
    [(date(2026, 4, 15), 500000), (date(2026, 4, 16), 300000), (date(2026, 5, 1), 0)],
)
def test_unsigned_household_bonus_follows_as_of(as_of: date, fen: int) -> None:
    bonus = line(compute(one_person_100(), sample(), as_of=as_of), "SIGN-BONUS")
    assert bonus.amount_fen == fen
    assert bonus.explanation.startswith(f"计算日期（尚未签约） {as_of.isoformat()} ")


@pytest.mark.parametrize(
    ("vacated", "fen"),
    [
        (date(2026, 5, 15), 500000),
        (date(2026, 5, 16), 200000),
        (date(2026, 5, 31), 200000),
        (date(2026, 6, 1), 0),
    ],
)
def test_vacating_bonus(vacated: date, fen: int) -> None:
    result = compute(
        one_person_100(signed_on=date(2026, 4, 2), vacated_on=vacated), sample(), as_of=AS_OF
    )
    assert line(result, "VACATE-BONUS").amount_fen == fen


def test_signed_households_keep_their_version() -> None:
    # Signed the day before this version took effect: it must be computed with its own.
    with pytest.raises(EngineError) as info:
        compute(one_person_100(signed_on=date(2026, 2, 28)), sample(), as_of=AS_OF)
    assert info.value.code == "signed_before_scheme"
    compute(one_person_100(signed_on=date(2026, 3, 1)), sample(), as_of=AS_OF)


def test_vulnerable_uplift() -> None:
    plain = compute(one_person_100(), sample(), as_of=AS_OF)
    hardship = compute(one_person_100(vulnerable=True), sample(), as_of=AS_OF)
    assert "HARDSHIP" not in amounts(plain)
    assert amounts(hardship)["HARDSHIP"] == 800000  # 1 户 × 8,000
    assert hardship.total_fen == plain.total_fen + 800000


def test_minimum_guarantee_kicks_in() -> None:
    h = house(3, StructureInput(BW, 6000, 0, "DEC-LOW"), vulnerable=True)
    result = compute(h, sample(), as_of=AS_OF)
    # house 60.00 × 850 = 51,000; decoration 60.00 × 120 = 7,200; sum 58,200
    # floor 3 × 40,000 = 120,000 → top-up 61,800
    top_up = line(result, "GUARANTEE")
    assert (top_up.amount_fen, top_up.quantity, top_up.rate_fen) == (6180000, Decimal(1), 6180000)
    assert top_up.explanation == (
        "保障标准 家庭人口 3人 × 40,000.00元/人 = 120,000.00元；"
        "房屋补偿、装修补偿合计 58,200.00元，补足差额 61,800.00元"
    )
    # The hardship uplift comes after the guarantee, so the top-up does not swallow it.
    assert amounts(result)["HARDSHIP"] == 800000
    assert result.by_category()["house"] + result.by_category()["decoration"] + 6180000 == 12000000


def test_minimum_guarantee_not_needed() -> None:
    h = house(1, StructureInput(BW, 6000, 0, "DEC-LOW"))  # 58,200 ≥ 1 × 40,000
    assert "GUARANTEE" not in amounts(compute(h, sample(), as_of=AS_OF))


def guarantee_scheme() -> Scheme:
    return small_scheme(
        area_item("H", 100000),  # 1,000.00 元/㎡
        {
            "code": "G",
            "name": "最低保障",
            "unit": "人",
            "rate_fen": 4000000,  # 40,000.00 元/人
            "kind": "minimum_guarantee",
            "category": "guarantee",
            "params": {"per": "person"},
        },
    )


def test_minimum_guarantee_at_the_floor_exactly() -> None:
    at_floor = house(2, StructureInput(BC, 8000, 0))  # 80.00 × 1,000 = 80,000 = 2 × 40,000
    assert amounts(compute(at_floor, guarantee_scheme(), as_of=AS_OF)) == {"H": 8000000}
    below = house(2, StructureInput(BC, 7999, 0))  # 79,990 → top-up 10.00
    result = compute(below, guarantee_scheme(), as_of=AS_OF)
    assert amounts(result) == {"H": 7999000, "G": 1000}
    assert result.total_fen == 8000000
    assert "以上各项合计 79,990.00元" in line(result, "G").explanation


# --- rounding -------------------------------------------------------------------------------


def test_each_line_rounds_half_up_once_and_percent_uses_rounded_lines() -> None:
    scheme = small_scheme(
        area_item("A", 15),  # 0.15 元/㎡
        area_item("B", 12345, "frame"),  # 123.45 元/㎡
        {
            "code": "P",
            "name": "比例",
            "unit": "%",
            "kind": "percent",
            "category": "bonus",
            "params": {"percent": "50", "basis": {"codes": ["A"]}},
        },
        {
            "code": "Q",
            "name": "比例2",
            "unit": "%",
            "kind": "percent",
            "category": "bonus",
            "params": {"percent": "50", "basis": {"codes": ["B"]}},
        },
    )
    h = house(1, StructureInput(BC, 5, 0), StructureInput(FRAME, 50, 0))
    result = compute(h, scheme, as_of=AS_OF)
    assert amounts(result) == {
        "A": 1,  # 0.05 ㎡ × 15 分 = 0.75 分 → 1 分
        "B": 6173,  # 0.50 ㎡ × 12,345 分 = 6,172.5 分 → 6,173 (half-up, not half-even)
        "P": 1,  # 50% of the rounded 1 分 = 0.5 → 1 (of the unrounded 0.75 it would be 0)
        "Q": 3087,  # 50% of the rounded 6,173 = 3,086.5 → 3,087 (unrounded: 3,086.25 → 3,086)
    }
    assert result.total_fen == 1 + 6173 + 1 + 3087


def test_vulnerable_uplift_by_percent() -> None:
    scheme = small_scheme(
        area_item("H", 110000),
        {
            "code": "V",
            "name": "困难家庭补助",
            "unit": "%",
            "kind": "vulnerable_uplift",
            "category": "subsidy",
            "params": {"percent": "2.5"},
        },
    )
    h = house(1, StructureInput(BC, 12345, 0), vulnerable=True)
    result = compute(h, scheme, as_of=AS_OF)
    # 123.45 ㎡ × 1,100 = 135,795.00; × 2.5% = 3,394.875 → 3,394.88
    assert amounts(result) == {"H": 13579500, "V": 339488}
    assert line(result, "V").explanation == "以上各项合计 135,795.00元 × 2.5% = 3,394.88元"


def test_resettlement_as_an_area_only_line() -> None:
    scheme = small_scheme(
        area_item("H", 110000),
        {
            "code": "S",
            "name": "产权调换安置面积",
            "unit": "㎡",
            "rate_fen": 0,
            "kind": "resettlement",
            "category": "resettlement",
            "params": {"area_per_person": "35.5"},
        },
    )
    result = compute(
        house(3, StructureInput(BC, 10000, 0), compensation_method=SWAP), scheme, as_of=AS_OF
    )
    flat = line(result, "S")
    assert (flat.quantity, flat.amount_fen) == (Decimal("106.50"), 0)  # 3 × 35.5 ㎡
    assert flat.explanation == "应安置面积 家庭人口 3人 × 35.50㎡/人 = 106.50㎡；不计价款"
    assert result.total_fen == 11000000


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["A-NOPE", "H-BC-L"])
def test_unknown_attachment_code(code: str) -> None:
    h = one_person_100(attachments=(AttachmentInput(code, 1000),))
    with pytest.raises(EngineError) as info:
        compute(h, sample(), as_of=AS_OF)
    assert info.value.code == "unknown_attachment"
    assert f"附属物编码“{code}”" in info.value.reason


@pytest.mark.parametrize("grade", ["DEC-GOLD", "A-WALL"])
def test_unknown_decoration_grade(grade: str) -> None:
    with pytest.raises(EngineError) as info:
        compute(house(1, StructureInput(BC, 100, 0, grade)), sample(), as_of=AS_OF)
    assert info.value.code == "unknown_decoration"


def test_structure_without_a_rate() -> None:
    scheme = small_scheme(area_item("H", 110000))
    compute(house(1, StructureInput(FRAME, 0, 0)), scheme, as_of=AS_OF)  # no area: fine
    for structure in (StructureInput(FRAME, 100, 0), StructureInput(BC, 0, 100)):
        with pytest.raises(EngineError) as info:
            compute(house(1, structure), scheme, as_of=AS_OF)
        assert info.value.code == "no_rate_for_structure"
    with pytest.raises(EngineError, match="没有框架结构合法面积的补偿单价（货币补偿）"):
        compute(house(1, StructureInput(FRAME, 100, 0)), scheme, as_of=AS_OF)


def test_swap_needs_a_resettlement_item() -> None:
    scheme = small_scheme(area_item("H", 110000))
    with pytest.raises(EngineError) as info:
        compute(house(1, StructureInput(BC, 100, 0), compensation_method=SWAP), scheme, as_of=AS_OF)
    assert info.value.code == "no_resettlement_item"


def test_negative_input_is_refused() -> None:
    with pytest.raises(ValueError, match="合法面积不能为负数"):
        StructureInput(BC, -1, 0)
    with pytest.raises(ValueError, match="家庭人口不能为负数"):
        house(-1)
    with pytest.raises(TypeError):
        StructureInput(BC, 1.5, 0)  # type: ignore[arg-type]


def test_english_explanations() -> None:
    i18n.set_language("en")
    result = compute(house(1, StructureInput(BC, 12050, 0)), sample(), as_of=AS_OF)
    assert line(result, "H-BC-L").explanation == (
        "brick-concrete structure, legal area 120.50㎡ × 1,100.00 yuan/㎡ = 132,550.00 yuan"
    )


# --- inputs hash ----------------------------------------------------------------------------


def test_inputs_hash() -> None:
    h = one_person_100()
    base = inputs_hash(h, sample(), as_of=AS_OF)
    assert len(base) == 64
    # Reordering the survey rows changes nothing.
    two = house(1, StructureInput(BC, 10000, 0), StructureInput(FRAME, 100, 0))
    swapped = dataclasses.replace(two, structures=tuple(reversed(two.structures)))
    assert inputs_hash(two, sample(), as_of=AS_OF) == inputs_hash(swapped, sample(), as_of=AS_OF)
    # Another day in the same bonus windows: same hash; a day in another window: changed.
    assert inputs_hash(h, sample(), as_of=AS_OF + timedelta(days=1)) == base
    assert inputs_hash(h, sample(), as_of=date(2026, 4, 16)) != base
    # Data or scheme changed: changed.
    assert inputs_hash(one_person_100(vulnerable=True), sample(), as_of=AS_OF) != base
    assert inputs_hash(house(1, StructureInput(BC, 10001, 0)), sample(), as_of=AS_OF) != base
    assert inputs_hash(h, small_scheme(area_item("H", 1)), as_of=AS_OF) != base


# --- properties -----------------------------------------------------------------------------

ATTACHMENT_CODES = [i.code for i in sample().items if i.kind is RateKind.PER_ITEM]
DECORATIONS = ["", *(i.code for i in sample().items if i.kind is RateKind.DECORATION)]
DAYS = st.dates(min_value=date(2026, 3, 1), max_value=date(2026, 12, 31))


@st.composite
def households(draw: st.DrawFn) -> HouseholdInput:
    members = draw(st.integers(0, 12))
    method = draw(st.sampled_from(list(CompensationMethod)))
    structures = draw(
        st.lists(
            st.builds(
                StructureInput,
                st.sampled_from(list(StructureType)),
                st.integers(0, 100_000),
                st.integers(0, 100_000),
                st.sampled_from(DECORATIONS),
            ),
            max_size=5,
        )
    )
    attachments = draw(
        st.lists(
            st.builds(AttachmentInput, st.sampled_from(ATTACHMENT_CODES), st.integers(0, 500_000)),
            max_size=8,
        )
    )
    flat: int | None = None
    if method is not MONEY and draw(st.booleans()):
        flat = draw(st.integers(0, members * 4000))
    return HouseholdInput(
        code="T01-0001",
        member_count=members,
        structures=tuple(structures),
        attachments=tuple(attachments),
        vulnerable=draw(st.booleans()),
        compensation_method=method,
        signed_on=draw(st.none() | DAYS),
        vacated_on=draw(st.none() | DAYS),
        business_area_dm2=draw(st.integers(0, 50_000)),
        resettlement_area_dm2=flat,
    )


def walk(value: Any) -> Any:
    """Every leaf of a result (dataclasses, tuples, dicts)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from walk(getattr(value, field.name))
    elif isinstance(value, tuple | list):
        for v in value:
            yield from walk(v)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from walk(k)
            yield from walk(v)
    else:
        yield value


@settings(max_examples=300, deadline=None)
@given(h=households(), as_of=DAYS)
def test_properties(h: HouseholdInput, as_of: date) -> None:
    result = compute(h, sample(), as_of=as_of)
    assert result.total_fen == sum(ln.amount_fen for ln in result.lines)
    assert result.total_upper == money.to_chinese_upper(result.total_fen)
    assert [ln.seq for ln in result.lines] == list(range(1, len(result.lines) + 1))
    assert len({ln.item_code for ln in result.lines}) == len(result.lines)
    assert not any(isinstance(leaf, float) for leaf in walk(result))
    for ln in result.lines:
        assert type(ln.amount_fen) is int and type(ln.rate_fen) is int
        assert isinstance(ln.quantity, Decimal)
        if ln.unit == "%":
            assert ln.amount_fen == money.multiply_half_up(ln.rate_fen, ln.quantity.scaleb(-2))
        else:
            assert ln.amount_fen == money.multiply_half_up(ln.rate_fen, ln.quantity)
        if ln.kind is not RateKind.RESETTLEMENT and ln.amount_fen:
            assert money.format_fen(ln.amount_fen) + "元" in ln.explanation
    # Deterministic, and the order of survey rows does not matter.
    assert compute(h, sample(), as_of=as_of) == result
    shuffled = dataclasses.replace(
        h, structures=tuple(reversed(h.structures)), attachments=tuple(reversed(h.attachments))
    )
    assert compute(shuffled, sample(), as_of=as_of) == result
    assert inputs_hash(shuffled, sample(), as_of=as_of) == inputs_hash(h, sample(), as_of=as_of)
