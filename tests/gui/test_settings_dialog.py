"""设置 → 项目设置…, the project clock in the windows, and the program versions, driven
through the real widgets."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from .typing import type_text

pytestmark = pytest.mark.gui

EVENING_UTC = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)  # already 2 March in Shanghai
SHANGHAI_DAY = date(2026, 3, 2)


def _window(qtbot, tmp_path: Path, demo_db_path: Path, role: str):  # type: ignore[no-untyped-def]
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.main_window import MainWindow
    from relocation_desk.services.households.service import operators
    from relocation_desk.storage.db import open_database

    target = tmp_path / "w.sqlite"
    if not target.exists():
        shutil.copy(demo_db_path, target)
    make_app()
    db = open_database(target)
    operator = next(o for o in operators(db) if o.role == role)
    w = MainWindow(db, operator)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[tuple[str, str]]]:
    from relocation_desk.gui import dialogs

    found: dict[str, list[tuple[str, str]]] = {"info": [], "error": [], "warning": []}
    monkeypatch.setattr(dialogs, "show_info", lambda p, t, text: found["info"].append((t, text)))
    monkeypatch.setattr(dialogs, "show_error", lambda p, t, text: found["error"].append((t, text)))
    monkeypatch.setattr(
        dialogs, "show_warning", lambda p, t, text: found["warning"].append((t, text))
    )
    return found


def _open_settings(window, qtbot):  # type: ignore[no-untyped-def]
    window.settings_action.trigger()
    dialog = window.settings_dialog
    qtbot.waitExposed(dialog)
    return dialog


def _retype(qtbot, line: QLineEdit, text: str) -> None:  # type: ignore[no-untyped-def]
    line.setFocus(Qt.FocusReason.OtherFocusReason)
    line.selectAll()
    qtbot.keyClick(line, Qt.Key.Key_Delete)
    type_text(qtbot, line, text)
    qtbot.keyClick(line, Qt.Key.Key_Tab)  # leaving the field checks it


def _stored(path: Path, key: str) -> object:
    with sqlite3.connect(path) as conn:
        row = conn.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def test_menu_only_for_those_who_may_change_settings(qtbot, tmp_path, demo_db_path) -> None:  # type: ignore[no-untyped-def]
    member = _window(qtbot, tmp_path, demo_db_path, "member")
    menu = member.menus["settings"]
    assert menu.menuAction().isVisible() and menu.title() == "设置(&S)"
    action = member.settings_action
    assert action in menu.actions() and not action.isEnabled()
    assert "修改项目设置" in action.toolTip()
    hq = _window(qtbot, tmp_path, demo_db_path, "hq")
    assert hq.settings_action.isEnabled()


def test_settings_checked_and_saved_through_the_window(  # type: ignore[no-untyped-def]
    qtbot, tmp_path, demo_db_path, answers
) -> None:
    window = _window(qtbot, tmp_path, demo_db_path, "hq")
    dialog = _open_settings(window, qtbot)
    assert dialog.isVisible() and dialog.editable
    tabs = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert tabs == ["协议", "进度与日报", "公示", "时间与安全", "本机"]
    cutoff = dialog.rows["report_cutoff"].editor
    assert cutoff.text() == "17:00"  # the demo's
    assert dialog.rows["time_zone"].editor.placeholderText() == "默认：Asia/Shanghai"
    # A wrong value is said under its field when it is left …
    dialog.tabs.setCurrentIndex(1)
    _retype(qtbot, cutoff, "25:61")
    error = dialog.rows["report_cutoff"].error
    assert error.isVisible() and "时:分" in error.text()
    # … and saving refuses everything, naming it on its page.
    dialog.tabs.setCurrentIndex(3)
    zone = dialog.rows["time_zone"].editor
    _retype(qtbot, zone, "Asia/Urumqi")
    assert not dialog.rows["time_zone"].error.isVisible()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.tabs.currentIndex() == 1
    assert _stored(window.db.path, "time_zone") is None
    # Corrected: saved at once, one audit row, and the window uses the new clock.
    _retype(qtbot, cutoff, "16:30")
    assert not error.isVisible()
    dialog.tabs.setCurrentIndex(0)
    _retype(qtbot, dialog.rows["agreement_values.authority"].editor, "清源县征收办")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert sorted(dialog.saved_keys) == [
        "agreement_values.authority", "report_cutoff", "time_zone",
    ]  # fmt: skip
    assert answers["info"] and "已保存 3 项" in answers["info"][-1][1]
    assert _stored(window.db.path, "report_cutoff") == '"16:30"'
    assert _stored(window.db.path, "time_zone") == '"Asia/Urumqi"'
    with sqlite3.connect(window.db.path) as conn:
        rows = conn.execute(
            "SELECT operator_login, note FROM audit_log WHERE entity = 'setting'"
        ).fetchall()
    assert len(rows) == 1 and "report_cutoff" in rows[0][1]
    from relocation_desk.services.clock import project_zone

    assert str(project_zone(window.db)) == "Asia/Urumqi"
    # Opened again, it shows what is stored.
    again = _open_settings(window, qtbot)
    assert again.rows["report_cutoff"].editor.text() == "16:30"
    again.reject()


def test_backup_folder_chosen_with_the_folder_dialog(  # type: ignore[no-untyped-def]
    qtbot, tmp_path, demo_db_path, answers, monkeypatch
) -> None:
    from relocation_desk.gui import dialogs

    window = _window(qtbot, tmp_path, demo_db_path, "admin")
    stick = tmp_path / "stick"
    stick.mkdir()
    monkeypatch.setattr(dialogs, "ask_backup_folder", lambda _parent: stick)
    dialog = _open_settings(window, qtbot)
    dialog.tabs.setCurrentIndex(3)
    choose = dialog.findChild(type(dialog.save_button), "chooseBackupFolder")
    qtbot.mouseClick(choose, Qt.MouseButton.LeftButton)
    assert dialog.rows["backup_folder"].editor.text() == str(stick)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    # Reopened with the folder: the automatic backup of the opening lands on the stick.
    qtbot.waitUntil(lambda: any(stick.glob("*-auto.sqlite")), timeout=10000)


def test_member_sees_settings_read_only_and_may_choose_a_language(  # type: ignore[no-untyped-def]
    qtbot, tmp_path, demo_db_path, answers
) -> None:
    from relocation_desk.gui import settings
    from relocation_desk.gui.settings.feature import open_settings

    window = _window(qtbot, tmp_path, demo_db_path, "member")
    dialog = open_settings(window)
    qtbot.waitExposed(dialog)
    assert not dialog.editable
    assert dialog.rows["report_cutoff"].editor.isReadOnly()
    assert not dialog.rows["time_zone"].editor.isEnabled()  # a drop-down's line edit
    assert (
        "只能查看"
        in dialog.findChild(type(dialog.rows["report_cutoff"].error), "settingsNote").text()
    )
    assert settings.preferred_language() is None
    dialog.tabs.setCurrentIndex(dialog.tabs.count() - 1)
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert settings.preferred_language() == "en"
    assert "下次启动" in answers["info"][-1][1]
    assert dialog.saved_keys == []
    settings.set_preferred_language("zh_CN")
    with pytest.raises(ValueError):
        settings.set_preferred_language("fr")


def test_about_shows_the_version_and_the_versions_that_wrote_the_database(  # type: ignore[no-untyped-def]
    qtbot, tmp_path, demo_db_path, answers
) -> None:
    from relocation_desk import __version__

    window = _window(qtbot, tmp_path, demo_db_path, "member")
    about = next(
        a for a in window.menuBar().actions()[-1].menu().actions() if a.text() == "关于(&A)"
    )
    about.trigger()
    title, text = answers["info"][-1]
    assert title == "关于" and __version__ in text
    assert "写入过本数据库的程序版本" in text and f"  {__version__}：" in text
    assert "更新版本" not in text


def test_newer_program_version_is_pointed_out_before_signing_in(  # type: ignore[no-untyped-def]
    qtbot, tmp_path, demo_db_path, answers, monkeypatch
) -> None:
    from relocation_desk.gui import dialogs
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.auth.flow import sign_in
    from relocation_desk.storage.db import open_database

    target = tmp_path / "newer.sqlite"
    shutil.copy(demo_db_path, target)
    with sqlite3.connect(target) as conn:
        conn.execute(
            "INSERT INTO program_version VALUES ('9.0.0', '2027-01-02 03:04:05.000000',"
            " '2027-01-02 03:04:05.000000')"
        )
    make_app()
    order: list[str] = []
    monkeypatch.setattr(dialogs, "show_warning", lambda p, t, text: order.append("warning:" + text))
    monkeypatch.setattr(dialogs, "ask_sign_in", lambda *a, **k: order.append("sign-in"))
    db = open_database(target)
    try:
        assert sign_in(None, db) is None
    finally:
        db.close()
    assert len(order) == 2 and order[1] == "sign-in"
    assert order[0].startswith("warning:") and "9.0.0" in order[0] and "升级" in order[0]


def test_windows_take_today_from_the_project_clock(  # type: ignore[no-untyped-def]
    qtbot, tmp_path, demo_db_path, answers, monkeypatch
) -> None:
    """The machine says 1 March (20:00 UTC); in Shanghai it is 2 March: the payments, notice,
    daily report, dashboard and recompute windows all use 2 March."""
    from relocation_desk.gui.daily_report.feature import open_daily_report
    from relocation_desk.gui.dashboard.window import Dashboard
    from relocation_desk.services import clock
    from relocation_desk.services.calculation import recompute as recompute_service

    monkeypatch.setattr(clock, "system_now", lambda: EVENING_UTC)
    window = _window(qtbot, tmp_path, demo_db_path, "hq")

    window.payments_feature.pay_action.trigger()
    payments = window.payments_feature.dialog
    assert payments.today == SHANGHAI_DAY

    window.notice_feature.post_action.trigger()
    post = window.notice_feature.post_dialog
    assert post.start.date().toPython() == SHANGHAI_DAY
    post.reject()

    report = open_daily_report(window)
    qtbot.addWidget(report)
    assert report.day.date().toPython() == SHANGHAI_DAY
    assert report.day.maximumDate().toPython() == SHANGHAI_DAY
    report.close()

    board = Dashboard(window.db, window.operator)
    qtbot.addWidget(board)
    assert board.date_edit.date().toPython() == SHANGHAI_DAY

    judged: list[date] = []
    monkeypatch.setattr(
        recompute_service,
        "recompute_all_with_changes",
        lambda db, operator, *, as_of, **kw: (
            judged.append(as_of) or (_ for _ in ()).throw(RuntimeError("stop here"))
        ),
    )
    from relocation_desk.gui import dialogs

    monkeypatch.setattr(dialogs, "ask_confirm", lambda *a: True)
    window.calc_feature.recompute_action.trigger()
    dialog = window.calc_feature.recompute
    assert "2026-03-02" in dialog.label.text()
    qtbot.waitUntil(lambda: bool(judged))
    assert judged == [SHANGHAI_DAY]
    qtbot.waitUntil(lambda: not dialog.is_running())


def test_demo_times_are_shown_in_the_projects_working_hours(qtbot, tmp_path, demo_db_path) -> None:  # type: ignore[no-untyped-def]
    """Stored UTC, shown in the project's zone: the demo's work falls in working hours there,
    whatever zone this computer is set to."""
    window = _window(qtbot, tmp_path, demo_db_path, "hq")
    model = window.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    col = headers.index("最后修改")
    shown = [model.data(model.index(r, col)) for r in range(min(200, model.rowCount()))]
    hours = {int(text[11:13]) for text in shown if text}
    assert hours and hours <= set(range(8, 19)), sorted(hours)
