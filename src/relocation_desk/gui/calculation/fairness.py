"""The fairness report on screen (一把尺子): are comparable households paid alike?

Tabs: groups (structure type × legal-area band) with median, quartiles and outlier counts;
the outliers; HQ's approved exceptions (flagged when decided after others had signed); cadre
and cadre-relative households next to their group's median; signing dates against the signing
deadline. The report is computed on a worker thread (``services.fairness``) while a busy bar
shows; 导出 Excel… writes the same report as the xlsx of ``reports.fairness``, also off the GUI
thread.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain import money
from ...i18n import _
from ...services.calculation.fairness import FairnessReport, GroupStats, HouseholdFigure
from ...services.errors import UserError
from ...services.progress_report import Progress
from ...storage.db import Database
from ...storage.errors import StorageError
from .. import dialogs
from ..progress_dialog import Cancelled, run_with_progress
from ..tasks import BackgroundTask
from . import common
from .tables import RowsModel, rows_view

__all__ = ["FairnessView"]


def _yuan(fen: int | None) -> str:
    return "" if fen is None else money.format_fen(fen)


def _dec(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def _area(dm2: int) -> str:
    return f"{Decimal(dm2).scaleb(-2):,.2f}"


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _versus(f: HouseholdFigure, g: GroupStats | None) -> str:
    """How far a household's amount per ㎡ is from its group's median, in percent."""
    if g is None or f.per_m2 is None or not g.median:
        return ""
    pct = (f.per_m2 - g.median) / g.median * 100
    return f"{pct:+.1f}%"


TABS: dict[str, tuple[str, tuple[tuple[str, int], ...], tuple[int, ...]]] = {
    "groups": (
        "分组统计",
        (("结构类型", 80), ("合法面积档次", 100), ("户数", 56), ("中位数（元/㎡）", 110),
         ("Q1（元/㎡）", 96), ("Q3（元/㎡）", 96), ("下限（元/㎡）", 96), ("上限（元/㎡）", 96),
         ("最低（元/㎡）", 96), ("最高（元/㎡）", 96), ("异常值户数", 80)),
        (2, 3, 4, 5, 6, 7, 8, 9, 10),
    ),
    "outliers": (
        "异常值",
        (("户号", 84), ("户主", 70), ("工作组", 56), ("结构类型", 72), ("合法面积档次", 96),
         ("合法面积（㎡）", 100), ("补偿总额（元）", 120), ("每㎡（元）", 96),
         ("组中位数（元/㎡）", 120), ("偏离中位数", 84), ("方向", 50)),
        (5, 6, 7, 8, 9),
    ),
    "exceptions": (
        "审批例外",
        (("审批编号", 110), ("户号", 84), ("户主", 70), ("项目", 90), ("核定金额（元）", 110),
         ("申请办法", 140), ("申请理由", 180), ("审批意见", 180), ("审批日期", 86),
         ("决定时已签约户数", 110)),
        (4, 9),
    ),
    "cadres": (
        "干部及亲属",
        (("户号", 84), ("户主", 70), ("工作组", 56), ("干部及亲属", 220), ("结构类型", 72),
         ("合法面积档次", 96), ("补偿总额（元）", 120), ("每㎡（元）", 96),
         ("组中位数（元/㎡）", 120), ("与中位数比", 84), ("签约日期", 86), ("期限内签约", 80)),
        (6, 7, 8, 9),
    ),
    "bonuses": (
        "签约奖励",
        (("户号", 84), ("户主", 70), ("工作组", 56), ("签约日期", 86), ("签约期限", 86),
         ("期限内签约", 80), ("签约奖励（元）", 120)),
        (6,),
    ),
}  # fmt: skip


class FairnessView(QDialog):
    """Opens at once and fills in when the report is ready (``report`` is then set)."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fairnessView")
        self.setWindowTitle(_("公平性报告"))
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.setSizeGripEnabled(True)
        self.db = db
        self.report: FairnessReport | None = None
        self.error = ""
        self.exported: Path | None = None
        self.task: BackgroundTask | None = None
        self.summary = QLabel(_("正在计算公平性报告…"), self)
        self.summary.setObjectName("fairnessSummary")
        self.summary.setWordWrap(True)
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(self.fontMetrics().height())
        self.tabs = QTabWidget(self)
        self.models: dict[str, RowsModel] = {}
        self.views: dict[str, QTableView] = {}
        for key, (title, columns, right) in TABS.items():
            model = RowsModel([_(h) for h, _w in columns], right=right, parent=self)
            view = rows_view(model, [w for _h, w in columns], self)
            view.setObjectName(f"fairness_{key}")
            self.models[key], self.views[key] = model, view
            self.tabs.addTab(view, _(title))
        self.export_button = QPushButton(_("导出 Excel…"), self)
        self.export_button.setAutoDefault(False)
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.export)
        close = QPushButton(_("关闭"), self)
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        self.status = QLabel(self)
        self.status.setObjectName("fairnessStatus")
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.busy)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)
        self.resize(1240, 680)

    # --- computing --------------------------------------------------------------------------
    def start(self) -> None:
        from ...services.calculation.fairness import fairness_report

        db, day = self.db, common.today(self.db)
        task = BackgroundTask(lambda _progress, _cancel: fairness_report(db, today=day), self)
        task.succeeded.connect(self._show)
        task.failed.connect(self._failed)
        self.task = task
        task.start()

    def _failed(self, exc: object) -> None:
        self.busy.setVisible(False)
        if isinstance(exc, UserError | StorageError):
            self.error = exc.message
        else:
            self.error = _("程序错误（已记入日志）：{error}", error=repr(exc))
        self.summary.setText(_("无法生成公平性报告：{error}", error=self.error))

    def _show(self, result: object) -> None:
        assert isinstance(result, FairnessReport)
        r = self.report = result
        self.busy.setVisible(False)
        self.export_button.setEnabled(True)
        self.summary.setText(
            _(
                "{project}　参与比较 {n} 户，{groups} 个分组，异常值 {outliers} 户；"
                "审批例外 {exceptions} 件；干部及亲属 {cadres} 户；已签约 {signed} 户"
                "（签约期限：{deadline}）。无合法面积未参与分组：{no_area} 户。生成日期 {day}。",
                project=r.project,
                n=f"{r.households:,}",
                groups=len(r.groups),
                outliers=len(r.outliers),
                exceptions=len(r.exceptions),
                cadres=len(r.cadres),
                signed=len(r.bonuses),
                deadline=_day(r.sign_deadline) or _("未设定"),
                no_area=r.no_area,
                day=r.generated.isoformat(),
            )
        )
        self.models["groups"].set_rows(
            [
                (g.structure, g.band, str(g.households), _dec(g.median), _dec(g.q1), _dec(g.q3),
                 _dec(g.low), _dec(g.high), _dec(g.minimum), _dec(g.maximum), str(g.outliers))
                for g in r.groups
            ],
            marked={k: _("该组有异常值") for k, g in enumerate(r.groups) if g.outliers},
        )  # fmt: skip
        self.models["outliers"].set_rows(
            [
                (f.code, f.head_name, f.team, f.structure, f.band, _area(f.legal_dm2),
                 _yuan(f.total_fen), _dec(f.per_m2), _dec(g.median), _versus(f, g),
                 _("偏高") if f.per_m2 is not None and f.per_m2 > g.high else _("偏低"))
                for f, g in r.outliers
            ]
        )  # fmt: skip
        self.models["exceptions"].set_rows(
            [
                (e.number, e.code, e.head_name, e.item_code, _yuan(e.amount_fen), e.rule,
                 e.reason, e.decision, _day(e.decided_at.date() if e.decided_at else None),
                 str(e.after_signings))
                for e in r.exceptions
            ],
            marked={
                k: _("该例外在已有 {n} 户签约之后作出，请指挥部关注（早签约户的公平）",
                     n=e.after_signings)
                for k, e in enumerate(r.exceptions) if e.after_signings
            },
        )  # fmt: skip
        deadline = r.sign_deadline
        self.models["cadres"].set_rows(
            [
                (f.code, f.head_name, f.team, f.cadre_note, f.structure, f.band,
                 _yuan(f.total_fen), _dec(f.per_m2), _dec(g.median) if g else "", _versus(f, g),
                 _day(f.signed_on),
                 "" if f.signed_on is None or deadline is None
                 else (_("是") if f.signed_on <= deadline else _("否")))
                for f, g in r.cadres
            ],
            marked={
                k: _("高于或低于本组正常范围")
                for k, (f, g) in enumerate(r.cadres)
                if g is not None and f.per_m2 is not None and not g.low <= f.per_m2 <= g.high
            },
        )  # fmt: skip
        self.models["bonuses"].set_rows(
            [
                (b.code, b.head_name, b.team, _day(b.signed_on), _day(b.deadline),
                 _("是") if b.eligible else _("否"), _yuan(b.bonus_fen))
                for b in r.bonuses
            ],
            marked={
                k: _("期限后签约却有签约奖励，请核对")
                for k, b in enumerate(r.bonuses) if not b.eligible and b.bonus_fen
            },
        )  # fmt: skip
        counts = {
            "groups": len(r.groups),
            "outliers": len(r.outliers),
            "exceptions": len(r.exceptions),
            "cadres": len(r.cadres),
            "bonuses": len(r.bonuses),
        }
        for k, key in enumerate(TABS):
            self.tabs.setTabText(k, _("{title}（{n}）", title=_(TABS[key][0]), n=counts[key]))

    # --- export -----------------------------------------------------------------------------
    def export(self) -> None:
        report = self.report
        if report is None:
            return
        path = dialogs.ask_save_xlsx(
            self, _("导出公平性报告"), _("公平性报告-{day}.xlsx", day=report.generated.isoformat())
        )
        if path is None:
            return
        from ...reports.fairness import write_fairness_xlsx

        def work(progress: Progress) -> Path:
            write_fairness_xlsx(report, path, progress=progress)
            return path

        self.export_button.setEnabled(False)
        try:
            run_with_progress(self, _("导出公平性报告"), work, text=_("正在导出公平性报告…"))
        except Cancelled:
            self.status.setText(_("已取消导出，没有写出文件。"))
            return
        except OSError as exc:
            self.status.setText("")
            dialogs.show_error(
                self,
                _("导出失败"),
                _(
                    "无法写入文件：{error}。请换一个位置，或关闭正在使用该文件的程序后重试。",
                    error=exc,
                ),
            )
            return
        finally:
            self.export_button.setEnabled(True)
        self.exported = path
        self.status.setText(_("已导出：{path}", path=path))

    def done(self, result: int) -> None:
        # Closing while the report is computed: it finishes on its own and is dropped. (An
        # export holds the window until it is written or cancelled.)
        if self.task is not None:
            self.task.detach()
        super().done(result)
