"""支付与交房 and 补偿决定 driven through real widgets on a copy of the demo project."""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from .typing import type_text

pytestmark = pytest.mark.gui


@pytest.fixture
def db_file(tmp_path: Path, demo_db_path: Path) -> Path:
    target = tmp_path / "w.sqlite"
    shutil.copy(demo_db_path, target)
    return target


@pytest.fixture
def window(qtbot, db_file: Path):
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.main_window import MainWindow
    from relocation_desk.services.households.service import OperatorRef
    from relocation_desk.storage.db import open_database

    with sqlite3.connect(db_file) as conn:
        oid, login, name = conn.execute(
            "SELECT id, login, name FROM operator WHERE role = 'hq' ORDER BY login LIMIT 1"
        ).fetchone()
    op = OperatorRef(uuid.UUID(oid), login, name, "hq", None)
    make_app()
    w = MainWindow(open_database(db_file), op)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def answers(monkeypatch):
    """Records every message box and confirmation; confirmations answer yes."""
    from relocation_desk.gui import dialogs

    seen: dict[str, list[tuple[str, str]]] = {"error": [], "info": [], "confirm": []}

    def confirm(_parent, title, text):
        seen["confirm"].append((title, text))
        return True

    monkeypatch.setattr(dialogs, "show_error", lambda _p, t, x: seen["error"].append((t, x)))
    monkeypatch.setattr(dialogs, "show_info", lambda _p, t, x: seen["info"].append((t, x)))
    monkeypatch.setattr(dialogs, "ask_confirm", confirm)
    return seen


def _signed_household(db_file: Path) -> tuple[uuid.UUID, str, int]:
    with sqlite3.connect(db_file) as conn:
        hid, code, due = conn.execute(
            "SELECT h.id, h.code, a.total_fen FROM household h"
            " JOIN agreement a ON a.household_id = h.id AND a.status = 'signed'"
            " WHERE h.status = 'signed' ORDER BY h.code LIMIT 1"
        ).fetchone()
    return uuid.UUID(hid), code, due


def _status(db_file: Path, hid: uuid.UUID) -> str:
    with sqlite3.connect(db_file) as conn:
        return conn.execute(
            "SELECT status FROM household WHERE id = ?", (str(hid).replace("-", ""),)
        ).fetchone()[0]


def test_pay_confirm_reverse_and_milestone_refusal(window, qtbot, db_file, answers, monkeypatch):
    from relocation_desk.domain import money
    from relocation_desk.gui.payments import dialog as payments_dialog

    hid, code, due = _signed_household(db_file)
    window._select(hid)
    assert window.current_household() == hid
    window.payments_feature.pay_action.trigger()
    dialog = window.payments_feature.dialog
    assert dialog is not None and dialog.isVisible()
    assert code in dialog.heading.text()
    assert f"尚欠 {money.format_fen(due)} 元" in dialog.balance_label.text()

    # 腾房 before payment: refused with the service's message, nothing asked, nothing written.
    qtbot.mouseClick(dialog.milestone_button["vacated"], Qt.MouseButton.LeftButton)
    assert len(answers["error"]) == 1 and not answers["confirm"]
    assert "未付清" in answers["error"][0][1] and money.format_fen(due) in answers["error"][0][1]
    assert dialog.milestone_state["vacated"].text() == "未登记"

    # A payment typed in 元: figures and 大写 while typing, and in the confirmation.
    dialog.amount.setFocus()
    type_text(qtbot, dialog.amount, "1,000.50")
    assert "人民币壹仟元伍角" in dialog.amount_preview.text()
    type_text(qtbot, dialog.voucher, "凭-001")
    qtbot.mouseClick(dialog.pay_button, Qt.MouseButton.LeftButton)
    assert len(answers["confirm"]) == 1, answers
    question = answers["confirm"][0][1]
    assert "1,000.50" in question and "人民币壹仟元伍角" in question
    assert money.format_fen(due - 100050) in question
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 2).text() == "1,000.50"
    assert f"尚欠 {money.format_fen(due - 100050)} 元" in dialog.balance_label.text()
    assert dialog.amount.text() == ""

    # Too much: refused before any confirmation, with the balance.
    type_text(qtbot, dialog.amount, "1亿")
    qtbot.mouseClick(dialog.pay_button, Qt.MouseButton.LeftButton)
    assert len(answers["confirm"]) == 1
    assert "超过尚欠金额" in answers["error"][-1][1]
    dialog.amount.clear()

    # Reversal with a reason: a negative entry, the original kept.
    monkeypatch.setattr(payments_dialog, "ask_reason", lambda *_a: "凭证号录错")
    dialog.table.selectRow(0)
    qtbot.mouseClick(dialog.reverse_button, Qt.MouseButton.LeftButton)
    assert dialog.table.rowCount() == 2
    assert (
        dialog.table.item(1, 1).text() == "冲正" and dialog.table.item(1, 2).text() == "-1,000.50"
    )
    assert dialog.table.item(0, 6).text() == "已冲正"
    assert f"尚欠 {money.format_fen(due)} 元" in dialog.balance_label.text()

    # Pay in full (a deposit), then 腾房 is allowed and the register shows the new status.
    type_text(qtbot, dialog.amount, money.format_fen(due))
    dialog.kind.setCurrentIndex(dialog.kind.findData("deposit"))
    qtbot.mouseClick(dialog.pay_button, Qt.MouseButton.LeftButton)
    assert "已付清" in dialog.balance_label.text()
    qtbot.mouseClick(dialog.milestone_button["vacated"], Qt.MouseButton.LeftButton)
    assert dialog.milestone_state["vacated"].text().startswith("已登记")
    assert not dialog.milestone_button["vacated"].isEnabled()
    assert _status(db_file, hid) == "vacated"
    assert "已腾房" in dialog.heading.text()
    row = window.model.row_of(hid)
    texts = [
        str(window.model.index(row, c).data() or "") for c in range(window.model.columnCount())
    ]
    assert "已腾房" in texts
    dialog.grab().save(str(db_file.parent / "payments.png"))


def test_decision_household_deposit_and_vacate(window, qtbot, db_file, answers):
    """A holdout with a compensation decision: the dialog shows the decision's number and
    total, takes a deposit (提存) of the total, then allows 腾房."""
    from relocation_desk.domain import money

    with sqlite3.connect(db_file) as conn:
        hid, number, total = conn.execute(
            "SELECT h.id, d.number, d.total_fen FROM household h"
            " JOIN compensation_decision d ON d.household_id = h.id"
            " WHERE h.status = 'decision' ORDER BY h.code LIMIT 1"
        ).fetchone()
    hid = uuid.UUID(hid)
    window._select(hid)
    window.payments_feature.pay_action.trigger()
    dialog = window.payments_feature.dialog
    assert dialog is not None and dialog.household_id == hid
    assert f"补偿决定 {number}" in dialog.agreement_label.text()
    assert money.format_fen(total) in dialog.agreement_label.text()
    assert money.to_chinese_upper(total) in dialog.agreement_label.text()
    assert f"决定金额 {money.format_fen(total)} 元" in dialog.balance_label.text()

    # Too much is refused before any confirmation.
    type_text(qtbot, dialog.amount, money.format_fen(total + 1))
    qtbot.mouseClick(dialog.pay_button, Qt.MouseButton.LeftButton)
    assert not answers["confirm"] and "超过尚欠金额" in answers["error"][-1][1]
    dialog.amount.clear()

    type_text(qtbot, dialog.amount, money.format_fen(total))
    dialog.kind.setCurrentIndex(dialog.kind.findData("deposit"))
    qtbot.mouseClick(dialog.pay_button, Qt.MouseButton.LeftButton)
    assert len(answers["confirm"]) == 1, answers
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 1).text() == "提存"
    assert "已付清" in dialog.balance_label.text()
    qtbot.mouseClick(dialog.milestone_button["vacated"], Qt.MouseButton.LeftButton)
    assert dialog.milestone_state["vacated"].text().startswith("已登记"), answers
    assert _status(db_file, hid) == "decision"
    assert "补偿决定" in dialog.heading.text()
    dialog.grab().save(str(db_file.parent / "decision_payments.png"))


def test_editor_button_opens_the_dialog(window, qtbot, db_file, answers):
    hid, _code, due = _signed_household(db_file)
    window.open_household(hid)
    editor = window.editor
    button = editor.payments_button
    assert button.isEnabled() and button.parent() is editor
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = editor.payments_dialog
    assert dialog is not None and dialog.household_id == hid
    from relocation_desk.domain import money

    type_text(qtbot, dialog.amount, money.format_fen(due))
    qtbot.mouseClick(dialog.pay_button, Qt.MouseButton.LeftButton)
    assert _status(db_file, hid) == "paid"
    assert not editor.is_modified()
    # The editor reloaded (emitting saved), so the register shows the new status.
    row = window.model.row_of(hid)
    texts = [
        str(window.model.index(row, c).data() or "") for c in range(window.model.columnCount())
    ]
    assert "已支付" in texts


def test_decisions_dialog_records_a_decision(window, qtbot, db_file, answers, qtmodeltester):
    window.payments_feature.decisions_action.trigger()
    dialog = window.payments_feature.decisions
    assert dialog is not None
    qtmodeltester.check(dialog.holdout_table.model())
    assert "签约期限" in dialog.deadline_label.text()
    ready = [i for i, h in enumerate(dialog.holdouts) if h.ready]
    assert ready, "the demo has holdouts with checked calculations"
    decisions_before = dialog.decision_table.model().rowCount()
    h = dialog.holdouts[ready[0]]
    dialog.holdout_table.selectRow(ready[0])
    qtbot.mouseClick(dialog.decide_button, Qt.MouseButton.LeftButton)
    assert answers["confirm"] and "大写" in answers["confirm"][0][1], answers
    assert not answers["error"], answers
    assert dialog.decision_table.model().rowCount() == decisions_before + 1
    assert h.household_id not in {x.household_id for x in dialog.holdouts}
    assert _status(db_file, h.household_id) == "decision"


def test_export_register_from_the_menu(window, qtbot, tmp_path, answers, monkeypatch):
    from openpyxl import load_workbook

    from relocation_desk.gui.payments import feature as feature_payments

    out = tmp_path / "台账.xlsx"
    monkeypatch.setattr(feature_payments, "ask_register_path", lambda _p: out)
    window.payments_feature.export_action.trigger()
    qtbot.waitUntil(lambda: bool(answers["info"] or answers["error"]), timeout=60_000)
    assert not answers["error"], answers
    assert str(out) in answers["info"][0][1]
    assert load_workbook(out, read_only=True).sheetnames == ["支付明细", "结余", "补偿决定"]
