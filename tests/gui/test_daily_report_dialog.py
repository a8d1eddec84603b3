"""报表 → 每日汇报 driven through its widgets: figures, Excel, PDF preview, freezing."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt

pytestmark = pytest.mark.gui

DAY = date(2026, 11, 23)  # the demo's today


@pytest.fixture
def window(qtbot, tmp_path: Path, demo_db_path: Path):
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.main_window import MainWindow
    from relocation_desk.services.households.service import operators
    from relocation_desk.storage.db import open_database

    target = tmp_path / "w.sqlite"
    shutil.copy(demo_db_path, target)
    make_app()
    db = open_database(target)
    leader = next(o for o in operators(db) if o.role == "leader")
    w = MainWindow(db, leader)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def _open(window, qtbot):
    from relocation_desk.gui.daily_report.feature import open_daily_report

    dialog = open_daily_report(window, today=DAY)
    qtbot.addWidget(dialog)
    return dialog


def test_the_menu_has_the_report(window) -> None:
    actions = {a.objectName(): a for a in window.menus["report"].actions()}
    assert "dailyReportAction" in actions
    assert actions["dailyReportAction"].shortcut().toString() == "Ctrl+R"


def test_team_leader_sees_own_team_then_the_project(window, qtbot) -> None:
    dialog = _open(window, qtbot)
    db_path = window.db.path
    with sqlite3.connect(db_path) as conn:
        team_name, team_households = conn.execute(
            "SELECT t.name, count(h.id) FROM team t JOIN household h ON h.team_id = t.id"
            " WHERE t.id = ? GROUP BY t.name",
            (window.operator.team_id.hex,),
        ).fetchone()
        teams = conn.execute("SELECT count(*) FROM team").fetchone()[0]
        total = conn.execute("SELECT count(*) FROM household").fetchone()[0]
    assert dialog.scope.currentText() == team_name  # a leader starts on the own team
    assert dialog.data is not None and dialog.data.total.households == team_households
    assert f"总户数 {team_households:,}" in dialog.headline.text()
    assert "草稿" in dialog.state.text() or "已冻结" in dialog.state.text()

    dialog.scope.setCurrentIndex(dialog.scope.findText("全项目"))
    assert dialog.data is None and not dialog.xlsx_button.isEnabled()  # stale figures cleared
    qtbot.mouseClick(dialog.show_button, Qt.MouseButton.LeftButton)
    assert dialog.data is not None and dialog.data.total.households == total
    table = dialog.tables["teams"]
    assert table.rowCount() == teams + 1  # and the 合计 line
    shown = sum(int(table.item(r, 2).text().replace(",", "")) for r in range(teams))
    assert shown == total  # the 总户数 column adds up
    assert table.item(teams, 0).text() == "合计"
    assert table.item(teams, 2).text() == f"{total:,}"
    assert "17:00" in dialog.state.text()  # the cut-off in the project's time zone


def test_excel_pdf_and_freezing(window, qtbot, tmp_path: Path, monkeypatch) -> None:
    from relocation_desk.gui import dialogs
    from relocation_desk.gui.daily_report import dialog as daily_report_dialog

    dialog = _open(window, qtbot)
    out = tmp_path / "日报.xlsx"
    monkeypatch.setattr(daily_report_dialog, "ask_xlsx_path", lambda parent, name: out)
    monkeypatch.setattr(dialogs, "show_info", lambda *a: None)
    qtbot.mouseClick(dialog.xlsx_button, Qt.MouseButton.LeftButton)
    wb = load_workbook(out)
    assert len(wb.sheetnames) >= 2

    previews: list[Path] = []
    monkeypatch.setattr(daily_report_dialog, "show_pdf", lambda p, path, t: previews.append(path))
    qtbot.mouseClick(dialog.pdf_button, Qt.MouseButton.LeftButton)
    info = subprocess.run(["pdfinfo", str(previews[0])], capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE), info

    monkeypatch.setattr(dialogs, "ask_confirm", lambda *a: True)
    errors: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda p, t, text: errors.append(text))
    assert dialog.freeze_button.isEnabled()
    qtbot.mouseClick(dialog.freeze_button, Qt.MouseButton.LeftButton)
    assert not errors, errors
    assert "已冻结" in dialog.state.text() and not dialog.freeze_button.isEnabled()
    with sqlite3.connect(window.db.path) as conn:
        stored = conn.execute("SELECT report_date, content_hash FROM daily_report").fetchall()
    assert len(stored) == 1 and stored[0][0] == DAY.isoformat()
    assert stored[0][1].startswith(dialog.data.content_hash[:16])
    # Opening the report again shows the frozen one.
    again = _open(window, qtbot)
    assert again.data is not None and again.data.frozen
    assert again.data.content_hash == dialog.data.content_hash


def test_team_member_cannot_freeze(window, qtbot) -> None:
    from relocation_desk.services.households.service import operators

    window.operator = next(o for o in operators(window.db) if o.role == "member")
    dialog = _open(window, qtbot)
    assert dialog.data is not None
    assert not dialog.freeze_button.isEnabled()
    assert "组长" in dialog.freeze_button.toolTip()
