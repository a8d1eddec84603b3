"""Chinese resident identity numbers (公民身份号码, GB 11643-1999).

Everything the app does with an ID number goes through here: cleaning what a clerk typed or
an import delivered (:func:`normalize`), checking and decoding it (:func:`parse`, which tells
the clerk exactly what is wrong, in the current language), masking it for the wall lists (:func:`mask`) and
building valid numbers for demo data (:func:`make`).

Layout of the 18 characters: 6-digit area code, 8-digit birth date (YYYYMMDD), 3-digit
sequence (odd = male), 1 check character. Old 15-digit numbers have a 6-digit birth date
(YYMMDD, all 19YY) and no check character; they are converted to 18.

The area code is deliberately *not* checked against a table: codes were reassigned over the
years and people keep their numbers, so a table rejects real people (see DOMAIN.md). Only a
code that cannot have been issued — ``000000``, or a first pair that is no province-level
code (GB/T 2260 11–82, 91 for permanent residence permits) — is flagged for checking
(:attr:`IdNumber.area_code_doubtful`, :func:`area_code_warning`); the number is still accepted.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from ..i18n import _
from .errors import InputError, quoted

__all__ = [
    "IdNumber",
    "IdNumberError",
    "area_code_warning",
    "check_char",
    "is_valid",
    "make",
    "mask",
    "normalize",
    "parse",
]

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# First two digits of the area code: the province-level divisions of GB/T 2260 (71 Taiwan,
# 81/82 Hong Kong and Macao, 83 residence permits of Taiwan residents) and 91, used by the
# permanent residence permits of foreigners since 2023.
_PROVINCE_CODES = frozenset(
    str(n)
    for n in (11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45,
              46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91)
)  # fmt: skip
_CHECK_CHARS = "10X98765432"

# Full-width ASCII (U+FF01..U+FF5E) maps to ASCII by a fixed offset; Chinese input methods
# produce full-width digits and letters when the IME is in full-width mode.
_FULLWIDTH_TO_ASCII = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
# Invisible characters that ride along when a number is copied from web pages, Word or Excel.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_TRANSLATE = {**_FULLWIDTH_TO_ASCII, **_INVISIBLE}

# What Excel (or anything that went through a float) turns a long number into:
# 4.10102198001011E+17, 4.10102E+17, 410102198001011000.0 ...
_FLOAT_TEXT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


class IdNumberError(InputError):
    """An ID number that cannot be accepted.

    ``code`` is one of ``empty``, ``float_lost``, ``chars``, ``length``, ``birth_date``,
    ``future``, ``check_digit``; ``reason`` is the message for the clerk, in the language that
    was active when the error was raised.
    """


@dataclass(frozen=True, slots=True)
class IdNumber:
    """A checked, normalised 18-character ID number and what it encodes."""

    value: str
    birth_date: date
    sex: Literal["男", "女"]
    converted_from_15: bool = False

    @property
    def area_code(self) -> str:
        return self.value[:6]

    @property
    def area_code_doubtful(self) -> bool:
        """True when the area code cannot have been issued (see the module notes)."""
        code = self.value[:6]
        return code == "000000" or code[:2] not in _PROVINCE_CODES

    @property
    def is_male(self) -> bool:
        return self.sex == "男"

    def age_on(self, day: date) -> int:
        """Full years (周岁) on ``day``.

        Someone born on 29 February turns a year older on 1 March in common years.
        """
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - int(before_birthday)

    def __str__(self) -> str:
        return self.value


def normalize(text: str) -> str:
    """Clean up typed or imported text; does not validate.

    Removes all whitespace (including the full-width space U+3000) and invisible
    zero-width characters, turns full-width digits and letters into ASCII, and upper-cases
    a lower-case ``x``.
    """
    cleaned = "".join(ch for ch in text.translate(_TRANSLATE) if not ch.isspace())
    return cleaned.replace("x", "X")


def check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    if len(first17) != 17 or not _is_ascii_digits(first17):
        raise ValueError(f"check_char needs 17 ASCII digits, got {first17!r}")
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def parse(text: str | int | float, *, today: date | None = None) -> IdNumber:
    """Check ``text`` and decode it, or raise :class:`IdNumberError` saying what is wrong.

    ``today`` (the project's date, which callers take from ``services.clock``) is the
    reference for rejecting birth dates in the future; None checks no birth date against a
    day (the domain reads no clock). A 15-digit number is converted to 18 digits (``converted_from_15`` is set).
    ``int``/``float`` are accepted because spreadsheet readers deliver them; a float, or
    any text in number notation, means Excel has already dropped digits (``float_lost``).
    """
    if isinstance(text, float):
        raise _float_lost(repr(text))
    if isinstance(text, int):
        text = str(text)
    value = normalize(text)
    if not value:
        raise IdNumberError("empty", _("身份证号码为空；请输入18位身份证号码"))
    if _FLOAT_TEXT.fullmatch(value) and any(ch in value for ch in ".eE"):
        raise _float_lost(value)
    _check_chars(value)

    converted = False
    if len(value) == 15:
        if not _is_ascii_digits(value):
            raise IdNumberError(
                "chars", _("15位的旧身份证号码只能由数字组成，不能有X；请核对原件后重新输入")
            )
        first17 = value[:6] + "19" + value[6:]
        value = first17 + check_char(first17)
        converted = True
    elif len(value) != 18:
        raise IdNumberError(
            "length",
            _(
                "身份证号码应为18位（或旧的15位），输入的是{length}位；请核对是否漏输或多输了数字",
                length=len(value),
            ),
        )

    birth = _birth_date(value[6:14], converted)
    if today is not None and birth > today:
        raise IdNumberError(
            "future",
            _(
                "身份证号码中的出生日期 {birth} 晚于今天（{today}），不可能正确；请核对原件后重新输入",
                birth=_format_date(birth),
                today=_format_date(today),
            ),
        )

    expected = check_char(value[:17])
    if value[17] != expected:
        if value.endswith("000"):
            # Excel keeps 15 significant digits, so an 18-digit number comes back as its
            # first 15 digits and "000". A real number can end in 000 too, but then its
            # check character fits.
            raise IdNumberError(
                "float_lost",
                _(
                    "身份证号码“{value}”末三位是000且校验位不符，很可能在Excel中被当作数字保存，"
                    "后三位已经丢失（Excel只保留15位有效数字），无法恢复；"
                    "请对照身份证原件重新输入，并把Excel中该列设为“文本”格式",
                    value=value,
                ),
            )
        raise IdNumberError(
            "check_digit",
            _(
                "身份证号码校验位错误：按前17位计算应为 {expected}，输入的是 {entered}；"
                "请核对原件后重新输入",
                expected=expected,
                entered=value[17],
            ),
        )

    sex: Literal["男", "女"] = "男" if int(value[16]) % 2 == 1 else "女"
    return IdNumber(value=value, birth_date=birth, sex=sex, converted_from_15=converted)


def area_code_warning(number: IdNumber) -> str | None:
    """A message asking to check the number when its area code is doubtful, else None."""
    if not number.area_code_doubtful:
        return None
    return _(
        "身份证号码前6位地区码“{code}”不是已知的省级地区，可能输错了；"
        "请对照身份证原件核对（核对无误可照常保存）",
        code=number.area_code,
    )


def is_valid(text: str, *, today: date | None = None) -> bool:
    """True if :func:`parse` accepts ``text``."""
    try:
        parse(text, today=today)
    except IdNumberError:
        return False
    return True


def make(area_code: str, birth: date, seq: int) -> str:
    """Build a valid 18-character number (for demo and test data).

    ``seq`` is the 3-digit sequence 0–999; odd means male.
    """
    if len(area_code) != 6 or not _is_ascii_digits(area_code):
        raise ValueError(f"area code must be 6 ASCII digits, got {area_code!r}")
    if not 0 <= seq <= 999:
        raise ValueError(f"sequence must be 0..999, got {seq}")
    if birth.year < 1900:
        raise ValueError(f"birth year must be 1900 or later, got {birth.year}")
    first17 = f"{area_code}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)


def mask(value: str) -> str:
    """Mask a number for public lists: ``410102********123X``.

    Never shows more than the first 6 and the last 4 characters. A valid 15-digit number is
    first converted to 18. Anything shorter than 18 characters (which would otherwise show
    most of itself) is masked completely.
    """
    cleaned = normalize(value)
    with contextlib.suppress(IdNumberError):
        cleaned = parse(cleaned).value
    if len(cleaned) < 18:
        return "*" * len(cleaned)
    return cleaned[:6] + "*" * (len(cleaned) - 10) + cleaned[-4:]


def _is_ascii_digits(text: str) -> bool:
    # str.isdigit() is also true for "²", "١" and the like.
    return text.isascii() and text.isdigit()


def _format_date(day: date) -> str:
    # Not strftime: non-ASCII format strings have been unreliable on Windows.
    return _("{year}年{month}月{day}日", year=day.year, month=day.month, day=day.day)


def _float_lost(shown: str) -> IdNumberError:
    return IdNumberError(
        "float_lost",
        _(
            "身份证号码在Excel中被当作数字保存了（显示为“{shown}”），后几位数字已经丢失，无法恢复；"
            "请对照身份证原件重新输入，并把Excel中该列设为“文本”格式后再导入",
            shown=shown,
        ),
    )


def _check_chars(value: str) -> None:
    body = value[:-1] if value.endswith("X") else value
    bad: list[str] = []
    for ch in body:
        if not ("0" <= ch <= "9") and ch not in bad:
            bad.append(ch)
    if not bad:
        return
    if "X" in bad:
        reason = _(
            "身份证号码中有不允许的字符：{chars}；只能是数字，X只能是最后一位。请核对后重新输入",
            chars=quoted(bad),
        )
    else:
        reason = _(
            "身份证号码中有不允许的字符：{chars}；只能是数字，最后一位可以是X。请核对后重新输入",
            chars=quoted(bad),
        )
    raise IdNumberError("chars", reason)


def _birth_date(digits: str, converted: bool) -> date:
    year, month, day = int(digits[:4]), int(digits[4:6]), int(digits[6:])
    # Where the birth date is in what the clerk entered (a 15-digit number has YYMMDD).
    last = 12 if converted else 14
    if year < 1900:
        raise IdNumberError(
            "birth_date",
            _(
                "身份证号码第7–{last}位是出生日期，“{digits}”的年份{year}早于1900年，不可能正确；"
                "请核对原件后重新输入",
                last=last,
                digits=digits,
                year=year,
            ),
        )
    if not 1 <= month <= 12:
        raise IdNumberError(
            "birth_date",
            _(
                "身份证号码第7–{last}位是出生日期，“{digits}”中的月份{month:02d}不存在；"
                "请核对原件后重新输入",
                last=last,
                digits=digits,
                month=month,
            ),
        )
    try:
        return date(year, month, day)
    except ValueError:
        raise IdNumberError(
            "birth_date",
            _(
                "身份证号码第7–{last}位是出生日期，{year}年{month}月没有{day}日（“{digits}”）；"
                "请核对原件后重新输入",
                last=last,
                digits=digits,
                year=year,
                month=month,
                day=day,
            ),
        ) from None
