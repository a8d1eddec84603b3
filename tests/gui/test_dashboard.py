"""The progress dashboard on a copy of the demo project, driven through its real widgets."""

from __future__ import annotations

import shutil
import threading
import uuid
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

pytestmark = pytest.mark.gui

DAY = date(2026, 11, 23)  # the demo's "today"


@pytest.fixture
def db(tmp_path: Path, demo_db_path: Path):
    from relocation_desk.storage.db import open_database

    target = tmp_path / "d.sqlite"
    shutil.copy(demo_db_path, target)
    database = open_database(target)
    yield database
    database.close()


@pytest.fixture
def member(db):
    from relocation_desk.services.households.service import operators

    return next(o for o in operators(db) if o.role == "member" and o.team_id is not None)


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Each read of the facts by the dashboard (the scope it asked for)."""
    from relocation_desk.services.progress import service as progress

    calls: list[object] = []
    real = progress.load_facts

    def counting(db, **kwargs):
        if threading.current_thread().name == "dashboard":  # not the test's own checks
            calls.append(kwargs.get("team_id"))
        return real(db, **kwargs)

    monkeypatch.setattr(progress, "load_facts", counting)
    real_refresh = progress.refresh_facts

    def refreshing(db, facts, household_ids=frozenset()):
        if threading.current_thread().name == "dashboard":
            calls.append(("refresh", frozenset(household_ids)))
        return real_refresh(db, facts, household_ids)

    monkeypatch.setattr(progress, "refresh_facts", refreshing)
    return calls


def _dashboard(qtbot, db, operator, opened: list | None = None):
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.dashboard.window import Dashboard

    make_app()
    dash = Dashboard(
        db,
        operator,
        opened.append if opened is not None else None,
        project_name="演示项目",
        today=DAY,
    )
    qtbot.addWidget(dash)
    with qtbot.waitSignal(dash.refreshed, timeout=30_000):
        dash.show()
    return dash


def _tile(dash, key: str) -> tuple[str, str, str, str]:
    t = dash.tiles[key]
    return t.value.text(), t.pct.text(), t.today.text(), t.detail.text()


def test_tiles_show_the_services_figures(qtbot, db, member, loads) -> None:
    from relocation_desk.services.progress import service as progress

    dash = _dashboard(qtbot, db, member)
    assert dash.team_id == member.team_id  # a team member sees the team first
    assert dash.team.currentData() == member.team_id
    assert loads == [None]  # one read of the whole project's facts
    f = progress.today_figures(db, DAY, team_id=member.team_id)
    assert f.households > 0 and f.signed > 0
    value, pct, today, detail = _tile(dash, "signed")
    assert value == f"{f.signed:,}"
    assert pct == f"{f.signed_pct:.1f}%"
    assert today == f"今日 +{f.signed_today:,}"
    assert f"目标 {f.target:,} · 金额 " in detail
    assert _tile(dash, "households")[0] == f"{f.households:,}"
    assert _tile(dash, "paid")[0] == f"{f.paid:,}"
    assert _tile(dash, "paid")[2] == f"今日 +{f.paid_today:,}"
    assert _tile(dash, "vacated")[0] == f"{f.vacated:,}"
    assert _tile(dash, "cadre")[0] == f"{f.cadre_signed:,}"
    assert dash.tiles["cadre"].unit.text() == f"/ {f.cadre_total:,} 户"
    assert _tile(dash, "overdue")[0] == f"{f.overdue:,}"
    assert f"异议待处理 {f.objections_open:,}" in _tile(dash, "overdue")[3]

    # The trend chart draws the service's trend (from the day before the first signing).
    points = progress.trend(db, team_id=member.team_id, end=DAY)
    chart = dash.trend_chart
    assert chart.days[-1] == DAY
    assert [s.values[-1] for s in chart.series] == [
        points[-1].signed,
        points[-1].paid,
        points[-1].vacated,
    ]
    assert chart.series[0].values[0] == 0 and chart.series[0].values[1] > 0
    by_day = {p.day: p for p in points}
    assert all(
        by_day[d].signed == v for d, v in zip(chart.days, chart.series[0].values, strict=True)
    )

    # The whole project: the same tiles from the project's figures, without reading again.
    dash.set_team(None)
    qtbot.waitUntil(lambda: dash.data is not None and dash.data.query.team_id is None)
    whole = progress.today_figures(db, DAY)
    assert _tile(dash, "signed")[0] == f"{whole.signed:,}"
    assert _tile(dash, "households")[0] == f"{whole.households:,}"
    assert loads == [None]


def test_another_date_recounts_the_kept_facts(qtbot, db, member, loads) -> None:
    from PySide6.QtCore import QDate

    from relocation_desk.services.progress import service as progress

    dash = _dashboard(qtbot, db, member)
    earlier = date(2026, 11, 16)
    with qtbot.waitSignal(dash.refreshed, timeout=30_000):
        dash.date_edit.setDate(QDate(earlier.year, earlier.month, earlier.day))
    f = progress.today_figures(db, earlier, team_id=member.team_id)
    assert _tile(dash, "signed")[0] == f"{f.signed:,}"
    assert _tile(dash, "signed")[2] == f"当日 +{f.signed_today:,}"  # not today: "当日"
    assert dash.trend_chart.days[-1] == earlier
    assert loads == [None]
    with qtbot.waitSignal(dash.refreshed, timeout=30_000):
        qtbot.mouseClick(dash.refresh_button, Qt.MouseButton.LeftButton)
    assert loads == [None, None]  # the button reads the database again


def test_double_click_or_enter_on_an_overdue_row_opens_the_household(qtbot, db, member) -> None:
    from relocation_desk.services.progress import service as progress

    opened: list = []
    dash = _dashboard(qtbot, db, member, opened)
    expected = progress.overdue(db, DAY, team_id=member.team_id)
    assert len(expected) >= 2, "the demo should have overdue households"
    table = dash.overdue_table
    assert table.model().rowCount() == len(expected)
    assert table.model().index(0, 0).data() == expected[0].code
    assert dash.overdue_panel.title.text() == f"逾期农户 · {len(expected):,} 户"
    rect = table.visualRect(table.model().index(1, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    ids = [uuid.UUID(str(c.household_id)) for c in expected[:2]]
    assert opened == [ids[1]]
    table.setFocus()
    table.selectRow(0)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert opened == [ids[1], ids[0]]


def test_team_filter_moves_the_ranking_highlight(qtbot, db, member) -> None:
    from relocation_desk.services.progress import service as progress

    dash = _dashboard(qtbot, db, member)
    ranking = progress.team_ranking(db, DAY)
    chart = dash.ranking
    assert [r.key for r in chart.rows] == [r.team_id for r in ranking]
    assert [r.label for r in chart.rows] == [r.team for r in ranking]
    assert chart.highlight == member.team_id
    other = next(r for r in ranking if r.team_id != member.team_id)
    index = next(i for i in range(dash.team.count()) if dash.team.itemData(i) == other.team_id)
    with qtbot.waitSignal(dash.refreshed, timeout=30_000):
        dash.team.setCurrentIndex(index)
    assert chart.highlight == other.team_id
    assert chart.rows[chart.highlighted_row()].label == other.team
    f = progress.today_figures(db, DAY, team_id=other.team_id)
    assert _tile(dash, "signed")[0] == f"{f.signed:,}"
    assert other.team in dash.scope.text()
    # All teams: the operator's own team is marked again.
    with qtbot.waitSignal(dash.refreshed, timeout=30_000):
        dash.team.setCurrentIndex(0)
    assert chart.highlight == member.team_id


def test_without_an_operator_everything_and_everyones_due_cases(qtbot, db) -> None:
    from relocation_desk.services.progress import service as progress

    dash = _dashboard(qtbot, db, None)
    assert dash.team_id is None and dash.ranking.highlight is None
    due = progress.due_soon(db, DAY, days=7)
    assert dash.due_table.model().rowCount() == len(due)
    assert dash.due_panel.title.text() == f"7 天内到期的农户 · {len(due):,} 户"
    assert _tile(dash, "households")[0] == f"{progress.today_figures(db, DAY).households:,}"


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen: no window stacking
def test_menu_opens_the_dashboard_and_it_follows_changes(qtbot, db, member, loads) -> None:
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.dashboard.feature import dashboard_of
    from relocation_desk.gui.main_window import MainWindow

    make_app()
    window = MainWindow(db, member)
    qtbot.addWidget(window)
    window.show()
    action = next(
        a for a in window.menus["report"].actions() if a.objectName() == "dashboardAction"
    )
    assert action.shortcut().toString() == "F9"
    assert window.menus["report"].menuAction().isVisible()
    with qtbot.waitSignal(window.households_changed) as changed:
        window.refresh_households([])  # before the dashboard exists: nothing to do
    assert changed.args == [[]]
    assert dashboard_of(window) is None
    action.trigger()
    dash = dashboard_of(window)
    assert dash is not None and dash.isVisible()
    qtbot.waitUntil(lambda: dash.data is not None, timeout=30_000)
    assert loads == [None]
    action.trigger()  # again: the same window, raised
    assert dashboard_of(window) is dash
    # A household changed in the main window: the dashboard brings its facts up to date,
    # re-reading that household (and what the audit log shows changed), not all of them.
    household = dash.overdue_table.cases.household_id(0)
    assert isinstance(household, uuid.UUID)
    with qtbot.waitSignal(dash.refreshed, timeout=30_000):
        window.refresh_households([household])
    assert loads == [None, ("refresh", frozenset({household}))]
    # Opening a household from the dashboard opens the main window's editor.
    table = dash.overdue_table
    table.setFocus()
    table.selectRow(0)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert window.editor is not None
    assert window.editor.household_id == household
    window.editor.close()
    dash.activateWindow()
    dash.setFocus()
    qtbot.keyClick(dash, Qt.Key.Key_Escape)
    assert not dash.isVisible()


def test_requests_made_while_counting_merge_into_one(qtbot, db, loads, monkeypatch) -> None:
    from relocation_desk.gui.dashboard import loader as dashboard_loader
    from relocation_desk.gui.dashboard.loader import DashboardLoader, Query

    real = dashboard_loader.compute
    gate = threading.Event()
    asked: list = []

    def slow_first(db, query, facts, counted=None):
        asked.append(query)
        if len(asked) == 1:
            gate.wait(10)
        return real(db, query, facts, counted)

    monkeypatch.setattr(dashboard_loader, "compute", slow_first)
    loader = DashboardLoader(db)
    loaded: list = []
    loader.loaded.connect(loaded.append)
    loader.request(Query(DAY, None, None))
    assert loader.busy
    loader.request(Query(date(2026, 11, 20), None, None, reload=True))
    loader.request(Query(date(2026, 11, 21), None, None))  # the newest wish, keeping the reload
    gate.set()
    qtbot.waitUntil(lambda: not loader.busy and bool(loaded), timeout=30_000)
    assert [q.day for q in asked] == [DAY, date(2026, 11, 21)]
    assert [d.query.day for d in loaded] == [date(2026, 11, 21)]  # the outdated one is dropped
    assert loads == [None, None]  # and the database was read again
    # Another team on the same day re-uses the day's tally; another day counts again.
    loader.request(Query(date(2026, 11, 21), loaded[0].teams[0][0], None))
    qtbot.waitUntil(lambda: len(loaded) == 2, timeout=30_000)
    assert loaded[1].counted is loaded[0].counted
    assert loads == [None, None]


def test_a_failed_refresh_is_shown(qtbot, db, member, monkeypatch) -> None:
    from relocation_desk.gui.dashboard import loader as dashboard_loader

    def broken(*args, **kwargs):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(dashboard_loader, "compute", broken)
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.dashboard.window import Dashboard

    make_app()
    dash = Dashboard(db, member, None, today=DAY)
    qtbot.addWidget(dash)
    with qtbot.waitSignal(dash.loader.failed, timeout=30_000):
        dash.show()
    assert dash.status.text() == "更新失败：磁盘已满"
    assert dash.data is None
