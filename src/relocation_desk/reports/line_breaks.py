"""Where printed Chinese text may break into lines (避头尾, GB/T 15834 and common practice).

A line never begins with closing punctuation (，。、；：？！）》」』】〕〉”’…% and the like) and
never ends with opening punctuation (（《「『【〔〈“‘ and currency signs). A run of Latin letters
and digits (an amount, a code, "12.50") is not broken, and neither is a unit written with a
middle dot (人·月) or a slash (元/㎡). When a line cannot be broken anywhere by these rules (a
column narrower than one word), it breaks where it overflows: no character is ever dropped.

:func:`wrap` lays out plain text with any width function (the notice's canvas layout);
:func:`install` makes reportlab's CJK paragraphs (``wordWrap="CJK"``, the agreement) use the
same rules instead of reportlab's own, which lets a line begin with "，" or "；".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["CANNOT_END", "CANNOT_START", "can_break", "install", "wrap"]

# Closing punctuation, pauses, and marks that belong to what precedes them.
CANNOT_START = frozenset(
    "，。、；：？！）》」』】〕〉〗｝］”’…‥—～·・％‰℃°′″!),.:;?]}%'\"-/\u3005\u30fc\uff5e"
)
# Opening punctuation and prefixes that belong to what follows them.
CANNOT_END = frozenset("（《「『【〔〈〖｛［“‘·/-([{$¥￥£€#@§№")
_WORD = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ._")


def can_break(before: str, after: str) -> bool:
    """Whether a line may end with ``before`` and the next begin with ``after``."""
    if after in CANNOT_START or before in CANNOT_END:
        return False
    if before in _WORD and after in _WORD:
        return False
    return not (before.isspace() and after.isspace())


def _break_before(
    chars: Sequence[str], start: int, overflow: int, prefer_after: frozenset[str] = frozenset()
) -> int:
    """Where the line that starts at ``start`` ends, given that the character at ``overflow``
    does not fit: the last allowed break point after ``start`` (the last one right after a
    ``prefer_after`` character, if any), else (nothing allowed) the overflow itself — or one
    past it when that character may not begin a line and so hangs."""
    if prefer_after:
        for j in range(overflow, start, -1):
            if chars[j - 1] in prefer_after and can_break(chars[j - 1], chars[j]):
                return j
    for j in range(overflow, start, -1):
        if can_break(chars[j - 1], chars[j]):
            return j
    if chars[overflow] in CANNOT_START:
        return overflow + 1  # hanging punctuation: better a little over than a line starting "，"
    return max(overflow, start + 1)


def _line_ends(
    chars: Sequence[str],
    widths: Sequence[float],
    max_width: Callable[[int], float],
    prefer_after: frozenset[str] = frozenset(),
    forced: Callable[[int], bool] = lambda _i: False,
) -> list[int]:
    """The index after the last character of each line: ``widths[i]`` is character i's width,
    ``max_width(k)`` the room on line k, ``forced(i)`` whether the line must end after i."""
    ends: list[int] = []
    n = len(chars)
    start = 0
    while start < n:
        room = max_width(len(ends))
        used = 0.0
        i = start
        end = n
        while i < n:
            used += widths[i]
            if forced(i):
                end = i + 1
                break
            if used > room and i > start:
                end = _break_before(chars, start, i, prefer_after)
                break
            i += 1
        ends.append(end)
        start = end
    return ends


def wrap(
    text: str,
    width: float,
    width_of: Callable[[str], float],
    prefer_after: frozenset[str] = frozenset(),
) -> list[str]:
    """``text`` in lines of at most ``width`` (as ``width_of`` measures), by the rules above,
    breaking right after a ``prefer_after`` character (a list's "、" or "；") where one is on the
    line. Spaces at the ends of lines are dropped; newlines in ``text`` start new lines."""
    out: list[str] = []
    for paragraph in text.split("\n"):
        chars = list(paragraph)
        if not chars:
            out.append("")
            continue
        start = 0
        ends = _line_ends(chars, [width_of(c) for c in chars], lambda _k: width, prefer_after)
        for end in ends:
            line = "".join(chars[start:end]).strip()
            if line:
                out.append(line)
            start = end
    return out


def _word_split(
    word: Any, max_widths: Any, font_name: str, font_size: float, encoding: str = "utf8"
) -> list[list[Any]]:
    """reportlab's ``wordSplit`` (a one-font CJK paragraph) with these rules."""
    from reportlab.lib.textsplit import getCharWidths

    text = word.decode(encoding) if isinstance(word, bytes) else word
    if not isinstance(max_widths, (list, tuple)):
        max_widths = [max_widths]
    widths = getCharWidths(text, font_name, font_size)

    def room(k: int) -> float:
        return float(max_widths[min(k, len(max_widths) - 1)])

    lines: list[list[Any]] = []
    start = 0
    for k, end in enumerate(_line_ends(text, widths, room)):
        lines.append([room(k) - sum(widths[start:end]), text[start:end]])
        start = end
    return lines


def _frag_split(frags: Any, max_widths: Any, calc_bounds: Any, encoding: str = "utf8") -> Any:
    """reportlab's ``cjkFragSplit`` (a CJK paragraph of several fonts) with these rules."""
    from reportlab.platypus import paragraph as rp
    from reportlab.rl_config import _FUZZ

    glyphs = []  # one per character, each knowing its frag and width
    for f in frags:
        text = f.text
        if isinstance(text, bytes):
            text = text.decode(encoding)
        if text:
            glyphs.extend(rp.cjkU(t, f, encoding) for t in text)
        else:
            glyphs.append(rp.cjkU(text, f, encoding))
    if not isinstance(max_widths, (list, tuple)):
        max_widths = [max_widths]

    def room(k: int) -> float:
        return float(max_widths[min(k, len(max_widths) - 1)])

    def width(u: Any, max_width: float) -> float:
        w = u.width
        if hasattr(w, "normalizedValue"):
            w._normalizer = max_width
            w = w.normalizedValue(max_width)
        return float(w)

    widths = [width(u, room(0)) for u in glyphs]
    chars = [str(u) for u in glyphs]
    ends = _line_ends(
        chars,
        widths,
        lambda k: room(k) + _FUZZ,
        forced=lambda i: hasattr(glyphs[i].frag, "lineBreak"),  # <br/>
    )
    lines = []
    start = 0
    for k, end in enumerate(ends):
        used = sum(widths[start:end])
        line_break = hasattr(glyphs[end - 1].frag, "lineBreak")
        lines.append(
            rp.makeCJKParaLine(
                glyphs[start:end], room(k), used, room(k) - used, line_break, calc_bounds
            )
        )
        start = end
    return rp.ParaLines(kind=1, lines=lines)


def install() -> None:
    """Make reportlab's CJK paragraphs (``wordWrap="CJK"``) break lines by these rules, both
    the one-font case (``wordSplit``) and the several-font one (``cjkFragSplit``). Idempotent."""
    from reportlab.platypus import paragraph as rp

    rp.cjkFragSplit = _frag_split
    rp.wordSplit = _word_split
