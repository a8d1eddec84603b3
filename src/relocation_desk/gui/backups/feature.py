"""文件 → 备份到U盘…, 从备份恢复…; and the automatic backups of the open database."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QElapsedTimer, QEvent, QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication

from ...i18n import _
from ...services.backups import (
    AutoBackups,
    backup_every_minutes,
    backup_folder,
    verify_audit_chain,
)
from ...services.clock import project_zone, shown, utc_now
from ...storage.backup import backup_database, backup_dir
from ...storage.db import Database
from ...storage.errors import StorageError
from ...storage.restore import RestoreReport, is_other_project, read_backup, restore_backup
from .. import dialogs
from ..background import run_busy
from ..tasks import BackgroundTask

if TYPE_CHECKING:
    from ..hosts import FeatureWindow

log = logging.getLogger(__name__)

CHECK_EVERY_MS = 60_000  # how often to look whether a periodic backup is due
MS_PER_MINUTE = 60_000
# The backup on opening copies the whole file (1.4 GB at 100,000 households); started while
# the clerk is already posting a notice, its writes to disk made every commit wait twice as
# long. It starts once nobody has pressed a key or the mouse for this long instead.
QUIET_BEFORE_OPENING_MS = 8_000
QUIET_CHECK_MS = 1_000
_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.Wheel,
    }
)


def install(window: FeatureWindow) -> None:
    menu = window.menus["file"]
    actions = menu.actions()
    before = actions[-1] if actions else None  # 退出 stays last
    to_stick = QAction(_("备份到U盘(&B)…"), window)
    to_stick.triggered.connect(lambda: backup_to_folder(window))
    restore = QAction(_("从备份恢复(&T)…"), window)
    restore.triggered.connect(lambda: restore_from_backup(window))
    menu.insertAction(before, to_stick)
    menu.insertAction(before, restore)
    menu.insertSeparator(before)
    window.backup_to_stick_action = to_stick  # type: ignore[attr-defined]
    window.restore_action = restore  # type: ignore[attr-defined]
    window.auto_backups = AutoBackupTimer(window)  # type: ignore[attr-defined]


def _sqlite_path(window: FeatureWindow) -> tuple[Database, Path] | None:
    db = window.db
    if db is None:
        return None
    if db.path is None:
        dialogs.show_error(
            window,
            _("不能在此备份或恢复"),
            _("服务器上的数据库（PostgreSQL）请由管理员用 pg_dump / pg_restore 备份和恢复"),
        )
        return None
    return db, db.path


def backup_to_folder(window: FeatureWindow) -> Path | None:
    found = _sqlite_path(window)
    if found is None:
        return None
    db, _path = found
    folder = dialogs.ask_backup_folder(window)
    if folder is None:
        return None
    try:
        made = run_busy(window, _("正在备份…"), lambda: backup_database(db, folder))
    except StorageError as exc:
        dialogs.show_error(window, _("备份未完成"), exc.message)
        return None
    dialogs.show_info(
        window,
        _("备份完成"),
        _("已备份到：{path}\n请在拔出U盘前先在系统中“安全弹出”。", path=made),
    )
    return made


def restore_from_backup(window: FeatureWindow) -> RestoreReport | None:
    found = _sqlite_path(window)
    if found is None:
        return None
    db, path = found
    zone = project_zone(db)
    editor = getattr(window, "editor", None)
    try:
        editing = editor is not None and editor.isVisible()
    except RuntimeError:  # the editor was closed and deleted
        editing = False
    if editing:
        dialogs.show_error(
            window,
            _("不能恢复"),
            _("请先保存并关闭农户编辑窗口，再从备份恢复。"),
        )
        return None
    chosen = dialogs.ask_backup_file(window, backup_dir(path, backup_folder(db)))
    if chosen is None:
        return None
    try:
        facts = run_busy(window, _("正在检查备份…"), lambda: read_backup(chosen))
    except StorageError as exc:
        dialogs.show_error(window, _("不能用这个备份恢复"), exc.message)
        return None
    other = is_other_project(facts, path)
    question = _(
        "用 {at} 的备份替换当前数据库？\n备份：{backup}\n项目：{names}，农户 {households} 户\n"
        "当前数据库会先另存一份，恢复后可从它找回。",
        at=shown(facts.made_at, zone),
        backup=chosen,
        names="、".join(facts.project_names) or "—",
        households=facts.households,
    )
    if other:
        question = _("注意：这是另一个项目的备份，恢复后当前项目将被它替换！") + "\n\n" + question
    if not dialogs.ask_confirm(window, _("从备份恢复"), question):
        return None
    timer: AutoBackupTimer = window.auto_backups  # type: ignore[attr-defined]
    timer.stop()
    db.close()
    try:
        report = run_busy(
            window,
            _("正在恢复…"),
            lambda: restore_backup(chosen, path, force=other, verify=verify_audit_chain),
        )
    except StorageError as exc:
        window.open_path(path)
        dialogs.show_error(window, _("恢复未完成"), exc.message)
        return None
    window.open_path(path)
    text = _(
        "已从 {at} 的备份恢复（农户 {households} 户，数据库版本 {revision}）。",
        at=shown(report.backup.made_at, zone),
        households=report.backup.households,
        revision=", ".join(report.backup.revisions),
    )
    if report.safety_copy is not None:
        text += "\n" + _("恢复前的数据库已另存为：{path}", path=report.safety_copy)
    dialogs.show_info(window, _("恢复完成"), text)
    return report


class AutoBackupTimer(QObject):
    """Backs up the open database soon after it is opened (at the first quiet moment, see
    ``QUIET_BEFORE_OPENING_MS``) and every ``backup_every_minutes`` minutes if it changed, on a
    worker thread; a failure is shown once until one succeeds."""

    def __init__(self, window: FeatureWindow) -> None:
        super().__init__(window)
        self.window = window
        self.backups: AutoBackups | None = None
        self.task: BackgroundTask | None = None
        self.last_made: Path | None = None
        self._failing = False
        self.opening_pending = False
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.tick)
        self._quiet = QTimer(self)  # waits for a quiet moment to make the opening backup
        self._quiet.setInterval(QUIET_CHECK_MS)
        self._quiet.timeout.connect(self._opening_if_quiet)
        self._quiet_since = QElapsedTimer()
        window.database_changed.connect(self.start)
        window.installEventFilter(self)
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self)  # key and mouse presses anywhere in the program

    def start(self, db: Database) -> None:
        self.stop()
        if db.path is None:
            return
        self.backups = AutoBackups(db)
        minutes = backup_every_minutes(db)
        self.interval_ms = minutes * MS_PER_MINUTE
        self.opening_pending = True
        self._quiet_since.start()
        self._quiet.start()
        self._opening_if_quiet()
        if minutes > 0:
            self._timer.start(min(CHECK_EVERY_MS, self.interval_ms))
        self._due_in = self.interval_ms

    def _opening_if_quiet(self) -> None:
        if not self.opening_pending:
            self._quiet.stop()
        elif not self.window.isVisible():
            return  # a closed window backs up nothing; the next opening does
        elif QApplication.activeModalWidget() is not None:
            self._quiet_since.restart()  # a dialog or long work is under way
        elif self._quiet_since.elapsed() >= QUIET_BEFORE_OPENING_MS:
            self.start_opening_backup()

    def start_opening_backup(self) -> None:
        """Make the opening backup now if it is still to be made (the quiet wait ends)."""
        if self.opening_pending:
            self.opening_pending = False
            self._quiet.stop()
            self._run()

    def tick(self) -> None:
        if self.opening_pending:
            return  # the opening backup comes first
        self._due_in -= self._timer.interval()
        if self._due_in > 0:
            return
        self._due_in = self.interval_ms
        if self.backups is not None and self.backups.changed():
            self._run()

    def _run(self) -> None:
        backups = self.backups
        if backups is None or (self.task is not None and self.task.is_running()):
            return
        task = BackgroundTask(lambda _progress, _cancel: backups.backup_if_changed(), self)
        task.succeeded.connect(self._made)
        task.failed.connect(self._failed)
        self.task = task
        task.start()

    def _made(self, made: object) -> None:
        self._failing = False
        if isinstance(made, Path):
            self.last_made = made
            label = getattr(self.window, "backup_label", None)  # the main window's status bar
            if label is not None:
                at = shown(utc_now(), self.window.db)
                label.setText(_("最近备份：{at}", at=at))

    def _failed(self, exc: object) -> None:
        if self._failing:
            return
        self._failing = True
        message = exc.message if isinstance(exc, StorageError) else str(exc)
        if not self.window.isVisible():  # closed meanwhile: nobody to tell but the log
            log.warning("automatic backup failed after the window closed: %s", message)
            return
        dialogs.show_error(
            self.window,
            _("自动备份失败"),
            _(
                "自动备份没有完成：{reason}\n数据库本身未受影响；请尽快处理，然后用“备份到U盘”备份一次。",
                reason=message,
            ),
        )

    def wait(self) -> None:
        """Let a running backup finish (before the database is closed or replaced)."""
        if self.task is not None and self.task.is_running():
            self.task.wait()
            self.task = None

    def stop(self) -> None:
        self._timer.stop()
        self._quiet.stop()
        self.opening_pending = False
        self.wait()
        self.backups = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in _INPUT_EVENTS:
            self._quiet_since.restart()
        elif kind == QEvent.Type.Close and watched is self.window:
            self.wait()  # the window closes its database next
        return False
