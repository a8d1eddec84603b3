"""帮助 → 用户手册 (F1): the printable guide in the current language, opened by the system viewer."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot: Any, tmp_path: Path, demo_db_path: Path) -> Any:
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.main_window import MainWindow
    from relocation_desk.storage.db import open_database

    target = tmp_path / "w.sqlite"
    shutil.copy(demo_db_path, target)
    make_app()
    w = MainWindow(open_database(target))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> tuple[list[Path], list[tuple[str, str]]]:
    from relocation_desk.gui import dialogs

    files: list[Path] = []
    errors: list[tuple[str, str]] = []
    monkeypatch.setattr(dialogs, "open_file", lambda p: files.append(p) or True)
    monkeypatch.setattr(dialogs, "show_error", lambda _p, t, x: errors.append((t, x)))
    return files, errors


def _help_action(window: Any, text: str) -> Any:
    menus = [a.menu() for a in window.menuBar().actions() if a.menu() is not None]
    help_menu = next(m for m in menus if m.title() == "帮助(&H)")
    return next(a for a in help_menu.actions() if a.text() == text)


def test_f1_opens_the_chinese_guide(window: Any, qtbot: Any, opened: Any) -> None:
    files, errors = opened
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_F1)
    assert errors == []
    assert [p.name for p in files] == ["用户手册.pdf"]
    assert files[0].is_file() and files[0].read_bytes()[:5] == b"%PDF-"


def test_the_menu_entry_opens_the_guide_of_the_current_language(
    window: Any, opened: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from relocation_desk import i18n

    files, errors = opened
    action = _help_action(window, "用户手册(&U)")
    assert action.shortcut().toString() == "F1"
    monkeypatch.setattr(i18n, "_language", "en")
    action.trigger()
    assert errors == []
    assert [p.name for p in files] == ["user-guide.pdf"]
    assert files[0].is_file()


def test_a_missing_guide_is_explained(
    window: Any, opened: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from relocation_desk.gui import main_window

    files, errors = opened
    missing = tmp_path / "用户手册.pdf"
    monkeypatch.setattr(main_window, "user_guide", lambda _lang: missing)
    _help_action(window, "用户手册(&U)").trigger()
    assert files == []
    assert len(errors) == 1
    title, text = errors[0]
    assert title == "找不到用户手册"
    assert str(missing) in text and "重新安装" in text


def test_no_viewer_is_explained(window: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from relocation_desk.gui import dialogs

    errors: list[tuple[str, str]] = []
    monkeypatch.setattr(dialogs, "open_file", lambda p: False)
    monkeypatch.setattr(dialogs, "show_error", lambda _p, t, x: errors.append((t, x)))
    assert window.show_user_guide() is False
    assert [t for t, _x in errors] == ["无法打开用户手册"]
