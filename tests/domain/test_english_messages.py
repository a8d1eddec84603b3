"""Messages of the domain's input checks in English (``i18n.set_language("en")``).

The Chinese wording is tested with each module; here: the English catalogue is used when the
error is raised, and the variable parts still reach the clerk.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from relocation_desk import i18n
from relocation_desk.domain.idnumber import IdNumberError, check_char, make, parse
from relocation_desk.domain.money import AmountError, parse_amount
from relocation_desk.domain.names import unprintable_message, validate_name
from relocation_desk.domain.phone import PhoneError, normalize_phone


@pytest.fixture
def english() -> Iterator[None]:
    i18n.set_language("en")
    try:
        yield
    finally:
        i18n.set_language("zh_CN")


def _with_wrong_check_char(number: str) -> tuple[str, str]:
    expected = check_char(number[:17])
    wrong = "0" if expected != "0" else "1"
    return number[:17] + wrong, expected


@pytest.mark.usefixtures("english")
def test_id_number_check_digit_reason_is_english() -> None:
    number, expected = _with_wrong_check_char(make("410102", date(1980, 1, 1), 123))
    with pytest.raises(IdNumberError) as info:
        parse(number)
    reason = info.value.reason
    assert info.value.code == "check_digit"
    assert reason.startswith("The check character of the ID number is wrong")
    assert f"it should be {expected}" in reason
    assert f"but {number[17]} was entered" in reason
    assert reason.isascii()
    assert str(info.value) == reason


@pytest.mark.parametrize("seq", [1, 2, 17, 250, 999])
def test_id_number_check_digit_reason_names_the_expected_char(english: None, seq: int) -> None:
    number, expected = _with_wrong_check_char(make("110105", date(1975, 6, 30), seq))
    with pytest.raises(IdNumberError, match=f"should be {expected}, but"):
        parse(number)


def test_language_is_chosen_when_the_error_is_raised() -> None:
    number, _ = _with_wrong_check_char(make("410102", date(1980, 1, 1), 123))
    with pytest.raises(IdNumberError, match="校验位错误"):
        parse(number)
    i18n.set_language("en")
    try:
        with pytest.raises(IdNumberError, match="check character"):
            parse(number)
    finally:
        i18n.set_language("zh_CN")
    with pytest.raises(IdNumberError, match="校验位错误"):
        parse(number)


@pytest.mark.usefixtures("english")
def test_id_number_other_reasons_are_english() -> None:
    with pytest.raises(IdNumberError, match=r"18 characters.*but 17 were entered"):
        parse("41010219800101123")
    with pytest.raises(IdNumberError, match=r"“a”, “-”"):
        parse("4101a-198001011234")
    with pytest.raises(IdNumberError, match=r"2024-02-30|1980-02 has no day 30"):
        parse("410102198002301234")
    with pytest.raises(IdNumberError, match=r"later than today \(2024-05-01\)"):
        parse(make("410102", date(2024, 5, 2), 1), today=date(2024, 5, 1))
    with pytest.raises(IdNumberError, match="Excel"):
        parse(4.10102198001011e17)


@pytest.mark.usefixtures("english")
def test_other_domain_reasons_are_english() -> None:
    with pytest.raises(AmountError, match=r"Cannot read the amount “abc”\. Valid forms"):
        parse_amount("abc")
    with pytest.raises(PhoneError, match="must have 11 digits, but 10 were entered"):
        normalize_phone("1381234567")
    assert validate_name("") == ["The name is empty. Please enter a name"]
    assert validate_name("王\ue000\ue001明")[0].startswith(
        "The name contains self-made characters (U+E000, U+E001)"
    )
    assert unprintable_message(["䶮", "𠮷"]).startswith(
        "The print font has no glyph for “䶮”, “𠮷”"
    )
