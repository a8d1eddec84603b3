"""The audit viewer: who did what, when, to which household — read-only, filtered in the database.

Filters: operator, household code, action, local date range, and "personal-data exports only"
(exports and prints that carry full ID numbers or bank accounts). The table holds only the
pages read so far; scrolling to its end reads the next page (Qt's ``canFetchMore`` /
``fetchMore``), so a log of millions of rows opens at once. The selected row's values before
and after, and its place in the chain, show below the table.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...i18n import _
from ...services.audit.log import PAGE_SIZE, AuditEntry, AuditFilter, filter_choices, read_page
from ...services.clock import project_today, project_zone
from ...services.errors import UserError
from ...services.households.service import OperatorRef
from ...services.integrity.chain import local_time
from ...storage.db import Database
from .. import dialogs
from ..columns import fit_columns
from ..screen import fit_to_screen

_DISPLAY = Qt.ItemDataRole.DisplayRole
Index = QModelIndex | QPersistentModelIndex


# Words for the stored codes; a code not listed is shown as stored.
ACTION_LABELS = {
    "create": "新增", "update": "修改", "delete": "删除", "import": "导入", "export": "导出",
    "print": "打印", "reprint": "重印", "calculate": "核算", "check": "复核", "status": "状态变化",
    "sign": "签约", "sign_backdated": "补登签约", "revise": "改稿", "post": "张贴公示",
    "freeze": "冻结", "publish": "发布", "discard": "放弃草稿", "reverse": "冲正",
    "request": "申请", "decide": "审批", "attach": "添加文件", "sign_in": "登录",
    "sign_in_failed": "登录失败", "lock": "锁定", "password_change": "改密码",
    "password_reset": "重置密码", "create_admin": "创建管理员",
    "decide_conflict": "处理冲突", "copy_to_server": "复制到服务器",
}  # fmt: skip
ENTITY_LABELS = {
    "household": "农户", "person": "家庭成员", "structure": "房屋", "attachment": "附属物",
    "calculation": "核算", "agreement": "协议", "payment": "支付", "milestone": "进度节点",
    "compensation_decision": "补偿决定", "scheme_version": "补偿方案", "notice_round": "公示",
    "daily_report": "日报", "ledger": "台账", "operator": "操作员", "stored_file": "文件",
    "approval_request": "特殊情况申请", "objection": "异议",
    "exchange_conflict": "数据交换冲突", "project": "项目",
}  # fmt: skip


def _label(labels: dict[str, str], code: str) -> str:
    return _(labels[code]) if code in labels else code


def _headers() -> tuple[str, ...]:
    return (_("序号"), _("时间"), _("操作员"), _("操作"), _("对象"), _("户号"), _("说明"))


class AuditModel(QAbstractTableModel):
    """The rows read so far for one filter; the next page is read when the view asks."""

    def __init__(self, db: Database, operator: OperatorRef | None, parent: QWidget) -> None:
        super().__init__(parent)
        self._db, self._operator = db, operator
        self.zone = project_zone(db)  # the project's, for the times shown
        self._filter = AuditFilter()
        self.rows: list[AuditEntry] = []
        self._more = False
        self._headers = _headers()

    def set_filter(self, flt: AuditFilter) -> None:
        self.beginResetModel()
        self._filter = flt
        self.rows = read_page(self._db, self._operator, flt)
        self._more = len(self.rows) == PAGE_SIZE
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's API)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if role == _DISPLAY and orientation == Qt.Orientation.Horizontal:
            return self._headers[section]
        return None

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if role != _DISPLAY or not index.isValid():
            return None
        e = self.rows[index.row()]
        col = index.column()
        if col == 0:
            return str(e.seq) if e.seq is not None else ""
        if col == 1:
            return local_time(e.at, self.zone)
        if col == 2:
            return e.operator_login
        if col == 3:
            return _label(ACTION_LABELS, e.action)
        if col == 4:
            return _label(ENTITY_LABELS, e.entity)
        if col == 5:
            return e.household_code or ""
        return e.note

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self._more or not self.rows:
            return
        below = self.rows[-1].seq
        page = read_page(self._db, self._operator, self._filter, below_seq=below)
        self._more = len(page) == PAGE_SIZE
        if page:
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self.rows.extend(page)
            self.endInsertRows()


class AuditViewer(QDialog):
    """审计日志: filters above, the rows in the middle, the selected row's details below."""

    def __init__(self, db: Database, operator: OperatorRef | None, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName("auditViewer")
        self.setWindowTitle(_("审计日志（只读）"))
        fit_to_screen(self, 1100, 696)
        self._db, self._operator = db, operator
        operators, actions = filter_choices(db, operator)

        self.operator_box = QComboBox()
        self.operator_box.setObjectName("auditOperator")
        self.operator_box.addItem(_("全部"), "")
        for login, name in operators:
            self.operator_box.addItem(f"{name}（{login}）", login)
        self.household_edit = QLineEdit()
        self.household_edit.setObjectName("auditHousehold")
        self.household_edit.setPlaceholderText(_("户号，如 T01-0001"))
        self.action_box = QComboBox()
        self.action_box.setObjectName("auditAction")
        self.action_box.addItem(_("全部"), "")
        for action in actions:
            self.action_box.addItem(_label(ACTION_LABELS, action), action)
        self.use_dates = QCheckBox(_("按日期"))
        self.use_dates.setObjectName("auditUseDates")
        day = project_today(db)  # the project's calendar, as the filter reads it
        today = QDate(day.year, day.month, day.day)
        self.date_from = QDateEdit(today.addDays(-7))
        self.date_to = QDateEdit(today)
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.date_from.setObjectName("auditDateFrom")
        self.date_to.setObjectName("auditDateTo")
        self.exports_only = QCheckBox(_("只看含个人信息的导出和打印"))
        self.exports_only.setObjectName("auditExportsOnly")
        self.search_button = QPushButton(_("查询"))
        self.search_button.setObjectName("auditSearch")
        self.search_button.setDefault(True)
        self.search_button.clicked.connect(self.search)
        self.household_edit.returnPressed.connect(self.search)

        filters = QFormLayout()
        row1 = QHBoxLayout()
        row1.addWidget(QLabel(_("操作员")))
        row1.addWidget(self.operator_box, 2)
        row1.addWidget(QLabel(_("户号")))
        row1.addWidget(self.household_edit, 1)
        row1.addWidget(QLabel(_("操作")))
        row1.addWidget(self.action_box, 1)
        row2 = QHBoxLayout()
        row2.addWidget(self.use_dates)
        row2.addWidget(self.date_from)
        row2.addWidget(QLabel("—"))
        row2.addWidget(self.date_to)
        row2.addWidget(self.exports_only)
        row2.addStretch(1)
        row2.addWidget(self.search_button)
        filters.addRow(row1)
        filters.addRow(row2)

        self.model = AuditModel(db, operator, self)
        self.table = QTableView()
        self.table.setObjectName("auditTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        fit_columns(self.table, (80, 130, 120, 90, 120, 90))
        self.table.selectionModel().currentRowChanged.connect(self._show_details)
        self.details = QPlainTextEdit()
        self.details.setObjectName("auditDetails")
        self.details.setReadOnly(True)
        self.status = QLabel()
        self.status.setObjectName("auditStatus")

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.details)
        split.setSizes([500, 160])
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)

    def current_filter(self) -> AuditFilter:
        dates = self.use_dates.isChecked()
        return AuditFilter(
            operator_login=str(self.operator_box.currentData() or ""),
            household_code=self.household_edit.text().strip(),
            action=str(self.action_box.currentData() or ""),
            date_from=self.date_from.date().toPython() if dates else None,  # type: ignore[arg-type]
            date_to=self.date_to.date().toPython() if dates else None,  # type: ignore[arg-type]
            personal_exports=self.exports_only.isChecked(),
        )

    def search(self) -> None:
        flt = self.current_filter()
        if flt.date_from and flt.date_to and flt.date_from > flt.date_to:
            dialogs.show_error(self, _("无法查询"), _("开始日期晚于结束日期；请调换两个日期"))
            return
        try:
            self.model.set_filter(flt)
        except UserError as exc:
            dialogs.show_error(self, _("无法查询"), exc.message)
            return
        self.details.clear()
        n = len(self.model.rows)
        if n == 0:
            self.status.setText(_("没有符合条件的记录"))
        elif self.model.canFetchMore():
            self.status.setText(_("已显示最新的 {n} 条；向下滚动显示更多", n=n))
        else:
            self.status.setText(_("共 {n} 条", n=n))

    def _show_details(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.details.clear()
            return
        e = self.model.rows[current.row()]
        lines = [
            _("第 {seq} 条，{at}，{who}：{entity}/{action} {id}", seq=e.seq, at=local_time(e.at, self.model.zone),
              who=e.operator_login or _("未记录操作员"), entity=e.entity, action=e.action,
              id=e.entity_id),
            _("说明：{note}", note=e.note or "-"),
            _("之前：{value}", value=_json(e.before)),
            _("之后：{value}", value=_json(e.after)),
        ]  # fmt: skip
        if e.seal:
            lines.append(_("封存值：{seal}", seal=e.seal))
        self.details.setPlainText("\n".join(lines))


def _json(value: Any) -> str:
    if value is None:
        return "-"
    return json.dumps(value, ensure_ascii=False, indent=1)
