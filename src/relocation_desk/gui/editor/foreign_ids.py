"""The household editor's warning that an ID number is registered by another team.

A team laptop holds only keyed hashes of the other teams' ID numbers (from HQ's packages,
``services.exchange.id_hashes``). The numbers already in the form are looked up when the
editor opens, and a typed one when the clerk leaves its cell; the warning shows at the cell
and in the problem list like any other (a warning: it does not stop the save — HQ decides
which team keeps the person).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QAbstractItemDelegate, QWidget

from ...domain import idnumber
from ...domain.household_form import HouseholdForm, Problem, Severity
from ...services.exchange.id_hashes import warnings_for
from ...storage.db import Database
from .tables import MembersTable

ID_LENGTH = 18


class ForeignIdWatch:
    """Looks ID numbers up once each and keeps the warnings for :meth:`problems`."""

    def __init__(self, db: Database, members: MembersTable, changed: Callable[[], None]) -> None:
        self._db = db
        self._members = members
        self._changed = changed
        self._warnings: dict[str, str] = {}
        self._checked: set[str] = set()
        self._id_col = members.column_of("id_number")
        members.currentCellChanged.connect(self._cell_left)
        members.itemDelegate().closeEditor.connect(self._editor_closed)

    def check_form(self, form: HouseholdForm) -> None:
        """Look up every number of the form not looked up yet (when the editor opens)."""
        self._look_up([p.id_number for p in form.persons])

    def problems(self, form: HouseholdForm) -> list[Problem]:
        out = []
        for i, person in enumerate(form.persons):
            warning = self._warnings.get(idnumber.normalize(person.id_number or ""))
            if warning:
                out.append(Problem(f"persons.{i}.id_number", warning, Severity.WARNING))
        return out

    def _cell_left(self, _row: int, _col: int, previous_row: int, previous_col: int) -> None:
        if previous_col == self._id_col and previous_row >= 0:
            self._check_row(previous_row)

    def _editor_closed(self, _editor: QWidget, _hint: QAbstractItemDelegate.EndEditHint) -> None:
        index = self._members.currentIndex()
        if index.isValid() and index.column() == self._id_col:
            self._check_row(index.row())

    def _check_row(self, row: int) -> None:
        item = self._members.item(row, self._id_col)
        if item is not None and self._look_up([item.text()]):
            self._changed()

    def _look_up(self, numbers: list[str]) -> bool:
        """Look up the complete numbers not seen yet; True when a warning was added."""
        new = {idnumber.normalize(n or "") for n in numbers} - self._checked
        new = {n for n in new if len(n) == ID_LENGTH}
        if not new:
            return False
        self._checked |= new
        found = warnings_for(self._db, sorted(new))
        self._warnings.update(found)
        return bool(found)
