"""Values in a scheme *file* whose unit can be misread, refused before the scheme is read.

Every share in a scheme is a percent: an item's ``percent`` (按比例, 困难户补助按比例) and the
share of another item's rate in ``rate_of.percent`` (折算单价). A file writes them as
``"5 %"``, ``"5"`` or ``5``, all meaning five percent. A bare value below 1 (``"0.05"``) is
most often a fraction typed for a percent (0.05 for 5 %), and read as a percent it would pay
a twentieth of a percent without a word; so a file must say which it means: ``"5 %"``, or
``"0.5 %"`` when a share below one percent is really meant.

Only files are held to this: the editor asks about such a value when it is entered, and
stored versions keep the canonical number (:func:`.scheme_parse.parse_scheme`), which this
check does not apply to.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from ..i18n import _

__all__ = ["PERCENT_FIELDS", "misread_units"]

# Where an item's params hold a percent (paths inside ``params``).
PERCENT_FIELDS: tuple[tuple[str, ...], ...] = (("percent",), ("rate_of", "percent"))


def _field_name(path: tuple[str, ...]) -> str:
    return _("比例 percent") if path == ("percent",) else _("折算比例 rate_of.percent")


def misread_units(data: Any) -> list[str]:
    """Every percent in the scheme file ``data`` written as a bare number below 1, each
    naming the item, the field and the value (in the words of ``parse_scheme``'s problems;
    the file reader names the scheme above them), and saying how to write it."""
    if not isinstance(data, Mapping) or not isinstance(data.get("items"), list):
        return []
    problems = []
    for n, item in enumerate(data["items"], start=1):
        if not isinstance(item, Mapping) or not isinstance(item.get("params"), Mapping):
            continue
        code = item.get("code") if isinstance(item.get("code"), str) else "?"
        for path in PERCENT_FIELDS:
            found = _bare_fraction(_at(item["params"], path))
            if found is None:
                continue
            share, value = found
            problems.append(
                _(
                    "第{n}项（{code}）：{field} 写的是“{value}”，看不出是 "
                    "{value} % 还是 {times} %。比例一律写成百分数，写 5 % 表示百分之五；"
                    "若确为千分之五请写 0.5 %。本项请写“{times} %”或“{value} %”",
                    n=n,
                    code=code,
                    field=_field_name(path),
                    value=value,
                    times=format((share * 100).normalize(), "f"),
                )
            )
    return problems


def _at(params: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = params
    for key in path:
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return value


def _bare_fraction(value: Any) -> tuple[Decimal, str] | None:
    """``value`` as a number and as written (trimmed) when it has no ``%`` and lies strictly
    between 0 and 1; ``None`` otherwise (a ``%`` says the unit; other values are checked
    elsewhere)."""
    if isinstance(value, bool) or not isinstance(value, str | float):
        return None
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(("%", "％")) or len(text) > 40:
            return None
    else:
        text = repr(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    exponent = number.as_tuple().exponent  # a letter for NaN and infinity
    if not isinstance(exponent, int) or exponent < -8:
        return None  # refused by parse_scheme as too precise; not worth spelling out here
    return (number, text) if 0 < number < 1 else None
