"""Personal names: cleaning, checking, pinyin search keys and print-font coverage.

Names of household members may hold rare characters (㑇 䶮 喆 堃, and CJK Extension B
characters beyond U+FFFF such as 𠮷). Python strings hold them whole; this module takes care
never to split or drop them. The print font's coverage is checked against code points the
caller passes in (the domain reads no font files).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container, Iterable

from ..i18n import _
from .errors import quoted
from .limits import hidden_chars

__all__ = [
    "MAX_NAME_LENGTH",
    "normalize_name",
    "pinyin_full",
    "pinyin_initials",
    "search_keys",
    "unprintable_chars",
    "unprintable_message",
    "validate_name",
]

MAX_NAME_LENGTH = 30

_MIDDLE_DOT = "\u00b7"
# What people type for the separator in minority names (阿依古丽·买买提): the Latin middle
# dot is what the ID card uses; the others come from various input methods and fonts.
_DOT_VARIANTS = "\u2022\u2027\u30fb\uff65\u22c5\u2219"
_FULLWIDTH_TO_ASCII = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_TRANSLATE: dict[int, int | str | None] = {
    **_FULLWIDTH_TO_ASCII,
    **dict.fromkeys(map(ord, _DOT_VARIANTS), _MIDDLE_DOT),
    # Zero-width characters that come with text copied from web pages and documents.
    **dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None),
}

# CJK Compatibility Ideographs. NFC maps each to its unified ideograph (U+F92C → U+90CE), but
# an ID card or household register may hold the compatibility code point, and the name must
# stay exactly as written there; normalisation leaves these two blocks alone.
_COMPATIBILITY_IDEOGRAPHS = re.compile("([\uf900-\ufaff\U0002f800-\U0002fa1f]+)")

# Variation selectors pick a glyph variant; a font without them still prints the base
# character, so they are not "missing" from the print font.
_IGNORABLE_RANGES = ((0xFE00, 0xFE0F), (0xE0100, 0xE01EF))

# Readings of characters when they are the surname (first character), where they differ
# from the everyday reading pypinyin gives. Short on purpose: the common ones clerks meet.
_SURNAME_READINGS = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "区": "ou",
    "查": "zha",
    "朴": "piao",
    "盖": "ge",
    "乐": "yue",
    "翟": "zhai",
    "缪": "miao",
    "覃": "qin",
    "秘": "bi",
    "种": "chong",
    "繁": "po",
}


def normalize_name(text: str) -> str:
    """Clean a typed or imported name.

    NFC-normalises, except CJK Compatibility Ideographs (U+F900–U+FAFF, U+2F800–U+2FA1F),
    which are kept as given because NFC would change the code point written on the ID card;
    turns the full-width space and other whitespace into spaces,
    full-width Latin letters into ASCII and the various middle dots into ``·``; trims; and
    removes spaces inside the name (``王 小明`` → ``王小明``) except a single space between
    two words in an alphabetic script (``Ahmat Ali``). Characters beyond U+FFFF are kept.
    """
    text = _nfc_keeping_compatibility_ideographs(text).translate(_TRANSLATE)
    words = text.split()  # also splits on U+3000 and other Unicode whitespace
    if not words:
        return ""
    out = [words[0]]
    for word in words[1:]:
        if _is_alphabetic_letter(out[-1][-1]) and _is_alphabetic_letter(word[0]):
            out.append(" ")
        out.append(word)
    return "".join(out)


def validate_name(text: str) -> list[str]:
    """Problems with a name, in the current language; empty when the name is acceptable.

    Checks the normalised name: empty, digits, too long, ``?``/``�`` (what a broken
    encoding leaves where a rare character was), private-use characters (self-made
    characters from old 造字 tools that no other computer shows), control characters and
    bidirectional or other invisible format characters.
    """
    name = normalize_name(text)
    if not name:
        return [_("姓名为空；请输入姓名")]
    problems: list[str] = []
    digits = _dedupe(ch for ch in name if unicodedata.category(ch) == "Nd")
    if digits:
        problems.append(
            _(
                "姓名中含有数字{digits}；请删除数字，同名需区分时请写在备注中",
                digits=quoted(digits),
            )
        )
    length = len(name)  # code points: 𠮷 counts as one character
    if length > MAX_NAME_LENGTH:
        problems.append(
            _(
                "姓名过长：{length}个字，最多{maximum}个字；请核对",
                length=length,
                maximum=MAX_NAME_LENGTH,
            )
        )
    broken = _dedupe(ch for ch in name if ch in "?？\ufffd")
    if broken:
        problems.append(
            _(
                "姓名中含有{chars}，这通常是生僻字在导入或复制时编码损坏留下的；"
                "请对照身份证或户口簿重新输入该字",
                chars=quoted(broken),
            )
        )
    private = _dedupe(ch for ch in name if unicodedata.category(ch) == "Co")
    if private:
        codes = _("、").join(f"U+{ord(ch):04X}" for ch in private)
        problems.append(
            _(
                "姓名中含有自造字（{codes}），其他电脑和打印字体都无法显示；"
                "请改用标准汉字（可用输入法的生僻字输入或按Unicode编码输入），或联系管理员",
                codes=codes,
            )
        )
    controls = [ch for ch in name if unicodedata.category(ch) == "Cc"]
    if controls:
        problems.append(_("姓名中含有不可见的控制字符；请删除后重新输入"))
    # Bidirectional overrides (U+202E) and other format characters make a name display and
    # print in another order than it is stored and searched.
    invisible = [ch for ch in hidden_chars(name) if unicodedata.category(ch) != "Cc"]
    if invisible:
        problems.append(
            _(
                "姓名中含有不可见的格式字符（{codes}），会使姓名显示和打印的顺序与保存的不一致；"
                "请删除后重新输入",
                codes=_("、").join(f"U+{ord(ch):04X}" for ch in invisible),
            )
        )
    return problems


def pinyin_full(name: str) -> str:
    """Full pinyin, lower case, no tones, no separators: ``王小明`` → ``wangxiaoming``."""
    return search_keys(name)[1]


def pinyin_initials(name: str) -> str:
    """First letter of each syllable: ``王小明`` → ``wxm``."""
    return search_keys(name)[0]


def search_keys(name: str) -> tuple[str, str]:
    """``(initials, full)`` pinyin of a name, for the indexed search column.

    Each character takes its most common reading (pypinyin's first reading for the single
    character), except the first character, which takes its surname reading if it has a
    known one (单 → shan, 曾 → zeng). Characters pypinyin does not know (some rare ones) and
    Latin letters and digits are kept as themselves (lower case), so searching for them
    still finds the name; spaces and ``·`` are left out. ``ü`` is written ``v`` (吕 → lv),
    as users type it.

    Per-character readings are cached, so a name costs a few dictionary look-ups; phrase
    context (which pypinyin would use for running text) is deliberately not used: names are
    not phrases.
    """
    initials: list[str] = []
    full: list[str] = []
    for index, ch in enumerate(name):
        if index == 0 and ch in _SURNAME_READINGS:
            reading = _SURNAME_READINGS[ch]
            initials.append(reading[0])
            full.append(reading)
            continue
        cached = _READINGS.get(ch)
        if cached is None:
            cached = _reading(ch)
            _READINGS[ch] = cached
        initials.append(cached[0])
        full.append(cached[1])
    return "".join(initials), "".join(full)


# char -> (initial, full reading); filled on first use. Bounded by the number of distinct
# characters in names (tens of thousands at most).
_READINGS: dict[str, tuple[str, str]] = {}


def _reading(ch: str) -> tuple[str, str]:
    if ch.isspace() or ch == _MIDDLE_DOT:
        return "", ""
    # Imported here: pypinyin's dictionaries take ~0.2 s to load, which the desk's start-up
    # should not pay; only computing search keys (saving a household) needs them.
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(ch, style=Style.NORMAL, errors="default")
    reading = syllables[0] if syllables else ch
    if reading == ch:
        # Not a character pypinyin knows (or not Chinese at all): keep it as itself.
        kept = ch.lower()
        return kept, kept
    return reading[0], reading


def unprintable_chars(name: str, covered: Container[int]) -> list[str]:
    """Characters of ``name`` the print font has no glyph for, each once, in order.

    ``covered`` holds the code points of the print font's cmap (the caller reads the
    font). Whitespace and variation selectors are ignored.
    """
    missing: list[str] = []
    for ch in name:
        code = ord(ch)
        if ch.isspace() or _is_ignorable(code):
            continue
        if code not in covered and ch not in missing:
            missing.append(ch)
    return missing


def unprintable_message(chars: Iterable[str]) -> str:
    """The warning shown when a name has characters the print font lacks ('' if none).

    ``姓名中的“䶮”在打印字体中没有字形，打印时会缺字；请核对或联系管理员``
    """
    unique = _dedupe(chars)
    if not unique:
        return ""
    return _(
        "姓名中的{chars}在打印字体中没有字形，打印时会缺字；请核对或联系管理员",
        chars=quoted(unique),
    )


def _nfc_keeping_compatibility_ideographs(text: str) -> str:
    if not _COMPATIBILITY_IDEOGRAPHS.search(text):
        return unicodedata.normalize("NFC", text)
    # re.split with a group: even items are the text between, odd items the kept runs. A
    # compatibility ideograph is a starter that nothing composes with, so normalising the
    # runs between them separately gives what NFC of the whole would, apart from them.
    parts = _COMPATIBILITY_IDEOGRAPHS.split(text)
    return "".join(
        part if index % 2 else unicodedata.normalize("NFC", part)
        for index, part in enumerate(parts)
    )


def _is_alphabetic_letter(ch: str) -> bool:
    # Letters of alphabetic scripts (Latin, Cyrillic, Arabic script for Uyghur, Mongolian)
    # keep the space between words; Han, kana and hangul are wide and never do.
    return ch.isalpha() and unicodedata.east_asian_width(ch) not in ("W", "F")


def _is_ignorable(code: int) -> bool:
    return any(low <= code <= high for low, high in _IGNORABLE_RANGES)


def _dedupe(chars: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for ch in chars:
        if ch not in seen:
            seen.append(ch)
    return seen
