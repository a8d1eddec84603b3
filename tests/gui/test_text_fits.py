"""Every main screen and dialog, in Chinese and in English, on a 1366×768 laptop screen: no
label, button, check box, group title, tab, table header or short cell (a status, a name, an
amount) is cut, and every window fits the screen (tests/gui/text_fits.py measures). Then the
complaints of #18 on these screens: the calculation's 16 lines, the daily report's width, the
ledger wizard's last page.

Each screen is opened here the way a person opens it (menu actions of the main window) on a
copy of the demo project, as HQ staff, who may open all of them.
"""

from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QWidget, QWizard

from .text_fits import clipped_texts, window_fits_laptop

pytestmark = pytest.mark.gui

DAY = date(2026, 11, 23)  # the demo's today


@pytest.fixture(params=["zh_CN", "en"])
def lang(request: pytest.FixtureRequest) -> Iterator[str]:
    from relocation_desk import i18n

    i18n.set_language(request.param)
    try:
        yield request.param
    finally:
        i18n.set_language("zh_CN")


@pytest.fixture
def db_file(tmp_path: Path, demo_db_path: Path) -> Path:
    target = tmp_path / "fits.sqlite"
    shutil.copy(demo_db_path, target)
    return target


@pytest.fixture
def quiet(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Message boxes are recorded, not shown: a screen that cannot open says why here."""
    from relocation_desk.gui import dialogs

    said: list[str] = []
    for name in ("show_error", "show_info", "show_warning_once"):
        monkeypatch.setattr(dialogs, name, lambda _p, t, x, name=name: said.append(f"{t}: {x}"))
    return said


@pytest.fixture
def window(qtbot, lang: str, db_file: Path, quiet: list[str]):
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.main_window import MainWindow
    from relocation_desk.storage.db import open_database
    from tests.operators import operator_with_role

    make_app()
    db = open_database(db_file)
    w = MainWindow(db, operator_with_role(db, "hq"))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def _household(db_file: Path, where: str, order: str = "h.code") -> uuid.UUID:
    with sqlite3.connect(db_file) as conn:
        row = conn.execute(
            f"SELECT h.id FROM household h WHERE {where} ORDER BY {order}"
        ).fetchone()
    assert row is not None, where
    return uuid.UUID(row[0])


def _select(window: Any, household_id: uuid.UUID) -> None:
    window._select(household_id)
    assert window.current_household() == household_id


def _action(window: Any, menu: str, object_name: str) -> Any:
    return next(a for a in window.menus[menu].actions() if a.objectName() == object_name)


# --- the screens ---------------------------------------------------------------------------


def open_register(window: Any, qtbot: Any, db_file: Path) -> QWidget:
    return window


def open_editor(window: Any, qtbot: Any, db_file: Path) -> QWidget:
    window.open_household(_household(db_file, "h.member_count >= 4"))
    return window.editor


def open_calculation(window: Any, qtbot: Any, db_file: Path) -> QWidget:
    hid = _household(  # the household whose calculation has the most lines
        db_file,
        "EXISTS (SELECT 1 FROM calculation c WHERE c.household_id = h.id)",
        order="(SELECT count(*) FROM calculation_line l JOIN calculation c"
        " ON l.calculation_id = c.id WHERE c.household_id = h.id) DESC, h.code",
    )
    _select(window, hid)
    window.calc_feature.panel_action.trigger()
    return window.calc_feature.panel


def open_agreement(window: Any, qtbot: Any, db_file: Path) -> QWidget:
    _select(window, _household(db_file, "h.status = 'signed'"))
    window.agreements_feature.agreement_action.trigger()
    return window.agreements_feature.dialog


def open_payments(window: Any, qtbot: Any, db_file: Path) -> QWidget:
    _select(window, _household(db_file, "h.status = 'signed'"))
    window.payments_feature.pay_action.trigger()
    return window.payments_feature.dialog


def open_post_notice(window: Any, qtbot: Any, db_file: Path) -> QWidget:
    window.notice_feature.post_action.trigger()
    return window.notice_feature.post_dialog


def open_notice_rounds(window: Any, qtbot: Any, db_file: Path) -> QWidget:
    return _opened_by(window.notice_feature.rounds_action)


def open_objections(window: Any, qtbot: Any, db_file: Path) -> QWidget:
    return _opened_by(window.notice_feature.objections_action)


def open_dashboard(window: Any, qtbot: Any, db_file: Path) -> QWidget:
    from relocation_desk.gui.dashboard.feature import dashboard_of

    _action(window, "report", "dashboardAction").trigger()
    dash = dashboard_of(window)
    qtbot.waitUntil(lambda: dash.data is not None, timeout=30_000)
    return dash


def open_daily_report(window: Any, qtbot: Any, db_file: Path) -> QWidget:
    from relocation_desk.gui.daily_report.feature import open_daily_report as open_report

    dialog = open_report(window, today=DAY)
    qtbot.waitExposed(dialog)
    qtbot.mouseClick(dialog.show_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.data is not None, timeout=30_000)
    return dialog


def open_scheme_editor(window: Any, qtbot: Any, db_file: Path) -> QWidget:
    from relocation_desk.gui.schemes.editor import SchemeEditor

    _action(window, "calc", "openSchemes").trigger()
    [editor] = window.findChildren(SchemeEditor)
    return editor


def open_audit(window: Any, qtbot: Any, db_file: Path) -> QWidget:
    window.audit_log_action.trigger()
    return window.audit_viewer


def open_fairness(window: Any, qtbot: Any, db_file: Path) -> QWidget:
    view = _opened_by(window.calc_feature.fairness_action)
    qtbot.waitUntil(lambda: view.report is not None, timeout=30_000)
    qtbot.wait(50)  # the summary's new text is laid out
    return view


def open_sign_in(window: Any, qtbot: Any, db_file: Path) -> QWidget:
    from relocation_desk.gui.auth.sign_in import SignInDialog
    from relocation_desk.services.auth.service import AuthService

    dialog = SignInDialog(AuthService(window.db), project_name=window.register.project.name)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def open_verify(window: Any, qtbot: Any, db_file: Path) -> QWidget:
    return _opened_by(window.notice_feature.verify_action)


def open_approvals(window: Any, qtbot: Any, db_file: Path) -> QWidget:
    return _opened_by(window.calc_feature.approvals_action)


def open_decisions(window: Any, qtbot: Any, db_file: Path) -> QWidget:
    return _opened_by(window.payments_feature.decisions_action)


def open_resettlement(window: Any, qtbot: Any, db_file: Path) -> QWidget:
    return _opened_by(_action(window, "agreement", "resettlementAction"))


def open_settings(window: Any, qtbot: Any, db_file: Path) -> QWidget:
    window.settings_action.trigger()
    return window.settings_dialog


def open_sign_first(window: Any, qtbot: Any, db_file: Path) -> QWidget:
    return _opened_by(window.agreements_feature.sign_first_action)


def open_record_objection(window: Any, qtbot: Any, db_file: Path) -> QWidget:
    _select(window, _household(db_file, "h.status = 'noticed'"))
    return _opened_by(window.notice_feature.record_action)


def _shown(dialog: QWidget, qtbot: Any) -> QWidget:
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def open_change_password(window: Any, qtbot: Any, db_file: Path) -> QWidget:
    from relocation_desk.gui.auth.passwords import ChangePasswordDialog
    from relocation_desk.services.auth.service import AuthService

    return _shown(ChangePasswordDialog(AuthService(window.db), window.operator, window), qtbot)


def open_reset_password(window: Any, qtbot: Any, db_file: Path) -> QWidget:
    from relocation_desk.gui.auth.passwords import ResetPasswordDialog
    from relocation_desk.services.auth.service import AuthService
    from tests.operators import operator_with_role

    admin = operator_with_role(window.db, "admin")
    return _shown(ResetPasswordDialog(AuthService(window.db), admin, window), qtbot)


def open_first_administrator(window: Any, qtbot: Any, db_file: Path) -> QWidget:
    from relocation_desk.gui.auth.passwords import FirstAdministratorDialog
    from relocation_desk.services.auth.service import AuthService

    dialog = FirstAdministratorDialog(AuthService(window.db), project_name="清源县", parent=window)
    return _shown(dialog, qtbot)


SCREENS: dict[str, Callable[[Any, Any, Path], QWidget]] = {
    "register": open_register,
    "editor": open_editor,
    "calculation": open_calculation,
    "agreement": open_agreement,
    "payments": open_payments,
    "post_notice": open_post_notice,
    "notice_rounds": open_notice_rounds,
    "objections": open_objections,
    "dashboard": open_dashboard,
    "daily_report": open_daily_report,
    "scheme_editor": open_scheme_editor,
    "audit": open_audit,
    "fairness": open_fairness,
    "sign_in": open_sign_in,
    "verify_notice": open_verify,
    "approvals": open_approvals,
    "decisions": open_decisions,
    "resettlement": open_resettlement,
    "settings": open_settings,
    "sign_first": open_sign_first,
    "record_objection": open_record_objection,
    "change_password": open_change_password,
    "reset_password": open_reset_password,
    "first_administrator": open_first_administrator,
}


def _opened_by(action: Any) -> QWidget:
    """The window an action opens (the one top-level window that was not shown before)."""
    before = {id(w) for w in QApplication.topLevelWidgets() if w.isVisible()}
    action.trigger()
    opened = [w for w in QApplication.topLevelWidgets() if w.isVisible() and id(w) not in before]
    assert len(opened) == 1, [w.windowTitle() for w in opened]
    return opened[0]


def _assert_fits(screen: QWidget, *, tabs: bool = True) -> None:
    from PySide6.QtWidgets import QTabWidget

    if os.environ.get("RD_TEXT_FITS_SHOTS"):  # to look at the screens: a folder for PNGs
        from relocation_desk.i18n import language

        name = f"{type(screen).__name__}-{language()}-{screen.windowTitle()[:12]}.png"
        screen.grab().save(str(Path(os.environ["RD_TEXT_FITS_SHOTS"]) / name.replace("/", "_")))
    assert window_fits_laptop(screen), f"{screen.windowTitle()}: {screen.frameGeometry()}"
    found = clipped_texts(screen)
    for tab_widget in screen.findChildren(QTabWidget) if tabs else []:
        for i in range(tab_widget.count()):
            if tab_widget.isTabEnabled(i) and tab_widget.isVisible():
                tab_widget.setCurrentIndex(i)
                found += clipped_texts(tab_widget)
    unique = list(dict.fromkeys(str(c) for c in found))
    assert not unique, "\n".join(unique)


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen: no window stacking
@pytest.mark.parametrize("screen", list(SCREENS))
def test_text_fits(window, qtbot, db_file: Path, quiet: list[str], screen: str) -> None:
    shown = SCREENS[screen](window, qtbot, db_file)
    assert shown is not None, quiet
    qtbot.waitExposed(shown)
    _assert_fits(shown)


# --- HQ's screens, with a late team and a real conflict (tests/gui/hq_state.py) -------------


@pytest.fixture(scope="session")
def hq_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from .hq_state import build_hq

    return build_hq(tmp_path_factory.mktemp("hq_state"))


@pytest.fixture
def hq_window(qtbot, lang: str, hq_built: Path, tmp_path: Path, quiet: list[str]):
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.main_window import MainWindow
    from relocation_desk.storage.db import open_database
    from tests.operators import operator_with_role

    target = tmp_path / "指挥部.sqlite"
    shutil.copy(hq_built, target)
    make_app()
    db = open_database(target)
    w = MainWindow(db, operator_with_role(db, "hq"))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def _busiest_closing_day(db: Any) -> date:
    """The day on which most households were closed (销号): its tile shows "今日销号 +n"."""
    from sqlalchemy import func, select

    from relocation_desk.services.clock import project_zone
    from relocation_desk.storage import models as m

    with db.session() as s:
        zone = project_zone(s)
        closed = s.scalars(select(m.Household.closed_at).where(m.Household.closed_at.is_not(None)))
        days = [c.replace(tzinfo=c.tzinfo or UTC).astimezone(zone).date() for c in closed]
        assert s.scalar(select(func.count()).select_from(m.Household)) and days
    return max(set(days), key=days.count)


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_hq_dashboard_fits(hq_window, qtbot) -> None:
    """HQ's dashboard on a day with closures, naming a late team: the tiles' titles beside
    "今日销号 +n", every amount with its unit on one line, the ranking's notes whole."""
    from PySide6.QtCore import QDate
    from PySide6.QtGui import QTextLayout, QTextOption

    from relocation_desk.gui.dashboard.feature import dashboard_of

    _action(hq_window, "report", "dashboardAction").trigger()
    dash = dashboard_of(hq_window)
    dash.resize(1366, 768 - 40 - 32)  # the whole work area of a 1366×768 laptop
    day = _busiest_closing_day(hq_window.db)
    dash.date_edit.setDate(QDate(day.year, day.month, day.day))
    qtbot.waitUntil(lambda: dash.data is not None and dash.data.query.day == day, timeout=30_000)
    QApplication.processEvents()
    assert dash.tiles["households"].today.text()  # "今日销号 +n" beside the title
    assert dash.freshness.isVisible() and dash.freshness.text()
    late = [i for i, r in enumerate(dash.ranking.rows) if r.note.count(" · ") >= 2]
    assert late, [r.note for r in dash.ranking.rows]
    _assert_fits(dash)
    for i, row in enumerate(dash.ranking.rows):
        assert dash.ranking.shown_note(i) == row.note
    for table in (dash.due_table, dash.overdue_table):  # every column on screen at once
        assert table.horizontalScrollBar().maximum() == 0, table.objectName()
    for key, tile in dash.tiles.items():  # an amount and its unit never part
        label = tile.detail
        layout = QTextLayout(label.text(), label.font())
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WordWrap)
        layout.setTextOption(option)
        layout.beginLayout()
        ends = []
        while (line := layout.createLine()).isValid():
            line.setLineWidth(label.contentsRect().width())
            ends.append(line.textStart() + line.textLength())
        layout.endLayout()
        for unit in ("元", "yuan"):
            start = 0
            while (at := label.text().find(unit, start)) >= 0:
                amount = label.text().rfind(" ", 0, at) + 1
                number = next(j for j in range(amount, at) if label.text()[j].isdigit())
                assert not any(number < e <= at for e in ends[:-1]), (key, label.text())
                start = at + 1


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_conflicts_window_fits(hq_window, qtbot) -> None:
    """冲突处理 with the merge's real both_changed conflict selected: the list's headers and
    kinds, the differences and the details whole; English labels end with an English colon."""
    from relocation_desk.i18n import language

    _menu = hq_window.menus["exchange"]
    [action] = [a for a in _menu.actions() if a.objectName() == "conflictsAction"]
    win = _opened_by(action)
    win.resize(1200, 768 - 40 - 32)
    assert win.table.rowCount() >= 1
    win.table.selectRow(0)
    QApplication.processEvents()
    assert win.differences.rowCount() >= 1 and win.summary.text()
    _assert_fits(win)
    for column in range(win.table.columnCount()):  # short cells (kind, team, state) whole
        if column == win.table.columnCount() - 1:  # 说明: whole in the details below
            continue
        for row in range(win.table.rowCount()):
            text = win.table.item(row, column).text()
            need = win.table.fontMetrics().horizontalAdvance(text) + 8
            assert need <= win.table.columnWidth(column), (text, win.table.columnWidth(column))
    if language() == "en":
        shown = "\n".join(
            [win.summary.text(), win.facts.text()]
            + [win.differences.item(r, 0).text() for r in range(win.differences.rowCount())]
            + [win.table.horizontalHeaderItem(c).text() for c in range(win.table.columnCount())]
        )
        assert "：" not in shown, shown
        assert "Household · Address" in shown and "Households" not in shown, shown


def test_scheme_editor_settings_line_fits_a_narrow_editor(window, qtbot, db_file: Path) -> None:
    """方案设置's line (发文单位 … 适用：本项目全部村) wraps and keeps every line when the
    editor is narrower than the screen (as beside the register)."""
    editor = open_scheme_editor(window, qtbot, db_file)
    qtbot.waitExposed(editor)
    editor.resize(820, 696)
    QApplication.processEvents()
    label = editor.settings_label
    assert label.text()
    assert label.height() >= label.heightForWidth(label.width())
    _assert_fits(editor)


def test_first_run_pages_fit(qtbot, lang: str, tmp_path: Path, monkeypatch) -> None:
    """The first-run wizard's first page and its new project's page, at the size the guide
    shows them: English text with English quotes, the file names short (the full path in the
    tooltip), the template's folder one click away."""
    from relocation_desk.gui import dialogs
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.first_run import new_project
    from relocation_desk.gui.first_run.wizard import FirstRunWizard
    from relocation_desk.gui.wrapped_label import unbroken
    from relocation_desk.paths import resource

    folder = tmp_path / "Documents" / "征收补偿项目"
    monkeypatch.setattr(new_project, "documents_folder", lambda: folder)
    opened: list[Path] = []
    monkeypatch.setattr(dialogs, "open_file", lambda path: opened.append(path) or True)
    make_app()
    wizard = FirstRunWizard()
    qtbot.addWidget(wizard)
    wizard.resize(720, 520)
    wizard.show()
    qtbot.waitExposed(wizard)
    _assert_fits(wizard)
    if lang == "en":
        from PySide6.QtWidgets import QLabel

        texts = [wizard.currentPage().subTitle()]
        texts += [w.text() for w in wizard.currentPage().findChildren(QLabel)]
        assert not any(q in t for t in texts for q in "“”"), texts
    wizard.next()
    QApplication.processEvents()
    page = wizard.project
    assert wizard.currentPage() is page
    _assert_fits(wizard)
    assert page.location.edit.text() == "新征收项目.sqlite"
    assert page.location.path() == folder / "新征收项目.sqlite"
    assert page.location.edit.toolTip() == str(folder / "新征收项目.sqlite")
    assert (
        page.location.where.isVisible() and "Documents/征收补偿项目" in page.location.where.text()
    )
    template = resource(*new_project.LAYOUT_SAMPLE)
    sample = wizard.findChild(QWidget, "layoutSampleNote")
    assert unbroken(template.name) in sample.text() and str(template.parent) not in sample.text()
    assert sample.toolTip() == str(template)
    qtbot.mouseClick(page.open_template, Qt.MouseButton.LeftButton)
    assert opened == [template.parent]


def test_ledger_wizard_pages_fit(qtbot, lang: str, tmp_path: Path) -> None:
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.ledger import wizard as ledger_wizard
    from tests.services.ledger_books import messy_ledger

    make_app()
    ledger = tmp_path / "台账.xlsx"
    messy_ledger(ledger)
    wizard = ledger_wizard.LedgerWizard(None, None)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    wizard.file_page.path.setText(str(ledger))
    wizard.file_page.new_path.setText(str(tmp_path / "new.sqlite"))
    seen = []
    for _step in range(6):
        _assert_fits(wizard)
        seen.append(wizard.currentId())
        buttons = [
            wizard.button(b)
            for b in (QWizard.WizardButton.NextButton, QWizard.WizardButton.CommitButton)
        ]
        forward = [b for b in buttons if b.isVisible() and b.isEnabled()]
        if not forward:
            break
        forward[0].click()
    assert wizard.currentPage() is wizard.done_page, seen
    # The import is done: the last page offers 完成, and no 取消 or 上一步.
    assert wizard.button(QWizard.WizardButton.FinishButton).isVisible()
    assert not wizard.button(QWizard.WizardButton.CancelButton).isVisible()
    assert not wizard.button(QWizard.WizardButton.BackButton).isVisible()


# --- what #18 found on these screens ----------------------------------------------------------


def test_calculation_shows_16_lines_and_whole_explanations(window, qtbot, db_file: Path) -> None:
    panel = open_calculation(window, qtbot, db_file)
    qtbot.waitExposed(panel)
    view, model = panel.table, panel.model
    assert model.rowCount() >= 16
    viewport = view.viewport()
    assert view.visualRect(model.index(15, 0)).bottom() < viewport.height()  # no scrolling
    column = model.columnCount() - 1  # 计算说明
    width = view.columnWidth(column) - 8
    for row in range(model.rowCount()):
        text = model.index(row, column).data()
        needed = view.fontMetrics().boundingRect(
            QRect(0, 0, width, 10_000), int(Qt.TextFlag.TextWordWrap), text
        )
        assert needed.width() <= width and needed.height() <= view.rowHeight(row), text


def test_daily_report_table_fits_its_dialog(window, qtbot, db_file: Path) -> None:
    dialog = open_daily_report(window, qtbot, db_file)
    for key, table in dialog.tables.items():
        dialog.tabs.setCurrentWidget(table)
        QApplication.processEvents()
        assert table.rowCount() > 1, key
        # Every column on screen at once: no sideways scrolling on a 1366×768 laptop.
        assert table.horizontalScrollBar().maximum() == 0, key
    assert window_fits_laptop(dialog)


def test_payments_labels_do_not_touch_their_fields(window, qtbot, db_file: Path) -> None:
    from PySide6.QtWidgets import QFormLayout, QGridLayout, QGroupBox

    dialog = open_payments(window, qtbot, db_file)
    qtbot.waitExposed(dialog)
    QApplication.processEvents()
    boxes = dialog.findChildren(QGroupBox)
    [form] = [b.layout() for b in boxes if isinstance(b.layout(), QFormLayout)]
    [grid] = [b.layout() for b in boxes if isinstance(b.layout(), QGridLayout)]
    gaps = []
    for row in range(form.rowCount()):
        label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
        field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
        if label is None or field is None or not label.widget().text():
            continue
        ink = label.widget().fontMetrics().horizontalAdvance(label.widget().text())
        gaps.append(field.geometry().left() - (label.geometry().left() + ink))
    for row in range(grid.rowCount()):
        cells = [grid.itemAtPosition(row, c) for c in range(grid.columnCount())]
        widgets = [c.widget() for c in cells if c is not None and c.widget().isVisible()]
        for left, right in itertools.pairwise(widgets):
            end = left.geometry().left() + (
                left.fontMetrics().horizontalAdvance(left.text())
                if hasattr(left, "text") and not hasattr(left, "date")
                else left.width()
            )
            gaps.append(right.geometry().left() - end)
    assert gaps and min(gaps) >= 8, gaps


def test_the_measure_finds_cut_text(qtbot) -> None:
    """The check itself: what is cut is reported, what fits is not."""
    from PySide6.QtGui import QStandardItemModel
    from PySide6.QtWidgets import QCheckBox, QLabel, QPushButton, QTableView, QVBoxLayout

    from relocation_desk.gui.app import make_app

    make_app()
    box = QWidget()
    box.setWindowTitle("box")
    layout = QVBoxLayout(box)
    cut = QLabel("Unlicensed area (square metres)")
    cut.setFixedWidth(60)
    whole = QLabel("户主")
    button = QPushButton("Record keys handed over…")
    button.setFixedWidth(70)
    check = QCheckBox("Cadres and relatives")
    check.setFixedWidth(50)
    table = QTableView()
    model = QStandardItemModel(1, 2, table)
    model.setHorizontalHeaderLabels(["Household code", "村"])
    model.setData(model.index(0, 0), "Demolished")
    table.setModel(model)
    table.setColumnWidth(0, 40)
    for w in (cut, whole, button, check, table):
        layout.addWidget(w)
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    found = {(c.kind, c.text) for c in clipped_texts(box)}
    assert ("QLabel", "Unlicensed area (square metres)") in found
    assert ("QPushButton", "Record keys handed over…") in found
    assert ("QCheckBox", "Cadres and relatives") in found
    assert ("header of QTableView", "Household code") in found
    assert ("cell of QTableView", "Demolished") in found
    assert not any(text in ("户主", "村") for _kind, text in found), found
