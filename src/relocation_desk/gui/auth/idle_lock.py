"""The idle lock: after the project's ``idle_lock_minutes`` without a key or mouse press, every
window of the program is covered and an unlock dialog asks the signed-in operator's password.

Nothing is closed or reloaded: each window (the register, open household editors with unsaved
edits, other dialogs) only gets a cover laid over it, so its state is exactly as it was when
the operator signs in again. Only the same operator can unlock. Locking by hand (文件 → 锁定
窗口) does the same at once.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from ...i18n import _
from ...services.auth.service import AuthService
from ...services.households.service import OperatorRef
from .sign_in import SignInDialog

_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class LockCover(QWidget):
    """An opaque sheet over one window while the program is locked."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("lockCover")
        self.setAutoFillBackground(True)
        self.setStyleSheet("#lockCover { background: #37474f; } QLabel { color: white; }")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        label = QLabel(_("已锁定"), self)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = label.font()
        font.setPointSizeF(font.pointSizeF() * 2)
        label.setFont(font)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        window.installEventFilter(self)
        self.setGeometry(window.rect())
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parent() and event.type() == QEvent.Type.Resize:
            parent = self.parentWidget()
            if parent is not None:
                self.setGeometry(parent.rect())
                self.raise_()
        return False


class IdleLock(QObject):
    """Watches the application's input; locks after ``minutes`` without any (0: never)."""

    locked_changed = Signal(bool)

    def __init__(
        self,
        operator: Callable[[], OperatorRef | None],
        auth: Callable[[], AuthService | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._operator = operator
        self._auth = auth
        self.locked = False
        self.dialog: SignInDialog | None = None
        self.covers: list[LockCover] = []
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_minutes(self, minutes: int) -> None:
        self.set_interval_ms(minutes * 60_000)

    def set_interval_ms(self, ms: int) -> None:
        """Idle time before locking, in milliseconds (0 turns the lock off)."""
        self.timer.stop()
        self.timer.setInterval(ms)
        if ms > 0 and not self.locked:
            self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and not self.locked and self.timer.interval() > 0:
            self.timer.start()  # restarts the countdown
        return False

    def lock(self) -> None:
        """Cover every window and ask for the operator's password (no-op if nobody is signed
        in or the program is already locked)."""
        operator, auth = self._operator(), self._auth()
        if self.locked or operator is None or auth is None:
            return
        self.locked = True
        self.timer.stop()
        for w in QApplication.topLevelWidgets():
            if w.isVisible() and not isinstance(w, LockCover) and w.windowType() in (
                Qt.WindowType.Window, Qt.WindowType.Dialog
            ):  # fmt: skip
                self.covers.append(LockCover(w))
        dialog = SignInDialog(auth, locked_to=operator)
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._unlocked)
        self.dialog = dialog
        dialog.show()  # application-modal: the covered windows take no input meanwhile
        dialog.activateWindow()
        self.locked_changed.emit(True)

    def _unlocked(self) -> None:
        for cover in self.covers:
            try:
                cover.hide()
                cover.deleteLater()
            except RuntimeError:  # its window was deleted meanwhile
                pass
        self.covers = []
        self.dialog = None
        self.locked = False
        if self.timer.interval() > 0:
            self.timer.start()
        self.locked_changed.emit(False)
