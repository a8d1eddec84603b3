"""Calculations in the main window and the household editor (issue #6).

Main window, menu 方案与核算: 核算选中农户… (Ctrl+K), 例外审批…, 全部重新计算…; menu 报表:
公平性报告…. Household editor: a 核算… button next to the heading. The dialogs opened last are
kept on ``window.calc_feature`` (tests and the window reach them there).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from ...i18n import _
from .. import dialogs
from ..access import Action, best_case_team, gate
from ..editor.actions import add_editor_button, open_for_editor

if TYPE_CHECKING:
    from ..hosts import FeatureEditor, FeatureWindow
    from .approvals import ApprovalsDialog
    from .fairness import FairnessView
    from .panel import CalculationPanel
    from .recompute import RecomputeDialog

FULL_RELOAD_AT = 20_000  # changed households above which the whole register is re-read


class CalcFeature:
    def __init__(self, window: FeatureWindow) -> None:
        self.window = window
        self.panel: CalculationPanel | None = None
        self.approvals: ApprovalsDialog | None = None
        self.fairness: FairnessView | None = None
        self.recompute: RecomputeDialog | None = None
        calc, report = window.menus["calc"], window.menus["report"]
        self.panel_action = self._action(_("核算选中农户(&K)…"), self.open_panel, calc)
        self.panel_action.setShortcut(QKeySequence("Ctrl+K"))
        self.approvals_action = self._action(_("例外审批(&E)…"), self.open_approvals, calc)
        calc.addSeparator()
        self.recompute_action = self._action(_("全部重新计算(&R)…"), self.recompute_all, calc)
        self.fairness_action = self._action(_("公平性报告(&F)…"), self.open_fairness, report)
        # Team staff recompute their own team's households, HQ every team's (the service
        # chooses); the panel gates its buttons for the household at hand.
        own = best_case_team(window.operator)
        gate(self.recompute_action, window.operator, Action.COMPUTE, own)
        gate(self.panel_action, window.operator, Action.COMPUTE, own)

    def _action(self, text: str, slot: object, menu: object) -> QAction:
        action = QAction(text, self.window)
        action.triggered.connect(slot)
        menu.addAction(action)  # type: ignore[attr-defined]
        return action

    def open_panel(self) -> None:
        w = self.window
        household_id = w.current_household()
        if household_id is None or w.db is None:
            dialogs.show_info(w, _("核算"), _("请先在列表中选中一户。"))
            return
        from .panel import CalculationPanel

        title = ""
        row = w.table.currentIndex().row()
        if w.model is not None and row >= 0:
            title = "  ·  ".join(str(w.model.index(row, c).data() or "") for c in (0, 1))
        panel = CalculationPanel(w.db, w.operator, household_id, w, title=title)
        panel.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        panel.changed.connect(lambda hid: w.refresh_households([hid]))
        panel.show()
        self.panel = panel

    def open_approvals(self) -> None:
        w = self.window
        if w.db is None:
            return
        from .approvals import ApprovalsDialog

        dialog = ApprovalsDialog(w.db, w.operator, w)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.approvals = dialog

    def open_fairness(self) -> None:
        w = self.window
        if w.db is None:
            return
        from .fairness import FairnessView

        view = FairnessView(w.db, w)
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        view.show()
        view.start()
        self.fairness = view

    def recompute_all(self) -> None:
        w = self.window
        if w.db is None:
            return
        if not dialogs.ask_confirm(
            w,
            _("全部重新计算"),
            _(
                "将按今天生效的补偿方案重新计算全部已核算的户（已签约的户按签约时的方案版本）。\n"
                "数据或方案有变化的户会生成新的核算版本，需要重新复核。\n"
                "计算过程中可以随时取消，已算完的会保存。要开始吗？"
            ),
        ):
            return
        from .recompute import RecomputeDialog

        dialog = RecomputeDialog(w.db, w.operator, w)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.max_ids = FULL_RELOAD_AT
        dialog.done.connect(lambda _summary, ids: self.refresh(ids))
        self.recompute = dialog
        dialog.show()
        dialog.start()

    def refresh(self, household_ids: list[uuid.UUID] | None) -> None:
        """Show the new figures of the households whose total or status changed.

        Re-reading a household into the register costs ~70–130 µs; re-reading the whole
        register ~2 s at 100,000 (measured, docs/benchmarks.md). Above ``FULL_RELOAD_AT``
        changed households (or ``None``: too many to list) the register is rebuilt instead;
        the typed filter is kept, the quick filters are reset."""
        w = self.window
        if household_ids is not None and len(household_ids) <= FULL_RELOAD_AT:
            w.refresh_households(household_ids)
            return
        if w.db is None:
            return
        text = w.filters.text.text()
        w.set_database(w.db)
        w.clear_filters()
        if text:
            w.filters.text.setText(text)


def install(window: FeatureWindow) -> None:
    window.calc_feature = CalcFeature(window)  # type: ignore[attr-defined]


def install_editor(editor: FeatureEditor) -> None:
    editor.calculation_button = add_editor_button(  # type: ignore[attr-defined]
        editor,
        _("核算…"),
        _("查看、计算和复核这户的补偿核算（按已保存的数据）"),
        "calculationButton",
        lambda: open_from_editor(editor),
    )


def open_from_editor(editor: FeatureEditor) -> CalculationPanel | None:
    from .panel import CalculationPanel

    panel = open_for_editor(
        editor,
        lambda db, operator, hid: CalculationPanel(
            db, operator, hid, editor, title=editor.heading.text()
        ),
        _("这户有未保存的修改。核算按已保存的数据进行，请先保存（Ctrl+S）再核算。"),
    )
    if panel is not None:
        editor.calculation_panel = panel  # type: ignore[attr-defined]
    return panel
