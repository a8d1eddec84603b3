"""A word-wrapped label that always gets the height its wrapped text needs.

Qt gives a wrapped ``QLabel`` inside a nested layout of a form row (label and button side by
side) the height of the row's tallest other widget, not the height of its wrapped lines, so
a second line is cut at the bottom. ``WrappedLine`` asks for that height itself, for the
width it has. ``unbroken`` keeps a piece of text (an amount with its unit, a file name) on
one line of a wrapped label. Any feature's window may use them; they use nothing of the
program.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

NO_BREAK = "\u2060"  # WORD JOINER: no line break here, and no width


def unbroken(text: str) -> str:
    """``text`` as one piece a wrapped line never parts (``131.5 万元`` never leaves ``元``
    on the next line; ``村组模板.xlsx`` stays whole)."""
    return NO_BREAK.join(text.replace(" ", "\u00a0"))


class WrappedLine(QLabel):
    """A ``QLabel`` with word wrap that asks for the height of its text wrapped at its width."""

    def __init__(self, parent: QWidget | None = None, text: str = "") -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def _height(self, hint: QSize) -> QSize:
        if self.width() > 1 and self.text():
            hint.setHeight(max(self.heightForWidth(self.width()), 1))
        return hint

    def sizeHint(self) -> QSize:
        return self._height(super().sizeHint())

    def minimumSizeHint(self) -> QSize:
        return self._height(super().minimumSizeHint())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # another width, another number of lines
