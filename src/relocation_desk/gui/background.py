"""Run one slow call (reading a workbook, an import, a report) off the GUI thread.

``run_busy`` keeps the window painting and answering while ``fn`` runs on a worker thread,
shows a busy dialog if the call takes longer than a moment, and returns ``fn``'s result (or
raises its exception) in the caller's thread, so dialog code stays a straight line. ``fn`` must
not touch widgets; it opens its own database sessions (a Database's engine is thread-safe).
For long work with a progress bar and 取消 see ``gui.progress_dialog.run_with_progress``.

While the worker runs, Python's cyclic garbage collector is paused (``services.gc_pause``): a
collection triggered by the worker's allocations would run on the worker thread and could free
Qt objects' wrappers there, which crashes Qt (seen: a segmentation fault while a join package
was read on a worker). Both threads' cycles are collected once the pause ends, on this thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QEventLoop, Qt, QThread
from PySide6.QtWidgets import QProgressDialog, QWidget

from ..services.gc_pause import gc_paused

T = TypeVar("T")

SHOW_AFTER_MS = 400


class _Worker(QThread):
    def __init__(self, fn: Callable[[], object]) -> None:
        super().__init__()
        self._fn = fn
        self.result: object = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self._fn()
        except BaseException as exc:  # handed to the caller's thread
            self.error = exc


def run_busy(parent: QWidget | None, text: str, fn: Callable[[], T]) -> T:
    """Call ``fn()`` on a worker thread; meanwhile ``parent`` is disabled and, after
    ``SHOW_AFTER_MS``, a busy dialog says ``text``."""
    worker = _Worker(fn)
    loop = QEventLoop()
    worker.finished.connect(loop.quit)
    busy = QProgressDialog(text, "", 0, 0, parent)
    busy.setCancelButton(None)  # type: ignore[arg-type]  # PySide6 accepts None: no button
    busy.setWindowModality(Qt.WindowModality.WindowModal)
    busy.setMinimumDuration(SHOW_AFTER_MS)
    busy.setAutoClose(False)
    if parent is not None:
        parent.setEnabled(False)
    try:
        with gc_paused():
            worker.start()
            if not worker.isFinished():
                loop.exec()
            worker.wait()
    finally:
        busy.close()
        busy.deleteLater()
        if parent is not None:
            parent.setEnabled(True)
    if worker.error is not None:
        raise worker.error
    return worker.result  # type: ignore[return-value]
