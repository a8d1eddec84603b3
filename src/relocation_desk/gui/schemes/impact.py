"""The impact preview of a draft scheme: run off the GUI thread, shown per team.

:class:`PreviewRunner` runs ``SchemeService.impact_preview`` on a ``QThread`` behind a busy
dialog (with progress and a working 取消 when the calculation service supports them; without,
取消 stops waiting and the result is dropped). :class:`ImpactDialog` shows households changed
and the money before, after and the difference, per team and in total.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QProgressDialog,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain import money
from ...i18n import _
from ...services.calculation.service import ImpactReport
from ...services.errors import UserError
from ...services.schemes.service import SchemeContent, SchemeService

log = logging.getLogger(__name__)


class _PreviewThread(QThread):
    finished_ok = Signal(object)  # ImpactReport
    failed = Signal(str)
    progressed = Signal(int, int)

    def __init__(
        self, service: SchemeService, content: SchemeContent, as_of: date, parent: QObject
    ) -> None:
        super().__init__(parent)
        self.service, self.content, self.as_of = service, content, as_of
        self.cancel = threading.Event()

    def run(self) -> None:
        try:
            report = self.service.impact_preview(
                self.content, as_of=self.as_of, progress=self.progressed.emit, cancel=self.cancel
            )
        except UserError as exc:
            self.failed.emit(exc.message)
        except Exception:  # a bug: log it, tell the user, keep the editor alive
            log.exception("impact preview failed")
            self.failed.emit(_("影响预览时出现程序错误，详情已写入日志"))
        else:
            self.finished_ok.emit(report)


class _Relay(QObject):
    def __init__(
        self,
        parent: QObject,
        progressed: Callable[[int, int], None],
        finished_ok: Callable[[ImpactReport], None],
        failed: Callable[[str], None],
        ended: Callable[[], None],
    ) -> None:
        super().__init__(parent)
        self._progressed, self._ok, self._failed, self._ended = (
            progressed,
            finished_ok,
            failed,
            ended,
        )

    def progressed(self, done: int, total: int) -> None:
        self._progressed(done, total)

    def finished_ok(self, report: object) -> None:
        assert isinstance(report, ImpactReport)
        self._ok(report)

    def failed(self, message: str) -> None:
        self._failed(message)

    def ended(self) -> None:
        self._ended()
        self.deleteLater()


class PreviewRunner(QObject):
    """One preview at a time; ``on_done(report)`` is called on the GUI thread unless the
    user cancelled, ``on_failed(message)`` when it failed."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent
        self._threads: list[_PreviewThread] = []
        self.busy: QProgressDialog | None = None
        app = QCoreApplication.instance()
        if app is not None:  # quitting while a preview runs: wait for it, do not abort
            app.aboutToQuit.connect(self.stop)

    @property
    def running(self) -> bool:
        return any(t.isRunning() for t in self._threads)

    def start(
        self,
        service: SchemeService,
        content: SchemeContent,
        as_of: date,
        on_done: Callable[[ImpactReport], None],
        on_failed: Callable[[str], None],
    ) -> None:
        thread = _PreviewThread(service, content, as_of, self)
        busy = QProgressDialog(
            _("正在按草稿重新计算已核算的农户，请稍候…"), _("取消"), 0, 0, self._parent
        )
        busy.setObjectName("impactBusy")
        busy.setWindowTitle(_("影响预览"))
        busy.setWindowModality(Qt.WindowModality.WindowModal)
        busy.setMinimumDuration(300)
        busy.setAutoClose(False)
        busy.setAutoReset(False)
        self.busy = busy
        state = {"cancelled": False}

        def cancelled() -> None:
            state["cancelled"] = True
            thread.cancel.set()  # stops the work if the service supports it; else ignored

        def progressed(done: int, total: int) -> None:
            busy.setMaximum(total)
            busy.setValue(done)

        def finish() -> bool:
            # Closing a QProgressDialog emits canceled(): not the user's cancel.
            busy.blockSignals(True)
            busy.close()
            return not state["cancelled"]

        def finished_ok(report: ImpactReport) -> None:
            if finish():
                on_done(report)

        def failed(message: str) -> None:
            if finish():
                on_failed(message)

        busy.canceled.connect(cancelled)
        # Slots of an object living on the GUI thread: Qt queues the worker's signals to it
        # (a plain function would run on the worker thread and touch widgets from there).
        relay = _Relay(self, progressed, finished_ok, failed, lambda: self._forget(thread))
        thread.progressed.connect(relay.progressed)
        thread.finished_ok.connect(relay.finished_ok)
        thread.failed.connect(relay.failed)
        thread.finished.connect(relay.ended)
        self._threads.append(thread)
        thread.start()

    def _forget(self, thread: _PreviewThread) -> None:
        if thread in self._threads:
            self._threads.remove(thread)
        thread.deleteLater()
        if self.busy is not None and not self.running:
            self.busy.blockSignals(True)
            self.busy.close()

    def stop(self) -> None:
        """Cancel and wait (closing the editor: a thread must not outlive its objects)."""
        for thread in list(self._threads):
            thread.cancel.set()
            thread.wait()


def impact_summary(report: ImpactReport) -> str:
    """The numbers in one paragraph (for the publish confirmation)."""
    text = _(
        "按此草稿重新计算，已核算未签约的 {households} 户中有 {changed} 户金额变化；"
        "补偿总额由现有核算的 {before} 元变为 {after} 元（{delta} 元）。",
        households=sum(t.households for t in report.teams),
        changed=report.changed,
        before=money.format_fen(report.before_fen),
        after=money.format_fen(report.after_fen),
        delta=_signed(report.delta_fen),
    )
    if report.items:
        text += _(
            "变化的项目：{items}。",
            items="；".join(
                _("{name} {n} 户", name=report.item_names.get(code, code) or _("其他"), n=n)
                for code, n in sorted(report.items.items(), key=lambda pair: -pair[1])
            ),
        )
    if report.outside_scope:
        text += _("不在本方案适用范围内的 {n} 户不受影响。", n=report.outside_scope)
    if report.signed_excluded:
        text += _("已签约的 {n} 户保持签约时的方案，不受影响。", n=report.signed_excluded)
    if report.failed:
        text += _("有 {n} 户无法按草稿计算。", n=len(report.failed))
    return text


def _signed(fen: int) -> str:
    return ("+" if fen > 0 else "") + money.format_fen(fen)


class ImpactDialog(QDialog):
    """Households changed and money before / after / difference, per team and in total."""

    def __init__(self, report: ImpactReport, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("impactDialog")
        self.setWindowTitle(_("影响预览：{title}", title=title))
        self.summary = QLabel(impact_summary(report), self)
        self.summary.setWordWrap(True)
        heads = [_("工作组"), _("已核算户数"), _("变化户数"), _("现有核算（元）"),
                 _("按草稿（元）"), _("差额（元）")]  # fmt: skip
        rows = [
            (t.team_code, t.households, t.changed, t.before_fen, t.after_fen, t.delta_fen)
            for t in report.teams
        ]
        rows.append(
            (_("合计"), sum(t.households for t in report.teams), report.changed,
             report.before_fen, report.after_fen, report.delta_fen)
        )  # fmt: skip
        self.table = QTableWidget(len(rows), len(heads), self)
        self.table.setObjectName("impactTable")
        self.table.setHorizontalHeaderLabels(heads)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if c >= 3:
                    text = _signed(int(value)) if c == 5 else money.format_fen(int(value))
                else:
                    text = f"{value:,}" if isinstance(value, int) else str(value)
                item = QTableWidgetItem(text)
                if c > 0:
                    item.setTextAlignment(right)
                if r == len(rows) - 1:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(r, c, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for c, width in enumerate((90, 90, 80, 150, 150, 140)):
            self.table.setColumnWidth(c, width)
        # The comparison is with each household's stored calculation: where that is out of
        # date (a signing window closed, the survey changed) the difference includes it too.
        self.note = QLabel(
            _("“现有核算”是各户已保存的核算结果；签约的户按签约时的方案，不在表内。"
              "若某户的核算已过时（如调查数据已修改、限期奖励已过期），差额也包含这部分变化。"),
            self,
        )  # fmt: skip
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #666")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addWidget(self.note)
        if report.failed:
            failed = QLabel(
                _("无法计算的户：{list}",
                  list="；".join(f"{code}：{reason}" for code, reason in report.failed[:20])),
                self,
            )  # fmt: skip
            failed.setWordWrap(True)
            layout.addWidget(failed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, min(560, 200 + 30 * len(rows)))
