"""帮助 → 语言: the window is rebuilt in the chosen language on the same database, operator and
household; the choice is kept for the next start; unsaved work in the editor is asked about."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from .typing import type_text

pytestmark = [
    pytest.mark.gui,
    # Offscreen, a menu cannot raise itself or grab the keyboard; it opens and is clicked.
    pytest.mark.qt_log_ignore("This plugin does not support raise", "grabbing the keyboard"),
]


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.fixture
def chinese() -> Iterator[None]:
    """Each test starts in Chinese with no stored choice, and leaves it so."""
    from relocation_desk import i18n
    from relocation_desk.gui import language

    language._store().remove(language.SETTING_KEY)
    i18n.set_language("zh_CN")
    yield
    i18n.set_language("zh_CN")
    language._store().remove(language.SETTING_KEY)
    app = QApplication.instance()
    if isinstance(app, QApplication):
        language.install_qt_translation(app)


@pytest.fixture
def window(qtbot, tmp_path: Path, demo_db_path: Path, chinese: None):
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.main_window import MainWindow
    from relocation_desk.storage.db import open_database
    from tests.operators import operator_with_role

    target = tmp_path / "lang.sqlite"
    shutil.copy(demo_db_path, target)
    make_app()
    db = open_database(target)
    w = MainWindow(db, operator_with_role(db, "hq"))
    w.show()
    qtbot.waitExposed(w)
    yield w
    # A switch deletes the window it replaces; whichever main window is left is closed.
    for shown in QApplication.topLevelWidgets():
        if isinstance(shown, MainWindow) and shown.isVisible():
            shown.close()


def _language_action(window, code: str):  # type: ignore[no-untyped-def]
    """The entry a person clicks: the Help menu of the menu bar, then its language submenu."""
    help_menu = window.menuBar().actions()[-1].menu()
    [sub] = [a.menu() for a in help_menu.actions() if a.menu() is not None]
    assert sub.objectName() == "languageMenu"
    return next(a for a in sub.actions() if a.objectName() == f"language_{code}")


def _main_windows() -> set[int]:
    from relocation_desk.gui.main_window import MainWindow

    return {id(w) for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)}


def _click_through_menus(qtbot, window, action) -> None:  # type: ignore[no-untyped-def]
    """Click 帮助 in the menu bar, then 语言, then ``action``, with the mouse."""
    bar = window.menuBar()
    help_action = bar.actions()[-1]
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.actionGeometry(help_action).center())
    help_menu = help_action.menu()
    assert help_menu.isVisible()
    [language] = [a for a in help_menu.actions() if a.menu() is not None]
    pos = help_menu.actionGeometry(language).center()
    QTest.mouseClick(help_menu, Qt.MouseButton.LeftButton, pos=pos)
    sub = language.menu()
    qtbot.waitUntil(sub.isVisible, timeout=2000)  # a submenu opens after a short delay
    QTest.mouseClick(sub, Qt.MouseButton.LeftButton, pos=sub.actionGeometry(action).center())


def _switch(qtbot, action, old):  # type: ignore[no-untyped-def]
    """Click a language; returns the main window that took ``old``'s place (None: none)."""
    from relocation_desk.gui.main_window import MainWindow

    before = _main_windows()
    _click_through_menus(qtbot, old, action)
    new = [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, MainWindow) and w.isVisible() and id(w) not in before
    ]
    assert len(new) <= 1, new
    return new[0] if new else None


def test_switch_to_english_and_back(window, qtbot, monkeypatch) -> None:
    from relocation_desk import i18n
    from relocation_desk.gui import dialogs

    asked: list[str] = []
    monkeypatch.setattr(dialogs, "ask_confirm", lambda _p, _t, text: asked.append(text) or True)
    from relocation_desk.gui import language

    db, operator = window.db, window.operator
    window._select(window.model.household_id(5))
    household = window.current_household()
    english = _language_action(window, "en")
    assert english.text() == "English" and not english.isChecked()
    assert _language_action(window, "zh_CN").isChecked()

    new = _switch(qtbot, english, window)

    assert asked == []  # nothing else was open: nothing to ask
    assert new is not None
    assert i18n.language() == "en" and language.preferred_language() == "en"
    assert not window.isVisible()
    # The same project, still open, the same person signed in, the same household selected.
    assert new.db is db and db.session() is not None
    assert new.operator == operator and new.current_household() == household
    menus = [a.text() for a in new.menuBar().actions()]
    headers = [
        new.table.model().headerData(c, Qt.Orientation.Horizontal)
        for c in range(new.table.model().columnCount())
    ]
    assert not any(_has_chinese(t) for t in [*menus, *headers]), (menus, headers)
    assert headers[0] == "Household code" and "Relocation Desk" in new.windowTitle()
    assert _language_action(new, "en").isChecked()
    # Qt's own buttons follow.
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Cancel"

    back = _switch(qtbot, _language_action(new, "zh_CN"), new)
    assert back is not None
    assert i18n.language() == "zh_CN" and language.preferred_language() == "zh_CN"
    assert back.db is db and back.current_household() == household
    assert back.table.model().headerData(0, Qt.Orientation.Horizontal) == "户编号"
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"


def test_unsaved_edits_are_asked_about_first(window, qtbot, monkeypatch) -> None:
    from relocation_desk import i18n
    from relocation_desk.gui import dialogs, language

    answers = {"confirm": [], "discard": []}

    def confirm(_parent, title, text):  # type: ignore[no-untyped-def]
        answers["confirm"].append(text)
        return True

    def discard(_parent):  # type: ignore[no-untyped-def]
        answers["discard"].append(True)
        return answers["choice"]

    monkeypatch.setattr(dialogs, "ask_confirm", confirm)
    monkeypatch.setattr(dialogs, "ask_discard_changes", discard)
    window.open_household(window.current_household())
    editor = window.editor
    qtbot.waitExposed(editor)
    field = editor.basic.address_edit
    field.setFocus()
    type_text(qtbot, field, "东")
    assert editor.is_modified()

    # Keep editing: nothing changes, the editor and its edits stay.
    answers["choice"] = "cancel"
    assert _switch(qtbot, _language_action(window, "en"), window) is None
    assert answers["confirm"] and answers["discard"] == [True]
    assert i18n.language() == "zh_CN" and language.preferred_language() is None
    assert window.isVisible() and editor.isVisible() and editor.is_modified()
    assert _language_action(window, "zh_CN").isChecked()
    assert not _language_action(window, "en").isChecked()

    # Throw the edits away: the switch goes ahead.
    answers["choice"] = "discard"
    new = _switch(qtbot, _language_action(window, "en"), window)
    assert new is not None
    assert i18n.language() == "en"
    assert not editor.isVisible()


def test_the_stored_choice_applies_at_the_next_start(chinese, monkeypatch) -> None:
    from relocation_desk import i18n
    from relocation_desk.gui import language

    language.set_preferred_language("en")
    monkeypatch.setattr(i18n, "_chosen", False)  # a start without --lang
    assert language.apply_preferred_language() == "en"
    # --lang (or RELOCATION_DESK_LANG) wins over the stored choice.
    i18n.set_language("zh_CN")
    assert language.apply_preferred_language() == "zh_CN"
    with pytest.raises(ValueError):
        language.set_preferred_language("fr")
