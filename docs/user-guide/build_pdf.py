"""Build the printable user guides from their markdown, with the program's embedded fonts.

One command, from the top of a checkout (once ``python3 dev.py run`` or ``test`` has made ``.venv``)::

    .venv/bin/python docs/user-guide/build_pdf.py

writes ``docs/user-guide/用户手册.pdf`` (from ``zh-CN.md``) and ``docs/user-guide/user-guide.pdf``
(from ``en.md``), A4 portrait. Run ``make_screenshots.py`` first when the screens changed.

The markdown is the small part of the language the guides use: ``#``/``##``/``###`` headings,
paragraphs, ``-`` lists, ``![caption](image)`` on a line of its own, tables, and ``**bold**`` and
```code``` inside text. The screenshots are scaled to the text width and stored as JPEG, which
keeps each PDF a few megabytes. Chinese lines break by the same rules as the program's printed
sheets (``reports.line_breaks``: no line starts with "，" or ends with "（"); characters the main
font lacks are drawn with the fallback font (``reports.pdf_fonts``).
"""

from __future__ import annotations

import argparse
import io
import posixpath
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))

from PIL import Image as PILImage  # noqa: E402
from reportlab.lib import colors  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.platypus import (  # noqa: E402
    CondPageBreak,
    Image,
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from relocation_desk.reports import line_breaks  # noqa: E402
from relocation_desk.reports.pdf_fonts import MAIN, paragraph_markup, register_fonts  # noqa: E402

GUIDES = {"zh-CN.md": "用户手册.pdf", "en.md": "user-guide.pdf"}
MARGIN = 16 * mm
TEXT_WIDTH = A4[0] - 2 * MARGIN
IMAGE_PIXELS = 1200  # ~175 dpi at the text width: the screens' 9-point text stays legible
JPEG_QUALITY = 62
ACCENT = "#1e3f6e"
_INLINE = re.compile(r"(\*\*.+?\*\*|`[^`]+`|\[[^\]]+\]\([^)]+\))")
_LINK = re.compile(r"^\[(?P<text>[^\]]+)\]\((?P<target>[^)]+)\)$")
_IMAGE = re.compile(r"^!\[(?P<alt>[^\]]*)\]\((?P<src>[^)]+)\)$")


def styles(cjk: bool) -> dict[str, ParagraphStyle]:
    wrap = "CJK" if cjk else None
    base = ParagraphStyle(
        "body", fontName=MAIN, fontSize=10.5, leading=16, wordWrap=wrap, spaceAfter=5
    )
    return {
        "body": base,
        "h1": ParagraphStyle(
            "h1", parent=base, fontSize=22, leading=30, spaceAfter=12, textColor=ACCENT
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontSize=16,
            leading=22,
            spaceBefore=10,
            spaceAfter=8,
            textColor=ACCENT,
        ),
        "h3": ParagraphStyle(
            "h3",
            parent=base,
            fontSize=12.5,
            leading=18,
            spaceBefore=8,
            spaceAfter=4,
            textColor=ACCENT,
        ),
        "caption": ParagraphStyle(
            "caption",
            parent=base,
            fontSize=9,
            leading=13,
            textColor=colors.HexColor("#555555"),
            alignment=1,
            spaceBefore=2,
            spaceAfter=10,
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=10, leading=14, spaceAfter=0),
    }


def inline(text: str) -> str:
    """Paragraph markup for one line of markdown text: **bold** in the accent colour (the
    embedded fonts have no bold face), `code` in dark red, [a link](../file.md) as its text
    and the file's place in the checkout."""
    parts = []
    for piece in _INLINE.split(text):
        if piece.startswith("**") and piece.endswith("**") and len(piece) > 4:
            parts.append(f'<font color="{ACCENT}">{paragraph_markup(piece[2:-2])}</font>')
        elif piece.startswith("`") and piece.endswith("`") and len(piece) > 2:
            parts.append(f'<font color="#8b1a1a">{paragraph_markup(piece[1:-1])}</font>')
        elif link := _LINK.match(piece):  # paper has no links: the text and where to look
            where = posixpath.normpath(posixpath.join("docs/user-guide", link["target"]))
            parts.append(
                f'{paragraph_markup(link["text"])}（<font color="#8b1a1a">{where}</font>）'
            )
        elif piece:
            parts.append(paragraph_markup(piece))
    return "".join(parts)


def blocks(markdown: str) -> Iterator[tuple[str, Any]]:
    """(kind, content) for each block: h1/h2/h3 (text), p (text), list (items), image
    (alt, src), table (rows)."""
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        if not line.strip():
            i += 1
            continue
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            yield f"h{min(level, 3)}", line[level:].strip()
            i += 1
        elif m := _IMAGE.match(line.strip()):
            yield "image", (m["alt"], m["src"])
            i += 1
        elif line.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                cells = [c.strip() for c in lines[i].strip().strip("|").split("|")]
                if not all(re.fullmatch(r":?-+:?", c) for c in cells):
                    rows.append(cells)
                i += 1
            yield "table", rows
        elif line.startswith("- "):
            items: list[str] = []
            while i < len(lines) and (lines[i].startswith("- ") or lines[i].startswith("  ")):
                if lines[i].startswith("- "):
                    items.append(lines[i][2:].strip())
                else:
                    items[-1] += " " + lines[i].strip()
                i += 1
            yield "list", items
        else:
            text = [line.strip()]
            i += 1
            while i < len(lines) and lines[i].strip() and not _starts_block(lines[i]):
                text.append(lines[i].strip())
                i += 1
            yield "p", _join(text)


def _starts_block(line: str) -> bool:
    return line.startswith(("#", "- ", "|")) or bool(_IMAGE.match(line.strip()))


def _join(lines: list[str]) -> str:
    """Join wrapped markdown lines: a space between Latin words, none between Chinese."""
    out = lines[0]
    for nxt in lines[1:]:
        if out and nxt and (ord(out[-1]) < 0x2E80 or ord(nxt[0]) < 0x2E80):
            out += " " + nxt
        else:
            out += nxt
    return out


def screenshot(path: Path, width: float) -> Image:
    """The PNG as a JPEG flowable ``width`` wide (the file is read and recompressed here)."""
    with PILImage.open(path) as im:
        rgb = im.convert("RGB")
        if rgb.width > IMAGE_PIXELS:
            rgb = rgb.resize(
                (IMAGE_PIXELS, round(rgb.height * IMAGE_PIXELS / rgb.width)), PILImage.LANCZOS
            )
        data = io.BytesIO()
        rgb.save(data, "JPEG", quality=JPEG_QUALITY, optimize=True)
        w, h = rgb.size
    data.seek(0)
    flowable = Image(data, width=width, height=width * h / w)
    flowable.hAlign = "CENTER"
    return flowable


def story(markdown: Path, cjk: bool) -> list[Any]:
    st = styles(cjk)
    out: list[Any] = []
    for kind, content in blocks(markdown.read_text(encoding="utf-8")):
        if kind in ("h1", "h2", "h3"):
            if kind == "h2" and out:
                out.append(CondPageBreak(A4[1] * 0.4))  # no section starts at a page's foot
            out.append(Paragraph(inline(content), st[kind]))
        elif kind == "p":
            out.append(Paragraph(inline(content), st["body"]))
        elif kind == "list":
            out.append(
                ListFlowable(
                    [ListItem(Paragraph(inline(t), st["body"]), leftIndent=14) for t in content],
                    bulletType="bullet",
                    start="•",
                    leftIndent=14,
                    bulletFontName=MAIN,
                )
            )
        elif kind == "image":
            alt, src = content
            image = markdown.parent / src
            if not image.is_file():
                raise FileNotFoundError(
                    f"{markdown.name}: picture {src} is missing; run make_screenshots.py first"
                )
            out.append(
                KeepTogether([screenshot(image, TEXT_WIDTH), Paragraph(inline(alt), st["caption"])])
            )
        elif kind == "table":
            data = [[Paragraph(inline(c), st["cell"]) for c in row] for row in content]
            table = Table(data, colWidths=[TEXT_WIDTH * 0.3, TEXT_WIDTH * 0.7], hAlign="LEFT")
            table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#9aa5b1")),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6ecf3")),
                        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ]
                )
            )
            out.extend([table, Spacer(1, 6)])
    return out


def build(markdown: Path, target: Path) -> Path:
    register_fonts()
    line_breaks.install()
    cjk = markdown.name.startswith("zh")
    title = markdown.read_text(encoding="utf-8").splitlines()[0].lstrip("# ").strip()
    footer = "第 {n} 页" if cjk else "Page {n}"

    def page(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(MAIN, 8.5)
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawCentredString(A4[0] / 2, 9 * mm, footer.format(n=doc.page))
        canvas.restoreState()

    doc = SimpleDocTemplate(
        str(target),
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=title,
        author="Relocation Desk",
        subject=title,
    )
    doc.build(story(markdown, cjk), onFirstPage=page, onLaterPages=page)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder for the PDFs")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for source, name in GUIDES.items():
        target = build(HERE / source, args.out / name)
        print(f"{target}  {target.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
