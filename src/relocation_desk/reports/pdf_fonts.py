"""The shipped fonts in reportlab: registration, per-font runs, drawing helpers.

reportlab has no font fallback: a character the current font lacks silently vanishes. Text is
therefore split into runs by which shipped font draws each character (the main font preferred)
and drawn run by run (canvas helpers) or marked up with ``<font name=…>`` (Paragraphs).
Check names with ``relocation_desk.fonts.unprintable`` first; characters no font has still
vanish.

Importing this module does nothing; ``register_fonts()`` (called by every helper) registers
the fonts once and patches reportlab's ToUnicode CMap writer (see ``_patch_tounicode``).
"""

from __future__ import annotations

import re
import threading
from typing import Any
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from relocation_desk import fonts

MAIN = "RDSansSC"
FALLBACK = "RDMinchoExt"

_lock = threading.Lock()
_registered = False


# --- reportlab ToUnicode fix -------------------------------------------------------------------
# reportlab (seen in 4.x and 5.1.0) writes each ToUnicode bfchar entry as "<%02X> <%04X>", so a
# character beyond U+FFFF gets a 5-6 digit value, e.g. 𠮷 U+20BB7 -> "<20BB7>", which readers
# take as the UTF-16BE units 20BB (₻) + 7. The glyphs draw right but copy, search and pdftotext
# give the wrong text. A CMap destination must be UTF-16BE: 𠮷 -> "<D842DFB7>". We wrap
# ``ttfonts.makeToUnicodeCMap`` to rewrite only such 5-6 digit values, and only if a probe shows
# the installed reportlab still has the bug (so an upstream fix disables the patch).

_PATCH_MARK = "_relocation_desk_utf16_fix"
_BAD_ENTRY = re.compile(r"^(<[0-9A-Fa-f]+>) <([0-9A-Fa-f]{5,6})>$", re.MULTILINE)
_PROBE_CP = 0x20BB7


def _utf16be_hex(cp: int) -> str:
    if cp <= 0xFFFF:
        return f"{cp:04X}"
    v = cp - 0x10000
    return f"{0xD800 + (v >> 10):04X}{0xDC00 + (v & 0x3FF):04X}"


def _fix_cmap_text(cmap: str) -> str:
    def repl(m: re.Match[str]) -> str:
        cp = int(m.group(2), 16)
        if cp > 0x10FFFF:
            return m.group(0)
        return f"{m.group(1)} <{_utf16be_hex(cp)}>"

    return _BAD_ENTRY.sub(repl, cmap)


def tounicode_needs_patch(func: Any = None) -> bool:
    """Whether ``func`` (default: reportlab's current makeToUnicodeCMap) writes a supplementary
    character's ToUnicode value as raw 5-digit hex instead of a UTF-16 surrogate pair."""
    func = func or ttfonts.makeToUnicodeCMap
    probe = func("PROBE", [0, _PROBE_CP])
    return f"<{_PROBE_CP:X}>" in probe.upper()


def _patch_tounicode() -> None:
    original = ttfonts.makeToUnicodeCMap
    if getattr(original, _PATCH_MARK, False) or not tounicode_needs_patch(original):
        return

    def makeToUnicodeCMap(fontname: str, subset: list[int]) -> str:
        return _fix_cmap_text(original(fontname, subset))

    makeToUnicodeCMap.__doc__ = original.__doc__
    makeToUnicodeCMap.__wrapped__ = original  # type: ignore[attr-defined]
    setattr(makeToUnicodeCMap, _PATCH_MARK, True)
    # TTFont.addObjects looks the function up in the module globals at call time.
    ttfonts.makeToUnicodeCMap = makeToUnicodeCMap


# --- registration ------------------------------------------------------------------------------


def register_fonts() -> None:
    """Register MAIN and FALLBACK with reportlab (once, thread-safe) and apply the ToUnicode fix."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        _patch_tounicode()
        registered = set(pdfmetrics.getRegisteredFontNames())
        for name, path in ((MAIN, fonts.main_font_path()), (FALLBACK, fonts.fallback_font_path())):
            if name in registered:
                continue
            if not path.is_file():
                raise FileNotFoundError(f"shipped font missing: {path}")
            pdfmetrics.registerFont(TTFont(name, str(path)))
        # So that <b>/<i> in Paragraph markup do not raise: there is only one weight (headings
        # use size, not weight).
        pdfmetrics.registerFontFamily(MAIN, normal=MAIN, bold=MAIN, italic=MAIN, boldItalic=MAIN)
        pdfmetrics.registerFontFamily(
            FALLBACK, normal=FALLBACK, bold=FALLBACK, italic=FALLBACK, boldItalic=FALLBACK
        )
        _registered = True


# --- runs and drawing --------------------------------------------------------------------------


def split_runs(text: str) -> list[tuple[str, str]]:
    """Split ``text`` into ``(font_name, chunk)`` runs: MAIN where the main font draws the
    character, FALLBACK where only the fallback does. Characters neither draws (whitespace
    controls, or truly unprintable ones) stay in the current run."""
    main = fonts.main_codepoints()
    every = fonts.covered_codepoints()
    runs: list[tuple[str, str]] = []
    cur_font: str | None = None
    buf: list[str] = []
    for ch in text:
        cp = ord(ch)
        if cp in main:
            font = MAIN
        elif cp in every:
            font = FALLBACK
        else:
            font = cur_font or MAIN
        if font != cur_font and buf:
            runs.append((cur_font or MAIN, "".join(buf)))
            buf = []
        cur_font = font
        buf.append(ch)
    if buf:
        runs.append((cur_font or MAIN, "".join(buf)))
    return runs


def string_width(text: str, size: float) -> float:
    register_fonts()
    return sum(pdfmetrics.stringWidth(run, font, size) for font, run in split_runs(text))


def draw_string(canvas: Any, x: float, y: float, text: str, size: float) -> float:
    """Draw ``text`` with its baseline starting at (x, y); returns the width drawn.

    The canvas' current font and graphics state are left unchanged (the runs are drawn
    inside saveState/restoreState); the fill colour in effect is used.
    """
    register_fonts()
    runs = split_runs(text)
    if not runs:
        return 0.0
    canvas.saveState()
    try:
        t = canvas.beginText(x, y)
        width = 0.0
        for font, run in runs:
            t.setFont(font, size)
            t.textOut(run)
            width += pdfmetrics.stringWidth(run, font, size)
        canvas.drawText(t)
    finally:
        canvas.restoreState()
    return width


def draw_right_string(canvas: Any, x: float, y: float, text: str, size: float) -> float:
    """Draw ``text`` ending at x; returns the width drawn."""
    return draw_string(canvas, x - string_width(text, size), y, text, size)


def draw_centred_string(canvas: Any, x: float, y: float, text: str, size: float) -> float:
    """Draw ``text`` centred on x; returns the width drawn."""
    return draw_string(canvas, x - string_width(text, size) / 2, y, text, size)


def paragraph_markup(text: str) -> str:
    """Escaped Paragraph XML for ``text``: fallback runs wrapped in ``<font name=FALLBACK>``.

    Use it with a ParagraphStyle whose ``fontName`` is MAIN (and ``wordWrap="CJK"`` for
    Chinese line breaking). Line breaks in ``text`` are not converted to ``<br/>``.
    """
    register_fonts()
    parts = []
    for font, run in split_runs(text):
        esc = escape(run)
        parts.append(esc if font == MAIN else f'<font name="{font}">{esc}</font>')
    return "".join(parts)
