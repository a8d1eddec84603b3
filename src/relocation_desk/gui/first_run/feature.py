"""文件 → 新建/打开项目…: the first-run wizard again, from the register window."""

from __future__ import annotations

from PySide6.QtGui import QAction

from ...i18n import _
from .. import dialogs
from ..hosts import FeatureWindow
from . import wizard


def install(window: FeatureWindow) -> None:
    menu = window.menus["file"]
    action = QAction(_("新建/打开项目(&N)…"), menu)
    action.setObjectName("firstRunAction")

    def start() -> None:
        result = wizard.ask_first_run(menu.parentWidget())
        if result is None:
            return
        if window.open_path(result.path, operator=result.operator) and result.note:
            dialogs.show_info(menu.parentWidget(), _("征收补偿工作台"), result.note)

    action.triggered.connect(start)
    first = menu.actions()[0] if menu.actions() else None
    menu.insertAction(first, action)  # type: ignore[arg-type]
    menu.insertSeparator(first)  # type: ignore[arg-type]
