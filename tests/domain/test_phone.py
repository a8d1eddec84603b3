"""Tests for telephone numbers: mobiles and landlines."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relocation_desk.domain.phone import PhoneError, normalize_phone, validate_phone


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13812345678", "13812345678"),
        ("19912345678", "19912345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("0086 13812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("＋８６　１３８１２３４５６７８", "13812345678"),
        ("0371-65432100", "0371-65432100"),
        ("037165432100", "0371-65432100"),
        ("0371 6543 2100", "0371-65432100"),
        ("(0371)65432100", "0371-65432100"),
        ("（0371）65432100", "0371-65432100"),
        ("010-12345678", "010-12345678"),
        ("01012345678", "010-12345678"),
        ("020-87654321", "020-87654321"),
        ("0398-7654321", "0398-7654321"),  # 7-digit local number
        ("0371-65432100-801", "0371-65432100-801"),
        ("0371-65432100转801", "0371-65432100-801"),
        ("0371-65432100 ext. 801", "0371-65432100-801"),
        ("0371-65432100#801", "0371-65432100-801"),
        ("+86 0371 65432100", "0371-65432100"),
    ],
)
def test_normalize_phone(typed: str, stored: str) -> None:
    assert normalize_phone(typed) == stored
    assert validate_phone(typed) is None


@pytest.mark.parametrize(
    ("typed", "code", "says"),
    [
        ("", "empty", "为空"),
        ("  ", "empty", "为空"),
        ("1381234567", "mobile", "输入的是10位"),
        ("138123456789", "mobile", "输入的是12位"),
        ("12345678901", "mobile", "13–19"),  # second digit 2
        ("10012345678", "mobile", "13–19"),
        ("65432100", "no_area_code", "区号"),
        ("6543210", "no_area_code", "区号"),
        ("0371-6543210000", "format", "无法识别"),
        ("0371-012345", "format", "无法识别"),
        ("abc", "format", "无法识别"),
        ("138-1234-5678-801", "mobile", "11位"),  # mobiles have no extension
    ],
)
def test_phone_rejects(typed: str, code: str, says: str) -> None:
    with pytest.raises(PhoneError) as info:
        normalize_phone(typed)
    assert info.value.code == code
    assert says in info.value.reason
    assert validate_phone(typed) == info.value.reason


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_any_mobile_round_trips(mobile: str) -> None:
    assert normalize_phone(mobile) == mobile
    assert normalize_phone(f"+86 {mobile[:3]} {mobile[3:7]} {mobile[7:]}") == mobile
    assert normalize_phone(normalize_phone(mobile)) == mobile


@given(
    st.from_regex(r"0(10|2[0-9]|[3-9][0-9]{2})", fullmatch=True),
    st.from_regex(r"[2-9][0-9]{6,7}", fullmatch=True),
)
def test_any_landline_round_trips(area: str, local: str) -> None:
    stored = f"{area}-{local}"
    assert normalize_phone(area + local) == stored
    assert normalize_phone(stored) == stored
