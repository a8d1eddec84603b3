"""Wall notices in the main window (issue #7), menu 公示: 张榜公示…, 公示轮次与照片…, 核验公示…,
登记异议…, 异议处理…. The dialogs opened last are kept on ``window.notice_feature`` (tests and
the window reach them there)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog

from ...i18n import _
from .. import dialogs
from ..access import Action, best_case_team, gate

if TYPE_CHECKING:
    from ..hosts import FeatureWindow
    from .objections import ObjectionsDialog, RecordObjectionDialog
    from .post import PostNoticeDialog
    from .rounds import RoundsDialog
    from .verify import VerifyNoticeDialog

REFRESH_CHUNK = 5000  # ids per register refresh


class NoticeFeature:
    def __init__(self, window: FeatureWindow) -> None:
        self.window = window
        self.post_dialog: PostNoticeDialog | None = None
        self.rounds_dialog: RoundsDialog | None = None
        self.verify_dialog: VerifyNoticeDialog | None = None
        self.record_dialog: RecordObjectionDialog | None = None
        self.objections_dialog: ObjectionsDialog | None = None
        menu = window.menus["notice"]
        self.post_action = self._action(_("张榜公示(&P)…"), self.open_post, menu)
        self.rounds_action = self._action(_("公示轮次与照片(&L)…"), self.open_rounds, menu)
        self.verify_action = self._action(_("核验公示(&V)…"), self.open_verify, menu)
        self.verify_action.setShortcut(QKeySequence("Ctrl+Shift+V"))
        menu.addSeparator()
        self.record_action = self._action(_("登记异议（选中农户）(&O)…"), self.open_record, menu)
        self.objections_action = self._action(_("异议处理(&D)…"), self.open_objections, menu)
        own = best_case_team(window.operator)
        gate(self.post_action, window.operator, Action.POST_NOTICE, own)
        gate(self.record_action, window.operator, Action.HANDLE_OBJECTION, own)

    def _action(self, text: str, slot: object, menu: object) -> QAction:
        action = QAction(text, self.window)
        action.triggered.connect(slot)
        menu.addAction(action)  # type: ignore[attr-defined]
        return action

    def _village(self) -> uuid.UUID | None:
        """The village the register is filtered to, if any (the dialogs start there)."""
        value = self.window.filters.village.currentData()
        return value if isinstance(value, uuid.UUID) else None

    def _villages(self):  # type: ignore[no-untyped-def]
        register = self.window.register
        return (register.villages, register.groups) if register is not None else ((), {})

    def _show(self, dialog: QDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    def open_post(self) -> None:
        w = self.window
        if w.db is None:
            return
        from .post import PostNoticeDialog

        villages, groups = self._villages()
        dialog = PostNoticeDialog(w.db, w.operator, villages, groups, w, village_id=self._village())
        dialog.posted.connect(self._posted)
        self.post_dialog = dialog
        self._show(dialog)

    def _posted(self, view: object) -> None:
        # A compensation round moves checked households to 已公示: show that in the register.
        ids = [r.household_id for r in getattr(view, "rows", ())]
        for start in range(0, len(ids), REFRESH_CHUNK):
            self.window.refresh_households(ids[start : start + REFRESH_CHUNK])

    def open_rounds(self) -> None:
        w = self.window
        if w.db is None:
            return
        from .rounds import RoundsDialog

        villages, _groups = self._villages()
        dialog = RoundsDialog(w.db, w.operator, villages, w, village_id=self._village())
        self.rounds_dialog = dialog
        self._show(dialog)

    def open_verify(self) -> None:
        w = self.window
        if w.db is None:
            return
        from .verify import VerifyNoticeDialog

        dialog = VerifyNoticeDialog(w.db, w)
        self.verify_dialog = dialog
        self._show(dialog)

    def open_record(self) -> None:
        w = self.window
        household_id = w.current_household()
        if household_id is None or w.db is None:
            dialogs.show_info(w, _("登记异议"), _("请先在列表中选中提出异议的农户。"))
            return
        from ...services.notices.records import NoticeRecords
        from .objections import RecordObjectionDialog

        rounds = NoticeRecords(w.db, w.operator).rounds_of_household(household_id)
        if not rounds:
            dialogs.show_info(
                w,
                _("登记异议"),
                _("这户还没有列入任何一轮公示，没有可以提出异议的公示。"),
            )
            return
        label = ""
        row = w.table.currentIndex().row()
        if w.model is not None and row >= 0:
            label = "  ".join(str(w.model.index(row, c).data() or "") for c in (0, 1))
        dialog = RecordObjectionDialog(w.db, w.operator, household_id, rounds, label, w)
        dialog.recorded.connect(lambda _view: self._refresh_objections())
        self.record_dialog = dialog
        self._show(dialog)

    def _refresh_objections(self) -> None:
        if self.objections_dialog is not None and self.objections_dialog.isVisible():
            self.objections_dialog.reload()

    def open_objections(self) -> None:
        w = self.window
        if w.db is None:
            return
        from .objections import ObjectionsDialog

        villages, _groups = self._villages()
        dialog = ObjectionsDialog(w.db, w.operator, villages, w, village_id=self._village())
        dialog.changed.connect(lambda hid: w.refresh_households([hid]))
        dialog.destroyed.connect(lambda: setattr(self, "objections_dialog", None))
        self.objections_dialog = dialog
        self._show(dialog)


def install(window: FeatureWindow) -> None:
    window.notice_feature = NoticeFeature(window)  # type: ignore[attr-defined]
