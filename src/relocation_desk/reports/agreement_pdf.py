"""The agreement (协议) as an A4 portrait PDF, drawn from its stored content only.

Everything printed comes from :class:`~relocation_desk.services.agreements.service.AgreementView`'s
``content`` (the frozen text and figures), so a reprint is identical to what was signed, with
a 副本/重印（第 n 次） mark on every page. Layout: title, number, parties, preamble, one
numbered clause per art. 25 item, the calculation table with the total in figures and 大写
(a supplementary agreement: old and new figures and the difference), then a signature and
fingerprint box for every adult member who signs. Footer: 第 x 页 共 y 页, number, revision.
A single agreement is a few pages, so platypus (wrapping, page breaks) is fine here; names
with rare characters use the fallback font through ``paragraph_markup``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, BinaryIO

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from ..domain import money
from ..i18n import _
from ..services.agreements.service import AgreementView
from . import line_breaks
from .demo_mark import draw_demo_mark
from .pdf_fonts import MAIN, draw_centred_string, draw_string, paragraph_markup, register_fonts

__all__ = ["render_agreement"]

MARGIN = 20 * mm


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=MAIN, fontSize=11, leading=17, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=26, alignment=TA_CENTER),
        "number": ParagraphStyle("number", parent=base, alignment=TA_RIGHT),
        "body": base,
        "clause": ParagraphStyle("clause", parent=base, firstLineIndent=22),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=12),
        "cellr": ParagraphStyle("cellr", parent=base, fontSize=9, leading=12, alignment=TA_RIGHT),
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=13),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(paragraph_markup(text), style)


def _lines_table(content: dict[str, Any], st: dict[str, ParagraphStyle], width: float) -> Table:
    head = [_("序号"), _("项目"), _("数量"), _("单位"), _("单价（元）"), _("金额（元）")]
    rows: list[list[Any]] = [[_p(h, st["cell"]) for h in head]]
    for i, ln in enumerate(content.get("lines") or [], start=1):
        rate = int(ln["rate_fen"])
        rows.append([
            _p(str(i), st["cell"]), _p(str(ln["name"]), st["cell"]),
            _p(str(ln["quantity"]), st["cellr"]), _p(str(ln["unit"]), st["cell"]),
            _p(money.format_fen(rate) if ln["unit"] != "%" else "", st["cellr"]),
            _p(money.format_fen(int(ln["amount_fen"])), st["cellr"]),
        ])  # fmt: skip
    total = int(content.get("total_fen") or 0)
    rows.append([
        _p(_("合计"), st["cell"]), _p(str(content.get("total_upper", "")), st["cell"]), "", "", "",
        _p(money.format_fen(total), st["cellr"]),
    ])  # fmt: skip
    widths = [0.07, 0.37, 0.13, 0.10, 0.15, 0.18]  # 单位 fits 人·月 on one line
    table = Table(rows, colWidths=[w * width for w in widths], repeatRows=1)
    last = len(rows) - 1
    table.setStyle(
        TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), MAIN),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
            ("SPAN", (1, last), (4, last)),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ])
    )  # fmt: skip
    return table


def _changes_table(content: dict[str, Any], st: dict[str, ParagraphStyle], width: float) -> Table:
    head = [_("项目"), _("原协议（元）"), _("变更后（元）"), _("增减（元）")]
    rows: list[list[Any]] = [[_p(h, st["cell"]) for h in head]]
    for ch in content.get("changes") or []:
        before, after = int(ch["before_fen"]), int(ch["after_fen"])
        rows.append([
            _p(str(ch["name"]), st["cell"]), _p(money.format_fen(before), st["cellr"]),
            _p(money.format_fen(after), st["cellr"]),
            _p(("+" if after > before else "") + money.format_fen(after - before), st["cellr"]),
        ])  # fmt: skip
    old = int((content.get("parent") or {}).get("total_fen") or 0)
    new = int(content.get("total_fen") or 0)
    rows.append([
        _p(_("合计"), st["cell"]), _p(money.format_fen(old), st["cellr"]),
        _p(money.format_fen(new), st["cellr"]),
        _p(("+" if new > old else "") + money.format_fen(new - old), st["cellr"]),
    ])  # fmt: skip
    table = Table(rows, colWidths=[w * width for w in (0.40, 0.20, 0.20, 0.20)], repeatRows=1)
    table.setStyle(
        TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), MAIN),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
        ])
    )  # fmt: skip
    return table


def _pair(left: Any, right: Any, width: float) -> Table:
    table = Table([[left, right]], colWidths=[width / 2, width / 2])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), MAIN)]))
    return table


def _signature_blocks(
    content: dict[str, Any], st: dict[str, ParagraphStyle], width: float
) -> list[Any]:
    sig = content.get("signature") or {}
    out: list[Any] = [Spacer(1, 6 * mm)]
    out.append(_pair(_p(str(sig.get("party_a", "")), st["body"]),
                     _p(str(sig.get("party_a_person", "")), st["body"]), width))  # fmt: skip
    out.append(Spacer(1, 10 * mm))
    out.append(_p(str(sig.get("party_b", "")), st["body"]))
    out.append(Spacer(1, 2 * mm))
    signers = content.get("signers") or []
    cells: list[list[Any]] = []
    row: list[Any] = []
    for person in signers:
        label = [_p(f"{person['name']}（{person['relation']}）", st["small"])]
        if person.get("id_number"):
            label.append(_p(_("身份证：{number}", number=person["id_number"]), st["small"]))
        block = Table(
            [
                [label, _p(_("手印"), st["small"])],
                [_p(_("签字："), st["small"]), ""],
            ],
            colWidths=[width / 2 - 28 * mm, 22 * mm],
            rowHeights=[None, 16 * mm],
        )
        block.setStyle(
            TableStyle([
                ("FONTNAME", (0, 0), (-1, -1), MAIN),
                ("BOX", (0, 0), (-1, -1), 0.5, colors.black),
                ("BOX", (1, 0), (1, 1), 0.5, colors.black),
                ("SPAN", (1, 0), (1, 0)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ])
        )  # fmt: skip
        row.append(block)
        if len(row) == 2:
            cells.append(row)
            row = []
    if row:
        cells.append([*row, ""])
    if cells:
        grid = Table(cells, colWidths=[width / 2, width / 2])
        grid.setStyle(
            TableStyle([
                ("FONTNAME", (0, 0), (-1, -1), MAIN), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ])
        )  # fmt: skip
        out.append(grid)
    out.append(Spacer(1, 6 * mm))
    out.append(_pair(_p(str(sig.get("witness", "")), st["body"]),
                     _p(str(sig.get("date", "")), st["body"]), width))  # fmt: skip
    return out


def _story(view: AgreementView, width: float) -> list[Any]:
    c = view.content
    st = _styles()
    story: list[Any] = [
        _p(str(c.get("title", "")), st["title"]),
        Spacer(1, 2 * mm),
        _p(_("编号：{number}", number=view.number), st["number"]),
        Spacer(1, 4 * mm),
    ]
    for party in c.get("parties") or []:
        story.append(_p(str(party), st["body"]))
    story += [Spacer(1, 3 * mm), _p(str(c.get("preamble", "")), st["clause"]), Spacer(1, 2 * mm)]
    numerals = "一二三四五六七八九十"
    for i, clause in enumerate(c.get("clauses") or []):
        n = numerals[i] if i < 10 else "十" + numerals[i - 10]
        story.append(
            _p(
                _("第{n}条　{item}。", n=n, item=clause["item"]) + str(clause["text"]),
                st["clause"],
            )
        )
    story += [CondPageBreak(40 * mm), Spacer(1, 4 * mm)]
    if c.get("kind") == "supplementary":
        story.append(_p(_("附：补偿变更对照表"), st["body"]))
        story.append(Spacer(1, 2 * mm))
        story.append(_changes_table(c, st, width))
        story.append(Spacer(1, 3 * mm))
        story.append(_p(_("变更后补偿核算表"), st["body"]))
    else:
        story.append(
            _p(
                _("附：补偿核算表（{scheme}）", scheme=(c.get("scheme") or {}).get("label", "")),
                st["body"],
            )
        )
    story.append(Spacer(1, 2 * mm))
    story.append(_lines_table(c, st, width))
    story.append(Spacer(1, 2 * mm))
    total = int(c.get("total_fen") or 0)
    story.append(
        _p(
            _("补偿总额（小写）：￥{total} 元　　（大写）：{upper}", total=money.format_fen(total),
              upper=c.get("total_upper", "")),
            st["body"],
        )
    )  # fmt: skip
    story.append(KeepTogether(_signature_blocks(c, st, width)))
    return story


class _NumberedCanvas(rl_canvas.Canvas):
    """Keeps the pages until the end so every footer can say 共 y 页."""

    def __init__(self, *args: Any, footer: tuple[str, str, str], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._saved: list[dict[str, Any]] = []
        self._footer = footer

    def showPage(self) -> None:
        self._saved.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved)
        for state in self._saved:
            self.__dict__.update(state)
            self._decorate(total)
            super().showPage()
        super().save()

    def _decorate(self, total: int) -> None:
        left, right, mark = self._footer
        w, _h = A4
        page = self.getPageNumber()
        self.setFillColor(colors.black)
        draw_string(self, MARGIN, 12 * mm, left, 8)
        text = _("第 {page} 页 共 {total} 页", page=page, total=total)
        draw_centred_string(self, w / 2, 12 * mm, text, 9)
        draw_string(self, w - MARGIN - 45 * mm, 12 * mm, right, 8)
        if mark:
            self.saveState()
            self.setFillColor(colors.Color(0.8, 0.1, 0.1))
            draw_string(self, MARGIN, A4[1] - 12 * mm, mark, 12)
            self.setFillColor(colors.Color(0.8, 0.1, 0.1, alpha=0.18))
            self.translate(w / 2, A4[1] / 2)
            self.rotate(35)
            draw_centred_string(self, 0, 0, mark, 44)
            self.restoreState()


def render_agreement(view: AgreementView, out: str | Path | BinaryIO) -> None:
    """Write the agreement's PDF to ``out`` (a path or a binary file)."""
    register_fonts()
    line_breaks.install()  # no line begins with "，" or "）" (避头尾)
    if view.reprint_no:
        mark = _("副本/重印（第 {n} 次）", n=view.reprint_no)
    elif view.status == "draft":
        mark = ""
    else:
        mark = ""
    status = (
        _("已于 {day} 签订", day=view.signed_on.isoformat()) if view.signed_on else _("第 {n} 稿", n=view.revision)
    )  # fmt: skip
    footer = (view.number, status, mark)
    target = str(out) if isinstance(out, Path) else out
    doc = SimpleDocTemplate(
        target,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=18 * mm,
        bottomMargin=20 * mm,
        title=str(view.content.get("title", "")),
        author=view.number,
        invariant=1,
        initialFontName=MAIN,
    )
    width = A4[0] - 2 * MARGIN

    def make_canvas(*args: Any, **kw: Any) -> _NumberedCanvas:
        kw.setdefault("initialFontName", MAIN)
        return _NumberedCanvas(*args, footer=footer, **kw)

    if view.demo:

        def mark(canvas: Any, _doc: Any) -> None:
            draw_demo_mark(canvas, *A4)

        doc.build(_story(view, width), onFirstPage=mark, onLaterPages=mark,
                  canvasmaker=make_canvas)  # fmt: skip
    else:
        doc.build(_story(view, width), canvasmaker=make_canvas)
