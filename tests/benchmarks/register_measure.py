"""Measurements of the register window, shared by the pytest benchmarks and bench_register.py.

Every figure is wall time from the user's action (a key press, a header click) until the table
has repainted with the new rows, in the same process as a QSortFilterProxyModel baseline over
the same data (FINDINGS.md: the naive approach costs seconds per keystroke).
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QTableView

DISPLAY = Qt.ItemDataRole.DisplayRole


def sample_queries(db_path: Path, seed: int = 7) -> dict[str, str]:
    """One realistic query of every filter kind, taken from the data itself."""
    from relocation_desk.domain.names import search_keys

    rng = random.Random(seed)
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute(
            "select code, head_name, head_id_number from household where head_id_number != ''"
        ).fetchall()
        phones = [
            r[0] for r in conn.execute("select phone from person where phone like '1%' limit 500")
        ]
    code, name, id_number = rows[rng.randrange(len(rows))]
    initials, full = search_keys(name)
    return {
        "first letter into an empty box": "w",
        "name (2 characters)": name[:2],
        "pinyin initials": initials,
        "full pinyin": full,
        "ID number fragment": id_number[6:14],
        "household code": code[:6],
        "phone": rng.choice(phones)[:7],
    }


def time_keystroke(window: Any, query: str) -> float:
    """Seconds from the last key of ``query`` to the repainted table."""
    edit = window.filters.text
    edit.setText(query[:-1])
    QApplication.processEvents()
    ch = query[-1]
    start = time.perf_counter()
    # One key event carrying the character, as an input method delivers it (CJK too).
    QApplication.sendEvent(
        edit, QKeyEvent(QEvent.Type.KeyPress, 0, Qt.KeyboardModifier.NoModifier, ch)
    )
    QApplication.sendEvent(
        edit, QKeyEvent(QEvent.Type.KeyRelease, 0, Qt.KeyboardModifier.NoModifier, ch)
    )
    window.table.viewport().repaint()
    return time.perf_counter() - start


def time_sort(window: Any, column: int, order: Qt.SortOrder) -> float:
    start = time.perf_counter()
    window.table.sortByColumn(column, order)
    window.table.viewport().repaint()
    return time.perf_counter() - start


def page_fetch_times(window: Any, pages: int = 60, seed: int = 3) -> list[float]:
    """Seconds to fetch one page of rows at random places, as scrolling does."""
    from relocation_desk.gui.register_model import PAGE

    model = window.model
    rng = random.Random(seed)
    times = []
    for _ in range(pages):
        row = rng.randrange(model.rowCount())
        model._rows.clear()  # a cold page, as when scrolling far
        start = time.perf_counter()
        model.row_at(row - row % PAGE)
        times.append(time.perf_counter() - start)
    return times


class NaiveModel(QAbstractTableModel):
    """The baseline: every row's text in memory, filtered by a QSortFilterProxyModel."""

    def __init__(self, rows: list[tuple[str, ...]]) -> None:
        super().__init__()
        self.rows = rows

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def data(self, index: QModelIndex, role: int = DISPLAY) -> object:
        if role == DISPLAY:
            return self.rows[index.row()][index.column()]
        return None


def proxy_baseline(db_path: Path, queries: list[str]) -> dict[str, float]:
    """Seconds per keystroke for a QSortFilterProxyModel over the same households."""
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute(
            "select code, head_name, head_id_number, search_text from household order by code"
        ).fetchall()
    model = NaiveModel(rows)
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setFilterKeyColumn(3)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    view = QTableView()
    view.setModel(proxy)
    view.resize(1200, 700)
    view.show()
    out = {}
    for q in queries:
        proxy.setFilterFixedString(q[:-1])
        QApplication.processEvents()
        start = time.perf_counter()
        proxy.setFilterFixedString(q)
        view.viewport().repaint()
        out[q] = time.perf_counter() - start
    view.close()
    return out


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000
