"""The agreement PDF read back with pdftotext: every art. 25 item, the lines, the total in
figures and 大写 equal to the calculation, rare characters, signature boxes, reprint mark."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from relocation_desk.domain import money
from relocation_desk.reports.agreement_pdf import render_agreement
from relocation_desk.services.agreements.content import ART25_ITEMS
from relocation_desk.services.agreements.service import AgreementService
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database

from ..services.agreement_org import SIGN_DAY, make_agreement_org


def _text(path: Path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return out.stdout


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_every_item_the_total_and_rare_names(sqlite_db: Database, tmp_path: Path) -> None:
    org, (_first, rare) = make_agreement_org(sqlite_db)
    svc = AgreementService(sqlite_db, org.clerk)
    out = tmp_path / "a.pdf"
    view = svc.print(rare, lambda v: render_agreement(v, out), on=SIGN_DAY)
    text = _text(out)
    flat = _flat(text)
    for item in ART25_ITEMS:
        assert item in flat, item
    with sqlite_db.session() as s:
        calc = s.scalars(
            select(m.Calculation).where(
                m.Calculation.household_id == rare, m.Calculation.status == "checked"
            )
        ).one()
        lines = [(ln.item_name, ln.amount_fen) for ln in calc.lines]
        total = calc.total_fen
    assert view.total_fen == total
    figures = money.format_fen(total)
    upper = money.to_chinese_upper(total)
    assert f"￥{figures}元" in flat
    assert f"（大写）：{upper}" in flat
    # The 大写 printed is the 大写 of the figures printed.
    printed = re.search(r"小写）：￥([\d,]+\.\d\d)元", flat)
    assert printed is not None and money.to_chinese_upper(money.parse_amount(printed[1])) == upper
    for name, amount in lines:
        assert name in flat and money.format_fen(amount) in flat
    # An Extension B name (fallback font) prints and reads back; both adults sign, the child not.
    assert "欧阳𠀀琎" in flat
    assert "欧阳𠀀琎（户主）" in flat and "王小明（子）" in flat and "王𠮷（" not in flat
    assert flat.count("签字：") == 2  # one signature and fingerprint box per adult
    assert "第1页共2页" in flat or "第1页共1页" in flat
    assert view.number in flat
    assert "副本" not in flat
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
    assert "RDSansSC" in fonts and "RDMinchoExt" in fonts and "Helvetica" not in fonts


def test_reprint_is_marked_and_identical(sqlite_db: Database, tmp_path: Path) -> None:
    org, (hid, _other) = make_agreement_org(sqlite_db)
    svc = AgreementService(sqlite_db, org.clerk)
    first = tmp_path / "first.pdf"
    svc.print(hid, lambda v: render_agreement(v, first), on=SIGN_DAY)
    svc.sign(hid, SIGN_DAY, "王庄村委会")
    again = tmp_path / "again.pdf"
    view = svc.print(hid, lambda v: render_agreement(v, again))
    assert view.reprint_no == 1
    a, b = _flat(_text(first)), _flat(_text(again))
    assert "副本/重印（第1次）" in b and "已于2026-03-10签订" in b
    # Apart from the marks, the same text: the diagonal mark's characters are read in between
    # the lines and the footer may be read in another order, so compare what is printed (every
    # character, how often) without the marks' characters.
    marks = set("副本/重印（第1次）已于2026-03-10签订第1稿")
    assert Counter(c for c in a if c not in marks) == Counter(c for c in b if c not in marks)
    assert (
        re.sub("[" + re.escape("".join(marks)) + "]", "", a)[:600]
        == re.sub("[" + re.escape("".join(marks)) + "]", "", b)[:600]
    )


def test_supplementary_shows_old_new_and_difference(sqlite_db: Database, tmp_path: Path) -> None:
    from ..services.agreement_org import compute_check, post

    org, (hid, _other) = make_agreement_org(sqlite_db)
    svc = AgreementService(sqlite_db, org.clerk)
    svc.print(hid, lambda v: None, on=SIGN_DAY)
    main = svc.sign(hid, SIGN_DAY, "王庄村委会")
    svc.supplementary(main.id, "复核发现漏登面积")
    with sqlite_db.session() as s, s.begin():
        st = s.scalars(select(m.Structure).where(m.Structure.household_id == hid)).one()
        st.legal_area_dm2 += 1000
    compute_check(sqlite_db, org, hid)
    post(sqlite_db, org)
    out = tmp_path / "supp.pdf"
    view = svc.print(hid, lambda v: render_agreement(v, out), on=SIGN_DAY)
    flat = _flat(_text(out))
    assert view.kind == "supplementary" and view.number in flat
    assert main.number in flat and "复核发现漏登面积" in flat
    assert "补充协议" in flat and "+13,500.00" in flat
    assert money.to_chinese_upper(13500 * 100) in flat
