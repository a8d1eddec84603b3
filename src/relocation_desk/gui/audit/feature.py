"""报表 → 审计日志 (read-only, for the roles that may see it), and the quick check at opening."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from ...i18n import _
from ...services.errors import UserError
from .. import dialogs
from ..access import Action, gate
from ..tasks import BackgroundTask

if TYPE_CHECKING:
    from ...services.integrity import CheckReport
    from ...storage.db import Database
    from ..hosts import FeatureWindow
    from .viewer import AuditViewer


def install(window: FeatureWindow) -> None:
    action = QAction(_("审计日志(&A)…"), window)
    action.setObjectName("auditLogAction")
    action.triggered.connect(lambda: open_audit_viewer(window))
    window.menus["report"].addAction(action)
    window.audit_log_action = action  # type: ignore[attr-defined]
    gate(action, window.operator, Action.VIEW_AUDIT_LOG)
    checker = OpeningCheck(window)
    window.opening_check = checker  # type: ignore[attr-defined]

    def changed(db: Database) -> None:
        gate(action, window.operator, Action.VIEW_AUDIT_LOG)
        checker.start(db)

    window.database_changed.connect(changed)


def open_audit_viewer(window: FeatureWindow) -> AuditViewer | None:
    from .viewer import AuditViewer

    if window.db is None:
        return None
    try:
        viewer = AuditViewer(window.db, window.operator, window)  # type: ignore[arg-type]
    except UserError as exc:
        dialogs.show_error(window, _("不能查看审计日志"), exc.message)  # type: ignore[arg-type]
        return None
    viewer.setModal(False)
    viewer.show()
    viewer.search()
    window.audit_viewer = viewer  # type: ignore[attr-defined]
    return viewer


class OpeningCheck(QObject):
    """The quick integrity check of a newly opened database, off the GUI thread; one warning
    (not blocking work) when it finds something."""

    def __init__(self, window: FeatureWindow) -> None:
        super().__init__(window)  # type: ignore[arg-type]
        self.window = window
        self.task: BackgroundTask | None = None
        self.report: CheckReport | None = None

    def start(self, db: Database) -> None:
        from ...services.integrity import quick_check

        if self.task is not None:
            self.task.detach()
        self.report = None
        task = BackgroundTask(lambda _progress, _cancel: quick_check(db), self)
        task.succeeded.connect(self._done)
        self.task = task
        task.start()

    def _done(self, report: CheckReport) -> None:
        self.report = report
        if report.ok:
            return
        first = (
            next(p for part in report.parts for p in part.problems)
            if report.problem_count
            else None
        )
        dialogs.show_warning_once(
            self.window,  # type: ignore[arg-type]
            _("数据库可能被改动过"),
            _(
                "打开数据库时的快速检查发现 {n} 处问题，例如：{where}：{what}。\n"
                "可以继续工作；请尽快运行“relocation-desk check --db 数据库文件”查看完整报告，"
                "并告知指挥部。",
                n=report.problem_count,
                where=first.where if first else "",
                what=first.what if first else "",
            ),
        )
