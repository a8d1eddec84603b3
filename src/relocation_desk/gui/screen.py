"""Window sizes that fit the screen they open on, and a label that gives way when they do not.

The smallest screens the program runs on are 1366×768 laptops: after the taskbar and the
window's title bar, a window has about 1366×696 pixels. Windows ask for the size they would
like and :func:`fit_to_screen` keeps it within the screen's free area.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

TITLE_BAR = 32  # the window frame's title bar, which availableGeometry does not subtract
LAPTOP_CLIENT = QSize(1366, 768 - 40 - TITLE_BAR)  # a 1366×768 screen less taskbar and title


def free_area(widget: QWidget) -> QSize:
    """The room a window of ``widget`` can have on its screen, title bar taken off."""
    screen = widget.screen()
    if screen is None:
        return LAPTOP_CLIENT
    available = screen.availableGeometry().size()
    return QSize(available.width(), available.height() - TITLE_BAR)


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Resize a window to ``width``×``height``, or less where its screen has less room."""
    room = free_area(widget)
    widget.resize(min(width, room.width()), min(height, room.height()))


class GivingLabel(QLabel):
    """A label that gives way when its window is narrow: it shows as much of its text as fits,
    cut in the middle (``/home/…/项目.sqlite``), and the whole text in its tooltip. For a long
    file path in a status bar, so the short facts next to it stay whole."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(self.fontMetrics().horizontalAdvance(self._full) + 8, hint.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(
            self.fontMetrics().horizontalAdvance("…") * 8, super().minimumSizeHint().height()
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        room = self.contentsRect().width()
        text = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideMiddle, room)
        if text != self.text():
            self.setText(text)
