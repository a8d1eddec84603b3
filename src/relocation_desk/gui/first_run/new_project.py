"""The two pages of 新建空项目: the project with its teams, villages and groups; then the
scheme and the administrator, whose 完成 creates the project file."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ...i18n import _
from ...paths import resource
from ...services.errors import UserError
from ...services.new_project.create import create_project
from ...services.new_project.layout_xlsx import GROUP_COLUMNS, TEAM_COLUMNS, read_layout
from ...services.new_project.plan import (
    DEFAULT_GROUPS,
    DEFAULT_TEAM,
    DEFAULT_VILLAGE,
    NewProject,
    NewProjectRejected,
    TeamPlan,
    VillagePlan,
)
from ...storage.errors import StorageError
from .. import dialogs
from ..background import run_busy
from ..wrapped_label import unbroken
from . import choosers
from .common import ErrorLine, Finish, PathRow, documents_folder, free_name

DEFAULT_PROJECT_NAME = "新征收项目"
LAYOUT_SAMPLE = ("new-project", "村组模板.xlsx")
_GROUP_SPLIT = re.compile(r"[、，,;；\s]+")


def _table(parent: QWidget, name: str, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    table.verticalHeader().setVisible(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    return table


def _set_rows(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))


def _rows(table: QTableWidget) -> list[list[str]]:
    """The table's rows as text; rows left wholly empty are skipped."""
    out = []
    for r in range(table.rowCount()):
        cells = []
        for c in range(table.columnCount()):
            item = table.item(r, c)
            cells.append(item.text().strip() if item is not None else "")
        if any(cells):
            out.append(cells)
    return out


def _row_buttons(parent: QWidget, table: QTableWidget, name: str) -> QHBoxLayout:
    add = QPushButton(_("添加一行"), parent)
    add.setObjectName(name + "Add")
    add.clicked.connect(lambda: table.setRowCount(table.rowCount() + 1))
    remove = QPushButton(_("删除选中行"), parent)
    remove.setObjectName(name + "Remove")

    def remove_rows() -> None:
        for r in sorted({i.row() for i in table.selectedIndexes()}, reverse=True):
            table.removeRow(r)

    remove.clicked.connect(remove_rows)
    row = QHBoxLayout()
    row.addWidget(add)
    row.addWidget(remove)
    row.addStretch(1)
    return row


class ProjectPage(QWizardPage):
    """项目与村组: name, county, where the file goes, teams, villages and groups."""

    def __init__(self, wizard: QWizard) -> None:
        super().__init__(wizard)
        self.setTitle(_("新建空项目：项目与村组"))
        self.setSubTitle(
            _(
                "填写项目名称和工作组、村、村民小组；也可以从 Excel 文件读取。默认值可以直接使用，以后还能修改。"
            )
        )
        self.name = QLineEdit(DEFAULT_PROJECT_NAME, self)
        self.name.setObjectName("projectName")
        self.county = QLineEdit(self)
        self.county.setObjectName("projectCounty")
        folder = documents_folder()
        self.location = PathRow(self, "projectFile", self._choose_file,
                                str(free_name(folder, DEFAULT_PROJECT_NAME)), folder=folder)  # fmt: skip
        form = QFormLayout()
        form.addRow(_("项目名称"), self.name)
        form.addRow(_("县（区）"), self.county)
        form.addRow(_("保存位置"), self.location)
        self.teams = _table(self, "teamsTable", [_("组号"), _("工作组名称")])
        _set_rows(self.teams, [list(DEFAULT_TEAM)])
        self.villages = _table(
            self, "villagesTable", [_("村"), _("村民小组（用顿号分隔）"), _("工作组组号")]
        )
        _set_rows(self.villages, [[DEFAULT_VILLAGE, "、".join(DEFAULT_GROUPS), DEFAULT_TEAM[0]]])
        self.read_xlsx = QPushButton(_("从 Excel 读取…"), self)
        self.read_xlsx.setObjectName("readLayoutXlsx")
        self.read_xlsx.clicked.connect(self.read_layout_file)
        template = resource(*LAYOUT_SAMPLE)
        sample = QLabel(
            _("Excel 文件格式：工作表“工作组”（列：{teams}），工作表“村组”（列：{groups}，每个小组一行）。"
              "样例：{path}", teams="、".join(TEAM_COLUMNS), groups="、".join(GROUP_COLUMNS),
              path=unbroken(template.name)),
            self,
        )  # fmt: skip
        sample.setWordWrap(True)
        sample.setObjectName("layoutSampleNote")
        sample.setToolTip(str(template))
        self.open_template = QPushButton(_("打开模板文件夹"), self)
        self.open_template.setObjectName("openLayoutTemplate")
        self.open_template.setToolTip(str(template))
        self.open_template.clicked.connect(lambda: dialogs.open_file(template.parent))
        self.error = ErrorLine(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(_("各工作组"), self))
        layout.addWidget(self.teams, 1)
        layout.addLayout(_row_buttons(self, self.teams, "teams"))
        layout.addWidget(QLabel(_("村和村民小组"), self))
        layout.addWidget(self.villages, 2)
        layout.addLayout(_row_buttons(self, self.villages, "villages"))
        xlsx_row = QHBoxLayout()
        xlsx_row.addWidget(self.read_xlsx)
        xlsx_row.addWidget(sample, 1)
        xlsx_row.addWidget(self.open_template)
        layout.addLayout(xlsx_row)
        layout.addWidget(self.error)

    def _choose_file(self, parent: QWidget, start: str) -> Path | None:
        return choosers.ask_new_project_file(parent, start)

    def read_layout_file(self) -> None:
        path = choosers.ask_layout_xlsx(self, str(resource(*LAYOUT_SAMPLE).parent))
        if path is None:
            return
        try:
            teams, villages = read_layout(path)
        except NewProjectRejected as exc:
            self.error.say(exc.message)
            return
        _set_rows(self.teams, [[t.code, t.name] for t in teams])
        _set_rows(self.villages, [[v.name, "、".join(v.groups), v.team_code] for v in villages])
        self.error.say("")

    def plan(self) -> NewProject:
        teams = tuple(TeamPlan(*row[:2]) for row in _rows(self.teams))
        villages = tuple(
            VillagePlan(row[0], tuple(g for g in _GROUP_SPLIT.split(row[1]) if g), row[2])
            for row in _rows(self.villages)
        )
        return NewProject(name=self.name.text(), county=self.county.text(), teams=teams,
                          villages=villages)  # fmt: skip

    def target(self) -> Path | None:
        path = self.location.path()
        if path is None:
            return None
        return path if path.suffix.lower() in (".sqlite", ".db") else path.with_suffix(".sqlite")

    def validatePage(self) -> bool:
        try:
            self.plan().checked_organisation()
        except NewProjectRejected as exc:
            self.error.say(exc.message)
            return False
        target = self.target()
        if target is None:
            self.error.say(_("请填写新项目文件的保存位置。"))
            return False
        if target.exists():
            self.error.say(
                _("文件 {path} 已经存在；新项目不会覆盖已有文件，请换一个文件名。", path=target)
            )
            return False
        self.error.say("")
        return True


class AdminPage(QWizardPage):
    """方案与管理员: the scheme file (the shipped example by default) and the administrator;
    完成 creates the project."""

    def __init__(self, wizard: QWizard, finish: Finish, details: ProjectPage) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self._finish = finish
        self._details = details
        self.setTitle(_("新建空项目：补偿方案与管理员"))
        self.setSubTitle(
            _("管理员负责添加工作人员和发布补偿方案。请设置管理员密码（至少 8 个字符），输入两次。")
        )
        self.use_scheme = QCheckBox(
            _("导入并发布补偿方案文件（以后可以在“方案与核算”中修改）"), self
        )
        self.use_scheme.setObjectName("useScheme")
        self.use_scheme.setChecked(True)
        self.scheme = PathRow(self, "schemeFile", choosers.ask_scheme_file,
                              str(resource("schemes", "sample-scheme.json")))  # fmt: skip
        self.use_scheme.toggled.connect(self.scheme.setEnabled)
        self.login = QLineEdit("admin", self)
        self.login.setObjectName("adminLogin")
        self.admin_name = QLineEdit(_("管理员"), self)
        self.admin_name.setObjectName("adminName")
        self.password = QLineEdit(self)
        self.password.setObjectName("adminPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_again = QLineEdit(self)
        self.password_again.setObjectName("adminPasswordAgain")
        self.password_again.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(self.use_scheme)
        form.addRow(_("方案文件"), self.scheme)
        form.addRow(_("管理员登录名"), self.login)
        form.addRow(_("管理员姓名"), self.admin_name)
        form.addRow(_("密码"), self.password)
        form.addRow(_("再次输入密码"), self.password_again)
        self.error = ErrorLine(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.error)

    def initializePage(self) -> None:
        self.password.setFocus()

    def validatePage(self) -> bool:
        scheme = self.scheme.path() if self.use_scheme.isChecked() else None
        if self.use_scheme.isChecked() and scheme is None:
            self.error.say(_("请选择补偿方案文件，或取消勾选“导入并发布补偿方案文件”。"))
            return False
        base = self._details.plan()
        plan = NewProject(
            name=base.name, county=base.county, teams=base.teams, villages=base.villages,
            scheme_file=scheme, admin_login=self.login.text(), admin_name=self.admin_name.text(),
            admin_password=self.password.text(), admin_password_again=self.password_again.text(),
        )  # fmt: skip
        target = self._details.target()
        assert target is not None  # the project page checked it
        try:
            created = run_busy(self._wizard, _("正在创建项目…"),
                               lambda: create_project(target, plan))  # fmt: skip
        except (UserError, StorageError) as exc:
            self.error.say(exc.message)
            return False
        self.error.say("")
        self._finish(created.path, created.admin)
        return True
