"""The first-run wizard: what to work on when the program has no project to open.

Its result (``FirstRunWizard.outcome``) is the project file to open and, for a new project,
its administrator, already signed in by having just chosen the password.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ...i18n import _
from ...services.households.service import OperatorRef
from .new_project import AdminPage, ProjectPage
from .other_pages import DemoPage, JoinPage, OpenPage

PAGE_CHOICE, PAGE_PROJECT, PAGE_ADMIN, PAGE_OPEN, PAGE_JOIN, PAGE_DEMO = range(6)


@dataclass(frozen=True)
class FirstRunResult:
    path: Path
    operator: OperatorRef | None = None  # signed in already (the new project's administrator)
    note: str = ""  # shown once the project is open (e.g. which team joined)


class ChoicePage(QWizardPage):
    def __init__(self, wizard: QWizard) -> None:
        super().__init__(wizard)
        self.setTitle(_("欢迎使用征收补偿工作台"))
        self.setSubTitle(_("请选择要做什么。以后可以在“文件 → 新建/打开项目”中再次选择。"))
        layout = QVBoxLayout(self)
        self.new = self._choice(layout, "choiceNew", _("新建空项目"),
                                _("新项目：填写工作组、村组，设置管理员密码。"))  # fmt: skip
        self.open = self._choice(layout, "choiceOpen", _("打开已有项目"),
                                 _("打开本机或U盘上已有的项目文件。"))  # fmt: skip
        self.join = self._choice(layout, "choiceJoin", _("加入项目（指挥部下发的加入包）"),
                                 _("工作组用指挥部发来的 .rdpkg 加入包开始工作。"))  # fmt: skip
        self.demo = self._choice(layout, "choiceDemo", _("演示项目"),
                                 _("生成虚构的演示数据，熟悉软件用；处处标有“演示”。"))  # fmt: skip
        layout.addStretch(1)
        self.new.setChecked(True)

    def _choice(self, layout: QVBoxLayout, name: str, text: str, hint: str) -> QRadioButton:
        button = QRadioButton(text, self)
        button.setObjectName(name)
        layout.addWidget(button)
        label = QLabel(hint, self)
        label.setWordWrap(True)
        label.setContentsMargins(24, 0, 0, 8)
        layout.addWidget(label)
        return button

    def nextId(self) -> int:
        if self.open.isChecked():
            return PAGE_OPEN
        if self.join.isChecked():
            return PAGE_JOIN
        if self.demo.isChecked():
            return PAGE_DEMO
        return PAGE_PROJECT


class FirstRunWizard(QWizard):
    """新建空项目 / 打开已有项目 / 加入项目 / 演示项目. ``package``: start on the join page
    with this join package."""

    def __init__(self, parent: QWidget | None = None, *, package: Path | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRunWizard")
        self.setWindowTitle(_("征收补偿工作台：开始"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, _("下一步(&N) >"))
        self.setButtonText(QWizard.WizardButton.BackButton, _("< 上一步(&B)"))
        self.setButtonText(QWizard.WizardButton.FinishButton, _("完成(&F)"))
        self.setButtonText(QWizard.WizardButton.CancelButton, _("取消"))
        self.outcome: FirstRunResult | None = None
        self.choice = ChoicePage(self)
        self.project = ProjectPage(self)
        self.admin = AdminPage(self, self.finish_with, self.project)
        self.open_page = OpenPage(self, self.finish_with)
        self.join = JoinPage(self, self.finish_with, package)
        self.demo = DemoPage(self, self.finish_with)
        for page_id, page in (
            (PAGE_CHOICE, self.choice), (PAGE_PROJECT, self.project), (PAGE_ADMIN, self.admin),
            (PAGE_OPEN, self.open_page), (PAGE_JOIN, self.join), (PAGE_DEMO, self.demo),
        ):  # fmt: skip
            self.setPage(page_id, page)
        for final in (self.admin, self.open_page, self.join, self.demo):
            final.setFinalPage(True)
        self.project.setCommitPage(False)
        if package is not None:
            self.choice.join.setChecked(True)
            self.setStartId(PAGE_JOIN)
        self.resize(760, 600)

    def nextId(self) -> int:
        current = self.currentId()
        if current == PAGE_CHOICE:
            return self.choice.nextId()
        if current == PAGE_PROJECT:
            return PAGE_ADMIN
        return -1

    def finish_with(self, path: Path, operator: OperatorRef | None, note: str = "") -> None:
        self.outcome = FirstRunResult(path, operator, note)


def ask_first_run(parent: QWidget | None, *, package: Path | None = None) -> FirstRunResult | None:
    """The wizard shown and answered: a new, existing, joined or demo project (None: they gave
    up). ``package``: start on the join page with this join package. Tests replace it."""
    wizard = FirstRunWizard(parent, package=package)
    return wizard.outcome if wizard.exec() == QDialog.DialogCode.Accepted else None
