"""The wizard's pages for an existing project, HQ's join package and the demo."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from ...i18n import _
from ...paths import demo_database
from ...services.errors import UserError
from ...storage.errors import StorageError
from ..background import run_busy
from . import choosers, join
from .common import ErrorLine, Finish, PathRow, documents_folder, free_name

DEMO_DEFAULT_HOUSEHOLDS = 300
DEMO_MAX_HOUSEHOLDS = 100_000


class OpenPage(QWizardPage):
    """打开已有项目: a project file on this computer or a USB stick."""

    def __init__(self, wizard: QWizard, finish: Finish) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self._finish = finish
        self.setTitle(_("打开已有项目"))
        self.setSubTitle(_("选择本机或U盘上的项目文件（.sqlite）。"))
        self.file = PathRow(self, "openFile", choosers.ask_project_file)
        self.error = ErrorLine(self)
        form = QFormLayout()
        form.addRow(_("项目文件"), self.file)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.error)

    def validatePage(self) -> bool:
        path = self.file.path()
        if path is None:
            self.error.say(_("请选择要打开的项目文件。"))
            return False
        if not path.is_file():
            self.error.say(_("找不到项目文件 {path}；请重新选择。", path=path))
            return False
        self._finish(path, None)
        return True


class JoinPage(QWizardPage):
    """加入项目: HQ's join package (.rdpkg), its password if it has one, and the new file."""

    def __init__(self, wizard: QWizard, finish: Finish, package: Path | None = None) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self._finish = finish
        self.setTitle(_("加入项目（指挥部下发的加入包）"))
        self.setSubTitle(
            _("选择指挥部发给本工作组的加入包；加密的加入包还要输入指挥部告诉您的密码。")
        )
        self.package = PathRow(self, "joinPackage", choosers.ask_join_package,
                               str(package) if package else "")  # fmt: skip
        self.password = QLineEdit(self)
        self.password.setObjectName("joinPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(_("加入包未加密时留空"))
        self.target = PathRow(self, "joinTarget", choosers.ask_new_project_file)
        self.package.edit.textChanged.connect(self._suggest_target)
        self._suggest_target(self.package.edit.text())
        self.error = ErrorLine(self)
        form = QFormLayout()
        form.addRow(_("加入包"), self.package)
        form.addRow(_("加入包密码"), self.password)
        form.addRow(_("项目文件保存到"), self.target)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.error)

    def _suggest_target(self, text: str) -> None:
        stem = Path(text.strip()).stem if text.strip() else _("加入的项目")
        self.target.edit.setText(str(free_name(documents_folder(), stem)))

    def validatePage(self) -> bool:
        package, target = self.package.path(), self.target.path()
        if package is None or not package.is_file():
            self.error.say(_("请选择指挥部下发的加入包（.rdpkg 文件）。"))
            return False
        if target is None:
            self.error.say(_("请填写项目文件的保存位置。"))
            return False
        if target.exists():
            self.error.say(
                _("文件 {path} 已经存在；加入项目不会覆盖已有文件，请换一个文件名。", path=target)
            )
            return False
        password = self.password.text() or None

        def work() -> join.Joined:
            target.parent.mkdir(parents=True, exist_ok=True)
            return join.join_package(package, target, password)

        try:
            joined = run_busy(self._wizard, _("正在加入项目…"), work)
        except (UserError, StorageError) as exc:
            self.error.say(exc.message)
            return False
        except OSError as exc:
            self.error.say(_("无法在 {path} 创建项目文件：{reason}", path=target.parent,
                             reason=exc.strerror or exc))  # fmt: skip
            return False
        self.error.say("")
        self._finish(
            joined.path, None,
            _("已加入项目 {project}（{team}）。", project=joined.project_name,
              team=joined.team_name),
        )  # fmt: skip
        return True


class DemoPage(QWizardPage):
    """演示项目: a made-up project to try the program on, marked 演示 everywhere."""

    def __init__(self, wizard: QWizard, finish: Finish) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self._finish = finish
        self.setTitle(_("演示项目"))
        self.setSubTitle(
            _("生成一个虚构的演示项目，用来熟悉软件；窗口标题和打印的每一页都标有“演示”。"
              "每位演示工作人员的密码是 demo。")
        )  # fmt: skip
        self.households = QSpinBox(self)
        self.households.setObjectName("demoHouseholds")
        self.households.setRange(1, DEMO_MAX_HOUSEHOLDS)
        self.households.setValue(DEMO_DEFAULT_HOUSEHOLDS)
        self.households.setSuffix(_(" 户"))
        self.where = QLabel(self)
        self.where.setObjectName("demoFile")
        self.where.setWordWrap(True)
        self.households.valueChanged.connect(self._show_file)
        self._show_file()
        self.error = ErrorLine(self)
        form = QFormLayout()
        form.addRow(_("农户数"), self.households)
        form.addRow(_("保存到"), self.where)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.error)

    def demo_file(self) -> Path:
        return demo_database().with_name(f"demo-{self.households.value()}.sqlite")

    def _show_file(self) -> None:
        path = self.demo_file()
        if path.exists():
            self.where.setText(_("{path}（已生成过，直接打开）", path=path))
        else:
            self.where.setText(str(path))

    def validatePage(self) -> bool:
        from ...services.demo.generator import generate_demo

        path, n = self.demo_file(), self.households.value()

        def make() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            generate_demo(path, households=n)

        if not path.exists():
            try:
                run_busy(self._wizard, _("正在生成演示项目…"), make)
            except (UserError, StorageError) as exc:
                self.error.say(exc.message)
                return False
        self.error.say("")
        self._finish(path, None)
        return True
