"""Objections (异议) to a posted notice: register one for a household with the materials the
villager handed in, list a village's objections with their deadlines (overdue ones stand
out), and decide them — upheld (the household is recalculated and appears changed on the
next round) or rejected with the reason the villager is told."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...i18n import _
from ...services.access import team_of_household
from ...services.clock import project_today
from ...services.errors import UserError
from .. import dialogs
from ..access import Action, gate
from ..columns import grow_to_contents
from . import common as notice_common
from .common import date_edit, list_table, qdate_value, village_combo

if TYPE_CHECKING:
    from ...services.households.choices import Choice
    from ...services.households.service import OperatorRef
    from ...services.notices.records import RoundSummary
    from ...services.notices.service import ObjectionView
    from ...storage.db import Database

OVERDUE = QColor("#fde2e1")
UPHELD = QColor("#fff4d6")


def subject_choices() -> list[str]:
    return [
        _("合法面积"),
        _("无证面积"),
        _("房屋结构"),
        _("家庭人口"),
        _("户主姓名"),
        _("房屋补偿"),
        _("装修补偿"),
        _("附属物补偿"),
        _("搬迁费"),
        _("临时安置费"),
        _("奖励"),
        _("产权调换"),
        _("其他补偿"),
        _("合计"),
    ]


def _file_error(parent: QWidget, exc: OSError) -> None:
    dialogs.show_error(
        parent,
        _("无法添加材料"),
        _("材料没有保存：{error}\n请检查磁盘空间后再试。", error=exc.strerror or exc),
    )


class RecordObjectionDialog(QDialog):
    """Register a villager's objection to a round the household is on."""

    recorded = Signal(object)  # ObjectionView

    def __init__(
        self,
        db: Database,
        operator: OperatorRef | None,
        household_id: uuid.UUID,
        rounds: list[RoundSummary],
        household_label: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db, self.operator = db, operator
        self.household_id = household_id
        self.rounds = rounds
        self.files: list[Path] = []
        self.result_view: ObjectionView | None = None
        self.setWindowTitle(_("登记异议"))

        self.round = QComboBox(self)
        for r in rounds:
            self.round.addItem(
                _("{title}（{start} 起，异议截止 {until}）", title=r.title,
                  start=r.posted_from.isoformat(), until=r.objection_until.isoformat()),
                r.id,
            )  # fmt: skip
        self.deadline = QLabel(self)
        self.deadline.setWordWrap(True)
        self.subject = QComboBox(self)
        self.subject.setEditable(True)
        self.subject.addItems(subject_choices())
        self.subject.setCurrentIndex(-1)
        self.subject.lineEdit().setPlaceholderText(_("对哪一项有异议：选择或输入，如 附属物：水井"))
        self.text = QPlainTextEdit(self)
        self.text.setPlaceholderText(_("异议内容：异议人的说法、认为正确的数字和理由"))
        self.received = date_edit(project_today(db), self)
        self.file_list = QListWidget(self)
        self.file_list.setMaximumHeight(80)
        self.add_files_button = QPushButton(_("添加材料…"), self)
        self.remove_file_button = QPushButton(_("移除"), self)
        for b in (self.add_files_button, self.remove_file_button):
            b.setAutoDefault(False)
        files_row = QHBoxLayout()
        files_row.addWidget(self.file_list, 1)
        side = QVBoxLayout()
        side.addWidget(self.add_files_button)
        side.addWidget(self.remove_file_button)
        side.addStretch(1)
        files_row.addLayout(side)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("登记"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout(self)
        form.addRow(_("农户："), QLabel(household_label, self))
        form.addRow(_("针对的公示："), self.round)
        form.addRow("", self.deadline)
        form.addRow(_("异议事项："), self.subject)
        form.addRow(_("异议内容："), self.text)
        form.addRow(_("收到日期："), self.received)
        form.addRow(_("异议人材料："), files_row)
        form.addRow(self.buttons)
        self.round.currentIndexChanged.connect(self._update_deadline)
        self.received.dateChanged.connect(self._update_deadline)
        self.add_files_button.clicked.connect(self.add_files)
        self.remove_file_button.clicked.connect(self.remove_file)
        self._update_deadline()
        self.resize(620, 520)

    def selected_round(self) -> RoundSummary | None:
        i = self.round.currentIndex()
        return self.rounds[i] if 0 <= i < len(self.rounds) else None

    def _update_deadline(self) -> None:
        r = self.selected_round()
        if r is None:
            self.deadline.setText("")
            return
        received = qdate_value(self.received)
        if received > r.objection_until:
            late = (received - r.objection_until).days
            self.deadline.setText(
                _(
                    "已过异议受理期 {days} 天（截止 {until}）：只有指挥部可以登记逾期异议。",
                    days=late,
                    until=r.objection_until.isoformat(),
                )
            )
            self.deadline.setStyleSheet("color: #b3261e;")
        else:
            left = (r.objection_until - received).days
            self.deadline.setText(
                _("在异议受理期内（截止 {until}，还剩 {days} 天）。",
                  until=r.objection_until.isoformat(), days=left)
            )  # fmt: skip
            self.deadline.setStyleSheet("color: #1b7f3b;")

    def add_files(self) -> None:
        for path in notice_common.ask_attachment_files(self):
            if path not in self.files:
                self.files.append(path)
                self.file_list.addItem(path.name)

    def remove_file(self) -> None:
        row = self.file_list.currentRow()
        if 0 <= row < len(self.files):
            del self.files[row]
            self.file_list.takeItem(row)

    def save(self) -> None:
        from ...services.households.files import check_source
        from ...services.notices.records import NoticeRecords
        from ...services.notices.service import NoticeService

        r = self.selected_round()
        if r is None:
            return
        subject = self.subject.currentText().strip()
        if not subject:
            dialogs.show_error(
                self, _("请填写异议事项"), _("请选择或输入对哪一项有异议（如 合法面积）。")
            )
            self.subject.setFocus()
            return
        try:
            for path in self.files:  # before anything is written: all or nothing
                check_source(path)
            view = NoticeService(self.db, self.operator).record_objection(
                self.household_id, r.id, subject, self.text.toPlainText(),
                qdate_value(self.received),
            )  # fmt: skip
        except UserError as exc:
            dialogs.show_error(self, _("不能登记异议"), exc.message)
            return
        records = NoticeRecords(self.db, self.operator)
        try:
            for path in self.files:
                records.attach_objection_file(view.id, path)
        except UserError as exc:
            dialogs.show_error(self, _("异议已登记，但材料没有全部保存"), exc.message)
        except OSError as exc:
            _file_error(self, exc)
        self.result_view = view
        self.recorded.emit(view)
        self.accept()


def status_text(o: ObjectionView, today: date) -> tuple[str, QColor | None]:
    if o.status == "upheld":
        return _("成立：待重新核算并公示"), UPHELD
    if o.status == "rejected":
        return _("驳回：{reason}", reason=o.outcome_reason), None
    if o.deadline is not None and today > o.deadline:
        return _("待处理，已超过答复期限 {days} 天", days=(today - o.deadline).days), OVERDUE
    if o.deadline is not None:
        return _("待处理，距答复期限还剩 {days} 天", days=(o.deadline - today).days), None
    return _("待处理"), None


class ObjectionsDialog(QDialog):
    """A village's objections: open ones first by deadline, decided ones on request."""

    changed = Signal(object)  # household id whose objection was decided

    def __init__(
        self,
        db: Database,
        operator: OperatorRef | None,
        villages: tuple[Choice, ...],
        parent: QWidget | None = None,
        *,
        village_id: uuid.UUID | None = None,
    ) -> None:
        super().__init__(parent)
        from ...services.notices.records import NoticeRecords

        self.db, self.operator = db, operator
        self.records = NoticeRecords(db, operator)
        self.objections: list[ObjectionView] = []
        self.round_titles: dict[uuid.UUID, str] = {}
        self.setWindowTitle(_("异议处理"))
        self.village = village_combo(self, villages, village_id)
        self.show_decided = QCheckBox(_("显示已处理的"), self)
        self.count = QLabel(self)
        self.table = list_table(
            self,
            [_("户编号"), _("户主"), _("公示"), _("异议事项"), _("收到日期"),
             _("答复期限"), _("状态")],
            (90, 80, 220, 110, 90, 90),
        )  # fmt: skip
        self.detail = QLabel(self)
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.files = QListWidget(self)
        self.files.setMaximumHeight(70)
        self.uphold_button = QPushButton(_("异议成立…"), self)
        self.reject_button = QPushButton(_("驳回…"), self)
        self.add_files_button = QPushButton(_("添加材料…"), self)
        close = QPushButton(_("关闭"), self)
        for b in (self.uphold_button, self.reject_button, self.add_files_button, close):
            b.setAutoDefault(False)

        top = QHBoxLayout()
        top.addWidget(QLabel(_("村："), self))
        top.addWidget(self.village)
        top.addWidget(self.show_decided)
        top.addStretch(1)
        top.addWidget(self.count)
        buttons = QHBoxLayout()
        buttons.addWidget(self.uphold_button)
        buttons.addWidget(self.reject_button)
        buttons.addWidget(self.add_files_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addWidget(QLabel(_("材料（双击打开）："), self))
        layout.addWidget(self.files)
        layout.addLayout(buttons)

        self.village.currentIndexChanged.connect(lambda _i: self.reload())
        self.show_decided.toggled.connect(lambda _on: self.reload())
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.uphold_button.clicked.connect(lambda: self.decide(True))
        self.reject_button.clicked.connect(lambda: self.decide(False))
        self.add_files_button.clicked.connect(self.add_files)
        self.files.itemActivated.connect(self._open_file)
        close.clicked.connect(self.reject)
        self.resize(1000, 560)
        self.reload()

    def village_id(self) -> uuid.UUID | None:
        value = self.village.currentData()
        return value if isinstance(value, uuid.UUID) else None

    def reload(self, select: uuid.UUID | None = None) -> None:
        village_id = self.village_id()
        current = self.selected()
        keep = select or (current.id if current is not None else None)
        if village_id is None:
            self.objections = []
        else:
            self.objections = self.records.objections(
                village_id, include_decided=self.show_decided.isChecked()
            )
            self.round_titles = {r.id: r.title for r in self.records.rounds(village_id)}
        today = project_today(self.db)
        self.table.setRowCount(len(self.objections))
        overdue = 0
        for row, o in enumerate(self.objections):
            status, colour = status_text(o, today)
            overdue += colour is OVERDUE
            cells = (
                o.household_code,
                o.head_name,
                self.round_titles.get(o.round_id, "") if o.round_id else "",
                o.subject,
                o.received_on.isoformat(),
                o.deadline.isoformat() if o.deadline else "",
                status,
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if colour is not None:
                    item.setBackground(colour)
                if colour is OVERDUE and col == 6:
                    item.setForeground(QColor("#b3261e"))  # still visible when selected
                self.table.setItem(row, col, item)
        grow_to_contents(self.table)
        open_count = sum(o.status == "open" for o in self.objections)
        text = _("待处理 {n} 件", n=open_count)
        if overdue:
            text += _("，其中已超过答复期限 {n} 件", n=overdue)
        self.count.setText(text)
        target = next((i for i, o in enumerate(self.objections) if o.id == keep), 0)
        if self.objections:
            self.table.selectRow(target)
        self._selection_changed()

    def selected(self) -> ObjectionView | None:
        model = self.table.selectionModel()
        rows = model.selectedRows() if model is not None else []
        if not rows or rows[0].row() >= len(self.objections):
            return None
        return self.objections[rows[0].row()]

    def _selection_changed(self) -> None:
        o = self.selected()
        is_open = o is not None and o.status == "open"
        team = team_of_household(self.db, o.household_id) if o is not None else None
        for button, enabled in (
            (self.uphold_button, is_open),
            (self.reject_button, is_open),
            (self.add_files_button, o is not None),
        ):
            gate(button, self.operator, Action.HANDLE_OBJECTION, team, enabled=enabled)
        self.files.clear()
        if o is None:
            self.detail.setText(
                _("这个村没有待处理的异议。") if self.village_id() is not None else ""
            )
            return
        detail = _("{code} {name}  异议事项：{subject}\n{text}", code=o.household_code,
                   name=o.head_name, subject=o.subject, text=o.text)  # fmt: skip
        if o.status != "open":
            detail += "\n" + (
                _("处理结果：成立。{reason}", reason=o.outcome_reason)
                if o.status == "upheld"
                else _("处理结果：驳回。理由：{reason}", reason=o.outcome_reason)
            )
        self.detail.setText(detail)
        for f in self.records.objection_files(o.id):
            item = QListWidgetItem(f.original_name)
            item.setData(Qt.ItemDataRole.UserRole, str(f.path))
            self.files.addItem(item)

    def decide(self, upheld: bool) -> None:
        from ...services.notices.service import NoticeService

        o = self.selected()
        if o is None or o.status != "open":
            return
        summary = _("{code} {name}：{subject}", code=o.household_code, name=o.head_name,
                    subject=o.subject)  # fmt: skip
        reason = notice_common.ask_decision_reason(self, upheld, summary)
        if reason is None:
            return
        try:
            NoticeService(self.db, self.operator).decide_objection(o.id, upheld, reason)
        except UserError as exc:
            dialogs.show_error(self, _("不能处理异议"), exc.message)
            return
        if upheld:
            dialogs.show_info(
                self,
                _("异议成立"),
                _(
                    "已记录：{summary} 异议成立。\n请按异议修改这户的数据，重新核算并复核，"
                    "然后发布新一轮公示；新一轮会标出这户的变更。",
                    summary=summary,
                ),
            )
        self.changed.emit(o.household_id)
        self.reload(select=o.id)

    def add_files(self) -> None:
        from ...services.notices.records import NoticeRecords

        o = self.selected()
        if o is None:
            return
        records = NoticeRecords(self.db, self.operator)
        try:
            for path in notice_common.ask_attachment_files(self):
                records.attach_objection_file(o.id, path)
        except UserError as exc:
            dialogs.show_error(self, _("无法添加材料"), exc.message)
        except OSError as exc:
            _file_error(self, exc)
        self._selection_changed()

    def _open_file(self, item: QListWidgetItem) -> None:
        path = item.data(Qt.ItemDataRole.UserRole)
        if path and not dialogs.open_file(Path(path)):
            dialogs.show_error(self, _("无法打开材料"), _("找不到文件：{path}", path=str(path)))
