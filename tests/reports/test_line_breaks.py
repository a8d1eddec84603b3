"""Chinese line-breaking rules (避头尾) in what we print: no line begins with closing
punctuation, none ends with opening punctuation, numbers and units stay whole."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relocation_desk.reports import line_breaks
from relocation_desk.reports.agreement_pdf import render_agreement
from relocation_desk.reports.line_breaks import CANNOT_END, CANNOT_START, wrap
from relocation_desk.services.agreements.service import AgreementService
from relocation_desk.storage.db import Database

from ..services.agreement_org import SIGN_DAY, make_agreement_org

HAN = "房屋征收补偿协议甲乙方按照标准支付安置费用签订搬迁期限过渡方式"
CLOSING = "，。、；：？！）》”"
OPENING = "（《“"


def _width(ch: str) -> float:
    return 1.0 if ord(ch) > 0x2E80 else 0.5


@st.composite
def texts(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 30))):
        kind = draw(st.sampled_from(["han", "han", "han", "close", "open", "num", "unit"]))
        if kind == "han":
            parts.append(draw(st.text(alphabet=HAN, min_size=1, max_size=6)))
        elif kind == "close":
            parts.append(draw(st.sampled_from(CLOSING)))
        elif kind == "open":
            parts.append(
                draw(st.sampled_from(OPENING)) + draw(st.text(HAN, min_size=1, max_size=3))
            )
        elif kind == "num":
            parts.append(str(draw(st.integers(0, 999))))
        else:
            parts.append(draw(st.sampled_from(["人·月", "元/㎡", "㎡"])))
    return "".join(parts)


@settings(max_examples=200, deadline=None)
@given(texts(), st.integers(min_value=8, max_value=30))
def test_wrapped_lines_follow_the_rules(text: str, width: int) -> None:
    lines = wrap(text, width, _width)
    assert "".join(lines) == text  # nothing lost, nothing added
    for i, line in enumerate(lines):
        assert line, lines
        if i > 0:
            assert line[0] not in CANNOT_START, (lines, i)
        if i < len(lines) - 1:
            assert line[-1] not in CANNOT_END, (lines, i)
            assert not (line[-1].isdigit() and lines[i + 1][0].isdigit()), (lines, i)
        # Over the width only by punctuation hanging at the end of the line.
        excess = sum(map(_width, line)) - width
        assert excess <= 0 or line[-1] in CANNOT_START, (lines, i)
    for unit in ("人·月", "元/㎡"):
        assert text.count(unit) == sum(line.count(unit) for line in lines)


def test_a_list_breaks_after_its_separators() -> None:
    lines = wrap(
        "砖混结构一百二十平方米、简易结构二十平方米、附属物三项", 12, _width, frozenset("、")
    )
    assert lines == ["砖混结构一百二十平方米、", "简易结构二十平方米、", "附属物三项"]


def test_a_word_longer_than_the_line_is_broken_rather_than_lost() -> None:
    assert wrap("12345678901234", 5, _width) == ["1234567890", "1234"]


def _pdf_lines(path: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True)
    return [line.strip() for line in out.stdout.splitlines() if line.strip()]


def test_agreement_pdf_follows_the_rules(sqlite_db: Database, tmp_path: Path) -> None:
    org, (first, _rare) = make_agreement_org(sqlite_db)
    out = tmp_path / "a.pdf"
    AgreementService(sqlite_db, org.clerk).print(
        first, lambda v: render_agreement(v, out), on=SIGN_DAY
    )
    lines = _pdf_lines(out)
    starts = [ln for ln in lines if ln[0] in "，。、；：？！）》”"]
    ends = [ln for ln in lines if ln[-1] in "（《“"]
    assert not starts and not ends, (starts, ends)


@pytest.fixture
def reportlab_rules():  # type: ignore[no-untyped-def]
    """reportlab's own line breaking first (as collected, before anything installed ours);
    whatever was installed is put back afterwards."""
    from reportlab.platypus import paragraph as rp

    installed = rp.cjkFragSplit, rp.wordSplit
    rp.cjkFragSplit, rp.wordSplit = _REPORTLAB_OWN
    yield rp
    rp.cjkFragSplit, rp.wordSplit = installed


def _reportlab_own() -> tuple[object, object]:
    from reportlab.platypus import paragraph as rp

    return rp.cjkFragSplit, rp.wordSplit


_REPORTLAB_OWN = _reportlab_own()


def test_paragraphs_use_the_rules_once_installed(reportlab_rules) -> None:  # type: ignore[no-untyped-def]
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    from relocation_desk.reports.pdf_fonts import MAIN, register_fonts

    register_fonts()
    style = ParagraphStyle("t", fontName=MAIN, fontSize=10, leading=14, wordWrap="CJK")
    # Ten characters a line: the 11th is "，", the 20th "（".
    text = "甲方应于签约之日起十，乙方应按期腾房搬（迁费）并交付钥匙。" * 3

    def lines(markup: str) -> list[str]:
        p = Paragraph(markup, style)
        p.wrap(10 * 10.0 + 1, 1000)  # ten characters a line: "，" falls at a line start
        if p.blPara.kind == 0:  # one font: (extra space, [text]) per line
            return ["".join(words) for _space, words in p.blPara.lines]
        return ["".join(w.text for w in line.words) for line in p.blPara.lines]

    before = lines(text)
    assert any(ln[0] in CANNOT_START for ln in before[1:]), before  # reportlab's own rules
    line_breaks.install()
    # One font (wordSplit) and two fonts (cjkFragSplit, a rare name in the fallback font).
    for markup in (text, text.replace("乙方", '乙方<font name="RDMinchoExt">𠀀</font>')):
        got = lines(markup)
        assert "".join(got) == markup.replace('<font name="RDMinchoExt">', "").replace(
            "</font>", ""
        )
        assert all(ln[0] not in CANNOT_START for ln in got[1:]), got
        assert all(ln[-1] not in CANNOT_END for ln in got[:-1]), got
