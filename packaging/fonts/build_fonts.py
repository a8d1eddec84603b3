#!/usr/bin/env python3
"""Build the print fonts shipped in ``resources/fonts`` from Debian's font packages.

Run once by a developer when the fonts need rebuilding (never at install time)::

    sudo apt-get install fonts-noto-cjk fonts-hanazono
    .venv/bin/python packaging/fonts/build_fonts.py   # ~2.5 min, ~650 MB RAM; byte-reproducible

It writes, into ``resources/fonts`` (or ``--out``):

``RDSansSC-Regular.ttf``  (family "RD Sans SC")
    Noto Sans CJK SC Regular (face of ``NotoSansCJK-Regular.ttc``) with its CFF outlines
    converted to TrueType quadratic ``glyf`` outlines (fontTools cu2qu), because reportlab can
    only embed ``glyf`` fonts. Subset to the SC face's own cmap and the layout features Chinese
    text uses (glyphs only reachable through other locales' ``locl`` forms or ``aalt`` are
    dropped), and Hangul syllables/jamo are left out (see ``MAIN_DROP``). Renamed: the upstream
    OFL notice reserves the font name "Source" and "Noto" is a Google trademark, so a modified
    version must not be presented under either name.

``RDMinchoExt-Subset.ttf`` (family "RD Mincho Ext")
    Fallback for Han ideographs the main font lacks: HanaMinB (CJK Ext B-F) plus HanaMinA (CJK
    compatibility ideographs and compatibility supplement, which HanaMinB does not carry), only
    the code points the main font does not cover. Renamed: "HanaMinA"/"HanaMinB"/"Hanazono Font"
    are Reserved Font Names under Hanazono's OFL option.

``coverage.bin``
    The code points each font really draws (cmap entry with a non-empty glyph, or an
    invisible character), as sorted range boundaries; read by ``relocation_desk.fonts``.

``build-info.json``
    Source package versions, input/output SHA-256 and counts, for reproducibility.

The licence texts (``LICENSES.md``, ``OFL-*.txt``) are maintained by hand next to the fonts.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import subprocess
import sys
import time
import unicodedata
from array import array
from pathlib import Path

import fontTools
from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable
from fontTools.ttLib.tables._c_m_a_p import CmapSubtable

ROOT = Path(__file__).resolve().parents[2]
OUT_DEFAULT = ROOT / "resources" / "fonts"

NOTO_TTC = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
NOTO_FACE = "Noto Sans CJK SC"
HANA_A = Path("/usr/share/fonts/truetype/hanazono/HanaMinA.ttf")
HANA_B = Path("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf")

MAIN_FILE = "RDSansSC-Regular.ttf"
MAIN_FAMILY = "RD Sans SC"
MAIN_PS = "RDSansSC-Regular"
FALLBACK_FILE = "RDMinchoExt-Subset.ttf"
FALLBACK_FAMILY = "RD Mincho Ext"
FALLBACK_PS = "RDMinchoExt-Regular"
VERSION = "1.000"

# Hangul is of no use for Chinese relocation records (Korean-Chinese names are registered in Han
# characters) and costs ~11k glyphs; everything else in the SC face's cmap is kept.
MAIN_DROP = [(0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xAC00, 0xD7FF)]
# Layout features kept in the main font: shaping basics, proportional/half-width CJK spacing and
# vertical forms. Not 'locl' (pulls in the JP/KR/TC glyph variants), not 'aalt'.
MAIN_FEATURES = [
    "ccmp", "liga", "calt", "clig", "kern", "palt", "halt", "vert", "vrt2", "vkrn", "vpal",
    "vhal", "mark", "mkmk", "frac", "numr", "dnom", "sups", "subs",
]  # fmt: skip
# Han ideograph blocks the fallback may contribute to.
HAN_BLOCKS = [
    (0x3400, 0x4DBF),  # Ext A
    (0x4E00, 0x9FFF),  # URO
    (0xF900, 0xFAFF),  # Compatibility Ideographs
    (0x20000, 0x2A6DF),  # Ext B
    (0x2A700, 0x2EBEF),  # Ext C, D, E, F
    (0x2F800, 0x2FA1F),  # Compatibility Ideographs Supplement
    (0x30000, 0x323AF),  # Ext G, H
]
CU2QU_MAX_ERR = 1.0  # font units (upem 1000): the fontTools otf2ttf default


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def in_blocks(cp: int, blocks: list[tuple[int, int]]) -> bool:
    return any(lo <= cp <= hi for lo, hi in blocks)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def deb_version(package: str) -> str:
    try:
        out = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", package],
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def set_names(font: TTFont, family: str, ps_name: str, note: str) -> None:
    """Replace every naming record that presents the font's name; keep copyright/licence."""
    name = font["name"]
    # 1 family, 3 unique id, 4 full name, 6 PostScript, 16/17 typographic, 18 compatible full,
    # 20 PostScript CID, 21/22 WWS, 25 variations prefix: drop in every language/platform.
    name.names = [
        r for r in name.names if r.nameID not in (1, 2, 3, 4, 5, 6, 16, 17, 18, 20, 21, 22, 25)
    ]
    name.setName(family, 1, 3, 1, 0x409)
    name.setName("Regular", 2, 3, 1, 0x409)
    name.setName(f"{VERSION};RD;{ps_name}", 3, 3, 1, 0x409)
    name.setName(family, 4, 3, 1, 0x409)
    name.setName(f"Version {VERSION}; {note}", 5, 3, 1, 0x409)
    name.setName(ps_name, 6, 3, 1, 0x409)
    # Make the change visible in the description field as well.
    old_desc = name.getDebugName(10) or ""
    desc = f"{note}. {old_desc}".strip()
    name.names = [r for r in name.names if r.nameID != 10]
    name.setName(desc, 10, 3, 1, 0x409)
    # Mac-platform records duplicate the Windows ones; drop them so nothing stale remains.
    name.names = [r for r in name.names if r.platformID == 3]
    if "CFF " in font:
        font["CFF "].cff.fontNames = [ps_name]


def cff_to_glyf(font: TTFont) -> None:
    """Convert a CFF-flavoured font in place to TrueType glyf outlines (cf. fontTools otf2ttf)."""
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in glyph_order:
        tt_pen = TTGlyphPen(None)
        # CFF contours run counter-clockwise, TrueType ones clockwise.
        glyph_set[name].draw(Cu2QuPen(tt_pen, CU2QU_MAX_ERR, reverse_direction=True))
        glyphs[name] = tt_pen.glyph()

    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = glyphs
    font["loca"] = newTable("loca")
    del font["CFF "]
    if "VORG" in font:  # CFF-only table
        del font["VORG"]

    hmtx = font["hmtx"]
    for name, g in glyphs.items():
        g.recalcBounds(glyf)
        adv, _ = hmtx[name]
        hmtx[name] = (adv, getattr(g, "xMin", 0))

    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    maxp.maxTwilightPoints = 0
    maxp.maxStorage = 0
    maxp.maxFunctionDefs = 0
    maxp.maxInstructionDefs = 0
    maxp.maxStackElements = 0
    maxp.maxSizeOfInstructions = 0
    maxp.maxComponentElements = 0
    maxp.maxComponentDepth = 0
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType = 3.0  # no glyph names: smaller, nothing needs them
    post.extraNames = []
    post.mapping = {}
    font.sfntVersion = "\x00\x01\x00\x00"


def subset_options(features: list[str]) -> subset.Options:
    opts = subset.Options()
    opts.layout_features = features
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.name_legacy = True
    opts.notdef_outline = True
    opts.glyph_names = False
    opts.hinting = False
    opts.desubroutinize = True
    opts.legacy_kern = False
    opts.drop_tables += ["FFTM"]
    return opts


def noto_face_index() -> int:
    coll = TTCollection(str(NOTO_TTC), lazy=True)
    for i, f in enumerate(coll.fonts):
        if f["name"].getDebugName(1) == NOTO_FACE:
            return i
    raise SystemExit(f"{NOTO_FACE!r} not found in {NOTO_TTC}")


def build_main(out: Path) -> dict:
    idx = noto_face_index()
    log(f"main: loading {NOTO_TTC.name} face {idx} ({NOTO_FACE})")
    font = TTFont(str(NOTO_TTC), fontNumber=idx)
    n_glyphs_src = font["maxp"].numGlyphs
    cps = [cp for cp in font.getBestCmap() if not in_blocks(cp, MAIN_DROP)]
    sub = subset.Subsetter(subset_options(MAIN_FEATURES))
    sub.populate(unicodes=cps)
    sub.subset(font)
    log(
        f"main: subset {n_glyphs_src} -> {len(font.getGlyphOrder())} glyphs; converting CFF -> glyf"
    )
    t = time.perf_counter()
    cff_to_glyf(font)
    log(f"main: converted in {time.perf_counter() - t:.0f} s")
    set_names(
        font,
        MAIN_FAMILY,
        MAIN_PS,
        "Modified from Noto Sans CJK SC 2.004 for Relocation Desk: CFF outlines converted to "
        "TrueType, subset, renamed",
    )
    path = out / MAIN_FILE
    font.recalcTimestamp = False  # keep the source's head.modified: reproducible bytes
    font.save(str(path))
    log(f"main: wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    return {"source_glyphs": n_glyphs_src, "glyphs": len(font.getGlyphOrder())}


def _draw_decomposed(glyph_set, name: str):
    pen = TTGlyphPen(glyph_set)
    glyph_set[name].draw(pen)
    return pen.glyph()


def build_fallback(out: Path, main_cov: set[int]) -> dict:
    log(f"fallback: loading {HANA_B.name}, {HANA_A.name}")
    font_b = TTFont(str(HANA_B))
    font_a = TTFont(str(HANA_A))
    cmap_b = font_b.getBestCmap()
    cmap_a = font_a.getBestCmap()
    want_b = sorted(cp for cp in cmap_b if in_blocks(cp, HAN_BLOCKS) and cp not in main_cov)
    want_a = sorted(
        cp for cp in cmap_a if in_blocks(cp, HAN_BLOCKS) and cp not in main_cov and cp not in cmap_b
    )
    sub = subset.Subsetter(subset_options([]))
    sub.populate(unicodes=want_b)
    sub.subset(font_b)
    log(f"fallback: {len(want_b)} code points from HanaMinB; adding {len(want_a)} from HanaMinA")

    # HanaMinA's glyphs are simple contours at the same 1024 upem; copy them over by drawing.
    assert font_a["head"].unitsPerEm == font_b["head"].unitsPerEm
    gs_a = font_a.getGlyphSet()
    glyf_b = font_b["glyf"]
    order = list(font_b.getGlyphOrder())
    mapping = dict(font_b.getBestCmap())
    has_vmtx_a = "vmtx" in font_a and "vmtx" in font_b
    for cp in want_a:
        src = cmap_a[cp]
        new = f"a{cp:05X}"
        glyf_b.glyphs[new] = _draw_decomposed(gs_a, src)
        order.append(new)
        font_b["hmtx"].metrics[new] = font_a["hmtx"].metrics[src]
        if has_vmtx_a:
            font_b["vmtx"].metrics[new] = font_a["vmtx"].metrics[src]
        elif "vmtx" in font_b:
            font_b["vmtx"].metrics[new] = (font_b["head"].unitsPerEm, 0)
        mapping[cp] = new
    font_b.setGlyphOrder(order)
    glyf_b.glyphOrder = order  # bounding boxes and maxp are recalculated on save

    # Rebuild cmap: format 4 for the BMP, format 12 for everything.
    bmp = {cp: g for cp, g in mapping.items() if cp <= 0xFFFF}
    tables = []
    for plat, enc, fmt, m in (
        (0, 3, 4, bmp),
        (3, 1, 4, bmp),
        (0, 4, 12, mapping),
        (3, 10, 12, mapping),
    ):
        st = CmapSubtable.newSubtable(fmt)
        st.platformID, st.platEncID, st.language = plat, enc, 0
        st.cmap = dict(m)
        tables.append(st)
    font_b["cmap"].tables = tables

    set_names(
        font_b,
        FALLBACK_FAMILY,
        FALLBACK_PS,
        "Modified from HanaMinB/HanaMinA (Hanazono 20170904) for Relocation Desk: subset to the "
        "Han ideographs a companion font lacks, merged, renamed",
    )
    path = out / FALLBACK_FILE
    font_b.recalcTimestamp = False
    font_b.save(str(path))
    log(f"fallback: wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    return {"from_hanamin_b": len(want_b), "from_hanamin_a": len(want_a), "glyphs": len(order)}


INVISIBLE_CATEGORIES = {"Zs", "Zl", "Zp", "Cc", "Cf", "Mn", "Me"}


def drawable_codepoints(path: Path) -> tuple[set[int], int]:
    """Code points the font really draws: mapped to a glyph with contours, or invisible."""
    font = TTFont(str(path), lazy=True)
    glyf = font["glyf"]
    ok: set[int] = set()
    empty = 0
    for cp, name in font.getBestCmap().items():
        g = glyf[name]
        if g.numberOfContours != 0 or unicodedata.category(chr(cp)) in INVISIBLE_CATEGORIES:
            ok.add(cp)
        else:
            empty += 1
    return ok, empty


def to_boundaries(cps: set[int]) -> array:
    """Sorted half-open range boundaries [s0, e0, s1, e1, ...]: cp is in the set iff
    bisect_right(boundaries, cp) is odd."""
    out = array("I")
    for cp in sorted(cps):
        if out and out[-1] == cp:
            out[-1] = cp + 1
        else:
            out.extend((cp, cp + 1))
    return out


COVERAGE_MAGIC = b"RDCOV001"


def write_coverage(path: Path, main: set[int], all_: set[int]) -> None:
    """Format: magic, uint32 LE count of main boundaries, count of all boundaries, then the two
    uint32 LE boundary arrays (see ``to_boundaries``)."""
    a_main, a_all = to_boundaries(main), to_boundaries(all_)
    if sys.byteorder != "little":
        a_main.byteswap()
        a_all.byteswap()
    header = array("I", [len(a_main), len(a_all)])
    if sys.byteorder != "little":
        header.byteswap()
    path.write_bytes(COVERAGE_MAGIC + header.tobytes() + a_main.tobytes() + a_all.tobytes())


def count_in(cps: set[int], lo: int, hi: int) -> int:
    return sum(1 for cp in cps if lo <= cp <= hi)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=OUT_DEFAULT)
    ap.add_argument(
        "--coverage-only", action="store_true", help="only recompute coverage.bin from built fonts"
    )
    args = ap.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    for p in (NOTO_TTC, HANA_A, HANA_B):
        if not p.exists():
            raise SystemExit(f"missing {p}: apt-get install fonts-noto-cjk fonts-hanazono")

    t0 = time.perf_counter()
    info: dict = {}
    if not args.coverage_only:
        info["main"] = build_main(out)
    main_cov, main_empty = drawable_codepoints(out / MAIN_FILE)
    if not args.coverage_only:
        info["fallback"] = build_fallback(out, main_cov)
    fb_cov, fb_empty = drawable_codepoints(out / FALLBACK_FILE)
    all_cov = main_cov | fb_cov
    write_coverage(out / "coverage.bin", main_cov, all_cov)
    log(
        f"coverage: main {len(main_cov)}, all {len(all_cov)} (empty glyphs skipped: "
        f"main {main_empty}, fallback {fb_empty}); {(out / 'coverage.bin').stat().st_size} bytes"
    )

    gb2312 = set()
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                gb2312.add(ord(bytes([hi, lo]).decode("gb2312")))
    counts = {
        "gb2312_hanzi": [len(gb2312), len(gb2312 & main_cov)],
        "ext_a_main": count_in(main_cov, 0x3400, 0x4DBF),
        "ext_a_all": count_in(all_cov, 0x3400, 0x4DBF),
        "ext_b_main": count_in(main_cov, 0x20000, 0x2A6DF),
        "ext_b_all": count_in(all_cov, 0x20000, 0x2A6DF),
        "ext_c_f_all": count_in(all_cov, 0x2A700, 0x2EBEF),
        "compat_all": count_in(all_cov, 0xF900, 0xFAFF) + count_in(all_cov, 0x2F800, 0x2FA1F),
        "main_codepoints": len(main_cov),
        "all_codepoints": len(all_cov),
    }
    info.update(
        {
            "fonttools": fontTools.version,
            "sources": {
                "fonts-noto-cjk": {"version": deb_version("fonts-noto-cjk"),
                                   "file": str(NOTO_TTC), "sha256": sha256(NOTO_TTC)},
                "fonts-hanazono": {"version": deb_version("fonts-hanazono"),
                                   "files": {str(HANA_A): sha256(HANA_A), str(HANA_B): sha256(HANA_B)}},
            },
            "outputs": {
                name: {"bytes": (out / name).stat().st_size, "sha256": sha256(out / name)}
                for name in (MAIN_FILE, FALLBACK_FILE, "coverage.bin")
            },
            "coverage": counts,
        }
    )  # fmt: skip
    if args.coverage_only:
        old = out / "build-info.json"
        if old.exists():
            prev = json.loads(old.read_text())
            for k in ("main", "fallback"):
                if k in prev:
                    info[k] = prev[k]
    (out / "build-info.json").write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n")
    log(f"done in {time.perf_counter() - t0:.0f} s: {json.dumps(counts)}")


if __name__ == "__main__":
    main()
