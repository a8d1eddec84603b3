"""Long work in feature windows that runs with the progress dialog: the fairness export (the
bar moves sheet by sheet, 取消 leaves no file, not even an unfinished one, and is greyed with
its reason while the finished workbook is being saved) and the ledger wizard's check of all
rows (the bar moves sheet by sheet; 取消 writes nothing and the import waits for a full
check), and the daily report's Excel, PDF and freezing (a cancelled export writes no file,
a cancelled freeze stores nothing, and 取消 is greyed once the frozen report is being saved).
Real windows and worker threads; the worker is held at a chosen step so the test
presses 取消 at a known moment."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer

from tests.gui.test_progress_dialog import _held, _progress_dialog, _when, fast_progress

pytestmark = pytest.mark.gui
__all__ = ["fast_progress"]  # the fixture, shared with the progress dialog's own tests


@pytest.fixture
def fairness(qtbot: Any, tmp_path: Path, demo_db_path: Path, monkeypatch) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """The fairness report window with its report computed; exports go to ``view.target``."""
    from relocation_desk.gui import dialogs
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.calculation.fairness import FairnessView
    from relocation_desk.storage.db import open_database

    make_app()
    shutil.copy(demo_db_path, tmp_path / "p.sqlite")
    db = open_database(tmp_path / "p.sqlite")
    view = FairnessView(db)
    qtbot.addWidget(view)
    view.show()
    view.start()
    qtbot.waitUntil(lambda: view.report is not None, timeout=30_000)
    view.target = tmp_path / "out" / "公平性.xlsx"
    monkeypatch.setattr(dialogs, "ask_save_xlsx", lambda parent, title, name: view.target)
    errors: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda p, t, text: errors.append(text))
    view.errors = errors
    yield view
    view.close()
    db.close()


def _left_behind(target: Path) -> list[str]:
    return sorted(p.name for p in target.parent.glob("*")) if target.parent.exists() else []


def test_fairness_export_moves_sheet_by_sheet(fairness, qtbot, fast_progress) -> None:  # type: ignore[no-untyped-def]
    import openpyxl

    qtbot.mouseClick(fairness.export_button, Qt.MouseButton.LeftButton)
    assert not fairness.errors
    assert fairness.exported == fairness.target
    assert _left_behind(fairness.target) == ["公平性.xlsx"]
    finished = [label for done, total, label in fast_progress if label.startswith("已写完")]
    assert finished == [
        f"已写完“{name}”" for name in openpyxl.load_workbook(fairness.target).sheetnames
    ]
    dones = [done for done, _total, _label in fast_progress]
    assert dones == sorted(dones) and dones[-1] == fast_progress[-1][1] == 6


def test_cancelling_the_fairness_export_leaves_no_file(
    fairness, qtbot, fast_progress, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from relocation_desk.reports import fairness as report_module

    entered, release = _held(monkeypatch, report_module, "_sheet")
    pressed: list[bool] = []

    def press_cancel() -> None:
        try:
            progress = _progress_dialog(fairness)
            assert progress is not None and progress.cancel_button.isEnabled()
            qtbot.mouseClick(progress.cancel_button, Qt.MouseButton.LeftButton)
            pressed.append(True)
        finally:
            release.set()

    timer = _when(lambda: entered.is_set() and _progress_dialog(fairness) is not None, press_cancel)
    qtbot.mouseClick(fairness.export_button, Qt.MouseButton.LeftButton)
    timer.stop()
    assert pressed
    assert fairness.exported is None and not fairness.errors
    assert fairness.status.text() == "已取消导出，没有写出文件。"
    assert _left_behind(fairness.target) == []
    assert fairness.export_button.isEnabled()  # ready for another try


def test_fairness_cancel_is_greyed_while_the_file_is_saved(
    fairness, qtbot, fast_progress, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    entered, release = _held(monkeypatch, Workbook, "save")
    seen: dict[str, object] = {}

    def look_and_press() -> None:
        try:
            progress = _progress_dialog(fairness)
            seen["enabled"] = progress.cancel_button.isEnabled()
            seen["why"] = progress.cancel_button.toolTip()
            qtbot.mouseClick(progress.cancel_button, Qt.MouseButton.LeftButton)
        finally:
            release.set()

    def saving() -> bool:
        progress = _progress_dialog(fairness)
        return entered.is_set() and progress is not None and not progress.cancel_button.isEnabled()

    timer = _when(saving, look_and_press)
    qtbot.mouseClick(fairness.export_button, Qt.MouseButton.LeftButton)
    timer.stop()
    assert seen == {"enabled": False, "why": "正在保存公平性报告文件，保存完成前不能取消。"}
    assert fairness.exported == fairness.target  # the press changed nothing: the file is whole
    assert _left_behind(fairness.target) == ["公平性.xlsx"]


# --- the ledger wizard's check of all rows --------------------------------------------------------


@pytest.fixture
def check_page(qtbot: Any, tmp_path: Path, monkeypatch) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """The ledger wizard with a file and a new project chosen, on its columns page."""
    from PySide6.QtWidgets import QWizard

    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.ledger import wizard as ledger_wizard
    from tests.services.ledger_books import messy_ledger

    book, new_db = tmp_path / "台账.xlsx", tmp_path / "新项目.sqlite"
    messy_ledger(book)
    monkeypatch.setattr(ledger_wizard, "ask_ledger_file", lambda parent: book)
    monkeypatch.setattr(ledger_wizard, "ask_new_database", lambda parent: new_db)
    make_app()
    w = ledger_wizard.LedgerWizard(None, None)
    qtbot.addWidget(w)
    w.show()
    w.file_page.path.setText(str(book))
    w.file_page.new_path.setText(str(new_db))
    w.new_db = new_db
    qtbot.mouseClick(w.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert w.currentPage() is w.mapping_page
    yield w
    w.close()


def _next(qtbot, w) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QWizard

    qtbot.mouseClick(w.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)


def test_ledger_check_moves_sheet_by_sheet(check_page, qtbot, fast_progress) -> None:  # type: ignore[no-untyped-def]
    _next(qtbot, check_page)
    assert check_page.currentPage() is check_page.check_page
    assert "可导入 8 户、10 人" in check_page.check_page.summary.text()
    read = [(done, total) for done, total, label in fast_progress if label.startswith("已核对")]
    assert read and read[0][0] > 0 and read[0][1] > read[-1][0]  # a fraction, sheet by sheet
    done, total, label = fast_progress[-1]
    assert (done, label) == (total, "检查完成") and total == read[-1][1]
    assert not check_page.new_db.exists() or check_page.new_db.stat().st_size == 0


def test_cancelling_the_ledger_check_writes_nothing_and_blocks_the_import(
    check_page, qtbot, fast_progress, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QWizard

    from relocation_desk.services.ledger import importer

    entered, release = _held(monkeypatch, importer, "plan_sheet")
    page = check_page.check_page
    pressed: list[bool] = []

    def press_cancel() -> None:
        try:
            progress = _progress_dialog(page)
            assert progress is not None and progress.cancel_button.isEnabled()
            qtbot.mouseClick(progress.cancel_button, Qt.MouseButton.LeftButton)
            pressed.append(True)
        finally:
            release.set()

    timer = _when(lambda: entered.is_set() and _progress_dialog(page) is not None, press_cancel)
    _next(qtbot, check_page)
    timer.stop()
    assert pressed and check_page.currentPage() is page
    assert page.error.text() == "已取消检查，还不能导入；请点“上一步”再点“下一步”重新检查。"
    assert not check_page.button(QWizard.WizardButton.CommitButton).isEnabled()
    assert not check_page.new_db.exists() or check_page.new_db.stat().st_size == 0
    # Back and on again: the check runs to its end and the import may go ahead.
    qtbot.mouseClick(check_page.button(QWizard.WizardButton.BackButton), Qt.MouseButton.LeftButton)
    _next(qtbot, check_page)
    assert "可导入 8 户、10 人" in page.summary.text() and not page.error.text()
    assert check_page.button(QWizard.WizardButton.CommitButton).isEnabled()


# --- the daily report: Excel, PDF, freezing -------------------------------------------------------

DAY = date(2026, 11, 23)  # the demo's today


@pytest.fixture
def daily(qtbot: Any, tmp_path: Path, demo_db_path: Path, monkeypatch) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """The daily report of a team leader's team, its figures shown; messages collected in
    ``dialog.seen``, the Excel file goes to ``dialog.target``, PDF previews to ``seen``."""
    from relocation_desk.gui import dialogs
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.daily_report import dialog as daily_dialog
    from relocation_desk.gui.daily_report.feature import open_daily_report
    from relocation_desk.gui.main_window import MainWindow
    from relocation_desk.services.households.service import operators
    from relocation_desk.storage.db import open_database

    shutil.copy(demo_db_path, tmp_path / "w.sqlite")
    make_app()
    db = open_database(tmp_path / "w.sqlite")
    window = MainWindow(db, next(o for o in operators(db) if o.role == "leader"))
    qtbot.addWidget(window)
    window.show()
    dialog = open_daily_report(window, today=DAY)
    qtbot.addWidget(dialog)
    assert dialog.data is not None
    seen: dict[str, list[Any]] = {"info": [], "error": [], "preview": []}
    monkeypatch.setattr(dialogs, "show_info", lambda p, t, text: seen["info"].append(text))
    monkeypatch.setattr(dialogs, "show_error", lambda p, t, text: seen["error"].append(text))
    monkeypatch.setattr(dialogs, "ask_confirm", lambda *a: True)
    monkeypatch.setattr(daily_dialog, "show_pdf", lambda p, path, t: seen["preview"].append(path))
    dialog.target = tmp_path / "out" / "日报.xlsx"
    dialog.target.parent.mkdir()
    monkeypatch.setattr(daily_dialog, "ask_xlsx_path", lambda parent, name: dialog.target)
    dialog.seen = seen
    yield dialog
    dialog.close()
    db.close()


def _press_cancel_when_held(qtbot, parent, entered) -> tuple[QTimer, list[bool]]:  # type: ignore[no-untyped-def]
    """Once the worker is held at ``entered``, press 取消 on ``parent``'s progress dialog."""
    pressed: list[bool] = []

    def press() -> None:
        progress = _progress_dialog(parent)
        assert progress is not None and progress.cancel_button.isEnabled()
        qtbot.mouseClick(progress.cancel_button, Qt.MouseButton.LeftButton)
        pressed.append(True)

    return _when(lambda: entered.is_set() and _progress_dialog(parent) is not None, press), pressed


def _frozen_reports(dialog) -> int:  # type: ignore[no-untyped-def]
    with sqlite3.connect(dialog.db.path) as conn:
        return conn.execute("SELECT count(*) FROM daily_report").fetchone()[0]


def test_daily_excel_moves_sheet_by_sheet(daily, qtbot, fast_progress) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    qtbot.mouseClick(daily.xlsx_button, Qt.MouseButton.LeftButton)
    assert not daily.seen["error"] and daily.seen["info"] == [f"已写入 {daily.target}"]
    finished = [label for _d, _t, label in fast_progress if label.startswith("已写完")]
    assert finished == [f"已写完“{n}”" for n in load_workbook(daily.target).sheetnames]
    done, total, _label = fast_progress[-1]
    assert done == total == len(finished) + 1  # the sheets, then the saving


def test_cancelling_the_daily_excel_leaves_no_file(
    daily, qtbot, fast_progress, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from relocation_desk.reports import daily_xlsx

    entered, release = _held(monkeypatch, daily_xlsx, "_trend_sheet")
    timer, pressed = _press_cancel_when_held(qtbot, daily, entered)
    timer.timeout.connect(lambda: release.set() if pressed else None)
    qtbot.mouseClick(daily.xlsx_button, Qt.MouseButton.LeftButton)
    timer.stop()
    release.set()
    assert pressed and daily.seen["info"] == ["已取消导出，没有写出文件。"]
    assert sorted(daily.target.parent.iterdir()) == []


def test_daily_pdf_moves_and_cancelling_shows_nothing(
    daily, qtbot, fast_progress, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from relocation_desk.reports import daily_pdf

    qtbot.mouseClick(daily.pdf_button, Qt.MouseButton.LeftButton)
    assert len(daily.seen["preview"]) == 1 and daily.seen["preview"][0].exists()
    steps = [(d, t) for d, t, _l in fast_progress]
    assert steps[0] == (0, 3) and steps[-1] == (3, 3)
    assert any("第 1 页" in label for _d, _t, label in fast_progress)

    entered, release = _held(monkeypatch, daily_pdf, "_chart")
    timer, pressed = _press_cancel_when_held(qtbot, daily, entered)
    timer.timeout.connect(lambda: release.set() if pressed else None)
    qtbot.mouseClick(daily.pdf_button, Qt.MouseButton.LeftButton)
    timer.stop()
    release.set()
    assert pressed and len(daily.seen["preview"]) == 1 and not daily.seen["error"]


def test_cancelling_a_freeze_while_counting_stores_nothing(
    daily, qtbot, fast_progress, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from relocation_desk.services.progress import daily_report

    entered, release = _held(monkeypatch, daily_report, "tally")
    timer, pressed = _press_cancel_when_held(qtbot, daily, entered)
    timer.timeout.connect(lambda: release.set() if pressed else None)
    qtbot.mouseClick(daily.freeze_button, Qt.MouseButton.LeftButton)
    timer.stop()
    release.set()
    assert pressed and daily.seen["info"] == ["已取消冻结，日报没有冻结。"]
    assert _frozen_reports(daily) == 0 and daily.freeze_button.isEnabled()


def test_a_freeze_being_saved_cannot_be_cancelled(daily, qtbot, fast_progress, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from relocation_desk.services.progress import daily_report

    # Held at the second look-up of the project: the first checks for an earlier freeze,
    # the second is inside the transaction that stores the report.
    entered, release = threading.Event(), threading.Event()
    original, calls = daily_report.project_id_of, []

    def held(session):  # type: ignore[no-untyped-def]
        calls.append(True)
        if len(calls) == 2:
            entered.set()
            assert release.wait(30), "the test never released the worker"
        return original(session)

    monkeypatch.setattr(daily_report, "project_id_of", held)
    seen: dict[str, object] = {}

    def look_and_press() -> None:
        try:
            progress = _progress_dialog(daily)
            seen["enabled"] = progress.cancel_button.isEnabled()
            seen["why"] = progress.cancel_button.toolTip()
            qtbot.mouseClick(progress.cancel_button, Qt.MouseButton.LeftButton)
        finally:
            release.set()

    def saving() -> bool:
        progress = _progress_dialog(daily)
        return entered.is_set() and progress is not None and not progress.cancel_button.isEnabled()

    timer = _when(saving, look_and_press)
    qtbot.mouseClick(daily.freeze_button, Qt.MouseButton.LeftButton)
    timer.stop()
    assert seen == {"enabled": False, "why": "正在保存冻结的日报，保存完成前不能取消。"}
    assert not daily.seen["error"] and _frozen_reports(daily) == 1
    assert "已冻结" in daily.state.text()


# --- 产权调换选房: importing flats, exporting the report ------------------------------------------


@pytest.fixture
def resettlement(qtbot: Any, sqlite_db: Any, monkeypatch, tmp_path: Path) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """The property swap window at HQ; messages in ``window.seen``, a 1,200-flat inventory
    workbook at ``window.book``, the report goes to ``window.target``."""
    from openpyxl import Workbook

    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.resettlement import window as win_mod
    from tests.services.resettlement_org import make_swap_org

    make_app()
    org = make_swap_org(sqlite_db)
    book = Workbook()
    ws = book.active
    ws.append(["小区", "楼栋", "单元", "楼层", "房号", "户型", "建筑面积（㎡）", "基准价（元/㎡）",
               "楼层系数"])  # fmt: skip
    for k in range(1200):
        floor = k // 40 + 1
        ws.append(["新城花园", str(k % 4 + 1), str(k % 10 // 4 + 1), floor,
                   f"{floor:02d}{k % 40:02d}", "两室", "90", "4000", "1"])  # fmt: skip
    book.save(tmp_path / "房源.xlsx")
    seen: dict[str, list[str]] = {"info": [], "error": []}
    monkeypatch.setattr(win_mod.dialogs, "show_info", lambda p, t, text: seen["info"].append(text))
    monkeypatch.setattr(
        win_mod.dialogs, "show_error", lambda p, t, text: seen["error"].append(text)
    )
    monkeypatch.setattr(win_mod, "ask_open_xlsx", lambda parent: tmp_path / "房源.xlsx")
    target = tmp_path / "out" / "选房.xlsx"
    target.parent.mkdir()
    monkeypatch.setattr(win_mod.dialogs, "ask_save_xlsx", lambda p, t, s: target)
    w = win_mod.ResettlementWindow(sqlite_db, org.hq)
    qtbot.addWidget(w)
    w.show()
    w.seen, w.target = seen, target
    yield w
    w.close()


def _flats(db) -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from relocation_desk.storage.models_resettlement import ResettlementFlat

    with db.session() as s:
        return s.scalar(select(func.count()).select_from(ResettlementFlat)) or 0


def test_flat_import_moves_row_by_row(resettlement, qtbot, fast_progress) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(resettlement.import_button, Qt.MouseButton.LeftButton)
    assert not resettlement.seen["error"], resettlement.seen["error"]
    assert resettlement.seen["info"] == ["已导入房源 1200 套"] and _flats(resettlement.db) == 1200
    read = [(d, t) for d, t, label in fast_progress if label.startswith("正在核对第")]
    written = [(d, t) for d, t, label in fast_progress if label.startswith("正在写入房源")]
    assert len(read) >= 2 and 0 < read[0][0] < read[-1][0] <= read[-1][1]
    assert [d for d, _t in written] == [0, 500, 1000] and {t for _d, t in written} == {1200}
    assert fast_progress[-1][:2] == (1200, 1200)


def test_cancelling_the_flat_import_writes_no_flat(
    resettlement, qtbot, fast_progress, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from relocation_desk.services.resettlement import inventory

    # Held while the flats are being added: the transaction is open, some flats are in it.
    entered, release = _held(monkeypatch, inventory, "_new_flat")
    timer, pressed = _press_cancel_when_held(qtbot, resettlement, entered)
    timer.timeout.connect(lambda: release.set() if pressed else None)
    audit_before = _audit_rows(resettlement.db)
    qtbot.mouseClick(resettlement.import_button, Qt.MouseButton.LeftButton)
    timer.stop()
    release.set()
    assert pressed and resettlement.seen["info"] == ["已取消导入，一套房源都没有导入。"]
    assert not resettlement.seen["error"]
    assert _flats(resettlement.db) == 0 and _audit_rows(resettlement.db) == audit_before


def _audit_rows(db) -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from relocation_desk.storage import models as m

    with db.session() as s:
        return s.scalar(select(func.count()).select_from(m.AuditLog)) or 0


def test_resettlement_report_moves_and_cancelling_leaves_no_file(
    resettlement, qtbot, fast_progress, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from relocation_desk.reports import resettlement_xlsx

    qtbot.mouseClick(resettlement.report_button, Qt.MouseButton.LeftButton)
    assert resettlement.seen["info"] == [f"已写出 {resettlement.target}"]
    finished = [label for _d, _t, label in fast_progress if label.startswith("已写完")]
    assert finished == ["已写完“剩余房源”", "已写完“每日选房”", "已写完“未用完安置面积”"]
    assert fast_progress[-1][:2] == (4, 4)
    resettlement.target.unlink()

    entered, release = _held(monkeypatch, resettlement_xlsx, "_sheet")  # the first sheet
    timer, pressed = _press_cancel_when_held(qtbot, resettlement, entered)
    timer.timeout.connect(lambda: release.set() if pressed else None)
    qtbot.mouseClick(resettlement.report_button, Qt.MouseButton.LeftButton)
    timer.stop()
    release.set()
    assert pressed and resettlement.seen["info"][-1] == "已取消导出，没有写出文件。"
    assert sorted(resettlement.target.parent.iterdir()) == []
