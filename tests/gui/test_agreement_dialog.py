"""协议 dialog driven through real widgets on a copy of the demo project: print (preview),
sign, reprint, supplementary agreement, the refusal of a household not yet posted, the editor
button and its lock message, and the 先签户 list."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import uuid
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

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

    # HQ staff: the tests work on households of several teams (a member may only act on
    # their own team's, see test_permissions_gui).
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
    """Records message boxes, confirmations (answered yes) and previews (printed once)."""
    from relocation_desk.gui import dialogs
    from relocation_desk.gui.printing import preview as pdf_preview

    seen: dict[str, list] = {"error": [], "info": [], "confirm": [], "preview": []}

    def confirm(_parent, title, text):
        seen["confirm"].append((title, text))
        return True

    def preview(_parent, path, title, on_printed=None, *, on_saved=None, save=None):
        seen["preview"].append((title, _pdf_text(path)))
        if on_printed is not None:
            on_printed(1)

    monkeypatch.setattr(dialogs, "show_error", lambda _p, t, x: seen["error"].append((t, x)))
    monkeypatch.setattr(dialogs, "show_info", lambda _p, t, x: seen["info"].append((t, x)))
    monkeypatch.setattr(dialogs, "ask_confirm", confirm)
    monkeypatch.setattr(dialogs, "ask_discard_changes", lambda _p: "discard")
    monkeypatch.setattr(pdf_preview, "show_pdf_preview", preview)
    return seen


def _pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _ready_household(window) -> uuid.UUID:  # type: ignore[no-untyped-def]
    """A posted, unsigned household whose agreement can print today."""
    from relocation_desk.services.agreements.service import AgreementService

    svc = AgreementService(window.db, window.operator)
    with sqlite3.connect(window.db.path) as conn:
        ids = [r[0] for r in conn.execute(
            "SELECT id FROM household WHERE status = 'noticed' ORDER BY code")]  # fmt: skip
    for raw in ids:
        hid = uuid.UUID(raw)
        if not svc.readiness(hid):
            return hid
    raise AssertionError("no household ready to print in the demo")


def _status(db_file: Path, hid: uuid.UUID) -> str:
    with sqlite3.connect(db_file) as conn:
        return conn.execute("SELECT status FROM household WHERE id = ?", (hid.hex,)).fetchone()[0]


def test_print_sign_reprint_and_supplementary(window, qtbot, db_file, answers, monkeypatch):
    from relocation_desk.gui.agreements import dialog as agreement_dialog

    hid = _ready_household(window)
    window._select(hid)
    window.agreements_feature.agreement_action.trigger()
    dialog = window.agreements_feature.dialog
    assert dialog is not None and dialog.isVisible()
    assert "可以打印" in dialog.problems_label.text()
    assert dialog.print_button.isEnabled() and not dialog.sign_button.isEnabled()

    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert not answers["error"], answers["error"]
    title, text = answers["preview"][-1]
    number = dialog.number_label.text()
    assert number.startswith("CD征〔") and number in text and number in title
    assert "副本" not in text
    for item in ("补偿方式", "补偿金额和支付期限", "用于产权调换房屋的地点和面积", "搬迁期限"):
        assert item in text
    assert "已打印 1 次" in dialog.prints_label.text()
    assert dialog.sign_button.isEnabled()
    dialog.grab().save(str(db_file.parent / "agreement-draft.png"))

    monkeypatch.setattr(agreement_dialog, "ask_signing", lambda *_a: (date.today(), "村委会"))
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    assert not answers["error"], answers["error"]
    assert number in answers["confirm"][-1][1] and "锁定" in answers["confirm"][-1][1]
    assert dialog.status_label.text().startswith("已签订")
    assert _status(db_file, hid) == "signed"
    assert "已签约" in dialog.heading.text()
    row = window.model.row_of(hid)
    assert "已签约" in [
        str(window.model.index(row, c).data() or "") for c in range(window.model.columnCount())
    ]

    assert dialog.print_button.text().startswith("重印")
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    title, reprint = answers["preview"][-1]
    assert "副本/重印（第 1 次）" in reprint and "副本/重印" in title
    assert "重印 1 次" in dialog.prints_label.text()

    monkeypatch.setattr(agreement_dialog, "ask_supplementary_reason", lambda *_a: "漏登附属物")
    qtbot.mouseClick(dialog.supplementary_button, Qt.MouseButton.LeftButton)
    assert "CD征补〔" in dialog.supplementary_label.text()
    assert "漏登附属物" in dialog.supplementary_label.text()
    assert "新的核算结果" in dialog.problems_label.text()
    assert not dialog.supplementary_button.isEnabled()
    dialog.grab().save(str(db_file.parent / "agreement-signed.png"))


def test_household_not_posted_cannot_print(window, qtbot, db_file, answers):
    with sqlite3.connect(db_file) as conn:
        raw = conn.execute(
            "SELECT id FROM household WHERE status = 'checked' ORDER BY code LIMIT 1"
        ).fetchone()[0]
    hid = uuid.UUID(raw)
    window._select(hid)
    window.agreements_feature.agreement_action.trigger()
    dialog = window.agreements_feature.dialog
    assert "公示" in dialog.problems_label.text()
    assert not dialog.print_button.isEnabled() and not dialog.sign_button.isEnabled()
    # Even if pressed (e.g. the state changed meanwhile), the service refuses with reasons.
    dialog.preview()
    assert answers["error"] and "公示" in answers["error"][-1][1]
    assert not answers["preview"]


def test_editor_button_and_the_signed_lock(window, qtbot, db_file, answers, monkeypatch):
    from relocation_desk.gui.agreements import dialog as agreement_dialog

    hid = _ready_household(window)
    window.open_household(hid)
    editor = window.editor
    button = editor.agreement_button
    assert button.isEnabled() and button.parent() is editor
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = editor.agreement_dialog
    assert dialog is not None and dialog.household_id == hid
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    monkeypatch.setattr(agreement_dialog, "ask_signing", lambda *_a: (date.today(), "村委会"))
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    assert _status(db_file, hid) == "signed" and not editor.is_modified()
    dialog.close()

    # A change to a building of the signed household is refused at its field, saying why.
    form = editor.form_from_widgets()
    form.structures[0].legal_area = "999"
    editor.fill_widgets(form)
    assert editor.is_modified()
    assert not editor.save()
    assert "未保存" in editor.status.text()
    locked = [p for p in editor._problems if "补充协议" in p.message]
    assert locked and locked[0].path == "structures.0.legal_area"
    editor.grab().save(str(db_file.parent / "editor-locked.png"))
    assert _status(db_file, hid) == "signed"


def test_sign_first_list(window, qtbot, answers):
    window.agreements_feature.sign_first_action.trigger()
    dialog = window.agreements_feature.sign_first_dialog
    assert dialog is not None and dialog.table.rowCount() > 0
    assert "干部及亲属户" in dialog.summary.text()
    cadres = [dialog.table.item(r, 2).text() for r in range(dialog.table.rowCount())]
    assert all(cadres)


def test_an_agreement_imported_from_a_ledger_is_shown_not_printed(window, qtbot, db_file, answers):
    from datetime import UTC, datetime

    from sqlalchemy import update

    from relocation_desk.storage import models as m

    hid = _ready_household(window)
    now = datetime.now(UTC)
    with window.db.session() as s, s.begin():
        hh = s.get(m.Household, hid)
        s.add(m.Agreement(
            project_id=hh.project_id, household_id=hid, kind="main", seq_no=-1,
            number="张庄协〔2026〕001号", status="signed", origin="ledger",
            compensation_method="money", total_fen=30_000_000, recorded_total_fen=30_000_000,
            content={"origin": "ledger"}, signed_on=date(2026, 9, 1), created_at=now,
            updated_at=now,
        ))  # fmt: skip
        s.execute(update(m.Household).where(m.Household.id == hid).values(status="signed"))
    window._select(hid)
    window.agreements_feature.agreement_action.trigger()
    dialog = window.agreements_feature.dialog
    assert dialog is not None and dialog.isVisible()
    assert "台账导入的历史协议，2026-09-01 签订" in dialog.status_label.text()
    assert "300,000.00" in dialog.total_label.text()
    assert "本程序不重印" in dialog.problems_label.text()
    assert not dialog.print_button.isEnabled()
    assert dialog.supplementary_button.isEnabled()
    dialog.preview()  # pressed anyway (the state changed meanwhile): the service refuses
    assert answers["error"][-1][1] == "历史协议由台账导入，本程序不重印；如需变更请签订补充协议"
    assert not answers["preview"]
    dialog.grab().save(str(db_file.parent / "agreement-imported.png"))
