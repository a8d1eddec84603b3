"""One new household's whole journey, driven as clerks would on a copy of the demo project:
register it (Ctrl+N, typed by keyboard), compute and have a second person check it, post it on
the village wall, print and sign its agreement, pay it in two parts, record 腾房, then see the
daily report move and verify the posted round's code.

Every modal question goes through ``gui.dialogs`` (or the dialog module's own ``ask_*``) and is
answered here; everything else is real widgets on a real database file.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from .typing import press_key, type_text

pytestmark = pytest.mark.gui

HEAD_NAME = "郑堃㑇"  # 堃 and 㑇 (Ext-A) are rare characters a name may hold
SPOUSE_NAME = "李芳"


def _ids() -> tuple[str, str]:
    from relocation_desk.domain import idnumber

    return (
        idnumber.make("410102", date(1971, 3, 9), 135),
        idnumber.make("410102", date(1974, 8, 21), 248),
    )


@pytest.fixture
def db_file(tmp_path: Path, demo_db_path: Path) -> Path:
    target = tmp_path / "journey.sqlite"
    shutil.copy(demo_db_path, target)
    return target


class Answers:
    def __init__(self) -> None:
        self.errors: list[tuple[str, str]] = []
        self.infos: list[tuple[str, str]] = []
        self.confirms: list[tuple[str, str]] = []
        self.previews: list[tuple[str, str]] = []  # (title, the PDF's text)


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> Answers:
    from relocation_desk.gui import dialogs
    from relocation_desk.gui.daily_report import dialog as daily_report_dialog
    from relocation_desk.gui.printing import preview as pdf_preview

    a = Answers()

    def confirm(_p: Any, title: str, text: str) -> bool:
        a.confirms.append((title, text))
        return True

    def preview(
        _p: Any,
        path: Path,
        title: str,
        on_printed: Any = None,
        *,
        on_saved: Any = None,
        save: Any = None,
    ):
        text = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        a.previews.append((title, text))
        if on_printed is not None:
            on_printed(1)

    monkeypatch.setattr(dialogs, "show_error", lambda _p, t, x: a.errors.append((t, x)))
    monkeypatch.setattr(dialogs, "show_info", lambda _p, t, x: a.infos.append((t, x)))
    monkeypatch.setattr(dialogs, "ask_confirm", confirm)
    monkeypatch.setattr(dialogs, "ask_restore_draft", lambda _p: False)
    monkeypatch.setattr(dialogs, "ask_discard_changes", lambda _p: "discard")
    monkeypatch.setattr(pdf_preview, "show_pdf_preview", preview)
    monkeypatch.setattr(daily_report_dialog, "show_pdf", lambda p, path, t: None)
    return a


def _window(qtbot: Any, db_file: Path, operator: Any) -> Any:
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.main_window import MainWindow
    from relocation_desk.storage.db import open_database

    make_app()
    w = MainWindow(open_database(db_file), operator)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def _one(db_file: Path, sql: str, *args: Any) -> Any:
    with sqlite3.connect(db_file) as conn:
        return conn.execute(sql, args).fetchone()


def _register_texts(window: Any, household_id: uuid.UUID) -> list[str]:
    model = window.model
    row = model.row_of(household_id)
    assert row >= 0
    return [str(model.index(row, c).data() or "") for c in range(model.columnCount())]


def _cell(qtbot: Any, table: Any, row: int, field: str, text: str) -> None:
    table.setFocus()
    table.setCurrentCell(row, table.column_of(field))
    type_text(qtbot, table, text)
    press_key(table, Qt.Key.Key_Tab)


def _report_figures(dialog: Any) -> dict[str, int]:
    import dataclasses

    return {k: v for k, v in dataclasses.asdict(dialog.data.total).items() if isinstance(v, int)}


def _open_report(window: Any, qtbot: Any, day: date | None = None) -> Any:
    from relocation_desk.gui.daily_report.feature import open_daily_report

    dialog = open_daily_report(window, today=day)
    qtbot.addWidget(dialog)
    scope = dialog.scope.findText("全项目")
    if scope >= 0 and dialog.scope.currentIndex() != scope:
        dialog.scope.setCurrentIndex(scope)
        qtbot.mouseClick(dialog.show_button, Qt.MouseButton.LeftButton)
    assert dialog.data is not None
    return dialog


def test_one_household_from_registration_to_vacating(
    qtbot: Any, db_file: Path, answers: Answers, monkeypatch: pytest.MonkeyPatch
) -> None:
    from relocation_desk.domain import money
    from relocation_desk.domain.status import NoticeKind
    from relocation_desk.gui.agreements import dialog as agreement_dialog
    from relocation_desk.services.households.service import operators
    from relocation_desk.services.progress.facts import LOCAL_TZ
    from relocation_desk.storage.db import open_database

    head_id, spouse_id = _ids()
    probe = open_database(db_file)
    ops = operators(probe)
    probe.close()
    clerk = next(o for o in ops if o.role == "member" and o.team_id is not None)
    leader = next(o for o in ops if o.role == "leader" and o.team_id == clerk.team_id)

    window = _window(qtbot, db_file, clerk)

    # --- 0. the daily report before the journey -------------------------------------------
    # Opened from the menu: the project's calendar day (UTC+8), not this computer's.
    report_action = next(
        a for a in window.menus["report"].actions() if a.objectName() == "dailyReportAction"
    )
    report_action.trigger()
    shown = [d for d in QApplication.topLevelWidgets() if type(d).__name__ == "DailyReportDialog"]
    assert len(shown) == 1 and shown[0].isVisible()
    shown[0].close()
    before = _open_report(window, qtbot)
    report_day = before.data.report_date
    cutoff = before.data.cutoff
    assert report_day == datetime.now(LOCAL_TZ).date()
    figures_before = _report_figures(before)
    next_day = _open_report(window, qtbot, report_day + timedelta(days=1))
    next_day_before = _report_figures(next_day)
    before.close()
    next_day.close()
    count_before = _one(db_file, "SELECT count(*) FROM household")[0]

    # --- 1. Ctrl+N: a new household typed by keyboard ------------------------------------
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    editor = window.editor
    assert editor is not None and editor.household_id is None
    qtbot.waitExposed(editor)
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    # Opened from the register, a new household starts at its village: the clerk picks theirs.
    assert editor.tabs.currentIndex() == 0
    assert QApplication.focusWidget() is editor.basic.village_combo
    village = _one(
        db_file, "SELECT name FROM village WHERE team_id = ? ORDER BY code", clerk.team_id.hex
    )[0]
    combo = editor.basic.village_combo
    combo.setCurrentIndex(combo.findText(village))
    assert combo.currentText() == village
    # The household chose money compensation (货币补偿): picked from the list, by keyboard.
    method = editor.basic.method_combo
    assert method.currentText() == "（未选定）"
    method.setFocus()
    qtbot.keyClick(method, Qt.Key.Key_Down)
    assert method.currentText() == "货币补偿"
    # Compensation is paid to the household's account: the clerk types it from the bank book.
    for edit, text in (
        (editor.basic.bank_name_edit, "农行城关支行"),
        (editor.basic.bank_account_edit, "6228480402564890018"),
        (editor.basic.account_holder_edit, HEAD_NAME),
    ):
        edit.setFocus()
        type_text(qtbot, edit, text)
    editor.tabs.setCurrentIndex(1)
    members = editor.members
    _cell(qtbot, members, 0, "name", HEAD_NAME)
    _cell(qtbot, members, 0, "id_number", head_id)
    assert members.item(0, members.column_of("sex")).text() == "男"
    members.setFocus()
    qtbot.keyClick(
        QApplication.focusWidget(),
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert members.rowCount() == 2
    _cell(qtbot, members, 1, "name", SPOUSE_NAME)
    _cell(qtbot, members, 1, "id_number", spouse_id)
    _cell(qtbot, members, 1, "relation", "配偶")

    editor.tabs.setCurrentIndex(2)
    buildings = editor.structures
    if buildings.rowCount() == 0:
        buildings.setFocus()
        qtbot.keyClick(
            buildings,
            Qt.Key.Key_N,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    _cell(qtbot, buildings, 0, "label", "正房")
    _cell(qtbot, buildings, 0, "structure_type", "砖混")
    _cell(qtbot, buildings, 0, "legal_area", "120.5")
    _cell(qtbot, buildings, 0, "unlicensed_area", "18")
    _cell(qtbot, buildings, 0, "floors", "2")
    _cell(qtbot, buildings, 0, "build_year", "1998")
    editor._validate_now()
    assert [p for p in editor.problems.texts() if "错误" in p] == []
    with qtbot.waitSignal(editor.saved) as saved:
        editor.save_button.click()
    hid: uuid.UUID = saved.args[0]
    assert not answers.errors, answers.errors
    assert _one(db_file, "SELECT count(*) FROM household")[0] == count_before + 1
    code, head, village_id, status = _one(
        db_file, "SELECT code, head_name, village_id, status FROM household WHERE id = ?", hid.hex
    )
    assert head == HEAD_NAME and status == "registered"
    assert (
        _one(
            db_file,
            "SELECT group_concat(name || '/' || id_number, ';') FROM person WHERE household_id = ?",
            hid.hex,
        )[0]
        == f"{HEAD_NAME}/{head_id};{SPOUSE_NAME}/{spouse_id}"
    )
    assert _one(
        db_file,
        "SELECT label, structure_type, legal_area_dm2, unlicensed_area_dm2, floors, build_year"
        " FROM structure WHERE household_id = ?",
        hid.hex,
    ) == ("正房", "brick_concrete", 12050, 1800, 2, 1998)
    assert HEAD_NAME in _register_texts(window, hid)
    assert _one(
        db_file,
        "SELECT bank_name, bank_account, account_holder FROM household WHERE id = ?",
        hid.hex,
    ) == ("农行城关支行", "6228480402564890018", HEAD_NAME)
    assert (
        _one(db_file, "SELECT compensation_method FROM household WHERE id = ?", hid.hex)[0]
        == "money"
    )
    assert editor.basic.code_edit.text() == code

    # --- 2. 核算…: compute as the clerk; the same person cannot check ---------------------
    qtbot.mouseClick(editor.calculation_button, Qt.MouseButton.LeftButton)
    panel = editor.calculation_panel
    qtbot.waitExposed(panel)
    qtbot.mouseClick(panel.compute_button, Qt.MouseButton.LeftButton)
    view = panel.view
    assert view is not None and view.status == "computed" and view.total_fen > 0
    total_fen = view.total_fen
    assert panel.total_label.text() == f"合计：{money.format_fen(total_fen)} 元"
    assert _one(db_file, "SELECT status, total_fen FROM household WHERE id = ?", hid.hex) == (
        "calculated",
        total_fen,
    )
    qtbot.mouseClick(panel.check_button, Qt.MouseButton.LeftButton)
    assert answers.errors and "不能是同一人" in answers.errors[-1][1]
    answers.errors.clear()
    assert _one(db_file, "SELECT status FROM household WHERE id = ?", hid.hex)[0] == "calculated"
    panel.close()
    editor.close()

    # The team leader, at their own window on the same project, checks it.
    lead_window = _window(qtbot, db_file, leader)
    lead_window._select(hid)
    assert lead_window.current_household() == hid
    lead_window.calc_feature.panel_action.trigger()
    lead_panel = lead_window.calc_feature.panel
    qtbot.waitExposed(lead_panel)
    assert lead_panel.check_button.isEnabled()
    qtbot.mouseClick(lead_panel.check_button, Qt.MouseButton.LeftButton)
    assert not answers.errors, answers.errors
    assert lead_panel.view.status == "checked"
    assert lead_panel.checked_label.text().startswith(leader.name)
    assert _one(db_file, "SELECT status FROM household WHERE id = ?", hid.hex)[0] == "checked"
    lead_panel.close()
    w = lead_window  # the rest of the journey at the leader's window

    # --- 3. 公示 → 张榜公示 for the household's village -----------------------------------
    assert _one(db_file, "SELECT name FROM village WHERE id = ?", village_id)[0] == village
    w._select(hid)
    w.notice_feature.post_action.trigger()
    post = w.notice_feature.post_dialog
    post.village.setCurrentIndex(post.village.findText(village))
    post.kind.setCurrentIndex(post.kind.findData(NoticeKind.COMPENSATION.value))
    qtbot.mouseClick(post.post_button, Qt.MouseButton.LeftButton)
    assert not answers.errors, answers.errors
    posted = post.result_view
    assert posted is not None
    listed = [r for r in posted.rows if r.household_id == hid]
    assert len(listed) == 1 and listed[0].change_mark != "removed"
    round_code = posted.verification_code
    # The wall sheet was shown in the (replaced) preview: the household is on it, by name.
    assert len(answers.previews) == 1
    assert HEAD_NAME in answers.previews[0][1] and round_code in answers.previews[0][1]
    assert round_code in answers.infos[-1][1]
    assert (
        _one(
            db_file,
            "SELECT count(*) FROM notice_row nr JOIN notice_round r ON r.id = nr.round_id"
            " WHERE r.verification_code = ? AND nr.household_id = ?",
            round_code,
            hid.hex,
        )[0]
        == 1
    )
    assert _one(db_file, "SELECT status FROM household WHERE id = ?", hid.hex)[0] == "noticed"

    # --- 4. 协议…: print (preview), sign; the editor then refuses a building change --------
    w.open_household(hid)
    editor = w.editor
    qtbot.waitExposed(editor)
    qtbot.mouseClick(editor.agreement_button, Qt.MouseButton.LeftButton)
    agreement = editor.agreement_dialog
    assert "可以打印" in agreement.problems_label.text(), agreement.problems_label.text()
    qtbot.mouseClick(agreement.print_button, Qt.MouseButton.LeftButton)
    assert not answers.errors, answers.errors
    number = agreement.number_label.text()
    assert len(answers.previews) == 2 and number in answers.previews[-1][0]
    assert HEAD_NAME in answers.previews[-1][1] and head_id in answers.previews[-1][1]
    signed_on = date.today()
    monkeypatch.setattr(agreement_dialog, "ask_signing", lambda *_a: (signed_on, "村委会"))
    qtbot.mouseClick(agreement.sign_button, Qt.MouseButton.LeftButton)
    assert not answers.errors, answers.errors
    assert number in answers.confirms[-1][1]
    assert agreement.status_label.text().startswith("已签订")
    assert _one(db_file, "SELECT status FROM household WHERE id = ?", hid.hex)[0] == "signed"
    assert _one(
        db_file,
        "SELECT number, signed_on, witnessed_by, total_fen FROM agreement"
        " WHERE household_id = ? AND kind = 'main' AND status = 'signed'",
        hid.hex,
    ) == (number, signed_on.isoformat(), "村委会", total_fen)
    assert "已签约" in _register_texts(w, hid)
    agreement.close()

    editor.tabs.setCurrentIndex(2)
    _cell(qtbot, editor.structures, 0, "legal_area", "130")
    assert editor.is_modified()
    editor.save_button.click()
    assert "未保存" in editor.status.text()
    assert any("补充协议" in t for t in editor.problems.texts())
    assert (
        _one(db_file, "SELECT legal_area_dm2 FROM structure WHERE household_id = ?", hid.hex)[0]
        == 12050
    )
    editor.close()  # discards the refused change (answered by ask_discard_changes)

    # --- 5. 支付与交房…: two payments typed in 元, then 腾房 ------------------------------
    w._select(hid)
    w.payments_feature.pay_action.trigger()
    pay = w.payments_feature.dialog
    assert f"尚欠 {money.format_fen(total_fen)} 元" in pay.balance_label.text()
    first = total_fen // 3
    for part in (first, total_fen - first):
        pay.amount.setFocus()
        type_text(qtbot, pay.amount, money.format_fen(part))
        qtbot.mouseClick(pay.pay_button, Qt.MouseButton.LeftButton)
        assert not answers.errors, answers.errors
    assert pay.table.rowCount() == 2
    assert "已付清" in pay.balance_label.text()
    assert _one(db_file, "SELECT status FROM household WHERE id = ?", hid.hex)[0] == "paid"
    assert _one(
        db_file, "SELECT count(*), sum(amount_fen) FROM payment WHERE household_id = ?", hid.hex
    ) == (2, total_fen)
    qtbot.mouseClick(pay.milestone_button["vacated"], Qt.MouseButton.LeftButton)
    assert not answers.errors, answers.errors
    assert pay.milestone_state["vacated"].text().startswith("已登记")
    assert _one(db_file, "SELECT status FROM household WHERE id = ?", hid.hex)[0] == "vacated"
    assert "已腾房" in _register_texts(w, hid)
    pay.close()

    # --- 6. 报表 → 每日汇报: the project's figures moved by this household ----------------
    # Independent counts: how many households this round posted for the first time (the round
    # lists every household of the village that is ready, not only ours).
    first_posted = _one(
        db_file,
        "SELECT count(*) FROM notice_row nr JOIN notice_round r ON r.id = nr.round_id"
        " WHERE r.verification_code = ? AND NOT EXISTS (SELECT 1 FROM notice_row o"
        " JOIN notice_round ro ON ro.id = o.round_id"
        " WHERE o.household_id = nr.household_id AND ro.id <> r.id AND ro.kind = r.kind)",
        round_code,
    )[0]
    assert first_posted >= 1
    cumulative = {
        "households": 1, "surveyed": 1, "calculated": 1, "checked": 1, "noticed": first_posted,
        "signed": 1, "paid": 1, "vacated": 1,
        "computed_fen": total_fen, "signed_fen": total_fen, "paid_fen": total_fen,
    }  # fmt: skip
    today_only = {
        "signed_today": 1, "paid_today": 1, "vacated_today": 1,
        "signed_fen_today": total_fen, "paid_fen_today": total_fen,
    }  # fmt: skip
    unmoved = ("demolished", "decisions", "objections_open", "approvals_pending", "closed")
    now = datetime.now(LOCAL_TZ)
    # 报表 → 每日汇报 again, at the leader's window: the same calendar day, figures as of now.
    next(a for a in w.menus["report"].actions() if a.objectName() == "dailyReportAction").trigger()
    shown = [
        d
        for d in QApplication.topLevelWidgets()
        if type(d).__name__ == "DailyReportDialog" and d.isVisible()
    ]
    assert len(shown) == 1
    shown[0].close()
    after = _open_report(w, qtbot)
    assert after.data.report_date == report_day
    figures_after = _report_figures(after)
    delta = {k: figures_after[k] - figures_before[k] for k in (*cumulative, *today_only, *unmoved)}
    if now <= cutoff:
        # Everything was entered before today's cut-off: today's report moves by all of it.
        assert delta == {**cumulative, **today_only, **dict.fromkeys(unmoved, 0)}
        assert f"总户数 {figures_after['households']:,}" in after.headline.text()
        with sqlite3.connect(db_file) as conn:
            households, signed, paid_fen, vacated = conn.execute(
                "SELECT (SELECT count(*) FROM household),"
                " (SELECT count(*) FROM agreement WHERE kind = 'main' AND status = 'signed'),"
                " (SELECT sum(amount_fen) FROM payment),"
                " (SELECT count(DISTINCT household_id) FROM milestone WHERE kind = 'vacated')"
            ).fetchone()
        assert (households, signed, paid_fen, vacated) == (
            figures_after["households"],
            figures_after["signed"],
            figures_after["paid_fen"],
            figures_after["vacated"],
        )
    else:
        # Entered after today's cut-off: today's (frozen or not) figures stay as they were.
        assert delta == dict.fromkeys(delta, 0)
    # Either way the next day's report counts all of it, cumulatively.
    tomorrow = _report_figures(_open_report(w, qtbot, report_day + timedelta(days=1)))
    assert {k: tomorrow[k] - next_day_before[k] for k in cumulative} == cumulative

    # --- 7. 核验公示 with the round's code ----------------------------------------------
    w.notice_feature.verify_action.trigger()
    verify = w.notice_feature.verify_dialog
    type_text(qtbot, verify.code, round_code)
    qtbot.keyClick(verify.code, Qt.Key.Key_Return)
    # Signing, paying and vacating change the household's status, not its posted figures.
    assert verify.status.text().startswith("一致"), verify.status.text()
