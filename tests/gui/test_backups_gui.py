"""文件 → 备份到U盘… / 从备份恢复…, and the automatic backups, through the real window."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _opening_backup_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from relocation_desk.gui.backups import feature

    monkeypatch.setattr(feature, "QUIET_BEFORE_OPENING_MS", 0)


@pytest.fixture
def db_file(tmp_path: Path, demo_db_path: Path) -> Path:
    target = tmp_path / "w.sqlite"
    shutil.copy(demo_db_path, target)
    return target


@pytest.fixture
def said(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    from relocation_desk.gui import dialogs

    seen: dict[str, list[str]] = {"error": [], "info": [], "confirm": []}
    monkeypatch.setattr(dialogs, "show_error", lambda _p, _t, text: seen["error"].append(text))
    monkeypatch.setattr(dialogs, "show_info", lambda _p, _t, text: seen["info"].append(text))

    def confirm(_p: object, _t: str, text: str) -> bool:
        seen["confirm"].append(text)
        return True

    monkeypatch.setattr(dialogs, "ask_confirm", confirm)
    return seen


@pytest.fixture
def window(qtbot, db_file: Path, said):
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.main_window import MainWindow
    from relocation_desk.storage.db import open_database

    make_app()
    w = MainWindow(open_database(db_file))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: auto_backups(db_file) != [], timeout=10_000)  # made on opening
    qtbot.waitUntil(lambda: "无" not in w.backup_label.text())  # and the status bar says so
    yield w
    w.close()


def auto_backups(db_file: Path) -> list[Path]:
    return sorted((db_file.parent / "backups").glob("w-*-auto*.sqlite"))


def file_action(window, text: str):
    (action,) = [a for a in window.menus["file"].actions() if a.text() == text]
    assert action.isVisible() and action.isEnabled()
    return action


def households(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("select count(*) from household").fetchone()[0])


def delete_households(path: Path, n: int) -> None:
    with sqlite3.connect(path) as conn:  # another program's change
        conn.execute("pragma foreign_keys = off")
        ids = [r[0] for r in conn.execute("select id from household limit ?", (n,))]
        conn.executemany("delete from household where id = ?", [(i,) for i in ids])


def test_backup_to_a_usb_stick(window, tmp_path: Path, said, monkeypatch, db_file: Path) -> None:
    from relocation_desk.gui import dialogs

    stick = tmp_path / "U盘"
    stick.mkdir()
    monkeypatch.setattr(dialogs, "ask_backup_folder", lambda _p: stick)
    file_action(window, "备份到U盘(&B)…").trigger()
    (made,) = stick.iterdir()
    assert households(made) == households(db_file)
    assert str(made) in said["info"][0]
    # A stick that cannot be written says so and keeps nothing half-written.
    monkeypatch.setattr(dialogs, "ask_backup_folder", lambda _p: Path("/proc/self"))
    file_action(window, "备份到U盘(&B)…").trigger()
    assert said["error"] and "/proc/self" in said["error"][0]


def test_restore_from_a_backup(window, qtbot, said, monkeypatch, db_file: Path) -> None:
    from relocation_desk.gui import dialogs

    (on_open,) = auto_backups(db_file)
    before = households(db_file)
    window.db.close()
    delete_households(db_file, 5)
    window.set_database(window.db)
    assert window.table.model().rowCount() == before - 5
    monkeypatch.setattr(dialogs, "ask_backup_file", lambda _p, folder: on_open)
    file_action(window, "从备份恢复(&T)…").trigger()
    assert said["error"] == []
    assert f"农户 {before} 户" in said["confirm"][0] and "另一个项目" not in said["confirm"][0]
    assert "已从" in said["info"][0] and "恢复前的数据库已另存为" in said["info"][0]
    assert households(db_file) == before
    assert window.table.model().rowCount() == before  # the window shows the restored data
    safety = list((db_file.parent / "backups").glob("w-*-before-restore.sqlite"))
    assert len(safety) == 1 and households(safety[0]) == before - 5


def test_restore_refused_while_another_program_has_it_open(
    window, said, monkeypatch, db_file: Path
) -> None:
    from relocation_desk.gui import dialogs

    (on_open,) = auto_backups(db_file)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
         "c.execute('select count(*) from household').fetchall(); print('open', flush=True); "
         "sys.stdin.readline()", str(db_file)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        monkeypatch.setattr(dialogs, "ask_backup_file", lambda _p, folder: on_open)
        file_action(window, "从备份恢复(&T)…").trigger()
    finally:
        holder.communicate("\n", timeout=30)
    assert said["info"] == []
    assert "正被其他程序或窗口打开" in said["error"][0]
    assert window.db is not None and window.table.model().rowCount() == households(db_file)


def test_newer_or_foreign_backups(window, tmp_path: Path, said, monkeypatch, db_file: Path) -> None:
    from relocation_desk.gui import dialogs

    newer = tmp_path / "newer.sqlite"
    shutil.copy(auto_backups(db_file)[0], newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("update alembic_version set version_num = '9999_newer'")
    monkeypatch.setattr(dialogs, "ask_backup_file", lambda _p, folder: newer)
    file_action(window, "从备份恢复(&T)…").trigger()
    assert "更新版本的程序" in said["error"][0] and said["confirm"] == []

    other = tmp_path / "other.sqlite"
    shutil.copy(auto_backups(db_file)[0], other)
    with sqlite3.connect(other) as conn:
        conn.execute("pragma foreign_keys = off")
        for table in ("project", "setting", "team", "operator", "village", "household"):
            cols = [r[1] for r in conn.execute(f"pragma table_info({table})")]
            if "project_id" in cols:
                conn.execute(f"update {table} set project_id = x'00'")
        conn.execute("update project set id = x'00', name = '别的项目'")
    monkeypatch.setattr(dialogs, "ask_backup_file", lambda _p, folder: other)
    monkeypatch.setattr(dialogs, "ask_confirm", lambda _p, _t, text: said["confirm"].append(text))
    file_action(window, "从备份恢复(&T)…").trigger()
    assert said["error"][1:] == []
    assert "另一个项目" in said["confirm"][0]  # asked first; answered no: nothing replaced
    assert said["info"] == []


def _has_change(backup: Path) -> bool:
    conn = sqlite3.connect(backup)
    try:
        row = conn.execute("select remarks from household where rowid = 1").fetchone()
    except sqlite3.Error:  # still being written
        return False
    finally:
        conn.close()
    return row == ("改过",)


def test_periodic_backups_only_after_changes(
    qtbot, db_file: Path, said, monkeypatch: pytest.MonkeyPatch
) -> None:
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.backups import feature
    from relocation_desk.gui.main_window import MainWindow
    from relocation_desk.storage.db import open_database

    with sqlite3.connect(db_file) as conn:
        project = conn.execute("select id from project").fetchone()[0]
        conn.execute(
            "insert into setting (project_id, key, value) values (?, 'backup_every_minutes', ?)",
            (project, json.dumps(1)),
        )
    monkeypatch.setattr(feature, "MS_PER_MINUTE", 200)  # a minute is 0.2 s here
    make_app()
    w = MainWindow(open_database(db_file))
    qtbot.addWidget(w)
    w.show()
    try:
        qtbot.waitUntil(lambda: len(auto_backups(db_file)) == 1, timeout=10_000)
        qtbot.wait(800)  # four "minutes" with no change: no new backup
        assert len(auto_backups(db_file)) == 1
        assert w.db is not None
        with w.db.engine.begin() as conn:
            conn.exec_driver_sql("update household set remarks = '改过' where rowid = 1")
        # A backup that holds the change follows (one already under way when the change was
        # committed may come first, without it).
        qtbot.waitUntil(lambda: any(map(_has_change, auto_backups(db_file))), timeout=10_000)
        assert len(auto_backups(db_file)) >= 2
    finally:
        w.close()
    assert said["error"] == []


def test_the_opening_backup_waits_for_a_quiet_moment(
    qtbot, db_file: Path, said, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Typing right after opening (e.g. posting a notice) is not slowed by the whole-file copy:
    the opening backup starts only once nobody has typed for the quiet period."""
    from PySide6.QtCore import Qt

    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.backups import feature
    from relocation_desk.gui.main_window import MainWindow
    from relocation_desk.storage.db import open_database

    monkeypatch.setattr(feature, "QUIET_BEFORE_OPENING_MS", 1_500)
    monkeypatch.setattr(feature, "QUIET_CHECK_MS", 50)
    make_app()
    w = MainWindow(open_database(db_file))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    try:
        for _ in range(8):  # someone keeps typing for ~2 s
            qtbot.keyClick(w, Qt.Key.Key_Shift)
            qtbot.wait(250)
            assert auto_backups(db_file) == []
        qtbot.waitUntil(lambda: auto_backups(db_file) != [], timeout=10_000)
    finally:
        w.close()
