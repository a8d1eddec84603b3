"""冲突处理: HQ's conflicts from merging team packages, compared side by side and decided.

The list is filtered by state (open / decided), team and kind; the selected conflict shows
HQ's values against the team's (for a household changed on both sides or moved) and what the
merge recorded. A decision needs a note; it is saved at once (one transaction, audited) and
travels back to the team in HQ's next package.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...i18n import _
from ...services.access import Actor
from ...services.clock import shown
from ...services.errors import UserError
from ...services.exchange import conflicts as service
from ...services.exchange.routine import teams
from ...storage.db import Database
from .. import dialogs
from ..columns import fit_columns, fit_small_table, grow_to_contents

_ID = Qt.ItemDataRole.UserRole
LIST_COLUMNS = (
    "类型",
    "工作组",
    "农户",
    "状态",
    "发现时间",
    "说明",
)  # 说明 last: it takes the rest
DIFF_COLUMNS = ("内容", "指挥部的", "工作组的")


def _item(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


class ConflictsWindow(QDialog):
    """The conflicts of this HQ database. ``decided`` carries the household id (or None)
    of a conflict just decided."""

    decided = Signal(object)

    def __init__(self, db: Database, operator: Actor | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.operator = operator
        self.setWindowTitle(_("冲突处理"))
        self.setModal(False)
        self.views: list[service.ConflictView] = []
        self.details: service.ConflictDetails | None = None

        self.status = QComboBox(self)
        self.status.setObjectName("conflictStatus")
        for label, value in ((_("未处理"), "open"), (_("已处理"), "decided"), (_("全部"), None)):
            self.status.addItem(label, value)
        self.team = QComboBox(self)
        self.team.setObjectName("conflictTeam")
        self.team.addItem(_("全部工作组"), None)
        for t in teams(db):
            self.team.addItem(f"{t.code} {t.name}", t.team_id)
        self.kind = QComboBox(self)
        self.kind.setObjectName("conflictKind")
        self.kind.addItem(_("全部类型"), None)
        for code, label in service.KINDS.items():
            self.kind.addItem(_(label), code)
        refresh = QPushButton(_("刷新"), self)
        refresh.clicked.connect(self.reload)
        filters = QHBoxLayout()
        for label, combo in ((_("状态："), self.status), (_("工作组："), self.team),
                             (_("类型："), self.kind)):  # fmt: skip
            filters.addWidget(QLabel(label, self))
            filters.addWidget(combo)
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        filters.addStretch(1)
        filters.addWidget(refresh)

        self.table = QTableWidget(0, len(LIST_COLUMNS), self)
        self.table.setObjectName("conflictList")
        self.table.setHorizontalHeaderLabels([_(c) for c in LIST_COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        # Every kind, state and time whole, in either language, however few rows are listed.
        fit_columns(self.table, samples={
            0: [_(label) for label in service.KINDS.values()],
            3: [_("未处理"), *(_(label) for label in service.DECISIONS.values())],
            4: ["2026-12-31 23:59"],
        })  # fmt: skip
        self.table.itemSelectionChanged.connect(self._selected)
        self.count = QLabel(self)

        self.summary = QLabel(self)
        self.summary.setObjectName("conflictSummary")
        self.summary.setWordWrap(True)
        self.differences = QTableWidget(0, len(DIFF_COLUMNS), self)
        self.differences.setObjectName("conflictDifferences")
        self.differences.setHorizontalHeaderLabels([_(c) for c in DIFF_COLUMNS])
        self.differences.verticalHeader().setVisible(False)
        header = self.differences.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.differences.setColumnWidth(0, 220)
        self.differences.setColumnWidth(1, 200)
        self.facts = QLabel(self)
        self.facts.setObjectName("conflictFacts")
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note = QPlainTextEdit(self)
        self.note.setObjectName("conflictNote")
        self.note.setPlaceholderText(_("处理理由（必填，会随决定一起发回工作组）"))
        self.note.setMaximumHeight(70)
        self.buttons: dict[str, QPushButton] = {}
        decide_row = QHBoxLayout()
        decide_row.addStretch(1)
        for code, label in service.DECISIONS.items():
            button = QPushButton(_(label), self)
            button.setObjectName(f"decide_{code}")
            button.clicked.connect(lambda _c=False, d=code: self.decide(d))
            button.setEnabled(False)
            self.buttons[code] = button
            decide_row.addWidget(button)

        right = QWidget(self)
        side = QVBoxLayout(right)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.summary)
        side.addWidget(self.differences, 1)
        side.addWidget(self.facts)
        side.addWidget(QLabel(_("处理理由："), self))
        side.addWidget(self.note)
        side.addLayout(decide_row)
        left = QWidget(self)
        listing = QVBoxLayout(left)
        listing.setContentsMargins(0, 0, 0, 0)
        listing.addWidget(self.table, 1)
        listing.addWidget(self.count)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([680, 500])
        close = QPushButton(_("关闭"), self)
        close.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        self.resize(1200, 640)
        self.reload()

    # --- the list ---------------------------------------------------------------------------
    def reload(self) -> None:
        keep = self.selected_id()
        self.views = service.list_conflicts(
            self.db, self.operator, status=self.status.currentData(),
            team_id=self.team.currentData(), kind=self.kind.currentData(),
        )  # fmt: skip
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.views))
        for row, v in enumerate(self.views):
            state = _("未处理") if v.status == "open" else v.decision_label
            household = f"{v.household_code} {v.head_name}".strip()
            for col, text in enumerate((v.kind_label, v.team, household, state,
                                        shown(v.created_at, self.db), v.summary)):  # fmt: skip
                item = _item(text)
                item.setToolTip(text)
                item.setData(_ID, v.id)
                self.table.setItem(row, col, item)
        self.table.blockSignals(False)
        grow_to_contents(self.table)  # the teams' and households' names whole
        self.count.setText(_("共 {n} 个", n=len(self.views)))
        rows = [i for i, v in enumerate(self.views) if v.id == keep]
        if rows:
            self.table.selectRow(rows[0])
        elif self.views:
            self.table.selectRow(0)
        self._selected()

    def selected_id(self) -> uuid.UUID | None:
        items = self.table.selectedItems()
        return items[0].data(_ID) if items else None  # type: ignore[no-any-return]

    # --- the selected conflict --------------------------------------------------------------
    def _selected(self) -> None:
        cid = self.selected_id()
        self.details = None
        self.differences.setRowCount(0)
        for button in self.buttons.values():
            button.setEnabled(False)
        if cid is None:
            self.summary.setText(_("没有冲突。") if not self.views else "")
            self.facts.clear()
            return
        try:
            d = service.conflict_details(self.db, self.operator, cid)
        except UserError as exc:
            self.summary.setText(exc.message)
            self.facts.clear()
            return
        self.details = d
        v = d.view
        text = _("{kind}：{summary}", kind=v.kind_label, summary=v.summary)
        if v.status == "decided":
            text += "\n" + _(
                "已处理：{decision}（{who}，{at}）理由：{note}",
                decision=v.decision_label, who=v.decided_by or _("未记录"),
                at=shown(v.decided_at, self.db) if v.decided_at else "", note=v.note,
            )  # fmt: skip
            text += "\n" + (_("已随指挥部数据包发回工作组") if v.sent_back
                            else _("将随下一个发给该工作组的指挥部数据包发回"))  # fmt: skip
        self.summary.setText(text)
        self.differences.setRowCount(len(d.differences))
        for row, diff in enumerate(d.differences):
            for col, value in enumerate((diff.path, diff.hq, diff.team)):
                self.differences.setItem(row, col, _item(value))
        if d.differences:  # a few rows: each value whole where the width allows
            fit_small_table(self.differences, stretch_last=True)
        lines = [_("{label}：{value}", label=label, value=value) for label, value in d.facts]
        if d.more:
            lines.append(_("另有 {n} 处不同未列出", n=d.more))
        if not d.differences and v.kind in ("both_changed", "moved"):
            lines.append(_("没有可对照的记录（工作组的记录未随冲突保存，或指挥部没有这户）"))
        self.facts.setText("\n".join(lines))
        for code, button in self.buttons.items():
            button.setEnabled(v.status == "open" and code in d.decisions)

    def decide(self, decision: str) -> service.ConflictView | None:
        d = self.details
        if d is None:
            return None
        try:
            view = service.decide(
                self.db, self.operator, d.view.id, decision, self.note.toPlainText()
            )
        except UserError as exc:
            dialogs.show_error(self, _("未能处理"), exc.message)
            return None
        self.note.clear()
        self.reload()
        self.decided.emit(view.household_id if decision == "take_team" else None)
        return view
