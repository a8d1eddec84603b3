"""报表 → 每日汇报 (Ctrl+R): the evening report to HQ, saved, printed and frozen from the app."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence

from ...i18n import _

if TYPE_CHECKING:
    from ..hosts import FeatureWindow
    from .dialog import DailyReportDialog


def install(window: FeatureWindow) -> None:
    action = QAction(_("每日汇报(&R)…"), window)
    action.setObjectName("dailyReportAction")
    action.setShortcut(QKeySequence("Ctrl+R"))
    action.triggered.connect(lambda: open_daily_report(window))
    window.menus["report"].addAction(action)


def open_daily_report(window: FeatureWindow, today: date | None = None) -> DailyReportDialog:
    from ...services.clock import project_today
    from .dialog import DailyReportDialog

    assert window.db is not None
    teams = dict(window.register.teams) if window.register is not None else {}
    # The project's calendar day (as the dashboard and the cut-off use), not this computer's.
    day = today or project_today(window.db)
    dialog = DailyReportDialog(window.db, window.operator, teams, day, window)
    dialog.setModal(False)
    dialog.show()
    dialog.refresh()
    return dialog
