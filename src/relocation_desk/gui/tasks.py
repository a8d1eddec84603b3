"""Long work of the calculation screens off the GUI thread (STYLE.md: Anki's ``QueryOp``,
Picard's ``run_task``).

``BackgroundTask(work)`` runs ``work(progress, cancel)`` on its own ``QThread`` through a worker
object. ``work`` opens whatever services it needs itself, so no database session is ever
shared between threads (a ``Database`` hands each thread its own connection). It reports with
``progress(done, total)`` (any thread; delivered to the GUI thread as the ``progress`` signal)
and should stop soon after ``cancel`` (a ``threading.Event``) is set. The outcome arrives on the
GUI thread as ``succeeded(result)`` or ``failed(exception)``, then ``finished``.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import warnings
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

__all__ = ["BackgroundTask", "Work"]

log = logging.getLogger(__name__)

Work = Callable[[Callable[[int, int], None], threading.Event], Any]
_detached: set[BackgroundTask] = set()  # kept alive until their thread ends


class _Worker(QObject):
    progress = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, work: Work, cancel: threading.Event) -> None:
        super().__init__()
        self._work = work
        self._cancel = cancel

    @Slot()
    def run(self) -> None:
        try:
            result = self._work(self.progress.emit, self._cancel)
        except BaseException as exc:  # handed to the GUI thread, which decides what to show
            log.exception("background task failed")
            self.failed.emit(exc)
        else:
            self.succeeded.emit(result)
        finally:
            # End the thread's event loop from inside: ``wait()`` on the GUI thread then
            # returns without needing the GUI thread's event loop.
            QThread.currentThread().quit()


class BackgroundTask(QObject):
    """One piece of work on its own thread. Keep a reference until ``finished``."""

    progress = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(self, work: Work, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cancel_event = threading.Event()
        self._thread = QThread()
        self._worker = _Worker(work, self.cancel_event)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        # Queued to this object's (GUI) thread: the slots below run there.
        self._worker.progress.connect(self.progress)
        self._worker.succeeded.connect(self._done)
        self._worker.failed.connect(self._error)
        self._result: tuple[bool, object] | None = None
        self._started = False

    def start(self) -> None:
        self._started = True
        self._thread.start()

    def cancel(self) -> None:
        self.cancel_event.set()

    def is_running(self) -> bool:
        """Started and its outcome not yet delivered."""
        return self._result is None and self._started

    def result(self) -> tuple[bool, object] | None:
        """``(True, value)`` or ``(False, exception)`` once delivered."""
        return self._result

    def detach(self) -> None:
        """The window that started the work closes before it ended: let the work finish on
        its own (its outcome is dropped) instead of blocking the window or destroying a
        running thread."""
        if not self.is_running():
            return
        self.cancel_event.set()
        for signal in (self.progress, self.succeeded, self.failed):
            with warnings.catch_warnings(), contextlib.suppress(RuntimeError, TypeError):
                warnings.simplefilter("ignore", RuntimeWarning)  # a signal with no receiver
                signal.disconnect()
        self.setParent(None)
        _detached.add(self)
        self.finished.connect(lambda: _detached.discard(self))

    def wait(self, ms: int = 60_000) -> bool:
        """Block until the thread ended (closing a window while work still runs)."""
        return self._thread.wait(ms)

    def _done(self, result: object) -> None:
        self._result = (True, result)
        self._finish()
        self.succeeded.emit(result)
        self.finished.emit()

    def _error(self, exc: object) -> None:
        self._result = (False, exc)
        self._finish()
        self.failed.emit(exc)
        self.finished.emit()

    def _finish(self) -> None:
        self._thread.quit()
        self._thread.wait()
