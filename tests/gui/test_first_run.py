"""The first-run wizard and opening files, driven through the real widgets: the defaults
make a usable empty project with 下一步, 下一步, 完成 and a password typed twice; bad input
is told on its page; the join, open and demo pages; a file that cannot be opened."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QWizard

from .typing import type_text

pytestmark = pytest.mark.gui

PASSWORD = "kaishi2026"


@pytest.fixture
def documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's documents folder, where new project files go by default."""
    from relocation_desk.gui.first_run import new_project, other_pages

    folder = tmp_path / "文档" / "征收补偿项目"
    monkeypatch.setattr(new_project, "documents_folder", lambda: folder)
    monkeypatch.setattr(other_pages, "documents_folder", lambda: folder)
    return folder


@pytest.fixture
def wizard(qtbot: Any, documents: Path) -> Any:
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.first_run.wizard import FirstRunWizard

    make_app()
    w = FirstRunWizard()
    qtbot.addWidget(w)
    w.show()
    return w


def click(qtbot: Any, w: Any, which: QWizard.WizardButton) -> None:
    qtbot.mouseClick(w.button(which), Qt.MouseButton.LeftButton)
    QApplication.processEvents()


def field(w: Any, name: str) -> QLineEdit:
    found = w.findChild(QLineEdit, name)
    assert found is not None, name
    return found


def error_on(page: Any) -> str:
    return str(page.error.text()) if page.error.isVisible() else ""


def while_modal(action: Callable[[Any], None]) -> None:
    """Run ``action(dialog)`` on the modal dialog once it is shown (its exec() loop runs);
    the dialog is rejected if the action fails, so the test ends instead of hanging."""

    def run() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, run)
            return
        try:
            action(dialog)
        finally:
            if dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, run)


def test_defaults_next_next_finish_open_a_usable_empty_project(
    qtbot: Any, documents: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from relocation_desk.gui import app
    from relocation_desk.gui.main_window import MainWindow
    from relocation_desk.services.schemes.service import SchemeService

    app.make_app()
    seen: dict[str, Any] = {}

    def walk(w: Any) -> None:
        click(qtbot, w, QWizard.WizardButton.NextButton)  # 新建空项目 is chosen already
        seen["project page"] = w.currentId()
        click(qtbot, w, QWizard.WizardButton.NextButton)  # the defaults of 项目与村组
        type_text(qtbot, field(w, "adminPassword"), PASSWORD)
        type_text(qtbot, field(w, "adminPasswordAgain"), PASSWORD)
        click(qtbot, w, QWizard.WizardButton.FinishButton)

    while_modal(walk)
    opened = app.open_project(None)  # no project given, none remembered: the wizard asks
    assert opened is not None
    db, operator, _note = opened
    try:
        assert operator is not None and operator.login == "admin"  # no second sign-in
        assert db.path is not None and db.path.parent == documents
        assert db.path.name == "新征收项目.sqlite"
        window = MainWindow(db, operator)
        qtbot.addWidget(window)
        window.show()
        assert window.model is not None and window.model.rowCount() == 0
        assert window.windowTitle().startswith("新征收项目")
        assert "演示" not in window.windowTitle()
        villages = [
            window.filters.village.itemText(i) for i in range(window.filters.village.count())
        ]
        assert "第一村" in villages
        assert window.new_action.isEnabled()  # the administrator may register households
        schemes = SchemeService(db, operator).list_schemes()
        assert schemes and any(v.status == "published" for s in schemes for v in s.versions)
    finally:
        db.close()
    assert seen["project page"] == 1


def test_bad_input_is_told_on_its_page_and_nothing_is_made(
    qtbot: Any, wizard: Any, documents: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from relocation_desk.gui.first_run import choosers

    w = wizard
    click(qtbot, w, QWizard.WizardButton.NextButton)
    page = w.project
    # A second team with the same code.
    page.teams.setRowCount(2)
    page.teams.setCurrentCell(1, 0)
    type_text(qtbot, page.teams, "T01")
    page.teams.setCurrentCell(1, 1)
    type_text(qtbot, page.teams, "第二工作组")
    QApplication.processEvents()
    click(qtbot, w, QWizard.WizardButton.NextButton)
    assert w.currentId() == 1
    assert "T01" in error_on(page) and "重复" in error_on(page)
    page.teams.selectRow(1)
    qtbot.mouseClick(w.findChild(type(w.button(QWizard.WizardButton.NextButton)), "teamsRemove"),
                     Qt.MouseButton.LeftButton)  # fmt: skip
    # An empty village name.
    page.villages.item(0, 0).setText("")
    click(qtbot, w, QWizard.WizardButton.NextButton)
    assert w.currentId() == 1 and "村名" in error_on(page)
    # An xlsx that is not one: told on the page, the tables keep what they had.
    bad = tmp_path / "村组.xlsx"
    bad.write_bytes(b"not a workbook at all")
    monkeypatch.setattr(choosers, "ask_layout_xlsx", lambda parent, start="": bad)
    qtbot.mouseClick(page.read_xlsx, Qt.MouseButton.LeftButton)
    assert "xlsx" in error_on(page) and "村组.xlsx" in error_on(page)
    assert page.teams.rowCount() == 1
    page.villages.item(0, 0).setText("袁岗村")
    click(qtbot, w, QWizard.WizardButton.NextButton)
    assert w.currentId() == 2
    # Passwords that differ.
    type_text(qtbot, field(w, "adminPassword"), PASSWORD)
    type_text(qtbot, field(w, "adminPasswordAgain"), PASSWORD + "x")
    click(qtbot, w, QWizard.WizardButton.FinishButton)
    assert w.isVisible() and w.outcome is None
    assert "不一致" in error_on(w.admin)
    # A scheme file that is not one: the project file is not left behind half made.
    not_scheme = tmp_path / "方案.json"
    not_scheme.write_text("{}", encoding="utf-8")
    w.admin.scheme.edit.setText(str(not_scheme))
    field(w, "adminPasswordAgain").clear()
    type_text(qtbot, field(w, "adminPasswordAgain"), PASSWORD)
    click(qtbot, w, QWizard.WizardButton.FinishButton)
    assert w.outcome is None and error_on(w.admin)
    assert not documents.exists() or list(documents.iterdir()) == []


def test_teams_and_villages_read_from_the_sample_xlsx(
    qtbot: Any, wizard: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from relocation_desk.gui.first_run import choosers
    from relocation_desk.paths import resource

    sample = resource("new-project", "村组模板.xlsx")
    monkeypatch.setattr(choosers, "ask_layout_xlsx", lambda parent, start="": sample)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    page = wizard.project
    qtbot.mouseClick(page.read_xlsx, Qt.MouseButton.LeftButton)
    assert not error_on(page)
    plan = page.plan().checked_organisation()
    assert [t.code for t in plan.teams] == ["T01", "T02"]
    assert [(v.name, v.groups, v.team_code) for v in plan.villages] == [
        ("袁岗村", ("一组", "二组", "三组"), "T01"),
        ("张庄村", ("一组", "二组"), "T02"),
    ]


def test_join_page_calls_the_join_service_adapter(
    qtbot: Any, wizard: Any, documents: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from relocation_desk.gui.first_run import join
    from relocation_desk.services.errors import UserError

    package = tmp_path / "袁岗村工作组.rdpkg"
    package.write_bytes(b"package")
    calls: list[tuple[Path, Path, str | None]] = []

    def fake_join(pkg: Path, target: Path, password: str | None) -> Any:
        calls.append((pkg, target, password))
        if password != "hq-secret":
            raise UserError("加入包密码不对；请向指挥部核对密码。")
        target.write_bytes(b"")
        return join.Joined(target, "城东片区征收项目", "第二工作组")

    monkeypatch.setattr(join, "join_package", fake_join)
    wizard.choice.join.setChecked(True)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentId() == 4
    wizard.join.package.edit.setText(str(package))
    assert wizard.join.target.path() == documents / "袁岗村工作组.sqlite"
    type_text(qtbot, field(wizard, "joinPassword"), "wrong")
    click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    assert "密码不对" in error_on(wizard.join) and wizard.outcome is None
    field(wizard, "joinPassword").clear()
    type_text(qtbot, field(wizard, "joinPassword"), "hq-secret")
    click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    assert calls[-1] == (package, documents / "袁岗村工作组.sqlite", "hq-secret")
    assert wizard.outcome is not None
    assert wizard.outcome.path == documents / "袁岗村工作组.sqlite"
    assert "城东片区征收项目" in wizard.outcome.note and "第二工作组" in wizard.outcome.note


def test_a_join_package_given_on_the_command_line_starts_on_the_join_page(
    qtbot: Any, documents: Path, tmp_path: Path
) -> None:
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.first_run.wizard import FirstRunWizard

    make_app()
    package = tmp_path / "加入包.rdpkg"
    w = FirstRunWizard(package=package)
    qtbot.addWidget(w)
    w.show()
    assert w.currentId() == 4 and w.join.package.path() == package


def test_demo_page_makes_a_demo_marked_in_the_title(qtbot: Any, wizard: Any) -> None:
    from relocation_desk.gui.main_window import MainWindow
    from relocation_desk.storage.db import open_database

    wizard.choice.demo.setChecked(True)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    spin = wizard.demo.households
    spin.selectAll()
    type_text(qtbot, spin, "30")
    assert spin.value() == 30
    click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    assert wizard.outcome is not None and wizard.outcome.path.name == "demo-30.sqlite"
    with open_database(wizard.outcome.path) as db:
        window = MainWindow(db, None)
        qtbot.addWidget(window)
        assert window.windowTitle().startswith("【演示】")
        assert window.model is not None and window.model.rowCount() == 30
        window.db = None  # closed by the with block


def test_open_page_refuses_a_missing_file(qtbot: Any, wizard: Any, tmp_path: Path) -> None:
    wizard.choice.open.setChecked(True)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    wizard.open_page.file.edit.setText(str(tmp_path / "没有这个.sqlite"))
    click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    assert "找不到" in error_on(wizard.open_page) and wizard.outcome is None


def test_a_file_that_cannot_be_opened_offers_another(
    qtbot: Any, tmp_path: Path, demo_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from relocation_desk.gui import app, dialogs
    from relocation_desk.gui.first_run import wizard as first_run

    app.make_app()
    good = tmp_path / "好的.sqlite"
    shutil.copy(demo_db_path, good)
    not_project = tmp_path / "照片.sqlite"
    not_project.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 200)
    told: list[str] = []
    answers = iter(["choose", "choose", "quit"])

    def problem(parent: Any, text: str) -> str:
        told.append(text)
        return next(answers)

    chosen = iter([None, not_project])
    monkeypatch.setattr(dialogs, "ask_project_problem", problem)
    monkeypatch.setattr(dialogs, "ask_open_database", lambda parent: next(chosen))
    missing = tmp_path / "missing.sqlite"
    # Missing: told; 选择其他项目… cancelled asks again; then a file that is no project; 退出.
    assert app.open_project(missing, smoke=True) is None
    assert str(missing) in told[0] and len(told) == 3 and str(not_project) in told[2]
    assert not missing.exists()
    # 新建项目… opens the first-run wizard; what it gives is opened.
    monkeypatch.setattr(dialogs, "ask_project_problem", lambda parent, text: "new")
    monkeypatch.setattr(
        first_run, "ask_first_run", lambda parent, package=None: first_run.FirstRunResult(good)
    )
    opened = app.open_project(missing, smoke=True)
    assert opened is not None and opened[0].path == good
    opened[0].close()


def test_the_last_project_is_remembered_until_it_is_gone(tmp_path: Path) -> None:
    from relocation_desk.gui import app

    app.make_app()
    project = tmp_path / "p.sqlite"
    project.write_bytes(b"x")
    app.settings().setValue("last_database", str(project))
    assert app.remembered_project() == project
    project.unlink()
    assert app.remembered_project() is None


def test_file_menu_offers_the_wizard_again(
    qtbot: Any, tmp_path: Path, demo_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.first_run import wizard as first_run
    from relocation_desk.gui.main_window import MainWindow
    from relocation_desk.services.households.service import operators
    from relocation_desk.storage.db import open_database

    make_app()
    other = tmp_path / "other.sqlite"
    shutil.copy(demo_db_path, other)
    db = open_database(shutil.copy(demo_db_path, tmp_path / "first.sqlite"))
    window = MainWindow(db, None)
    qtbot.addWidget(window)
    admin = next(o for o in operators(db) if o.role == "admin")
    monkeypatch.setattr(first_run, "ask_first_run",
                        lambda parent, package=None: first_run.FirstRunResult(other, admin))  # fmt: skip
    action = next(a for a in window.menus["file"].actions() if a.objectName() == "firstRunAction")
    assert window.menus["file"].actions()[0] is action
    action.trigger()
    assert window.db is not None and window.db.path == other and window.operator == admin


def test_join_page_end_to_end_with_hq_s_real_package(
    qtbot: Any, wizard: Any, documents: Path, tmp_path: Path
) -> None:
    """HQ's project made by the wizard's service, its join package for T01 (encrypted), and
    the join page making the team's laptop file from it with the real join service."""
    from relocation_desk.paths import resource
    from relocation_desk.services.auth.service import AuthService
    from relocation_desk.services.exchange.join import write_join_package
    from relocation_desk.services.new_project.create import create_project
    from relocation_desk.services.new_project.plan import NewProject, TeamPlan, VillagePlan
    from relocation_desk.storage.db import open_database

    hq_plan = NewProject(
        name="城东片区征收项目", teams=(TeamPlan("T01", "第一工作组"), TeamPlan("T02", "第二工作组")),
        villages=(VillagePlan("袁岗村", ("一组",), "T01"), VillagePlan("张庄村", (), "T02")),
        scheme_file=resource("schemes", "sample-scheme.json"),
        admin_password=PASSWORD, admin_password_again=PASSWORD,
    )  # fmt: skip
    hq = create_project(tmp_path / "hq.sqlite", hq_plan)
    package = tmp_path / "T01-加入包.rdpkg"
    with open_database(hq.path) as db:
        write_join_package(db, hq.admin, "T01", package, password="zhihuibu-2026")
    wizard.choice.join.setChecked(True)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    wizard.join.package.edit.setText(str(package))
    type_text(qtbot, field(wizard, "joinPassword"), "wrong-password")
    click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    assert wizard.outcome is None and error_on(wizard.join)
    target = documents / "T01-加入包.sqlite"
    assert not target.exists()
    field(wizard, "joinPassword").clear()
    type_text(qtbot, field(wizard, "joinPassword"), "zhihuibu-2026")
    click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    assert wizard.outcome is not None and wizard.outcome.path == target
    assert "城东片区征收项目" in wizard.outcome.note and "第一工作组" in wizard.outcome.note
    with open_database(target) as laptop:
        assert AuthService(laptop).project_name() == "城东片区征收项目"
        assert AuthService(laptop).sign_in("admin", PASSWORD).operator.login == "admin"


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_every_page_reads_whole_on_a_laptop_screen(qtbot: Any, documents: Path, lang: str) -> None:
    from relocation_desk import i18n
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.first_run.wizard import FirstRunWizard

    from .text_fits import clipped_texts, window_fits_laptop

    make_app()
    i18n.set_language(lang)
    try:
        w = FirstRunWizard()
        qtbot.addWidget(w)
        w.show()
        pages = {}
        for choice, page_ids in ((w.choice.new, (0, 1, 2)), (w.choice.open, (3,)),
                                 (w.choice.join, (4,)), (w.choice.demo, (5,))):  # fmt: skip
            w.restart()
            choice.setChecked(True)
            for page_id in page_ids:
                if w.currentId() != page_id:
                    w.next()
                assert w.currentId() == page_id
                pages[page_id] = clipped_texts(w)
        assert window_fits_laptop(w)
        assert not any(pages.values()), pages
    finally:
        i18n.set_language("zh_CN")
