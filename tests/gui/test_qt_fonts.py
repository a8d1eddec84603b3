"""The shipped fonts in Qt: loaded from the files, set as [main, fallback] application font.

Glyph checks use QRawFont on the font *files*: a QFont/QFontMetrics check would pass on any
machine with some system CJK font, because Qt borrows missing glyphs from installed fonts.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtGui import QFont, QFontDatabase, QRawFont

from relocation_desk import fonts
from relocation_desk.gui import qt_fonts

pytestmark = pytest.mark.gui

NAMES = "㑇䶮喆堃昇琎𠮷𠀀𪚥"


def raw(path) -> QRawFont:
    f = QRawFont(str(path), 24)
    assert f.isValid(), path
    return f


def test_app_font_is_main_then_fallback(qapp) -> None:
    font = qt_fonts.install_app_fonts(qapp)
    assert font.families() == [fonts.MAIN_FAMILY, fonts.FALLBACK_FAMILY]
    assert qapp.font().families() == [fonts.MAIN_FAMILY, fonts.FALLBACK_FAMILY]
    assert fonts.MAIN_FAMILY in QFontDatabase.families()
    assert fonts.FALLBACK_FAMILY in QFontDatabase.families()
    # calling again does not add the files twice
    again = qt_fonts.install_app_fonts(qapp)
    assert again.families() == font.families()


def test_font_files_have_the_glyphs(qapp) -> None:
    main = raw(fonts.main_font_path())
    fallback = raw(fonts.fallback_font_path())
    assert main.familyName() == fonts.MAIN_FAMILY
    assert fallback.familyName() == fonts.FALLBACK_FAMILY
    for ch in NAMES:
        cp = ord(ch)
        in_main, in_fallback = main.supportsCharacter(cp), fallback.supportsCharacter(cp)
        assert in_main or in_fallback, ch
        assert in_main == fonts.main_font_covers(cp), ch
    assert main.supportsCharacter(ord("𠮷"))
    for ch in "𠀀𪚥":
        assert fallback.supportsCharacter(ord(ch)), ch
        (glyph,) = fallback.glyphIndexesForString(ch)
        assert glyph != 0
        assert not fallback.pathForGlyph(glyph).isEmpty(), f"{ch} is an empty glyph"
    assert not main.supportsCharacter(0xE000)
    assert not fallback.supportsCharacter(0xE000)


def test_widget_text_uses_the_shipped_families(qapp, qtbot) -> None:
    from PySide6.QtWidgets import QLabel

    qt_fonts.install_app_fonts(qapp)
    label = QLabel("𠀀明 𪚥龙 吉𠮷")
    qtbot.addWidget(label)
    assert label.font().families()[:2] == [fonts.MAIN_FAMILY, fonts.FALLBACK_FAMILY]
    info_family = label.fontInfo().family()
    assert info_family == fonts.MAIN_FAMILY
    assert isinstance(label.font(), QFont)


def test_missing_font_file_raises_clearly(qapp, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(fonts, "fallback_font_path", lambda: tmp_path / "gone.ttf")
    with pytest.raises(qt_fonts.FontLoadError, match=r"gone\.ttf"):
        qt_fonts.install_app_fonts(qapp)


def test_unloadable_font_file_raises_clearly(qapp, tmp_path, monkeypatch) -> None:
    bad = tmp_path / "bad.ttf"
    bad.write_bytes(b"not a font")
    monkeypatch.setattr(fonts, "fallback_font_path", lambda: bad)
    with pytest.raises(qt_fonts.FontLoadError, match="could not load"):
        qt_fonts.install_app_fonts(qapp)
