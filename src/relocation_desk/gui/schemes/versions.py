"""The version list of the scheme window: each scheme with its versions, newest first.

A version row carries its id (``VERSION_ID_ROLE``); drafts are marked bold. Published versions
show who published them and when.
"""

from __future__ import annotations

import uuid
from datetime import tzinfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from ...i18n import _
from ...services.clock import project_zone, shown
from ...services.schemes.service import SchemeSummary

VERSION_ID_ROLE = Qt.ItemDataRole.UserRole


class VersionTree(QTreeWidget):
    def __init__(self, parent: QWidget | None = None, zone: tzinfo | None = None) -> None:
        super().__init__(parent)
        self.zone = project_zone(zone)  # the project's, for the times shown
        self.setObjectName("schemeVersions")
        self.setHeaderLabels(
            [_("方案 / 版本"), _("状态"), _("生效日期"), _("项目数"), _("发布人"), _("发布时间")]
        )
        for col, width in enumerate((440, 70, 100, 60, 90, 140)):
            self.setColumnWidth(col, width)
        self.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)

    def fill(self, schemes: list[SchemeSummary], select: uuid.UUID | None) -> uuid.UUID | None:
        """Show ``schemes``; make ``select`` (else the newest version) current, without
        signals, and return its id (None when there is no version at all)."""
        self.blockSignals(True)
        try:
            self.clear()
            chosen: QTreeWidgetItem | None = None
            first: QTreeWidgetItem | None = None
            for scheme in schemes:
                top = QTreeWidgetItem([scheme.name])
                top.setToolTip(0, scheme.name)
                self.addTopLevelItem(top)
                for v in scheme.versions:
                    at = shown(v.published_at, self.zone) if v.published_at else ""
                    row = QTreeWidgetItem(
                        [_("第{n}版", n=v.version_no),
                         _("草稿") if v.is_draft else _("已发布"),
                         v.effective_date.isoformat(), str(v.item_count), v.published_by, at]
                    )  # fmt: skip
                    row.setData(0, VERSION_ID_ROLE, v.id)
                    if v.is_draft:
                        font = row.font(1)
                        font.setBold(True)
                        row.setFont(1, font)
                    top.addChild(row)
                    first = first or row
                    if v.id == select:
                        chosen = row
                top.setFirstColumnSpanned(True)
                top.setExpanded(True)
            target = chosen or first
            if target is not None:
                self.setCurrentItem(target)
        finally:
            self.blockSignals(False)
        return target.data(0, VERSION_ID_ROLE) if target is not None else None

    @staticmethod
    def version_of(item: QTreeWidgetItem | None) -> uuid.UUID | None:
        """The version a row stands for; a scheme's row stands for its newest version."""
        if item is None:
            return None
        found = item.data(0, VERSION_ID_ROLE)
        if found is None and item.childCount():
            found = item.child(0).data(0, VERSION_ID_ROLE)
        return found
