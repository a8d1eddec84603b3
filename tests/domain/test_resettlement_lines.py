"""The chosen flats' price difference as calculation lines, worked by hand."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from relocation_desk import i18n
from relocation_desk.domain.engine import EngineError, compute, inputs_hash
from relocation_desk.domain.household_input import (
    ChosenFlatInput,
    HouseholdInput,
    StructureInput,
    household_to_dict,
)
from relocation_desk.domain.scheme import Scheme, canonical_json, content_hash
from relocation_desk.domain.scheme_parse import parse_scheme
from relocation_desk.domain.status import CompensationMethod, StructureType

AS_OF = date(2026, 4, 10)
RULES = {
    "entitlement": {"basis": "per_person", "area_per_person": "40"},
    "max_flats": 2,
    "swap_price_fen": 180000,
    "band_area": "10",
    "band_price_fen": 350000,
    "unused_rate_fen": 250000,
}


@pytest.fixture(autouse=True)
def _chinese() -> Any:
    before = i18n.language()
    i18n.set_language("zh_CN")
    yield
    i18n.set_language(before)


def scheme(swap_rate_fen: int = 180000, rules: dict[str, Any] | None = RULES) -> Scheme:
    data: dict[str, Any] = {
        "name": "测试",
        "version_no": 1,
        "effective_date": "2026-03-01",
        "items": [
            {"code": "H", "name": "房屋补偿", "unit": "㎡", "rate_fen": 110000, "kind": "per_area",
             "category": "house",
             "params": {"structure_type": "brick_concrete", "legality": "legal"}},
            {"code": "S", "name": "产权调换", "unit": "㎡", "rate_fen": swap_rate_fen,
             "kind": "resettlement", "category": "resettlement",
             "params": {"area_per_person": "40"}},
        ],
    }  # fmt: skip
    if rules is not None:
        data["params"] = {"resettlement": rules}
    return parse_scheme(data)


def household(*flats: ChosenFlatInput, method: str = "swap") -> HouseholdInput:
    # 2 persons: entitlement 2 × 40 = 80.00 ㎡; 100.00 ㎡ × 1,100 = 110,000.00 compensation
    return HouseholdInput(
        code="H001",
        member_count=2,
        structures=(StructureInput(StructureType.BRICK_CONCRETE, 10000),),
        compensation_method=CompensationMethod(method),
        chosen_flats=flats,
    )


def rows(result: Any) -> list[tuple[str, str, Decimal, int, int]]:
    return [
        (ln.item_code, ln.item_name, ln.quantity, ln.rate_fen, ln.amount_fen) for ln in result.lines
    ]


def test_no_choice_keeps_the_swap_line_and_its_price() -> None:
    result = compute(household(), scheme(), as_of=AS_OF)
    # 110,000 − 80.00 ㎡ × 1,800 = 110,000 − 144,000 = −34,000
    assert rows(result)[-1] == ("S", "产权调换", Decimal("80.00"), -180000, -14400000)
    assert result.total_fen == -3400000


def test_flat_within_the_entitlement_and_unused_area_paid() -> None:
    flat = ChosenFlatInput("幸福家园1栋0301", 6000, 600000)
    result = compute(household(flat), scheme(), as_of=AS_OF)
    assert rows(result) == [
        ("H", "房屋补偿", Decimal("100.00"), 110000, 11000000),
        ("S", "产权调换", Decimal("60.00"), 0, 0),  # the price is on the lines below
        # 60.00 ㎡ × 1,800 = 108,000.00
        ("S", "安置房价款（权益面积内）", Decimal("60.00"), -180000, -10800000),
        # 80 − 60 = 20.00 ㎡ unused × 2,500 = 50,000.00
        ("S", "未用完权益面积的补偿", Decimal("20.00"), 250000, 5000000),
    ]
    # 110,000 − 108,000 + 50,000 = 52,000
    assert result.total_fen == 5200000
    assert result.total_upper == "人民币伍万贰仟元整"
    swap, inside, unused = result.lines[1:]
    assert swap.explanation == (
        "应安置面积 家庭人口 2人 × 40.00㎡/人 = 80.00㎡；"
        "已选安置房 1套 共 60.00㎡，房款按以下各档结算，此项不另计价款"
    )
    assert inside.explanation == (
        "幸福家园1栋0301：60.00㎡ × 1,800.00元/㎡ = 108,000.00元，从补偿款中扣除"
    )
    assert unused.explanation == (
        "应安置面积 80.00㎡，已选 60.00㎡，未用完 20.00㎡ × 2,500.00元/㎡ = 50,000.00元"
    )


def test_every_tier_with_a_floor_coefficient() -> None:
    flat = ChosenFlatInput("幸福家园2栋1201", 9550, 630000, 1050)
    result = compute(household(flat), scheme(), as_of=AS_OF)
    assert rows(result)[2:] == [
        # 80.00 ㎡ × (1,800 × 1.05 = 1,890) = 151,200.00
        ("S", "安置房价款（权益面积内）", Decimal("80.00"), -189000, -15120000),
        # 10.00 ㎡ × (3,500 × 1.05 = 3,675) = 36,750.00
        ("S", "安置房价款（超出权益的优惠面积）", Decimal("10.00"), -367500, -3675000),
        # 5.50 ㎡ × 6,300 (market) = 34,650.00
        ("S", "安置房价款（超出部分按市场价）", Decimal("5.50"), -630000, -3465000),
    ]
    # 110,000 − 151,200 − 36,750 − 34,650 = −112,600: the household pays
    assert result.total_fen == -11260000
    assert result.lines[2].explanation == (
        "幸福家园2栋1201：80.00㎡ × 1,890.00元/㎡ = 151,200.00元，从补偿款中扣除"
        "（1,800.00元/㎡ × 楼层系数 1.05，四舍五入到分）"
    )
    assert result.lines[4].explanation.endswith("（该房市场价）")


def test_two_flats_fill_the_entitlement_in_the_order_chosen() -> None:
    first = ChosenFlatInput("1栋0101", 6000, 500000)
    second = ChosenFlatInput("1栋0201", 3000, 520000, 1033)
    result = compute(household(first, second), scheme(), as_of=AS_OF)
    assert rows(result)[2:] == [
        ("S", "安置房价款（权益面积内）", Decimal("60.00"), -180000, -10800000),
        # 1,800 × 1.033 = 1,859.40; 20.00 ㎡ → 37,188.00
        ("S", "安置房价款（权益面积内）", Decimal("20.00"), -185940, -3718800),
        # 3,500 × 1.033 = 3,615.50; 10.00 ㎡ → 36,155.00
        ("S", "安置房价款（超出权益的优惠面积）", Decimal("10.00"), -361550, -3615500),
    ]
    assert result.total_fen == 11000000 - 10800000 - 3718800 - 3615500


def test_inputs_hash_follows_the_choice_and_is_unchanged_without_one() -> None:
    plain = household()
    expected = hashlib.sha256(
        canonical_json(
            {"bonus_windows": [], "household": household_to_dict(plain),
             "scheme": content_hash(scheme())}
        ).encode("utf-8")
    ).hexdigest()  # fmt: skip
    assert inputs_hash(plain, scheme(), as_of=AS_OF) == expected
    assert "chosen_flats" not in household_to_dict(plain)
    one = household(ChosenFlatInput("1栋0101", 6000, 500000))
    other = replace(one, chosen_flats=(ChosenFlatInput("1栋0102", 6000, 500000),))
    hashes = {inputs_hash(h, scheme(), as_of=AS_OF) for h in (plain, one, other)}
    assert len(hashes) == 3
    with_flat = hashlib.sha256(
        canonical_json(
            {"bonus_windows": [], "household": household_to_dict(one),
             "scheme": content_hash(scheme())}
        ).encode("utf-8")
    ).hexdigest()  # fmt: skip
    assert inputs_hash(one, scheme(), as_of=AS_OF) == with_flat


def test_flats_for_a_money_household_are_refused() -> None:
    with pytest.raises(EngineError) as info:
        compute(household(ChosenFlatInput("1栋0101", 6000, 1), method="money"), scheme(),
                as_of=AS_OF)  # fmt: skip
    assert info.value.code == "flats_for_money"


def test_flats_without_resettlement_rules_say_what_is_missing() -> None:
    with pytest.raises(EngineError) as info:
        compute(household(ChosenFlatInput("1栋0101", 6000, 1)), scheme(rules=None), as_of=AS_OF)
    assert info.value.code == "no_resettlement_rules"
    assert "resettlement" in info.value.reason


def test_entitlement_from_the_swap_item_when_the_rules_state_none() -> None:
    rules = {k: v for k, v in RULES.items() if k != "entitlement"}
    flat = ChosenFlatInput("1栋0101", 8000, 500000)
    result = compute(household(flat), scheme(rules=rules), as_of=AS_OF)
    # the item's 2 × 40 = 80.00 ㎡ entitlement, fully used: one tier line, no unused line
    assert rows(result)[2:] == [
        ("S", "安置房价款（权益面积内）", Decimal("80.00"), -180000, -14400000)
    ]
