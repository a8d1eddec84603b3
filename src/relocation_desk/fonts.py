"""The print fonts shipped with the application and what they can draw.

Two fonts live in ``resources/fonts`` (built by ``packaging/fonts/build_fonts.py``):

* the main font "RD Sans SC" (converted Noto Sans CJK SC): Latin, punctuation, every GBK
  ideograph, the URO up to U+9FEF, 6,582 of 6,592 Ext-A and 2,108 Ext-B ideographs; no Hangul;
* the fallback "RD Mincho Ext" (Hanazono subset): the Han ideographs of Ext B-F and the
  compatibility blocks the main font lacks.

``coverage.bin`` records which code points each font really draws, so the application can check
a name before printing it without parsing 20+ MB of font files. No Qt, no reportlab here:
``relocation_desk.reports.pdf_fonts`` and ``relocation_desk.gui.qt_fonts`` load the files.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_right
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from relocation_desk.paths import resource

MAIN_FILE = "RDSansSC-Regular.ttf"
FALLBACK_FILE = "RDMinchoExt-Subset.ttf"
COVERAGE_FILE = "coverage.bin"
MAIN_FAMILY = "RD Sans SC"
FALLBACK_FAMILY = "RD Mincho Ext"

_COVERAGE_MAGIC = b"RDCOV001"


def main_font_path() -> Path:
    return resource("fonts", MAIN_FILE)


def fallback_font_path() -> Path:
    return resource("fonts", FALLBACK_FILE)


def coverage_path() -> Path:
    return resource("fonts", COVERAGE_FILE)


class CodepointRanges:
    """An immutable set of code points stored as sorted half-open range boundaries.

    ``cp in ranges`` is a binary search: O(log n) over a few thousand ranges.
    """

    __slots__ = ("_bounds",)

    def __init__(self, bounds: array) -> None:
        if len(bounds) % 2 or any(bounds[i] >= bounds[i + 1] for i in range(len(bounds) - 1)):
            raise ValueError("range boundaries must be strictly increasing pairs")
        self._bounds = bounds

    @classmethod
    def from_codepoints(cls, cps: Iterable[int]) -> CodepointRanges:
        bounds = array("I")
        for cp in sorted(set(cps)):
            if bounds and bounds[-1] == cp:
                bounds[-1] = cp + 1
            else:
                bounds.extend((cp, cp + 1))
        return cls(bounds)

    def __contains__(self, cp: object) -> bool:
        if not isinstance(cp, int):
            return False
        return bisect_right(self._bounds, cp) % 2 == 1

    def __len__(self) -> int:
        b = self._bounds
        return sum(b[i + 1] - b[i] for i in range(0, len(b), 2))

    def ranges(self) -> list[tuple[int, int]]:
        """Inclusive ``(first, last)`` pairs."""
        b = self._bounds
        return [(b[i], b[i + 1] - 1) for i in range(0, len(b), 2)]

    def __repr__(self) -> str:
        return f"<CodepointRanges {len(self._bounds) // 2} ranges, {len(self)} code points>"


def _read_u32(data: bytes, start: int, count: int) -> array:
    a = array("I")
    if a.itemsize != 4:  # pragma: no cover - every supported platform has a 4-byte unsigned int
        raise RuntimeError("array('I') is not 32-bit on this platform")
    a.frombytes(data[start : start + 4 * count])
    if sys.byteorder != "little":  # pragma: no cover
        a.byteswap()
    return a


@cache
def _coverage() -> tuple[CodepointRanges, CodepointRanges]:
    path = coverage_path()
    data = path.read_bytes()
    if not data.startswith(_COVERAGE_MAGIC):
        raise ValueError(f"{path} is not a Relocation Desk coverage file")
    pos = len(_COVERAGE_MAGIC)
    n_main, n_all = _read_u32(data, pos, 2)
    pos += 8
    if len(data) != pos + 4 * (n_main + n_all):
        raise ValueError(f"{path} is truncated or corrupt")
    main = CodepointRanges(_read_u32(data, pos, n_main))
    every = CodepointRanges(_read_u32(data, pos + 4 * n_main, n_all))
    return main, every


def covered_codepoints() -> CodepointRanges:
    """Code points at least one shipped font draws (main ∪ fallback). Cached."""
    return _coverage()[1]


def main_codepoints() -> CodepointRanges:
    """Code points the main font draws. Cached."""
    return _coverage()[0]


def main_font_covers(cp: int) -> bool:
    return cp in _coverage()[0]


def unprintable(text: str) -> list[str]:
    """The distinct characters of ``text`` no shipped font can draw, in order of appearance.

    Whitespace is ignored. Such characters would silently vanish from a PDF.
    """
    covered = _coverage()[1]
    seen: set[str] = set()
    out: list[str] = []
    for ch in text:
        if ch in seen or ch.isspace():
            continue
        seen.add(ch)
        if ord(ch) not in covered:
            out.append(ch)
    return out
