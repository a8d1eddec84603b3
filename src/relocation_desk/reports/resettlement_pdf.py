"""The property swap's papers as A4 PDFs, drawn on a reportlab canvas: 选房顺序通知单,
选房确认单 (flats, price difference by tier in figures and 大写, signature lines) and the
draw's result sheet (list hash, seed, algorithm, the order; several pages for a long list)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4

from ..domain import lottery
from ..domain.money import format_fen, to_chinese_upper
from ..domain.resettlement import tier_label
from ..domain.units import format_area
from ..i18n import _
from ..services.clock import shown
from ..services.resettlement.papers import ConfirmationSheet, DrawSheet, OrderSlip
from .demo_mark import pdf_canvas
from .pdf_fonts import MAIN, draw_centred_string, draw_right_string, draw_string, register_fonts

PAGE_W, PAGE_H = A4
MARGIN = 56.0
LOCAL = "%Y-%m-%d %H:%M:%S"


def _canvas(path: str | Path, title: str, demo: bool) -> Any:
    register_fonts()
    c = pdf_canvas(demo)(
        str(path), pagesize=A4, invariant=1, pageCompression=1, initialFontName=MAIN
    )
    c.setTitle(title)
    c.setAuthor("relocation-desk")
    return c


def _local(at: Any) -> str:
    return shown(at, None, LOCAL) if at is not None else ""


def _pairs(c: Any, y: float, pairs: list[tuple[str, str]], size: float = 12) -> float:
    for label, value in pairs:
        draw_string(c, MARGIN, y, label, size)
        draw_string(c, MARGIN + 120, y, value, size)
        y -= size * 2
    return y


def _signatures(c: Any, y: float, left: str, right: str) -> None:
    draw_string(c, MARGIN, y, left, 12)
    draw_string(c, PAGE_W / 2 + 20, y, right, 12)
    c.setStrokeColor(colors.black)
    c.line(MARGIN + 90, y - 3, PAGE_W / 2 - 10, y - 3)
    c.line(PAGE_W / 2 + 110, y - 3, PAGE_W - MARGIN, y - 3)
    draw_string(c, MARGIN, y - 30, _("日期："), 12)
    draw_string(c, PAGE_W / 2 + 20, y - 30, _("日期："), 12)


def write_order_slip(path: str | Path, slip: OrderSlip) -> None:
    c = _canvas(path, _("选房顺序通知单 {code}", code=slip.code), slip.demo)
    top = PAGE_H - MARGIN
    draw_centred_string(c, PAGE_W / 2, top - 10, slip.project_name, 14)
    draw_centred_string(c, PAGE_W / 2, top - 40, _("选房顺序通知单"), 22)
    draw_string(c, MARGIN, top - 90, _("{name}（户编号 {code}，{village}）：", name=slip.head_name,
                                       code=slip.code, village=slip.village), 12)  # fmt: skip
    draw_string(c, MARGIN, top - 116, _("根据补偿方案，您户的选房顺序号为："), 12)
    draw_centred_string(c, PAGE_W / 2, top - 190, _("第 {no} 号", no=slip.order_no), 48)
    y = _pairs(c, top - 250, [
        (_("排序依据"), slip.basis),
        (_("依据时间"), _local(slip.basis_at)),
        (_("并列规则"), slip.tie_rule),
    ])  # fmt: skip
    if slip.list_hash:
        y = _pairs(c, y, [(_("摇号名单哈希"), slip.list_hash[:32]), ("", slip.list_hash[32:]),
                          (_("摇号种子"), slip.seed or "")], 10)  # fmt: skip
    draw_string(c, MARGIN, y - 10, _("请按选房公告的时间和地点，凭本通知单和身份证到场选房；"
                                     "叫号未到场的，待到场后依次补选。"), 10)  # fmt: skip
    _signatures(c, MARGIN + 80, _("被征收人签收："), _("经办人："))
    c.showPage()
    c.save()


def write_confirmation(path: str | Path, sheet: ConfirmationSheet) -> None:
    c = _canvas(path, _("选房确认单 {code}", code=sheet.code), sheet.demo)
    top = PAGE_H - MARGIN
    draw_centred_string(c, PAGE_W / 2, top - 10, sheet.project_name, 14)
    draw_centred_string(c, PAGE_W / 2, top - 40, _("选房确认单"), 22)
    y = _pairs(c, top - 80, [
        (_("被征收人"), f"{sheet.head_name}（{sheet.code}，{sheet.village}）"),
        (_("选房顺序号"), str(sheet.order_no or "")),
        (_("安置面积"), _("{area} ㎡", area=format_area(sheet.entitlement_dm2))),
    ])  # fmt: skip
    cols = [MARGIN, MARGIN + 30, MARGIN + 200, MARGIN + 290, MARGIN + 360, PAGE_W - MARGIN]
    heads = [_("序"), _("房屋（小区 楼栋 单元 房号）"), _("户型"), _("楼层"), _("建筑面积 ㎡")]
    y -= 4
    for x, head in zip(cols, heads, strict=False):
        draw_string(c, x, y, head, 10)
    c.line(MARGIN, y - 5, PAGE_W - MARGIN, y - 5)
    y -= 20
    for flat in sheet.flats:
        draw_string(c, cols[0], y, str(flat.seq), 11)
        draw_string(c, cols[1], y, f"{flat.estate} {flat.label}", 11)
        draw_string(c, cols[2], y, flat.layout, 11)
        draw_string(c, cols[3], y, str(flat.floor), 11)
        draw_right_string(c, cols[5], y, format_area(flat.area_dm2), 11)
        y -= 18
    y -= 14
    draw_string(c, MARGIN, y, _("差价结算（面积 × 单价，各行四舍五入到分）"), 12)
    y -= 20
    for line in sheet.settlement.lines:
        label = tier_label(line.tier) + (f"（{line.label}）" if line.label else "")
        draw_string(c, MARGIN, y, label, 10)
        draw_string(c, MARGIN + 230, y, _("{area} ㎡ × {rate} 元/㎡", area=format_area(line.area_dm2),
                                          rate=format_fen(line.rate_fen)), 10)  # fmt: skip
        draw_right_string(c, PAGE_W - MARGIN, y, format_fen(line.amount_fen), 10)
        y -= 16
    c.line(MARGIN, y + 8, PAGE_W - MARGIN, y + 8)
    payable = sheet.settlement.payable_fen
    if payable >= 0:
        text = _("被征收人应补交差价 {amount} 元", amount=format_fen(payable))
    else:
        text = _("征收人应退付被征收人 {amount} 元", amount=format_fen(-payable))
    y -= 10
    draw_string(c, MARGIN, y, text, 13)
    draw_string(c, MARGIN, y - 20, _("大写：{upper}", upper=to_chinese_upper(abs(payable))), 12)
    draw_string(c, MARGIN, y - 48, _("交房时按实测面积多退少补；上述房屋一经确认不得更改，"
                                     "如需撤销须经指挥部批准。"), 10)  # fmt: skip
    _signatures(c, MARGIN + 80, _("被征收人签字："), _("经办人："))
    c.showPage()
    c.save()


def qr_text(sheet: DrawSheet) -> str:
    """What the draw sheet's QR code holds: ``RDL:`` list hash, and ``/`` result hash once drawn."""
    d = sheet.draw
    return f"RDL:{d.list_hash}" + (f"/{d.result_hash}" if d.result_hash else "")


def _qr(c: Any, text: str, x: float, y: float, size: float) -> None:
    widget = QrCodeWidget(text, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(
        size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0],
        initialFontName=MAIN,
    )  # fmt: skip
    drawing.add(widget)
    renderPDF.draw(drawing, c, x, y)


def write_draw_sheet(path: str | Path, sheet: DrawSheet) -> None:
    d = sheet.draw
    c = _canvas(path, _("选房顺序摇号结果"), sheet.demo)
    rows = list(d.result) if d.result else list(d.codes)
    per_page, page, pages = 40, 1, max(1, -(-len(rows) // 40))
    for start in range(0, max(len(rows), 1), per_page):
        top = PAGE_H - MARGIN
        draw_centred_string(c, PAGE_W / 2, top - 10, sheet.project_name, 13)
        title = _("选房顺序摇号结果") if d.result else _("摇号名单（摇号前公布）")
        draw_centred_string(c, PAGE_W / 2, top - 34, title, 18)
        info = [
            _("名单哈希（SHA-256）：{h}", h=d.list_hash),
            _("种子来源：{src}", src=d.seed_source),
            _("种子：{seed}", seed=d.seed or _("（摇号时公开产生）")),
            _("算法：{alg}", alg=lottery.ALGORITHM),
        ]
        if d.result_hash:
            info.append(_("结果哈希：{h}", h=d.result_hash))
        y = top - 58
        for text in info:
            draw_string(c, MARGIN, y, text, 8)
            y -= 12
        y -= 6
        head = _("顺序号") if d.result else _("序")
        draw_string(c, MARGIN, y, head, 10)
        draw_string(c, MARGIN + 70, y, _("户编号"), 10)
        draw_string(c, MARGIN + 200, y, _("户主"), 10)
        y -= 16
        for i, code in enumerate(rows[start : start + per_page], start=start + 1):
            draw_string(c, MARGIN, y, str(i), 10)
            draw_string(c, MARGIN + 70, y, code, 10)
            draw_string(c, MARGIN + 200, y, sheet.names.get(code, ""), 10)
            y -= 14
        _qr(c, qr_text(sheet), PAGE_W - MARGIN - 70, MARGIN / 2 - 10, 70)
        draw_centred_string(c, PAGE_W / 2, MARGIN / 2,
                            _("第 {x} 页 共 {y} 页；任何人可用 relocation-desk lottery --verify 复核",
                              x=page, y=pages), 8)  # fmt: skip
        c.showPage()
        page += 1
    c.save()
