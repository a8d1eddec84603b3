"""协议 → 产权调换选房 (Ctrl+Shift+X): the flat inventory, the choosing order and 选房 day."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence

from ...i18n import _

if TYPE_CHECKING:
    from ..hosts import FeatureWindow
    from .window import ResettlementWindow


def install(window: FeatureWindow) -> None:
    action = QAction(_("产权调换选房(&X)…"), window)
    action.setObjectName("resettlementAction")
    action.setShortcut(QKeySequence("Ctrl+Shift+X"))
    action.triggered.connect(lambda: open_resettlement(window))
    window.menus["agreement"].addAction(action)


def open_resettlement(window: FeatureWindow) -> ResettlementWindow:
    from .window import ResettlementWindow

    assert window.db is not None
    win = ResettlementWindow(window.db, window.operator, window)  # type: ignore[arg-type]
    win.show()
    return win
