"""Tests for resident ID numbers (GB 11643): normalising, checking, decoding, masking."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relocation_desk.domain import idnumber
from relocation_desk.domain.idnumber import IdNumberError, check_char, make, mask, parse

TODAY = date(2025, 6, 1)


def test_check_char_of_the_standard_examples() -> None:
    # The two examples printed in GB 11643-1999 (check characters not computed by us).
    assert check_char("11010519491231002") == "X"
    assert check_char("44052418800101001") == "4"


@pytest.mark.parametrize(
    ("first17", "expected"),
    [
        # Worked by hand: sum of digit × weight, mod 11, index into "10X98765432".
        ("00000000000000000", "1"),  # sum 0
        ("10000000000000000", "5"),  # 1×7 = 7
        ("01000000000000000", "3"),  # 1×9 = 9
        ("00100000000000000", "2"),  # 1×10 = 10
        ("00000000000000002", "8"),  # 2×2 = 4
        ("00000000000000300", "X"),  # 3×8 = 24 ≡ 2
    ],
)
def test_check_char_by_hand(first17: str, expected: str) -> None:
    assert check_char(first17) == expected


def test_check_char_needs_17_digits() -> None:
    with pytest.raises(ValueError):
        check_char("1234")
    with pytest.raises(ValueError):
        check_char("1101051949123100X")


def test_parse_standard_example() -> None:
    number = parse("11010519491231002X", today=TODAY)
    assert number.value == "11010519491231002X"
    assert number.birth_date == date(1949, 12, 31)
    assert number.sex == "女"
    assert not number.is_male
    assert number.area_code == "110105"
    assert number.converted_from_15 is False
    assert str(number) == "11010519491231002X"


def test_parse_male() -> None:
    number = parse("41010219800101123X", today=TODAY)  # sequence 123: odd
    assert number.sex == "男"
    assert number.is_male
    assert number.birth_date == date(1980, 1, 1)


@pytest.mark.parametrize(
    "typed",
    [
        "11010519491231002x",
        " 110105 19491231 002X ",
        "110105\u300019491231002X",  # ideographic space
        "\uff11\uff11\uff10\uff11\uff10\uff15\uff11\uff19\uff14\uff19\uff11\uff12\uff13\uff11\uff10\uff10\uff12\uff38",
        "１１０１０５１９４９１２３１００２ｘ",
        "\ufeff11010519491231002X\u200b",
        "11010519491231002X\t\n",
    ],
)
def test_parse_accepts_sloppy_input(typed: str) -> None:
    assert parse(typed, today=TODAY).value == "11010519491231002X"


def test_normalize_does_not_validate() -> None:
    assert idnumber.normalize(" １２ab x ") == "12abX"
    assert idnumber.normalize("") == ""


def test_fifteen_digits_are_converted() -> None:
    number = parse("110105491231002", today=TODAY)
    assert number.value == "11010519491231002X"
    assert number.converted_from_15 is True
    assert number.birth_date == date(1949, 12, 31)
    assert number.sex == "女"


def test_fifteen_digits_with_impossible_date() -> None:
    with pytest.raises(IdNumberError) as info:
        parse("110105490230002", today=TODAY)
    assert info.value.code == "birth_date"


def test_fifteen_digits_cannot_end_in_x() -> None:
    with pytest.raises(IdNumberError) as info:
        parse("11010549123100X", today=TODAY)
    assert info.value.code == "chars"


def _code(text: str | int | float) -> str:
    with pytest.raises(IdNumberError) as info:
        parse(text, today=TODAY)
    error = info.value
    assert isinstance(error, ValueError)
    assert error.reason == str(error)
    assert error.reason  # a message for the clerk
    return error.code


def test_empty() -> None:
    assert _code("") == "empty"
    assert _code(" \u3000 ") == "empty"


@pytest.mark.parametrize("length", [1, 14, 16, 17, 19, 20])
def test_wrong_length_says_how_many(length: int) -> None:
    text = "1" * length
    with pytest.raises(IdNumberError) as info:
        parse(text, today=TODAY)
    assert info.value.code == "length"
    assert f"输入的是{length}位" in info.value.reason
    assert "18位" in info.value.reason


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("11010519491231002A", "“A”"),
        ("110105-19491231-002X", "“-”"),
        ("1101051949123100X2", "“X”"),
        ("11O10519491231002X", "“O”"),  # letter O for zero
    ],
)
def test_bad_characters_are_named(text: str, shown: str) -> None:
    with pytest.raises(IdNumberError) as info:
        parse(text, today=TODAY)
    assert info.value.code == "chars"
    assert shown in info.value.reason


def test_bad_characters_listed_once_each() -> None:
    with pytest.raises(IdNumberError) as info:
        parse("11a10a1949-1231-02X", today=TODAY)
    assert info.value.reason.count("“a”") == 1
    assert info.value.reason.count("“-”") == 1


def test_wrong_check_char_says_expected() -> None:
    with pytest.raises(IdNumberError) as info:
        parse("110105194912310025", today=TODAY)
    assert info.value.code == "check_digit"
    assert "应为 X" in info.value.reason
    assert "输入的是 5" in info.value.reason


@pytest.mark.parametrize(
    "birth",
    ["19800230", "19810229", "19801301", "19800001", "19800100", "19800431", "18991231"],
)
def test_impossible_birth_dates(birth: str) -> None:
    first17 = "110105" + birth + "002"
    # A correct check character, so only the date can be wrong.
    assert _code(first17 + check_char(first17)) == "birth_date"


def test_leap_day_is_a_birth_date() -> None:
    first17 = "110105" + "20000229" + "002"
    assert parse(first17 + check_char(first17), today=TODAY).birth_date == date(2000, 2, 29)


def test_birth_date_in_the_future() -> None:
    tomorrow = TODAY + timedelta(days=1)
    value = make("110105", tomorrow, 2)
    assert _code(value) == "future"
    # Born today is possible.
    assert parse(make("110105", TODAY, 2), today=TODAY).birth_date == TODAY
    # The same number is fine once the day has come.
    assert parse(value, today=tomorrow).birth_date == tomorrow


def test_standard_1880_example_is_rejected_for_its_year() -> None:
    # Valid by the check character, but nobody born before 1900 is still registering.
    assert _code("440524188001010014") == "birth_date"


def test_1900_is_the_earliest_year() -> None:
    assert parse(make("110105", date(1900, 1, 1), 1), today=TODAY).birth_date.year == 1900


@pytest.mark.parametrize(
    "mangled",
    [
        "4.10102198001011E+17",
        "4.10102E+17",
        "4.10102198001011e+17",
        "4.10102198001011E17",
        "410102198001011000.0",
        " 4.10102E+017 ",
    ],
)
def test_excel_scientific_notation_is_reported_not_guessed(mangled: str) -> None:
    with pytest.raises(IdNumberError) as info:
        parse(mangled, today=TODAY)
    assert info.value.code == "float_lost"
    assert "Excel" in info.value.reason
    assert "无法恢复" in info.value.reason


def test_excel_trailing_zeros_are_reported() -> None:
    # What Excel keeps of 41010219800101123X's neighbour 410102198001011234: 15 digits + 000.
    assert _code("410102198001011000") == "float_lost"
    assert _code(410102198001011000) == "float_lost"


def test_float_values_are_always_lost() -> None:
    assert _code(4.10102198001011e17) == "float_lost"


def test_int_value_that_is_correct_is_accepted() -> None:
    value = make("410102", date(1980, 1, 1), 124)
    assert value.isdigit()  # no X, so a spreadsheet could hold it as a number
    assert parse(int(value), today=TODAY).value == value


def test_real_number_ending_in_000_is_accepted() -> None:
    # Sequence x00 with check character 0 exists: it must not be mistaken for Excel damage.
    for seq in range(0, 1000, 100):
        for day in range(1, 29):
            value = make("410102", date(1980, 1, day), seq)
            if value.endswith("000"):
                assert parse(value, today=TODAY).value == value
                return
    pytest.fail("no number ending in 000 found")


def test_area_code_is_not_checked() -> None:
    # 999999 is no county; numbers are not rejected for their area code (DOMAIN.md).
    value = make("999999", date(1970, 5, 5), 11)
    assert parse(value, today=TODAY).area_code == "999999"


def test_age_on() -> None:
    number = parse(make("410102", date(1980, 6, 15), 1), today=TODAY)
    assert number.age_on(date(2020, 6, 14)) == 39
    assert number.age_on(date(2020, 6, 15)) == 40
    leap = parse(make("410102", date(2000, 2, 29), 1), today=TODAY)
    assert leap.age_on(date(2018, 2, 28)) == 17
    assert leap.age_on(date(2018, 3, 1)) == 18
    assert leap.age_on(date(2020, 2, 29)) == 20


def test_is_valid() -> None:
    assert idnumber.is_valid("11010519491231002X")
    assert not idnumber.is_valid("110105194912310025")
    assert not idnumber.is_valid("")


def test_make() -> None:
    assert make("110105", date(1949, 12, 31), 2) == "11010519491231002X"
    with pytest.raises(ValueError):
        make("11010", date(1980, 1, 1), 1)
    with pytest.raises(ValueError):
        make("110105", date(1980, 1, 1), 1000)
    with pytest.raises(ValueError):
        make("110105", date(1980, 1, 1), -1)


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("41010219800101123X", "410102********123X"),
        ("11010519491231002X", "110105********002X"),
        ("11010519491231002x", "110105********002X"),
        ("110105491231002", "110105********002X"),  # converted first, then masked
    ],
)
def test_mask(value: str, masked: str) -> None:
    assert mask(value) == masked


@pytest.mark.parametrize("value", ["", "1", "4101", "4101021980", "41010219800101123"])
def test_mask_short_input_reveals_nothing(value: str) -> None:
    masked = mask(value)
    assert set(masked) <= {"*"}
    assert len(masked) == len(value)


@given(st.text(min_size=0, max_size=40))
def test_mask_never_reveals_more_than_ten(text: str) -> None:
    masked = mask(text)
    assert len(masked) - masked.count("*") <= 10


birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
area_codes = st.from_regex(r"[1-9][0-9]{5}", fullmatch=True)


@given(area_codes, birth_dates, st.integers(0, 999))
def test_make_parse_round_trip(area: str, birth: date, seq: int) -> None:
    value = make(area, birth, seq)
    number = parse(value, today=TODAY)
    assert number.value == value
    assert number.birth_date == birth
    assert number.is_male == (seq % 2 == 1)
    assert number.sex == ("男" if seq % 2 else "女")
    assert number.area_code == area
    # Mangled versions of the same number come back to it.
    assert parse(value.lower().replace("", " "), today=TODAY).value == value


@given(area_codes, birth_dates, st.integers(0, 999), st.integers(0, 16), st.integers(1, 9))
def test_any_single_digit_error_is_caught(
    area: str, birth: date, seq: int, position: int, delta: int
) -> None:
    # The check character detects every single-digit substitution.
    value = make(area, birth, seq)
    digit = (int(value[position]) + delta) % 10
    typo = value[:position] + str(digit) + value[position + 1 :]
    with pytest.raises(IdNumberError):
        parse(typo, today=TODAY)


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)),
    st.integers(0, 999),
)
def test_fifteen_to_eighteen_round_trip(birth: date, seq: int) -> None:
    full = make("410102", birth, seq)
    old = full[:6] + full[8:17]  # drop "19" and the check character
    number = parse(old, today=TODAY)
    assert number.value == full
    assert number.converted_from_15
