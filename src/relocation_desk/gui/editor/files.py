"""The photo and history pages of the household editor.

Thumbnails are decoded at thumbnail size (``QImageReader.setScaledSize``: a JPEG is decoded
at a fraction of its resolution); files above a few MB are read on a worker thread so a
folder of 10 MB phone photos never freezes the form.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRunnable, QSize, Qt, QThreadPool, Signal
from PySide6.QtGui import QIcon, QImage, QImageReader, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...i18n import _
from ...services.clock import shown

if TYPE_CHECKING:
    from ...services.households.service import FileRow, HistoryEntry

THUMB = QSize(160, 120)
SYNC_LIMIT_BYTES = 3 * 1024 * 1024  # smaller files are decoded at once, larger ones in a thread
_PATH_ROLE = Qt.ItemDataRole.UserRole


def read_thumbnail(path: Path, size: QSize = THUMB) -> QImage:
    """The image at ``path`` scaled to fit ``size`` (a null image if it cannot be read)."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)  # phone photos carry their rotation in EXIF
    original = reader.size()
    if original.isValid() and (
        original.width() > size.width() or original.height() > size.height()
    ):
        reader.setScaledSize(original.scaled(size, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    return image


class _Thumbnails(QObject):
    ready = Signal(str, QImage)


class _ThumbnailJob(QRunnable):
    def __init__(self, path: Path, sink: _Thumbnails) -> None:
        super().__init__()
        self.path, self.sink = path, sink

    def run(self) -> None:
        self.sink.ready.emit(str(self.path), read_thumbnail(self.path))


_sink: _Thumbnails | None = None


def _thumbnail_sink() -> _Thumbnails:
    # One long-lived emitter: a job finishing after its page closed must not emit on a
    # deleted object.
    global _sink
    if _sink is None:
        _sink = _Thumbnails()
    return _sink


class PhotosPage(QWidget):
    """Thumbnails of the household's photos; double-click opens one in the system viewer."""

    add_requested = Signal()
    open_requested = Signal(Path)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget(self)
        self.list.setObjectName("photoList")
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setIconSize(THUMB)
        self.list.setGridSize(QSize(THUMB.width() + 24, THUMB.height() + 40))
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setUniformItemSizes(True)
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(self._open)
        self.add_button = QPushButton(_("添加照片(&P)…"), self)
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add_requested)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.note, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.list, 1)
        self._items: dict[str, QListWidgetItem] = {}
        self._placeholder = QPixmap(THUMB)
        self._placeholder.fill(Qt.GlobalColor.lightGray)
        _thumbnail_sink().ready.connect(self._thumbnail_ready)

    def show_files(self, files: Sequence[FileRow], zone: tzinfo | None = None) -> None:
        self.list.clear()
        self._items.clear()
        pool = QThreadPool.globalInstance()
        for f in files:
            path, name = f.path, f.original_name
            item = QListWidgetItem(QIcon(self._placeholder), name)
            item.setData(_PATH_ROLE, str(path))
            added = shown(f.added_at, zone)
            item.setToolTip(_("{name}\n添加于 {at}", name=name, at=added))
            self.list.addItem(item)
            self._items[str(path)] = item
            try:
                size = path.stat().st_size
            except OSError:
                item.setText(_("{name}（文件缺失）", name=name))
                continue
            if size <= SYNC_LIMIT_BYTES:
                self._thumbnail_ready(str(path), read_thumbnail(path))
            else:
                pool.start(_ThumbnailJob(path, _thumbnail_sink()))

    def _thumbnail_ready(self, path: str, image: QImage) -> None:
        item = self._items.get(path)
        if item is not None and not image.isNull():
            item.setIcon(QIcon(QPixmap.fromImage(image)))

    def thumbnail_count(self) -> int:
        """Items showing a real thumbnail (for tests)."""
        return sum(
            1
            for item in self._items.values()
            if item.icon().pixmap(THUMB).toImage() != self._placeholder.toImage()
        )

    def _open(self, item: QListWidgetItem) -> None:
        self.open_requested.emit(Path(item.data(_PATH_ROLE)))


class HistoryPage(QTreeWidget):
    """What happened to the household, newest first; details under each entry."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyTree")
        self.setColumnCount(3)
        self.setHeaderLabels([_("时间"), _("操作人"), _("内容")])
        self.setColumnWidth(0, 140)
        self.setColumnWidth(1, 90)
        self.setRootIsDecorated(True)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)

    def show_entries(self, entries: Sequence[HistoryEntry], zone: tzinfo | None = None) -> None:
        self.clear()
        ordered = sorted(entries, key=lambda e: e.at, reverse=True)
        for e in ordered:
            at = shown(e.at, zone)
            top = QTreeWidgetItem([at, e.who, e.title])
            for line in e.details:
                child = QTreeWidgetItem(["", "", line])
                child.setToolTip(2, line)
                top.addChild(child)
            self.addTopLevelItem(top)
            top.setExpanded(True)
        if not ordered:
            self.addTopLevelItem(QTreeWidgetItem(["", "", _("还没有记录")]))

    def titles(self) -> list[str]:
        return [self.topLevelItem(i).text(2) for i in range(self.topLevelItemCount())]
