"""The household editor, driven as a clerk drives it: keys into real widgets, a real database.

Every question the editor asks goes through ``gui.dialogs``; the ``answers`` fixture answers
them (and records that they were asked), so no modal dialog ever blocks a test.
"""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from relocation_desk.domain import idnumber
from relocation_desk.domain.household_form import (
    AttachmentForm,
    HouseholdForm,
    PersonForm,
    Severity,
    StructureForm,
)

from .typing import press_key, type_text

pytestmark = pytest.mark.gui

HEAD_ID = idnumber.make("410102", date(1980, 5, 17), 123)  # odd sequence: male
WIFE_ID = idnumber.make("410102", date(1983, 2, 28), 246)


def bad_check_digit(number: str) -> str:
    wrong = "0" if number[-1] != "0" else "1"
    return number[:-1] + wrong


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def db_file(tmp_path: Path, demo_db_path: Path) -> Path:
    target = tmp_path / "editor.sqlite"
    shutil.copy(demo_db_path, target)
    return target


@pytest.fixture
def project_db(db_file: Path) -> Iterator[Any]:
    from relocation_desk.storage.db import open_database

    database = open_database(db_file)
    yield database
    database.close()


@pytest.fixture
def service(project_db: Any) -> Any:
    from relocation_desk.services.households.service import HouseholdService, operators

    return HouseholdService(project_db, operators(project_db)[0])


@pytest.fixture
def drafts(project_db: Any) -> Any:
    from relocation_desk.services.households.drafts import DraftStore

    return DraftStore(project_db)


class Answers:
    """What the clerk answers, and what they were asked."""

    def __init__(self) -> None:
        self.discard = "discard"
        self.confirm = False
        self.restore = False
        self.files: list[Path] = []
        self.asked: list[tuple[str, Any]] = []
        self.errors: list[tuple[str, str]] = []
        self.opened: list[Path] = []

    def count(self, kind: str) -> int:
        return sum(1 for k, _ in self.asked if k == kind)


@pytest.fixture(autouse=True)
def answers(monkeypatch: pytest.MonkeyPatch) -> Answers:
    from relocation_desk.gui import dialogs

    a = Answers()

    def ask_discard_changes(parent: Any) -> str:
        a.asked.append(("discard", None))
        return a.discard

    def ask_confirm(parent: Any, title: str, text: str) -> bool:
        a.asked.append(("confirm", text))
        return a.confirm

    def ask_restore_draft(parent: Any) -> bool:
        a.asked.append(("restore", None))
        return a.restore

    def ask_files(parent: Any) -> list[Path]:
        a.asked.append(("files", None))
        return a.files

    monkeypatch.setattr(dialogs, "ask_discard_changes", ask_discard_changes)
    monkeypatch.setattr(dialogs, "ask_confirm", ask_confirm)
    monkeypatch.setattr(dialogs, "ask_restore_draft", ask_restore_draft)
    monkeypatch.setattr(dialogs, "ask_files", ask_files)
    monkeypatch.setattr(dialogs, "show_error", lambda p, t, text: a.errors.append((t, text)))
    monkeypatch.setattr(dialogs, "show_info", lambda p, t, text: None)
    monkeypatch.setattr(dialogs, "open_file", lambda path: a.opened.append(path) or True)
    return a


@pytest.fixture
def open_editor(qtbot: Any, service: Any, drafts: Any) -> Any:
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.editor.window import HouseholdEditor

    make_app()

    def open_(household_id: uuid.UUID | None = None, **kwargs: Any) -> HouseholdEditor:
        editor = HouseholdEditor(service, drafts, household_id, **kwargs)
        qtbot.addWidget(editor)
        editor.show()
        qtbot.waitExposed(editor)
        editor.activateWindow()
        qtbot.waitUntil(editor.isActiveWindow)
        return editor

    return open_


# Signed households keep their compensation data (members, buildings, attachments) locked
# until a supplementary agreement is opened: the editing tests work on unsigned ones.
UNSIGNED = "h.status not in ('signed', 'paid', 'vacated', 'demolished')"


def household_ids(db_file: Path, where: str = "1=1") -> list[uuid.UUID]:
    with sqlite3.connect(db_file) as conn:
        rows = conn.execute(
            f"select id from household h where ({where}) and {UNSIGNED} order by code"
        ).fetchall()
    return [uuid.UUID(r[0]) for r in rows]


def household_count(db_file: Path) -> int:
    with sqlite3.connect(db_file) as conn:
        return conn.execute("select count(*) from household").fetchone()[0]


def new_editor(open_editor: Any, service: Any) -> Any:
    return open_editor(village_id=service.choices().villages[0].id)


def type_into_cell(qtbot: Any, table: Any, row: int, field: str, text: str) -> None:
    """Go to the cell and type, as a clerk does: the first key opens the editor."""
    table.setFocus()
    table.setCurrentCell(row, table.column_of(field))
    type_text(qtbot, table, text)


def validated(editor: Any) -> None:
    editor._validate_now()  # the 150 ms debounce, without waiting for it


# --- typing, saving, reloading -----------------------------------------------------------------


def test_new_household_typed_by_keyboard_is_saved_as_typed(
    open_editor: Any, service: Any, qtbot: Any, db_file: Path
) -> None:
    before = household_count(db_file)
    editor = new_editor(open_editor, service)
    table = editor.members
    # A new household opens on the members page, in the head's name cell.
    assert editor.tabs.currentIndex() == 1
    assert QApplication.focusWidget() is table
    assert (table.currentRow(), table.currentColumn()) == (0, 0)

    type_text(qtbot, table, "王𠮷")  # 𠮷 (U+20BB7) is one character beyond the BMP
    press_key(table, Qt.Key.Key_Tab)
    assert table.currentColumn() == table.column_of("id_number")
    type_text(qtbot, table, HEAD_ID)
    # Sex and birth date appear as soon as the number is complete and valid.
    assert table.item(0, table.column_of("sex")).text() == "男"
    assert table.item(0, table.column_of("birth_date")).text() == "1980-05-17"
    press_key(table, Qt.Key.Key_Return)  # Enter moves on like Tab: to 与户主关系
    assert table.currentColumn() == table.column_of("relation")
    press_key(table, Qt.Key.Key_Return)  # past the read-only sex and birth date, to 电话
    assert table.currentColumn() == table.column_of("phone")
    type_text(qtbot, table, "13812345678")

    # A second member through the keyboard shortcut.
    qtbot.keyClick(
        QApplication.focusWidget(),
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert table.rowCount() == 2 and table.currentRow() == 1
    type_text(qtbot, table, "李芳")
    press_key(table, Qt.Key.Key_Tab)
    type_text(qtbot, table, WIFE_ID)
    press_key(table, Qt.Key.Key_Tab)
    type_text(qtbot, table, "配偶")
    assert table.item(1, table.column_of("sex")).text() == "女"

    validated(editor)
    assert editor.problems.texts() == []
    with qtbot.waitSignal(editor.saved) as saved:
        editor.save_action.trigger()
    household_id = saved.args[0]
    assert household_count(db_file) == before + 1

    stored = service.load(household_id)
    assert [(p.name, p.id_number, p.relation, p.phone) for p in stored.persons] == [
        ("王𠮷", HEAD_ID, "户主", "13812345678"),
        ("李芳", WIFE_ID, "配偶", ""),
    ]
    # Saving keeps the editor open on the saved household, with nothing left unsaved.
    assert editor.isVisible()
    assert editor.form_from_widgets() == stored
    assert not editor.is_modified()
    assert editor.basic.code_edit.text() == stored.code


def test_save_and_close_with_ctrl_enter(
    open_editor: Any, service: Any, qtbot: Any, db_file: Path
) -> None:
    household_id = household_ids(db_file)[5]
    editor = open_editor(household_id)
    editor.basic.address_edit.setFocus()
    editor.basic.address_edit.selectAll()
    type_text(qtbot, editor.basic.address_edit, "东关街12号")
    with qtbot.waitSignal(editor.saved):
        qtbot.keyClick(
            editor.basic.address_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
        )
    assert not editor.isVisible()
    assert service.load(household_id).address == "东关街12号"


# --- validation --------------------------------------------------------------------------------


def test_wrong_check_digit_is_marked_listed_and_not_saved(
    open_editor: Any, service: Any, qtbot: Any, db_file: Path, answers: Answers
) -> None:
    before = household_count(db_file)
    editor = new_editor(open_editor, service)
    table = editor.members
    type_text(qtbot, table, "张三")
    press_key(table, Qt.Key.Key_Tab)
    type_text(qtbot, table, bad_check_digit(HEAD_ID))

    # Live: after the debounce the cell is marked and the list says what is wrong, in Chinese.
    qtbot.waitUntil(lambda: table.mark_of(0, "id_number") is Severity.ERROR, timeout=2000)
    cell = table.item(0, table.column_of("id_number"))
    assert "校验位错误" in cell.toolTip()
    assert cell.background().color() == QColor("#fbd5d5")
    # The message of the cell the cursor is in shows under the table (no mouse needed).
    table.setCurrentCell(0, table.column_of("id_number"))
    assert "校验位错误" in editor.pages["persons"].cell_message.text()
    table.setCurrentCell(0, table.column_of("name"))
    assert editor.pages["persons"].cell_message.text() == ""
    assert table.item(0, table.column_of("sex")).text() == ""  # nothing read from a bad number
    texts = editor.problems.texts()
    assert any(t.startswith("第1位成员（张三）：身份证号码校验位错误") for t in texts), texts
    assert editor.problem_summary.text().startswith("发现问题：错误 1 处（")

    editor.save_action.trigger()
    assert household_count(db_file) == before
    assert editor.isVisible()
    assert "未保存" in editor.status.text()
    assert answers.count("confirm") == 0

    # Correcting it clears the mark; clicking a listed problem goes to its cell.
    editor.tabs.setCurrentIndex(0)
    editor.focus_problem("persons.0.id_number")
    assert editor.tabs.currentIndex() == 1
    assert (table.currentRow(), table.currentColumn()) == (0, table.column_of("id_number"))
    type_text(qtbot, table, HEAD_ID)
    validated(editor)
    assert table.mark_of(0, "id_number") is None
    assert editor.problems.texts() == []


def test_clicking_a_problem_focuses_its_field(
    open_editor: Any, service: Any, qtbot: Any, db_file: Path
) -> None:
    editor = open_editor(household_ids(db_file)[0])
    editor.tabs.setCurrentIndex(3)
    editor.basic.bank_account_edit.setText("12AB")
    editor.basic.changed.emit()
    validated(editor)
    assert "银行账号应为" in editor.basic.message_of("bank_account")
    item = editor.problems.item(0)
    rect = editor.problems.visualItemRect(item)
    qtbot.mouseClick(editor.problems.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert editor.tabs.currentIndex() == 0
    assert QApplication.focusWidget() is editor.basic.bank_account_edit


@pytest.mark.parametrize("confirm", [True, False])
def test_an_unusual_area_is_saved_only_when_confirmed(
    open_editor: Any, service: Any, qtbot: Any, db_file: Path, answers: Answers, confirm: bool
) -> None:
    household_id = household_ids(
        db_file, "exists (select 1 from structure s where s.household_id = h.id)"
    )[0]
    version = service.load(household_id).row_version
    editor = open_editor(household_id)
    editor.tabs.setCurrentIndex(2)
    table = editor.structures
    type_into_cell(qtbot, table, 0, "legal_area", "6000")  # typing replaces the cell
    press_key(table, Qt.Key.Key_Return)
    validated(editor)
    assert table.mark_of(0, "legal_area") is Severity.CONFIRM

    answers.confirm = confirm
    editor.save_button.click()
    assert answers.count("confirm") == 1
    assert "5,000" in answers.asked[-1][1]
    stored = service.load(household_id)
    if confirm:
        assert stored.structures[0].legal_area.replace(",", "") == "6000.00"
        assert stored.row_version == version + 1
        assert not editor.is_modified()
    else:
        assert stored.row_version == version
        assert table.item(0, table.column_of("legal_area")).text() == "6000"
        assert editor.is_modified()
    assert editor.isVisible()


# --- never losing work -------------------------------------------------------------------------


def test_closing_with_changes_asks_first(
    open_editor: Any, service: Any, qtbot: Any, db_file: Path, answers: Answers, drafts: Any
) -> None:
    household_id = household_ids(db_file)[1]
    original = service.load(household_id)
    editor = open_editor(household_id)
    editor.basic.address_edit.setFocus()
    type_text(qtbot, editor.basic.address_edit, "（后院）")
    editor._write_draft()
    assert drafts.load(str(household_id)) is not None

    answers.discard = "cancel"
    press_key(editor.basic.address_edit, Qt.Key.Key_Escape)
    assert answers.count("discard") == 1
    assert editor.isVisible()
    assert editor.basic.address_edit.text() == original.address + "（后院）"

    answers.discard = "discard"
    editor.close_button.click()
    assert answers.count("discard") == 2
    assert not editor.isVisible()
    assert service.load(household_id) == original
    assert drafts.load(str(household_id)) is None


def test_closing_without_changes_does_not_ask(
    open_editor: Any, db_file: Path, answers: Answers
) -> None:
    editor = open_editor(household_ids(db_file)[2])
    editor.reject()
    assert not editor.isVisible()
    assert answers.asked == []


def test_closing_and_saving_from_the_question(
    open_editor: Any, service: Any, qtbot: Any, db_file: Path, answers: Answers
) -> None:
    household_id = household_ids(db_file)[3]
    editor = open_editor(household_id)
    editor.basic.address_edit.setFocus()
    editor.basic.address_edit.selectAll()
    type_text(qtbot, editor.basic.address_edit, "北街1号")
    answers.discard = "save"
    editor.close()
    assert not editor.isVisible()
    assert service.load(household_id).address == "北街1号"


def test_a_draft_is_offered_on_reopening_and_restores_the_typing(
    open_editor: Any, service: Any, qtbot: Any, db_file: Path, answers: Answers, drafts: Any
) -> None:
    household_id = household_ids(db_file)[4]
    saved_address = service.load(household_id).address
    editor = open_editor(household_id)
    editor.tabs.setCurrentIndex(1)
    type_into_cell(qtbot, editor.members, 0, "special_note", "长期在外务工")
    # The autosave runs by itself about a second after the typing stops.
    qtbot.waitUntil(lambda: drafts.load(str(household_id)) is not None, timeout=3000)
    assert "草稿" in editor.status.text()
    editor.done(0)  # the program dies: no question, no save

    answers.restore = True
    again = open_editor(household_id)
    assert answers.count("restore") == 1
    table = again.members
    assert table.item(0, table.column_of("special_note")).text() == "长期在外务工"
    assert again.is_modified()
    assert service.load(household_id).address == saved_address
    with qtbot.waitSignal(again.saved):
        again.save_action.trigger()
    assert service.load(household_id).persons[0].special_note == "长期在外务工"
    assert drafts.load(str(household_id)) is None


def test_a_declined_draft_is_dropped(
    open_editor: Any, service: Any, qtbot: Any, db_file: Path, answers: Answers, drafts: Any
) -> None:
    household_id = household_ids(db_file)[6]
    form = service.load(household_id)
    form.remarks = "草稿里的备注"
    drafts.save(str(household_id), form)
    answers.restore = False
    editor = open_editor(household_id)
    assert answers.count("restore") == 1
    assert editor.basic.remarks_edit.toPlainText() == service.load(household_id).remarks
    assert drafts.load(str(household_id)) is None
    assert not editor.is_modified()


def test_a_new_households_draft_is_offered_to_the_next_new_household(
    open_editor: Any, service: Any, qtbot: Any, answers: Answers, drafts: Any
) -> None:
    editor = new_editor(open_editor, service)
    type_text(qtbot, editor.members, "赵𠀀明")
    editor._write_draft()
    left = drafts.keys()
    assert any(k.startswith("new-") for k in left)
    editor.done(0)

    answers.restore = True
    again = new_editor(open_editor, service)
    assert answers.count("restore") == 1
    assert again.members.item(0, 0).text() == "赵𠀀明"


def test_someone_elses_save_is_not_overwritten(
    open_editor: Any, service: Any, qtbot: Any, db_file: Path, answers: Answers, drafts: Any
) -> None:
    household_id = household_ids(db_file)[7]
    editor = open_editor(household_id)
    editor.basic.address_edit.setFocus()
    editor.basic.address_edit.selectAll()
    type_text(qtbot, editor.basic.address_edit, "我改的地址")

    other = service.load(household_id)  # another clerk saves first
    other.remarks = "别人改的备注"
    service.save(other)

    editor.save_action.trigger()
    assert len(answers.errors) == 1
    assert "已被其他人修改" in answers.errors[0][1]
    assert editor.isVisible()
    assert editor.basic.address_edit.text() == "我改的地址"
    assert drafts.load(str(household_id)).address == "我改的地址"
    stored = service.load(household_id)
    assert stored.remarks == "别人改的备注" and stored.address != "我改的地址"


# --- rows --------------------------------------------------------------------------------------


def test_row_buttons_and_shortcuts(
    open_editor: Any, service: Any, qtbot: Any, db_file: Path, answers: Answers
) -> None:
    editor = open_editor(household_ids(db_file, "member_count >= 3")[0])
    editor.tabs.setCurrentIndex(1)
    table = editor.members
    names = [table.item(r, 0).text() for r in range(table.rowCount())]
    table.setFocus()
    table.setCurrentCell(1, 0)
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(table, Qt.Key.Key_Up, ctrl_shift)
    assert [table.item(r, 0).text() for r in range(3)] == [names[1], names[0], names[2]]
    assert table.currentRow() == 0
    qtbot.keyClick(table, Qt.Key.Key_Down, ctrl_shift)
    assert [table.item(r, 0).text() for r in range(3)] == names[:3]

    # Removing a member with data asks; "no" keeps it.
    qtbot.keyClick(table, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    assert answers.count("confirm") == 1
    assert table.rowCount() == len(names)
    # A blank row goes without a question.
    qtbot.keyClick(table, Qt.Key.Key_N, ctrl_shift)
    assert table.rowCount() == len(names) + 1
    press_key(table, Qt.Key.Key_Escape)  # leave the opened name cell unchanged
    qtbot.keyClick(table, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    assert answers.count("confirm") == 1
    assert table.rowCount() == len(names)
    assert f"（{len(names)}人）" in editor.tabs.tabText(1)

    # The same keys on the structures page act on its own table.
    editor.tabs.setCurrentIndex(2)
    editor.structures.setFocus()
    rows = editor.structures.rowCount()
    qtbot.keyClick(editor.structures, Qt.Key.Key_N, ctrl_shift)
    assert editor.structures.rowCount() == rows + 1
    assert table.rowCount() == len(names)


def test_tab_skips_read_only_cells_and_leaves_the_table_at_the_end(
    open_editor: Any, db_file: Path, qtbot: Any
) -> None:
    editor = open_editor(household_ids(db_file, "member_count = 1")[0])
    editor.tabs.setCurrentIndex(1)
    table = editor.members
    table.setFocus()
    table.setCurrentCell(0, table.column_of("relation"))
    press_key(table, Qt.Key.Key_Tab)
    assert table.currentColumn() == table.column_of("phone")
    press_key(table, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert table.currentColumn() == table.column_of("relation")
    press_key(table, Qt.Key.Key_Escape)
    table.setCurrentCell(0, table.columnCount() - 1)
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not table
    assert not table.isAncestorOf(QApplication.focusWidget())


def test_esc_in_a_cell_puts_back_what_it_held(
    open_editor: Any, service: Any, db_file: Path, qtbot: Any, answers: Answers
) -> None:
    household_id = household_ids(db_file)[8]
    editor = open_editor(household_id)
    editor.tabs.setCurrentIndex(1)
    table = editor.members
    name = table.item(0, 0).text()
    type_into_cell(qtbot, table, 0, "name", "错字")
    assert table.item(0, 0).text() == "错字"  # committed while typing
    press_key(table, Qt.Key.Key_Escape)
    assert table.item(0, 0).text() == name
    assert editor.isVisible()  # Esc in a cell does not close the editor
    assert not editor.is_modified()


def test_attachment_item_sets_the_unit(
    open_editor: Any, service: Any, db_file: Path, qtbot: Any
) -> None:
    items = service.choices().attachment_items
    household_id = household_ids(db_file)[9]
    editor = open_editor(household_id)
    editor.tabs.setCurrentIndex(3)
    table = editor.attachments
    table.setFocus()
    qtbot.keyClick(
        table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    r = table.currentRow()
    combo = QApplication.focusWidget()
    combo.setCurrentIndex(1)  # as chosen from the drop-down
    press_key(table, Qt.Key.Key_Tab)
    type_text(qtbot, table, "12.5")
    press_key(table, Qt.Key.Key_Return)
    assert table.item(r, table.column_of("unit")).text() == items[1].unit
    row = editor.form_from_widgets().attachments[r]
    assert (row.item_code, row.name, row.unit, row.quantity) == (
        items[1].code,
        items[1].name,
        items[1].unit,
        "12.5",
    )
    with qtbot.waitSignal(editor.saved):
        editor.save_action.trigger()
    stored = service.load(household_id).attachments[r]
    assert (stored.item_code, stored.quantity) == (items[1].code, "12.5")


def test_village_change_offers_that_villages_groups(
    open_editor: Any, service: Any, db_file: Path
) -> None:
    choices = service.choices()
    editor = open_editor(household_ids(db_file)[0])
    combo, groups = editor.basic.village_combo, editor.basic.group_combo
    for village in choices.villages[:2]:
        combo.setCurrentIndex(combo.findData(str(village.id)))
        offered = [groups.itemText(i) for i in range(1, groups.count())]
        assert offered == [g.name for g in choices.groups.get(village.id, ())]


# --- photos and history ------------------------------------------------------------------------


def test_adding_a_photo_shows_its_thumbnail(
    open_editor: Any, service: Any, db_file: Path, qtbot: Any, answers: Answers, tmp_path: Path
) -> None:
    image = QImage(320, 240, QImage.Format.Format_RGB32)
    image.fill(QColor("#2a7ab0"))
    photo = tmp_path / "门头.png"
    assert image.save(str(photo))
    household_id = household_ids(db_file)[10]
    editor = open_editor(household_id)
    editor.tabs.setCurrentIndex(4)
    before = editor.photos.list.count()
    answers.files = [photo]
    qtbot.mouseClick(editor.photos.add_button, Qt.MouseButton.LeftButton)
    assert editor.photos.list.count() == before + 1
    assert editor.photos.thumbnail_count() == before + 1
    assert len(service.files(household_id)) == before + 1

    item = editor.photos.list.item(before)
    assert item.text() == "门头.png"
    editor.photos.list.itemActivated.emit(item)  # double-click / Enter
    assert answers.opened == [service.files(household_id)[-1].path]


def test_a_photo_for_a_new_household_saves_it_first(
    open_editor: Any, service: Any, qtbot: Any, answers: Answers, tmp_path: Path, db_file: Path
) -> None:
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    photo = tmp_path / "p.png"
    image.save(str(photo))
    editor = new_editor(open_editor, service)
    type_text(qtbot, editor.members, "孙立")
    answers.files = [photo]
    editor.tabs.setCurrentIndex(4)
    with qtbot.waitSignal(editor.saved) as saved:
        editor.photos.add_button.click()
    assert len(service.files(saved.args[0])) == 1
    assert editor.photos.thumbnail_count() == 1


def test_history_lists_the_save(open_editor: Any, service: Any, db_file: Path, qtbot: Any) -> None:
    household_id = household_ids(db_file)[11]
    editor = open_editor(household_id)
    editor.basic.address_edit.setFocus()
    editor.basic.address_edit.selectAll()
    type_text(qtbot, editor.basic.address_edit, "新地址8号")
    with qtbot.waitSignal(editor.saved):
        editor.save_action.trigger()
    editor.tabs.setCurrentIndex(5)
    tree = editor.history
    first = tree.topLevelItem(0)
    details = [first.child(i).text(2) for i in range(first.childCount())]
    assert any("新地址8号" in d for d in details), (first.text(2), details)
    assert first.text(1)  # who


# --- the form round trip and speed -------------------------------------------------------------


def test_widgets_give_back_exactly_the_form(open_editor: Any, service: Any, db_file: Path) -> None:
    editor = open_editor(household_ids(db_file)[0])
    for household_id in household_ids(db_file)[:40]:
        form = service.load(household_id)
        editor.fill_widgets(form)
        assert editor.form_from_widgets() == form

    choices = service.choices()
    village = choices.villages[0]
    other_group = next(g for v, gs in choices.groups.items() if v != village.id for g in gs)
    odd = HouseholdForm(
        id=uuid.uuid4(),
        code=" t01-9 ",
        team_id=uuid.uuid4(),
        village_id=village.id,
        group_id=other_group.id,  # a group of another village stays as it was
        responsible_id=uuid.uuid4(),  # an operator no longer listed
        address="  两边空格  ",
        persons=[
            PersonForm(
                id=uuid.uuid4(),
                name=" 𠮷\u3000䶮 ",
                id_number="４１０１０２ x",
                relation="不在列表里",
                phone="138 1234 5678",
                is_cadre=True,
                cadre_note="村会计",
                is_disabled=True,
                special_note="a\tb",
            ),
            PersonForm(),
        ],
        structures=[
            StructureForm(
                structure_type="steel",
                legal_area="1,200.5㎡",
                floors="",
                decoration="NOT-A-CODE",
                remarks="x",
            )
        ],
        attachments=[
            AttachmentForm(item_code="OLD", name="旧项目", unit="个", quantity="3"),
            AttachmentForm(),
        ],
        bank_account="6222 0000",
        special_situation="第一行\r\n第二行\r",
        remarks="\n",
        row_version=7,
    )
    editor.fill_widgets(odd)
    assert editor.form_from_widgets() == odd


def test_english_interface(open_editor: Any, db_file: Path) -> None:
    from relocation_desk import i18n

    i18n.set_language("en")
    try:
        editor = open_editor(household_ids(db_file)[0])
        texts = [editor.tabs.tabText(i) for i in range(editor.tabs.count())]
        texts += [
            editor.members.horizontalHeaderItem(c).text()
            for c in range(editor.members.columnCount())
        ]
        texts += [editor.save_button.text(), editor.close_button.text()]
        texts.append(editor.problem_summary.text())
        assert all(not any("\u4e00" <= ch <= "\u9fff" for ch in t) for t in texts), texts
    finally:
        i18n.set_language("zh_CN")


def test_autosave_does_not_interrupt_typing_in_a_cell(
    open_editor: Any, service: Any, qtbot: Any, drafts: Any
) -> None:
    editor = new_editor(open_editor, service)
    table = editor.members
    type_text(qtbot, table, "欧阳")
    editor._write_draft()  # the timer fires while the clerk pauses mid-name
    editor._validate_now()
    type_text(qtbot, table, "修文")
    assert table.item(0, 0).text() == "欧阳修文"


def test_id_number_of_another_household_is_refused_and_stays_marked(
    open_editor: Any, service: Any, qtbot: Any, db_file: Path
) -> None:
    ids = household_ids(db_file)
    taken = service.load(ids[0]).persons[0].id_number
    household_id = ids[12]
    version = service.load(household_id).row_version
    editor = open_editor(household_id)
    editor.tabs.setCurrentIndex(1)
    table = editor.members
    last = table.rowCount() - 1
    type_into_cell(qtbot, table, last, "id_number", taken)
    press_key(table, Qt.Key.Key_Return)
    validated(editor)
    assert table.mark_of(last, "id_number") is None  # the pure checks cannot know

    editor.save_action.trigger()
    assert service.load(household_id).row_version == version
    assert table.mark_of(last, "id_number") is Severity.ERROR
    assert any("身份证号码" in t for t in editor.problems.texts())
    assert (table.currentRow(), table.currentColumn()) == (last, table.column_of("id_number"))
    # Still shown after other edits, gone once the number itself changes.
    editor.basic.address_edit.setText("x")
    editor.basic.changed.emit()
    validated(editor)
    assert table.mark_of(last, "id_number") is Severity.ERROR
    type_into_cell(qtbot, table, last, "id_number", "")
    press_key(table, Qt.Key.Key_Delete)
    validated(editor)
    assert table.mark_of(last, "id_number") is None


def test_keyboard_pages_next_problem_and_enter_in_fields(
    open_editor: Any, service: Any, qtbot: Any, db_file: Path
) -> None:
    editor = open_editor(household_ids(db_file)[0])
    qtbot.keyClick(editor, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    assert editor.tabs.currentIndex() == 2
    qtbot.keyClick(editor, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    assert editor.tabs.currentIndex() == 0

    address = editor.basic.address_edit
    address.setFocus()
    qtbot.keyClick(address, Qt.Key.Key_Return)  # Enter goes on to the next field
    assert QApplication.focusWidget() is editor.basic.method_combo
    assert editor.isVisible()

    editor.basic.bank_account_edit.setText("12")
    editor.basic.changed.emit()
    editor.tabs.setCurrentIndex(1)
    editor.members.setFocus()
    qtbot.keyClick(editor.members, Qt.Key.Key_F8)
    assert editor.tabs.currentIndex() == 0
    assert QApplication.focusWidget() is editor.basic.bank_account_edit


def test_large_photos_get_their_thumbnails_from_a_worker_thread(
    open_editor: Any,
    service: Any,
    db_file: Path,
    qtbot: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from relocation_desk.gui.editor import files as editor_files

    monkeypatch.setattr(editor_files, "SYNC_LIMIT_BYTES", 0)  # every file counts as large
    household_id = household_ids(db_file)[13]
    for i, colour in enumerate(("#336699", "#996633")):
        image = QImage(1600, 1200, QImage.Format.Format_RGB32)
        image.fill(QColor(colour))
        image.save(str(tmp_path / f"big{i}.jpg"))
        service.add_file(household_id, tmp_path / f"big{i}.jpg")
    editor = open_editor(household_id)
    editor.tabs.setCurrentIndex(4)
    qtbot.waitUntil(lambda: editor.photos.thumbnail_count() == 2, timeout=5000)
    icon = editor.photos.list.item(0).icon()
    assert icon.availableSizes()[0].width() <= editor_files.THUMB.width()


def test_ctrl_s_without_changes_makes_no_new_version(
    open_editor: Any, service: Any, db_file: Path
) -> None:
    household_id = household_ids(db_file)[14]
    version = service.load(household_id).row_version
    editor = open_editor(household_id)
    assert editor.save() is True
    assert service.load(household_id).row_version == version
    assert "无需保存" in editor.status.text()


def test_a_draft_is_written_during_long_typing_without_pauses(
    open_editor: Any, service: Any, qtbot: Any, drafts: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from relocation_desk.gui.editor import window as household_editor

    monkeypatch.setattr(household_editor, "DRAFT_MAX_WAIT_S", 0.05)
    editor = new_editor(open_editor, service)
    type_text(qtbot, editor.members, "司马")
    qtbot.wait(80)  # shorter than the 1 s pause the debounce waits for
    type_text(qtbot, editor.members, "光")
    assert editor.draft.written
    assert drafts.load(editor.draft.key).persons[0].name.startswith("司马")


def test_hidden_characters_and_over_long_text_are_listed_and_not_saved(
    open_editor: Any, service: Any, qtbot: Any, db_file: Path
) -> None:
    """A name with a right-to-left override and a 201-character address: both listed, the
    address message names the limit, nothing is saved, nothing is cut."""
    before = household_count(db_file)
    editor = new_editor(open_editor, service)
    table = editor.members
    type_text(qtbot, table, "王\u202e明")
    press_key(table, Qt.Key.Key_Tab)
    type_text(qtbot, table, HEAD_ID)
    editor.tabs.setCurrentIndex(0)
    address = editor.basic.address_edit
    address.setFocus()
    type_text(qtbot, address, "路" * 201)
    validated(editor)
    texts = editor.problems.texts()
    assert any("U+202E" in t for t in texts), texts
    assert any("201" in t and "200" in t for t in texts), texts
    editor.save_action.trigger()
    assert household_count(db_file) == before
    assert address.text() == "路" * 201
