"""The scheme window, driven as HQ staff would: from the menu, typing into the items table,
saving, previewing and publishing a draft, on a copy of the demo database."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from .typing import press_key, type_text

pytestmark = pytest.mark.gui


@pytest.fixture
def db_file(tmp_path: Path, demo_db_path: Path) -> Path:
    target = tmp_path / "s.sqlite"
    shutil.copy(demo_db_path, target)
    return target


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> dict[str, list]:
    from relocation_desk.gui import dialogs
    from relocation_desk.gui.schemes import editor as scheme_editor

    seen: dict[str, list] = {"error": [], "info": [], "confirm": []}
    monkeypatch.setattr(
        dialogs, "show_error", lambda parent, title, text: seen["error"].append((title, text))
    )
    monkeypatch.setattr(
        dialogs, "show_info", lambda parent, title, text: seen["info"].append((title, text))
    )

    def confirm(parent, title, text) -> bool:
        seen["confirm"].append((title, text))
        return True

    monkeypatch.setattr(dialogs, "ask_confirm", confirm)
    monkeypatch.setattr(scheme_editor, "today", lambda *_source: date(2026, 11, 23))
    return seen


def _window(qtbot, db_file: Path, role: str):
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.main_window import MainWindow
    from relocation_desk.services.households.service import operators
    from relocation_desk.storage.db import open_database

    make_app()
    db = open_database(db_file)
    operator = next(o for o in operators(db) if o.role == role)
    w = MainWindow(db, operator)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def _open_from_menu(window, qtbot):
    from relocation_desk.gui.schemes.editor import SchemeEditor

    [action] = [a for a in window.menus["calc"].actions() if a.objectName() == "openSchemes"]
    assert action.text().startswith("补偿方案")
    action.trigger()
    [editor] = window.findChildren(SchemeEditor)
    assert editor.isVisible()
    qtbot.waitUntil(editor.isActiveWindow)
    return editor


def _versions(db_file: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(db_file) as conn:
        return conn.execute(
            "select version_no, status from scheme_version order by version_no"
        ).fetchall()


def _items(db_file: Path, version_no: int) -> list[tuple[str, int, str]]:
    with sqlite3.connect(db_file) as conn:
        return conn.execute(
            "select i.code, i.rate_fen, i.kind from rate_item i join scheme_version v"
            " on v.id = i.scheme_version_id where v.version_no = ? order by i.sort_order",
            (version_no,),
        ).fetchall()


def _type_cell(qtbot, table, row: int, col: int, text: str) -> None:
    table.setFocus()
    table.setCurrentCell(row, col)
    type_text(qtbot, table, text)
    press_key(table, Qt.Key.Key_Return)


def test_edit_save_preview_and_publish_a_draft(qtbot, db_file: Path, messages, monkeypatch) -> None:
    from relocation_desk.gui.schemes import editor as scheme_editor
    from relocation_desk.gui.schemes.items import CODE, KIND, NAME, RATE

    window = _window(qtbot, db_file, "hq")
    editor = _open_from_menu(window, qtbot)
    assert not editor.table.editTriggers()  # the published version is read-only
    assert not editor.save_button.isEnabled() and not editor.publish_button.isEnabled()
    published = _items(db_file, 1)

    qtbot.mouseClick(editor.new_button, Qt.MouseButton.LeftButton)
    assert _versions(db_file) == [(1, "published"), (2, "draft")]
    assert "第2版" in editor.heading.text() and editor.table.editTriggers()

    # A rate that is not an amount: marked at the cell, saving refused, nothing stored.
    _type_cell(qtbot, editor.table, 0, RATE, "13x0")
    editor.table.setCurrentCell(0, RATE)
    assert "无法识别的金额“13x0”" in editor.cell_note.text()
    assert editor.table.item(0, RATE).toolTip()
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert messages["error"] and "无法识别" in messages["error"][-1][1]
    assert _items(db_file, 2) == published

    # The rate typed in 元: +1 % on the first house rate.
    first_rate = published[0][1]
    new_rate = first_rate * 101 // 100
    _type_cell(qtbot, editor.table, 0, RATE, f"{new_rate / 100:.2f}")
    assert editor.table.item(0, RATE).text() == f"{new_rate / 100:.2f}"
    assert editor.problems_found == []
    assert editor.windowTitle().startswith("* ")

    # A new attachment item after the first row, filled in its form.
    def pigsty(form):
        type_text(qtbot, form.code, "A-PIGSTY")
        type_text(qtbot, form.name, "猪圈")
        form.unit.clear()
        type_text(qtbot, form.unit, "㎡")
        assert form.kind.currentData() == "per_item" and form.pages.rate.isVisibleTo(form)
        form.pages.rate.clear()
        type_text(qtbot, form.pages.rate, "60")
        assert "猪圈 1㎡ × 60.00元/㎡ = 60.00元" in form.preview.text()
        qtbot.mouseClick(
            form.buttons.button(form.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton
        )
        return form.result_row

    monkeypatch.setattr(scheme_editor, "ask_item", pigsty)
    editor.table.setCurrentCell(0, CODE)
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    assert editor.table.rowCount() == len(published) + 1
    assert [editor.table.item(1, c).text() for c in (CODE, NAME, RATE)] == [
        "A-PIGSTY",
        "猪圈",
        "60.00",
    ]
    assert editor.table.item(1, KIND).data(Qt.ItemDataRole.UserRole) == "per_item"
    # It must come after the items it does not depend on; any order is valid for per_item.
    assert editor.problems_found == [], editor.problems_found
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    saved = _items(db_file, 2)
    assert saved[0] == (published[0][0], new_rate, "per_area")
    assert saved[1] == ("A-PIGSTY", 6000, "per_item")
    assert saved[2:] == published[1:]
    assert not editor.windowTitle().startswith("* ")

    # Impact preview off the GUI thread, shown per team.
    qtbot.mouseClick(editor.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.impact_dialog is not None, timeout=60000)
    table = editor.impact_dialog.table
    assert table.rowCount() >= 2 and table.item(table.rowCount() - 1, 0).text() == "合计"
    changed_total = int(table.item(table.rowCount() - 1, 2).text().replace(",", ""))
    assert changed_total > 0
    total = [table.item(table.rowCount() - 1, c).text().replace(",", "") for c in (3, 4, 5)]
    before, after, delta = (Decimal(x) for x in total)
    assert delta == after - before

    # Publish: the confirmation shows the numbers; then the version is immutable.
    qtbot.mouseClick(editor.publish_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: _versions(db_file) == [(1, "published"), (2, "published")], timeout=60000
    )
    title, text = messages["confirm"][-1]
    assert title == "发布补偿方案" and f"有 {changed_total:,} 户金额变化" in text
    assert "已发布" in messages["info"][-1][1] or "已发布" in messages["info"][-1][0]
    assert not editor.table.editTriggers() and "不能修改" in editor.heading.text()
    with sqlite3.connect(db_file) as conn:
        hash_, supersedes = conn.execute(
            "select content_hash, supersedes_id from scheme_version where version_no = 2"
        ).fetchone()
    assert len(hash_) == 64 and supersedes is not None
    editor.close()


def test_team_member_cannot_publish(qtbot, db_file: Path, messages) -> None:
    window = _window(qtbot, db_file, "member")
    editor = _open_from_menu(window, qtbot)
    qtbot.mouseClick(editor.new_button, Qt.MouseButton.LeftButton)
    # Greyed out, saying why; clicking it does nothing.
    publish = editor.publish_button
    assert not publish.isEnabled()
    assert "发布补偿方案" in publish.toolTip() and "指挥部" in publish.toolTip()
    qtbot.mouseClick(publish, Qt.MouseButton.LeftButton)
    assert _versions(db_file) == [(1, "published"), (2, "draft")]
    assert not messages["confirm"]
    editor.close()


def test_params_kind_and_order_edits(qtbot, db_file: Path, messages, monkeypatch) -> None:
    from relocation_desk.gui.schemes import editor as scheme_editor
    from relocation_desk.gui.schemes.items import CODE, KIND, PARAMS, RATE

    window = _window(qtbot, db_file, "hq")
    editor = _open_from_menu(window, qtbot)
    qtbot.mouseClick(editor.new_button, Qt.MouseButton.LeftButton)
    table = editor.table
    # The parameters are said in Chinese and edited in the item's form, not typed.
    assert "合法面积" in table.item(0, PARAMS).text()
    assert not table.item(0, PARAMS).flags() & Qt.ItemFlag.ItemIsEditable
    table.setCurrentCell(0, PARAMS)
    assert "项目表单" in editor.cell_note.text()
    forms = []

    def frame_instead(form):
        forms.append(form)
        form.pages.structure.setCurrentIndex(form.pages.structure.findData("frame"))
        form.accept()
        return form.result_row

    monkeypatch.setattr(scheme_editor, "ask_item", frame_instead)
    table.cellDoubleClicked.emit(0, PARAMS)
    assert forms and forms[0].code.text() == table.item(0, CODE).text()
    assert "框架" in table.item(0, PARAMS).text()
    assert table.item(0, PARAMS).data(Qt.ItemDataRole.UserRole)["structure_type"] == "frame"
    # Bonus items show their windows' amounts in the rate column, not 0.00.
    bonus = next(
        r
        for r in range(table.rowCount())
        if table.item(r, KIND).data(Qt.ItemDataRole.UserRole) == "bonus_window"
    )
    assert table.item(bonus, RATE).text().startswith("按期限：")
    # The kind is chosen from a list (the combo the cell opens).
    table.setCurrentCell(5, KIND)
    table.edit(table.currentIndex())
    combo = QApplication.focusWidget()
    index = combo.findData("per_item")
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
    press_key(table, Qt.Key.Key_Return)
    assert table.item(5, KIND).data(Qt.ItemDataRole.UserRole) == "per_item"
    assert any("第6项" in p and "不认识的参数" in p for p in editor.problems_found)
    # Its form shows the new kind's fields; accepting it keeps only what that kind takes.
    monkeypatch.setattr(scheme_editor, "ask_item", lambda form: (form.accept(), form.result_row)[1])
    table.setCurrentCell(5, CODE)
    qtbot.mouseClick(editor.edit_button, Qt.MouseButton.LeftButton)
    assert editor.problems_found == []
    # Move the last row to the top: a derived item before what it adds up is refused.
    codes = [table.item(r, CODE).text() for r in range(table.rowCount())]
    guarantee = codes.index("GUARANTEE")
    table.setCurrentCell(guarantee, CODE)
    for _step in range(guarantee):
        qtbot.mouseClick(editor.up_button, Qt.MouseButton.LeftButton)
    assert table.item(0, CODE).text() == "GUARANTEE"
    assert any("GUARANTEE" in p and "之前没有任何项目" in p for p in editor.problems_found)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert "草稿未保存" in messages["error"][-1][0]
    assert _items(db_file, 2)[0][0] != "GUARANTEE"
    editor.dirty = False  # leave without the discard question
    editor.close()


def test_export_and_import(qtbot, db_file: Path, tmp_path: Path, messages, monkeypatch) -> None:
    from relocation_desk.gui.schemes import editor as scheme_editor

    window = _window(qtbot, db_file, "hq")
    editor = _open_from_menu(window, qtbot)
    exported = tmp_path / "scheme.json"
    monkeypatch.setattr(scheme_editor, "ask_export_path", lambda parent, name: exported)
    qtbot.mouseClick(editor.export_button, Qt.MouseButton.LeftButton)
    data = json.loads(exported.read_text(encoding="utf-8"))
    assert data["version_no"] == 1 and len(data["items"]) == len(_items(db_file, 1))
    data["items"][0]["rate_fen"] += 100
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    monkeypatch.setattr(scheme_editor, "ask_import_path", lambda parent: changed)
    qtbot.mouseClick(editor.import_button, Qt.MouseButton.LeftButton)
    assert _versions(db_file) == [(1, "published"), (2, "draft")]
    assert _items(db_file, 2)[0][1] == data["items"][0]["rate_fen"]
    assert "第2版" in editor.heading.text()
    # A broken file: the reason, nothing imported.
    broken = tmp_path / "broken.json"
    broken.write_text('{"items": [', encoding="utf-8")
    monkeypatch.setattr(scheme_editor, "ask_import_path", lambda parent: broken)
    qtbot.mouseClick(editor.discard_button, Qt.MouseButton.LeftButton)
    assert _versions(db_file) == [(1, "published")]
    qtbot.mouseClick(editor.import_button, Qt.MouseButton.LeftButton)
    assert "不是有效的 JSON" in messages["error"][-1][1]
    assert _versions(db_file) == [(1, "published")]
    editor.close()


def test_scheme_params_and_a_custom_category(qtbot, db_file: Path, messages, monkeypatch) -> None:
    from relocation_desk.gui.schemes import editor as scheme_editor
    from relocation_desk.gui.schemes.items import CATEGORY, CODE

    window = _window(qtbot, db_file, "hq")
    editor = _open_from_menu(window, qtbot)
    qtbot.mouseClick(editor.new_button, Qt.MouseButton.LeftButton)
    assert not hasattr(editor, "scheme_params")  # nothing typed as key=value any more
    villages = editor.service.places().villages
    assert len(villages) >= 2

    def fill(form):
        form.show()  # as exec() would
        qtbot.waitExposed(form)
        assert form.issuer.text() == "清源县城东新区房屋征收指挥部"  # the demo scheme's
        form.issuer.setFocus()
        form.issuer.selectAll()
        type_text(qtbot, form.issuer, "新区指挥部")
        names = form.categories
        names.setFocus()
        names.setCurrentCell(0, 0)
        type_text(qtbot, names, "house")  # a standard category's code: refused
        press_key(names, Qt.Key.Key_Return)
        names.setCurrentCell(0, 1)
        type_text(qtbot, names, "搬家补助")
        press_key(names, Qt.Key.Key_Return)
        ok = form.buttons.button(form.buttons.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        assert "不能与标准类别" in messages["error"].pop()[1] and form.result() == 0
        names.setCurrentCell(0, 0)
        names.edit(names.currentIndex())
        QApplication.focusWidget().selectAll()
        type_text(qtbot, names, "relocation")
        press_key(names, Qt.Key.Key_Return)
        # The scope is ticked from the project's own villages, not typed.
        picker = form.scope.villages
        assert [picker.item(i).text() for i in range(picker.count())] == villages
        picker.setFocus()
        picker.setCurrentRow(1)
        press_key(picker, Qt.Key.Key_Space)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        assert form.result() == form.DialogCode.Accepted
        return form.settings()

    monkeypatch.setattr(scheme_editor, "ask_settings", fill)
    qtbot.mouseClick(editor.settings_button, Qt.MouseButton.LeftButton)
    editor.activateWindow()  # back from the settings dialog, as after exec()
    qtbot.waitUntil(editor.isActiveWindow)
    assert "发文单位：新区指挥部" in editor.settings_label.text()
    assert f"适用：{villages[1]}" in editor.settings_label.text()
    assert "自定义类别：搬家补助" in editor.settings_label.text()
    assert editor.problems_found == []
    table = editor.table
    table.setCurrentCell(table.rowCount() - 1, CODE)

    def relocation(form):
        type_text(qtbot, form.code, "RELOC")
        type_text(qtbot, form.name, "搬家补助")
        form.unit.clear()
        type_text(qtbot, form.unit, "户")
        form.kind.setCurrentIndex(form.kind.findData("lump_sum"))
        assert form.pages.times.value() == 1  # the default, visible
        form.pages.rate.clear()
        type_text(qtbot, form.pages.rate, "1000")
        qtbot.mouseClick(
            form.buttons.button(form.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton
        )
        return form.result_row

    monkeypatch.setattr(scheme_editor, "ask_item", relocation)
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    row = table.rowCount() - 1
    assert table.item(row, CODE).text() == "RELOC"
    # The scheme's own category is offered in the table's list too.
    table.setCurrentCell(row, CATEGORY)
    table.edit(table.currentIndex())
    combo = QApplication.focusWidget()
    index = combo.findData("relocation")
    assert combo.itemText(index) == "搬家补助"
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
    press_key(table, Qt.Key.Key_Return)
    assert table.item(row, CATEGORY).text() == "搬家补助"
    assert editor.problems_found == [], editor.problems_found
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert not messages["error"], messages["error"]
    with sqlite3.connect(db_file) as conn:
        params, notes = conn.execute(
            "select params, notes from scheme_version where version_no = 2"
        ).fetchone()
        category = conn.execute("select category from rate_item where code = 'RELOC'").fetchone()
    params = json.loads(params)
    assert params["issuer"] == "新区指挥部"
    assert params["category_names"] == {"relocation": "搬家补助"}
    assert params["scope"] == {"villages": [villages[1]]}
    assert params["notes"] == notes and notes
    assert category == ("relocation",)
    editor.close()


def test_a_cancelled_preview_shows_nothing(qtbot, db_file: Path, messages) -> None:
    window = _window(qtbot, db_file, "hq")
    editor = _open_from_menu(window, qtbot)
    qtbot.mouseClick(editor.new_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(editor.preview_button, Qt.MouseButton.LeftButton)
    assert editor.runner.busy is not None
    # 取消, before the result reaches the GUI thread.
    [cancel] = editor.runner.busy.findChildren(QPushButton)
    cancel.click()
    qtbot.waitUntil(lambda: not editor.runner.running, timeout=60000)
    qtbot.wait(50)  # let queued signals arrive
    assert editor.impact_dialog is None and not messages["error"]
    # A later preview still works.
    qtbot.mouseClick(editor.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.impact_dialog is not None, timeout=60000)
    editor.close()


def test_a_scheme_file_names_only_the_projects_places_and_writes_percents_with_units(
    qtbot, db_file: Path, messages, monkeypatch, tmp_path: Path
) -> None:
    from relocation_desk.gui.schemes import editor as scheme_editor
    from relocation_desk.gui.schemes.settings_form import SettingsForm
    from relocation_desk.paths import resource

    window = _window(qtbot, db_file, "hq")
    editor = _open_from_menu(window, qtbot)
    villages = editor.service.places().villages
    data = json.loads(resource("schemes", "sample-scheme.json").read_text(encoding="utf-8"))
    data["name"] = "城南方案"
    data["params"]["scope"] = {"villages": [villages[0], "不存在村"]}
    [share] = [it for it in data["items"] if it["kind"] == "percent"]
    share["params"]["percent"] = "0.05"
    path = tmp_path / "south.json"
    monkeypatch.setattr(scheme_editor, "ask_import_path", lambda parent: path)

    def try_import() -> str:
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        before = _versions(db_file)
        qtbot.mouseClick(editor.import_button, Qt.MouseButton.LeftButton)
        if messages["error"]:
            assert _versions(db_file) == before  # nothing imported
            return messages["error"].pop()[1]
        return ""

    text = try_import()
    assert text.startswith("文件 south.json 中的方案《城南方案》有 1 处错误")
    assert f"第{data['items'].index(share) + 1}项（{share['code']}）" in text
    assert "“0.05”" in text and "写 5 % 表示百分之五；若确为千分之五请写 0.5 %" in text
    share["params"]["percent"] = "5 %"
    text = try_import()
    assert "《城南方案》" in text and "“不存在村”不是本项目的村" in text and villages[0] in text
    data["params"]["scope"] = {"villages": [villages[0]]}
    assert try_import() == ""
    assert "城南方案 第1版" in editor.heading.text()
    # The exported file writes the percent with its unit, so it reads back the same.
    out = tmp_path / "out.json"
    monkeypatch.setattr(scheme_editor, "ask_export_path", lambda parent, suggested: out)
    qtbot.mouseClick(editor.export_button, Qt.MouseButton.LeftButton)
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert [it["params"]["percent"] for it in exported["items"] if it["kind"] == "percent"] == [
        "5 %"
    ]
    # A place the project does not have is shown, ticked and in red, and must be unticked.
    form = SettingsForm(
        {"scope": {"villages": [villages[0], "不存在村"]}}, editor,
        places=editor.service.places(), scheme_name="城南方案",
    )  # fmt: skip
    form.show()
    qtbot.waitExposed(form)
    picker = form.scope.villages
    texts = [picker.item(i).text() for i in range(picker.count())]
    assert texts == [*villages, "不存在村（本项目没有此村）"]
    ok = form.buttons.button(form.buttons.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert form.result() == 0
    assert "方案《城南方案》的适用范围中有本项目没有的村：不存在村" in messages["error"].pop()[1]
    picker.setFocus()
    picker.setCurrentRow(len(villages))
    press_key(picker, Qt.Key.Key_Space)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert form.result() == form.DialogCode.Accepted
    assert form.settings()["scope"] == {"villages": [villages[0]]}
    editor.close()


def test_a_scheme_file_with_a_misspelt_key_is_not_imported(
    qtbot, db_file: Path, messages, monkeypatch, tmp_path: Path
) -> None:
    from relocation_desk.gui.schemes import editor as scheme_editor
    from relocation_desk.paths import resource

    window = _window(qtbot, db_file, "hq")
    editor = _open_from_menu(window, qtbot)
    data = json.loads(resource("schemes", "sample-scheme.json").read_text(encoding="utf-8"))
    data["name"] = "城南方案"
    data["params"]["rouding"] = "building"
    data["items"][0]["params"]["legalty"] = data["items"][0]["params"].pop("legality")
    path = tmp_path / "typo.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(scheme_editor, "ask_import_path", lambda parent: path)
    before = _versions(db_file)
    qtbot.mouseClick(editor.import_button, Qt.MouseButton.LeftButton)
    title, text = messages["error"].pop()
    assert title == "无法导入方案文件"
    assert text.splitlines() == [
        "文件 typo.json 中的方案《城南方案》有 3 处错误，未导入：",
        "方案参数（params）中有未知的字段“rouding”，是否应为“rounding”？",
        f"第1项（{data['items'][0]['code']}）：参数（params）中有未知的字段“legalty”，"
        "是否应为“legality”？",
        f"第1项（{data['items'][0]['code']}）：面积类别 legality 应为 legal（合法）或 "
        "unlicensed（无证）",  # the misspelt key left the item without it
    ]
    assert _versions(db_file) == before
