"""Unknown keys in a scheme are refused at every level, each problem naming the place, the key
and the known key probably meant; the scheme's own params are held to their keys in files."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from relocation_desk.domain.scheme import RateKind, SchemeError, scheme_to_dict
from relocation_desk.domain.scheme_keys import ITEM_PARAMS, key_problems
from relocation_desk.domain.scheme_parse import parse_scheme
from relocation_desk.domain.scheme_scope import PARAM_KEYS, param_key_problems

COUNTY = (
    Path(__file__).resolve().parents[2] / "resources" / "schemes" / "county-scheme-example.json"
)


def county() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(COUNTY.read_text(encoding="utf-8"))
    return data


def item(data: dict[str, Any], code: str) -> dict[str, Any]:
    return next(it for it in data["items"] if it["code"] == code)


def problems_of(data: dict[str, Any]) -> tuple[str, ...]:
    with pytest.raises(SchemeError) as caught:
        parse_scheme(data)
    assert caught.value.scheme_name == "青石县城北片区集体土地上房屋征收补偿方案"
    assert "补偿方案《青石县城北片区集体土地上房屋征收补偿方案》" in caught.value.reason
    return caught.value.problems


def test_the_nearest_known_key_is_suggested_or_the_known_keys_listed() -> None:
    assert key_problems({"rouding": 1, "name": 2}, ("name", "rounding"), "方案参数（params）") == [
        "方案参数（params）中有未知的字段“rouding”，是否应为“rounding”？"
    ]
    assert key_problems({"zzz": 1}, ("name", "rounding"), "方案") == [
        "方案中有未知的字段“zzz”；可用的字段有：name、rounding"
    ]
    assert key_problems({"name": 1}, ("name",), "方案") == []


def test_every_kind_has_its_parameters_listed() -> None:
    assert set(ITEM_PARAMS) == {k.value for k in RateKind}


def test_a_top_level_typo_of_a_scheme_setting_points_into_params() -> None:
    data = county()
    data["rouding"] = "building"
    data["nmae"] = "x"
    assert problems_of(data) == (
        "方案中有未知的字段“rouding”，是否应为方案参数（params）中的“rounding”？",
        "方案中有未知的字段“nmae”，是否应为“name”？",
    )
    data = county()
    data["land_type"] = data["params"].pop("land_type")
    assert "方案中有未知的字段“land_type”：它应写在方案参数（params）中" in problems_of(data)


def test_unknown_keys_of_items_and_their_params() -> None:
    data = county()
    item(data, "H-BC-L")["rate"] = 123456
    item(data, "H-BC-L")["legality"] = "legal"
    item(data, "H-BC-U")["params"]["rate_rouding"] = "fen"
    item(data, "MOVE")["params"]["months"] = 2
    assert problems_of(data) == (
        "第1项（H-BC-L）：本项中有未知的字段“rate”，是否应为“rate_fen”？",
        "第1项（H-BC-L）：本项中有未知的字段“legality”：它应写在参数（params）中",
        "第3项（H-BC-U）：参数（params）中有未知的字段“rate_rouding”，是否应为“rate_rounding”？",
        "第7项（MOVE）：此计算方式（lump_sum）不认识的参数“months”；"
        "此计算方式可用的参数有：times、methods、when",
    )


def test_unknown_keys_of_derived_rates_bases_windows_and_dates() -> None:
    data = county()
    item(data, "H-BC-U")["params"]["rate_of"]["percnt"] = "40 %"
    item(data, "VACATE")["params"]["basis"]["categoris"] = ["house"]
    sign = item(data, "SIGN")["params"]["windows"]
    sign[0]["form"] = sign[0].pop("from")
    sign[1]["from"]["dyas"] = sign[1]["from"].pop("days")
    assert problems_of(data) == (
        "第3项（H-BC-U）：折算单价（rate_of）中有未知的字段“percnt”，是否应为“percent”？",
        "第9项（SIGN）：第1个奖励期限中有未知的字段“form”，是否应为“from”？",
        "第9项（SIGN）：第2个奖励期限的起止日期中有未知的字段“dyas”，是否应为“days”？",
        "第10项（VACATE）：基数（basis）中有未知的字段“categoris”，是否应为“categories”？",
    )


def test_unknown_keys_of_conditions() -> None:
    data = county()
    item(data, "DIBAO")["params"]["when"][0]["iss"] = True
    item(data, "FLOOR")["params"]["when"][0]["vaule"] = item(data, "FLOOR")["params"]["when"][
        0
    ].pop("value")
    item(data, "ROAD")["params"]["when"] = [{"villages": ["王庄村"]}]
    assert problems_of(data) == (
        "第12项（DIBAO）：第1个适用条件：此条件中有未知的字段“iss”，是否应为“is”？",
        "第15项（ROAD）：第1个适用条件：此条件中有未知的字段“villages”，是否应为“village”？",
        "第17项（FLOOR）：第1个适用条件：此条件中有未知的字段“vaule”，是否应为“value”？",
    )


def test_unknown_keys_of_the_scope() -> None:
    data = county()
    data["params"]["scope"]["vilages"] = data["params"]["scope"].pop("villages")
    assert problems_of(data) == ("适用范围（scope）中有未知的字段“vilages”，是否应为“villages”？",)


def test_the_schemes_params_are_held_to_their_keys_in_files_only() -> None:
    data = county()
    data["params"]["rouding"] = "line"
    data["params"]["notice_period_days"] = {"compensaton": 10}
    data["params"]["resettlement"] = {
        "entitlement": {"basis": "per_person", "area_per_persn": "40"},
        "max_flat": 3,
        "remainder_layouts": [{"remainder_up_to": "30", "largest": "60"}],
    }
    assert param_key_problems(data["params"]) == [
        "方案参数（params）中有未知的字段“rouding”，是否应为“rounding”？",
        "公示天数（notice_period_days）中有未知的字段“compensaton”，是否应为“compensation”？",
        "产权调换规则（resettlement）中有未知的字段“max_flat”，是否应为“max_flats”？",
        "应安置面积（resettlement.entitlement）中有未知的字段“area_per_persn”，"
        "是否应为“area_per_person”？",
        "产权调换规则 remainder_layouts 的第1行中有未知的字段“largest”，是否应为“largest_area”？",
    ]
    # A version stored with a parameter this program does not know still loads: only files
    # being imported are held to the keys.
    stored = copy.deepcopy(county())
    stored["params"]["written_by_a_later_version"] = 1
    assert parse_scheme(stored).params["written_by_a_later_version"] == 1


def test_documented_params_pass_and_every_shipped_scheme_is_clean() -> None:
    from relocation_desk.domain.scheme_parse import parse_scheme as parse

    params = {
        "issuer": "某县房屋征收指挥部",
        "notes": "说明",
        "category_names": {"relocation": "搬家补助"},
        "notice_period_days": {"survey": 7, "compensation": 10, "signed": 5, "resettlement": 3},
        "resettlement": {
            "entitlement": {"basis": "legal_area", "ratio": "1.2"},
            "max_flats": 3,
            "min_remainder_before_last": "20",
            "remainder_layouts": [{"remainder_up_to": "30", "largest_area": "60"}],
            "max_estates": 1,
            "swap_price_fen": 180000,
            "band_area": "10",
            "band_price_fen": 320000,
            "unused_rate_fen": 180000,
            "order_by": "draw",
        },
    }
    assert param_key_problems(params) == []
    assert set(params) <= set(PARAM_KEYS)
    for path in COUNTY.parent.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert param_key_problems(data["params"]) == [], path.name
        canonical = scheme_to_dict(parse(data))
        assert param_key_problems(canonical["params"]) == [], path.name
