"""全部重新计算: every calculated household against the scheme in force, on a worker thread.

The worker opens its own service (``services.recompute``), so the GUI thread's database use
and the worker's never share a session. Progress arrives after each batch of
``calculations.BATCH`` households (one transaction each); 取消 sets an event the service checks
before every household: what was computed so far is committed, every household is either fully
recomputed or untouched, and running it again finishes the rest. At the end the dialog shows
the counts and emits ``done(summary, changed_ids)``: the households whose register figures
changed.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...i18n import _
from ...services.calculation.service import BATCH, Summary
from ...services.errors import UserError
from ...services.households.service import OperatorRef
from ...storage.db import Database
from ...storage.errors import StorageError
from ..tasks import BackgroundTask
from . import common

__all__ = ["RecomputeDialog", "summary_text"]

MAX_FAILURES_SHOWN = 200


class RecomputeDialog(QDialog):
    """Runs at once when shown (``start()``); 取消 stops it, 关闭 when it has ended."""

    done = Signal(object, object)  # Summary, changed households' ids (None: too many to list)

    def __init__(
        self, db: Database, operator: OperatorRef | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("recomputeDialog")
        self.setWindowTitle(_("全部重新计算"))
        self.db = db
        self.operator = operator
        self.summary: Summary | None = None
        self.changed_ids: list[uuid.UUID] | None = []
        self.error: str = ""
        self.task: BackgroundTask | None = None
        self.batch = BATCH  # households per transaction (and per progress step)
        self.max_ids: int | None = None  # more changed households: ``changed_ids`` is None
        self.label = QLabel(
            _("按 {day} 生效的补偿方案重新计算全部已核算的户…", day=common.today(db)), self
        )
        self.label.setWordWrap(True)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)  # busy until the first batch reports the total
        self.bar.setFormat(_("%v / %m 户"))
        self.bar.setMinimumWidth(420)
        self.report = QPlainTextEdit(self)
        self.report.setObjectName("recomputeReport")
        self.report.setReadOnly(True)
        self.report.setVisible(False)
        self.cancel_button = QPushButton(_("取消"), self)
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = QPushButton(_("关闭"), self)
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.accept)
        self.close_button.setVisible(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.report, 1)
        layout.addLayout(buttons)
        self.setMinimumWidth(520)

    def start(self) -> None:
        from ...services.calculation.recompute import recompute_all_with_changes

        db, operator, as_of = self.db, self.operator, common.today(self.db)
        batch, max_ids = self.batch, self.max_ids

        def work(progress: object, cancel: object) -> object:
            return recompute_all_with_changes(
                db, operator, as_of=as_of, progress=progress, cancel=cancel, batch=batch,
                max_ids=max_ids,
            )  # type: ignore[arg-type]  # fmt: skip

        task = BackgroundTask(work, self)
        task.progress.connect(self._progress)
        task.succeeded.connect(self._succeeded)
        task.failed.connect(self._failed)
        self.task = task
        task.start()

    def is_running(self) -> bool:
        return self.task is not None and self.summary is None and not self.error

    def cancel(self) -> None:
        if self.task is not None and self.is_running():
            self.task.cancel()
            self.cancel_button.setEnabled(False)
            self.cancel_button.setText(_("正在取消…"))
            self.label.setText(_("正在取消：算完手头这一户后停止，已算完的会保存…"))

    def _progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        if not (self.task and self.task.cancel_event.is_set()):
            self.label.setText(
                _("正在重新计算：{done} / {total} 户", done=f"{done:,}", total=f"{total:,}")
            )

    def _succeeded(self, result: object) -> None:
        summary, changed = result  # type: ignore[misc]
        self.summary, self.changed_ids = summary, changed
        if self.bar.maximum() == 0:  # nothing to do: no batch reported
            self.bar.setRange(0, 1)
            self.bar.setValue(1 if not summary.cancelled else 0)
        self.label.setText(
            _("已取消。已算完的户已保存，其余的户保持原来的核算。")
            if summary.cancelled
            else _("重新计算完成。")
        )
        self.report.setPlainText(summary_text(summary))
        self._ended()
        self.done.emit(summary, self.changed_ids)

    def _failed(self, exc: object) -> None:
        if isinstance(exc, UserError | StorageError):
            self.error = exc.message
        else:  # a bug: the worker logged its traceback
            self.error = _("程序错误（已记入日志）：{error}", error=repr(exc))
        self.label.setText(_("重新计算中断：{error}", error=self.error))
        self.report.setPlainText(
            _("已完成的批次已保存；其余的户保持原来的核算。可以稍后再次运行“全部重新计算”。")
        )
        self._ended()

    def _ended(self) -> None:
        self.report.setVisible(True)
        self.cancel_button.setVisible(False)
        self.close_button.setVisible(True)
        self.close_button.setDefault(True)
        self.resize(max(self.width(), 560), max(self.height(), 320))

    def reject(self) -> None:
        # Esc or the window's close button while running: cancel and wait for the batch.
        if self.is_running():
            self.cancel()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.is_running():
            self.cancel()
            event.ignore()
            return
        super().closeEvent(event)

    def wait(self, ms: int = 60_000) -> bool:
        return self.task.wait(ms) if self.task is not None else True


def summary_text(summary: Summary) -> str:
    lines = [
        _("有变化，已生成新版本：{n} 户", n=f"{summary.changed:,}"),
        _("没有变化：{n} 户", n=f"{summary.unchanged:,}"),
        _("无法计算：{n} 户", n=f"{len(summary.failed):,}"),
        _("已签约，保持协议金额：{n} 户", n=f"{summary.signed_kept:,}"),
    ]
    if summary.cancelled:
        lines.append(_("（已取消：其余的户未重新计算）"))
    if summary.changed:
        lines.append(_("有变化的户须重新复核。"))
    if summary.failed:
        lines.append("")
        lines.append(_("无法计算的户："))
        lines += [f"{code}：{reason}" for code, reason in summary.failed[:MAX_FAILURES_SHOWN]]
        if len(summary.failed) > MAX_FAILURES_SHOWN:
            lines.append(_("……另有 {n} 户", n=len(summary.failed) - MAX_FAILURES_SHOWN))
    return "\n".join(lines)
