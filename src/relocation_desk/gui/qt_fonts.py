"""Load the shipped fonts into Qt and make them the application font.

Qt falls back per character through the QFont's family list, so the application font is
``[main, fallback]``: rare Ext-B names render in the GUI exactly as in the PDFs, whatever fonts
the clerk's machine has. (Qt would otherwise borrow glyphs from any installed font, which hides
gaps on a developer machine.)
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

from relocation_desk import fonts

_families: dict[Path, str] = {}


class FontLoadError(RuntimeError):
    """A shipped font file is missing or Qt refused it."""


def _load(path: Path) -> str:
    if path in _families:
        return _families[path]
    if not path.is_file():
        raise FontLoadError(
            f"shipped font missing: {path} (resources/fonts is incomplete; "
            "rebuild with packaging/fonts/build_fonts.py or reinstall)"
        )
    font_id = QFontDatabase.addApplicationFont(str(path))
    if font_id < 0:
        raise FontLoadError(f"Qt could not load the font file {path}")
    families = QFontDatabase.applicationFontFamilies(font_id)
    if not families:
        raise FontLoadError(f"Qt loaded {path} but reports no font family in it")
    _families[path] = families[0]
    return families[0]


def install_app_fonts(app: QGuiApplication) -> QFont:
    """Add the main and fallback fonts to Qt and set ``[main, fallback]`` as the app font.

    Returns the font set (its point size is the platform default's). Safe to call again.
    """
    main = _load(fonts.main_font_path())
    fallback = _load(fonts.fallback_font_path())
    font = QFont(app.font())
    font.setFamilies([main, fallback])
    app.setFont(font)
    return font
