"""When to make an automatic backup, and making it.

A backup is made when the database is opened and then only when something was committed
since the last one. The change marker is what SQLite itself changes at every commit: the
size and modification time of the database file and of its ``-wal`` file. Reading it costs
two ``stat`` calls, so the GUI can ask every few minutes without touching the database.
"""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import select

from ...i18n import _
from ...storage import models as m
from ...storage.backup import AUTO_BACKUPS_KEPT, make_backup
from ...storage.db import Database
from ...storage.errors import StorageError
from ..project_settings.fields import BACKUP_FOLDER_SETTING
from ..settings import setting_value

BACKUP_EVERY_SETTING = "backup_every_minutes"
BACKUP_EVERY_DEFAULT = 30
AUTO_LABEL = "auto"
_MAX_MINUTES = 24 * 60

Marker = tuple[int, int, int, int]


def backup_every_minutes(db: Database) -> int:
    """Minutes between automatic backups (setting ``backup_every_minutes``; 0 turns the
    periodic ones off; a missing or unreadable value counts as the default, 30)."""
    with db.session() as s:
        project_id = s.scalar(select(m.Project.id).limit(1))
        raw = setting_value(s, project_id, BACKUP_EVERY_SETTING) if project_id else None
    if isinstance(raw, int) and not isinstance(raw, bool) and 0 <= raw <= _MAX_MINUTES:
        return raw
    return BACKUP_EVERY_DEFAULT


def backup_folder(db: Database) -> Path | None:
    """The folder for automatic backups (setting ``backup_folder``), or None for
    ``backups/`` beside the database."""
    with db.session() as s:
        project_id = s.scalar(select(m.Project.id).limit(1))
        raw = setting_value(s, project_id, BACKUP_FOLDER_SETTING) if project_id else None
    return Path(raw) if isinstance(raw, str) and raw.strip() else None


def change_marker(path: Path) -> Marker:
    """Changes whenever a transaction is committed to the SQLite file at ``path``."""
    marker = []
    for file in (path, Path(str(path) + "-wal")):
        try:
            st = file.stat()
            marker += [st.st_size, st.st_mtime_ns]
        except OSError:
            marker += [-1, -1]
    return (marker[0], marker[1], marker[2], marker[3])


class AutoBackups:
    """The automatic backups of one open SQLite database (thread-safe: the GUI runs
    :meth:`backup_if_changed` on a worker thread)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._marker: Marker | None = None
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.db.path is not None

    def changed(self) -> bool:
        """Whether anything was committed since the last automatic backup."""
        return self.enabled and (
            self.db.path is not None and change_marker(self.db.path) != self._marker
        )

    def backup_if_changed(self) -> Path | None:
        """Make a rotated backup (the newest ``AUTO_BACKUPS_KEPT`` are kept) if the database
        changed since the last one; returns its path, or None when there was nothing new."""
        path = self.db.path
        if path is None:
            return None
        with self._lock:
            before = change_marker(path)
            if before == self._marker:
                return None
            folder = backup_folder(self.db)
            if folder is not None and not folder.is_dir():
                # Not made on the spot: a missing folder is usually a USB stick taken out,
                # and a backup on the laptop's own disk instead would go unnoticed.
                raise StorageError(
                    _(
                        "自动备份文件夹 {folder} 不存在（U 盘是否已拔出？）：请插上它，"
                        "或在“设置 → 项目设置”中改为另一个文件夹",
                        folder=folder,
                    )
                )
            made = make_backup(
                self.db.engine, path, label=AUTO_LABEL, keep=AUTO_BACKUPS_KEPT, folder=folder
            )
            # A commit during the copy is not in it: keep the marker from before, so the
            # next round backs it up.
            self._marker = before
            return made
