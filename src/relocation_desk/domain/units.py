"""Areas and quantities as exact integers: areas in dm² (0.01 ㎡), quantities in thousandths.

Floats never appear: text is parsed with Decimal and rounded half-up to the unit's precision.
Text longer than a number can be is refused before Decimal sees it, and results outside the
ranges of :mod:`relocation_desk.domain.limits` are refused, not clipped.
"""

from __future__ import annotations

import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from ..i18n import _
from .limits import LimitError, check_area, check_number_text, check_quantity

_AREA_SUFFIXES = ("平方米", "平方", "平米", "㎡", "m²", "m2", "M2")


class QuantityError(ValueError):
    """Text that is not a usable number; ``reason`` says why in the user's language."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _to_decimal(text: str, suffixes: tuple[str, ...]) -> Decimal:
    try:
        check_number_text(text, _("数字"))
    except LimitError as exc:
        raise QuantityError(exc.reason) from None
    cleaned = unicodedata.normalize("NFKC", text).strip().replace(",", "").replace(" ", "")
    for suffix in suffixes:
        if cleaned.endswith(suffix):
            cleaned = cleaned[: -len(suffix)]
            break
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise QuantityError(_("“{text}”不是数字；请输入如 120.5 这样的数字", text=text)) from None
    if not value.is_finite() or value.adjusted() > 15:
        # Exponent notation reaches any size in a few characters ("1e309").
        if value.is_finite():
            raise QuantityError(_("“{text}”太大，不是有效的数量；请核对", text=text.strip()))
        raise QuantityError(_("“{text}”不是数字；请输入如 120.5 这样的数字", text=text))
    return value


def parse_area(text: str) -> int:
    """``"120.5㎡"`` → 12050 (dm²). Negative areas and areas over 100,000 ㎡ are refused."""
    value = _to_decimal(text, _AREA_SUFFIXES)
    if value < 0:
        raise QuantityError(_("面积不能为负数：{text}", text=text))
    dm2 = int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    try:
        return check_area(dm2, text)
    except LimitError as exc:
        raise QuantityError(exc.reason) from None


def area_decimal(dm2: int) -> Decimal:
    return Decimal(dm2) / 100


def format_area(dm2: int) -> str:
    """12050 → ``"120.50"`` (square metres, two decimals)."""
    sign = "-" if dm2 < 0 else ""
    whole, frac = divmod(abs(dm2), 100)
    return f"{sign}{whole:,}.{frac:02d}"


def parse_quantity(text: str) -> int:
    """``"12.5"`` → 12500 (thousandths of the unit); at most 1,000,000 units either way."""
    value = _to_decimal(text, ())
    milli = int((value * 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    try:
        return check_quantity(milli, text)
    except LimitError as exc:
        raise QuantityError(exc.reason) from None


def quantity_decimal(milli: int) -> Decimal:
    """12500 → Decimal("12.5"); 10000 → Decimal("10") (never exponent notation)."""
    value = Decimal(milli) / 1000
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()
