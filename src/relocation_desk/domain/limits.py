"""The bounds of every value a clerk types or a file delivers, shared by GUI, CLI and importers.

A value outside these bounds is refused with a :class:`LimitError` that names the bound; it is
never cut, rounded into range or passed on to fail later (a 150-digit area makes ``Decimal``
raise, an amount beyond 2^63 fen makes SQLite raise, a date near year 9999 makes date
arithmetic raise). Checks run *before* the expensive or fragile step: the length of a number's
text before ``Decimal``/``int`` read it, the date's shape before ``date.fromisoformat``.

The ranges and why:

* **Areas** — 0 to 100,000 ㎡ per structure. The largest buildings met in rural and urban
  expropriation (a factory hall, a market) are a few 10,000 ㎡; 100,000 ㎡ leaves room for any
  of them and still catches a unit slip (㎡ typed as c㎡, an extra run of zeros). Areas over
  5,000 ㎡ are asked to be confirmed by the household form.
* **Quantities** of attachments (trees, metres of wall, wells) — up to 1,000,000 of the unit.
* **Counts** of people — up to 99 members in a household (a household register page holds far
  fewer; the ledger importer has always read two digits).
* **Amounts** — up to 10^12 fen (一百亿元) either way: no compensation comes near it, and a
  sum of a million such amounts still fits the 64-bit integer columns (2^63 ≈ 9.2 × 10^18).
* **Dates** — 1900-01-01 to 2100-12-31: birth dates on ID cards start in 1900, and work dates
  beyond 2100 are typing errors; inside this range ``date ± timedelta`` of a few years never
  overflows.
* **Text** — the storage column lengths (:data:`TEXT_LIMITS`); counted in characters, so a rare
  character beyond U+FFFF counts as one.
* **Hidden characters** — control characters (C0, C1), bidirectional overrides and marks
  (U+202E makes “王明” print in a different order than it is stored) and zero-width characters
  are refused in names and codes; free text (addresses, remarks) keeps line breaks and tabs.

The domain reads no files: bounds on files (regular files only, size) are in
:mod:`relocation_desk.services.input_files`.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from ..i18n import _
from .errors import InputError

__all__ = [
    "MAX_AMOUNT_FEN",
    "MAX_AREA_DM2",
    "MAX_DATE",
    "MAX_MEMBERS",
    "MAX_NUMBER_CHARS",
    "MAX_QUANTITY_MILLI",
    "MIN_DATE",
    "TEXT_LIMITS",
    "LimitError",
    "check_amount",
    "check_area",
    "check_code",
    "check_date",
    "check_number_text",
    "check_quantity",
    "check_text",
    "hidden_chars",
    "member_count",
    "parse_date",
    "text_problem",
]

MAX_AREA_DM2 = 100_000 * 100  # 100,000 ㎡ in dm²
MAX_QUANTITY_MILLI = 1_000_000 * 1000  # 1,000,000 units in thousandths
MAX_MEMBERS = 99
MAX_AMOUNT_FEN = 10**12  # 一百亿元
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2100, 12, 31)
# Characters of a number's text, signs, separators and units included. The largest amount
# written in full with grouping and decimals (¥10,000,000,000.00元) has 20.
MAX_NUMBER_CHARS = 40

# Storage column lengths (storage/models.py), in characters, by field key.
TEXT_LIMITS: dict[str, int] = {
    "project_name": 200,
    "village_name": 100,
    "group_name": 100,
    "team_name": 100,
    "household_code": 40,
    "address": 200,
    "person_name": 100,
    "relation": 20,
    "phone": 40,
    "bank_name": 100,
    "bank_account": 40,
    "account_holder": 100,
    "structure_label": 100,
    "decoration": 40,
    "item_code": 40,
    "item_name": 100,
    "unit": 10,
    "cadre_note": 100,
    # Text columns: no storage limit, but a bound keeps forms, notices and exports usable.
    "remarks": 2000,
    "special_situation": 2000,
    "objection_place": 200,
    "voucher": 60,
    "payee": 100,
    "note": 500,
}

# Bidirectional controls: embeddings, overrides, isolates and marks.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Zero-width characters; they belong in emoji sequences and some scripts, not in names/codes.
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u180e")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class LimitError(InputError):
    """A value outside its bound. ``code``: ``too_long``, ``range``, ``chars``, ``date``."""


def check_number_text(text: str, what: str) -> str:
    """``text`` if it is short enough to be a number at all; else :class:`LimitError`.

    Run before ``Decimal(text)`` / ``int(text)``: both are slow or raise on huge inputs.
    """
    stripped = text.strip()
    if len(stripped) > MAX_NUMBER_CHARS:
        raise LimitError(
            "too_long",
            _(
                "{what}“{start}…”太长（{length} 个字符），不是有效的数字；"
                "数字最多 {maximum} 个字符，请核对",
                what=what,
                start=stripped[:12],
                length=len(stripped),
                maximum=MAX_NUMBER_CHARS,
            ),
        )
    return stripped


def check_amount(fen: int, what: str | None = None) -> int:
    """``fen`` if ``|fen| ≤`` :data:`MAX_AMOUNT_FEN`; else :class:`LimitError`."""
    if abs(fen) > MAX_AMOUNT_FEN:
        raise LimitError(
            "range",
            _(
                "{what}超出范围：最多 {maximum} 元（一百亿元）；请核对金额和单位",
                what=what or _("金额"),
                maximum=f"{MAX_AMOUNT_FEN // 100:,}",
            ),
        )
    return fen


def check_area(dm2: int, text: str = "") -> int:
    """``dm2`` if it lies in 0 … :data:`MAX_AREA_DM2`; else :class:`LimitError`."""
    if not 0 <= dm2 <= MAX_AREA_DM2:
        raise LimitError(
            "range",
            _(
                "面积 {text} 超出范围：每处房屋应在 0 到 {maximum}㎡ 之间；请核对测量数据和单位",
                text=text.strip() or f"{dm2 / 100:g}",
                maximum=f"{MAX_AREA_DM2 // 100:,}",
            ),
        )
    return dm2


def check_quantity(milli: int, text: str = "") -> int:
    """``milli`` if ``|milli| ≤`` :data:`MAX_QUANTITY_MILLI`; else :class:`LimitError`."""
    if abs(milli) > MAX_QUANTITY_MILLI:
        raise LimitError(
            "range",
            _(
                "数量 {text} 超出范围：最多 {maximum}；请核对数量和单位",
                text=text.strip() or str(milli // 1000),
                maximum=f"{MAX_QUANTITY_MILLI // 1000:,}",
            ),
        )
    return milli


def member_count(value: object) -> int:
    """A household's number of members from a cell or a field: an integer 0 … 99.

    Accepts ``int``, an integral ``float`` and text such as ``"4"``, ``"４人"``, ``"4口"``.
    """
    if isinstance(value, bool):
        raise _not_a_count(str(value))
    if isinstance(value, float):
        if value.is_integer() and 0 <= value <= MAX_MEMBERS:
            return int(value)
        raise _not_a_count(repr(value))
    if isinstance(value, int):
        if 0 <= value <= MAX_MEMBERS:
            return value
        raise _not_a_count(str(value))
    raw = "" if value is None else str(value)
    text = unicodedata.normalize("NFKC", raw[: MAX_NUMBER_CHARS + 1]).strip()
    text = text.removesuffix("人").removesuffix("口").strip()
    if text.isascii() and text.isdigit() and len(text) <= 2:
        return int(text)
    raise _not_a_count(raw)


def _not_a_count(shown: str) -> LimitError:
    if len(shown) > 20:
        shown = shown[:20] + "…"
    return LimitError(
        "range",
        _(
            "家庭人口“{text}”不是人数；请填写 0 到 {maximum} 的整数，如 4",
            text=shown,
            maximum=MAX_MEMBERS,
        ),
    )


def check_date(day: date, what: str | None = None) -> date:
    """``day`` if it lies in :data:`MIN_DATE` … :data:`MAX_DATE`; else :class:`LimitError`."""
    if not MIN_DATE <= day <= MAX_DATE:
        raise LimitError(
            "range",
            _(
                "{what} {day} 超出范围：应在 1900-01-01 到 2100-12-31 之间；请核对年份",
                what=what or _("日期"),
                day=day.isoformat(),
            ),
        )
    return day


def parse_date(text: str, what: str | None = None) -> date:
    """A ``YYYY-MM-DD`` date in the allowed range; :class:`LimitError` for anything else.

    Only this one form: ``date.fromisoformat`` on Python 3.11 also takes week dates
    (``2026-W49-1``) and compact forms (``20261201``), which no clerk means.
    """
    stripped = text.strip()
    if not _ISO_DATE.fullmatch(stripped):
        raise LimitError(
            "date",
            _(
                "日期格式不对：{text}；请写成 YYYY-MM-DD，例如 2026-03-05",
                text=stripped[:20] + ("…" if len(stripped) > 20 else ""),
            ),
        )
    try:
        day = date.fromisoformat(stripped)
    except ValueError:
        raise LimitError(
            "date", _("日期不存在：{text}；请核对年、月、日（写成 YYYY-MM-DD）", text=stripped)
        ) from None
    return check_date(day, what)


def hidden_chars(text: str, *, multiline: bool = False) -> list[str]:
    """The invisible characters in ``text`` that are refused: controls, bidi and zero-width.

    Each is listed once, in order. ``multiline`` keeps line breaks and tabs (free text).
    """
    found: list[str] = []
    for ch in text:
        if ch in found:
            continue
        if multiline and ch in "\n\r\t":
            continue
        if ch in _BIDI or ch in _ZERO_WIDTH or unicodedata.category(ch) in ("Cc", "Cf"):
            found.append(ch)
    return found


def _codes(chars: list[str]) -> str:
    return _("、").join(f"U+{ord(ch):04X}" for ch in chars)


def text_problem(
    text: str, what: str, limit: int, *, multiline: bool = False, allow_format: bool = False
) -> str | None:
    """What is wrong with a text field (too long, hidden characters), or None.

    ``allow_format`` keeps zero-width joiners and similar format characters (free text may hold
    emoji); bidirectional overrides and control characters are refused always.
    """
    length = len(text)
    if length > limit:
        return _(
            "{what}过长：{length} 个字，最多 {maximum} 个字；请缩短后重试（不会自动截断）",
            what=what,
            length=length,
            maximum=limit,
        )
    hidden = hidden_chars(text, multiline=multiline)
    if allow_format:
        hidden = [ch for ch in hidden if ch in _BIDI or unicodedata.category(ch) == "Cc"]
    if hidden:
        return _(
            "{what}中含有不可见的控制字符（{codes}），可能是从网页或文档复制时带入的，"
            "会使显示和打印的内容与保存的不一致；请删除后重新输入",
            what=what,
            codes=_codes(hidden),
        )
    return None


def check_text(text: str, what: str, limit: int, *, multiline: bool = False) -> str:
    """``text`` unchanged if :func:`text_problem` finds nothing; else :class:`LimitError`."""
    problem = text_problem(text, what, limit, multiline=multiline, allow_format=multiline)
    if problem is not None:
        raise LimitError("too_long" if len(text) > limit else "chars", problem)
    return text


def check_code(text: str, what: str, limit: int) -> str:
    """A code or a name of a place (village, group, household code): one line, no hidden chars."""
    return check_text(text, what, limit)
