"""What the feature buttons of the household editor share: a button next to the heading that
works on the stored household, and opening a feature's dialog for it.

Feature dialogs act on what is stored, so with unsaved edits the user is asked to save first;
after the dialog changed the household (signing, a payment, a new calculation) the editor
shows the stored state again, unless the user has started editing meanwhile.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QPushButton

from ...i18n import _
from .. import dialogs

if TYPE_CHECKING:
    from ...services.households.service import OperatorRef
    from ...storage.db import Database
    from ..hosts import FeatureEditor

D = TypeVar("D", bound=QDialog)


def add_editor_button(
    editor: FeatureEditor, text: str, tip: str, name: str, on_click: Callable[[], object]
) -> QPushButton:
    """A button in the editor's action bar, enabled once the household is stored."""
    button = QPushButton(text, editor)
    button.setObjectName(name)
    button.setToolTip(tip)
    button.setAutoDefault(False)  # Enter never presses a button in the editor
    button.setEnabled(editor.household_id is not None)
    editor.saved.connect(lambda _hid: button.setEnabled(editor.household_id is not None))
    button.clicked.connect(on_click)
    editor.action_bar.addWidget(button)
    return button


def open_for_editor(
    editor: FeatureEditor,
    make: Callable[[Database, OperatorRef | None, uuid.UUID], D],
    unsaved: str,
) -> D | None:
    """Open ``make(db, operator, household_id)`` (a dialog with a ``changed`` signal) for the
    editor's household; ``unsaved`` tells why it must be saved first."""
    household_id = editor.household_id
    if household_id is None:
        return None
    if editor.is_modified():
        dialogs.show_info(editor, _("请先保存"), unsaved)
        return None
    service = editor.service
    dialog = make(service.db, service.operator, household_id)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def changed(_hid: object) -> None:
        if not editor.is_modified():
            editor.reload()  # shows the new status; emits saved, so the register follows

    dialog.changed.connect(changed)  # type: ignore[attr-defined]
    dialog.show()
    return dialog
