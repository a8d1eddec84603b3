"""The property swap window (产权调换选房): three tabs.

- 房源: the flat grid, importing flats from xlsx, reserving or offering a flat;
- 选房顺序: the choosing order, issuing numbers by signing or vacating time, freezing a
  draw's list (its hash to post) and drawing with the public seed, the order slips;
- 选房: the household now choosing, its entitlement, the combinations still open, the settlement
  so far; the clerk clicks a flat and records the choice, prints the 选房确认单, marks a
  household absent or finished, and puts the projector screen up.

Answers to questions (files, texts) come from the module-level ``ask_*`` functions, and PDFs
are shown by ``show_pdf``, so tests can replace them.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain.money import format_fen, to_chinese_upper
from ...domain.resettlement import tier_label
from ...domain.units import format_area
from ...i18n import _
from ...services.clock import project_today, project_zone
from ...services.errors import UserError
from ...services.households.service import OperatorRef
from ...services.progress_report import Progress
from ...services.resettlement import choosing, inventory, ordering, papers
from ...storage.db import Database
from .. import dialogs
from ..background import run_busy
from ..columns import fit_columns
from ..progress_dialog import Cancelled, run_with_progress
from ..screen import fit_to_screen
from .grid import FlatGridView
from .parts import OrderModel, draw_text, scrolled, temp_pdf, upcoming_names
from .screen import ScreenState, SessionScreen


def ask_open_xlsx(parent: QWidget | None) -> Path | None:
    path, _filter = QFileDialog.getOpenFileName(parent, _("导入安置房源"), "",
                                                _("Excel 工作簿 (*.xlsx)"))  # fmt: skip
    return Path(path) if path else None


def ask_text(parent: QWidget | None, title: str, label: str) -> str | None:
    text, ok = QInputDialog.getText(parent, title, label)
    return text if ok else None


def ask_flat(parent: QWidget | None, flat: inventory.FlatInput) -> inventory.FlatInput | None:
    """The flat as edited in the form; None if cancelled."""
    from .flat_form import FlatForm

    form = FlatForm(flat, parent)
    return form.result_flat if form.exec() == FlatForm.DialogCode.Accepted else None


def show_pdf(parent: QWidget | None, path: Path, title: str) -> None:
    from ..printing.preview import show_pdf_preview

    show_pdf_preview(parent, path, title)


class ResettlementWindow(QMainWindow):
    def __init__(
        self, db: Database, operator: OperatorRef | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.db, self.operator = db, operator
        self.setWindowTitle(_("产权调换选房"))
        self.setObjectName("resettlementWindow")
        fit_to_screen(self, 1200, 696)
        self.screen_view: SessionScreen | None = None
        self.current: uuid.UUID | None = None
        self.tabs = QTabWidget()
        self.setCentralWidget(self.tabs)
        self.tabs.addTab(self._flats_tab(), _("房源"))
        self.tabs.addTab(self._order_tab(), _("选房顺序"))
        self.tabs.addTab(self._choose_tab(), _("选房"))
        self.refresh()

    # --- tabs ------------------------------------------------------------------------------------

    def _flats_tab(self) -> QWidget:
        page = QWidget()
        self.import_button = QPushButton(_("导入房源(&I)…"))
        self.import_button.clicked.connect(self.import_flats)
        self.reserve_button = QPushButton(_("保留/恢复可选"))
        self.reserve_button.clicked.connect(self.toggle_reserved)
        self.edit_button = QPushButton(_("编辑房源(&E)…"))
        self.edit_button.clicked.connect(self.edit_flat)
        self.handover_button = QPushButton(_("交付登记…"))
        self.handover_button.clicked.connect(self.hand_over)
        self.report_button = QPushButton(_("导出选房报表…"))
        self.report_button.clicked.connect(self.export_report)
        self.flats_summary = QLabel()
        bar = QHBoxLayout()
        for w in (self.import_button, self.edit_button, self.reserve_button,
                  self.handover_button, self.report_button):  # fmt: skip
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(QLabel(_("图例：绿 可选　灰 保留　红 已选　蓝 已交付")))
        self.flat_grid = FlatGridView()
        layout = QVBoxLayout(page)
        layout.addLayout(bar)
        layout.addWidget(scrolled(self.flat_grid), 1)
        layout.addWidget(self.flats_summary)
        return page

    def _order_tab(self) -> QWidget:
        page = QWidget()
        buttons = (
            (_("按签约时间发放顺序号"), lambda: self._issue("signing")),
            (_("按腾房时间发放顺序号"), lambda: self._issue("vacating")),
            (_("冻结摇号名单…"), self.freeze_draw),
            (_("摇号…"), self.run_draw),
            (_("打印顺序通知单"), self.print_slip),
        )
        bar = QHBoxLayout()
        self.order_buttons: list[QPushButton] = []
        for text, slot in buttons:
            b = QPushButton(text)
            b.clicked.connect(slot)
            bar.addWidget(b)
            self.order_buttons.append(b)
        bar.addStretch(1)
        self.draw_label = QLabel()
        self.draw_label.setWordWrap(True)
        self.draw_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.order_model = OrderModel(project_zone(self.db))
        self.order_view = QTableView()
        self.order_view.setModel(self.order_model)
        self.order_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.order_view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        # Headers and the 依据时间 column whole in either language.
        moment = OrderModel.HEADERS.index("依据时间")
        fit_columns(self.order_view, (), {moment: ["2026-12-31 23:59:00"]})
        layout = QVBoxLayout(page)
        layout.addLayout(bar)
        layout.addWidget(self.draw_label)
        layout.addWidget(self.order_view, 1)
        return page

    def _choose_tab(self) -> QWidget:
        page = QWidget()
        self.household_label = QLabel()
        self.household_label.setWordWrap(True)
        self.household_label.setObjectName("choosingHousehold")
        self.combos = QListWidget()
        self.settlement_label = QLabel()
        self.settlement_label.setWordWrap(True)
        self.choose_button = QPushButton(_("登记选定所点房屋(&C)"))
        self.choose_button.clicked.connect(self.record_choice)
        self.absent_button = QPushButton(_("未到场，叫下一户"))
        self.absent_button.clicked.connect(self.mark_absent)
        self.finish_button = QPushButton(_("该户选房结束"))
        self.finish_button.clicked.connect(self.finish_household)
        self.confirm_button = QPushButton(_("打印选房确认单(&P)"))
        self.confirm_button.clicked.connect(self.print_confirmation)
        self.screen_button = QPushButton(_("投屏显示(&S)"))
        self.screen_button.clicked.connect(self.open_screen)
        left = QWidget()
        col = QVBoxLayout(left)
        col.addWidget(self.household_label)
        col.addWidget(QLabel(_("可选组合（户型 × 套数）：")))
        col.addWidget(self.combos, 1)
        col.addWidget(self.settlement_label)
        for b in (self.choose_button, self.absent_button, self.finish_button,
                  self.confirm_button, self.screen_button):  # fmt: skip
            col.addWidget(b)
        self.choose_grid = FlatGridView()
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(scrolled(self.choose_grid))
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(page)
        layout.addWidget(split)
        return page

    # --- reading -----------------------------------------------------------------------------

    def refresh(self, *, restart_countdown: bool = False) -> None:
        grid = inventory.read_grid(self.db)
        selected = self.choose_grid.selected()
        for view in (self.flat_grid, self.choose_grid):
            view.set_grid(grid)
        self.choose_grid.set_selected(selected)
        left = grid.statuses.count("available")
        self.flats_summary.setText(
            _("共 {total} 套，可选 {left} 套，已选 {chosen} 套", total=len(grid), left=left,
              chosen=grid.statuses.count("chosen") + grid.statuses.count("handed_over"))
        )  # fmt: skip
        self.order_model.set_rows(ordering.read_order(self.db))
        draws = ordering.OrderService(self.db, self.operator).draws()
        self.draw_label.setText(draw_text(draws[-1]) if draws else "")
        previous = self.current
        self.current, upcoming = choosing.now_choosing(self.db)
        self._show_household(grid, upcoming, restart_countdown or previous != self.current)

    def _show_household(
        self, grid: inventory.FlatGrid, upcoming: list[uuid.UUID], restart: bool
    ) -> None:
        self.combos.clear()
        if self.current is None:
            self.household_label.setText(_("没有等待选房的户"))
            self.settlement_label.setText("")
            self.choose_grid.set_offered(set())
            if self.screen_view is not None:
                self.screen_view.show_state(None, restart=restart)
            return
        try:
            view = choosing.household_choice(self.db, self.current)
        except UserError as exc:
            self.household_label.setText(exc.message)
            return
        ent = view.entitlement
        chosen = [f"{c.estate} {c.label}" for c in view.chosen]
        self.household_label.setText(
            _("第 {no} 号：{name}（{code}），{members} 人\n安置面积 {ent} ㎡；已选 {chosen}；剩余 {rest} ㎡",
              no=view.order_no or "", name=ent.head_name, code=ent.code, members=ent.members,
              ent=format_area(ent.entitlement_dm2), chosen="、".join(chosen) or _("无"),
              rest=format_area(max(view.remaining_dm2, 0)))
        )  # fmt: skip
        for combo in view.combinations:
            total = sum(t.area_dm2 for t in combo)
            parts = " + ".join(f"{t.layout} {format_area(t.area_dm2)}㎡" for t in combo)
            self.combos.addItem(_("{estate}：{parts}（合计 {total} ㎡）", estate=combo[0].estate,
                                  parts=parts, total=format_area(total)))  # fmt: skip
        lines = [
            f"{tier_label(ln.tier)} {format_area(ln.area_dm2)}㎡ × {format_fen(ln.rate_fen)} = "
            f"{format_fen(ln.amount_fen)}"
            for ln in view.settlement.lines
        ]
        payable = view.settlement.payable_fen
        due = (
            _("应补交 {amount} 元（{upper}）", amount=format_fen(payable),
              upper=to_chinese_upper(payable))
            if payable >= 0
            else _("应退付 {amount} 元（{upper}）", amount=format_fen(-payable),
                   upper=to_chinese_upper(-payable))
        )  # fmt: skip
        if view.supplementary:  # chosen after signing: the difference goes into it
            due += "\n" + _("差价记入补充协议 {number}：重新核算、复核、公示后签订",
                             number=view.supplementary)  # fmt: skip
        self.settlement_label.setText(
            "\n".join([*lines, due]) if view.chosen else _("尚未选房：选定房屋后在此显示差价")
        )
        offered = {(t.estate, t.layout, t.area_dm2) for t in view.next_types}
        self.choose_grid.set_offered(offered)
        if self.screen_view is not None:
            names = upcoming_names(self.order_model.rows, upcoming)
            self.screen_view.show_state(
                ScreenState(view.order_no, ent.code, ent.head_name, ent.entitlement_dm2,
                            view.remaining_dm2, tuple(chosen), names, grid, frozenset(offered)),
                restart=restart,
            )  # fmt: skip

    # --- actions -----------------------------------------------------------------------------

    def _act(self, fn: Any) -> Any:
        try:
            return fn()
        except UserError as exc:
            dialogs.show_error(self, _("产权调换选房"), exc.message)
            return None

    def import_flats(self) -> None:
        path = ask_open_xlsx(self)
        if path is None:
            return
        svc = inventory.InventoryService(self.db, self.operator)
        try:
            report = self._act(
                lambda: run_with_progress(
                    self,
                    _("导入房源"),
                    lambda progress: svc.import_xlsx(path, progress=progress),
                    text=_("正在导入房源…"),
                )
            )
        except Cancelled:
            dialogs.show_info(self, _("导入房源"), _("已取消导入，一套房源都没有导入。"))
            return
        if report is None:
            return
        if report.errors:
            shown = "\n".join(_("第 {row} 行：{message}", row=r, message=msg)
                              for r, msg in report.errors[:20])  # fmt: skip
            dialogs.show_error(self, _("导入房源"), _(
                "有 {n} 行有错误，一行都没有导入；请改正后重新导入：\n{rows}",
                n=len(report.errors), rows=shown))  # fmt: skip
            return
        dialogs.show_info(self, _("导入房源"), _("已导入房源 {n} 套", n=report.imported))
        self.refresh()

    def toggle_reserved(self) -> None:
        flat_id = self.flat_grid.selected()
        if flat_id is None:
            dialogs.show_error(self, _("房源"), _("请先在房源图中点选一套房"))
            return
        grid = self.flat_grid.grid()
        status = grid.statuses[grid.ids.index(flat_id)]
        target = "available" if status == "reserved" else "reserved"
        svc = inventory.InventoryService(self.db, self.operator)
        if self._act(lambda: _done(svc.set_status, flat_id, target)):
            self.refresh()

    def edit_flat(self) -> None:
        flat_id = self.flat_grid.selected()
        if flat_id is None:
            dialogs.show_error(self, _("房源"), _("请先在房源图中点选一套房"))
            return
        current = self._act(lambda: inventory.read_flat(self.db, flat_id))
        if current is None:
            return
        changed = ask_flat(self, current)
        if changed is None:
            return
        svc = inventory.InventoryService(self.db, self.operator)
        if self._act(lambda: _done(svc.update_flat, flat_id, changed)):
            self.refresh()

    def hand_over(self) -> None:
        flat_id = self.flat_grid.selected()
        if flat_id is None:
            dialogs.show_error(self, _("交付登记"), _("请先在房源图中点选要交付的房屋"))
            return
        text = ask_text(self, _("交付登记"), _("实测建筑面积（㎡）："))
        if text is None:
            return
        from ...domain.units import QuantityError, parse_area

        try:
            area = parse_area(text)
        except QuantityError as exc:
            dialogs.show_error(self, _("交付登记"), exc.reason)
            return
        from ...services.payments.handover import hand_over

        settlement = self._act(
            lambda: hand_over(self.db, self.operator, flat_id, area, project_today(self.db))
        )
        if settlement is None:
            return
        diff = settlement.difference_fen
        if diff > 0:
            text = _("多退少补：被征收人应补交 {amount} 元（{upper}）", amount=format_fen(diff),
                     upper=to_chinese_upper(diff))  # fmt: skip
        elif diff < 0:
            text = _("多退少补：征收人应退付被征收人 {amount} 元（{upper}）",
                     amount=format_fen(-diff), upper=to_chinese_upper(-diff))  # fmt: skip
        else:
            text = _("多退少补：实测面积与合同面积的差价为零，双方无需找补")
        dialogs.show_info(self, _("交付登记"), text)
        self.refresh()

    def export_report(self) -> None:
        from ...reports.resettlement_xlsx import STEPS, write_resettlement_report
        from ...services.resettlement.summary import resettlement_summary

        path = dialogs.ask_save_xlsx(self, _("导出选房报表"), _("选房情况.xlsx"))
        if path is None:
            return

        db = self.db

        def work(progress: Progress) -> None:
            progress(0, STEPS, _("正在统计选房情况…"))
            summary = resettlement_summary(db)
            write_resettlement_report(path, summary, progress=progress)

        try:
            run_with_progress(self, _("导出选房报表"), work, text=_("正在导出…"))
        except Cancelled:
            dialogs.show_info(self, _("导出选房报表"), _("已取消导出，没有写出文件。"))
            return
        except OSError as exc:
            dialogs.show_error(self, _("导出选房报表"),
                               _("无法写入 {path}：{reason}；请换一个位置或关闭占用该文件的程序",
                                 path=path, reason=exc.strerror or exc))  # fmt: skip
            return
        dialogs.show_info(self, _("导出选房报表"), _("已写出 {path}", path=path))

    def _issue(self, basis: str) -> None:
        svc = ordering.OrderService(self.db, self.operator)
        fn = svc.issue_signed if basis == "signing" else svc.issue_vacated
        numbers = self._act(fn)
        if numbers is not None:
            dialogs.show_info(self, _("选房顺序"), _("已发放选房顺序号 {n} 个", n=len(numbers)))
            self.refresh()

    def freeze_draw(self) -> None:
        source = ask_text(self, _("冻结摇号名单"),
                          _("种子的公开来源（事先公布，如“12月10日现场摇出的6位数字”）："))  # fmt: skip
        if source is None:
            return
        svc = ordering.OrderService(self.db, self.operator)
        view = self._act(lambda: svc.freeze_draw(source))
        if view is not None:
            self.refresh()
            self._show_draw_pdf(view, _("摇号名单"))

    def run_draw(self) -> None:
        svc = ordering.OrderService(self.db, self.operator)
        frozen = [d for d in svc.draws() if d.status == "frozen"]
        if not frozen:
            dialogs.show_error(
                self, _("摇号"), _("没有已冻结、待摇号的名单；请先冻结名单并公布哈希")
            )
            return
        seed = ask_text(
            self, _("摇号"), _("现场公开产生的种子（{src}）：", src=frozen[-1].seed_source)
        )
        if seed is None:
            return
        view = self._act(
            lambda: run_busy(self, _("正在摇号…"), lambda: svc.run_draw(frozen[-1].id, seed))
        )
        if view is not None:
            self.refresh(restart_countdown=True)
            self._show_draw_pdf(view, _("摇号结果"))

    def _show_draw_pdf(self, view: ordering.DrawView, title: str) -> None:
        from ...reports.resettlement_pdf import write_draw_sheet

        path = temp_pdf("draw")
        write_draw_sheet(path, papers.draw_sheet(self.db, view.id))
        show_pdf(self, path, title)

    def print_slip(self) -> None:
        rows = self.order_view.selectionModel().selectedRows()
        if not rows:
            dialogs.show_error(self, _("选房顺序"), _("请先在列表中选中一户"))
            return
        from ...reports.resettlement_pdf import write_order_slip

        entry = self.order_model.rows[rows[0].row()]
        slip = self._act(lambda: papers.order_slip(self.db, entry.household_id))
        if slip is not None:
            path = temp_pdf("slip")
            write_order_slip(path, slip)
            show_pdf(self, path, _("选房顺序通知单 {code}", code=entry.code))

    def record_choice(self) -> None:
        flat_id = self.choose_grid.selected()
        if self.current is None:
            dialogs.show_error(self, _("选房"), _("没有等待选房的户"))
            return
        if flat_id is None:
            dialogs.show_error(self, _("选房"), _("请先在右侧房源图中点选农户选定的房屋"))
            return
        household = self.current
        svc = choosing.ChoiceService(self.db, self.operator)
        view = self._act(lambda: svc.choose(household, flat_id))
        self.choose_grid.set_selected(None)
        self.refresh()
        if view is not None:
            self.print_confirmation(household)

    def print_confirmation(self, household: uuid.UUID | None = None) -> None:
        from ...reports.resettlement_pdf import write_confirmation

        hid = household if isinstance(household, uuid.UUID) else self.current
        if hid is None:
            return
        sheet = self._act(lambda: papers.confirmation_sheet(self.db, hid))
        if sheet is not None:
            path = temp_pdf("confirm")
            write_confirmation(path, sheet)
            show_pdf(self, path, _("选房确认单 {code}", code=sheet.code))

    def mark_absent(self) -> None:
        if self.current is not None:
            hid = self.current
            svc = choosing.ChoiceService(self.db, self.operator)
            self._act(lambda: svc.mark_absent(hid))
            self.refresh()

    def finish_household(self) -> None:
        if self.current is not None:
            hid = self.current
            svc = choosing.ChoiceService(self.db, self.operator)
            self._act(lambda: svc.finish(hid))
            self.refresh()

    def open_screen(self) -> SessionScreen:
        if self.screen_view is None:
            self.screen_view = SessionScreen()
            self.screen_view.destroyed.connect(lambda: setattr(self, "screen_view", None))
            self.screen_view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.refresh(restart_countdown=True)
        self.screen_view.show_on_second_screen()
        return self.screen_view

    def closeEvent(self, event: Any) -> None:
        if self.screen_view is not None:
            self.screen_view.close()
        super().closeEvent(event)


def _done(fn: Any, *args: Any) -> bool:
    """Call ``fn`` for its effect; True when it returned (a UserError is shown by ``_act``)."""
    fn(*args)
    return True
