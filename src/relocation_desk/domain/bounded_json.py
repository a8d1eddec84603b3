"""JSON from files users hand in (scheme files), read with bounds on depth and number size.

``json.loads`` recurses once per nesting level (10,000 nested brackets raise
``RecursionError``), and turns a 5,000-digit number into an ``int`` conversion error, or a
1e400 into ``inf``. :func:`loads` checks the nesting depth before parsing and every number's
length while parsing, and refuses ``NaN``/``Infinity``, each with a message for the user.
Syntax errors stay :class:`json.JSONDecodeError`, with line and column.
"""

from __future__ import annotations

import json
import re
from typing import Any, NoReturn

from ..i18n import _
from .errors import InputError

__all__ = ["MAX_DEPTH", "MAX_NUMBER_CHARS", "JsonLimitError", "loads"]

MAX_DEPTH = 64  # a scheme file nests 5–6 levels
MAX_NUMBER_CHARS = 40  # sign, digits, point and exponent of one number

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


class JsonLimitError(InputError):
    """JSON beyond a bound. ``code``: ``depth``, ``number`` or ``not_finite``."""


def loads(text: str, *, max_depth: int = MAX_DEPTH) -> Any:
    """Parse ``text`` like ``json.loads``, refusing deep nesting and oversized numbers."""
    depth = _max_depth(text)
    if depth > max_depth:
        raise JsonLimitError(
            "depth",
            _(
                "JSON 嵌套了 {depth} 层，超过上限 {maximum} 层，不是本软件的文件；"
                "请选择本软件导出的文件",
                depth=depth,
                maximum=max_depth,
            ),
        )
    return json.loads(
        text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_parse_constant
    )


def _max_depth(text: str) -> int:
    # Brackets inside strings do not nest: blank the strings out first (linear regex).
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub('""', text)):
        if match[0] in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _too_long(text: str) -> JsonLimitError:
    return JsonLimitError(
        "number",
        _(
            "JSON 中的数字“{start}…”有 {length} 个字符，超过上限 {maximum} 个；请核对文件",
            start=text[:12],
            length=len(text),
            maximum=MAX_NUMBER_CHARS,
        ),
    )


def _parse_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise _too_long(text)
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise _too_long(text)
    value = float(text)
    if value in (float("inf"), float("-inf")):
        _parse_constant(text)
    return value


def _parse_constant(text: str) -> NoReturn:
    raise JsonLimitError(
        "not_finite",
        _("JSON 中的“{text}”不是有限的数字；请改为普通数字", text=text),
    )
