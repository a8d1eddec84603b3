"""Finding an item of a QComboBox by its data."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox


def index_of(combo: QComboBox, value: object) -> int:
    """The item whose data equals ``value`` (-1 if none). ``QComboBox.findData`` finds a
    Python object such as a UUID only when it is the very same object, not an equal one."""
    for i in range(combo.count()):
        if combo.itemData(i) == value:
            return i
    return -1
