"""A bug in the GUI: logged with its traceback, a dialog with the log path and the details."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from relocation_desk.gui import crash, dialogs
from relocation_desk.logfile import log_path

pytestmark = pytest.mark.gui


def _raise_and_catch() -> BaseException:
    try:
        {}["the marker of a bug"]
    except KeyError as exc:
        return exc
    raise AssertionError("unreachable")


def test_an_uncaught_exception_shows_the_log_path_and_the_traceback(
    qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[tuple[str, str, str]] = []
    monkeypatch.setattr(
        dialogs,
        "show_crash",
        lambda parent, title, text, details: shown.append((title, text, details)),
    )
    old_hook = sys.excepthook
    crash.install_excepthook()
    try:
        exc = _raise_and_catch()
        sys.excepthook(type(exc), exc, exc.__traceback__)
    finally:
        sys.excepthook = old_hook
    [(title, text, details)] = shown
    assert title == "程序出错"
    assert str(log_path()) in text and "KeyError" in text and "已保存的数据不受影响" in text
    assert "Traceback" in details and "the marker of a bug" in details
    logged = log_path().read_text(encoding="utf-8")
    assert "the marker of a bug" in logged and "Traceback" in logged


def test_the_crash_dialog_has_a_details_section(qtbot) -> None:
    """The real dialog: its details section holds the traceback; OK closes it."""
    seen: dict[str, object] = {}

    def inspect_and_close() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, inspect_and_close)
            return
        seen["text"] = box.text()
        seen["details"] = box.detailedText()
        seen["has_details_button"] = (
            any(isinstance(b, QPushButton) and b.text() for b in box.buttons())
            and len(box.buttons()) >= 2
        )
        box.button(QMessageBox.StandardButton.Ok).click()

    QTimer.singleShot(20, inspect_and_close)
    dialogs.show_crash(None, "程序出错", "日志：/tmp/x.log", "Traceback (most recent call last): …")
    assert seen["text"] == "日志：/tmp/x.log"
    assert str(seen["details"]).startswith("Traceback")
    assert seen["has_details_button"]


def test_a_log_that_cannot_be_written_is_said_so(
    qtbot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("RELOCATION_DESK_HOME", str(blocker / "home"))
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "show_crash", lambda p, t, text, d: shown.append(text))
    assert crash.report_bug(None, _raise_and_catch()) is None
    [text] = shown
    assert "日志文件无法写入" in text
