"""The ledger import wizard and the ledger export, driven through real widgets."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QWizard

from tests.services.ledger_books import messy_ledger

pytestmark = pytest.mark.gui


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    path = tmp_path / "台账.xlsx"
    messy_ledger(path)
    return path


def _wizard(qtbot, db=None, operator=None):
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.ledger.wizard import LedgerWizard

    make_app()
    w = LedgerWizard(db, operator)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def _click(qtbot, wizard, which: QWizard.WizardButton) -> None:
    button = wizard.button(which)
    assert button.isEnabled(), wizard.currentPage().title()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _combo_of(page, letter: str) -> QComboBox:
    table = page.columns
    for row in range(table.rowCount()):
        if table.item(row, 0).text() == letter:
            combo = table.cellWidget(row, 2)
            assert isinstance(combo, QComboBox)
            return combo
    raise AssertionError(letter)


def test_import_into_a_new_project_end_to_end(qtbot, messy: Path, tmp_path: Path, monkeypatch):
    from relocation_desk.gui.ledger import wizard as ledger_wizard

    new_db = tmp_path / "新项目.sqlite"
    monkeypatch.setattr(ledger_wizard, "ask_ledger_file", lambda parent: messy)
    monkeypatch.setattr(ledger_wizard, "ask_new_database", lambda parent: new_db)
    w = _wizard(qtbot)
    page = w.file_page
    assert not page.into_current.isEnabled() and page.into_new.isChecked()
    assert not w.button(QWizard.WizardButton.NextButton).isEnabled()  # no file yet
    browse = next(b for b in page.findChildren(type(w.button(QWizard.WizardButton.NextButton)))
              if b.text() == "浏览…")  # fmt: skip
    qtbot.mouseClick(browse, Qt.MouseButton.LeftButton)
    assert page.path.text() == str(messy)
    qtbot.mouseClick(
        next(b for b in page.findChildren(type(browse)) if b.text() == "选择位置…"),
        Qt.MouseButton.LeftButton,
    )
    assert page.new_path.text() == str(new_db)
    _click(qtbot, w, QWizard.WizardButton.NextButton)

    # Columns: the two-level merged header was understood; the hidden date column is flagged.
    mapping = w.currentPage()
    assert mapping is w.mapping_page
    assert mapping.sheet.currentText() == "张庄村一组"
    assert _combo_of(mapping, "G").currentText() == "合法面积"
    assert _combo_of(mapping, "H").currentText() == "无证面积"
    assert mapping.village.text() == "张庄村"
    preview_reasons = [mapping.preview.item(r, 2).text() for r in range(mapping.preview.rowCount())]
    assert any("校验位" in t for t in preview_reasons)
    # The user says column D is not the ID number: the ID warnings leave the preview …
    id_combo = _combo_of(mapping, "D")
    id_combo.setCurrentIndex(0)
    assert _combo_of(mapping, "D").currentText() == "不导入"
    reasons = [mapping.preview.item(r, 2).text() for r in range(mapping.preview.rowCount())]
    assert not any("校验位" in t for t in reasons)
    # … and changes their mind: the column is the ID number after all.
    combo = _combo_of(mapping, "D")
    combo.setCurrentIndex(combo.findText("身份证号码"))
    assert _combo_of(mapping, "D").currentText() == "身份证号码"
    assert _combo_of(mapping, "D") is not None
    _click(qtbot, w, QWizard.WizardButton.NextButton)

    check = w.currentPage()
    assert check is w.check_page
    assert "可导入 8 户、10 人" in check.summary.text()
    assert "未导入 2 行" in check.summary.text()
    rows = {
        (check.problems.item(r, 0).text(), check.problems.item(r, 1).text(),
         check.problems.item(r, 2).text())
        for r in range(check.problems.rowCount())
    }  # fmt: skip
    assert ("张庄村一组", "15", "未导入") in rows and ("张庄村一组", "16", "未导入") in rows
    assert not new_db.exists() or new_db.stat().st_size == 0  # a check writes nothing
    _click(qtbot, w, QWizard.WizardButton.CommitButton)

    done = w.currentPage()
    assert done is w.done_page
    assert "已导入 8 户、10 人" in done.result.text()
    with sqlite3.connect(new_db) as conn:
        assert conn.execute("select count(*) from household").fetchone()[0] == 8
        assert conn.execute("select count(*) from person").fetchone()[0] == 10
    report = tmp_path / "报告.xlsx"
    monkeypatch.setattr(ledger_wizard, "ask_report_path", lambda parent: report)
    qtbot.mouseClick(done.save, Qt.MouseButton.LeftButton)
    data = json.loads(report.with_suffix(".json").read_text(encoding="utf-8"))
    assert list(data) == ["households", "persons", "rejected", "warnings", "skipped", "sheets"]
    assert data["households"] == 8
    assert load_workbook(report).sheetnames[0] == "汇总"
    assert w.imported


def test_an_unreadable_file_says_why_and_stays(qtbot, tmp_path: Path) -> None:
    xls = tmp_path / "旧台账.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    w = _wizard(qtbot)
    w.file_page.path.setText(str(xls))
    w.file_page.new_path.setText(str(tmp_path / "n.sqlite"))
    _click(qtbot, w, QWizard.WizardButton.NextButton)
    assert w.currentPage() is w.file_page
    assert "另存为" in w.file_page.error.text()
    assert not (tmp_path / "n.sqlite").exists()


def test_new_database_must_not_overwrite_a_file(qtbot, messy: Path, tmp_path: Path) -> None:
    existing = tmp_path / "old.sqlite"
    existing.write_bytes(b"keep me")
    w = _wizard(qtbot)
    w.file_page.path.setText(str(messy))
    w.file_page.new_path.setText(str(existing))
    _click(qtbot, w, QWizard.WizardButton.NextButton)
    assert w.currentPage() is w.file_page
    assert "已存在" in w.file_page.error.text()
    assert existing.read_bytes() == b"keep me"


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
    # Signed in as HQ (指挥部), who may import and export the ledger.
    w = MainWindow(db, next(o for o in operators(db) if o.role == "hq"))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_import_into_the_open_project_from_the_file_menu(
    qtbot, window, messy: Path, monkeypatch
) -> None:
    from relocation_desk.gui.ledger.wizard import LedgerWizard

    before = window.table.model().rowCount()

    def drive(self: LedgerWizard) -> int:
        self.show()
        qtbot.waitExposed(self)
        assert self.file_page.into_current.isChecked()
        self.file_page.path.setText(str(messy))
        _click(qtbot, self, QWizard.WizardButton.NextButton)
        _click(qtbot, self, QWizard.WizardButton.NextButton)
        # 张庄村 is not in the demo project: the wizard asks for its team, guessing none.
        check = self.check_page
        villages = check.villages
        assert villages.isVisible() and villages.table.item(0, 0).text() == "张庄村"
        assert "可导入 0 户" in check.summary.text()
        assert not self.button(QWizard.WizardButton.CommitButton).isEnabled()
        team = villages.table.cellWidget(0, 1)
        team.setCurrentIndex(team.findText("T02"))
        assert "可导入 8 户" in check.summary.text()
        _click(qtbot, self, QWizard.WizardButton.CommitButton)
        _click(qtbot, self, QWizard.WizardButton.FinishButton)
        return 1

    monkeypatch.setattr(LedgerWizard, "exec", drive)
    actions = [a.text() for a in window.menus["file"].actions()]
    assert "导入Excel台账(&I)…" in actions and "导出完整台账(&E)…" in actions
    window.import_ledger_action.trigger()
    assert window.table.model().rowCount() == before + 8
    with sqlite3.connect(window.db.path) as conn:
        teams = conn.execute(
            "select distinct t.code from household h join team t on t.id = h.team_id"
            " join village v on v.id = h.village_id where v.name = '张庄村'"
        ).fetchall()
    assert teams == [("T02",)]
    window.filters.text.setText("wxm")  # 王小明 by pinyin initials: in the register now
    qtbot.waitUntil(lambda: window.table.model().rowCount() >= 1)


def test_export_needs_a_role_that_sees_full_ids(qtbot, window, tmp_path: Path, monkeypatch):
    from relocation_desk.gui import dialogs
    from relocation_desk.gui.ledger import feature as feature_ledger
    from relocation_desk.services.households.service import operators

    errors: list[str] = []
    infos: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, title, text: errors.append(text))
    monkeypatch.setattr(dialogs, "show_info", lambda parent, title, text: infos.append(text))
    out = tmp_path / "台账导出.xlsx"
    monkeypatch.setattr(feature_ledger, "ask_export_path", lambda parent: out)
    everyone = operators(window.db)
    # Every team's full ID numbers: HQ and administrators only (docs/personal-data.md).
    for role in ("member", "leader"):
        window.operator = next(o for o in everyone if o.role == role)
        window.export_ledger_action.trigger()
        assert errors and "导出完整台账" in errors[-1] and not out.exists()
    window.operator = next(o for o in everyone if o.role == "hq")
    window.export_ledger_action.trigger()
    assert out.exists() and infos and str(out) in infos[0]
    assert load_workbook(out, read_only=True).sheetnames[:2] == ["户", "家庭成员"]
    with sqlite3.connect(window.db.path) as conn:
        n = conn.execute("select count(*) from audit_log where action = 'export'").fetchone()[0]
    assert n == 1


def test_sheet_kinds_are_shown_and_can_be_corrected(qtbot, tmp_path: Path, monkeypatch):
    from relocation_desk.gui.ledger import wizard as ledger_wizard
    from tests.services.ledger_kinds import LEDGER, kinds_workbook

    source = tmp_path / "张庄村台账.xlsx"
    kinds_workbook(source)
    monkeypatch.setattr(ledger_wizard, "ask_ledger_file", lambda parent: source)
    monkeypatch.setattr(ledger_wizard, "ask_new_database", lambda parent: tmp_path / "n.sqlite")
    w = _wizard(qtbot)
    page = w.file_page
    browse = next(b for b in page.findChildren(type(w.button(QWizard.WizardButton.NextButton)))
                  if b.text() == "浏览…")  # fmt: skip
    qtbot.mouseClick(browse, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(
        next(b for b in page.findChildren(type(browse)) if b.text() == "选择位置…"),
        Qt.MouseButton.LeftButton,
    )
    _click(qtbot, w, QWizard.WizardButton.NextButton)
    mapping = w.mapping_page
    shown = {}
    for i in range(mapping.sheet.count()):
        mapping.sheet.setCurrentIndex(i)
        shown[mapping.sheet.currentText()] = (mapping.kind.currentText(), mapping.info.text())
    assert shown["汇总"][0] == "汇总表" and "不导入" in shown["汇总"][1]
    assert shown["补偿标准"][0] == "补偿标准表" and shown["填表说明"][0] == "说明"
    assert shown[LEDGER][0] == "户台账" and "填报" not in shown[LEDGER][1]
    mapping.sheet.setCurrentIndex(mapping.sheet.findText(LEDGER))
    table = mapping.columns
    why = {table.item(r, 1).text(): table.item(r, 3).text() for r in range(table.rowCount())}
    assert "金额列" in why["附属物(元)"] and "不导入" in why["核算补偿金额"]
    assert _combo_of(mapping, "L").currentText() == "签约日期"
    # The user says the ledger sheet is notes: nothing is left to import …
    mapping.kind.setCurrentIndex(mapping.kind.findData("notes"))
    assert "不导入" in mapping.info.text()
    errors: list[str] = []
    from relocation_desk.gui import dialogs

    monkeypatch.setattr(dialogs, "show_error", lambda parent, title, text: errors.append(text))
    qtbot.mouseClick(w.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert w.currentPage() is mapping and errors and "类别" in errors[0]
    # … and changes it back: the check imports the ledger sheet only.
    mapping.kind.setCurrentIndex(mapping.kind.findData("households"))
    _click(qtbot, w, QWizard.WizardButton.NextButton)
    assert "可导入 4 户、5 人" in w.check_page.summary.text()
    assert not w.check_page.villages.isVisible()  # a new project: one team takes every village
