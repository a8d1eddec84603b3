"""Money: integer fen (分) everywhere, never float.

Amounts live as ``int`` fen in the domain, the database and the read models. This module is
the only place that turns text into fen (:func:`parse_amount`, :func:`yuan_to_fen`), fen into
text (:func:`format_fen`, :func:`to_chinese_upper`) and does the one rounding a compensation
line gets (:func:`multiply_half_up`). Arithmetic goes through :class:`decimal.Decimal`;
``float`` arguments are refused with ``TypeError`` because a float has already lost the
exact value (0.1 + 0.2 != 0.3).

Upper-case amounts (大写) follow the PBOC rules in the annex of 支付结算办法 (正确填写票据和
结算凭证的基本规定); see :func:`to_chinese_upper` for the choices where the rules allow two
forms.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Context, Decimal, Inexact, InvalidOperation

from ..i18n import _
from .errors import InputError
from .limits import MAX_AMOUNT_FEN, LimitError, check_number_text

__all__ = [
    "MAX_UPPER_FEN",
    "AmountError",
    "fen_to_decimal",
    "format_fen",
    "multiply_half_up",
    "parse_amount",
    "to_chinese_upper",
    "yuan_to_fen",
]

# 9999亿9999万9999元9角9分: the largest amount with the units 万 and 亿 alone. Beyond it one
# would need 万亿 or 兆, whose use is not settled; no compensation comes near.
MAX_UPPER_FEN = 10**14 - 1

_AMOUNT = re.compile(
    r"""
    (?P<sign1>[+-]?)
    (?P<currency>¥|RMB|人民币)?
    (?P<sign2>[+-]?)
    (?P<number>[0-9,]+(?:\.[0-9]*)?)
    (?P<unit>万|亿)?
    元?
    """,
    re.VERBOSE | re.IGNORECASE,
)
_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+")
_UNIT_FACTOR = {"": 1, "万": 10**4, "亿": 10**8}
# Money arithmetic must be exact: with Inexact trapped, an operation that would have to
# round raises instead. Only the explicit quantize in _round_half_up rounds (quantize
# signals Inexact too, so it gets its own rounding context).
_EXACT = Context(prec=100, rounding=ROUND_HALF_UP, traps=[InvalidOperation, Inexact])
_ROUNDING = Context(prec=100, rounding=ROUND_HALF_UP, traps=[InvalidOperation])
# Minus signs NFKC leaves alone.
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-"})


class AmountError(InputError):
    """An amount that cannot be read; ``reason`` says why (in the current language), with an example.

    ``code`` is one of ``empty``, ``format``, ``grouping``, ``not_finite``, ``too_large``
    (beyond :data:`~relocation_desk.domain.limits.MAX_AMOUNT_FEN` or too many characters).
    """


def parse_amount(text: str | Decimal | int) -> int:
    """Read an amount in yuan as a clerk writes it and return fen.

    Accepts ``1,234.50``, ``1234.5``, ``12.3万`` (123,000.00 yuan), ``1.2亿``, full-width
    digits, ``¥``/``￥``/``RMB``/``人民币`` in front, ``元`` behind, spaces anywhere and a
    leading minus. More than two decimals are rounded half-up to the fen. ``int`` and
    ``Decimal`` are taken as yuan. Raises :class:`AmountError` for anything else, and for
    amounts beyond ±:data:`~relocation_desk.domain.limits.MAX_AMOUNT_FEN` fen.
    """
    if isinstance(text, bool | float):
        raise TypeError(f"amounts must be text, Decimal or int, not {type(text).__name__}")
    if isinstance(text, int | Decimal):
        return _yuan_decimal_to_fen(Decimal(text))
    if not isinstance(text, str):
        raise TypeError(f"amounts must be text, Decimal or int, not {type(text).__name__}")
    try:
        text = check_number_text(text, _("金额"))
    except LimitError as exc:
        raise AmountError("too_large", exc.reason) from None

    # NFKC: full-width digits, comma, point and ￥ become ASCII / ¥; the ideographic space
    # becomes a space. Amounts hold no characters NFKC would harm.
    cleaned = unicodedata.normalize("NFKC", text).translate(_MINUS)
    cleaned = "".join(ch for ch in cleaned if not ch.isspace())
    if not cleaned:
        raise AmountError("empty", _("金额为空；请输入金额，{examples}", examples=_examples()))
    match = _AMOUNT.fullmatch(cleaned)
    if match is None:
        raise _unreadable(text)
    if match["sign1"] and match["sign2"]:
        raise AmountError(
            "format",
            _("金额“{text}”中有两个正负号；{examples}", text=text.strip(), examples=_examples()),
        )
    number = match["number"]
    whole, _point, decimals = number.partition(".")
    if "," in whole and not _GROUPED.fullmatch(whole):
        raise AmountError(
            "grouping",
            _(
                "金额“{text}”中千分位逗号的位置不对（应每三位一个，如 1,234,567.89）；"
                "如果逗号本来是小数点，请改为小数点",
                text=text.strip(),
            ),
        )
    if not whole or "," in decimals:
        raise _unreadable(text)
    yuan = Decimal(whole.replace(",", "") + "." + (decimals or "0"))
    yuan = _EXACT.multiply(yuan, _UNIT_FACTOR[match["unit"] or ""])
    if "-" in (match["sign1"], match["sign2"]):
        yuan = -yuan
    return _yuan_decimal_to_fen(yuan)


def yuan_to_fen(yuan: Decimal | str | int) -> int:
    """Exact yuan → fen, rounded half-up (away from zero) when there are more than 2 decimals.

    Text must be a plain decimal numeral (``"1234.5"``, ``"-3"``); use :func:`parse_amount`
    for what clerks type.
    """
    if isinstance(yuan, bool | float):
        raise TypeError(f"amounts must be text, Decimal or int, not {type(yuan).__name__}")
    if isinstance(yuan, str):
        try:
            check_number_text(yuan, _("金额"))
        except LimitError as exc:
            raise AmountError("too_large", exc.reason) from None
        try:
            value = Decimal(yuan.strip())
        except InvalidOperation:
            raise AmountError(
                "format", _("无法识别的金额“{text}”；应为数字，例如 1234.50", text=yuan.strip())
            ) from None
    else:
        value = Decimal(yuan)
    return _yuan_decimal_to_fen(value)


def fen_to_decimal(fen: int) -> Decimal:
    """Fen → yuan as an exact Decimal with two places (``1234`` → ``Decimal("12.34")``)."""
    _require_int(fen)
    return _EXACT.scaleb(Decimal(fen), -2)


def format_fen(fen: int, *, thousands: bool = True) -> str:
    """``123456789`` → ``"1,234,567.89"``; negative amounts get a leading ``-``."""
    _require_int(fen)
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    whole = f"{yuan:,}" if thousands else str(yuan)
    return f"{sign}{whole}.{cents:02d}"


def multiply_half_up(rate_fen: int, quantity: Decimal | int | str) -> int:
    """``rate_fen × quantity`` rounded half-up to whole fen, computed exactly.

    This is the one rounding a compensation line gets. Ties round away from zero for
    negative products too (−2.5 fen → −3 fen), as :data:`decimal.ROUND_HALF_UP` does, so a
    deduction line mirrors the matching addition.
    """
    _require_int(rate_fen)
    if isinstance(quantity, bool | float):
        raise TypeError(f"quantity must be Decimal, int or text, not {type(quantity).__name__}")
    if isinstance(quantity, str):
        try:
            qty = Decimal(quantity.strip())
        except InvalidOperation:
            raise ValueError(f"not a number: {quantity!r}") from None
    else:
        qty = Decimal(quantity)
    if not qty.is_finite():
        raise ValueError(f"quantity must be finite, got {quantity!r}")
    try:
        product = _EXACT.multiply(Decimal(rate_fen), qty)
    except Inexact:
        raise ValueError(
            f"product too long to compute exactly: {rate_fen} × {quantity!r}"
        ) from None
    return _round_half_up(product)


def to_chinese_upper(fen: int) -> str:
    """The amount in Chinese upper-case numerals (大写金额), PBOC style.

    ``12345678`` → ``人民币壹拾贰万叁仟肆佰伍拾陆元柒角捌分``. The rules, and the choices made
    where the PBOC rules allow two forms:

    * ``整`` after ``元`` when there are no 角 and 分 (``人民币壹拾元整``); no ``整`` after ``分``.
      After ``角`` the rules say ``整`` *may* be left out; we leave it out, as the PBOC's
      own example does (¥1,409.50 → 人民币壹仟肆佰零玖元伍角): ``10.30`` → ``人民币壹拾元叁角``.
    * A ``拾`` at the front is written ``壹拾`` (bank practice, against adding a digit).
    * Zeros follow the rule for reading numbers: zeros at the end of a 4-digit group
      (个/万/亿级) are silent, any other run of zeros, including a whole zero group, gives a
      single ``零``: ``100,005`` → 壹拾万零伍元, ``1,0000,0001`` → 壹亿零壹元,
      ``107,000`` → 壹拾万柒仟元 (the PBOC rules allow 壹拾万零柒仟元 too).
    * The same for 元: ``1,680.32`` → 壹仟陆佰捌拾元叁角贰分 (allowed alternative:
      …元零叁角贰分), but a zero 角 before a non-zero 分 always gives ``零``:
      ``1.05`` → 壹元零伍分 (rule 4), and nothing before 角/分 without yuan: ``0.05`` → 伍分.
    * Zero is ``人民币零元整``; negative amounts start ``负`` after ``人民币``.

    Supports up to :data:`MAX_UPPER_FEN` (9999亿…), else ``ValueError``.
    """
    _require_int(fen)
    if abs(fen) > MAX_UPPER_FEN:
        raise ValueError(f"amount too large for upper-case form: {fen} fen")
    if fen == 0:
        return "人民币零元整"
    sign = "负" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    jiao, fen_digit = divmod(cents, 10)

    parts = ["人民币", sign]
    if yuan:
        parts.append(_upper_integer(yuan))
        parts.append("元")
    if jiao:
        parts.append(_DIGITS[jiao] + "角")
    elif fen_digit and yuan:
        parts.append("零")
    if fen_digit:
        parts.append(_DIGITS[fen_digit] + "分")
    if not cents:
        parts.append("整")
    return "".join(parts)


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_GROUP_UNITS = ("", "万", "亿")


def _upper_integer(number: int) -> str:
    groups: list[int] = []
    while number:
        number, group = divmod(number, 10_000)
        groups.append(group)
    out: list[str] = []
    pending_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            # A whole zero group inside the number reads as one 零 (壹亿零壹元).
            pending_zero = bool(out)
            continue
        for position in (3, 2, 1, 0):
            digit = group // 10**position % 10
            if digit == 0:
                pending_zero = bool(out)
                continue
            if pending_zero:
                out.append("零")
                pending_zero = False
            out.append(_DIGITS[digit] + _SMALL_UNITS[position])
        out.append(_GROUP_UNITS[index])
        # Zeros at the end of a group are silent (壹拾万柒仟, not 壹拾万零柒仟).
        pending_zero = False
    return "".join(out)


def _yuan_decimal_to_fen(yuan: Decimal) -> int:
    if not yuan.is_finite():
        raise AmountError("not_finite", _("金额必须是有限的数字，不能是“{value}”", value=yuan))
    if yuan.adjusted() > 20 or len(yuan.as_tuple().digits) > 60:
        raise _too_large()
    fen = _round_half_up(_EXACT.scaleb(yuan, 2))
    if abs(fen) > MAX_AMOUNT_FEN:
        raise _too_large()
    return fen


def _too_large() -> AmountError:
    return AmountError(
        "too_large",
        _(
            "金额超出范围：最多 {maximum} 元（一百亿元）；请核对金额和单位",
            maximum=f"{MAX_AMOUNT_FEN // 100:,}",
        ),
    )


def _examples() -> str:
    return _("正确的写法例如 1,234.50、1234.5、12.3万 或 ¥1234")


def _unreadable(text: str) -> AmountError:
    return AmountError(
        "format", _("无法识别的金额“{text}”；{examples}", text=text.strip(), examples=_examples())
    )


def _round_half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP, context=_ROUNDING))


def _require_int(value: int) -> None:
    # bool is an int subclass; True fen is a bug, not an amount.
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"fen must be int, not {type(value).__name__}")
