"""Exceptions to the standard (审批例外, DOMAIN rule 1): a team's request and HQ's decision.

``RequestDialog``: a team asks for one household — which item (a line of the current
calculation, another item of the scheme, or a whole category), an amount in 元 or a rule in
words, the reason (required) and attached documents. ``ApprovalsDialog``: the project's
requests, filtered by status; HQ (and administrators) approve or reject with a required reason,
everyone else sees the list read-only. Nothing here types an amount into a calculation: an
approved request becomes a marked line at the household's next computation.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...domain import money
from ...i18n import _
from ...services.access import may
from ...services.calculation.approvals import ApprovalService, ApprovalView
from ...services.clock import project_zone
from ...services.errors import UserError
from ...services.households.service import OperatorRef
from ...storage.db import Database
from ...storage.errors import StorageError
from .. import dialogs
from ..access import Action
from . import common
from .common import REQUEST_STATUS_TEXT, when
from .tables import RowsModel, rows_view

__all__ = ["ApprovalsDialog", "RequestDialog"]

_PATH = Qt.ItemDataRole.UserRole


class RequestDialog(QDialog):
    """A team's exception request for ``household_id``. After ``accept()`` the request's id and
    number are in ``request_id`` / ``number``."""

    def __init__(
        self,
        db: Database,
        operator: OperatorRef | None,
        household_id: uuid.UUID,
        parent: QWidget | None = None,
        *,
        title: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("requestDialog")
        self.setWindowTitle(_("申请例外（报指挥部审批）"))
        self.service = ApprovalService(db, operator)
        self.household_id = household_id
        self.request_id: uuid.UUID | None = None
        self.number = ""
        self.item = QComboBox(self)
        self.item.setObjectName("requestItem")
        self.item.addItem(_("（不针对具体项目）"), "")
        try:
            choices = self.service.item_choices(household_id, as_of=common.today(db))
        except (UserError, StorageError) as exc:
            dialogs.show_error(self, _("无法读取补偿方案"), exc.message)
            choices = []
        for c in choices:
            label = f"{c.code}  {c.name}"
            if c.standard_fen is not None:
                label += _("（现核算 {amount} 元）", amount=money.format_fen(c.standard_fen))
            self.item.addItem(label, c.code)
        self.amount = QLineEdit(self)
        self.amount.setObjectName("requestAmount")
        self.amount.setPlaceholderText(
            _("该项目核定为多少元，例如 6000 或 0.6万；只申请办法时留空")
        )
        self.amount_upper = QLabel(self)
        self.amount_upper.setObjectName("requestAmountUpper")
        self.amount.textChanged.connect(self._amount_changed)
        self.rule = QLineEdit(self)
        self.rule.setObjectName("requestRule")
        self.rule.setPlaceholderText(_("或者写明申请的计算办法，例如“养殖棚按简易结构计算”"))
        self.reason = QPlainTextEdit(self)
        self.reason.setObjectName("requestReason")
        self.reason.setPlaceholderText(_("必填：为什么标准不适用于这户，依据是什么"))
        self.reason.setTabChangesFocus(True)
        self.files = QListWidget(self)
        self.files.setObjectName("requestFiles")
        self.files.setMaximumHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        add = self.add_files_button = QPushButton(_("添加附件…"), self)
        add.setAutoDefault(False)
        add.clicked.connect(self.add_files)
        remove = QPushButton(_("移除"), self)
        remove.setAutoDefault(False)
        remove.clicked.connect(self._remove_file)
        file_buttons = QVBoxLayout()
        file_buttons.addWidget(add)
        file_buttons.addWidget(remove)
        file_buttons.addStretch(1)
        files = QHBoxLayout()
        files.addWidget(self.files, 1)
        files.addLayout(file_buttons)
        form = QFormLayout()
        form.addRow(_("申请项目："), self.item)
        form.addRow(_("申请金额（元）："), self.amount)
        form.addRow("", self.amount_upper)
        form.addRow(_("申请办法："), self.rule)
        form.addRow(_("申请理由："), self.reason)
        form.addRow(_("附件："), files)
        note = QLabel(
            _(
                "例外须经指挥部审批。批准后重新计算该户，才会作为单独一行（标明审批编号）计入核算、"
                "公示和报表；驳回的申请不改变任何金额。"
            ),
            self,
        )
        note.setWordWrap(True)
        self.submit_button = QPushButton(_("提交申请"), self)
        self.submit_button.setObjectName("submitRequest")
        self.submit_button.setAutoDefault(False)
        self.submit_button.clicked.connect(self.submit)
        cancel = QPushButton(_("取消"), self)
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.submit_button)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        if title:
            heading = QLabel(title, self)
            font = heading.font()
            font.setBold(True)
            heading.setFont(font)
            layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addLayout(buttons)
        self.resize(640, 460)

    def _amount_changed(self, text: str) -> None:
        if not text.strip():
            self.amount_upper.setText("")
            return
        try:
            self.amount_upper.setText(money.to_chinese_upper(money.parse_amount(text)))
        except (money.AmountError, ValueError) as exc:
            self.amount_upper.setText(str(exc))

    def add_files(self) -> None:
        present = {self.files.item(k).data(_PATH) for k in range(self.files.count())}
        for path in dialogs.ask_documents(self):
            if str(path) in present:
                continue
            item = QListWidgetItem(path.name, self.files)
            item.setData(_PATH, str(path))
            item.setToolTip(str(path))

    def _remove_file(self) -> None:
        row = self.files.currentRow()
        if row >= 0:
            self.files.takeItem(row)

    def attachments(self) -> list[Path]:
        return [Path(self.files.item(k).data(_PATH)) for k in range(self.files.count())]

    def submit(self) -> None:
        text = self.amount.text().strip()
        amount: int | None = None
        if text:
            try:
                amount = money.parse_amount(text)
            except money.AmountError as exc:
                dialogs.show_error(self, _("申请金额有误"), exc.reason)
                self.amount.setFocus()
                return
        try:
            self.request_id = self.service.request(
                self.household_id,
                str(self.item.currentData() or ""),
                amount,
                self.rule.text(),
                self.reason.toPlainText(),
            )
        except (UserError, StorageError) as exc:
            dialogs.show_error(self, _("不能提交申请"), exc.message)
            return
        failed = []
        for path in self.attachments():
            try:
                self.service.attach(self.request_id, path)
            except (UserError, StorageError) as exc:
                failed.append(exc.message)
        self.number = next(
            (r.number for r in self.service.list_requests() if r.id == self.request_id), ""
        )
        if failed:
            dialogs.show_error(
                self,
                _("部分附件没有保存"),
                _(
                    "申请 {number} 已提交，但以下附件没有保存：\n{problems}\n请在审批清单中查看后补交。",
                    number=self.number,
                    problems="\n".join(failed),
                ),
            )
        self.accept()


def _item_text(r: ApprovalView) -> str:
    """The item or category by its Chinese name (its code only if the scheme lost it)."""
    if not r.item_code:
        return _("其他")
    return r.item_name or r.item_code


def _team_text(r: ApprovalView) -> str:
    return r.team_name or r.team_code


def _amount_text(fen: int | None) -> str:
    return "" if fen is None else money.format_fen(fen)


FILTERS = (
    ("pending", "待审批"),
    ("approved", "已批准"),
    ("rejected", "已驳回"),
    (None, "全部"),
)
COLUMNS = (
    ("审批编号", 100),
    ("户号", 76),
    ("户主", 64),
    ("工作组", 50),
    ("申请项目", 140),
    ("申请金额（元）", 100),
    ("申请办法", 110),
    ("申请理由", 170),
    ("申请人", 60),
    ("申请时间", 116),
    ("状态", 56),
    ("附件", 40),
    ("审批意见", 200),
)


class ApprovalsDialog(QDialog):
    """The project's exception requests; HQ decides the pending ones. ``decided(household_id)``
    after a decision."""

    decided = Signal(object)

    def __init__(
        self, db: Database, operator: OperatorRef | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("approvalsDialog")
        self.setWindowTitle(_("例外审批"))
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.setSizeGripEnabled(True)
        self.service = ApprovalService(db, operator)
        self.zone = project_zone(db)  # the project's, for the times shown
        self.can_decide = may(operator, Action.APPROVE_EXCEPTION)
        self.requests: list[ApprovalView] = []
        self.filter = QComboBox(self)
        self.filter.setObjectName("approvalFilter")
        for value, label in FILTERS:
            self.filter.addItem(_(label), value)
        self.filter.currentIndexChanged.connect(self.refresh)
        self.count = QLabel(self)
        top = QHBoxLayout()
        top.addWidget(QLabel(_("显示："), self))
        top.addWidget(self.filter)
        top.addWidget(self.count, 1)
        self.model = RowsModel([_(h) for h, _w in COLUMNS], right=(5, 11), parent=self)
        self.table = rows_view(self.model, [w for _h, w in COLUMNS], self)
        self.table.setObjectName("approvalTable")
        self.table.selectionModel().currentRowChanged.connect(self._selected)
        self.detail = QLabel(self)
        self.detail.setObjectName("approvalDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setMinimumHeight(self.fontMetrics().lineSpacing() * 4)
        self.open_file_button = QPushButton(_("打开附件"), self)
        self.open_file_button.setAutoDefault(False)
        self.open_file_button.clicked.connect(self.open_attachments)
        detail_row = QHBoxLayout()
        detail_row.addWidget(self.detail, 1)
        detail_row.addWidget(self.open_file_button, 0, Qt.AlignmentFlag.AlignTop)
        self.decision = QPlainTextEdit(self)
        self.decision.setObjectName("decisionReason")
        self.decision.setPlaceholderText(_("审批意见（必填）：批准或驳回的理由"))
        self.decision.setTabChangesFocus(True)
        self.decision.setMaximumHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.approve_button = QPushButton(_("批准"), self)
        self.approve_button.setObjectName("approveButton")
        self.reject_button = QPushButton(_("驳回"), self)
        self.reject_button.setObjectName("rejectButton")
        for button, approve in ((self.approve_button, True), (self.reject_button, False)):
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, a=approve: self.decide(a))
        decide_buttons = QVBoxLayout()
        decide_buttons.addWidget(self.approve_button)
        decide_buttons.addWidget(self.reject_button)
        decide_row = QHBoxLayout()
        decide_row.addWidget(self.decision, 1)
        decide_row.addLayout(decide_buttons)
        self.read_only_note = QLabel(
            _("只读：例外申请只能由指挥部审批。您可以查看申请及审批结果。"), self
        )
        self.status = QLabel(self)
        self.status.setObjectName("approvalStatus")
        close = QPushButton(_("关闭"), self)
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(detail_row)
        layout.addWidget(self.read_only_note)
        layout.addLayout(decide_row)
        layout.addLayout(bottom)
        self.read_only_note.setVisible(not self.can_decide)
        for w in (self.decision, self.approve_button, self.reject_button):
            w.setVisible(self.can_decide)
        self.resize(1240, 640)
        self.refresh()

    def refresh(self) -> None:
        try:
            self.requests = self.service.list_requests(self.filter.currentData())
        except (UserError, StorageError) as exc:
            dialogs.show_error(self, _("无法读取例外申请"), exc.message)
            return
        rows = [
            (
                r.number,
                r.household_code,
                r.head_name,
                _team_text(r),
                _item_text(r),
                _amount_text(r.requested_amount_fen),
                r.requested_rule,
                r.reason,
                r.requested_by,
                when(r.requested_at, self.zone),
                _(REQUEST_STATUS_TEXT.get(r.status, r.status)),
                str(len(r.attachments)) if r.attachments else "",
                r.decision_reason,
            )
            for r in self.requests
        ]
        self.model.set_rows(rows)
        self.count.setText(_("共 {n} 件", n=len(rows)))
        if rows:
            self.table.selectRow(0)
        self._selected()

    def current(self) -> ApprovalView | None:
        row = self.table.currentIndex().row()
        return self.requests[row] if 0 <= row < len(self.requests) else None

    def select_number(self, number: str) -> bool:
        for k, r in enumerate(self.requests):
            if r.number == number:
                self.table.selectRow(k)
                return True
        return False

    def _selected(self) -> None:
        r = self.current()
        pending = r is not None and r.status == "pending"
        for w in (self.decision, self.approve_button, self.reject_button):
            w.setEnabled(self.can_decide and pending)
        self.open_file_button.setEnabled(r is not None and bool(r.attachments))
        if r is None:
            self.detail.setText(_("没有符合条件的申请。"))
            return
        lines = [
            _(
                "{number}　{code} {head}（{team}）　申请人：{by}　{at}",
                number=r.number,
                code=r.household_code,
                head=r.head_name,
                team=_team_text(r),
                by=r.requested_by,
                at=when(r.requested_at, self.zone),
            ),
            _(
                "申请：{item} {amount}{rule}",
                item=_item_text(r),
                amount=(
                    _(
                        "核定为 {amount} 元（{upper}）",
                        amount=_amount_text(r.requested_amount_fen),
                        upper=money.to_chinese_upper(r.requested_amount_fen),
                    )
                    if r.requested_amount_fen is not None
                    else ""
                ),
                rule=_("；办法：{rule}", rule=r.requested_rule) if r.requested_rule else "",
            ),
            _("理由：{reason}", reason=r.reason),
        ]
        if r.attachments:
            lines.append(_("附件：{names}", names="、".join(a.name for a in r.attachments)))
        if r.status != "pending":
            lines.append(
                _(
                    "{status}（{by}，{at}）：{reason}",
                    status=_(REQUEST_STATUS_TEXT.get(r.status, r.status)),
                    by=r.decided_by,
                    at=when(r.decided_at, self.zone),
                    reason=r.decision_reason,
                )
            )
        self.detail.setText("\n".join(lines))

    def open_attachments(self) -> None:
        r = self.current()
        if r is None:
            return
        for attachment in r.attachments:
            path = attachment.path
            if not path.exists() or not dialogs.open_file(path):
                dialogs.show_error(
                    self,
                    _("无法打开附件"),
                    _(
                        "找不到或无法打开附件“{name}”（{path}）；它可能还在另一台电脑上。",
                        name=attachment.name,
                        path=path,
                    ),
                )

    def decide(self, approve: bool) -> None:
        r = self.current()
        if r is None:
            return
        reason = self.decision.toPlainText()
        if not reason.strip():
            dialogs.show_error(
                self, _("请填写审批意见"), _("批准或驳回都必须写明理由；请在审批意见中填写。")
            )
            self.decision.setFocus()
            return
        try:
            self.service.decide(r.id, approve, reason)
        except (UserError, StorageError) as exc:
            dialogs.show_error(self, _("不能审批"), exc.message)
            return
        self.decision.clear()
        self.status.setText(
            _(
                "已批准 {number}；重新计算 {code} 后计入核算。",
                number=r.number,
                code=r.household_code,
            )
            if approve
            else _("已驳回 {number}。", number=r.number)
        )
        self.refresh()
        self.decided.emit(r.household_id)
