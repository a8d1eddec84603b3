"""Typing text into widgets the way a keyboard and input method deliver it.

``qtbot.keyClicks`` maps each character to a key code, which goes wrong (or crashes Qt) for
Chinese text. A Chinese input method delivers committed text without a key code, so here each
character is one key press with key 0 and the character as the event's text. A character
beyond U+FFFF (Ext-B 𠮷) is ONE character: Python's ``str`` holds it as one code point and Qt
receives it as one event whose text is a surrogate pair, never as two halves.

When ``widget`` is an item view, the first character opens the cell's editor and the rest go
to whatever widget then has the focus (the editor), as with a real keyboard.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget


def _target(widget: QWidget) -> QWidget:
    if isinstance(widget, QAbstractItemView):
        focus = QApplication.focusWidget()
        if focus is not None and focus is not widget and widget.isAncestorOf(focus):
            return focus  # the cell editor the first key opened
    return widget


def type_text(qtbot: object, widget: QWidget, text: str) -> None:
    """Send ``text`` to ``widget`` one character (code point) per key event."""
    for ch in text:
        target = _target(widget)
        press = QKeyEvent(QEvent.Type.KeyPress, 0, Qt.KeyboardModifier.NoModifier, ch)
        release = QKeyEvent(QEvent.Type.KeyRelease, 0, Qt.KeyboardModifier.NoModifier, ch)
        QApplication.sendEvent(target, press)
        QApplication.sendEvent(_target(widget), release)
    QApplication.processEvents()


def press_key(
    widget: QWidget,
    key: Qt.Key,
    modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    """A named key (Tab, Enter, Esc …) to ``widget`` or, for an item view, its open editor."""
    target = _target(widget)
    text = {Qt.Key.Key_Return: "\r", Qt.Key.Key_Enter: "\r", Qt.Key.Key_Tab: "\t"}.get(key, "")
    QApplication.sendEvent(target, QKeyEvent(QEvent.Type.KeyPress, key, modifiers, text))
    QApplication.sendEvent(target, QKeyEvent(QEvent.Type.KeyRelease, key, modifiers, text))
    QApplication.processEvents()
