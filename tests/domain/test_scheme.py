"""Rate schedules: parsing, validation messages, canonical form, hashing, version choice."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relocation_desk import i18n
from relocation_desk.domain.errors import InputError
from relocation_desk.domain.scheme import (
    RateKind,
    Scheme,
    SchemeError,
    category_label,
    content_hash,
    scheme_to_dict,
    version_in_force,
)
from relocation_desk.domain.scheme_parse import parse_scheme
from relocation_desk.domain.status import CompensationMethod, StructureType

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "schemes" / "sample-scheme.json"


@pytest.fixture(autouse=True)
def _chinese() -> Any:
    before = i18n.language()
    i18n.set_language("zh_CN")
    yield
    i18n.set_language(before)


def load_sample() -> dict[str, Any]:
    with open(SAMPLE, encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def minimal(*items: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": "测试方案",
        "version_no": 1,
        "effective_date": "2026-03-01",
        "items": list(items)
        or [
            {
                "code": "H",
                "name": "砖混房屋",
                "unit": "㎡",
                "rate_fen": 110000,
                "kind": "per_area",
                "category": "house",
                "params": {"structure_type": "brick_concrete", "legality": "legal"},
            }
        ],
    }


def problems_of(data: Any) -> tuple[str, ...]:
    with pytest.raises(SchemeError) as info:
        parse_scheme(data)
    return info.value.problems


def one_problem_with(data: Any, *fragments: str) -> None:
    problems = problems_of(data)
    assert any(all(f in p for f in fragments) for p in problems), problems


# --- the sample scheme --------------------------------------------------------------------


def test_sample_scheme_parses_and_is_realistic() -> None:
    scheme = parse_scheme(load_sample())
    assert scheme.version_no == 1
    assert scheme.effective_date.year == 2026
    assert 20 <= len(scheme.items) <= 40
    kinds = {item.kind for item in scheme.items}
    assert kinds == set(RateKind)  # every kind is shown in the sample
    # Every structure type has a legal and an unlicensed rate.
    for structure_type in StructureType:
        for legality in ("legal", "unlicensed"):
            assert any(
                i.kind is RateKind.AREA
                and i.structure_type is structure_type
                and i.legality == legality
                for i in scheme.items
            )


def test_sample_round_trips_and_hash_is_stable() -> None:
    scheme = parse_scheme(load_sample())
    again = parse_scheme(scheme_to_dict(scheme))
    assert again == scheme
    assert hash(again) == hash(scheme)
    assert content_hash(again) == content_hash(scheme)
    assert len(content_hash(scheme)) == 64
    json.dumps(scheme_to_dict(scheme))  # plain JSON types only


def test_hash_changes_when_a_rate_changes() -> None:
    data = load_sample()
    before = content_hash(parse_scheme(data))
    data["items"][0]["rate_fen"] += 1
    assert content_hash(parse_scheme(data)) != before


def test_hash_ignores_how_the_file_was_written() -> None:
    data = load_sample()
    rewritten = copy.deepcopy(data)
    bonus = next(i for i in rewritten["items"] if i["code"] == "SIGN-BONUS")
    bonus["params"]["windows"].reverse()  # windows are kept sorted
    percent = next(i for i in rewritten["items"] if i["code"] == "MONEY-BONUS")
    percent["params"]["percent"] = "10.00"  # canonical "10"
    rewritten = json.loads(json.dumps(rewritten, indent=4))
    assert content_hash(parse_scheme(rewritten)) == content_hash(parse_scheme(data))


def test_defaults_are_filled_in() -> None:
    scheme = parse_scheme(load_sample())
    wall = scheme.item("A-WALL")
    swap = scheme.item("SWAP")
    move = scheme.item("MOVE")
    assert wall is not None and swap is not None and move is not None
    assert wall.methods == tuple(CompensationMethod)
    assert swap.methods == (CompensationMethod.SWAP, CompensationMethod.MIXED)
    assert move.times == 2
    assert swap.area_per_person_dm2 == 4000


def test_percents_may_be_written_with_their_unit() -> None:
    house = minimal()["items"][0]

    def share(percent: Any) -> dict[str, Any]:
        return {"code": "P", "name": "奖励", "unit": "%", "rate_fen": 0, "kind": "percent",
                "category": "bonus", "params": {"percent": percent,
                                                "basis": {"categories": ["house"]}}}  # fmt: skip

    written = [parse_scheme(minimal(house, share(p))) for p in ("5 %", "5％", " 5 ", 5, "5.0")]
    assert {s.items[1].params["percent"] for s in written} == {"5"}
    assert len({content_hash(s) for s in written}) == 1
    one_problem_with(minimal(house, share("5 %%")), "第2项（P）", "百分比 percent", "5 %%")


def test_misread_units_finds_bare_shares_below_one_only() -> None:
    from relocation_desk.domain.scheme_units import misread_units

    def item(code: str, params: dict[str, Any]) -> dict[str, Any]:
        return {"code": code, "params": params}

    data = {"name": "方案", "items": [
        item("A", {"percent": "0.05"}), item("B", {"percent": "0.05 %"}),
        item("C", {"percent": "5"}), item("D", {"percent": 1}),
        item("E", {"rate_of": {"code": "A", "percent": " 0.4 "}}),
        item("F", {"percent": 0.5}), item("G", {"percent": "abc"}), "not an item",
    ]}  # fmt: skip
    found = misread_units(data)
    assert [p.split("：")[0] for p in found] == ["第1项（A）", "第5项（E）", "第6项（F）"]
    assert "本项请写“40 %”或“ 0.4  %”" not in found[1] and "本项请写“40 %”" in found[1]
    assert misread_units([1, 2]) == [] and misread_units({"items": "x"}) == []


def test_a_minimum_guarantee_has_no_default_per() -> None:
    floor = {"code": "FLOOR", "name": "最低保障", "unit": "户", "rate_fen": 100,
             "kind": "minimum_guarantee", "category": "guarantee", "params": {}}  # fmt: skip
    one_problem_with(
        minimal(minimal()["items"][0], floor), "第2项（FLOOR）", "必须写明计量基数 per"
    )
    floor["params"] = {"per": "household"}
    assert parse_scheme(minimal(minimal()["items"][0], floor)).items[1].params["per"] == "household"


def test_params_cannot_be_changed_in_memory() -> None:
    scheme = parse_scheme(load_sample())
    with pytest.raises(TypeError):
        scheme.items[0].params["legality"] = "unlicensed"  # type: ignore[index]


def test_category_labels() -> None:
    data = minimal()
    data["items"][0]["category"] = "extra"
    data["params"] = {"category_names": {"extra": "其他补偿"}}
    scheme = parse_scheme(data)
    assert category_label(scheme, "extra") == "其他补偿"
    assert category_label(scheme, "house") == "房屋补偿"


# --- errors -------------------------------------------------------------------------------


def test_scheme_error_is_an_input_error_listing_every_problem() -> None:
    data = minimal()
    data["name"] = ""
    data["effective_date"] = "2026-02-30"
    data["items"][0]["rate_fen"] = -5
    with pytest.raises(SchemeError) as info:
        parse_scheme(data)
    error = info.value
    assert isinstance(error, InputError)
    assert error.code == "scheme_invalid"
    assert len(error.problems) == 3
    assert "方案名称不能为空" in error.problems
    assert "补偿方案有 3 处错误" in error.reason


def test_not_a_mapping() -> None:
    assert problems_of([1, 2]) == ("方案数据应为一个对象（键值对）",)


def test_empty_items_and_bad_version() -> None:
    data = minimal()
    data["items"] = []
    data["version_no"] = True
    one_problem_with(data, "不能为空")
    one_problem_with(data, "版本号应为正整数")


def test_unknown_kind() -> None:
    data = minimal()
    data["items"][0]["kind"] = "per_cubic_metre"
    one_problem_with(data, "第1项（H）", "未知的计算方式“per_cubic_metre”")


def test_missing_rate() -> None:
    data = minimal()
    del data["items"][0]["rate_fen"]
    one_problem_with(data, "第1项（H）", "缺少单价")


@pytest.mark.parametrize(
    ("rate", "says"),
    [
        (-1, "单价不能为负数"),
        (12.5, "单价 rate_fen 应为以分为单位的整数，而不是“12.5”"),
        ("1100", "单价 rate_fen 应为以分为单位的整数，而不是“1100”"),
        (True, "单价 rate_fen 应为以分为单位的整数，而不是“True”"),
        (10**11, "单价过大，请核对（单位是分）"),
    ],
)
def test_bad_rates(rate: Any, says: str) -> None:
    data = minimal()
    data["items"][0]["rate_fen"] = rate
    one_problem_with(data, "第1项（H）", says)


def test_duplicate_code() -> None:
    item = minimal()["items"][0]
    other = dict(item, params={"structure_type": "frame", "legality": "legal"})
    one_problem_with(minimal(item, other), "第2项（H）", "项目编码与第1项重复")


def test_two_rates_for_the_same_area() -> None:
    item = minimal()["items"][0]
    wildcard = dict(item, code="H2", params={"legality": "legal"})
    one_problem_with(minimal(item, wildcard), "第2项（H2）与第1项（H）重复")
    # … unless they apply to different compensation methods.
    money_only = dict(item, params={**item["params"], "methods": ["money"]})
    swap_only = dict(item, code="H2", params={**item["params"], "methods": ["swap", "mixed"]})
    parse_scheme(minimal(money_only, swap_only))


def test_unknown_params_and_category() -> None:
    data = minimal()
    data["items"][0]["params"]["legalty"] = "legal"
    data["items"][0]["category"] = "houses"
    one_problem_with(
        data, "第1项（H）：参数（params）中有未知的字段“legalty”，是否应为“legality”？"
    )
    one_problem_with(data, "类别“houses”")


def bonus(windows: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "code": "B",
        "name": "签约奖励",
        "unit": "㎡",
        "kind": "bonus_window",
        "category": "bonus",
        "params": {"per": "legal_area", "windows": windows, **extra},
    }


def test_overlapping_bonus_windows() -> None:
    windows = [
        {"from": "2026-04-01", "to": "2026-04-15", "rate_fen": 5000},
        {"from": "2026-04-15", "to": "2026-04-30", "rate_fen": 3000},  # 15th in both
    ]
    one_problem_with(
        minimal(bonus(windows)), "2026-04-01 至 2026-04-15 与 2026-04-15 至 2026-04-30 重叠"
    )
    windows[1]["from"] = "2026-04-16"
    parse_scheme(minimal(bonus(windows)))


def test_bad_bonus_windows() -> None:
    one_problem_with(minimal(bonus([])), "奖励期限 windows 不能为空")
    backwards = [{"from": "2026-04-15", "to": "2026-04-01", "rate_fen": 1}]
    one_problem_with(minimal(bonus(backwards)), "开始日期晚于结束日期")
    bad_date = [{"from": "2026-4-1", "to": "2026-04-30", "rate_fen": 1}]
    one_problem_with(minimal(bonus(bad_date)), "YYYY-MM-DD")
    one_problem_with(
        minimal(
            dict(bonus([{"from": "2026-04-01", "to": "2026-04-30", "rate_fen": 1}]), rate_fen=5)
        ),
        "此计算方式不使用单价",
    )
    on = minimal(bonus([{"from": "2026-04-01", "to": "2026-04-30", "rate_fen": 1}], on="paid"))
    one_problem_with(on, "奖励依据 on")


def percent_item(code: str, basis: dict[str, Any], percent: Any = "10") -> dict[str, Any]:
    return {
        "code": code,
        "name": "奖励",
        "unit": "%",
        "kind": "percent",
        "category": "bonus",
        "params": {"percent": percent, "basis": basis},
    }


def test_percent_basis_may_only_name_earlier_items() -> None:
    house = minimal()["items"][0]
    later = percent_item("P", {"codes": ["LATER"]})
    later_house = dict(house, code="LATER", params={"structure_type": "frame", "legality": "legal"})
    one_problem_with(minimal(house, later, later_house), "第2项（P）", "“LATER”不是")
    one_problem_with(minimal(house, percent_item("P", {"codes": ["P"]})), "“P”不是")
    one_problem_with(minimal(house, percent_item("P", {"codes": ["NOPE"]})), "“NOPE”不存在")
    one_problem_with(
        minimal(house, percent_item("P", {"categories": ["decoration"]})), "基数类别“decoration”"
    )
    one_problem_with(minimal(house, percent_item("P", {})), "基数不能为空")
    parse_scheme(minimal(house, percent_item("P", {"categories": ["house"], "codes": ["H"]})))


@pytest.mark.parametrize("percent", [10.5, "0", "-5", "101", "abc", "1.23456", None])
def test_bad_percent(percent: Any) -> None:
    house = minimal()["items"][0]
    one_problem_with(minimal(house, percent_item("P", {"codes": ["H"]}, percent)), "百分比")


def test_percent_needs_percent_unit() -> None:
    house = minimal()["items"][0]
    item = dict(percent_item("P", {"codes": ["H"]}), unit="元")
    one_problem_with(minimal(house, item), "计量单位应为 %")


def test_resettlement_cannot_apply_to_money() -> None:
    item = {
        "code": "S",
        "name": "产权调换",
        "unit": "㎡",
        "rate_fen": 0,
        "kind": "resettlement",
        "category": "resettlement",
        "params": {"area_per_person": "40", "methods": ["money", "swap"]},
    }
    one_problem_with(minimal(item), "不能适用于货币补偿")
    item["params"] = {"area_per_person": "40.005"}
    one_problem_with(minimal(item), "人均安置面积")
    item["params"] = {"area_per_person": "40"}
    twice = dict(item, code="S2")
    one_problem_with(minimal(item, twice), "同一补偿方式只能有一个产权调换安置项目")


def test_vulnerable_uplift_needs_exactly_one_way() -> None:
    item = {
        "code": "V",
        "name": "困难家庭补助",
        "unit": "户",
        "rate_fen": 800000,
        "kind": "vulnerable_uplift",
        "category": "subsidy",
        "params": {},
    }
    one_problem_with(minimal(item), "二者选一")
    item["params"] = {"per": "household", "percent": "5"}
    one_problem_with(minimal(item), "二者选一")
    item["params"] = {"per": "legal_area"}
    one_problem_with(minimal(item), "计量基数 per")


def test_monthly_and_lump_sum_params() -> None:
    monthly = {
        "code": "M",
        "name": "临时安置费",
        "unit": "人·月",
        "rate_fen": 50000,
        "kind": "monthly",
        "category": "transition",
        "params": {"per": "person", "months": 0},
    }
    one_problem_with(minimal(monthly), "月数")
    lump = {
        "code": "L",
        "name": "搬迁费",
        "unit": "次",
        "rate_fen": 200000,
        "kind": "lump_sum",
        "category": "moving",
        "params": {"times": 2.0},
    }
    one_problem_with(minimal(lump), "次数")


def test_methods_must_be_known() -> None:
    data = minimal()
    data["items"][0]["params"]["methods"] = ["cash"]
    one_problem_with(data, "适用补偿方式“cash”无效")
    data["items"][0]["params"]["methods"] = []
    one_problem_with(data, "不重复的非空列表")


def test_floats_in_scheme_params_are_refused() -> None:
    data = minimal()
    data["params"] = {"ratio": 0.1}
    one_problem_with(data, "小数请写成文字")


def test_english_messages() -> None:
    data = minimal()
    data["items"][0]["kind"] = "nope"
    i18n.set_language("en")
    with pytest.raises(SchemeError) as info:
        parse_scheme(data)
    assert info.value.problems[0].startswith('Item 1 (H): unknown kind "nope"')


# --- versions ------------------------------------------------------------------------------


def version(no: int, effective: str) -> Scheme:
    data = minimal()
    data["version_no"] = no
    data["effective_date"] = effective
    return parse_scheme(data)


def test_version_in_force() -> None:
    v1, v2, v3 = version(1, "2026-01-01"), version(2, "2026-03-01"), version(3, "2026-03-01")
    versions = [v3, v1, v2]
    assert version_in_force(versions, date(2025, 12, 31)) is None
    assert version_in_force(versions, date(2026, 1, 1)) is v1
    assert version_in_force(versions, date(2026, 2, 28)) is v1
    assert version_in_force(versions, date(2026, 3, 1)) is v3  # same date: the later version


# --- property: canonical form is a fixed point ----------------------------------------------


@st.composite
def window_lists(draw: st.DrawFn) -> list[dict[str, Any]]:
    offsets = sorted(draw(st.sets(st.integers(0, 300), min_size=2, max_size=10)))
    if len(offsets) % 2:
        offsets = offsets[:-1]
    windows = []
    for start, end in zip(offsets[::2], offsets[1::2], strict=True):
        windows.append(
            {
                "from": date.fromordinal(date(2026, 3, 1).toordinal() + start).isoformat(),
                "to": date.fromordinal(date(2026, 3, 1).toordinal() + end).isoformat(),
                "rate_fen": draw(st.integers(0, 10**6)),
            }
        )
    return draw(st.permutations(windows))


@given(
    windows=window_lists(),
    percent=st.decimals(min_value="0.0001", max_value=100, places=4),
)
def test_round_trip_property(windows: list[dict[str, Any]], percent: Any) -> None:
    house = minimal()["items"][0]
    data = minimal(house, percent_item("P", {"codes": ["H"]}, str(percent)), bonus(windows))
    scheme = parse_scheme(data)
    assert parse_scheme(scheme_to_dict(scheme)) == scheme
    assert content_hash(parse_scheme(scheme_to_dict(scheme))) == content_hash(scheme)
    b = scheme.item("B")
    assert b is not None
    starts = [w.start for w in b.windows]
    assert starts == sorted(starts)
