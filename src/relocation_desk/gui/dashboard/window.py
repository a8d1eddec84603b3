"""The progress dashboard (进度看板): today's figures, the trend of signed / paid / vacated,
the team ranking, the operator's households due soon and the overdue list.

Everything is counted by ``services.progress`` from the dated facts of the whole project, on a
background thread (``gui.dashboard_loader``): the window never waits for it. Changing the date
or the team re-counts the kept facts; a change to households (``households_changed``, after a
short pause that grows with the time a read takes) and, while shown, every five minutes bring
them up to date (re-reading the households that changed); another database, the refresh
button and F5 read them all again.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QFont, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ...i18n import _
from ...services.clock import project_now, project_today
from ...services.households.service import OperatorRef
from ...services.progress.service import TeamRank, TrendPoint
from ...storage.db import Database
from ..combos import index_of
from ..screen import fit_to_screen
from . import chart_scale as cs
from . import charts
from .loader import DUE_DAYS, DashboardData, DashboardLoader, Query
from .widgets import STYLE, CaseTable, Panel, Tile, yuan_text

log = logging.getLogger(__name__)

AUTO_REFRESH_MS = 5 * 60 * 1000  # while shown: other laptops' imports, HQ's merges
CHANGE_DELAY_MS = 400  # coalesces a burst of refresh_households calls


class Dashboard(QWidget):
    """The dashboard window. ``open_household(id)`` is called for a double-clicked case."""

    refreshed = Signal()  # after new figures are shown
    DEFAULT_SIZE = (1366, 696)  # a 1366×768 laptop less its taskbar and title bar

    def __init__(
        self,
        db: Database,
        operator: OperatorRef | None,
        open_household: Callable[[uuid.UUID], None] | None = None,
        parent: QWidget | None = None,
        *,
        project_name: str = "",
        today: date | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("dashboard")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(STYLE)
        self.operator = operator
        self.open_household = open_household
        self.project_name = project_name
        self.data: DashboardData | None = None
        self.loader = DashboardLoader(db, self)
        self.loader.loaded.connect(self._show_data)
        self.loader.failed.connect(self._show_error)
        self._team_id: uuid.UUID | None = operator.team_id if operator is not None else None
        self._today = today
        self._changed = QTimer(self)
        self._changed.setSingleShot(True)
        self._changed.setInterval(CHANGE_DELAY_MS)
        self._changed.timeout.connect(lambda: self.refresh(check=True))
        self._changed_ids: set[uuid.UUID] = set()  # changed households not yet read again
        self._auto = QTimer(self)
        self._auto.setInterval(AUTO_REFRESH_MS)
        self._auto.timeout.connect(lambda: self.refresh(check=True))
        self._stale = True  # a change arrived while hidden
        self._requested_at = 0.0
        self._build()
        fit_to_screen(self, *self.DEFAULT_SIZE)
        self._update_title()

    # --- construction ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.heading = QLabel(_("进度看板"), self)
        self.heading.setObjectName("dashTitle")
        f = QFont(self.heading.font())
        f.setPointSizeF(f.pointSizeF() * 1.6)
        self.heading.setFont(f)
        self.scope = QLabel(self)
        self.scope.setObjectName("dashScope")
        self.date_edit = QDateEdit(self)
        self.date_edit.setObjectName("dashDate")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        day = self._today or project_today(self.loader.db)
        self.date_edit.setDate(QDate(day.year, day.month, day.day))
        self.date_edit.dateChanged.connect(lambda _d: self.refresh())
        self.team = QComboBox(self)
        self.team.setObjectName("dashTeam")
        self.team.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.team.addItem(_("全部工作组"), None)
        self.team.currentIndexChanged.connect(self._team_changed)
        self.refresh_button = QPushButton(_("刷新"), self)
        self.refresh_button.setToolTip(_("重新读取数据（F5）"))
        self.refresh_button.setAutoDefault(False)
        self.refresh_button.clicked.connect(lambda: self.refresh(reload=True))
        QShortcut(QKeySequence("F5"), self, lambda: self.refresh(reload=True))
        QShortcut(QKeySequence("Esc"), self, self.close)
        self.status = QLabel(self)
        self.status.setObjectName("dashStatus")
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addSpacing(10)
        top.addWidget(self.scope, 1)
        top.addWidget(self.status)
        top.addSpacing(8)
        top.addWidget(QLabel(_("日期"), self))
        top.addWidget(self.date_edit)
        top.addWidget(QLabel(_("工作组"), self))
        top.addWidget(self.team)
        top.addWidget(self.refresh_button)

        self.tiles = {
            "households": Tile(_("总户数"), charts.SKY, self),
            "signed": Tile(_("累计签约"), charts.BLUE, self),
            "paid": Tile(_("累计支付"), charts.ORANGE, self),
            "vacated": Tile(_("累计腾房"), charts.GREEN, self),
            "cadre": Tile(_("干部及亲属签约"), charts.PURPLE, self),
            "overdue": Tile(_("逾期未完成"), charts.VERMILLION, self),
        }
        tips = {
            "households": _("纳入统计的农户；条带为已销号的比例"),
            "signed": _("已签约户数；百分比为占签约目标的比例"),
            "paid": _("已支付（含预付）户数；百分比为占总户数的比例"),
            "vacated": _("已腾房户数；百分比为占总户数的比例"),
            "cadre": _("户内有干部或干部亲属的农户中已签约的户数"),
            "overdue": _("超过限时仍未完成的农户；百分比为占总户数的比例"),
        }
        tiles = QHBoxLayout()
        tiles.setSpacing(8)
        for key, tile in self.tiles.items():
            tile.setToolTip(tips[key])
            tiles.addWidget(tile)

        self.trend_panel = Panel(_("签约、支付、腾房累计趋势"), self)
        self.trend_chart = charts.LineChart(self.trend_panel, unit=_("户"))
        self.trend_panel.body.addWidget(self.trend_chart, 1)

        self.rank_panel = Panel(_("工作组排名（按签约率）"), self)
        self.rank_legend = charts.Legend(
            [(_("已签约"), charts.BLUE), (_("已支付"), charts.ORANGE), (_("已腾房"), charts.GREEN)],
            self.rank_panel,
        )
        self.rank_panel.header.addWidget(self.rank_legend)
        self.ranking = charts.BarChart(unit=_("户"))
        self.rank_scroll = QScrollArea(self.rank_panel)
        self.rank_scroll.setWidget(self.ranking)
        self.rank_scroll.setWidgetResizable(True)
        self.rank_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.rank_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.rank_scroll.viewport().setAutoFillBackground(False)
        self.ranking.setAutoFillBackground(False)
        self.rank_panel.body.addWidget(self.rank_scroll, 1)
        self.freshness = QLabel(self.rank_panel)  # HQ: teams whose data is not today's
        self.freshness.setObjectName("teamFreshness")
        self.freshness.setWordWrap(True)
        self.freshness.setVisible(False)
        self.rank_panel.body.addWidget(self.freshness)

        self.due_panel = Panel(self._due_title(0), self)
        self.due_table = CaseTable(self.due_panel)
        self.due_table.empty_text = _("{n} 天内没有到期的农户", n=DUE_DAYS)
        self.due_table.setObjectName("dueTable")
        self.due_panel.body.addWidget(self.due_table, 1)
        self.overdue_panel = Panel(_("逾期农户"), self)
        self.overdue_table = CaseTable(self.overdue_panel)
        self.overdue_table.empty_text = _("没有逾期的农户")
        self.overdue_table.setObjectName("overdueTable")
        self.overdue_panel.body.addWidget(self.overdue_table, 1)
        for table in (self.due_table, self.overdue_table):
            # Enter, and a double-click (the style's activation), open the household.
            table.activated.connect(lambda index, t=table: self._open(t, index.row()))

        # The charts share the width 11 : 9; the two case tables (seven columns each) half and
        # half, so every column of either shows at 1366 pixels in English too.
        charts_row = QHBoxLayout()
        charts_row.setSpacing(8)
        charts_row.addWidget(self.trend_panel, 11)
        charts_row.addWidget(self.rank_panel, 9)
        cases_row = QHBoxLayout()
        cases_row.setSpacing(8)
        cases_row.addWidget(self.due_panel, 1)
        cases_row.addWidget(self.overdue_panel, 1)
        grid = QVBoxLayout()
        grid.setSpacing(8)
        grid.addLayout(charts_row, 3)
        grid.addLayout(cases_row, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 10)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addLayout(tiles)
        layout.addLayout(grid, 1)
        for panel in (self.trend_panel, self.rank_panel, self.due_panel, self.overdue_panel):
            panel.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def _due_title(self, n: int) -> str:
        if self.operator is None:
            return _("{n} 天内到期的农户 · {count} 户", n=DUE_DAYS, count=f"{n:,}")
        return _("我的即将到期农户（{n} 天内）· {count} 户", n=DUE_DAYS, count=f"{n:,}")

    def _update_title(self) -> None:
        name = self.project_name
        self.setWindowTitle(_("进度看板 — {name}", name=name) if name else _("进度看板"))

    # --- what is asked ------------------------------------------------------------------------
    @property
    def day(self) -> date:
        d = self.date_edit.date()
        return date(d.year(), d.month(), d.day())

    @property
    def team_id(self) -> uuid.UUID | None:
        return self._team_id

    def set_team(self, team_id: uuid.UUID | None) -> None:
        index = index_of(self.team, team_id)
        if index >= 0:
            self.team.setCurrentIndex(index)

    def _team_changed(self, index: int) -> None:
        if index < 0:
            return
        self._team_id = self.team.itemData(index)
        self.ranking.set_highlight(self._highlight_team())
        self._scroll_to_highlight()
        self.refresh()

    def _highlight_team(self) -> uuid.UUID | None:
        if self._team_id is not None:
            return self._team_id
        return self.operator.team_id if self.operator is not None else None

    def query(self, *, reload: bool = False, check: bool = False) -> Query:
        responsible = self.operator.id if self.operator is not None else None
        changed = frozenset(self._changed_ids) if check or reload else frozenset()
        return Query(self.day, self._team_id, responsible, reload, check, changed)

    # --- refreshing -----------------------------------------------------------------------------
    def refresh(self, *, reload: bool = False, check: bool = False) -> None:
        """Count again on the background thread; ``check``: bring the facts up to date first
        (the households that changed), ``reload``: read them all again first."""
        if not self.isVisible():
            self._stale = True
            return
        self._requested_at = time.perf_counter()
        self.status.setText(_("正在更新…"))
        query = self.query(reload=reload, check=check)
        if check or reload:
            self._changed_ids.clear()
        self.loader.request(query)

    def households_changed(self, ids: object = None) -> None:
        """The main window changed households: read them again shortly (a burst makes one
        read)."""
        if isinstance(ids, (list, tuple, set, frozenset)):
            self._changed_ids.update(i for i in ids if isinstance(i, uuid.UUID))
        if self.isVisible():
            # A read can take long (a full one, when the audit log leaves doubt): while
            # changes keep coming, read at most about every other read's duration.
            timings = self.data.timings if self.data is not None else {}
            last = timings.get("load_facts", 0.0) + timings.get("update_facts", 0.0)
            self._changed.start(max(CHANGE_DELAY_MS, int(2000 * last)))
        else:
            self._stale = True

    def set_database(self, db: Database, project_name: str | None = None) -> None:
        if project_name is not None:
            self.project_name = project_name
            self._update_title()
        self.loader.set_database(db)
        self._changed_ids.clear()  # households of the database before
        self.data = None
        self._stale = True
        self.refresh(reload=True)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.overdue_table.setFocus(Qt.FocusReason.OtherFocusReason)
        self._auto.start()
        if self._stale:
            self._stale = False
            QTimer.singleShot(0, lambda: self.refresh(check=True))

    def closeEvent(self, event: QCloseEvent) -> None:
        self._auto.stop()
        self._changed.stop()
        super().closeEvent(event)

    # --- showing --------------------------------------------------------------------------------
    def _show_error(self, exc: BaseException) -> None:
        log.error("dashboard refresh failed", exc_info=exc)
        self.status.setText(_("更新失败：{error}", error=str(exc) or type(exc).__name__))
        self.status.setStyleSheet(f"color: {charts.VERMILLION};")

    def _show_data(self, data: DashboardData) -> None:
        if data.query.day != self.day or data.query.team_id != self._team_id:
            self.refresh()  # the user moved on while it was counting; the facts are kept
            return
        self.data = data
        self._fill_teams(data.teams)
        self._fill_tiles(data)
        self._fill_trend(data.trend)
        self._fill_ranking(data.ranking, data)
        self._fill_freshness(data)
        self.due_table.cases.set_rows(data.due)
        self.due_panel.title.setText(self._due_title(len(data.due)))
        self.overdue_table.cases.set_rows(data.overdue)
        self.overdue_panel.title.setText(_("逾期农户 · {count} 户", count=f"{len(data.overdue):,}"))
        scope = dict(data.teams).get(data.query.team_id, "") if data.query.team_id else ""
        self.scope.setText(
            _(
                "{project}{scope} · 统计截至 {cutoff}",
                project=self.project_name,
                scope=f" · {scope}" if scope else "",
                cutoff=data.cutoff.strftime("%Y-%m-%d %H:%M"),
            )
        )
        seconds = time.perf_counter() - self._requested_at if self._requested_at else 0.0
        self.status.setStyleSheet("")
        self.status.setText(
            _(
                "更新于 {at}（{s} 秒）",
                at=project_now(self.loader.db).strftime("%H:%M:%S"),
                s=f"{seconds:.1f}",
            )
        )
        self.refreshed.emit()

    def _fill_teams(self, teams: list[tuple[uuid.UUID, str]]) -> None:
        current = [self.team.itemData(i) for i in range(1, self.team.count())]
        if current == [tid for tid, _n in teams]:
            return
        self.team.blockSignals(True)
        self.team.clear()
        self.team.addItem(_("全部工作组"), None)
        for tid, name in teams:
            self.team.addItem(name, tid)
        for table in (self.due_table, self.overdue_table):
            table.fit_columns([name for _tid, name in teams])
        index = index_of(self.team, self._team_id)
        if index < 0:  # the team is gone (another database)
            index, self._team_id = 0, None
        self.team.setCurrentIndex(index)
        self.team.blockSignals(False)

    def _fill_tiles(self, data: DashboardData) -> None:
        f = data.figures
        n = cs.group_digits
        households = f.households

        def share(part: int, whole: int) -> str:
            return cs.format_percent(cs.percent(part, whole))

        when = self._when(data.query.day)

        def plus(k: int) -> str:
            return f"{when} +{n(k)}"

        self.tiles["households"].set(
            n(households),
            unit=_("户"),
            today=_("{when}销号 +{n}", when=when, n=n(f.closed_today)) if f.closed_today else "",
            fraction=cs.percent(f.closed, households) / 100,
            detail=_(
                "销号 {n}（{p}）· 拆除 {d} 户",
                n=n(f.closed),
                p=share(f.closed, households),
                d=n(f.demolished),
            ),
        )
        self.tiles["signed"].set(
            n(f.signed),
            unit=_("户"),
            today=plus(f.signed_today),
            pct=cs.format_percent(f.signed_pct),
            fraction=f.signed_pct / 100,
            detail=_("目标 {t} · 金额 {m}", t=n(f.target), m=yuan_text(f.signed_fen)),
        )
        self.tiles["paid"].set(
            n(f.paid),
            unit=_("户"),
            today=plus(f.paid_today),
            pct=share(f.paid, households),
            fraction=cs.percent(f.paid, households) / 100,
            detail=_(
                "已付 {m} · {when} {t}",
                m=yuan_text(f.paid_fen),
                when=when,
                t=yuan_text(f.paid_fen_today),
            ),
        )
        self.tiles["vacated"].set(
            n(f.vacated),
            unit=_("户"),
            today=plus(f.vacated_today),
            pct=share(f.vacated, households),
            fraction=cs.percent(f.vacated, households) / 100,
            detail=_("补偿决定 {d} 户 · 已选房 {c} 户", d=n(f.decisions), c=n(f.chosen)),
        )
        self.tiles["cadre"].set(
            n(f.cadre_signed),
            unit=_("/ {t} 户", t=n(f.cadre_total)),
            pct=share(f.cadre_signed, f.cadre_total),
            fraction=cs.percent(f.cadre_signed, f.cadre_total) / 100,
            detail=_("按期签约 {n} 户", n=n(f.cadre_signed_on_time)),
        )
        self.tiles["overdue"].set(
            n(f.overdue),
            unit=_("户"),
            pct=share(f.overdue, households),
            fraction=cs.percent(f.overdue, households) / 100,
            detail=_(
                "异议待处理 {o} · 待审批 {a}", o=n(f.objections_open), a=n(f.approvals_pending)
            ),
        )

    def _fill_trend(self, points: list[TrendPoint]) -> None:
        # Start the day before the first signing: weeks of survey-only zeros say nothing.
        first = next((i for i, p in enumerate(points) if p.signed or p.paid or p.vacated), None)
        if first is not None:
            points = points[max(first - 1, 0) :]
        days = [p.day for p in points]
        self.trend_chart.set_data(
            days,
            [
                charts.Series(_("已签约"), tuple(p.signed for p in points), charts.BLUE),
                charts.Series(_("已支付"), tuple(p.paid for p in points), charts.ORANGE),
                charts.Series(_("已腾房"), tuple(p.vacated for p in points), charts.GREEN),
            ]
            if points
            else [],
        )

    def _when(self, day: date) -> str:
        """ "今日" for today's figures, "当日" for another day's."""
        today = self._today or project_today(self.loader.db)
        return _("今日") if day == today else _("当日")

    def _fill_freshness(self, data: DashboardData) -> None:
        stale = [f.text for f in data.freshness.values() if f.stale]
        self.freshness.setText(
            _("数据报送：{teams}", teams="；".join(stale)) if stale
            else _("数据报送：各工作组今天都已报送")
        )  # fmt: skip
        self.freshness.setStyleSheet(f"color: {charts.VERMILLION};" if stale else "")
        self.freshness.setVisible(bool(data.freshness))

    def _fill_ranking(self, ranking: list[TeamRank], data: DashboardData | None = None) -> None:
        when = self._when(self.day)
        fresh = data.freshness if data is not None else {}

        def late(team_id: uuid.UUID) -> str:
            f = fresh.get(team_id)
            return f" · {f.short}" if f is not None and f.stale else ""

        rows = [
            charts.BarRow(
                r.team_id,
                r.team,
                (r.signed, r.paid, r.vacated),
                r.households,
                _(
                    "{s}/{h} 户 · {when} +{t}",
                    s=cs.group_digits(r.signed),
                    h=cs.group_digits(r.households),
                    when=when,
                    t=r.signed_today,
                )
                + late(r.team_id),
                percent=r.signed_pct,
            )
            for r in ranking
        ]
        self.ranking.set_data(
            rows,
            [_("已签约"), _("已支付"), _("已腾房")],
            [charts.BLUE, charts.ORANGE, charts.GREEN],
            highlight=self._highlight_team(),
        )
        self._scroll_to_highlight()

    def _scroll_to_highlight(self) -> None:
        """Bring the highlighted team into the middle of the ranking's view."""
        row = self.ranking.highlighted_row()
        if row < 0:
            return
        # The scroll area resizes the chart only on its next layout pass: do it now.
        viewport = self.rank_scroll.viewport()
        self.ranking.resize(viewport.width(), self.ranking.sizeHint().height())
        rect = self.ranking.row_rect(row)
        self.rank_scroll.ensureVisible(0, int(rect.center().y()), 0, viewport.height() // 2)

    def _open(self, table: CaseTable, row: int) -> None:
        if self.open_household is not None and 0 <= row < table.cases.rowCount():
            self.open_household(table.cases.household_id(row))
