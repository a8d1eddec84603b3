"""The import wizard's question for villages the open project does not know: which team
takes each one. Nothing is guessed: a village left unanswered keeps its households out of
the import, and the check page says so row by row.

May use: ``services.ledger`` (which villages are unknown, the project's teams).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...i18n import _


class VillageTeams(QWidget):
    """A table 村 / 工作组 for the unknown villages; ``answers()`` → village → team code."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("villageTeams")
        self.note = QLabel(
            _("以下村在本项目中还没有（或没有指定工作组）。请为每个村选择负责的工作组；"
              "未选择的村，其农户不导入。"),
            self,
        )  # fmt: skip
        self.note.setWordWrap(True)
        self.table = QTableWidget(0, 2, self)
        self.table.setHorizontalHeaderLabels([_("村"), _("工作组")])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setMaximumHeight(140)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.note)
        layout.addWidget(self.table)
        self._answers: dict[str, str] = {}

    def load(self, analysis: Any, target: Any) -> None:
        """Ask about the villages of ``analysis`` that ``target``'s project does not know."""
        from ...services.ledger.importer import unknown_villages
        from ...services.ledger.write import village_teams

        _known, teams = village_teams(target)
        unknown = unknown_villages(analysis, target)
        self._answers = {v: t for v, t in self._answers.items() if v in unknown}
        self.table.setRowCount(len(unknown))
        for row, village in enumerate(unknown):
            item = QTableWidgetItem(village)
            self.table.setItem(row, 0, item)
            combo = QComboBox(self.table)
            combo.addItem(_("（请选择）"), None)
            for code in teams:
                combo.addItem(code, code)
            combo.setCurrentIndex(max(combo.findData(self._answers.get(village)), 0))
            combo.currentIndexChanged.connect(lambda _i, v=village, box=combo: self._chosen(v, box))
            self.table.setCellWidget(row, 1, combo)
        self.setVisible(bool(unknown))

    def _chosen(self, village: str, box: QComboBox) -> None:
        code = box.currentData()
        if code is None:
            self._answers.pop(village, None)
        else:
            self._answers[village] = code
        self.changed.emit()

    def answers(self) -> dict[str, str]:
        return dict(self._answers)
