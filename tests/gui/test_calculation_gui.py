"""Issue #6 on screen: compute and check (two people), an exception asked by a team and decided
by HQ, the fairness report, and recomputing everything with progress and cancel.

Real widgets on a copy of the demo project; every question goes through ``gui.dialogs`` and is
answered by the ``answers`` fixture.
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer

from .typing import type_text

pytestmark = pytest.mark.gui

TODAY = date(2026, 11, 23)  # the demo project's "today"


@pytest.fixture
def db_file(tmp_path: Path, demo_db_path: Path) -> Path:
    target = tmp_path / "calc.sqlite"
    shutil.copy(demo_db_path, target)
    return target


@pytest.fixture
def project_db(db_file: Path) -> Iterator[Any]:
    from relocation_desk.storage.db import open_database

    database = open_database(db_file)
    yield database
    database.close()


@pytest.fixture
def ops(project_db: Any) -> dict[str, Any]:
    from relocation_desk.services.households.service import operators

    return {o.login: o for o in operators(project_db)}


class Answers:
    def __init__(self) -> None:
        self.errors: list[tuple[str, str]] = []
        self.infos: list[tuple[str, str]] = []
        self.confirm = True
        self.documents: list[Path] = []
        self.save_as: Path | None = None


@pytest.fixture(autouse=True)
def answers(monkeypatch: pytest.MonkeyPatch) -> Answers:
    from relocation_desk.gui import dialogs
    from relocation_desk.gui.calculation import common as calculation_common

    a = Answers()
    monkeypatch.setattr(calculation_common, "today", lambda _source=None: TODAY)
    monkeypatch.setattr(dialogs, "show_error", lambda p, t, text: a.errors.append((t, text)))
    monkeypatch.setattr(dialogs, "show_info", lambda p, t, text: a.infos.append((t, text)))
    monkeypatch.setattr(dialogs, "ask_confirm", lambda p, t, text: a.confirm)
    monkeypatch.setattr(dialogs, "ask_documents", lambda p: list(a.documents))
    monkeypatch.setattr(dialogs, "ask_save_xlsx", lambda p, t, s: a.save_as)
    monkeypatch.setattr(dialogs, "ask_restore_draft", lambda p: False)
    monkeypatch.setattr(dialogs, "ask_discard_changes", lambda p: "discard")
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


def _household(db_file: Path, where: str) -> tuple[uuid.UUID, str]:
    with sqlite3.connect(db_file) as conn:
        hid, code = conn.execute(
            f"SELECT h.id, h.code FROM household h JOIN team t ON t.id = h.team_id "
            f"WHERE t.code = 'T01' AND {where} ORDER BY h.code LIMIT 1"
        ).fetchone()
    return uuid.UUID(hex=hid), code


def _select(window: Any, household_id: uuid.UUID) -> None:
    row = window.model.row_of(household_id)
    assert row >= 0
    window.table.selectRow(row)


def _status(db_file: Path, household_id: uuid.UUID) -> tuple[str, int]:
    with sqlite3.connect(db_file) as conn:
        status, total = conn.execute(
            "SELECT status, total_fen FROM household WHERE id = ?", (household_id.hex,)
        ).fetchone()
    return status, total


def _panel_lines(panel: Any) -> list[tuple[str, ...]]:
    model = panel.model
    return [tuple(model.row(r)) for r in range(model.rowCount())]


# --- compute and check ------------------------------------------------------------------------


def test_compute_then_check_by_a_second_person(
    qtbot: Any, db_file: Path, ops: dict[str, Any], answers: Answers
) -> None:
    from relocation_desk.gui.calculation.panel import CalculationPanel

    hid, code = _household(
        db_file,
        "h.status = 'surveyed' AND NOT EXISTS (SELECT 1 FROM calculation c "
        "WHERE c.household_id = h.id)",
    )
    clerk, leader = ops["wanghongjun"], ops["shilixin"]
    window = _window(qtbot, db_file, clerk)
    _select(window, hid)
    window.calc_feature.panel_action.trigger()
    panel = window.calc_feature.panel
    qtbot.waitExposed(panel)
    assert code in panel.heading.text()
    assert panel.version_label.text() == "尚未计算" and panel.model.rowCount() == 0
    assert not panel.check_button.isEnabled()

    qtbot.mouseClick(panel.compute_button, Qt.MouseButton.LeftButton)
    view = panel.view
    assert view is not None and view.version_no == 1 and view.status == "computed"
    assert panel.status_label.text() == "已计算，待复核"
    assert panel.computed_label.text().startswith("王红军")
    assert panel.total_label.text() == f"合计：{_yuan(view.total_fen)} 元"
    assert panel.upper_label.text() == f"大写：{view.total_upper}"
    assert len(_panel_lines(panel)) == len(view.lines) > 0
    assert "已生成第1版核算" in panel.change_label.text()
    assert panel.compute_button.text() == "重新计算"
    # The register follows at once: total and status of the row.
    assert _status(db_file, hid) == ("calculated", view.total_fen)
    row = window.model.row_of(hid)
    assert any(_yuan(view.total_fen) in str(window.model.index(row, c).data()) for c in range(11))

    # Computing again with the same data stores nothing new.
    qtbot.mouseClick(panel.compute_button, Qt.MouseButton.LeftButton)
    assert panel.view is not None and panel.view.id == view.id
    assert "没有生成新版本" in panel.change_label.text()

    # The maker cannot check their own calculation.
    qtbot.mouseClick(panel.check_button, Qt.MouseButton.LeftButton)
    assert answers.errors and "不能是同一人" in answers.errors[-1][1]
    assert panel.view.status == "computed"

    # A second person (the team leader) checks it.
    second = CalculationPanel(window.db, leader, hid)
    qtbot.addWidget(second)
    second.show()
    assert second.check_button.isEnabled()
    qtbot.mouseClick(second.check_button, Qt.MouseButton.LeftButton)
    assert second.view is not None and second.view.status == "checked"
    assert second.checked_label.text().startswith("石立新")
    assert not second.check_button.isEnabled()
    assert _status(db_file, hid)[0] == "checked"
    panel.close()


def _yuan(fen: int) -> str:
    from relocation_desk.domain.money import format_fen

    return format_fen(fen)


def test_editor_button_opens_the_calculation(
    qtbot: Any, db_file: Path, ops: dict[str, Any], answers: Answers
) -> None:
    hid, code = _household(db_file, "h.status = 'calculated'")
    window = _window(qtbot, db_file, ops["wanghongjun"])
    window.open_household(hid)
    editor = window.editor
    qtbot.waitExposed(editor)
    button = editor.calculation_button
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    panel = editor.calculation_panel
    qtbot.waitExposed(panel)
    assert code in panel.heading.text()
    assert panel.view is not None and panel.view.status == "computed"
    assert panel.model.rowCount() == len(panel.view.lines)
    panel.close()
    editor.close()


# --- exceptions ---------------------------------------------------------------------------------


def test_request_decided_by_hq_becomes_a_marked_line(
    qtbot: Any, db_file: Path, ops: dict[str, Any], answers: Answers, tmp_path: Path
) -> None:
    from relocation_desk.gui.calculation.approvals import ApprovalsDialog, RequestDialog
    from relocation_desk.gui.calculation.panel import CalculationPanel

    hid, code = _household(db_file, "h.status = 'calculated'")
    clerk = ops["wanghongjun"]
    window = _window(qtbot, db_file, clerk)
    db = window.db
    panel = CalculationPanel(db, clerk, hid)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.mouseClick(panel.compute_button, Qt.MouseButton.LeftButton)  # up to date first
    before = panel.view
    assert before is not None
    move = sum(ln.amount_fen for ln in before.lines if ln.item_code == "MOVE")
    letter = tmp_path / "村委会证明.pdf"
    letter.write_bytes(b"%PDF-1.4 proof")
    answers.documents = [letter]

    def fill_and_submit() -> None:
        dialog = panel.request_dialog
        assert isinstance(dialog, RequestDialog)
        index = dialog.item.findData("MOVE")
        assert index > 0 and "现核算" in dialog.item.itemText(index)
        dialog.item.setCurrentIndex(index)
        dialog.amount.setFocus()
        type_text(qtbot, dialog.amount, "9000")
        assert dialog.amount_upper.text() == "人民币玖仟元整"
        dialog.reason.setFocus()
        type_text(qtbot, dialog.reason, "家有养殖场，搬迁量大，申请提高搬迁费")
        qtbot.mouseClick(dialog.add_files_button, Qt.MouseButton.LeftButton)
        assert dialog.attachments() == [letter]
        qtbot.mouseClick(dialog.submit_button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, fill_and_submit)
    qtbot.mouseClick(panel.request_button, Qt.MouseButton.LeftButton)  # modal until submitted
    assert answers.errors == []
    number = panel.request_dialog.number
    assert number.startswith("SP-T01-")
    assert number in panel.requests_label.text() and "待审批" in panel.requests_label.text()
    # Pending: computing changes nothing.
    qtbot.mouseClick(panel.compute_button, Qt.MouseButton.LeftButton)
    assert panel.view is not None and panel.view.id == before.id

    # A team member sees the list read-only.
    readonly = ApprovalsDialog(db, clerk)
    qtbot.addWidget(readonly)
    readonly.show()
    assert not readonly.approve_button.isVisible() and readonly.read_only_note.isVisible()

    # HQ decides: a reason is required.
    hq = ApprovalsDialog(db, ops["dingweihua"])
    qtbot.addWidget(hq)
    hq.show()
    assert hq.filter.currentData() == "pending"
    assert hq.select_number(number)
    current = hq.current()
    assert current is not None and current.household_code == code
    assert current.requested_amount_fen == 900000 and current.team_code == "T01"
    assert [a.name for a in current.attachments] == ["村委会证明.pdf"]
    assert current.attachments[0].path.read_bytes() == letter.read_bytes()
    assert "村委会证明.pdf" in hq.detail.text() and "9,000.00" in hq.detail.text()
    qtbot.mouseClick(hq.approve_button, Qt.MouseButton.LeftButton)
    assert answers.errors[-1][0] == "请填写审批意见"
    assert hq.current() is not None and hq.current().status == "pending"
    hq.decision.setFocus()
    type_text(qtbot, hq.decision, "经指挥部会议研究同意")
    with qtbot.waitSignal(hq.decided):
        qtbot.mouseClick(hq.approve_button, Qt.MouseButton.LeftButton)
    assert number in hq.status.text()
    assert all(r.number != number for r in hq.requests)  # no longer pending
    hq.filter.setCurrentIndex(hq.filter.findData("approved"))
    assert hq.select_number(number)
    assert hq.current().decided_by == "丁卫华" and not hq.approve_button.isEnabled()

    # The next computation shows the exception as its own marked line.
    panel.refresh()
    assert "尚未计入" in panel.requests_label.text()
    qtbot.mouseClick(panel.compute_button, Qt.MouseButton.LeftButton)
    after = panel.view
    assert after is not None and after.version_no == before.version_no + 1
    assert after.total_fen == before.total_fen + (900000 - move)
    marked = [r for r in _panel_lines(panel) if r[6] == number]
    assert len(marked) == 1 and marked[0][7].startswith(f"经指挥部审批（{number}）")
    row = next(k for k, r in enumerate(_panel_lines(panel)) if r[6] == number)
    assert panel.model.index(row, 0).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert "尚未计入" not in panel.requests_label.text()
    assert "增加" in panel.change_label.text()


def test_hq_rejects_with_a_reason_and_nothing_changes(
    qtbot: Any, db_file: Path, ops: dict[str, Any], answers: Answers
) -> None:
    from relocation_desk.services.calculation.approvals import ApprovalService
    from relocation_desk.services.calculation.service import CalculationService

    hid, _code = _household(db_file, "h.status = 'calculated'")
    window = _window(qtbot, db_file, ops["dingweihua"])
    db = window.db
    rid = ApprovalService(db, ops["wanghongjun"]).request(
        hid, "", None, "按特殊困难户另行补助", "户主重病"
    )
    base = CalculationService(db, ops["wanghongjun"]).compute(hid, as_of=TODAY)
    window.calc_feature.approvals_action.trigger()
    dialog = window.calc_feature.approvals
    qtbot.waitExposed(dialog)
    number = next(r.number for r in dialog.requests if r.id == rid)
    assert dialog.select_number(number)
    dialog.decision.setFocus()
    type_text(qtbot, dialog.decision, "不符合方案规定")
    qtbot.mouseClick(dialog.reject_button, Qt.MouseButton.LeftButton)
    rejected = ApprovalService(db, None).list_requests("rejected")
    assert [(r.number, r.decision_reason) for r in rejected] == [(number, "不符合方案规定")]
    view = CalculationService(db, ops["wanghongjun"]).compute(hid, as_of=TODAY)
    assert view.id == base.id and not any(ln.approval_number for ln in view.lines)


# --- fairness -------------------------------------------------------------------------------------


def test_fairness_view_shows_cadres_and_exports(
    qtbot: Any, db_file: Path, ops: dict[str, Any], answers: Answers, tmp_path: Path
) -> None:
    import openpyxl

    from relocation_desk.services.calculation.fairness import fairness_report

    window = _window(qtbot, db_file, ops["dingweihua"])
    expected = fairness_report(window.db, today=TODAY)
    assert expected.cadres
    window.calc_feature.fairness_action.trigger()
    view = window.calc_feature.fairness
    qtbot.waitUntil(lambda: view.report is not None, timeout=30_000)
    assert not view.busy.isVisible() and view.export_button.isEnabled()
    cadres = view.models["cadres"]
    shown = [cadres.row(r) for r in range(cadres.rowCount())]
    assert [r[0] for r in shown] == [f.code for f, _g in expected.cadres]
    for (f, g), row in zip(expected.cadres, shown, strict=True):
        assert row[3] == f.cadre_note
        assert row[8] == (f"{g.median:,.2f}" if g else "")
    assert view.models["groups"].rowCount() == len(expected.groups)
    assert view.tabs.tabText(3) == f"干部及亲属（{len(expected.cadres)}）"
    answers.save_as = tmp_path / "公平性.xlsx"
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.exported is not None, timeout=30_000)
    # Closing a second view while its report is still computed neither blocks nor crashes.
    from relocation_desk.gui import tasks as calc_task
    from relocation_desk.gui.calculation.fairness import FairnessView

    early = FairnessView(window.db)
    early.show()
    early.start()
    early.close()
    assert early.task in calc_task._detached or early.task.result() is not None
    qtbot.waitUntil(lambda: not calc_task._detached, timeout=30_000)
    assert early.report is None  # the dropped outcome never reached the closed window
    early.deleteLater()
    wb = openpyxl.load_workbook(answers.save_as)
    assert wb.sheetnames == ["说明", "分组统计", "异常值", "审批例外", "干部及亲属", "签约奖励"]
    assert wb["干部及亲属"].max_row == len(expected.cadres) + 1
    view.close()


# --- recompute all --------------------------------------------------------------------------------


def _consistent(db: Any) -> None:
    from sqlalchemy import func, select

    from relocation_desk.storage import models as m

    with db.session() as s:
        C = m.Calculation
        wrong = s.scalar(
            select(func.count())
            .select_from(m.Household)
            .join(C, C.household_id == m.Household.id)
            .where(C.status != "superseded", C.total_fen != m.Household.total_fen)
        )
    assert wrong == 0


@pytest.mark.parametrize("reload_at", [100_000, 10], ids=["changed-rows", "full-reload"])
def test_recompute_all_runs_to_the_end_and_refreshes_the_register(
    qtbot: Any,
    db_file: Path,
    ops: dict[str, Any],
    answers: Answers,
    monkeypatch: pytest.MonkeyPatch,
    reload_at: int,
) -> None:
    from relocation_desk.gui.calculation import feature as feature_calc

    monkeypatch.setattr(feature_calc, "FULL_RELOAD_AT", reload_at)
    window = _window(qtbot, db_file, ops["dingweihua"])
    type_text(qtbot, window.filters.text, "T0")
    with sqlite3.connect(db_file) as conn:
        calculated = conn.execute(
            "SELECT count(DISTINCT household_id) FROM calculation"
        ).fetchone()[0]
    window.calc_feature.recompute_action.trigger()
    dialog = window.calc_feature.recompute
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=120_000)
    summary = dialog.summary
    assert not summary.cancelled and summary.failed == []
    with sqlite3.connect(db_file) as conn:
        signed = conn.execute(
            "SELECT count(*) FROM agreement WHERE kind = 'main' AND status = 'signed'"
        ).fetchone()[0]
    assert summary.signed_kept == signed > 0  # signed households keep their agreement's figures
    assert summary.changed + summary.unchanged + summary.signed_kept == calculated
    assert dialog.bar.value() == dialog.bar.maximum() == calculated - signed
    assert f"已签约，保持协议金额：{signed} 户" in dialog.report.toPlainText()
    assert f"有变化，已生成新版本：{summary.changed} 户" in dialog.report.toPlainText()
    assert dialog.close_button.isVisible() and not dialog.cancel_button.isVisible()
    _consistent(window.db)
    if reload_at >= summary.changed:
        assert dialog.changed_ids is not None and len(dialog.changed_ids) == summary.changed
    else:
        assert dialog.changed_ids is None  # too many to list: the register is re-read
    # Every row of the register shows the stored total and status.
    total_col = next(
        c
        for c in range(window.model.columnCount())
        if "补偿金额" in window.model.headerData(c, Qt.Orientation.Horizontal)
    )
    with sqlite3.connect(db_file) as conn:
        totals = dict(conn.execute("SELECT code, total_fen FROM household").fetchall())
    for row in range(window.model.rowCount()):
        code = window.model.index(row, 0).data()
        stored = totals[code]
        assert window.model.index(row, total_col).data() == (
            "" if stored is None else _yuan(stored)
        )
    assert window.filters.text.text() == "T0"  # the typed filter is kept
    assert window.model.rowCount() == window.model.total()
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_cancel_stops_recompute_and_keeps_what_was_done(
    qtbot: Any, db_file: Path, ops: dict[str, Any], answers: Answers, monkeypatch: Any
) -> None:
    from relocation_desk.gui.calculation.recompute import RecomputeDialog
    from relocation_desk.services.calculation import recompute
    from relocation_desk.services.calculation.service import CalculationService

    real = recompute.recompute_all_with_changes
    batches: list[int] = []

    def paused(*args: Any, progress: Any, cancel: threading.Event, **kw: Any) -> Any:
        def report(done: int, total: int) -> None:
            batches.append(done)
            progress(done, total)
            cancel.wait(30)  # the worker waits here until the clerk presses 取消

        return real(*args, progress=report, cancel=cancel, **kw)

    monkeypatch.setattr(recompute, "recompute_all_with_changes", paused)
    window = _window(qtbot, db_file, ops["dingweihua"])
    dialog = RecomputeDialog(window.db, ops["dingweihua"], window)
    qtbot.addWidget(dialog)
    dialog.batch = 20
    dialog.show()
    dialog.start()
    qtbot.waitUntil(lambda: dialog.bar.value() == 20, timeout=60_000)
    assert "20 / " in dialog.label.text()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not dialog.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=60_000)
    summary = dialog.summary
    assert summary.cancelled and batches == [20]
    assert summary.changed + summary.unchanged == 20
    assert "已取消" in dialog.label.text()
    _consistent(window.db)
    # Running again finishes the rest.
    rest = CalculationService(window.db, ops["dingweihua"]).recompute_all(as_of=TODAY)
    assert rest.changed + rest.unchanged > 20 and not rest.cancelled
