"""Payments, milestones and compensation decisions in the main window and the household editor
(issue #8).

Main window, menu 协议与支付: 支付与交房… (the selected household), 导出支付台账…, 补偿决定….
Household editor: a 支付与交房… button next to the heading. The dialogs opened last are kept on
``window.payments_feature`` / ``editor.payments_dialog`` (tests reach them there). The register
export runs on a worker thread behind a busy dialog: a large project's register takes seconds.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from ...i18n import _
from ...services.access import may
from ...services.errors import UserError
from .. import dialogs
from ..access import Action, best_case_team, gate
from ..editor.actions import add_editor_button, open_for_editor
from ..progress_dialog import Cancelled, run_with_progress

if TYPE_CHECKING:
    from ...services.payments.register import PaymentRegister
    from ...services.progress_report import Progress
    from ..hosts import FeatureEditor, FeatureWindow
    from .decisions import DecisionsDialog
    from .dialog import PaymentsDialog


def ask_register_path(parent: QWidget | None) -> Path | None:
    """Where to save the payment register; None if cancelled. Tests replace it."""
    return dialogs.ask_save_xlsx(parent, _("导出支付台账"), _("支付台账.xlsx"))


class PaymentsFeature:
    def __init__(self, window: FeatureWindow) -> None:
        self.window = window
        self.dialog: PaymentsDialog | None = None
        self.decisions: DecisionsDialog | None = None
        menu = window.menus["agreement"]
        self.pay_action = self._action(_("支付与交房(&P)…"), self.open_payments, menu)
        self.export_action = self._action(_("导出支付台账(&X)…"), self.export_register, menu)
        menu.addSeparator()
        self.decisions_action = self._action(_("补偿决定(&D)…"), self.open_decisions, menu)
        own = best_case_team(window.operator)
        gate(self.export_action, window.operator, Action.EXPORT_PAYMENT_REGISTER, own)

    def _action(self, text: str, slot: object, menu: object) -> QAction:
        action = QAction(text, self.window)
        action.triggered.connect(slot)
        menu.addAction(action)  # type: ignore[attr-defined]
        return action

    def open_payments(self) -> None:
        w = self.window
        household_id = w.current_household()
        if household_id is None or w.db is None:
            dialogs.show_info(w, _("支付与交房"), _("请先在列表中选中一户。"))
            return
        from .dialog import PaymentsDialog

        dialog = PaymentsDialog(w.db, w.operator, household_id, w)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(lambda hid: w.refresh_households([hid]))
        dialog.show()
        self.dialog = dialog

    def open_decisions(self) -> None:
        w = self.window
        if w.db is None:
            return
        from .decisions import DecisionsDialog

        dialog = DecisionsDialog(w.db, w.operator, w)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(lambda hid: w.refresh_households([hid]))
        dialog.show()
        self.decisions = dialog

    def export_register(self) -> None:
        from ...reports.payment_register import write_payment_register
        from ...services.payments.register import export_payment_register

        w = self.window
        db, operator = w.db, w.operator
        if db is None:
            return
        path = ask_register_path(w)
        if path is None:
            return

        # A leader exports their own team's register; HQ the whole project's.
        whole = may(operator, Action.EXPORT_PAYMENT_REGISTER)
        team = None if whole or operator is None else operator.team_id

        def work(progress: Progress) -> PaymentRegister:
            return export_payment_register(
                db, path, write_payment_register, team=team, operator=operator,
                progress=progress,
            )  # fmt: skip

        try:
            reg = run_with_progress(w, _("导出支付台账"), work, text=_("正在导出支付台账…"))
        except Cancelled:
            dialogs.show_info(w, _("导出支付台账"), _("已取消导出，没有写出文件。"))
            return
        except UserError as exc:
            dialogs.show_error(w, _("无法导出"), exc.message)
            return
        except OSError as exc:  # disk full, file open in Excel …
            dialogs.show_error(
                w,
                _("无法导出"),
                _("无法写入 {path}：{error}。如果文件已在 Excel 中打开，请先关闭。", path=path, error=exc.strerror or exc),
            )  # fmt: skip
            return
        owing = sum(1 for b, _t, _s in reg.balances if b.outstanding_fen > 0)
        dialogs.show_info(
            w,
            _("导出支付台账"),
            _(
                "已导出 {path}：{payments} 笔支付，{households} 户（未付清 {owing} 户），补偿决定 {decisions} 户。",
                path=path, payments=len(reg.payments), households=len(reg.balances),
                owing=owing, decisions=len(reg.decisions),
            ),
        )  # fmt: skip


def install(window: FeatureWindow) -> None:
    window.payments_feature = PaymentsFeature(window)  # type: ignore[attr-defined]


def install_editor(editor: FeatureEditor) -> None:
    editor.payments_button = add_editor_button(  # type: ignore[attr-defined]
        editor,
        _("支付与交房…"),
        _("登记这户的支付、提存、冲正，以及腾房、交钥匙、拆除"),
        "paymentsButton",
        lambda: open_from_editor(editor),
    )


def open_from_editor(editor: FeatureEditor) -> PaymentsDialog | None:
    from .dialog import PaymentsDialog

    dialog = open_for_editor(
        editor,
        lambda db, operator, hid: PaymentsDialog(db, operator, hid, editor),
        _("这户有未保存的修改。请先保存（Ctrl+S），再登记支付或交房。"),
    )
    if dialog is not None:
        editor.payments_dialog = dialog  # type: ignore[attr-defined]
    return dialog
