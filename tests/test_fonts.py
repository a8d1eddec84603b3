"""The shipped print fonts: coverage data, reportlab embedding, copy-out text (ToUnicode fix)."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import unicodedata
from functools import cache
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import ttfonts
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate

from relocation_desk import fonts
from relocation_desk.reports import pdf_fonts

RARE = "㑇䶮喆堃昇琎"
EXT_B = "𠮷𠀀𪚥"  # U+20BB7 (in the main font), U+20000 and U+2A6A5 (fallback only)
NAMES = ["张㑇", "李䶮", "王喆", "赵堃", "刘昇", "陈琎", "吉𠮷", "𠀀明", "𪚥龙", "欧阳𤭢", "𪜶兰"]
MIXED = "户号 HH-2024-000123 被征收人 𠀀明 面积 128.56㎡ 金额 ¥1,234,567.89 (No.7 楼) 𪚥龙 OK"
# Characters that look like Han/Hangul but must not render in a reportlab PDF silently:
NO_FONT = ["\ue000", "\U00030000", "\U000323af", "\U0003ffff"]
# Hangul is deliberately left out of the main font (see packaging/fonts/build_fonts.py).
INVISIBLE_CATEGORIES = {"Zs", "Zl", "Zp", "Cc", "Cf", "Mn", "Me"}


def require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} not found: install poppler-utils (apt-get install poppler-utils)")
    return path


@cache
def drawable(path: Path) -> frozenset[int]:
    """Code points a font file maps to a non-empty glyph (or to an invisible character).

    Reads only cmap and loca (a glyph is empty iff its loca length is 0): no outline parsing.
    """
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), lazy=True)
    cmap = font.getBestCmap()
    loca = font["loca"]
    gid = font.getReverseGlyphMap()
    return frozenset(
        cp
        for cp, name in cmap.items()
        if loca[gid[name] + 1] > loca[gid[name]]
        or unicodedata.category(chr(cp)) in INVISIBLE_CATEGORIES
    )


# --- coverage ----------------------------------------------------------------------------------


def test_font_files_and_licences_ship() -> None:
    for p in (fonts.main_font_path(), fonts.fallback_font_path(), fonts.coverage_path()):
        assert p.is_file(), p
    folder = fonts.main_font_path().parent
    for name in ("LICENSES.md", "OFL-NotoSansCJK.txt", "OFL-Hanazono.txt"):
        assert (folder / name).is_file(), name


def test_rare_and_ext_b_names_are_covered() -> None:
    covered = fonts.covered_codepoints()
    for ch in RARE + EXT_B + "".join(NAMES) + MIXED:
        assert ord(ch) in covered or ch.isspace(), f"U+{ord(ch):04X} {ch}"
    assert fonts.unprintable(RARE + EXT_B) == []
    assert fonts.unprintable(MIXED) == []


def test_main_font_covers_rare_bmp_and_some_ext_b() -> None:
    for ch in RARE + "𠮷":
        assert fonts.main_font_covers(ord(ch)), ch
    for ch in "𠀀𪚥":
        assert not fonts.main_font_covers(ord(ch)), ch


def test_unprintable_reports_chars_no_font_has() -> None:
    text = "王\ue000明 \U00030000\U00030000 \t\n"
    assert fonts.unprintable(text) == ["\ue000", "\U00030000"]
    for ch in NO_FONT:
        assert fonts.unprintable(ch) == [ch]
    assert fonts.unprintable(" \u3000\t\n") == []


def test_gb2312_hanzi_all_in_main_font() -> None:
    main = fonts.main_codepoints()
    missing = []
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                ch = bytes([hi, lo]).decode("gb2312")
            except UnicodeDecodeError:
                continue
            if ord(ch) not in main:
                missing.append(ch)
    assert missing == []


def test_coverage_file_agrees_with_font_cmaps() -> None:
    main_file = drawable(fonts.main_font_path())
    fallback_file = drawable(fonts.fallback_font_path())
    rng = random.Random(20240601)
    sample = set(rng.sample(sorted(main_file), 3000)) | set(rng.sample(sorted(fallback_file), 3000))
    sample |= {rng.randrange(0, 0x40000) for _ in range(6000)}
    sample |= {ord(ch) for ch in RARE + EXT_B + "".join(NO_FONT)}
    main, every = fonts.main_codepoints(), fonts.covered_codepoints()
    for cp in sorted(sample):
        assert (cp in main) == (cp in main_file), f"main U+{cp:04X}"
        assert (cp in every) == (cp in main_file or cp in fallback_file), f"all U+{cp:04X}"
    # and the totals, which catch a stale coverage file cheaply
    assert len(main) == len(main_file)
    assert len(every) == len(main_file | fallback_file)


def test_codepoint_ranges() -> None:
    r = fonts.CodepointRanges.from_codepoints([5, 1, 2, 3, 10, 0x20000])
    assert r.ranges() == [(1, 3), (5, 5), (10, 10), (0x20000, 0x20000)]
    assert [cp in r for cp in (0, 1, 3, 4, 5, 6, 10, 11, 0x20000)] == [
        False, True, True, False, True, False, True, False, True,
    ]  # fmt: skip
    assert "x" not in r
    assert len(r) == 6
    with pytest.raises(ValueError):
        fonts.CodepointRanges(fonts.CodepointRanges.from_codepoints([1])._bounds[:1])


# --- runs ----------------------------------------------------------------------------------------


def test_split_runs_prefers_main_font() -> None:
    M, F = pdf_fonts.MAIN, pdf_fonts.FALLBACK
    assert pdf_fonts.split_runs("") == []
    assert pdf_fonts.split_runs("王喆 A1") == [(M, "王喆 A1")]
    assert pdf_fonts.split_runs("吉𠮷") == [(M, "吉𠮷")]
    assert pdf_fonts.split_runs("𠀀明 𪚥𪚥x") == [(F, "𠀀"), (M, "明 "), (F, "𪚥𪚥"), (M, "x")]
    # characters no font has stay in the current run rather than splitting it
    assert pdf_fonts.split_runs("𠀀\ue000明") == [(F, "𠀀\ue000"), (M, "明")]
    assert "".join(run for _, run in pdf_fonts.split_runs(MIXED)) == MIXED


def test_paragraph_markup_escapes_and_tags_fallback() -> None:
    assert pdf_fonts.paragraph_markup("a<b>&𠀀c") == (
        f'a&lt;b&gt;&amp;<font name="{pdf_fonts.FALLBACK}">𠀀</font>c'
    )


def test_string_width_sums_runs() -> None:
    w_main = pdf_fonts.string_width("明", 10)
    w_fb = pdf_fonts.string_width("𠀀", 10)
    assert w_main > 0
    assert w_fb > 0
    assert pdf_fonts.string_width("明𠀀明", 10) == pytest.approx(2 * w_main + w_fb)


# --- ToUnicode fix -------------------------------------------------------------------------------


def test_tounicode_cmap_writes_utf16_surrogates() -> None:
    """Fails on unpatched reportlab 5.1.0, which writes '<01> <20BB7>'."""
    pdf_fonts.register_fonts()
    cmap = ttfonts.makeToUnicodeCMap("TEST", [0, 0x20BB7, 0x4E00, 0x20000, 0x10FFFF])
    lines = cmap.splitlines()
    assert "<01> <D842DFB7>" in lines
    assert "<02> <4E00>" in lines
    assert "<03> <D840DC00>" in lines
    assert "<04> <DBFFDFFF>" in lines
    assert not pdf_fonts.tounicode_needs_patch()


def test_tounicode_patch_is_idempotent_and_detects_upstream_fix() -> None:
    pdf_fonts.register_fonts()
    before = ttfonts.makeToUnicodeCMap
    pdf_fonts._patch_tounicode()
    assert ttfonts.makeToUnicodeCMap is before

    def fixed_upstream(fontname: str, subset: list[int]) -> str:
        return "\n".join(f"<{i:02X}> <{pdf_fonts._utf16be_hex(v)}>" for i, v in enumerate(subset))

    def buggy(fontname: str, subset: list[int]) -> str:
        return "\n".join(f"<{i:02X}> <{v:04X}>" for i, v in enumerate(subset))

    assert not pdf_fonts.tounicode_needs_patch(fixed_upstream)
    assert pdf_fonts.tounicode_needs_patch(buggy)
    assert pdf_fonts._fix_cmap_text(buggy("X", [0x41, 0x20BB7])) == "<00> <0041>\n<01> <D842DFB7>"
    # already-correct text passes through unchanged
    good = fixed_upstream("X", [0x41, 0x20BB7])
    assert pdf_fonts._fix_cmap_text(good) == good


# --- real PDFs -----------------------------------------------------------------------------------


def write_names_pdf(path: Path, compress: bool = True) -> None:
    c = Canvas(str(path), pagesize=A4, pageCompression=1 if compress else 0)
    c.setFont("Helvetica", 10)
    c.drawString(40, 800, "Helvetica before")
    y = 770
    for name in NAMES:
        pdf_fonts.draw_string(c, 40, y, name, 14)
        pdf_fonts.draw_right_string(c, 550, y, name, 14)
        y -= 22
    pdf_fonts.draw_centred_string(c, 297, y, RARE + EXT_B, 16)
    y -= 24
    pdf_fonts.draw_string(c, 40, y, MIXED, 10)
    # the canvas font is untouched by the helpers
    assert c._fontname == "Helvetica"
    c.drawString(40, 60, "Helvetica after")
    c.showPage()
    c.save()


def test_pdf_embeds_both_fonts(tmp_path: Path) -> None:
    pdf = tmp_path / "names.pdf"
    write_names_pdf(pdf)
    out = subprocess.run(
        [require("pdffonts"), str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    rows = {}
    for line in out.splitlines()[2:]:
        m = re.match(r"(\S+)\s+(.+?)\s{2,}\S+\s+(yes|no)\s+(yes|no)\s+(yes|no)", line)
        assert m, line
        rows[m.group(1).split("+")[-1]] = (m.group(2), m.group(3), m.group(5))
    for ps_name in ("RDSansSC-Regular", "RDMinchoExt-Regular"):
        kind, emb, uni = rows[ps_name]
        assert "TrueType" in kind
        assert emb == "yes", f"{ps_name} not embedded"
        assert uni == "yes", f"{ps_name} has no ToUnicode map"


def test_pdftotext_gives_back_every_name(tmp_path: Path) -> None:
    pdf = tmp_path / "names.pdf"
    write_names_pdf(pdf)
    text = subprocess.run(
        [require("pdftotext"), "-enc", "UTF-8", "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for name in NAMES:
        assert text.count(name) >= 2, f"{name!r} not copied out of the PDF:\n{text}"
    assert RARE + EXT_B in text
    assert MIXED in text
    assert "₻" not in text


def test_pdf_tounicode_stream_has_surrogate_pairs(tmp_path: Path) -> None:
    pdf = tmp_path / "plain.pdf"
    write_names_pdf(pdf, compress=False)
    data = pdf.read_bytes()
    assert b"<D842DFB7>" in data  # 𠮷 (main font)
    assert b"<D840DC00>" in data  # 𠀀 (fallback font)
    assert b"<20BB7>" not in data


def test_paragraph_pdf(tmp_path: Path) -> None:
    pdf = tmp_path / "para.pdf"
    style = ParagraphStyle("t", fontName=pdf_fonts.MAIN, fontSize=11, leading=15, wordWrap="CJK")
    doc = SimpleDocTemplate(str(pdf), pagesize=A4)
    doc.build([Paragraph(pdf_fonts.paragraph_markup(f"{n}：{MIXED}"), style) for n in NAMES])
    text = subprocess.run(
        [require("pdftotext"), "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flat = text.replace("\n", "")
    for name in NAMES:
        assert name in flat, name
