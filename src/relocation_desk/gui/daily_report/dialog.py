"""报表 → 每日汇报: the evening report to HQ (每天一调度一总结一汇报) from the app.

Pick the date and the scope (the whole project or one team), look at the figures per team,
village and responsible person, save the workbook for HQ, preview and print the one-page PDF
for the morning meeting, and freeze the report once the day's cut-off has passed. A frozen
report is shown and printed exactly as frozen; later edits count on the next day.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...i18n import _
from ...reports.daily_columns import Column, columns, yuan
from ...services.access import may
from ...services.errors import UserError
from ...storage.errors import StorageError
from .. import dialogs
from ..access import Action, gate
from ..columns import fit_small_table, table_width
from ..combos import index_of
from ..progress_dialog import Cancelled, run_with_progress
from ..screen import free_area

if TYPE_CHECKING:
    from ...services.households.service import OperatorRef
    from ...services.progress.daily_report import DailyReportData, ReportRow
    from ...services.progress.service import Figures
    from ...services.progress_report import Progress
    from ...storage.db import Database

# Who may freeze: the team leader for the team's report, HQ for any (DOMAIN "daily report").


def ask_xlsx_path(parent: QWidget | None, suggested: str) -> Path | None:
    return dialogs.ask_save_xlsx(parent, _("保存日报"), suggested)


def show_pdf(parent: QWidget | None, path: Path, title: str) -> None:
    from ..printing.preview import show_pdf_preview

    show_pdf_preview(parent, path, title)


def _cell(text: str, *, number: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if number:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def cell_text(raw: int | float, column: Column) -> str:
    """A figure as shown on screen: money (fen) in 元, percentages of target, counts."""
    if column.kind == "fen":
        return yuan(int(raw))
    if column.kind == "pct":
        return f"{raw:.1f}%"
    return f"{int(raw):,}"


class DailyReportDialog(QDialog):
    def __init__(
        self,
        db: Database,
        operator: OperatorRef | None,
        teams: dict[uuid.UUID, str],
        today: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dailyReportDialog")
        self.setWindowTitle(_("每日汇报"))
        self.db, self.operator = db, operator
        self.data: DailyReportData | None = None
        self.day = QDateEdit(QDate(today.year, today.month, today.day), self)
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.day.setMaximumDate(QDate(today.year, today.month, today.day))
        self.scope = QComboBox(self)
        self.scope.addItem(_("全项目"), None)
        for team_id, name in sorted(teams.items(), key=lambda t: t[1]):
            self.scope.addItem(name, team_id)
        # Team staff start on their own team; HQ and administrators on the whole project.
        if operator is not None and not may(operator, Action.FREEZE_DAILY_REPORT):
            own = index_of(self.scope, operator.team_id)
            self.scope.setCurrentIndex(max(own, 0))
        self.show_button = QPushButton(_("统计"), self)
        self.show_button.setDefault(True)
        self.show_button.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(QLabel(_("报表日期："), self))
        top.addWidget(self.day)
        top.addSpacing(12)
        top.addWidget(QLabel(_("范围："), self))
        top.addWidget(self.scope, 1)
        top.addWidget(self.show_button)

        self.state = QLabel(self)
        self.state.setObjectName("reportState")
        self.state.setWordWrap(True)
        self.headline = QLabel(self)
        self.headline.setObjectName("reportHeadline")
        self.headline.setWordWrap(True)
        font = self.headline.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.headline.setFont(font)
        self.freshness = QLabel(self)  # HQ: how fresh each team's merged data is
        self.freshness.setObjectName("reportFreshness")
        self.freshness.setWordWrap(True)
        self.freshness.setVisible(False)

        self.columns = [c for c in columns() if c.summary]
        self.tabs = QTabWidget(self)
        self.tables: dict[str, QTableWidget] = {}
        for key, label in (("teams", _("分工作组")), ("villages", _("分村")),
                           ("persons", _("分责任人"))):  # fmt: skip
            table = QTableWidget(0, len(self.columns) + 2, self)
            table.setObjectName(f"report_{key}")
            table.setHorizontalHeaderLabels(
                [_("名称"), _("工作组")]
                + [f"{c.group}\n{c.label}" if c.group else c.label for c in self.columns]
            )
            table.verticalHeader().setVisible(False)
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
            table.setColumnWidth(0, 130)
            table.setColumnWidth(1, 100)
            # Wide enough for the header's longest line (English headers are longer).
            metrics = table.horizontalHeader().fontMetrics()
            for i, c in enumerate(self.columns, start=2):
                header = f"{c.group}\n{c.label}" if c.group else c.label
                text = max(metrics.horizontalAdvance(line) for line in header.split("\n"))
                table.setColumnWidth(i, max(110 if c.kind == "fen" else 70, text + 18))
            table.setAlternatingRowColors(True)
            table.setColumnHidden(1, key == "teams")  # a team's team is itself
            self.tables[key] = table
            self.tabs.addTab(table, label)

        self.xlsx_button = QPushButton(_("保存 Excel…"), self)
        self.xlsx_button.clicked.connect(self.save_xlsx)
        self.pdf_button = QPushButton(_("预览/打印 PDF…"), self)
        self.pdf_button.clicked.connect(self.preview_pdf)
        self.freeze_button = QPushButton(_("冻结日报…"), self)
        self.freeze_button.clicked.connect(self.freeze)
        close = QPushButton(_("关闭"), self)
        close.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.xlsx_button)
        bottom.addWidget(self.pdf_button)
        bottom.addWidget(self.freeze_button)
        bottom.addStretch(1)
        bottom.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.state)
        layout.addWidget(self.headline)
        layout.addWidget(self.freshness)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self.day.dateChanged.connect(lambda _d: self._clear())
        self.scope.currentIndexChanged.connect(lambda _i: self._clear())
        self._clear()
        self.resize(1180, 620)
        self._fit_tables()

    # --- the figures --------------------------------------------------------------------------
    def selected_day(self) -> date:
        return self.day.date().toPython()  # type: ignore[no-any-return]

    def selected_team(self) -> uuid.UUID | None:
        return self.scope.currentData()  # type: ignore[no-any-return]

    def _clear(self) -> None:
        self.data = None
        for table in self.tables.values():
            table.setRowCount(0)
        self.headline.clear()
        self.freshness.setVisible(False)
        self.state.setText(_("选好日期和范围后点“统计”。"))
        for b in (self.xlsx_button, self.pdf_button, self.freeze_button):
            b.setEnabled(False)

    def refresh(self) -> None:
        from ...services.progress import daily_report

        day, team = self.selected_day(), self.selected_team()

        db = self.db

        def work(progress: Progress) -> DailyReportData:
            frozen = daily_report.load_frozen(db, day, team_id=team)
            if frozen is not None:
                return frozen
            return daily_report.build(db, day, team_id=team, progress=progress)

        try:
            data = run_with_progress(
                self, _("统计日报"), work, text=_("正在统计 {day} 的进度…", day=day.isoformat())
            )
        except Cancelled:
            self.state.setText(_("已取消统计。选好日期和范围后点“统计”。"))
            return
        except (UserError, StorageError) as exc:
            dialogs.show_error(self, _("无法生成日报"), exc.message)
            return
        self.show_data(data)

    def show_data(self, data: DailyReportData) -> None:
        self.data = data
        # Times in the project's zone (the cut-off's), not this computer's.
        zone = data.cutoff.tzinfo
        cutoff = data.cutoff.strftime("%Y-%m-%d %H:%M")
        if data.frozen and data.frozen_at is not None:
            self.state.setText(
                _("已冻结（{at}，{who}）：按冻结时的内容显示和打印；之后的变动计入下一天。"
                  "校验值 {hash}",
                  at=data.frozen_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                  who=data.frozen_by or _("未记录"), hash=data.content_hash[:16])
            )  # fmt: skip
            self.state.setStyleSheet("color: #1b5e20;")
        else:
            self.state.setText(
                _("草稿：截至 {cutoff} 的数字，尚未冻结。截止时间过后由组长或指挥部冻结。",
                  cutoff=cutoff)
            )  # fmt: skip
            self.state.setStyleSheet("color: #8a5300;")
        t = data.total
        self.headline.setText(
            _("{scope}：总户数 {households}，今日签约 {today}，累计签约 {signed}（{pct}），"
              "累计支付 {paid} 户，累计腾房 {vacated} 户，逾期 {overdue} 户",
              scope=data.scope_name, households=f"{t.households:,}", today=t.signed_today,
              signed=f"{t.signed:,}", pct=f"{t.signed_pct:.1f}%", paid=f"{t.paid:,}",
              vacated=f"{t.vacated:,}", overdue=f"{t.overdue:,}")
        )  # fmt: skip
        stale = [f.text for f in data.freshness if f.stale]
        self.freshness.setText(
            _("数据报送：{teams}", teams="；".join(stale)) if stale
            else _("数据报送：各工作组今天都已报送")
        )  # fmt: skip
        self.freshness.setStyleSheet("color: #b71c1c;" if stale else "")
        self.freshness.setVisible(bool(data.freshness))
        for key, rows in (("teams", data.teams), ("villages", data.villages),
                          ("persons", data.persons)):  # fmt: skip
            self._fill(self.tables[key], rows, data.total)
        self._fit_tables()
        self.xlsx_button.setEnabled(True)
        self.pdf_button.setEnabled(True)
        # A team's report by its leader (or HQ); the project's by HQ.
        team = self.selected_team()
        gate(self.freeze_button, self.operator, Action.FREEZE_DAILY_REPORT, team,
             enabled=not data.frozen)  # fmt: skip

    def _fit_tables(self) -> None:
        """Columns as wide as their figures and headers; the dialog as wide as its widest
        table, up to the screen (then the table scrolls sideways)."""
        for table in self.tables.values():
            fit_small_table(table)
        widest = max(table_width(t) for t in self.tables.values())
        margins = self.layout().contentsMargins()
        frame = self.tabs.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth) * 2
        wanted = widest + margins.left() + margins.right() + frame + 16  # + the tab's pane
        room = free_area(self)
        if wanted > self.width():
            self.resize(min(wanted, room.width()), min(self.height(), room.height()))

    def _fill(self, table: QTableWidget, rows: tuple[ReportRow, ...], total: Figures) -> None:
        """One line per team/village/person and a bold 合计 line to check them against."""
        table.setRowCount(len(rows) + 1)
        lines = [(row.name or _("（未指定）"), row.team, row.figures) for row in rows]
        lines.append((_("合计"), "", total))
        for r, (name, team, figures) in enumerate(lines):
            table.setItem(r, 0, _cell(name))
            table.setItem(r, 1, _cell(team))
            for i, c in enumerate(self.columns, start=2):
                table.setItem(r, i, _cell(cell_text(getattr(figures, c.field), c), number=True))
        font = table.font()
        font.setBold(True)
        for i in range(table.columnCount()):
            table.item(len(rows), i).setFont(font)

    # --- outputs ------------------------------------------------------------------------------
    def _file_stem(self) -> str:
        assert self.data is not None
        return _("日报-{scope}-{day}", scope=self.data.scope_name,
                 day=self.data.report_date.isoformat())  # fmt: skip

    def save_xlsx(self) -> None:
        from ...reports.daily_xlsx import write_daily_xlsx

        data = self.data
        if data is None:
            return
        path = ask_xlsx_path(self, self._file_stem() + ".xlsx")
        if path is None:
            return
        try:
            run_with_progress(
                self,
                _("保存日报"),
                lambda progress: write_daily_xlsx(path, data, progress=progress),
                text=_("正在写入 Excel…"),
            )
        except Cancelled:
            dialogs.show_info(self, _("保存日报"), _("已取消导出，没有写出文件。"))
            return
        except OSError as exc:
            dialogs.show_error(
                self, _("无法保存"), _("无法写入 {path}：{error}", path=path, error=exc)
            )
            return
        dialogs.show_info(self, _("已保存"), _("已写入 {path}", path=path))

    def preview_pdf(self) -> None:
        from ...reports.daily_pdf import write_daily_pdf

        data = self.data
        if data is None:
            return
        folder = Path(tempfile.mkdtemp(prefix="relocation-desk-"))
        path = folder / (self._file_stem() + ".pdf")
        try:
            run_with_progress(
                self,
                _("打印日报"),
                lambda progress: write_daily_pdf(path, data, progress=progress),
                text=_("正在生成 PDF…"),
            )
        except Cancelled:
            shutil.rmtree(folder, ignore_errors=True)
            return
        except OSError as exc:
            dialogs.show_error(
                self, _("无法生成 PDF"), _("无法写入 {path}：{error}", path=path, error=exc)
            )
            return
        show_pdf(self, path, self._file_stem())

    def freeze(self) -> None:
        from ...services.progress import daily_report

        data = self.data
        if data is None or data.frozen:
            return
        day, team = data.report_date, self.selected_team()
        if not dialogs.ask_confirm(
            self,
            _("冻结日报"),
            _("冻结 {scope} {day} 的日报？\n冻结后这份日报不能再改，之后的任何变动计入下一天。",
              scope=data.scope_name, day=day.isoformat()),
        ):  # fmt: skip
            return
        db, operator = self.db, self.operator
        try:
            frozen = run_with_progress(
                self,
                _("正在冻结日报…"),
                lambda progress: daily_report.freeze(
                    db, day, team_id=team, operator=operator, progress=progress
                ),
            )
        except Cancelled:
            dialogs.show_info(self, _("冻结日报"), _("已取消冻结，日报没有冻结。"))
            return
        except (UserError, StorageError) as exc:
            dialogs.show_error(self, _("不能冻结"), exc.message)
            return
        self.show_data(frozen)
