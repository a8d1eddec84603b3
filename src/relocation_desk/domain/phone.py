"""Telephone numbers of household contacts: mainland mobiles and landlines.

:func:`normalize_phone` turns what a clerk typed into one stored form (mobile: 11 digits;
landline: ``0371-65432100``, with ``-801`` for an extension) or raises :class:`PhoneError`;
:func:`validate_phone` gives just the reason (in the current language), for form validation.
"""

from __future__ import annotations

import re
import unicodedata

from ..i18n import _
from .errors import InputError

__all__ = ["PhoneError", "normalize_phone", "validate_phone"]

_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# Area codes: 010 and 02x have three digits, all others (03xx–09xx) four.
_LANDLINE = re.compile(
    r"(?P<area>0(?:10|2[0-9]|[3-9][0-9]{2}))(?P<local>[1-9][0-9]{6,7})(?:(?:转|EXT|X|#)(?P<ext>[0-9]{1,6}))?",
    re.IGNORECASE,
)
# Separators people put inside numbers; removed before matching.
_SEPARATORS = re.compile(r"[\s\-–—.()（）]+")


class PhoneError(InputError):
    """A telephone number that cannot be accepted; ``code``: ``empty``, ``format``,
    ``mobile``, ``no_area_code``."""


def normalize_phone(text: str) -> str:
    """The stored form of a mobile or landline number, or :class:`PhoneError`.

    Accepts spaces, dashes, dots and brackets as separators, full-width digits, a ``+86``,
    ``0086`` or ``86`` prefix on mobiles, and an extension after ``-``, ``转``, ``ext`` or ``#``
    on landlines (``0371-65432100-801``).
    """
    cleaned = unicodedata.normalize("NFKC", text).strip()
    if not cleaned:
        raise PhoneError("empty", _("电话号码为空；{examples}", examples=_examples()))
    extension = ""
    # A dash after a complete landline number separates the extension: take it off before
    # the dashes inside the number are removed.
    parts = re.split(r"\s*[-–—]\s*", cleaned)
    if len(parts) >= 3 and parts[-1].isdigit() and len(parts[-1]) <= 6:
        head = "".join(parts[:-1])
        if _LANDLINE.fullmatch(_SEPARATORS.sub("", head)):
            extension = parts[-1]
            cleaned = head
    compact = _SEPARATORS.sub("", cleaned)
    if compact.startswith("+86"):
        compact = compact[3:]
    elif compact.startswith("0086"):
        compact = compact[4:]
    elif compact.startswith("86") and _MOBILE.fullmatch(compact[2:]):
        compact = compact[2:]

    if _MOBILE.fullmatch(compact):
        return compact
    landline = _LANDLINE.fullmatch(compact)
    if landline:
        ext = extension or landline["ext"] or ""
        number = f"{landline['area']}-{landline['local']}"
        return f"{number}-{ext}" if ext else number

    digits = compact.isascii() and compact.isdigit()
    shown = text.strip()
    if digits and compact.startswith("1"):
        if len(compact) == 11:
            reason = _("手机号码“{text}”不正确：第二位应为3–9（以13–19开头）；请核对", text=shown)
        else:
            reason = _(
                "手机号码“{text}”不正确：应为11位，输入的是{length}位；请核对",
                text=shown,
                length=len(compact),
            )
        raise PhoneError("mobile", reason)
    if digits and not compact.startswith("0") and len(compact) in (7, 8):
        raise PhoneError(
            "no_area_code",
            _("固定电话“{text}”缺少区号；请加上区号，例如 0371-65432100", text=shown),
        )
    raise PhoneError(
        "format", _("无法识别的电话号码“{text}”；{examples}", text=shown, examples=_examples())
    )


def validate_phone(text: str) -> str | None:
    """None if ``text`` is an acceptable number, else the reason (in the current language)."""
    try:
        normalize_phone(text)
    except PhoneError as error:
        return error.reason
    return None


def _examples() -> str:
    return _("手机如 13812345678，固定电话如 0371-65432100（须带区号）")
