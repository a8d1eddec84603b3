"""补偿决定: the holdouts past the signing deadline, and recording a decision for one of them.

The upper table lists the households with no signed agreement after the deadline (those
without a checked calculation are shown but cannot be decided yet); the lower one the
decisions recorded. The decision's amounts are the household's checked calculation; the
confirmation shows the total in figures and in 大写. ``changed(UUID)`` after each decision.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...domain import money
from ...domain.status import STATUS_LABELS, HouseholdStatus
from ...i18n import _
from ...services.clock import project_today
from ...services.errors import UserError
from ...services.households.service import OperatorRef
from ...services.payments.holdouts import HoldoutRow, HoldoutService
from ...storage.db import Database
from .. import dialogs
from ..access import Action, gate
from ..columns import fit_columns

__all__ = ["DecisionsDialog"]


_DISPLAY = Qt.ItemDataRole.DisplayRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class RowsModel(QAbstractTableModel):
    """A read-only table of text rows: a project can have tens of thousands of holdouts, and
    item widgets for each cell would take seconds to build."""

    def __init__(self, headers: list[str], parent: QWidget, right: tuple[int, ...] = ()) -> None:
        super().__init__(parent)
        self.headers = headers
        self.right = set(right)  # columns of amounts
        self.rows: list[tuple[str, ...]] = []

    def set_rows(self, rows: list[tuple[str, ...]]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> object:
        if not index.isValid():
            return None
        if role == _DISPLAY:
            return self.rows[index.row()][index.column()]
        if role == _ALIGN and index.column() in self.right:
            return _RIGHT
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> object:
        if role == _DISPLAY and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None


def _table(parent: QWidget, headers: list[str], widths: tuple[int, ...], right: int) -> QTableView:
    table = QTableView(parent)
    table.setModel(RowsModel(headers, table, (right,)))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 6)
    table.horizontalHeader().setStretchLastSection(True)
    fit_columns(table, widths)  # the widths, or more where a header needs it
    return table


def _fill(table: QTableView, rows: list[tuple[str, ...]]) -> None:
    model = table.model()
    assert isinstance(model, RowsModel)
    model.set_rows(rows)


class DecisionsDialog(QDialog):
    changed = Signal(object)  # the household's id

    def __init__(
        self,
        db: Database,
        operator: OperatorRef | None,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("decisionsDialog")
        self.setWindowTitle(_("补偿决定"))
        self.service = HoldoutService(db, operator)
        self.today = today or project_today(db)
        self.holdouts: list[HoldoutRow] = []
        self.deadline_label = QLabel(self)
        self.holdout_table = _table(
            self,
            [_("户编号"), _("户主"), _("工作组"), _("状态"), _("核算金额（元）"), _("可作决定")],
            (90, 90, 110, 70, 120),
            4,
        )
        self.number = QLineEdit(self)
        self.decided_on = QDateEdit(QDate(self.today.year, self.today.month, self.today.day), self)
        self.decided_on.setCalendarPopup(True)
        self.decided_on.setDisplayFormat("yyyy-MM-dd")
        self.decide_button = QPushButton(_("作出补偿决定…"), self)
        self.decide_button.setAutoDefault(False)
        self.decide_button.clicked.connect(self.decide_selected)
        gate(self.decide_button, operator, Action.RECORD_DECISION)
        self.decision_table = _table(
            self,
            [
                _("决定文号"),
                _("决定日期"),
                _("户编号"),
                _("户主"),
                _("工作组"),
                _("决定金额（元）"),
            ],
            (200, 90, 90, 90, 110),
            5,
        )
        form = QFormLayout()
        form.addRow(_("决定文号"), self.number)
        form.addRow(_("决定日期"), self.decided_on)
        close = QPushButton(_("关闭"), self)
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.deadline_label)
        layout.addWidget(QLabel(_("签约期限届满仍未签约的户："), self))
        layout.addWidget(self.holdout_table, 2)
        row = QHBoxLayout()
        row.addLayout(form, 1)
        row.addWidget(self.decide_button, 0, Qt.AlignmentFlag.AlignBottom)
        layout.addLayout(row)
        layout.addWidget(QLabel(_("已作出的补偿决定："), self))
        layout.addWidget(self.decision_table, 1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        self.resize(820, 620)
        self.reload()

    def reload(self) -> None:
        # A 100,000-household project has ~50,000 holdouts in its demo: 2–4 s here.
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self._reload()
        finally:
            QApplication.restoreOverrideCursor()

    def _reload(self) -> None:
        deadline = self.service.deadline()
        self.deadline_label.setText(
            _("签约期限：{date}", date=deadline.isoformat())
            if deadline
            else _("项目未设置签约期限")
        )
        self.holdouts = self.service.holdouts(today=self.today)
        _fill(
            self.holdout_table,
            [
                (
                    h.code,
                    h.head_name,
                    h.team,
                    _(STATUS_LABELS[HouseholdStatus(h.status)]),
                    money.format_fen(h.total_fen) if h.total_fen is not None else "",
                    _("是") if h.ready else _("否（无复核的核算）"),
                )
                for h in self.holdouts
            ],
        )
        _fill(
            self.decision_table,
            [
                (
                    d.number,
                    d.decided_on.isoformat(),
                    d.code,
                    d.head_name,
                    d.team,
                    money.format_fen(d.total_fen),
                )
                for d in self.service.decisions()
            ],
        )
        when = self.decided_on.date()
        self.number.setPlaceholderText(
            _(
                "不填则自动编号：{number}",
                number=self.service.next_number(date(when.year(), when.month(), when.day())),
            )
        )

    def decide_selected(self) -> None:
        row = self.holdout_table.currentIndex().row()
        if row < 0 or row >= len(self.holdouts):
            dialogs.show_error(self, _("补偿决定"), _("请先在上表中选中一户"))
            return
        h = self.holdouts[row]
        if not h.ready or h.total_fen is None:
            dialogs.show_error(
                self, _("补偿决定"),
                _("{code} 没有经复核的核算结果；补偿决定的金额须以复核后的核算为准，请先核算并复核", code=h.code),
            )  # fmt: skip
            return
        q = self.decided_on.date()
        decided_on = date(q.year(), q.month(), q.day())
        number = self.number.text().strip()
        question = _(
            "对 {code} {name} 作出补偿决定：\n文号 {number}\n日期 {date}\n金额 {amount} 元\n大写 {upper}\n\n"
            "户的状态将改为“补偿决定”。确认吗？",
            code=h.code, name=h.head_name, number=number or self.service.next_number(decided_on),
            date=decided_on.isoformat(), amount=money.format_fen(h.total_fen),
            upper=money.to_chinese_upper(h.total_fen),
        )  # fmt: skip
        if not dialogs.ask_confirm(self, _("确认补偿决定"), question):
            return
        try:
            self.service.record_decision(h.household_id, decided_on, number, today=self.today)
        except UserError as exc:
            dialogs.show_error(self, _("不能作出补偿决定"), exc.message)
            return
        self.number.clear()
        self.reload()
        self.changed.emit(h.household_id)
