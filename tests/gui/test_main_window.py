"""The first window, driven as a person would: real widgets, real database file."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

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
    from relocation_desk.storage.db import open_database

    make_app()
    w = MainWindow(open_database(db_file))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_lists_the_households_of_the_database(window, db_file: Path) -> None:
    with sqlite3.connect(db_file) as conn:
        rows = conn.execute(
            "select code, head_name, member_count from household order by code"
        ).fetchall()
        project = conn.execute("select name from project").fetchone()[0]
    model = window.table.model()
    assert model.rowCount() == len(rows)
    for r in (0, len(rows) // 2, len(rows) - 1):
        assert model.index(r, 0).data() == rows[r][0]
        assert model.index(r, 1).data() == rows[r][1]
        assert model.index(r, 5).data() == str(rows[r][2])
    assert project in window.windowTitle()
    assert f"{len(rows):,}" in window.filters.count.text()
    assert str(db_file) in window.file_label.full_text()


def test_keyboard_moves_through_rows(window, qtbot) -> None:
    table = window.table
    table.setFocus()
    assert table.currentIndex().row() == 0
    qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert table.currentIndex().row() == 2
    qtbot.keyClick(table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert table.currentIndex().row() == table.model().rowCount() - 1


def test_model_passes_qt_model_tester(window, qtmodeltester) -> None:
    qtmodeltester.check(window.table.model())


def test_rows_are_fetched_lazily(window) -> None:
    from relocation_desk.gui.register_model import PAGE

    model = window.table.model()
    if model.rowCount() <= PAGE:
        pytest.skip("demo too small to span two pages")
    fetched = model.pages_fetched
    assert fetched <= 2  # only what is on screen
    model.index(model.rowCount() - 1, 0).data()
    assert model.pages_fetched == fetched + 1


def test_opening_a_bad_file_keeps_the_current_database(window, tmp_path: Path, monkeypatch) -> None:
    from relocation_desk.gui import dialogs

    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not a database at all")
    errors: list[tuple[str, str]] = []
    monkeypatch.setattr(dialogs, "ask_open_database", lambda parent: bad)
    monkeypatch.setattr(
        dialogs, "show_error", lambda parent, title, text: errors.append((title, text))
    )
    rows_before = window.table.model().rowCount()
    window.open_action.trigger()
    assert len(errors) == 1 and "bad.sqlite" in errors[0][1]
    assert window.table.model().rowCount() == rows_before
    assert window.db is not None


def test_menu_opens_another_database(
    window, tmp_path: Path, demo_db_path: Path, monkeypatch
) -> None:
    from relocation_desk.gui import dialogs
    from relocation_desk.services.auth.service import SignedIn

    other = tmp_path / "other.sqlite"
    shutil.copy(demo_db_path, other)
    monkeypatch.setattr(dialogs, "ask_open_database", lambda parent: other)
    # Another database is signed in to (tests/gui/test_sign_in.py drives that dialog).
    monkeypatch.setattr(
        dialogs, "ask_sign_in", lambda p, auth, **kw: SignedIn(kw["demo_accounts"][0], False)
    )
    window.open_action.trigger()
    assert str(other) in window.file_label.full_text()


def test_english_interface(qtbot, db_file: Path) -> None:
    from relocation_desk import i18n
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.main_window import MainWindow
    from relocation_desk.storage.db import open_database

    make_app()
    i18n.set_language("en")
    try:
        w = MainWindow(open_database(db_file))
        qtbot.addWidget(w)
        model = w.table.model()
        headers = [
            model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())
        ]
        assert headers[0] == "Household code"
        shown = [*headers, model.index(0, 9).data(), w.filters.count.text()]
        shown += [w.filters.status.itemText(i) for i in range(w.filters.status.count())]
        shown += [a.text() for a in w.menuBar().actions()]
        assert all(not any("\u4e00" <= ch <= "\u9fff" for ch in text) for text in shown), shown
    finally:
        i18n.set_language("zh_CN")


# --- filtering and sorting, as a clerk does it --------------------------------------------


def _heads(db_file: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(db_file) as conn:
        return conn.execute(
            "select code, head_name, search_text from household order by code"
        ).fetchall()


def _shown_codes(window) -> list[str]:
    model = window.table.model()
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_typing_a_chinese_name_filters(window, qtbot, db_file: Path) -> None:
    from tests.gui.typing import type_text

    code, name, _text = _heads(db_file)[7]
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.filters.text.hasFocus()
    type_text(qtbot, window.filters.text, name)
    shown = _shown_codes(window)
    assert code in shown
    expected = [c for c, _n, t in _heads(db_file) if name.lower() in t]
    assert shown == expected
    assert "显示" in window.filters.count.text()


def test_pinyin_initials_filter(window, qtbot, db_file: Path) -> None:
    from relocation_desk.domain.names import pinyin_initials
    from tests.gui.typing import type_text

    code, name, _text = _heads(db_file)[3]
    initials = pinyin_initials(name)
    type_text(qtbot, window.filters.text, initials)
    shown = _shown_codes(window)
    assert code in shown
    assert all(initials in t for c, _n, t in _heads(db_file) if c in shown)


@pytest.fixture
def hq_window(qtbot, db_file: Path):
    """The window as HQ staff see it: every team's ID numbers in full."""
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.main_window import MainWindow
    from relocation_desk.storage.db import open_database
    from tests.operators import operator_with_role

    make_app()
    db = open_database(db_file)
    w = MainWindow(db, operator_with_role(db, "hq"))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_id_fragment_and_code_filter(hq_window, qtbot, db_file: Path) -> None:
    window = hq_window
    with sqlite3.connect(db_file) as conn:
        code, id_number = conn.execute(
            "select code, head_id_number from household where head_id_number != '' limit 1 offset 11"
        ).fetchone()
    window.filters.text.setText(id_number[-8:])
    assert code in _shown_codes(window)
    window.filters.text.setText(code)
    assert _shown_codes(window) == [code]
    qtbot.keyClick(
        window,
        Qt.Key.Key_F,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.filters.text.text() == ""
    assert len(_shown_codes(window)) == len(_heads(db_file))


def test_quick_filters_village_status_cadre(window, db_file: Path) -> None:
    f = window.filters
    f.village.setCurrentIndex(1)
    village = f.village.currentText()
    with sqlite3.connect(db_file) as conn:
        expected = [
            r[0]
            for r in conn.execute(
                "select h.code from household h join village v on v.id = h.village_id "
                "where v.name = ? order by h.code",
                (village,),
            )
        ]
        signed = [
            r[0]
            for r in conn.execute(
                "select h.code from household h join village v on v.id = h.village_id "
                "where v.name = ? and h.status = 'signed' order by h.code",
                (village,),
            )
        ]
        cadre = [
            r[0] for r in conn.execute("select code from household where has_cadre order by code")
        ]
    assert _shown_codes(window) == expected
    f.status.setCurrentIndex(f.status.findData("signed"))
    assert _shown_codes(window) == signed
    f.village.setCurrentIndex(0)
    f.status.setCurrentIndex(0)
    f.cadre.setChecked(True)
    assert _shown_codes(window) == cadre


def test_clicking_a_header_sorts(window, qtbot, db_file: Path) -> None:
    with sqlite3.connect(db_file) as conn:
        by_members = [
            r[0] for r in conn.execute("select code from household order by member_count, code")
        ]
    header = window.table.horizontalHeader()
    x = header.sectionViewportPosition(5) + 5
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert _shown_codes(window) == by_members
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert _shown_codes(window) == by_members[::-1]


def test_team_member_sees_masked_ids(qtbot, db_file: Path) -> None:
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.main_window import MainWindow
    from relocation_desk.services.households.service import operators
    from relocation_desk.storage.db import open_database

    make_app()
    db = open_database(db_file)
    member = next(o for o in operators(db) if o.role == "member")
    leader = next(o for o in operators(db) if o.role == "leader")
    w = MainWindow(db, member)
    qtbot.addWidget(w)
    with sqlite3.connect(db_file) as conn:
        team = conn.execute(
            "select t.name from team t join operator o on o.team_id = t.id where o.login = ?",
            (member.login,),
        ).fetchone()[0]
        team_of = dict(
            conn.execute("select h.code, t.name from household h join team t on t.id = h.team_id")
        )
    assert member.name in w.operator_label.text() and team in w.operator_label.text()
    # Full numbers for the operator's own team's households, masked for every other team's
    # (docs/personal-data.md) — for members and leaders alike.
    for window in (w, MainWindow(open_database(db_file), leader)):
        qtbot.addWidget(window)
        op_team = team if window is w else None
        model = window.table.model()
        seen = {"own": 0, "other": 0}
        for row in range(0, model.rowCount(), 7):
            code, shown = model.index(row, 0).data(), model.index(row, 2).data()
            if not shown:
                continue  # no ID number recorded
            own = team_of[code] == (op_team or _team_name(db_file, leader.login))
            assert ("*" not in shown) is own and len(shown) == 18
            seen["own" if own else "other"] += 1
        assert seen["own"] and seen["other"]


def _team_name(db_file: Path, login: str) -> str:
    with sqlite3.connect(db_file) as conn:
        return conn.execute(
            "select t.name from team t join operator o on o.team_id = t.id where o.login = ?",
            (login,),
        ).fetchone()[0]


# --- opening households from the register -------------------------------------------------


@pytest.fixture
def answers(monkeypatch):
    """Answer the editor's questions without modal dialogs."""
    from relocation_desk.gui import dialogs

    asked: list[str] = []
    monkeypatch.setattr(
        dialogs, "ask_restore_draft", lambda *a, **k: asked.append("draft") or False
    )
    monkeypatch.setattr(dialogs, "ask_confirm", lambda *a, **k: asked.append("confirm") or True)
    monkeypatch.setattr(
        dialogs, "ask_discard_changes", lambda *a, **k: asked.append("discard") or "discard"
    )
    return asked


def test_enter_opens_the_selected_household_and_a_save_shows_in_the_register(
    hq_window, qtbot, answers, db_file: Path
) -> None:
    from tests.gui.typing import type_text

    window = hq_window  # HQ may edit every team's households

    table = window.table
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Down)
    row = table.currentIndex().row()
    code = window.model.index(row, 0).data()
    qtbot.keyClick(table, Qt.Key.Key_Return)
    editor = window.editor
    assert editor is not None and editor.isVisible()
    assert code in editor.windowTitle() or code in editor.findChild(object, "title").text()
    head = next(i for i, p in enumerate(editor.form_from_widgets().persons) if p.relation == "户主")
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    editor.tabs.setCurrentIndex(1)
    editor.members.focus_cell(head, "name")
    type_text(qtbot, editor.members, "㑇𠮷明")
    with qtbot.waitSignal(editor.saved):
        qtbot.keyClick(
            QApplication.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
        )
    assert not editor.isVisible()
    assert window.model.index(row, 1).data() == "㑇𠮷明"
    type_text(qtbot, window.filters.text, "𠮷明")
    assert _shown_codes(window) == [code]
    with sqlite3.connect(db_file) as conn:
        assert (
            conn.execute("select head_name from household where code = ?", (code,)).fetchone()[0]
            == "㑇𠮷明"
        )


def test_ctrl_n_opens_a_new_household(hq_window, qtbot, answers) -> None:
    window = hq_window  # registering needs a role that may (nobody signed in: greyed out)
    qtbot.keyClick(window.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    editor = window.editor
    assert editor is not None and editor.isVisible()
    assert editor.form_from_widgets().id is None
    editor.close()
