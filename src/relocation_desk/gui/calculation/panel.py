"""One household's calculation on screen (DOMAIN rules 1, 6): the lines as the engine made them,
the total in figures and 大写, who computed and who checked.

计算 stores a new version only when the inputs changed (the service decides) and says what
changed against the previous version; 复核通过 is the second person's check (the service refuses
the maker); 申请例外… asks HQ for an exception: there is no typed amount here, an approved
request shows as its own marked line after the next computation.
"""

from __future__ import annotations

import uuid
from collections import defaultdict

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...i18n import _
from ...services.access import team_of_household
from ...services.calculation.approvals import ApprovalService, ApprovalView
from ...services.calculation.service import CalculationService, CalculationView
from ...services.errors import UserError
from ...services.households.service import OperatorRef
from ...storage.db import Database
from ...storage.errors import StorageError
from .. import dialogs
from ..access import Action, gate
from ..screen import fit_to_screen
from . import common
from .common import yuan
from .tables import RowsModel, rows_view

__all__ = ["CalculationPanel"]

COLUMNS = (
    ("序号", 44),
    ("项目", 190),
    ("数量", 80),
    ("单位", 44),
    ("单价（元）", 96),
    ("金额（元）", 110),
    ("审批编号", 110),
    ("计算说明", 300),
)
APPROVAL_COLUMN = 6


class CalculationPanel(QDialog):
    """The current calculation of ``household_id``; ``changed(household_id)`` after a compute
    stored a new version or a check was recorded."""

    changed = Signal(object)

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
        self.setObjectName("calculationPanel")
        self.db = db
        self.operator = operator
        self.household_id = household_id
        self.service = CalculationService(db, operator)
        self.team_id = team_of_household(db, household_id)  # for greying out what is refused
        self.view: CalculationView | None = None
        self._title = title
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.setSizeGripEnabled(True)
        self._build()
        # 16 lines and more without scrolling on a 1366×768 laptop.
        fit_to_screen(self, 1180, 696)
        self.refresh()

    # --- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.heading = QLabel(self)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.heading.setFont(font)
        self.version_label = QLabel(self)
        self.scheme_label = QLabel(self)
        self.status_label = QLabel(self)
        self.computed_label = QLabel(self)
        self.checked_label = QLabel(self)
        for label in (self.scheme_label, self.computed_label, self.checked_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        info = QFormLayout()
        info.addRow(_("核算版本："), self.version_label)
        info.addRow(_("补偿方案："), self.scheme_label)
        info.addRow(_("状态："), self.status_label)
        info.addRow(_("计算："), self.computed_label)
        info.addRow(_("复核："), self.checked_label)
        self.change_label = QLabel(self)
        self.change_label.setObjectName("changeLabel")
        self.change_label.setWordWrap(True)
        self.change_label.setVisible(False)
        self.model = RowsModel([_(h) for h, _w in COLUMNS], right=(0, 2, 4, 5), parent=self)
        self.table = rows_view(self.model, [w for _h, w in COLUMNS], self, numbered=False)
        self.table.setObjectName("calculationLines")
        # Explanations are read whole: they wrap in their (stretching) column and the row
        # grows. A calculation has tens of lines, so measuring its rows costs nothing.
        self.table.setWordWrap(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.total_label = QLabel(self)
        self.total_label.setObjectName("totalLabel")
        font = self.total_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.total_label.setFont(font)
        self.upper_label = QLabel(self)
        self.upper_label.setObjectName("upperLabel")
        self.upper_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.requests_label = QLabel(self)
        self.requests_label.setObjectName("requestsLabel")
        self.requests_label.setWordWrap(True)
        self.compute_button = self._button(_("计算"), self.compute)
        self.check_button = self._button(_("复核通过"), self.check)
        self.check_button.setToolTip(
            _("由计算人以外的另一位工作人员核对后确认（一人计算，一人复核）")
        )
        self.request_button = self._button(_("申请例外…"), self.request_exception)
        self.request_button.setToolTip(
            _("标准以外的情况，须向指挥部提出例外申请；批准后重新计算，才会作为单独一行计入")
        )
        self.close_button = self._button(_("关闭"), self.reject)
        totals = QHBoxLayout()
        totals.addWidget(self.total_label)
        totals.addSpacing(24)
        totals.addWidget(self.upper_label, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.compute_button)
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.request_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(info)
        layout.addWidget(self.change_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(totals)
        layout.addWidget(self.requests_label)
        layout.addLayout(buttons)

    def _button(self, text: str, slot: object) -> QPushButton:
        button = QPushButton(text, self)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    # --- showing ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the current calculation and this household's requests again."""
        try:
            self.view = self.service.current(self.household_id)
            requests = ApprovalService(self.db, self.operator).list_requests(
                household_id=self.household_id
            )
        except (UserError, StorageError) as exc:
            dialogs.show_error(self, _("无法读取核算"), exc.message)
            return
        self._show(self.view, requests)

    def _show(self, view: CalculationView | None, requests: list[ApprovalView]) -> None:
        code = view.household_code if view else ""
        heading = self._title or code
        self.heading.setText(
            _("{household} — 补偿核算", household=heading) if heading else _("补偿核算")
        )
        self.setWindowTitle(self.heading.text())
        if view is None:
            self.version_label.setText(_("尚未计算"))
            for label in (self.scheme_label, self.status_label, self.computed_label):
                label.setText("")
            self.checked_label.setText("")
            self.model.set_rows([])
            self.total_label.setText("")
            self.upper_label.setText("")
            self.compute_button.setText(_("计算"))
            gate(self.check_button, self.operator, Action.CHECK_CALCULATION, self.team_id,
                 enabled=False)  # fmt: skip
        else:
            self.version_label.setText(_("第{version}版", version=view.version_no))
            self.scheme_label.setText(view.scheme_label)
            self.status_label.setText(_(common.STATUS_TEXT.get(view.status, view.status)))
            self.computed_label.setText(
                _(
                    "{name}  {at}",
                    name=view.computed_by or _("（未记录）"),
                    at=common.when(view.computed_at, self.db),
                )
            )
            self.checked_label.setText(
                _("{name}  {at}", name=view.checked_by, at=common.when(view.checked_at, self.db))
                if view.checked_at
                else _("尚未复核")
            )
            rows, marked = [], {}
            for k, ln in enumerate(view.lines):
                rows.append(
                    (
                        str(ln.seq),
                        ln.item_name,
                        ln.quantity,
                        ln.unit,
                        yuan(ln.rate_fen),
                        yuan(ln.amount_fen),
                        ln.approval_number or "",
                        ln.explanation,
                    )
                )
                if ln.approval_number:
                    marked[k] = _(
                        "经指挥部审批的例外（{number}）：{text}",
                        number=ln.approval_number,
                        text=ln.explanation,
                    )
            self.model.set_rows(rows, marked=marked)
            # The approval column only where a line has an approval: room for explanations.
            self.table.setColumnHidden(APPROVAL_COLUMN, not marked)
            self.total_label.setText(_("合计：{amount} 元", amount=yuan(view.total_fen)))
            self.upper_label.setText(_("大写：{upper}", upper=view.total_upper))
            self.compute_button.setText(_("重新计算"))
            gate(self.check_button, self.operator, Action.CHECK_CALCULATION, self.team_id,
                 enabled=view.status == "computed")  # fmt: skip
        gate(self.compute_button, self.operator, Action.COMPUTE, self.team_id)
        gate(self.request_button, self.operator, Action.REQUEST_EXCEPTION, self.team_id)
        self._show_requests(view, requests)

    def _show_requests(self, view: CalculationView | None, requests: list[ApprovalView]) -> None:
        if not requests:
            self.requests_label.setText(_("本户没有例外申请。"))
            return
        in_calc = {ln.approval_number for ln in view.lines} if view else set()
        parts = []
        for r in requests:
            text = _(
                "{number}（{item}）{status}",
                number=r.number,
                item=r.item_name or r.item_code or _("其他"),
                status=_(common.REQUEST_STATUS_TEXT.get(r.status, r.status)),
            )
            if r.status == "approved" and r.number not in in_calc:
                text += _("，尚未计入，请重新计算")
            parts.append(text)
        self.requests_label.setText(_("本户例外申请：{items}", items="；".join(parts)))

    # --- actions ----------------------------------------------------------------------------
    def compute(self) -> None:
        before = self.view
        try:
            view = self.service.compute(self.household_id, as_of=common.today(self.db))
        except (UserError, StorageError) as exc:
            dialogs.show_error(self, _("无法计算"), exc.message)
            return
        self.refresh()
        self.change_label.setText(describe_change(before, view))
        self.change_label.setVisible(True)
        if view.created:
            self.changed.emit(self.household_id)

    def check(self) -> None:
        view = self.view
        if view is None:
            return
        try:
            self.service.check(view.id)
        except (UserError, StorageError) as exc:
            dialogs.show_error(self, _("不能复核"), exc.message)
            return
        self.refresh()
        self.change_label.setText(
            _("第{version}版核算已复核，可以列入公示。", version=view.version_no)
        )
        self.change_label.setVisible(True)
        self.changed.emit(self.household_id)

    def request_exception(self) -> None:
        from .approvals import RequestDialog

        dialog = RequestDialog(
            self.db, self.operator, self.household_id, self, title=self.heading.text()
        )
        self.request_dialog = dialog
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.refresh()


def describe_change(before: CalculationView | None, after: CalculationView) -> str:
    """What a computation changed, in a sentence or two."""
    if not after.created:
        return _(
            "数据和方案都没有变化，核算结果与第{version}版相同，没有生成新版本。",
            version=after.version_no,
        )
    if before is None or before.id == after.id:
        return _(
            "已生成第{version}版核算：合计 {total} 元。",
            version=after.version_no,
            total=yuan(after.total_fen),
        )
    delta = after.total_fen - before.total_fen
    text = _(
        "已生成第{version}版核算（取代第{old}版）：合计 {old_total} 元 → {total} 元，{change}。",
        version=after.version_no,
        old=before.version_no,
        old_total=yuan(before.total_fen),
        total=yuan(after.total_fen),
        change=(
            _("增加 {amount} 元", amount=yuan(delta))
            if delta > 0
            else _("减少 {amount} 元", amount=yuan(-delta))
            if delta < 0
            else _("合计不变")
        ),
    )
    old_items, new_items = _by_item(before), _by_item(after)
    names = {ln.item_code: ln.item_name for ln in (*before.lines, *after.lines)}
    changes = [
        _(
            "{name} {old} → {new}",
            name=names.get(code, code),
            old=yuan(old_items.get(code, 0)),
            new=yuan(new_items.get(code, 0)),
        )
        for code in dict.fromkeys([*old_items, *new_items])
        if old_items.get(code, 0) != new_items.get(code, 0)
    ]
    if changes:
        text += _("变化的项目：{items}", items="；".join(changes))
    return text


def _by_item(view: CalculationView) -> dict[str, int]:
    amounts: dict[str, int] = defaultdict(int)
    for ln in view.lines:
        amounts[ln.item_code] += ln.amount_fen
    return amounts
