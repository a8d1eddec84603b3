"""Tests for names: cleaning, validation, pinyin search keys, print-font coverage."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relocation_desk.domain.names import (
    MAX_NAME_LENGTH,
    normalize_name,
    pinyin_full,
    pinyin_initials,
    search_keys,
    unprintable_chars,
    unprintable_message,
    validate_name,
)

EXT_B = "\U00020bb7"  # 𠮷, beyond U+FFFF


@pytest.mark.parametrize(
    ("typed", "clean"),
    [
        ("王小明", "王小明"),
        ("  王小明  ", "王小明"),
        ("王 小明", "王小明"),
        ("王  小 明", "王小明"),
        ("王\u3000小明", "王小明"),
        ("\u3000王小明\u3000", "王小明"),
        ("王\t小明\n", "王小明"),
        ("王\u200b小明", "王小明"),  # zero-width space from a web page
        ("阿依古丽·买买提", "阿依古丽·买买提"),
        ("阿依古丽 · 买买提", "阿依古丽·买买提"),
        ("阿依古丽•买买提", "阿依古丽·买买提"),
        ("阿依古丽・买买提", "阿依古丽·买买提"),  # katakana middle dot
        ("Ahmat   Ali", "Ahmat Ali"),
        ("  Ahmat Ali ", "Ahmat Ali"),
        ("Ａｈｍａｔ　Ａｌｉ", "Ahmat Ali"),
        ("王 Ali", "王Ali"),
        (f"{EXT_B} 田", f"{EXT_B}田"),
        (f"王{EXT_B}", f"王{EXT_B}"),
        ("刘䶮", "刘䶮"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_normalize_name(typed: str, clean: str) -> None:
    assert normalize_name(typed) == clean


def test_normalize_name_is_nfc() -> None:
    decomposed = "Ame\u0301lie"  # e + combining acute
    assert normalize_name(decomposed) == "Am\u00e9lie"


@pytest.mark.parametrize(
    "ideograph",
    [
        "\uf92c",  # CJK Compatibility Ideograph; NFC would make it U+90CE 郎
        "\ufa10",  # NFC: U+585A 塚
        "\U0002f800",  # CJK Compatibility Ideographs Supplement; NFC: U+4E3D
        "\U0002fa1d",  # last one of the supplement; NFC: U+2A600
    ],
)
def test_normalize_keeps_compatibility_ideographs(ideograph: str) -> None:
    # The code point on the ID card must survive, while NFC still applies around it.
    name = normalize_name(f" 王{ideograph}Ame\u0301lie{ideograph}e\u0301 ")
    assert name == f"王{ideograph}Am\u00e9lie{ideograph}\u00e9"


def test_normalize_keeps_a_combining_mark_after_a_compatibility_ideograph() -> None:
    assert normalize_name("\uf92c\u0301") == "\uf92c\u0301"
    assert normalize_name("\uf92c\u0301e\u0301") == "\uf92c\u0301\u00e9"


def test_normalize_keeps_characters_beyond_bmp() -> None:
    name = normalize_name(f" 张{EXT_B}\U0002a6d6 ")
    assert name == f"张{EXT_B}\U0002a6d6"
    assert len(name) == 3


@given(st.text(alphabet=st.characters(categories=["Lo"]), min_size=1, max_size=10))
def test_normalize_keeps_every_han_character(name: str) -> None:
    # Other letters (Lo) hold all CJK ideographs, including Extension B and later.
    assert normalize_name(name) == normalize_name(normalize_name(name))
    assert len(normalize_name(name)) == len(unicodedata.normalize("NFC", name))


@given(st.text(max_size=20))
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize_name(text)
    assert normalize_name(once) == once
    assert once == once.strip()
    assert "  " not in once
    assert "\u3000" not in once


@pytest.mark.parametrize(
    ("name", "initials", "full"),
    [
        ("王小明", "wxm", "wangxiaoming"),
        ("张伟", "zw", "zhangwei"),
        ("吕布", "lb", "lvbu"),  # ü as v, as users type it
        ("单小明", "sxm", "shanxiaoming"),  # surname reading
        ("曾国藩", "zgf", "zengguofan"),
        ("刘䶮", "ly", "liuyan"),
        ("李喆", "lz", "lizhe"),
        ("张堃", "zk", "zhangkun"),
        ("阿依古丽·买买提", "ayglmmt", "ayigulimaimaiti"),  # the dot is left out
        ("Ahmat Ali", "ahmatali", "ahmatali"),
        ("王A明", "wam", "wangaming"),
    ],
)
def test_pinyin(name: str, initials: str, full: str) -> None:
    assert pinyin_initials(name) == initials
    assert pinyin_full(name) == full
    assert search_keys(name) == (initials, full)


def test_surname_reading_applies_to_the_first_character_only() -> None:
    # 单 in a given name keeps its everyday reading.
    assert pinyin_full("王单") == "wangdan"


def test_unknown_characters_are_kept_as_themselves() -> None:
    # A private-use character (self-made 造字) has no reading: kept, so a search for it works.
    initials, full = search_keys("王\ue000明")
    assert initials == "w\ue000m"
    assert full == "wang\ue000ming"


def test_pinyin_of_extension_b_character_is_not_dropped() -> None:
    initials, full = search_keys(f"王{EXT_B}")
    assert initials.startswith("w")
    assert len(initials) == 2  # one key per character, whatever pypinyin knows of 𠮷
    assert full.startswith("wang") and len(full) > len("wang")


@given(st.text(alphabet="王李张刘陈杨黄赵小明伟芳娜秀英", min_size=1, max_size=4))
def test_search_keys_shape(name: str) -> None:
    initials, full = search_keys(name)
    assert len(initials) == len(name)
    assert initials.isascii() and initials.islower()
    assert full.isascii() and full.islower()
    assert all(full_part for full_part in full)


def test_search_keys_for_many_names() -> None:
    # Readings are cached per character: the keys must not depend on what was asked before.
    # (Speed is measured in tests/benchmarks/test_names_benchmark.py, not asserted here.)
    names = [
        a + b + c for a in "王李张刘陈杨黄赵吴周" for b in "小大建国海秀" for c in "明伟芳娜英军"
    ]
    first = [search_keys(name) for name in names]
    for _ in range(3):
        assert [search_keys(name) for name in names] == first
    for initials, full in first:
        assert len(initials) == 3
        assert full.startswith(initials[0])


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("", "姓名为空"),
        ("   ", "姓名为空"),
        ("王1明", "数字“1”"),
        ("王１明", "数字“1”"),  # full-width digit becomes ASCII first
        ("王?明", "编码损坏"),
        ("王？明", "编码损坏"),
        ("王\ufffd明", "编码损坏"),
        ("王\ue000明", "自造字（U+E000）"),
        ("王\x07明", "控制字符"),
        ("王" * (MAX_NAME_LENGTH + 1), "姓名过长：31个字"),
    ],
)
def test_validate_name_problems(name: str, problem: str) -> None:
    problems = validate_name(name)
    assert len(problems) == 1
    assert problem in problems[0]


@pytest.mark.parametrize(
    "name",
    [
        "王小明",
        "刘䶮",
        f"王{EXT_B}",
        "阿依古丽·买买提",
        "Ahmat Ali",
        "王" * MAX_NAME_LENGTH,
        "欧阳㑇",
    ],
)
def test_validate_name_accepts(name: str) -> None:
    assert validate_name(name) == []


def test_name_length_counts_code_points() -> None:
    assert validate_name(EXT_B * MAX_NAME_LENGTH) == []


def test_unprintable_chars() -> None:
    covered = {ord(ch) for ch in "王小明刘"}
    assert unprintable_chars("王小明", covered) == []
    assert unprintable_chars("刘䶮", covered) == ["䶮"]
    assert unprintable_chars(f"䶮{EXT_B} 䶮\u3000{EXT_B}明", covered) == ["䶮", EXT_B]


def test_unprintable_chars_ignores_variation_selectors() -> None:
    covered = {ord("王")}
    assert unprintable_chars("王\ufe00", covered) == []
    assert unprintable_chars("王\U000e0100", covered) == []


def test_unprintable_chars_takes_any_container() -> None:
    covered = range(0x4E00, 0xA000)  # the basic block only
    assert unprintable_chars(f"王{EXT_B}㑇", covered) == [EXT_B, "㑇"]


def test_unprintable_message() -> None:
    assert (
        unprintable_message(["䶮"])
        == "姓名中的“䶮”在打印字体中没有字形，打印时会缺字；请核对或联系管理员"
    )
    assert unprintable_message(["䶮", EXT_B, "䶮"]).startswith(f"姓名中的“䶮”“{EXT_B}”在")
    assert unprintable_message([]) == ""
