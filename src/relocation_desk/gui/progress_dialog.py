"""Long work with a real progress bar and a 取消 button (STYLE.md: Anki's ``CollectionOp``).

``run_with_progress(parent, title, work)`` calls ``work(progress)`` on a worker thread, where
``progress`` is a :class:`services.progress_report.Progress`; meanwhile ``parent`` takes no
input and, after ``SHOW_AFTER_MS``, a :class:`ProgressDialog` shows the step, ``done / total``
and 取消. The result (or the exception, :class:`Cancelled` when the user stopped it) comes back
in the caller's thread, so dialog code stays a straight line, as with ``background.run_busy``.

Progress crosses to the GUI thread as queued signals, at most one per ``MIN_INTERVAL_S`` unless
the step changes or the work ends: a notice of 100,000 rows reports per row without flooding
the event loop. When the work says it cannot be stopped (``progress.cannot_cancel(reason)``:
a commit, a finished file moved onto its name) the button is greyed with the reason as its
tooltip. ``work`` must not touch widgets and opens its own database sessions.

May use the services' progress protocol, ``i18n`` and PySide6; no feature package.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QEventLoop, QObject, Qt, QThread, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..i18n import _
from ..services.gc_pause import gc_paused
from ..services.progress_report import Cancelled, Progress

__all__ = ["Cancelled", "ProgressDialog", "run_with_progress"]

T = TypeVar("T")

SHOW_AFTER_MS = 400  # quick work finishes without a dialog flashing up
MIN_INTERVAL_S = 0.05  # at most ~20 progress updates a second reach the GUI thread


class _Signals(QObject):
    progress = Signal(int, int, str)
    cancellable = Signal(object)  # None or the reason why not


class _Worker(QThread):
    def __init__(self, work: Callable[[Progress], object], signals: _Signals) -> None:
        super().__init__()
        self._work = work
        self._signals = signals
        self.cancel_event = threading.Event()
        self.result: object = None
        self.error: BaseException | None = None
        self._last = (-1.0, "")  # time and label of the last report sent

    def report(self, done: int, total: int, label: str) -> None:
        now = time.monotonic()
        last_time, last_label = self._last
        if label == last_label and done < total and now - last_time < MIN_INTERVAL_S:
            return
        self._last = (now, label)
        self._signals.progress.emit(done, total, label)

    def run(self) -> None:
        progress = Progress(
            self.report, cancel=self.cancel_event, on_cancellable=self._signals.cancellable.emit
        )
        try:
            self.result = self._work(progress)
        except BaseException as exc:  # handed to the caller's thread
            self.error = exc


class ProgressDialog(QDialog):
    """Step, bar and 取消 of one piece of long work (see the module docstring)."""

    def __init__(self, title: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("progressDialog")
        self.setWindowTitle(title)
        self.cancel_event: threading.Event | None = None
        self._text = text
        self.label = QLabel(text, self)
        self.label.setWordWrap(True)
        self.label.setObjectName("progressStep")
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)  # busy until the work reports its first total
        self.bar.setMinimumWidth(420)
        self.cancel_button = QPushButton(_("取消"), self)
        self.cancel_button.setObjectName("progressCancel")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.cancel)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addLayout(buttons)
        self.setMinimumWidth(480)

    def show_progress(self, done: int, total: int, label: str) -> None:
        if self.cancel_event is not None and self.cancel_event.is_set():
            return  # keep saying that it is being cancelled
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(min(done, max(total, 1)))
        if label:
            self.label.setText(label)

    def set_cancellable(self, reason: object) -> None:
        """``None``: 取消 works; a text: greyed, the text says why."""
        if self.cancel_event is not None and self.cancel_event.is_set():
            return
        self.cancel_button.setEnabled(reason is None)
        self.cancel_button.setToolTip("" if reason is None else str(reason))

    def cancel(self) -> None:
        if self.cancel_event is None or not self.cancel_button.isEnabled():
            return
        self.cancel_event.set()
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText(_("正在取消…"))
        self.cancel_button.setToolTip(_("正在停止，已做的部分不会保存。"))
        self.label.setText(_("正在取消：停下手头这一步，不保存已做的部分…"))

    def reject(self) -> None:  # Esc: the same as 取消, the dialog closes when the work ends
        self.cancel()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.cancel()
        event.ignore()


def run_with_progress(
    parent: QWidget | None, title: str, work: Callable[[Progress], T], *, text: str = ""
) -> T:
    """Call ``work(progress)`` on a worker thread with a progress dialog titled ``title``
    (first line ``text``); return its result or raise its exception (``Cancelled`` when the
    user pressed 取消)."""
    signals = _Signals()
    worker = _Worker(work, signals)
    dialog = ProgressDialog(title, text or title, parent)
    dialog.cancel_event = worker.cancel_event
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    signals.progress.connect(dialog.show_progress)
    signals.cancellable.connect(dialog.set_cancellable)
    loop = QEventLoop()
    worker.finished.connect(loop.quit)
    shown_by = QTimer()
    shown_by.setSingleShot(True)

    def show() -> None:
        if parent is not None:
            parent.setEnabled(True)  # the window-modal dialog now keeps input from it
        dialog.show()

    shown_by.timeout.connect(show)
    if parent is not None:
        parent.setEnabled(False)
    try:
        with gc_paused():  # no collection on the worker thread (see gui.background)
            worker.start()
            shown_by.start(SHOW_AFTER_MS)
            if not worker.isFinished():
                loop.exec()
            worker.wait()
    finally:
        shown_by.stop()
        for signal in (signals.progress, signals.cancellable):
            signal.disconnect()
        dialog.hide()
        dialog.deleteLater()
        if parent is not None:
            parent.setEnabled(True)
    if worker.error is not None:
        raise worker.error
    return worker.result  # type: ignore[return-value]
