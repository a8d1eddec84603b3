"""报表 → 审计日志 through the real window, and the quick check's warning when a database
whose audit chain was edited is opened."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt

from tests.gui.typing import type_text

pytestmark = pytest.mark.gui


@pytest.fixture
def db_file(tmp_path: Path, demo_db_path: Path) -> Path:
    target = tmp_path / "a.sqlite"
    shutil.copy(demo_db_path, target)
    return target


@pytest.fixture
def said(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    from relocation_desk.gui import dialogs

    seen: dict[str, list[str]] = {"error": [], "warning": []}
    monkeypatch.setattr(dialogs, "show_error", lambda _p, _t, text: seen["error"].append(text))
    monkeypatch.setattr(
        dialogs, "show_warning_once", lambda _p, _t, text: seen["warning"].append(text)
    )
    return seen


def _window(qtbot, db_file: Path, role: str):  # type: ignore[no-untyped-def]
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.main_window import MainWindow
    from relocation_desk.storage.db import open_database
    from tests.operators import operator_with_role

    make_app()
    db = open_database(db_file)
    w = MainWindow(db, operator_with_role(db, role))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def _rows(viewer) -> list:  # type: ignore[no-untyped-def,type-arg]
    return list(viewer.model.rows)


def _search(qtbot, viewer) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(viewer.search_button, Qt.MouseButton.LeftButton)


def test_filters_paging_and_details(qtbot, db_file: Path, said) -> None:  # type: ignore[no-untyped-def]
    from relocation_desk.services.audit.log import PAGE_SIZE

    w = _window(qtbot, db_file, "hq")
    qtbot.waitUntil(lambda: w.opening_check.report is not None, timeout=10_000)
    assert said["warning"] == []  # the demo checks clean
    action = w.audit_log_action
    assert action.isEnabled()
    action.trigger()
    viewer = w.audit_viewer
    qtbot.waitExposed(viewer)
    with sqlite3.connect(db_file) as conn:
        total = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    assert total > PAGE_SIZE
    # One page is read; scrolling to the end reads the next one.
    assert len(_rows(viewer)) == PAGE_SIZE and viewer.model.canFetchMore()
    seqs = [e.seq for e in _rows(viewer)]
    assert seqs == sorted(seqs, reverse=True) and seqs[0] == total
    while viewer.model.canFetchMore():
        viewer.table.scrollToBottom()
        qtbot.wait(20)
        viewer.model.fetchMore()
    assert len(_rows(viewer)) == total

    # A household: only its rows; the details show the values after.
    with sqlite3.connect(db_file) as conn:
        code = conn.execute("SELECT code FROM household ORDER BY code LIMIT 1").fetchone()[0]
    type_text(qtbot, viewer.household_edit, code)
    _search(qtbot, viewer)
    rows = _rows(viewer)
    assert rows and all(e.household_code == code for e in rows)
    viewer.table.selectRow(0)
    assert code in viewer.details.toPlainText() and "之后" in viewer.details.toPlainText()
    viewer.household_edit.clear()

    # An operator and an action.
    login = rows[0].operator_login
    viewer.operator_box.setCurrentIndex(viewer.operator_box.findData(login))
    viewer.action_box.setCurrentIndex(viewer.action_box.findData("create"))
    _search(qtbot, viewer)
    rows = _rows(viewer)
    assert rows and all(e.operator_login == login and e.action == "create" for e in rows)
    viewer.operator_box.setCurrentIndex(0)
    viewer.action_box.setCurrentIndex(0)

    # Dates (the project's local days): a day with rows, then a day without.
    day = _rows(viewer)[0].at.astimezone(_cst()).date() if _rows(viewer) else date.today()
    qtbot.mouseClick(viewer.use_dates, Qt.MouseButton.LeftButton)
    viewer.date_from.setDate(QDate(day.year, day.month, day.day))
    viewer.date_to.setDate(QDate(day.year, day.month, day.day))
    _search(qtbot, viewer)
    rows = _rows(viewer)
    assert rows and all(e.at.astimezone(_cst()).date() == day for e in rows)
    viewer.date_from.setDate(QDate(2001, 1, 1))
    viewer.date_to.setDate(QDate(2001, 1, 2))
    _search(qtbot, viewer)
    assert _rows(viewer) == [] and "没有符合条件" in viewer.status.text()
    qtbot.mouseClick(viewer.use_dates, Qt.MouseButton.LeftButton)

    # Personal-data exports: none yet, then the ledger export's row.
    qtbot.mouseClick(viewer.exports_only, Qt.MouseButton.LeftButton)
    _search(qtbot, viewer)
    assert _rows(viewer) == []
    from relocation_desk.services.ledger.export import log_export

    log_export(w.db, file_name="台账.xlsx", counts={"households": 1}, operator=w.operator)
    _search(qtbot, viewer)
    rows = _rows(viewer)
    assert [(e.action, e.entity) for e in rows] == [("export", "ledger")]
    assert rows[0].operator_login == w.operator.login
    # Read-only: nothing in the viewer edits.
    assert viewer.details.isReadOnly()
    assert viewer.table.editTriggers() == viewer.table.EditTrigger.NoEditTriggers
    viewer.close()


def _cst():  # type: ignore[no-untyped-def]
    from relocation_desk.services.progress.facts import LOCAL_TZ

    return LOCAL_TZ


def test_a_member_may_not_open_it(qtbot, db_file: Path, said) -> None:  # type: ignore[no-untyped-def]
    from relocation_desk.gui.audit.feature import open_audit_viewer

    w = _window(qtbot, db_file, "member")
    assert not w.audit_log_action.isEnabled()
    assert "审计日志" in w.audit_log_action.toolTip()
    assert open_audit_viewer(w) is None  # the service refuses as well
    assert said["error"] and "审计日志" in said["error"][0]


def test_opening_an_edited_database_warns_once(qtbot, db_file: Path, said) -> None:  # type: ignore[no-untyped-def]
    with sqlite3.connect(db_file) as conn:
        conn.execute("UPDATE audit_log SET note = 'x' WHERE seq = (SELECT max(seq) FROM audit_log)")
    w = _window(qtbot, db_file, "hq")
    qtbot.waitUntil(lambda: w.opening_check.report is not None, timeout=10_000)
    assert len(said["warning"]) == 1
    assert "审计记录" in said["warning"][0] and "relocation-desk check" in said["warning"][0]
