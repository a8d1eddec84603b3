"""补偿方案… in the 方案与核算 menu: the scheme window (:mod:`.scheme_editor`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from ...i18n import _

if TYPE_CHECKING:
    from ..hosts import FeatureWindow
    from .editor import SchemeEditor


def install(window: FeatureWindow) -> None:
    action = QAction(_("补偿方案(&S)…"), window)
    action.setObjectName("openSchemes")
    action.triggered.connect(lambda: open_schemes(window))
    window.menus["calc"].addAction(action)
    window.database_changed.connect(lambda _db: _close_open(window))


def open_schemes(window: FeatureWindow) -> SchemeEditor | None:
    """Show the scheme window of the open database (one at a time)."""
    from .editor import SchemeEditor

    existing = _find(window)
    if existing is not None:
        existing.raise_()
        existing.activateWindow()
        return existing
    if window.db is None:
        return None
    editor = SchemeEditor(window.db, window.operator, window)
    editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    editor.setWindowFlag(Qt.WindowType.Window)
    editor.show()
    editor.activateWindow()
    return editor


def _find(window: FeatureWindow) -> SchemeEditor | None:
    from .editor import SchemeEditor

    for child in window.findChildren(SchemeEditor):
        if child.isVisible():
            return child
    return None


def _close_open(window: FeatureWindow) -> None:
    # The window shows another database now: the scheme window belongs to the old one.
    editor = _find(window)
    if editor is not None:
        editor.close()
