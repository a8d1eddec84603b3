"""Areas and quantities as exact integers: areas in dm² (0.01 ㎡), quantities in thousandths.

Floats never appear: text is parsed with Decimal and rounded half-up to the unit's precision.
"""

from __future__ import annotations

import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from ..i18n import _

_AREA_SUFFIXES = ("平方米", "平方", "平米", "㎡", "m²", "m2", "M2")


class QuantityError(ValueError):
    """Text that is not a usable number; ``reason`` says why in the user's language."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _to_decimal(text: str, suffixes: tuple[str, ...]) -> Decimal:
    cleaned = unicodedata.normalize("NFKC", text).strip().replace(",", "").replace(" ", "")
    for suffix in suffixes:
        if cleaned.endswith(suffix):
            cleaned = cleaned[: -len(suffix)]
            break
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise QuantityError(_("“{text}”不是数字；请输入如 120.5 这样的数字", text=text)) from None
    if not value.is_finite():
        raise QuantityError(_("“{text}”不是数字；请输入如 120.5 这样的数字", text=text))
    return value


def parse_area(text: str) -> int:
    """``"120.5㎡"`` → 12050 (dm²). Negative areas are refused."""
    value = _to_decimal(text, _AREA_SUFFIXES)
    if value < 0:
        raise QuantityError(_("面积不能为负数：{text}", text=text))
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def area_decimal(dm2: int) -> Decimal:
    return Decimal(dm2) / 100


def format_area(dm2: int) -> str:
    """12050 → ``"120.50"`` (square metres, two decimals)."""
    sign = "-" if dm2 < 0 else ""
    whole, frac = divmod(abs(dm2), 100)
    return f"{sign}{whole:,}.{frac:02d}"


def parse_quantity(text: str) -> int:
    """``"12.5"`` → 12500 (thousandths of the unit)."""
    value = _to_decimal(text, ())
    return int((value * 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def quantity_decimal(milli: int) -> Decimal:
    """12500 → Decimal("12.5"); 10000 → Decimal("10") (never exponent notation)."""
    value = Decimal(milli) / 1000
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()
