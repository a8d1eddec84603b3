"""The bounds of input: numbers, dates, text and JSON, and how the domain readers use them."""

from __future__ import annotations

import json
from datetime import date
from uuid import uuid4

import pytest

from relocation_desk.domain import bounded_json, idnumber, limits, names
from relocation_desk.domain.household_form import (
    HouseholdForm,
    PersonForm,
    Severity,
    StructureForm,
    validate_form,
)
from relocation_desk.domain.money import AmountError, parse_amount, yuan_to_fen
from relocation_desk.domain.units import QuantityError, parse_area, parse_quantity

# --- numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["9" * 101, "9" * 150, "1" + "0" * 4999, "1e309", "-1e309", "1e20", "NaN", "inf", "--"],
)
def test_hostile_amounts_are_refused_with_a_message(text: str) -> None:
    with pytest.raises(AmountError) as info:
        parse_amount(text)
    assert info.value.reason
    with pytest.raises(AmountError):
        yuan_to_fen(text)


@pytest.mark.parametrize("yuan", [10**20, 2**63, -(2**63), 10**10 + 1])
def test_amounts_beyond_ten_billion_yuan_are_refused(yuan: int) -> None:
    with pytest.raises(AmountError) as info:
        parse_amount(yuan)
    assert info.value.code == "too_large"
    assert "10,000,000,000" in info.value.reason


def test_the_largest_amount_is_accepted() -> None:
    assert parse_amount("100亿") == limits.MAX_AMOUNT_FEN
    assert parse_amount("-10,000,000,000.00") == -limits.MAX_AMOUNT_FEN


@pytest.mark.parametrize("text", ["1e309", "9" * 150, "1e15", "100000.01", "1E+16"])
def test_hostile_areas_are_refused(text: str) -> None:
    with pytest.raises(QuantityError) as info:
        parse_area(text)
    assert info.value.reason


def test_area_range_names_the_bound() -> None:
    assert parse_area("100000") == limits.MAX_AREA_DM2
    with pytest.raises(QuantityError, match="100,000㎡"):
        parse_area("1e15")


@pytest.mark.parametrize("text", ["1e30", "1000001", "-1000001", "9" * 41])
def test_quantities_out_of_range_are_refused(text: str) -> None:
    with pytest.raises(QuantityError):
        parse_quantity(text)


@pytest.mark.parametrize(
    ("value", "count"), [(4, 4), (4.0, 4), ("4", 4), ("４人", 4), ("12口", 12), (99, 99)]
)
def test_member_counts(value: object, count: int) -> None:
    assert limits.member_count(value) == count


@pytest.mark.parametrize("value", [1e30, 100, -1, 2.5, "9" * 5000, "1e30", True, "四"])
def test_member_counts_out_of_range(value: object) -> None:
    with pytest.raises(limits.LimitError, match="0 到 99"):
        limits.member_count(value)


# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("2026-W49-1", "YYYY-MM-DD"),
        ("20261201", "YYYY-MM-DD"),
        ("9999-12-31", "1900-01-01 到 2100-12-31"),
        ("0001-01-01", "1900-01-01 到 2100-12-31"),
        ("1899-12-31", "1900-01-01 到 2100-12-31"),
        ("2026-02-30", "日期不存在"),
        ("", "YYYY-MM-DD"),
        ("2" * 500, "YYYY-MM-DD"),
    ],
)
def test_dates_outside_the_form_or_range_are_refused(text: str, fragment: str) -> None:
    with pytest.raises(limits.LimitError, match=fragment):
        limits.parse_date(text)


def test_dates_at_the_bounds_are_accepted() -> None:
    assert limits.parse_date("1900-01-01") == limits.MIN_DATE
    assert limits.parse_date(" 2100-12-31 ") == limits.MAX_DATE
    assert limits.check_date(date(2026, 12, 7)) == date(2026, 12, 7)


# --- text ----------------------------------------------------------------------------------


def test_over_long_text_is_refused_naming_the_limit_never_cut() -> None:
    village = "张" * 300
    with pytest.raises(limits.LimitError) as info:
        limits.check_code(village, "村名", limits.TEXT_LIMITS["village_name"])
    assert info.value.code == "too_long"
    assert "300" in info.value.reason and "100" in info.value.reason
    assert limits.check_code("张" * 100, "村名", 100) == "张" * 100


@pytest.mark.parametrize("ch", ["\u202e", "\u202d", "\u2066", "\u200f", "\x00", "\x1b", "\x85"])
def test_control_and_bidi_characters_are_refused_in_codes(ch: str) -> None:
    with pytest.raises(limits.LimitError) as info:
        limits.check_code(f"T01{ch}-0001", "户编号", 40)
    assert f"U+{ord(ch):04X}" in info.value.reason


def test_free_text_keeps_line_breaks_but_not_overrides() -> None:
    assert limits.text_problem("第一行\n第二行\t", "备注", 100, multiline=True) is None
    assert limits.text_problem("a\u200db", "备注", 100, multiline=True, allow_format=True) is None
    assert limits.text_problem("a\u202eb", "备注", 100, multiline=True, allow_format=True)


def test_a_right_to_left_override_in_a_name_is_refused() -> None:
    problems = names.validate_name("王\u202e明")
    assert any("U+202E" in p for p in problems)
    assert names.validate_name("王明") == []


# --- ID numbers ----------------------------------------------------------------------------


def test_region_code_000000_is_flagged_for_checking_but_accepted() -> None:
    number = idnumber.make("000000", date(1980, 1, 1), 11)
    parsed = idnumber.parse(number, today=date(2026, 1, 1))
    assert parsed.area_code_doubtful
    warning = idnumber.area_code_warning(parsed)
    assert warning is not None and "000000" in warning


@pytest.mark.parametrize("code", ["990101", "100000", "000001"])
def test_impossible_province_codes_are_flagged(code: str) -> None:
    parsed = idnumber.parse(idnumber.make(code, date(1980, 1, 1), 11), today=date(2026, 1, 1))
    assert parsed.area_code_doubtful


@pytest.mark.parametrize("code", ["410102", "110101", "910000", "659001"])
def test_real_but_unlisted_codes_are_accepted_without_a_flag(code: str) -> None:
    parsed = idnumber.parse(idnumber.make(code, date(1980, 1, 1), 11), today=date(2026, 1, 1))
    assert not parsed.area_code_doubtful
    assert idnumber.area_code_warning(parsed) is None


# --- the household form --------------------------------------------------------------------


def _form(**changes: object) -> HouseholdForm:
    form = HouseholdForm(
        village_id=uuid4(),
        persons=[PersonForm(name="张三", relation="户主")],
        structures=[StructureForm(legal_area="120")],
    )
    for key, value in changes.items():
        setattr(form, key, value)
    return form


def test_form_refuses_over_long_address_naming_the_limit() -> None:
    [problem] = [p for p in validate_form(_form(address="路" * 201)) if p.path == "address"]
    assert problem.severity is Severity.ERROR
    assert "201" in problem.message and "200" in problem.message


def test_form_flags_a_doubtful_area_code_as_a_warning() -> None:
    number = idnumber.make("000000", date(1980, 1, 1), 11)
    form = _form(persons=[PersonForm(name="张三", relation="户主", id_number=number)])
    [problem] = [p for p in validate_form(form) if p.path == "persons.0.id_number"]
    assert problem.severity is Severity.WARNING


def test_form_bounds_members_areas_and_digit_like_characters() -> None:
    many = [PersonForm(name="张三", relation="户主")] + [
        PersonForm(name="张四", relation="子") for _ in range(100)
    ]
    assert any(
        p.path == "persons" and "99" in p.message for p in validate_form(_form(persons=many))
    )
    structure = StructureForm(legal_area="1e309", floors="²", build_year="１９９０")
    problems = {p.path for p in validate_form(_form(structures=[structure]))}
    assert {"structures.0.legal_area", "structures.0.floors", "structures.0.build_year"} <= problems


# --- JSON ----------------------------------------------------------------------------------


def test_json_nested_ten_thousand_deep_is_refused_before_parsing() -> None:
    with pytest.raises(bounded_json.JsonLimitError) as info:
        bounded_json.loads("[" * 10_000 + "]" * 10_000)
    assert info.value.code == "depth"


def test_json_with_a_5000_digit_integer_is_refused() -> None:
    with pytest.raises(bounded_json.JsonLimitError) as info:
        bounded_json.loads('{"x": ' + "9" * 5000 + "}")
    assert info.value.code == "number"


@pytest.mark.parametrize("text", ['{"x": NaN}', '{"x": Infinity}', '{"x": 1e400}'])
def test_json_non_finite_numbers_are_refused(text: str) -> None:
    with pytest.raises(bounded_json.JsonLimitError):
        bounded_json.loads(text)


def test_json_brackets_inside_strings_do_not_count_and_ordinary_json_reads_as_before() -> None:
    text = json.dumps({"name": "[[[[" * 100, "items": [{"rate": 12.5, "n": 3}]})
    assert bounded_json.loads(text) == json.loads(text)
    with pytest.raises(json.JSONDecodeError):
        bounded_json.loads('{"a": ')
