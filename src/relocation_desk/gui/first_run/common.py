"""Small widgets the wizard's pages share: the error line and a path with 浏览…."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from ...i18n import _
from ...services.households.service import OperatorRef

PROJECTS_FOLDER = "征收补偿项目"


class Finish(Protocol):
    """What a final page calls with the project to open (the wizard's ``finish_with``):
    the file, who is signed in to it already (or None) and a note to show once it is open."""

    def __call__(self, path: Path, operator: OperatorRef | None, note: str = "") -> None: ...


class ErrorLine(QLabel):
    """What is wrong on this page, in red; hidden while nothing is."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("pageError")
        self.setWordWrap(True)
        self.setStyleSheet("color: #b00020;")
        self.hide()

    def say(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))


class PathRow(QWidget):
    """A file path typed or chosen with 浏览…; ``choose(parent, start)`` asks for one.

    With a ``folder``, a file in it is shown by its name alone (a bare name typed is taken
    as in that folder) and the folder by its last two names beside it ("在 Documents/征收补偿项目
    文件夹中"); the full paths are their tooltips."""

    def __init__(
        self,
        parent: QWidget,
        name: str,
        choose: Callable[[QWidget, str], Path | None],
        text: str = "",
        folder: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.folder = folder
        self.edit = QLineEdit(self)
        self.edit.setObjectName(name)
        self.where = QLabel(self)
        self.where.setObjectName(name + "Folder")
        if folder is not None:
            short = Path(folder.parent.name) / folder.name
            self.where.setText(_("在 {folder} 文件夹中", folder=short))
            self.where.setToolTip(str(folder))
        self.edit.textChanged.connect(self._show_full_path)
        self.set_path(text)
        self.browse = QPushButton(_("浏览…"), self)
        self.browse.setObjectName(name + "Browse")
        self.browse.clicked.connect(self._browse)
        self._choose = choose
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.where)
        row.addWidget(self.browse)

    def _browse(self) -> None:
        chosen = self.path()
        path = self._choose(self, str(chosen) if chosen is not None else "")
        if path is not None:
            self.set_path(path)

    def set_path(self, path: Path | str) -> None:
        text = str(path)
        if self.folder is not None and text and Path(text).parent == self.folder:
            text = Path(text).name
        self.edit.setText(text)

    def path(self) -> Path | None:
        text = self.edit.text().strip()
        if not text:
            return None
        path = Path(text).expanduser()
        if self.folder is not None and not path.is_absolute() and path.parent == Path("."):
            return self.folder / path
        return path

    def _show_full_path(self) -> None:
        path = self.path()
        self.edit.setToolTip(str(path) if path is not None else "")
        in_folder = self.folder is not None and path is not None and path.parent == self.folder
        self.where.setVisible(in_folder)


def documents_folder() -> Path:
    """Where new project files go by default: 征收补偿项目 in the user's documents folder."""
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs or Path.home()) / PROJECTS_FOLDER


def free_name(folder: Path, stem: str, suffix: str = ".sqlite") -> Path:
    """``folder/stem.sqlite``, or ``stem-2.sqlite`` … when that file exists already."""
    candidate = folder / f"{stem}{suffix}"
    n = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{n}{suffix}"
        n += 1
    return candidate
