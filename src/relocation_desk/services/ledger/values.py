"""Reading one ledger cell as the value a column holds, or saying why it cannot be used.

Cells come from openpyxl as ``str``, ``int``, ``float``, ``datetime`` or ``None``. Excel keeps
15 significant digits of a number: an 18-digit ID number stored as a number has lost its last
digits (reported, never guessed); a 15-digit one stored as a number is exact and is converted
to 18 digits. Amounts and areas stored as numbers are read through their shortest decimal
text (``repr``), so ``120.5`` stays 120.50, never 120.4999….
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ...domain import idnumber, limits, names, phone
from ...domain.money import AmountError, parse_amount
from ...domain.status import StructureType
from ...domain.units import QuantityError, parse_area, parse_quantity
from ...i18n import _


class CellProblem(ValueError):
    def __init__(self, reason: str, *, converted: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason


def cell_text(value: Any) -> str:
    """The cell as the user sees it (for reports and the 待核实 original text)."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value).upper()  # as Excel shows it: 4.10102198001011E+17
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_id(value: Any, today: date) -> tuple[str, bool]:
    """(normalised 18-character number, converted from 15 digits) or :class:`CellProblem`."""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            value = int(value)  # up to 15 digits a number is exact
        else:
            raise CellProblem(_float_lost(value))
    if isinstance(value, int) and not isinstance(value, bool) and len(str(abs(value))) > 15:
        # A real workbook cannot hold 18 exact digits in a number cell (Excel: a double).
        raise CellProblem(_float_lost(value))
    try:
        parsed = idnumber.parse(value if isinstance(value, int) else str(value), today=today)
    except idnumber.IdNumberError as exc:
        raise CellProblem(exc.reason) from None
    return parsed.value, parsed.converted_from_15


def _float_lost(value: float | int) -> str:
    shown = f"{float(value):.14E}".replace("0000E", "E")
    return _(
        "身份证号码在Excel中被当作数字保存了（显示为“{shown}”），后几位数字已经丢失，无法恢复；"
        "请对照身份证原件重新输入，并把Excel中该列设为“文本”格式后再导入",
        shown=shown,
    )


def read_name(value: Any) -> str:
    name = names.normalize_name(cell_text(value))
    problems = names.validate_name(name)
    if problems:
        raise CellProblem("；".join(problems))
    return name


def _decimal_text(value: Any) -> str:
    if isinstance(value, float):
        return repr(value)
    return cell_text(value)


def read_area(value: Any) -> int:
    if isinstance(value, bool | datetime | date):
        raise CellProblem(_("“{text}”不是面积；请填写如 120.5 这样的数字", text=cell_text(value)))
    try:
        return parse_area(_decimal_text(value))
    except QuantityError as exc:
        raise CellProblem(exc.reason) from None


def read_quantity(value: Any) -> int:
    try:
        return parse_quantity(_decimal_text(value))
    except QuantityError as exc:
        raise CellProblem(exc.reason) from None


def read_amount(value: Any, factor: int = 1) -> int:
    try:
        if isinstance(value, bool | datetime | date):
            raise AmountError("format", _("“{text}”不是金额", text=cell_text(value)))
        if isinstance(value, float):
            fen = parse_amount(Decimal(repr(value)) * factor)
        elif isinstance(value, int):
            fen = parse_amount(value * factor)
        else:
            text = cell_text(value)
            fen = parse_amount(text)
            if factor != 1 and not re.search("[万亿]", text):
                fen *= factor
    except AmountError as exc:
        raise CellProblem(exc.reason) from None
    if fen < 0:
        raise CellProblem(
            _("金额“{text}”是负数；台账中的补偿、协议和已付金额不能为负，请核对",
              text=cell_text(value))
        )  # fmt: skip
    try:
        return limits.check_amount(fen)  # 万元 columns multiply after parsing
    except limits.LimitError as exc:
        raise CellProblem(exc.reason) from None


def read_place_name(value: Any) -> str:
    """A village or group name: refused (never cut) when longer than the column or holding
    control characters."""
    try:
        return limits.check_code(
            cell_text(value), _("村组名称"), limits.TEXT_LIMITS["village_name"]
        )
    except limits.LimitError as exc:
        raise CellProblem(exc.reason) from None


def read_count(value: Any) -> int:
    try:
        return limits.member_count(value)
    except limits.LimitError as exc:
        raise CellProblem(exc.reason) from None


def read_method(value: Any) -> str:
    """补偿方式 as ledgers write it → ``money`` / ``swap`` / ``mixed``."""
    text = unicodedata.normalize("NFKC", cell_text(value)).replace(" ", "")
    money = any(w in text for w in ("货币", "现金", "钱"))
    swap = any(w in text for w in ("调换", "产权", "安置房", "房屋安置", "置换"))
    if any(w in text for w in ("结合", "混合", "两者", "+")) or (money and swap):
        return "mixed"
    if swap:
        return "swap"
    if money:
        return "money"
    raise CellProblem(
        _("补偿方式“{text}”无法识别；请写 货币补偿、产权调换 或 两者结合", text=cell_text(value))
    )


_DATE_TEXT = re.compile(
    r"(\d{4})\s*[./\-年]\s*(\d{1,2})\s*[./\-月]\s*(\d{1,2})\s*[日号]?(?:\s+0{1,2}:00(?::00)?)?"
)
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")


def read_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and (isinstance(value, int) or math.isfinite(value)):  # no serial in inf or nan
        serial = int(value)
        if 20_000 <= serial <= 80_000 and serial == value:
            return date.fromordinal(date(1899, 12, 30).toordinal() + serial)
    text = unicodedata.normalize("NFKC", cell_text(value))
    match = _DATE_TEXT.fullmatch(text) or _DATE_COMPACT.fullmatch(text)
    if match is None:
        raise CellProblem(
            _("无法识别的日期“{text}”；请写成 2026-03-05 或 2026年3月5日", text=cell_text(value))
        )
    year, month, day = (int(x) for x in match.groups())
    if not 1900 <= year <= 2100:
        raise CellProblem(
            _("日期“{text}”的年份{year}不合理；请核对", text=cell_text(value), year=year)
        )
    try:
        return date(year, month, day)
    except ValueError:
        raise CellProblem(
            _("日期“{text}”不存在（{year}年{month}月没有{day}日）；请核对", text=text,
              year=year, month=month, day=day)
        ) from None  # fmt: skip


def read_phone(value: Any) -> str:
    text = cell_text(value)
    try:
        return phone.normalize_phone(text)
    except phone.PhoneError as exc:
        raise CellProblem(exc.reason) from None


_RELATIONS = {
    "户主": "户主", "本人": "户主", "户主本人": "户主",
    "妻": "配偶", "妻子": "配偶", "丈夫": "配偶", "夫": "配偶", "配偶": "配偶", "夫妻": "配偶",
    "子": "子", "儿子": "子", "长子": "子", "次子": "子", "三子": "子",
    "女": "女", "女儿": "女", "长女": "女", "次女": "女", "三女": "女",
    "父": "父亲", "父亲": "父亲", "母": "母亲", "母亲": "母亲",
    "媳": "儿媳", "儿媳": "儿媳", "儿媳妇": "儿媳", "女婿": "女婿",
    "孙子": "孙子", "孙女": "孙女", "兄弟": "兄弟", "姐妹": "姐妹",
}  # fmt: skip


def read_relation(value: Any) -> str:
    text = "".join(cell_text(value).split())
    return _RELATIONS.get(text, text)[:20]


_STRUCTURES = {
    "框架": StructureType.FRAME, "钢混": StructureType.FRAME, "砖混": StructureType.BRICK_CONCRETE,
    "砖木": StructureType.BRICK_WOOD, "简易": StructureType.SIMPLE, "简易房": StructureType.SIMPLE,
    "其他": StructureType.OTHER,
}  # fmt: skip


def read_structure(value: Any) -> tuple[str, str]:
    """(structure type, remark): an unknown type is ``other`` with the text kept."""
    text = "".join(cell_text(value).split())
    if not text:
        return StructureType.OTHER.value, ""
    for key, kind in _STRUCTURES.items():
        if key in text:
            return kind.value, ""
    return StructureType.OTHER.value, text
