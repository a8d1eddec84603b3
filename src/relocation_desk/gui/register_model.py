"""The household register as a lazy Qt table model.

Holds only the keys of the households to show, in order; the rows themselves are fetched from
the register service a page at a time when the view first paints them, and a bounded number
are kept. Filtering and sorting are done by the service's in-memory index, never by a
QSortFilterProxyModel (seconds per keystroke at 100,000 rows, FINDINGS.md).
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ..domain.money import format_fen
from ..domain.units import format_area
from ..i18n import _
from ..services.clock import project_zone
from ..services.households.register import HouseholdRow, QuickFilter, Register
from ..services.households.register_index import SORT_KEYS

PAGE = 60  # two screens of rows: one fetch fills the view, and stays within ~5 ms
MAX_CACHED_ROWS = 20_000

# Looked up once: enum attribute access costs as much as the rest of data() (FINDINGS.md).
DISPLAY = Qt.ItemDataRole.DisplayRole
ALIGN = Qt.ItemDataRole.TextAlignmentRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
HORIZONTAL = Qt.Orientation.Horizontal
DESCENDING = Qt.SortOrder.DescendingOrder

Index = QModelIndex | QPersistentModelIndex
Column = tuple[str, Callable[[HouseholdRow], str], bool]


def _columns(full_ids: bool, zone: tzinfo) -> tuple[Column, ...]:
    """(header, text of a row, right-aligned) for each column, in SORT_KEYS order."""
    id_text: Callable[[HouseholdRow], str] = (
        (lambda r: r.head_id_number) if full_ids else (lambda r: r.masked_id_number)
    )
    return (
        (_("户编号"), lambda r: r.code, False),
        (_("户主"), lambda r: r.head_name, False),
        (_("户主身份证号"), id_text, False),
        (_("村"), lambda r: r.village, False),
        (_("村民小组"), lambda r: r.group, False),
        (_("人口"), lambda r: str(r.member_count), True),
        (_("合法面积(㎡)"), lambda r: format_area(r.legal_area_dm2), True),
        (_("无证面积(㎡)"), lambda r: format_area(r.unlicensed_area_dm2), True),
        (_("补偿金额(元)"), lambda r: "" if r.total_fen is None else format_fen(r.total_fen), True),
        (_("状态"), lambda r: r.status_label, False),
        (_("责任人"), lambda r: r.responsible, False),
        (_("最后修改"), lambda r: _local_minute(r.updated_at, zone), False),
    )


def _local_minute(moment: datetime, zone: tzinfo) -> str:
    # Not strftime: CPython's strftime imports the time module on every call, which
    # PySide's import hook makes expensive (measured: most of a page fetch's cost).
    t = moment.astimezone(zone)
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d} {t.hour:02d}:{t.minute:02d}"


class RegisterModel(QAbstractTableModel):
    def __init__(
        self,
        register: Register,
        parent: object | None = None,
        *,
        full_ids: bool = False,
        zone: tzinfo | None = None,
    ) -> None:
        """``zone``: the project's time zone, for the times shown (None: the default)."""
        super().__init__(parent)  # type: ignore[arg-type]
        self._register = register
        self._columns = _columns(full_ids, project_zone(zone))
        assert len(self._columns) == len(SORT_KEYS)
        self.filter_text = ""
        self.quick = QuickFilter()
        self.sort_key = "code"
        self.descending = False
        # What is shown: row numbers of the register's index, in display order.
        self._shown: list[int] = list(range(register.total()))
        # key → (row, its cell texts): formatting is done once per fetch, not per paint.
        self._rows: OrderedDict[str, tuple[HouseholdRow, tuple[str, ...]] | None] = OrderedDict()
        self.pages_fetched = 0

    # --- Qt model API -----------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> object:
        if role == DISPLAY and orientation == HORIZONTAL and 0 <= section < len(self._columns):
            return self._columns[section][0]
        if role == DISPLAY and orientation != HORIZONTAL:
            return str(section + 1)
        return None

    def data(self, index: Index, role: int = DISPLAY) -> object:
        if role in (DISPLAY, TOOLTIP):
            entry = self._entry(index.row())
            return None if entry is None else entry[1][index.column()]
        if role == ALIGN:
            return RIGHT if self._columns[index.column()][2] else None
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # QTableView.sortByColumn asks twice (directly and through the header): sort once.
        if 0 <= column < len(SORT_KEYS):
            key, descending = SORT_KEYS[column], order == DESCENDING
            if (key, descending) != (self.sort_key, self.descending):
                self.sort_key, self.descending = key, descending
                self._reselect()

    # --- our API ----------------------------------------------------------------------
    def set_filter(self, text: str | None = None, quick: QuickFilter | None = None) -> None:
        if text is not None:
            self.filter_text = text
        if quick is not None:
            self.quick = quick
        self._reselect()

    def total(self) -> int:
        return self._register.total()

    def key(self, row: int) -> str:
        return self._register.key(self._shown[row])

    def household_id(self, row: int) -> uuid.UUID:
        return uuid.UUID(hex=self.key(row))

    def row_of(self, household_id: uuid.UUID) -> int:
        """The display row of a household, or -1 when it is filtered out."""
        n = self._register.index.position(household_id.hex)
        if n is None:
            return -1
        try:
            return self._shown.index(n)  # C-level scan: fine at 100,000 rows
        except ValueError:
            return -1

    def row_at(self, row: int) -> HouseholdRow | None:
        entry = self._entry(row)
        return None if entry is None else entry[0]

    def _entry(self, row: int) -> tuple[HouseholdRow, tuple[str, ...]] | None:
        if not 0 <= row < len(self._shown):
            return None
        key = self.key(row)
        if key not in self._rows:
            self._fetch_page(row)
        return self._rows.get(key)

    def refresh_households(self, household_ids: Sequence[uuid.UUID]) -> None:
        """After an edit: re-read those households and re-apply the current filter and sort."""
        self._register.refresh(household_ids)
        for hid in household_ids:
            self._rows.pop(hid.hex, None)
        self._reselect()

    def _reselect(self) -> None:
        self.beginResetModel()
        self._shown = self._register.select(
            self.filter_text, self.quick, self.sort_key, self.descending
        )
        self.endResetModel()

    def _fetch_page(self, row: int) -> None:
        start = row - row % PAGE
        keys = [self.key(r) for r in range(start, min(start + PAGE, len(self._shown)))]
        wanted = [k for k in keys if k not in self._rows]
        columns = self._columns
        found = {
            r.id.hex: (r, tuple(text_of(r) for _h, text_of, _a in columns))
            for r in self._register.rows(wanted)
        }
        for k in wanted:
            self._rows[k] = found.get(k)  # None: deleted meanwhile
        while len(self._rows) > MAX_CACHED_ROWS:
            self._rows.popitem(last=False)
        self.pages_fetched += 1
