"""The wall notice PDF read back: fonts embedded, every name and amount, page footers."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

from relocation_desk.domain.money import format_fen
from relocation_desk.domain.status import NoticeKind
from relocation_desk.reports.notice_pdf import render_changes, render_round
from relocation_desk.services.notices.service import NoticeService

from ..services.notice_org import make_notice_org, set_area


def _text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_notice_pdf_reads_back(sqlite_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    org = make_notice_org(sqlite_db, n=120)
    svc = NoticeService(sqlite_db, org.clerk)
    view = svc.post_or_reprint(
        org.village, NoticeKind.COMPENSATION, posted_from=date(2026, 4, 1), objection_place="村委会"
    )
    out = tmp_path / "n.pdf"
    pages = render_round(view, out)
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
    assert "RDSansSC" in fonts and "RDMinchoExt" in fonts
    assert all(" yes " in ln for ln in fonts.splitlines() if "+RD" in ln)  # embedded
    text = _text(out)
    page_texts = text.split("\f")[:pages]
    assert pages > 1
    for i, page in enumerate(page_texts, start=1):
        flat_page = re.sub(r"\s+", "", page)
        assert f"第{i}页共{pages}页" in flat_page
        assert view.verification_code in flat_page
    flat = re.sub(r"\s+", "", text)
    for r in view.rows:
        assert r.data["head_name"] in flat
        assert format_fen(r.data["total_fen"]) in flat
        for v in r.data["amounts"].values():
            assert format_fen(v) in flat
    assert not re.search(r"\d{17}[\dX]", text)
    assert "低保" not in text and "残疾" not in text and "困难" not in text
    # A reprint is identical, text and bytes.
    again = svc.post_or_reprint(
        org.village, NoticeKind.COMPENSATION, posted_from=date(2026, 4, 1), objection_place="村委会"
    )
    out2 = tmp_path / "n2.pdf"
    render_round(again, out2)
    assert again.reprint and out2.read_bytes() == out.read_bytes()
    # A4 and the changes sheet.
    assert render_round(view, tmp_path / "a4.pdf", paper="A4") >= pages
    set_area(sqlite_db, org.households[0], 20000)
    second = svc.post_or_reprint(
        org.village, NoticeKind.COMPENSATION, posted_from=date(2026, 4, 9), objection_place="村委会"
    )
    render_round(second, tmp_path / "r2.pdf")
    assert "▲变更" in _text(tmp_path / "r2.pdf")
    render_changes(second, tmp_path / "c.pdf")
    changes = _text(tmp_path / "c.pdf")
    assert "100.00" in changes and "200.00" in changes and "合法面积" in changes


def test_fast_text_writes_what_reportlab_writes() -> None:
    """The notice writes text operators itself (speed); they must stay byte for byte what
    reportlab's text object writes, and widths what pdfmetrics says — else a reportlab
    upgrade could move or garble text without any visible error here."""
    import io

    from reportlab.pdfgen.canvas import Canvas

    from relocation_desk.reports import notice_pdf, pdf_fonts

    pdf_fonts.register_fonts()
    texts = ["1,234.56", "王建国", "张𠮷祥", "欧阳𠀀琎堃", "▲12.00", "a(b)c\\d", "x\xa0y",
             "砖混 120.50㎡、简易 12.00㎡", "—", "1,234.56", "李䶮", "𪚥𪚥x明"]  # fmt: skip
    texts += [chr(0x4E00 + i * 7) * 3 for i in range(150)]  # more than one 256-glyph subset
    ours, theirs = Canvas(io.BytesIO()), Canvas(io.BytesIO())
    t = notice_pdf._Text(ours, notice_pdf._Encoder(ours))
    ref = theirs.beginText()
    font = None
    for i, text in enumerate(texts * 2):
        size = (10.5, 8.4, 10.0)[i % 3]
        x, y = 28.0 + i * 0.37, 800.0 - i * 13.125
        t.draw(x, y, text, size, ("left", "right", "centre")[i % 3])
        assert notice_pdf._width(text, size) == pdf_fonts.string_width(text, size)
        w = pdf_fonts.string_width(text, size)
        ref.setTextOrigin((x, x - w, x - w / 2)[i % 3], y)
        for f, run in pdf_fonts.split_runs(text):
            if font != (f, size):
                ref.setFont(f, size)
                font = (f, size)
            ref.textOut(run)
    assert t.t.getCode() == ref.getCode()


def _fonts(path: Path) -> list[tuple[str, str]]:
    """``(name, emb)`` of every font pdffonts lists (emb is its "yes"/"no" column)."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = out.stdout.splitlines()[2:]  # after the header and the dashes
    # name type encoding emb sub uni object-number generation: emb is the 5th field from the end
    return [(ln.split()[0], ln.split()[-5]) for ln in rows if ln.strip()]


def test_every_font_in_a_notice_is_embedded(sqlite_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    org = make_notice_org(sqlite_db, n=30)
    view = NoticeService(sqlite_db, org.clerk).post_or_reprint(
        org.village, NoticeKind.COMPENSATION, posted_from=date(2026, 4, 1), objection_place="村委会"
    )
    for paper in ("A3", "A4"):
        for render in (render_round, render_changes):
            out = tmp_path / f"{render.__name__}-{paper}.pdf"
            render(view, out, paper=paper)
            fonts = _fonts(out)
            assert fonts, out  # the sheet has text, so pdffonts lists something
            assert all(emb == "yes" for _name, emb in fonts), fonts
            assert not any("Helvetica" in name for name, _emb in fonts), fonts
