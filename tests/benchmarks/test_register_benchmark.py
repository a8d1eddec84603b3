"""The register window at scale: filter keystrokes, sorting, page fetches, opening a household.

pytest-benchmark records the times (``--benchmark-enable``); nothing here asserts on time.
The proxy-model baseline is measured in the same run so the ratio is like for like.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.benchmarks import register_measure as rm
from tests.operators import operator_with_role

pytestmark = [pytest.mark.slow, pytest.mark.gui]


@pytest.fixture(scope="module")
def window(bench_db_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.main_window import MainWindow
    from relocation_desk.storage.db import open_database

    target = tmp_path_factory.mktemp("register") / "bench.sqlite"
    shutil.copy(bench_db_path, target)
    make_app()
    db = open_database(target)
    # HQ sees every team's households in full, so every kind of query has rows to find.
    w = MainWindow(db, operator_with_role(db, "hq"))
    w.show()
    yield w
    w.close()


@pytest.mark.parametrize(
    "kind",
    [
        "first letter into an empty box",
        "name (2 characters)",
        "pinyin initials",
        "full pinyin",
        "ID number fragment",
        "household code",
        "phone",
    ],
)
def test_filter_keystroke(benchmark: Any, window: Any, bench_db_path: Path, kind: str) -> None:
    query = rm.sample_queries(bench_db_path)[kind]
    benchmark.pedantic(rm.time_keystroke, args=(window, query), rounds=5, iterations=1)
    assert window.filters.text.text() == query
    assert window.model.rowCount() >= 1
    window.filters.text.clear()


def test_filter_baseline_proxy_model(benchmark: Any, bench_db_path: Path) -> None:
    queries = rm.sample_queries(bench_db_path)
    q = queries["pinyin initials"]
    result = benchmark.pedantic(
        rm.proxy_baseline, args=(bench_db_path, [q]), rounds=1, iterations=1
    )
    assert q in result


@pytest.mark.parametrize("column", range(12))
def test_sort_column(benchmark: Any, window: Any, column: int) -> None:
    benchmark.pedantic(
        rm.time_sort, args=(window, column, Qt.SortOrder.AscendingOrder), rounds=1, iterations=1
    )
    model = window.model
    assert model.sort_key and model.rowCount() == model.total()


def test_page_fetch(benchmark: Any, window: Any) -> None:
    times = benchmark.pedantic(rm.page_fetch_times, args=(window, 20), rounds=1, iterations=1)
    assert len(times) == 20


def test_open_household_editor(benchmark: Any, window: Any, monkeypatch: Any) -> None:
    """Enter on a row until the editor is built and filled (target ≤ 100 ms)."""
    from relocation_desk.gui import dialogs

    monkeypatch.setattr(dialogs, "ask_restore_draft", lambda *a, **k: False)
    window.table.selectRow(window.model.rowCount() // 2)

    def open_and_close() -> None:
        window.open_current()
        window.editor.close()

    window.open_current()  # the first open reads the choice lists once per database
    window.editor.close()
    benchmark.pedantic(open_and_close, rounds=5, iterations=1)
    # What was timed opened the selected household, filled in.
    household_id = window.current_household()
    window.open_current()
    editor = window.editor
    assert household_id is not None and editor.household_id == household_id
    code = window.model.index(window.table.currentIndex().row(), 0).data()
    assert code and editor.heading.text().startswith(code)
    editor.close()
