"""Formula cells a workbook holds without their result.

Excel and WPS save each formula with the value it last computed, and the import reads that
value. A workbook written by another program (a script, an online form) may hold formulas
without values: such a cell reads as empty. This finds them in each sheet's XML, so the rows
they are on can say which value could not be read instead of leaving it empty silently.

May use: nothing but the standard library.
"""

from __future__ import annotations

import re
import zipfile

# A formula, then no value or an empty one (<v/>, <v></v>), then the end of the cell.
_BARE = re.compile(
    rb'<c r="([A-Z]{1,3})(\d{1,7})"[^>]*>\s*<f\b[^>]*(?:/>|>[^<]*</f>)\s*'
    rb"(?:<v\s*/>|<v>\s*</v>)?\s*</c>"
)
_MAX_SHEET = 400_000_000  # bytes of sheet XML looked at; bigger sheets are not scanned


def _index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def formulas_without_results(
    path: str, sheet_paths: dict[str, str]
) -> dict[str, dict[int, set[int]]]:
    """sheet → 1-based row → 0-based columns of formula cells that hold no value."""
    out: dict[str, dict[int, set[int]]] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            for title, member in sheet_paths.items():
                if zf.getinfo(member).file_size > _MAX_SHEET:
                    continue
                data = zf.read(member)
                if b"<f" not in data:
                    continue
                found: dict[int, set[int]] = {}
                for col, row in _BARE.findall(data):
                    found.setdefault(int(row), set()).add(_index(col))
                if found:
                    out[title] = found
    except (KeyError, zipfile.BadZipFile, ValueError, OSError):
        pass
    return out
