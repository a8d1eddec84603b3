"""公示轮次与照片…: a village's notice rounds with their posting period, verification code,
prints and photos; preview or reprint a round (identical to the first print), its changes
sheet, and attach photos of the posted sheet as proof of posting."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...i18n import _
from ...services.clock import project_today
from ...services.errors import UserError
from .. import dialogs
from ..columns import grow_to_contents
from . import common as notice_common
from .common import PAPERS, kind_labels, list_table, preview_round, village_combo

if TYPE_CHECKING:
    from ...services.households.choices import Choice
    from ...services.households.service import OperatorRef
    from ...services.notices.records import RoundSummary
    from ...storage.db import Database


def _columns() -> list[str]:
    return [_("公示"), _("范围"), _("轮次"), _("公示期"), _("异议截止"), _("验证码"), _("户数"),
            _("打印"), _("照片"), _("待处理异议")]  # fmt: skip


class RoundsDialog(QDialog):
    def __init__(
        self,
        db: Database,
        operator: OperatorRef | None,
        villages: tuple[Choice, ...],
        parent: QWidget | None = None,
        *,
        village_id: uuid.UUID | None = None,
    ) -> None:
        super().__init__(parent)
        from ...services.notices.records import NoticeRecords

        self.db, self.operator = db, operator
        self.records = NoticeRecords(db, operator)
        self.rounds: list[RoundSummary] = []
        self.setWindowTitle(_("公示轮次与照片"))

        self.village = village_combo(self, villages, village_id)
        self.paper = QComboBox(self)
        for paper in PAPERS:
            self.paper.addItem(paper, paper)
        self.table = list_table(self, _columns(), (110, 70, 50, 170, 90, 160, 50, 50, 50))
        self.empty = QLabel(self)
        self.empty.setObjectName("noRounds")

        self.preview_button = QPushButton(_("预览 / 重印…"), self)
        self.changes_button = QPushButton(_("变动情况表…"), self)
        self.photo_button = QPushButton(_("添加张贴照片…"), self)
        self.photos = QListWidget(self)
        self.photos.setMaximumHeight(110)
        self.photos_label = QLabel(_("张贴照片（双击打开）："), self)
        close = QPushButton(_("关闭"), self)
        for b in (self.preview_button, self.changes_button, self.photo_button, close):
            b.setAutoDefault(False)

        top = QHBoxLayout()
        top.addWidget(QLabel(_("村："), self))
        top.addWidget(self.village)
        top.addStretch(1)
        top.addWidget(QLabel(_("纸张："), self))
        top.addWidget(self.paper)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.changes_button)
        buttons.addWidget(self.photo_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.photos_label)
        layout.addWidget(self.photos)
        layout.addLayout(buttons)

        self.village.currentIndexChanged.connect(lambda _i: self.reload())
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _i: self.preview())
        self.preview_button.clicked.connect(self.preview)
        self.changes_button.clicked.connect(lambda: self.preview(changes=True))
        self.photo_button.clicked.connect(self.add_photo)
        self.photos.itemActivated.connect(self._open_photo)
        close.clicked.connect(self.reject)
        self.resize(1060, 520)
        self.reload()

    def village_id(self) -> uuid.UUID | None:
        value = self.village.currentData()
        return value if isinstance(value, uuid.UUID) else None

    def reload(self, select: uuid.UUID | None = None) -> None:
        village_id = self.village_id()
        current = self.selected()
        keep = select or (current.id if current is not None else None)
        self.rounds = self.records.rounds(village_id) if village_id is not None else []
        labels = kind_labels()
        today = project_today(self.db)
        self.table.setRowCount(len(self.rounds))
        for row, r in enumerate(self.rounds):
            cells = (
                labels[r.kind],
                r.group_name or _("整村"),
                str(r.round_no),
                _("{start} 至 {end}", start=r.posted_from.isoformat(), end=r.posted_to.isoformat()),
                r.objection_until.isoformat(),
                r.verification_code,
                str(r.households),
                str(r.print_count),
                str(r.photos),
                str(r.open_objections) if r.open_objections else "",
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col in (2, 6, 7, 8, 9):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, col, item)
            if r.posted_from <= today <= r.posted_to:
                self.table.item(row, 3).setToolTip(_("正在公示期内"))
                self.table.item(row, 3).setForeground(QColor("#1b7f3b"))
            if r.photos == 0:
                self.table.item(row, 8).setBackground(QColor("#fff4d6"))
                self.table.item(row, 8).setToolTip(_("还没有张贴照片"))
        grow_to_contents(self.table)
        self.empty.setText(
            _("这个村还没有发布过公示（菜单 公示 → 张榜公示）。") if not self.rounds else ""
        )
        self.empty.setVisible(not self.rounds)
        target = next((i for i, r in enumerate(self.rounds) if r.id == keep), 0)
        if self.rounds:
            self.table.selectRow(target)
        self._selection_changed()

    def selected(self) -> RoundSummary | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.rounds):
            return None
        return self.rounds[rows[0].row()]

    def _selection_changed(self) -> None:
        r = self.selected()
        for b in (self.preview_button, self.changes_button, self.photo_button):
            b.setEnabled(r is not None)
        self.changes_button.setEnabled(r is not None and r.round_no > 1)
        self.photos.clear()
        if r is None:
            return
        for photo in self.records.round_photos(r.id):
            taken = photo.taken_on.isoformat() if photo.taken_on else _("日期不详")
            item = QListWidgetItem(_("{date}  {name}", date=taken, name=photo.original_name))
            item.setData(Qt.ItemDataRole.UserRole, str(photo.path))
            self.photos.addItem(item)
        if not self.photos.count():
            self.photos.addItem(_("（还没有照片：张贴后请拍照并添加，作为已张贴的凭证）"))

    def preview(self, *, changes: bool = False) -> None:
        from ...services.notices.service import NoticeService

        r = self.selected()
        if r is None:
            return
        try:
            view = NoticeService(self.db, self.operator).get_round(r.id)
        except UserError as exc:
            dialogs.show_error(self, _("无法打开公示"), exc.message)
            return
        preview_round(
            self,
            self.db,
            self.operator,
            view,
            self.paper.currentData(),
            changes=changes,
            on_logged=lambda: self.reload(select=r.id),
        )

    def add_photo(self) -> None:
        from ...services.notices.service import NoticeService

        r = self.selected()
        if r is None:
            return
        answer = notice_common.ask_notice_photo(self, r.posted_from, project_today(self.db))
        if answer is None:
            return
        if answer.taken_on < r.posted_from:
            dialogs.show_error(
                self,
                _("日期不对"),
                _(
                    "拍摄日期 {taken} 早于公示开始日期 {start}：张贴照片应在张贴之后拍摄，"
                    "请核对日期。",
                    taken=answer.taken_on.isoformat(),
                    start=r.posted_from.isoformat(),
                ),
            )
            return
        try:
            NoticeService(self.db, self.operator).attach_photo(r.id, answer.path, answer.taken_on)
        except UserError as exc:
            dialogs.show_error(self, _("无法添加照片"), exc.message)
            return
        except OSError as exc:
            dialogs.show_error(
                self,
                _("无法添加照片"),
                _("照片没有保存：{error}\n请检查磁盘空间后再试。", error=exc.strerror or exc),
            )
            return
        self.reload(select=r.id)

    def _open_photo(self, item: QListWidgetItem) -> None:
        from pathlib import Path

        path = item.data(Qt.ItemDataRole.UserRole)
        if path and not dialogs.open_file(Path(path)):
            dialogs.show_error(self, _("无法打开照片"), _("找不到照片文件：{path}", path=str(path)))
