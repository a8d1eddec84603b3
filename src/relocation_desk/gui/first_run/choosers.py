"""The file questions of the first-run wizard, as small functions tests replace."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from ...i18n import _


def _open(parent: QWidget | None, title: str, start: str, pattern: str) -> Path | None:
    path, _filter = QFileDialog.getOpenFileName(parent, title, start, pattern)
    return Path(path) if path else None


def ask_project_file(parent: QWidget | None, start: str = "") -> Path | None:
    """An existing project file to open."""
    return _open(parent, _("打开已有项目"), start, _("征收补偿项目 (*.sqlite *.db);;所有文件 (*)"))


def ask_new_project_file(parent: QWidget | None, suggested: str) -> Path | None:
    """Where a new project file goes (``suggested``: a full path)."""
    path, _filter = QFileDialog.getSaveFileName(
        parent, _("新项目保存到"), suggested, _("征收补偿项目 (*.sqlite)")
    )
    if not path:
        return None
    result = Path(path)
    return result if result.suffix.lower() in (".sqlite", ".db") else result.with_suffix(".sqlite")


def ask_join_package(parent: QWidget | None, start: str = "") -> Path | None:
    """HQ's join package (``.rdpkg``)."""
    return _open(parent, _("选择加入包"), start, _("指挥部加入包 (*.rdpkg);;所有文件 (*)"))


def ask_layout_xlsx(parent: QWidget | None, start: str = "") -> Path | None:
    """An xlsx file with the new project's teams, villages and groups."""
    return _open(parent, _("从 Excel 读取工作组和村组"), start, _("Excel 工作簿 (*.xlsx)"))


def ask_scheme_file(parent: QWidget | None, start: str = "") -> Path | None:
    """A compensation scheme file (the format ``scheme export`` writes)."""
    return _open(parent, _("选择补偿方案文件"), start, _("补偿方案 (*.json);;所有文件 (*)"))
