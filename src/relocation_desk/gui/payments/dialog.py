"""支付与交房: one household's agreement (or, for a holdout, its compensation decision),
payments, balance and milestones in one dialog.

The clerk types an amount in 元 (``12,345.67``, ``12.3万`` …, read by ``domain.money``); the
dialog shows it in figures and in 大写 while it is typed, asks for confirmation with both, and
the service records it. Milestones (腾房 → 交钥匙 → 拆除) each have a date and a button; a
milestone the rules do not allow yet is refused with the service's own message (what is
missing and the balance). A mistaken entry is reversed (冲正) with a reason, never deleted.
``changed(UUID)`` is emitted after every recorded change.
"""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain import money
from ...domain.status import STATUS_LABELS, HouseholdStatus
from ...i18n import _
from ...services.access import team_of_household
from ...services.clock import project_today
from ...services.errors import UserError
from ...services.households.service import OperatorRef
from ...services.payments.service import (
    METHODS,
    MILESTONE_ORDER,
    PaymentCase,
    PaymentService,
    balance_text,
    kind_label,
    method_label,
    milestone_label,
)
from ...storage.db import Database
from .. import dialogs
from ..access import Action, gate

__all__ = ["PaymentsDialog", "ask_reason"]


def ask_reason(parent: QWidget | None, title: str, label: str) -> str | None:
    """A line of text (the reason for a reversal); None if cancelled. Tests replace it."""
    text, ok = QInputDialog.getText(parent, title, label)
    return text if ok else None


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def _status_label(status: str) -> str:
    try:
        return _(STATUS_LABELS[HouseholdStatus(status)])
    except ValueError:
        return status


class PaymentsDialog(QDialog):
    changed = Signal(object)  # the household's id

    def __init__(
        self,
        db: Database,
        operator: OperatorRef | None,
        household_id: uuid.UUID,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("paymentsDialog")
        self.service = PaymentService(db, operator)
        self.household_id = household_id
        self.operator = operator
        self.team_id = team_of_household(db, household_id)  # for greying out what is refused
        self.today = today or project_today(db)
        self.case: PaymentCase | None = None
        self._build()
        gate(self.pay_button, operator, Action.RECORD_PAYMENT, self.team_id)
        self.reload()

    # --- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.setWindowTitle(_("支付与交房"))
        self.heading = QLabel(self)
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.heading.setFont(font)
        self.agreement_label = QLabel(self)
        self.balance_label = QLabel(self)
        self.balance_label.setWordWrap(True)

        columns = [
            _("日期"),
            _("类别"),
            _("金额（元）"),
            _("收款人"),
            _("方式"),
            _("凭证号"),
            _("备注"),
        ]
        self.table = QTableWidget(0, len(columns), self)
        self.table.setObjectName("paymentsTable")
        self.table.setHorizontalHeaderLabels(columns)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate((90, 50, 110, 90, 50, 120)):
            self.table.setColumnWidth(col, width)
        self.reverse_button = self._button(_("冲正选中的记录…"), self.reverse_selected)
        self.reverse_button.setToolTip(
            _("登记错误的支付不能删除，只能冲正（记一笔负数，写明原因）")
        )

        form_box = QGroupBox(_("登记支付或提存"), self)
        self.amount = QLineEdit(form_box)
        self.amount.setObjectName("amount")
        self.amount.setPlaceholderText(_("金额（元），如 12,345.67 或 12.3万"))
        self.amount_preview = QLabel(form_box)
        self.amount_preview.setWordWrap(True)
        self.kind = QComboBox(form_box)
        for k in ("payment", "deposit"):
            self.kind.addItem(kind_label(k), k)
        self.method = QComboBox(form_box)
        for mth in METHODS:
            self.method.addItem(method_label(mth), mth)
        self.paid_on = QDateEdit(_qdate(self.today), form_box)
        self.paid_on.setCalendarPopup(True)
        self.paid_on.setDisplayFormat("yyyy-MM-dd")
        self.payee = QLineEdit(form_box)
        self.voucher = QLineEdit(form_box)
        self.voucher.setObjectName("voucher")
        self.pay_button = self._button(_("登记…"), self.record_payment)
        self.pay_button.setObjectName("payButton")
        form = QFormLayout(form_box)
        # Room between a label and its field, so neither language's labels touch them.
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(8)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.addRow(_("金额"), self.amount)
        form.addRow("", self.amount_preview)
        form.addRow(_("类别"), self.kind)
        form.addRow(_("方式"), self.method)
        form.addRow(_("支付日期"), self.paid_on)
        form.addRow(_("收款人"), self.payee)
        form.addRow(_("凭证号"), self.voucher)
        form.addRow("", self.pay_button)
        self.amount.textChanged.connect(self._preview)

        ms_box = QGroupBox(_("腾房、交钥匙、拆除（须先付清或提存）"), self)
        grid = QGridLayout(ms_box)
        self.milestone_state: dict[str, QLabel] = {}
        self.milestone_date: dict[str, QDateEdit] = {}
        self.milestone_button: dict[str, QPushButton] = {}
        for row, kind in enumerate(MILESTONE_ORDER):
            k = kind.value
            state = QLabel(ms_box)
            when = QDateEdit(_qdate(self.today), ms_box)
            when.setCalendarPopup(True)
            when.setDisplayFormat("yyyy-MM-dd")
            button = self._button(
                _("登记{what}…", what=milestone_label(k)),
                lambda _checked=False, k=k: self.record_milestone(k),
            )
            button.setObjectName(f"milestone_{k}")
            grid.addWidget(QLabel(milestone_label(k), ms_box), row, 0)
            grid.addWidget(state, row, 1)
            grid.addWidget(when, row, 2)
            grid.addWidget(button, row, 3)
            self.milestone_state[k], self.milestone_date[k] = state, when
            self.milestone_button[k] = button

        grid.setColumnStretch(1, 1)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(8)
        close = self._button(_("关闭"), self.accept)
        top = QVBoxLayout(self)
        top.addWidget(self.heading)
        top.addWidget(self.agreement_label)
        top.addWidget(self.balance_label)
        top.addWidget(self.table, 1)
        reverse_row = QHBoxLayout()
        reverse_row.addStretch(1)
        reverse_row.addWidget(self.reverse_button)
        top.addLayout(reverse_row)
        lower = QHBoxLayout()
        lower.addWidget(form_box, 1)
        lower.addWidget(ms_box, 1)
        top.addLayout(lower)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        top.addLayout(bottom)
        self.resize(980, 640)

    def _button(self, text: str, slot: object) -> QPushButton:
        button = QPushButton(text, self)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    # --- showing ---------------------------------------------------------------------------
    def reload(self) -> None:
        case = self.case = self.service.case(self.household_id)
        b = case.balance
        self.heading.setText(
            _("{code} {name}（{status}）", code=b.code, name=b.head_name, status=_status_label(b.status))
        )  # fmt: skip
        if not b.has_basis:
            self.agreement_label.setText(
                _("尚未签订补偿协议，也没有补偿决定：签约（或作出补偿决定）后才能登记支付")
            )
            self.balance_label.setText("")
        else:
            when = b.basis_date.isoformat() if b.basis_date else ""
            amount, upper = money.format_fen(b.due_fen), money.to_chinese_upper(b.due_fen)
            if b.agreement_id is not None:
                text = _(
                    "协议 {number}，{signed} 签订；协议金额 {amount} 元（{upper}）",
                    number=b.agreement_number, signed=when, amount=amount, upper=upper,
                )  # fmt: skip
            else:
                text = _(
                    "补偿决定 {number}，{decided} 作出；决定金额 {amount} 元（{upper}）",
                    number=b.decision_number, decided=when, amount=amount, upper=upper,
                )  # fmt: skip
            self.agreement_label.setText(text)
            text = balance_text(b)
            if b.outstanding_fen <= 0:
                text += _("（已付清）")
            self.balance_label.setText(text)
        self.payee.setPlaceholderText(_("默认：{name}", name=case.default_payee))
        self.table.setRowCount(len(case.payments))
        for r, p in enumerate(case.payments):
            note = p.reason if p.reverses else (_("已冲正") if p.reversed_by else "")
            values = (
                p.paid_on.isoformat(), kind_label(p.kind, p.amount_fen),
                money.format_fen(p.amount_fen), p.payee, method_label(p.method), p.voucher_no, note,
            )  # fmt: skip
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if c == 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                item.setData(Qt.ItemDataRole.UserRole, p.id)
                self.table.setItem(r, c, item)
        done = {ms.kind: ms for ms in case.milestones}
        for k, state in self.milestone_state.items():
            ms = done.get(k)
            state.setText(
                _("已登记：{date}", date=ms.happened_on.isoformat()) if ms else _("未登记")
            )
            self.milestone_date[k].setEnabled(ms is None)
            gate(self.milestone_button[k], self.operator, Action.RECORD_MILESTONE, self.team_id,
                 enabled=ms is None)  # fmt: skip
        self._preview()

    def _preview(self) -> None:
        text = self.amount.text().strip()
        if not text:
            self.amount_preview.setText("")
            return
        try:
            fen = money.parse_amount(text)
        except money.AmountError as exc:
            self.amount_preview.setText(exc.reason)
            return
        self.amount_preview.setText(
            _(
                "{amount} 元　{upper}",
                amount=money.format_fen(fen),
                upper=money.to_chinese_upper(fen),
            )
            if 0 <= fen <= money.MAX_UPPER_FEN
            else money.format_fen(fen)
        )

    # --- actions ---------------------------------------------------------------------------
    def record_payment(self) -> None:
        try:
            fen = money.parse_amount(self.amount.text())
        except money.AmountError as exc:
            dialogs.show_error(self, _("金额有误"), exc.reason)
            self.amount.setFocus()
            return
        kind, method = self.kind.currentData(), self.method.currentData()
        paid_on = _pydate(self.paid_on.date())
        payee, voucher = self.payee.text(), self.voucher.text()
        args = dict(payee=payee, method=method, voucher_no=voucher, kind=kind, today=self.today)
        refusal = self.service.payment_refusal(self.household_id, fen, paid_on, **args)
        if refusal is not None:
            dialogs.show_error(self, _("不能登记"), refusal)
            return
        assert self.case is not None
        b = self.case.balance
        question = _(
            "登记{kind}：\n金额 {amount} 元\n大写 {upper}\n日期 {date}，{method}，收款人 {payee}{voucher}\n\n"
            "登记后尚欠 {left} 元。确认登记吗？",
            kind=kind_label(kind), amount=money.format_fen(fen), upper=money.to_chinese_upper(fen),
            date=paid_on.isoformat(), method=method_label(method),
            payee=payee.strip() or self.case.default_payee,
            voucher=_("，凭证号 {v}", v=voucher.strip()) if voucher.strip() else "",
            left=money.format_fen(b.outstanding_fen - fen),
        )  # fmt: skip
        if not dialogs.ask_confirm(self, _("确认登记{kind}", kind=kind_label(kind)), question):
            return
        try:
            self.service.record_payment(self.household_id, fen, paid_on, **args)
        except UserError as exc:
            dialogs.show_error(self, _("不能登记"), exc.message)
            return
        self.amount.clear()
        self.voucher.clear()
        self._changed()

    def reverse_selected(self) -> None:
        assert self.case is not None
        row = self.table.currentRow()
        if row < 0 or row >= len(self.case.payments):
            dialogs.show_error(self, _("冲正"), _("请先在表中选中要冲正的一笔记录"))
            return
        p = self.case.payments[row]
        what = _(
            "{date} {kind} {amount} 元（{payee}）",
            date=p.paid_on.isoformat(), kind=kind_label(p.kind, p.amount_fen),
            amount=money.format_fen(p.amount_fen), payee=p.payee,
        )  # fmt: skip
        reason = ask_reason(self, _("冲正"), _("冲正 {what}\n请写明原因：", what=what))
        if reason is None:
            return
        if not reason.strip():
            dialogs.show_error(self, _("冲正"), _("冲正必须写明原因"))
            return
        question = _(
            "将登记一笔 {amount} 元的冲正记录，抵销 {what}。\n原记录保留，不会删除。确认冲正吗？",
            amount=money.format_fen(-p.amount_fen), what=what,
        )  # fmt: skip
        if not dialogs.ask_confirm(self, _("确认冲正"), question):
            return
        try:
            self.service.reverse_payment(p.id, reason, today=self.today)
        except UserError as exc:
            dialogs.show_error(self, _("不能冲正"), exc.message)
            return
        self._changed()

    def record_milestone(self, kind: str) -> None:
        when = _pydate(self.milestone_date[kind].date())
        label = milestone_label(kind)
        refusal = self.service.milestone_refusal(self.household_id, kind, when, today=self.today)
        if refusal is not None:
            dialogs.show_error(self, _("不能登记{what}", what=label), refusal)
            return
        assert self.case is not None
        question = _(
            "登记 {code} {what}，日期 {date}。\n登记后不能撤销。确认吗？",
            code=self.case.balance.code, what=label, date=when.isoformat(),
        )  # fmt: skip
        if not dialogs.ask_confirm(self, _("确认登记{what}", what=label), question):
            return
        try:
            self.service.record_milestone(self.household_id, kind, when, today=self.today)
        except UserError as exc:
            dialogs.show_error(self, _("不能登记{what}", what=label), exc.message)
            return
        self._changed()

    def _changed(self) -> None:
        self.reload()
        self.changed.emit(self.household_id)
