"""How a long use case says how far it is, and learns that its user wants it stopped.

One small protocol for every long piece of work (posting a notice round, recompute-all, ledger
import and export, register exports, daily reports, printing batches), so the GUI shows one
kind of progress dialog and the CLI can ignore it:

- ``progress(done, total, label)`` after each unit of work (a household, a batch, a page);
  ``label`` names the step in Chinese (``_()``) and may stay empty.
- ``progress.check()`` between units: raises :class:`Cancelled` when the user pressed 取消.
  The use case lets it pass through its ``with session.begin()`` block, so the transaction is
  rolled back and nothing half-done is saved; a file being written is left under its
  temporary name and removed.
- ``progress.cannot_cancel(reason)`` before a step that must not be interrupted (the commit,
  moving a finished file onto its name): from then on ``check()`` no longer raises and the GUI
  greys its 取消 button with ``reason`` as the tooltip; ``progress.can_cancel()`` allows it
  again for a following step that may be stopped.

May use only the standard library and ``i18n``; every layer above may use it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from ..i18n import _

__all__ = ["Cancelled", "Progress", "ensure"]

Report = Callable[[int, int, str], None]
CancellableChanged = Callable[[str | None], None]  # None: may cancel; text: why not


class Cancelled(Exception):
    """The user stopped the work; nothing of it was saved (the message says what remains)."""

    def __init__(self, message: str = "") -> None:
        self.message = message or _("已取消，没有保存任何改动。")
        super().__init__(self.message)


def _ignore_report(done: int, total: int, label: str) -> None:
    return None


def _ignore_cancellable(reason: str | None) -> None:
    return None


class Progress:
    """What a use case is handed: call it with ``(done, total, label)``; ``check()`` between
    units. Safe to use from the worker thread; the callbacks are the caller's (the GUI turns
    them into queued signals)."""

    def __init__(
        self,
        report: Report | None = None,
        *,
        cancel: threading.Event | None = None,
        on_cancellable: CancellableChanged | None = None,
    ) -> None:
        self._report = report or _ignore_report
        self.cancel_event = cancel if cancel is not None else threading.Event()
        self._on_cancellable = on_cancellable or _ignore_cancellable
        self._locked: str | None = None  # why cancelling is not possible now

    def __call__(self, done: int, total: int, label: str = "") -> None:
        self._report(done, total, label)

    @property
    def should_cancel(self) -> bool:
        """The user asked to stop, and stopping is allowed now."""
        return self._locked is None and self.cancel_event.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` if the user asked to stop and stopping is allowed now."""
        if self.should_cancel:
            raise Cancelled()

    def cannot_cancel(self, reason: str) -> None:
        """From here on the work runs to its end (``check`` does not raise); ``reason`` is
        shown on the greyed 取消 button."""
        self._locked = reason
        self._on_cancellable(reason)

    def can_cancel(self) -> None:
        """The next step may be stopped again."""
        self._locked = None
        self._on_cancellable(None)

    def cancel(self) -> None:
        """Ask the work to stop at its next ``check``."""
        self.cancel_event.set()


def ensure(progress: Progress | None) -> Progress:
    """``progress`` or a silent one of its own (the CLI, tests and the demo pass none), so
    use cases need not test for ``None``."""
    return progress if progress is not None else Progress()
