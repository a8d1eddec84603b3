"""报表 → 进度看板 (F9): opens the progress dashboard as a window of its own (it can go to
the meeting-room screen), one per main window, following the main window's database and its
changes to households."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence

from ...i18n import _

if TYPE_CHECKING:
    from ..hosts import FeatureWindow
    from .window import Dashboard

SHORTCUT = "F9"


def install(window: FeatureWindow) -> None:
    action = QAction(_("进度看板(&D)…"), window)
    action.setObjectName("dashboardAction")
    action.setShortcut(QKeySequence(SHORTCUT))
    action.triggered.connect(lambda: show_dashboard(window))
    window.menus["report"].addAction(action)


def dashboard_of(window: FeatureWindow) -> Dashboard | None:
    # Imported when first needed: the dashboard and its charts need not load at start-up.
    from .window import Dashboard

    return window.findChild(Dashboard)


def show_dashboard(window: FeatureWindow) -> Dashboard:
    """Show (creating it the first time) and raise the window's dashboard."""
    from .window import Dashboard

    dashboard = dashboard_of(window)
    if dashboard is None:
        assert window.db is not None
        project = window.register.project.name if window.register is not None else ""
        dashboard = Dashboard(
            window.db, window.operator, window.open_household, window, project_name=project
        )
        window.database_changed.connect(lambda db: _follow(window, dashboard, db))
        window.households_changed.connect(dashboard.households_changed)
    dashboard.show()
    dashboard.raise_()
    dashboard.activateWindow()
    return dashboard


def _follow(window: FeatureWindow, dashboard: Dashboard, db: object) -> None:
    project = window.register.project.name if window.register is not None else ""
    dashboard.set_database(window.db if window.db is not None else db, project)  # type: ignore[arg-type]
