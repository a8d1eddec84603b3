"""What feature packages may use of the two windows they plug into.

Feature packages (``gui/<feature>/feature.py``) add menu actions to the main window and buttons
to the household editor (see :mod:`.features`). They see those windows only through these
protocols, so no feature imports the main window or the editor module, and the windows import
the features without an import circle. :class:`.main_window.MainWindow` and
:class:`.editor.window.HouseholdEditor` implement them (both are also QWidgets: features use
them as the parent of their actions and dialogs).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu

    from ..services.households.register import Register
    from ..services.households.service import HouseholdService, OperatorRef
    from ..storage.db import Database

__all__ = ["FeatureEditor", "FeatureWindow"]


class FeatureWindow(Protocol):
    """The register window, as its feature modules see it."""

    db: Database | None
    operator: OperatorRef | None
    menus: dict[str, QMenu]  # file, household, calc, notice, agreement, report, exchange, settings
    register: Register | None
    filters: Any  # the filter bar: village, group, status, … pickers
    database_changed: SignalInstance  # the newly opened Database
    households_changed: SignalInstance  # ids of households changed

    def current_household(self) -> uuid.UUID | None: ...

    def open_household(self, household_id: uuid.UUID | None) -> None: ...

    def refresh_households(self, household_ids: list[uuid.UUID]) -> None: ...

    def set_database(self, db: Database) -> None: ...

    def open_path(self, path: Path, operator: OperatorRef | None = None) -> bool: ...


class FeatureEditor(Protocol):
    """The household editor, as the feature buttons see it."""

    household_id: uuid.UUID | None  # None while a new household is not yet saved
    service: HouseholdService
    action_bar: QHBoxLayout  # the row with the heading, where feature buttons go
    heading: QLabel
    saved: SignalInstance

    def is_modified(self) -> bool: ...

    def reload(self) -> None: ...
