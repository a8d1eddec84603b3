"""Agreements (协议) in the main window and the household editor (issue #8).

Main window, menu 协议与支付: 签约协议… (the selected household) and 先签户（干部及亲属）….
Household editor: a 协议… button next to the heading. The dialogs opened last are kept on
``window.agreements_feature`` / ``editor.agreement_dialog`` (tests reach them there).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from ...i18n import _
from .. import dialogs
from ..editor.actions import add_editor_button, open_for_editor

if TYPE_CHECKING:
    from ..hosts import FeatureEditor, FeatureWindow
    from .dialog import AgreementDialog, SignFirstDialog


class AgreementsFeature:
    def __init__(self, window: FeatureWindow) -> None:
        self.window = window
        self.dialog: AgreementDialog | None = None
        self.sign_first_dialog: SignFirstDialog | None = None
        menu = window.menus["agreement"]
        self.agreement_action = QAction(_("签约协议(&G)…"), window)
        self.agreement_action.triggered.connect(self.open_agreement)
        menu.addAction(self.agreement_action)
        self.sign_first_action = QAction(_("先签户（干部及亲属）(&F)…"), window)
        self.sign_first_action.triggered.connect(self.open_sign_first)
        menu.addAction(self.sign_first_action)
        menu.addSeparator()

    def open_agreement(self) -> None:
        w = self.window
        household_id = w.current_household()
        if household_id is None or w.db is None:
            dialogs.show_info(w, _("补偿协议"), _("请先在列表中选中一户。"))
            return
        from .dialog import AgreementDialog

        dialog = AgreementDialog(w.db, w.operator, household_id, w)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(lambda hid: w.refresh_households([hid]))
        dialog.show()
        self.dialog = dialog

    def open_sign_first(self) -> None:
        w = self.window
        if w.db is None:
            return
        from .dialog import SignFirstDialog

        dialog = SignFirstDialog(w.db, w)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.sign_first_dialog = dialog


def install(window: FeatureWindow) -> None:
    window.agreements_feature = AgreementsFeature(window)  # type: ignore[attr-defined]


def install_editor(editor: FeatureEditor) -> None:
    editor.agreement_button = add_editor_button(  # type: ignore[attr-defined]
        editor,
        _("协议…"),
        _("打印、签订这户的补偿协议，开立补充协议，重印副本"),
        "agreementButton",
        lambda: open_from_editor(editor),
    )


def open_from_editor(editor: FeatureEditor) -> AgreementDialog | None:
    from .dialog import AgreementDialog

    dialog = open_for_editor(
        editor,
        lambda db, operator, hid: AgreementDialog(db, operator, hid, editor),
        _("这户有未保存的修改。请先保存（Ctrl+S），再打印或签订协议。"),
    )
    if dialog is not None:
        editor.agreement_dialog = dialog  # type: ignore[attr-defined]
    return dialog
