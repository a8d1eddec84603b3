"""补登签约 in the agreement dialog: recording an agreement the household signed on paper
before the desk kept the project. The question (date, witness, reason) goes through
``ask_backdated_signing``, a module function tests replace; the use case is
``services.agreements.backdated.sign_backdated`` (judged on the signing date, audited).

May use: ``services.agreements``, ``gui.dialogs``.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QWidget

from ...domain import money
from ...i18n import _
from ...services.clock import project_today
from ...services.errors import UserError
from .. import dialogs

if TYPE_CHECKING:
    from ...services.households.service import OperatorRef
    from ...storage.db import Database


def ask_backdated_signing(parent: QWidget | None, today: date) -> tuple[date, str, str] | None:
    """(signing date before ``today``, the project's, witness, reason); None if cancelled.
    Tests replace it."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(_("补登以前的签约"))
    form = QFormLayout(dialog)
    yesterday = today - timedelta(days=1)
    day = QDateEdit(dialog)
    day.setCalendarPopup(True)
    day.setDisplayFormat("yyyy-MM-dd")
    day.setDate(QDate(yesterday.year, yesterday.month, yesterday.day))
    day.setMaximumDate(QDate(yesterday.year, yesterday.month, yesterday.day))
    who = QLineEdit(dialog)
    who.setPlaceholderText(_("如：村委会、见证律师或工作人员姓名"))
    why = QLineEdit(dialog)
    why.setPlaceholderText(_("如：本系统启用前已签约，按纸质协议补登"))
    form.addRow(_("签约日期"), day)
    form.addRow(_("见证人"), who)
    form.addRow(_("补登原因"), why)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form.addRow(buttons)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    q = day.date()
    return date(q.year(), q.month(), q.day()), who.text(), why.text()


def record_backdated_signing(
    parent: QWidget, db: Database, operator: OperatorRef | None, household_id: uuid.UUID,
    label: str,
) -> bool:  # fmt: skip
    """Ask, confirm and record; True when the signing was recorded. ``label``: "T03-0001 王建国"."""
    from ...services.agreements.backdated import sign_backdated

    answer = ask_backdated_signing(parent, project_today(db))
    if answer is None:
        return False
    day, witness, reason = answer
    text = _(
        "补登 {label} 于 {day} 签订的协议？\n\n按 {day} 生效的补偿方案版本和签约奖励期核对；"
        "补登后协议锁定，并记入审计日志。\n见证人：{witness}\n原因：{reason}",
        label=label, day=day.isoformat(), witness=witness.strip(), reason=reason.strip(),
    )  # fmt: skip
    if not dialogs.ask_confirm(parent, _("确认补登签约"), text):
        return False
    try:
        view = sign_backdated(db, operator, household_id, day, witness, reason)
    except UserError as exc:
        dialogs.show_error(parent, _("不能补登签约"), exc.message)
        return False
    dialogs.show_info(
        parent, _("已补登签约"),
        _("协议 {number} 已登记为 {day} 签订，补偿总额 {total} 元。", number=view.number,
          day=day.isoformat(), total=money.format_fen(view.total_fen)),
    )  # fmt: skip
    return True
