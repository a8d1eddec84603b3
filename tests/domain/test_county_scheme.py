"""A county-style scheme using every construct (resources/schemes/county-scheme-example.json,
the worked example of docs/schemes.md) and six households worked out by hand.

Each expected line is (item code, amount in fen), derived in the comments with the scheme's
rates: 砖混合法 1,234.56元/㎡; 砖混无证 = 40 % of it, rounded to the fen first (493.824 →
493.82); 砖木合法 980.00; 砖木无证 = 33.33 % of it kept exact (326.634, the line rounded);
装修 150.00/㎡; 水井 800.00/口; 搬迁费 1,500.00 × 2; 临时安置费 300.00/人·月 × 6 (swap and
mixed only); 签约奖 20,000 (03-01…03-16) / 10,000 (03-17…03-31); 腾房奖 5 % of 房屋补偿 if
vacated by 签约期开始 + 20 天 = 03-21; 干部带头奖 3,000 if cadre and signed by 03-08; 低保
5,000; 残疾 3,000; 砖木旧房 2,000; 王庄村 1,000; 一片区 500/人; 保底 200,000 of 房屋补偿
for households with legal area > 0; swap by legal area 1:1 without price; area lines
rounded per building.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relocation_desk import i18n
from relocation_desk.domain import money
from relocation_desk.domain.engine import EngineError, compute, inputs_hash
from relocation_desk.domain.household_input import AttachmentInput, HouseholdInput, StructureInput
from relocation_desk.domain.scheme import content_hash, scheme_to_dict
from relocation_desk.domain.scheme_parse import parse_scheme
from relocation_desk.domain.scheme_scope import covers, land_type, scope_overlap
from relocation_desk.domain.status import CompensationMethod, StructureType

COUNTY = (
    Path(__file__).resolve().parents[2] / "resources" / "schemes" / "county-scheme-example.json"
)
BC, BW = StructureType.BRICK_CONCRETE, StructureType.BRICK_WOOD
SWAP, MIXED = CompensationMethod.SWAP, CompensationMethod.MIXED


@pytest.fixture(autouse=True)
def _chinese() -> None:
    i18n.set_language("zh_CN")


def scheme():  # type: ignore[no-untyped-def]
    return parse_scheme(json.loads(COUNTY.read_text(encoding="utf-8")))


CASES = [
    # H1 王庄村, money, 4 persons, 低保; two 砖混 buildings 100.10 + 50.10 ㎡ legal, 20.00 ㎡
    # unlicensed; signed 03-05, vacated 03-18.
    (
        HouseholdInput(
            "H1", 4,
            (StructureInput(BC, 10010, 0, "DEC-A"), StructureInput(BC, 5010, 2000)),
            (AttachmentInput("ATT-WELL", 1000),),
            vulnerable=True, dibao=True, signed_on=date(2026, 3, 5),
            vacated_on=date(2026, 3, 18), village="王庄村", group="一组",
        ),
        date(2026, 3, 10),
        [
            # per building: 100.10 × 1,234.56 = 123,579.456 → 123,579.46;
            # 50.10 × 1,234.56 = 61,851.456 → 61,851.46; sum 185,430.92
            # (one line would give 150.20 × 1,234.56 = 185,430.912 → 185,430.91)
            ("H-BC-L", 18543092),
            ("H-BC-U", 987640),  # 20.00 × 493.82 = 9,876.40
            ("DEC-A", 1501500),  # 100.10 × 150.00 = 15,015.00
            ("ATT-WELL", 80000),  # 1 × 800.00
            ("MOVE", 300000),  # 2 × 1,500.00
            ("SIGN", 2000000),  # 03-05 in the first window
            ("VACATE", 976537),  # (185,430.92 + 9,876.40) × 5 % = 9,765.366 → 9,765.37
            ("DIBAO", 500000),
            ("ROAD", 100000),  # 王庄村
            ("FLOOR", 469268),  # 200,000.00 − 195,307.32 = 4,692.68
        ],
        25458037,  # 254,580.37
        "人民币贰拾伍万肆仟伍佰捌拾元叁角柒分",
    ),
    # H2 张庄村 (一片区), swap, 3 persons; 砖木 80.00 legal + 30.00 unlicensed; not signed
    # or vacated: judged by the day of computing, 03-10.
    (
        HouseholdInput(
            "H2", 3, (StructureInput(BW, 8000, 3000),),
            compensation_method=SWAP, village="张庄村", group="二组",
        ),
        date(2026, 3, 10),
        [
            ("H-BW-L", 7840000),  # 80.00 × 980.00 = 78,400.00
            ("H-BW-U", 979902),  # 30.00 × 326.634 = 9,799.02 (rate not rounded)
            ("MOVE", 300000),
            ("TRANS", 540000),  # 3 × 6 × 300.00 = 5,400.00
            ("SIGN", 2000000),  # 03-10 in the first window
            ("VACATE", 440995),  # 88,199.02 × 5 % = 4,409.951 → 4,409.95
            ("OLD-BW", 200000),
            ("ZONE1", 150000),  # 3 × 500.00
            ("FLOOR", 11180098),  # 200,000.00 − 88,199.02 = 111,800.98
            ("SWAP", 0),  # 80.00 ㎡ by legal area, no price
        ],
        23630995,  # 236,309.95
        "人民币贰拾叁万陆仟叁佰零玖元玖角伍分",
    ),
    # H3 李庄村/三组 (一片区 through its group), money, 2 persons, 残疾, cadre; only
    # unlicensed 砖混 60.00 ㎡ (legal area 0: no guarantee); signed 03-20 (too late for the
    # cadre bonus), not vacated, computed 03-25 (after 03-21: no vacating bonus).
    (
        HouseholdInput(
            "H3", 2, (StructureInput(BC, 0, 6000),),
            vulnerable=True, disabled=True, cadre=True, signed_on=date(2026, 3, 20),
            village="李庄村", group="三组",
        ),
        date(2026, 3, 25),
        [
            ("H-BC-U", 2962920),  # 60.00 × 493.82 = 29,629.20
            ("MOVE", 300000),
            ("SIGN", 1000000),  # 03-20 in the second window
            ("DISABLED", 300000),
            ("ZONE1", 100000),  # 2 × 500.00
        ],
        4662920,  # 46,629.20
        "人民币肆万陆仟陆佰贰拾玖元贰角",
    ),
    # H4 王庄村, money, 5 persons, cadre; 砖混 120.00 legal, 一类装修; signed 03-06 (cadre
    # bonus: by 03-08), vacated 03-25 (after 03-21).
    (
        HouseholdInput(
            "H4", 5, (StructureInput(BC, 12000, 0, "DEC-A"),),
            cadre=True, signed_on=date(2026, 3, 6), vacated_on=date(2026, 3, 25),
            village="王庄村", group="二组",
        ),
        date(2026, 3, 30),
        [
            ("H-BC-L", 14814720),  # 120.00 × 1,234.56 = 148,147.20
            ("DEC-A", 1800000),  # 120.00 × 150.00
            ("MOVE", 300000),
            ("SIGN", 2000000),
            ("CADRE", 300000),
            ("ROAD", 100000),
            ("FLOOR", 5185280),  # 200,000.00 − 148,147.20 = 51,852.80
        ],
        24500000,  # 245,000.00
        "人民币贰拾肆万伍仟元整",
    ),
    # H5 王庄村, mixed, 4 persons; 砖混 90.00 legal + 15.00 unlicensed, 砖木 10.00 unlicensed;
    # chose a 40.00 ㎡ flat; not signed, computed 04-15 (after every window).
    (
        HouseholdInput(
            "H5", 4, (StructureInput(BC, 9000, 1500), StructureInput(BW, 0, 1000)),
            compensation_method=MIXED, resettlement_area_dm2=4000, village="王庄村", group="一组",
        ),
        date(2026, 4, 15),
        [
            ("H-BC-L", 11111040),  # 90.00 × 1,234.56 = 111,110.40
            ("H-BC-U", 740730),  # 15.00 × 493.82 = 7,407.30
            ("H-BW-U", 326634),  # 10.00 × 326.634 = 3,266.34
            ("MOVE", 300000),
            ("TRANS", 720000),  # 4 × 6 × 300.00
            ("SIGN", 0),  # outside both windows: a 0 line that says so
            ("OLD-BW", 200000),
            ("ROAD", 100000),
            ("FLOOR", 7821596),  # 200,000.00 − 121,784.04 = 78,215.96
            ("SWAP", 0),  # 40.00 of 90.00 ㎡, no price
        ],
        21320000,  # 213,200.00
        "人民币贰拾壹万叁仟贰佰元整",
    ),
    # H6 张庄村, money, 1 person, 低保; 砖木 10.00 legal; signed 03-16 (last day of the first
    # window), vacated 03-21 (the last day the vacating bonus allows).
    (
        HouseholdInput(
            "H6", 1, (StructureInput(BW, 1000, 0),),
            vulnerable=True, dibao=True, signed_on=date(2026, 3, 16),
            vacated_on=date(2026, 3, 21), village="张庄村", group="一组",
        ),
        date(2026, 3, 25),
        [
            ("H-BW-L", 980000),  # 10.00 × 980.00
            ("MOVE", 300000),
            ("SIGN", 2000000),
            ("VACATE", 49000),  # 9,800.00 × 5 %
            ("DIBAO", 500000),
            ("OLD-BW", 200000),
            ("ZONE1", 50000),
            ("FLOOR", 19020000),  # 200,000.00 − 9,800.00
        ],
        23099000,  # 230,990.00
        "人民币贰拾叁万零玖佰玖拾元整",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("household", "as_of", "lines", "total", "upper"), CASES)
def test_six_households_by_hand(
    household: HouseholdInput, as_of: date, lines: list[tuple[str, int]], total: int, upper: str
) -> None:
    result = compute(household, scheme(), as_of=as_of)
    assert [(ln.item_code, ln.amount_fen) for ln in result.lines] == lines
    assert result.total_fen == total
    assert result.total_upper == upper


def test_lines_say_their_rounding_derivation_and_conditions() -> None:
    h1 = CASES[0][0]
    lines = {ln.item_code: ln for ln in compute(h1, scheme(), as_of=date(2026, 3, 10)).lines}
    assert "按幢取整：第1幢 100.10㎡" in lines["H-BC-L"].explanation
    assert "× 40% = 493.824元/㎡，四舍五入到分为 493.82元/㎡" in lines["H-BC-U"].explanation
    assert "适用条件：腾房日期 2026-03-18 不晚于 2026-03-21（签约期开始 + 20 天）" in (
        lines["VACATE"].explanation
    )
    assert lines["FLOOR"].explanation.endswith("适用条件：合法面积 ＞ 0㎡")
    h2 = CASES[1][0]
    swap = compute(h2, scheme(), as_of=date(2026, 3, 10)).lines[-1]
    assert swap.explanation == "应安置面积 按合法面积 80.00㎡ 等面积调换；不计价款"
    assert "326.634元/㎡，单价不取整，金额四舍五入到分" in (
        compute(h2, scheme(), as_of=date(2026, 3, 10)).lines[1].explanation
    )


def test_canonical_form_round_trips_and_relative_windows_resolve() -> None:
    s = scheme()
    again = parse_scheme(scheme_to_dict(s))
    assert again == s and content_hash(again) == content_hash(s)
    sign = s.item("SIGN")
    assert sign is not None
    assert [(w.start, w.end) for w in sign.windows] == [
        (date(2026, 3, 1), date(2026, 3, 16)),
        (date(2026, 3, 17), date(2026, 3, 31)),
    ]
    # Moving the named date moves every window and milestone counted from it.
    data = scheme_to_dict(s)
    data["params"]["dates"]["签约期开始"] = "2026-04-01"
    moved = parse_scheme(data).item("SIGN")
    assert moved is not None and moved.windows[0].start == date(2026, 4, 1)


def test_scope_land_type_and_overlap() -> None:
    s = scheme()
    assert land_type(s.params) == "collective"
    assert covers(s.params, "王庄村", "一组")
    assert covers(s.params, "李庄村", "三组")
    assert not covers(s.params, "李庄村", "一组")
    other = {"scope": {"villages": ["李庄村"]}}
    assert scope_overlap(s.params, other) == ["李庄村/三组"]
    assert scope_overlap(s.params, {"scope": {"villages": ["赵庄村"]}}) == []
    assert scope_overlap(s.params, {}) != []


def test_condition_outcomes_enter_the_inputs_hash_only_where_conditions_exist() -> None:
    s = scheme()
    h6 = CASES[5][0]
    # The vacating condition judged by the day of computing for a household not vacated:
    # the hash changes the day it stops holding, not every day.
    unvacated = HouseholdInput("H7", 1, (StructureInput(BW, 1000, 0),), village="张庄村")
    assert inputs_hash(unvacated, s, as_of=date(2026, 3, 2)) == inputs_hash(
        unvacated, s, as_of=date(2026, 3, 3)
    )
    assert inputs_hash(unvacated, s, as_of=date(2026, 3, 21)) != inputs_hash(
        unvacated, s, as_of=date(2026, 3, 22)
    )
    assert inputs_hash(h6, s, as_of=date(2026, 3, 25)) != inputs_hash(
        HouseholdInput(**{**h6.__dict__, "dibao": False}), s, as_of=date(2026, 3, 25)
    )


def test_an_area_whose_only_rate_does_not_apply_is_refused() -> None:
    data = json.loads(COUNTY.read_text(encoding="utf-8"))
    item = next(it for it in data["items"] if it["code"] == "H-BW-L")
    item["params"]["when"] = [{"village": ["王庄村"]}]
    with pytest.raises(EngineError, match="一个也不符合"):
        compute(CASES[5][0], parse_scheme(data), as_of=date(2026, 3, 25))


HOUSEHOLDS = st.builds(
    HouseholdInput,
    code=st.just("P-1"),
    member_count=st.integers(1, 9),
    structures=st.lists(
        st.builds(
            StructureInput,
            st.sampled_from([BC, BW]),
            st.integers(0, 50_000),
            st.integers(0, 20_000),
            st.sampled_from(["", "DEC-A"]),
        ),
        max_size=4,
    ),
    attachments=st.lists(st.builds(AttachmentInput, st.just("ATT-WELL"), st.integers(1, 9_000))),
    vulnerable=st.booleans(),
    dibao=st.booleans(),
    disabled=st.booleans(),
    cadre=st.booleans(),
    compensation_method=st.sampled_from(list(CompensationMethod)),
    signed_on=st.none() | st.dates(date(2026, 2, 20), date(2026, 5, 1)),
    vacated_on=st.none() | st.dates(date(2026, 2, 20), date(2026, 5, 1)),
    village=st.sampled_from(["王庄村", "张庄村", "李庄村"]),
    group=st.sampled_from(["一组", "三组"]),
)


@settings(max_examples=300, deadline=None)
@given(h=HOUSEHOLDS, as_of=st.dates(date(2026, 2, 20), date(2026, 6, 1)))
def test_properties_under_every_construct(h: HouseholdInput, as_of: date) -> None:
    s = scheme()
    if h.signed_on is not None and h.signed_on < s.effective_date:
        return
    result = compute(h, s, as_of=as_of)
    assert result.total_fen == sum(ln.amount_fen for ln in result.lines)
    assert all(ln.explanation.strip() for ln in result.lines)
    assert result.total_upper == money.to_chinese_upper(result.total_fen)
    assert len({ln.item_code for ln in result.lines}) == len(result.lines)
