"""Long work in the GUI: the progress dialog moves, 取消 leaves the database as it was, a
finished posting says what it did, and 取消 is greyed (with the reason) while the work is
being saved. Real windows, real worker threads; the worker is held at a chosen step so the
test can press 取消 at a known moment."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from sqlalchemy import func, select

pytestmark = pytest.mark.gui


@pytest.fixture
def fast_progress(monkeypatch):  # type: ignore[no-untyped-def]
    """Show the dialog at once and deliver every report (no throttling)."""
    from relocation_desk.gui import progress_dialog

    monkeypatch.setattr(progress_dialog, "SHOW_AFTER_MS", 0)
    monkeypatch.setattr(progress_dialog, "MIN_INTERVAL_S", 0.0)
    shown: list[tuple[int, int, str]] = []
    original = progress_dialog.ProgressDialog.show_progress

    def recording(self, done: int, total: int, label: str) -> None:  # type: ignore[no-untyped-def]
        shown.append((done, total, label))
        original(self, done, total, label)

    monkeypatch.setattr(progress_dialog.ProgressDialog, "show_progress", recording)
    return shown


@pytest.fixture
def messages(monkeypatch):  # type: ignore[no-untyped-def]
    from relocation_desk.gui import dialogs
    from relocation_desk.gui.printing import preview as pdf_preview

    seen: dict[str, list[str]] = {"info": [], "error": [], "preview": []}
    monkeypatch.setattr(dialogs, "show_info", lambda p, t, text: seen["info"].append(text))
    monkeypatch.setattr(dialogs, "show_error", lambda p, t, text: seen["error"].append(text))
    monkeypatch.setattr(
        pdf_preview,
        "show_pdf_preview",
        lambda parent, path, title, on_printed=None, **kw: seen["preview"].append(path.name),
    )
    return seen


@pytest.fixture
def window(qtbot, tmp_path: Path, demo_db_path: Path):  # type: ignore[no-untyped-def]
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.main_window import MainWindow
    from relocation_desk.storage.db import open_database
    from tests.operators import operator_with_role

    make_app()
    target = tmp_path / "w.sqlite"
    shutil.copy(demo_db_path, target)
    db = open_database(target)
    w = MainWindow(db, operator_with_role(db, "hq"))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def _counts(db) -> dict[str, object]:  # type: ignore[no-untyped-def]
    from relocation_desk.storage import models as m

    with db.session() as s:
        out: dict[str, object] = {
            t.__tablename__: s.scalar(select(func.count()).select_from(t))
            for t in (m.NoticeRound, m.NoticeRow, m.AuditLog, m.Household)
        }
        out["statuses"] = sorted(
            s.execute(select(m.Household.status, func.count()).group_by(m.Household.status)).all()
        )
        return out


def _held(monkeypatch, module, name: str) -> tuple[threading.Event, threading.Event]:  # type: ignore[no-untyped-def]
    """Replace ``module.name`` so its first call waits: (entered, release)."""
    entered, release = threading.Event(), threading.Event()
    original = getattr(module, name)

    def held(*args, **kwargs):  # type: ignore[no-untyped-def]
        if not entered.is_set():
            entered.set()
            assert release.wait(30), "the test never released the worker"
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, held)
    return entered, release


def _when(condition: Callable[[], bool], then: Callable[[], None]) -> QTimer:
    """Run ``then`` on the GUI thread once ``condition`` holds (polled inside the nested
    event loop the progress dialog runs)."""
    timer = QTimer()
    timer.setInterval(10)

    def poll() -> None:
        if condition():
            timer.stop()
            then()

    timer.timeout.connect(poll)
    timer.start()
    return timer


def _progress_dialog(parent):  # type: ignore[no-untyped-def]
    from relocation_desk.gui.progress_dialog import ProgressDialog

    found = [d for d in parent.findChildren(ProgressDialog) if d.isVisible()]
    return found[0] if found else None


def _open_post(window, kind: str = "compensation"):  # type: ignore[no-untyped-def]
    window.notice_feature.post_action.trigger()
    dialog = window.notice_feature.post_dialog
    counts: dict[int, int] = {}
    for i in range(dialog.village.count()):
        dialog.village.setCurrentIndex(i)
        text = dialog.summary.text()
        counts[i] = int(text.split("已到这一阶段的 ")[1].split(" 户")[0]) if "已到" in text else 0
    dialog.village.setCurrentIndex(max(counts, key=lambda i: counts[i]))
    dialog.kind.setCurrentIndex(dialog.kind.findData(kind))
    return dialog


def test_posting_shows_moving_progress_and_reports_the_round(
    window, qtbot, fast_progress, messages
) -> None:  # type: ignore[no-untyped-def]
    before = _counts(window.db)
    dialog = _open_post(window)
    qtbot.mouseClick(dialog.post_button, Qt.MouseButton.LeftButton)
    assert not messages["error"], messages["error"]
    assert messages["info"] and "已发布" in messages["info"][0]
    assert messages["preview"]  # and its PDF went to the preview
    steps = [label for _d, _t, label in fast_progress]
    assert any("读取" in s for s in steps) and any("写入公示名单" in s for s in steps)
    assert any("第 1 页" in s for s in steps)  # the PDF, page by page
    done, total, _label = next(r for r in reversed(fast_progress) if "写入公示名单" in r[2])
    assert done == total > 0
    assert _counts(window.db) != before


def test_cancel_while_posting_leaves_the_database_unchanged(
    window, qtbot, fast_progress, messages, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from relocation_desk.services.notices import service

    before = _counts(window.db)
    # Held while the rows are being written: the round itself is already flushed.
    entered, release = _held(monkeypatch, service, "field_digests")
    dialog = _open_post(window)
    pressed: list[bool] = []

    def writing() -> bool:
        progress = _progress_dialog(dialog)
        return entered.is_set() and progress is not None and "写入" in progress.label.text()

    def press_cancel() -> None:
        try:
            progress = _progress_dialog(dialog)
            assert progress.cancel_button.isEnabled() and progress.bar.maximum() > 0
            qtbot.mouseClick(progress.cancel_button, Qt.MouseButton.LeftButton)
            assert progress.cancel_button.text() == "正在取消…"
            pressed.append(True)
        finally:
            release.set()

    timer = _when(writing, press_cancel)
    qtbot.mouseClick(dialog.post_button, Qt.MouseButton.LeftButton)
    timer.stop()
    assert pressed
    assert messages["info"] == ["已取消：没有发布公示，数据库没有改动。"]
    assert not messages["preview"] and not messages["error"]
    assert _counts(window.db) == before
    assert dialog.isVisible()  # the choices stay for another try


def test_cancel_is_greyed_with_the_reason_while_saving(qtbot, fast_progress) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QWidget

    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.progress_dialog import run_with_progress

    make_app()
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    saving, release = threading.Event(), threading.Event()
    seen: dict[str, object] = {}

    def work(progress):  # type: ignore[no-untyped-def]
        progress(1, 2, "第一步")
        progress.cannot_cancel("正在保存，保存完成前不能取消。")
        saving.set()
        assert release.wait(30)
        progress.check()  # a press now must not stop the save
        return "saved"

    def look() -> None:
        try:
            dialog = _progress_dialog(parent)
            seen["enabled"] = dialog.cancel_button.isEnabled()
            seen["tooltip"] = dialog.cancel_button.toolTip()
            qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)  # ignored
        finally:
            release.set()

    timer = _when(
        lambda: (
            saving.is_set()
            and (d := _progress_dialog(parent)) is not None
            and not d.cancel_button.isEnabled()
        ),
        look,
    )
    assert run_with_progress(parent, "保存", work) == "saved"
    timer.stop()
    assert seen == {"enabled": False, "tooltip": "正在保存，保存完成前不能取消。"}
    assert parent.isEnabled()


def test_cancel_while_exporting_the_ledger_writes_no_file(
    window, qtbot, fast_progress, messages, monkeypatch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from relocation_desk.gui.ledger import feature as ledger_feature
    from relocation_desk.reports import ledger_xlsx

    out = tmp_path / "台账.xlsx"
    monkeypatch.setattr(ledger_feature, "ask_export_path", lambda parent: out)
    monkeypatch.setattr(ledger_xlsx, "REPORT_EVERY", 50)
    before = _counts(window.db)
    entered, release = _held(monkeypatch, ledger_xlsx, "_reported")

    def press_cancel() -> None:
        try:
            qtbot.mouseClick(_progress_dialog(window).cancel_button, Qt.MouseButton.LeftButton)
        finally:
            release.set()

    timer = _when(lambda: entered.is_set() and _progress_dialog(window) is not None, press_cancel)
    window.export_ledger_action.trigger()
    timer.stop()
    assert messages["info"] == ["已取消导出，没有写出文件。"]
    assert not out.exists() and not list(tmp_path.glob("*.partial*"))
    assert _counts(window.db) == before

    messages["info"].clear()
    window.export_ledger_action.trigger()  # not cancelled: the file and a report
    assert out.exists() and "已导出台账" in messages["info"][0]
    moved = [r for r in fast_progress if "已写完" in r[2]]
    assert [d for d, _t, _l in moved] == list(range(1, 8))
