"""The scheme window (补偿方案): versions, and the rate items of the chosen version.

Left, every scheme with its versions (published ones are read-only, a draft is editable).
Right, the version's effective date, notes, its parameters in one line (edited in 方案设置…,
:mod:`.settings_form`) and rate items (:mod:`.items`). An item is added
or changed in its form (:mod:`.item_form`: pickers per kind, conditions, the line previewed
on a sample household), opened by 添加项目, 编辑项目… or a double-click on its parameters.
Edits are checked as they are made: a cell that cannot be read is coloured and its reason shown under
the table; the scheme's own problems (``parse_scheme``) are listed below that. 保存草稿 stores
the draft only when it has no problems; 影响预览 recomputes the calculated households with the
draft off the GUI thread; 发布 (HQ only) shows those numbers and asks before publishing.
"""

from __future__ import annotations

import re
import uuid
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSplitter,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...i18n import _
from ...services.calculation.service import ImpactReport
from ...services.clock import ClockSource, project_today, project_zone, shown
from ...services.errors import UserError
from ...services.households.service import OperatorRef
from ...services.schemes.service import (
    DraftInvalid,
    ItemRow,
    SchemeContent,
    SchemeService,
    SchemeSummary,
    VersionSummary,
    check_content,
)
from ...storage.db import Database
from .. import dialogs
from ..access import Action, gate
from ..screen import fit_to_screen
from ..wrapped_label import WrappedLine
from .impact import ImpactDialog, PreviewRunner, impact_summary
from .item_form import ItemForm, ask_item
from .items import CODE, PARAMS, RATE, ItemsTable, headers
from .settings_form import SettingsForm, ask_settings, settings_text
from .versions import VersionTree


def ask_import_path(parent: QWidget | None) -> Path | None:
    path, _filter = QFileDialog.getOpenFileName(
        parent, _("导入补偿方案"), "", _("补偿方案文件 (*.json);;所有文件 (*)")
    )
    return Path(path) if path else None


def ask_export_path(parent: QWidget | None, suggested: str) -> Path | None:
    path, _filter = QFileDialog.getSaveFileName(
        parent, _("导出补偿方案"), suggested, _("补偿方案文件 (*.json)")
    )
    if not path:
        return None
    result = Path(path)
    return result if result.suffix else result.with_suffix(".json")


def today(source: ClockSource = None) -> date:
    """The day previews compute for: the project's today (tests replace it)."""
    return project_today(source)


class SchemeEditor(QDialog):
    def __init__(
        self, db: Database, operator: OperatorRef | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("schemeEditor")
        self.setWindowTitle(_("补偿方案"))
        self.service = SchemeService(db, operator)
        self.db = db
        self.content: SchemeContent | None = None
        self.summary: VersionSummary | None = None
        self.dirty = False
        self.problems_found: list[str] = []
        self._cell_problems: dict[tuple[int, int], str] = {}
        self._settings: dict[str, object] = {}  # the scheme's parameters but its notes
        self._loading = False
        self.impact_dialog: ImpactDialog | None = None
        self._schemes: list[SchemeSummary] = []
        self.runner = PreviewRunner(self)
        self._build()
        self.reload_versions()
        fit_to_screen(self, 1280, 696)

    # --- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        self.versions = VersionTree(self, project_zone(self.db))
        self.versions.currentItemChanged.connect(self._version_chosen)

        self.heading = QLabel(self)
        self.heading.setObjectName("schemeHeading")
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.heading.setFont(font)
        self.effective = QDateEdit(self)
        self.effective.setObjectName("effectiveDate")
        self.effective.setCalendarPopup(True)
        self.effective.setDisplayFormat("yyyy-MM-dd")
        self.effective.setMinimumWidth(130)
        self.effective.setMaximumWidth(160)
        self.effective.dateChanged.connect(lambda _d: self._edited())
        self.notes = QLineEdit(self)
        self.notes.setObjectName("schemeNotes")
        self.notes.textEdited.connect(lambda _t: self._edited())
        self.settings_label = WrappedLine(self)
        self.settings_label.setObjectName("schemeSettingsText")
        self.settings_button = QPushButton(_("方案设置…"), self)
        self.settings_button.setObjectName("editSettings")
        self.settings_button.setAutoDefault(False)
        self.settings_button.setToolTip(
            _("发文单位、土地性质、取整方式、适用范围、命名日期、片区和自定义类别")
        )
        self.settings_button.clicked.connect(self.edit_settings)
        settings_row = QHBoxLayout()
        settings_row.addWidget(self.settings_label, 1)
        settings_row.addWidget(self.settings_button)
        form = QFormLayout()
        form.addRow(_("生效日期"), self.effective)
        form.addRow(_("说明"), self.notes)
        form.addRow(_("方案设置"), settings_row)

        self.table = ItemsTable(self)
        self.table.itemChanged.connect(lambda _item: self._edited())
        self.table.currentCellChanged.connect(lambda *_a: self._show_cell_note())
        self.table.cellDoubleClicked.connect(self._double_clicked)
        self.add_button = QPushButton(_("添加项目"), self)
        self.edit_button = QPushButton(_("编辑项目…"), self)
        self.edit_button.setObjectName("editItem")
        self.remove_button = QPushButton(_("删除项目"), self)
        self.up_button = QPushButton(_("上移"), self)
        self.down_button = QPushButton(_("下移"), self)
        self.add_button.clicked.connect(self.add_item)
        self.edit_button.clicked.connect(lambda: self.edit_item(self.table.currentRow()))
        self.remove_button.clicked.connect(self.remove_item)
        self.up_button.clicked.connect(lambda: self.move_item(-1))
        self.down_button.clicked.connect(lambda: self.move_item(1))
        item_bar = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.remove_button, self.up_button,
                  self.down_button):  # fmt: skip
            b.setAutoDefault(False)
            item_bar.addWidget(b)
        item_bar.addStretch(1)
        self.order_note = QLabel(
            _("项目按表中顺序计算；按比例、保障类项目只能引用排在它前面的项目")
        )
        self.order_note.setStyleSheet("color: #666")
        item_bar.addWidget(self.order_note)

        self.cell_note = QLabel(self)
        self.cell_note.setObjectName("cellNote")
        self.cell_note.setWordWrap(True)
        self.cell_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem_list = QListWidget(self)
        self.problem_list.setObjectName("schemeProblems")
        self.problem_list.currentRowChanged.connect(self._go_to_problem)

        right = QWidget(self)
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.heading)
        rl.addLayout(form)
        rl.addLayout(item_bar)
        rl.addWidget(self.table, 1)
        rl.addWidget(self.cell_note)
        rl.addWidget(self.problem_list)

        # Versions above the items: the items table needs the whole width.
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.versions)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([120, 640])

        self.new_button = QPushButton(_("新建草稿"), self)
        self.save_button = QPushButton(_("保存草稿"), self)
        self.discard_button = QPushButton(_("删除草稿"), self)
        self.import_button = QPushButton(_("导入…"), self)
        self.export_button = QPushButton(_("导出…"), self)
        self.preview_button = QPushButton(_("影响预览"), self)
        self.publish_button = QPushButton(_("发布"), self)
        self.close_button = QPushButton(_("关闭"), self)
        self.new_button.setToolTip(_("复制所选方案最新的已发布版本，作为新版本的草稿"))
        self.publish_button.setToolTip(_("发布后该版本不能再修改；只有指挥部人员或管理员可以发布"))
        for button, slot in (
            (self.new_button, self.new_draft),
            (self.save_button, self.save),
            (self.discard_button, self.discard),
            (self.import_button, self.import_file),
            (self.export_button, self.export_file),
            (self.preview_button, self.preview),
            (self.publish_button, self.publish),
            (self.close_button, self.close),
        ):
            button.setAutoDefault(False)
            button.clicked.connect(slot)
        buttons = QHBoxLayout()
        for b in (self.new_button, self.save_button, self.discard_button, self.import_button,
                  self.export_button, self.preview_button, self.publish_button):  # fmt: skip
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)

    # --- versions --------------------------------------------------------------------------
    def reload_versions(self, select: uuid.UUID | None = None) -> None:
        if select is None and self.summary is not None:
            select = self.summary.id
        self._schemes = self.service.list_schemes()
        version_id = self.versions.fill(self._schemes, select)
        if version_id is not None:
            self._load(version_id)
        else:
            self._show(None, None)

    def _version_chosen(
        self, current: QTreeWidgetItem | None, previous: QTreeWidgetItem | None
    ) -> None:
        version_id = self.versions.version_of(current)
        if self.summary is not None and version_id == self.summary.id:
            return
        if not self._may_leave():
            self.versions.blockSignals(True)
            self.versions.setCurrentItem(previous)
            self.versions.blockSignals(False)
            return
        if version_id is not None:
            self._load(version_id)

    def _load(self, version_id: uuid.UUID) -> None:
        try:
            self._show(self.service.version(version_id), self.service.load(version_id))
        except UserError as exc:
            dialogs.show_error(self, _("无法打开方案版本"), exc.message)

    def _show(self, summary: VersionSummary | None, content: SchemeContent | None) -> None:
        self._loading = True
        try:
            self.summary, self.content = summary, content
            editable = content is not None and content.editable
            if summary is None or content is None:
                self.heading.setText(_("还没有补偿方案；请用“导入…”导入方案文件"))
                self.table.set_rows([], {})
                self.notes.clear()
                self._settings = {}
            else:
                state = _("草稿，可以修改") if editable else _(
                    "已发布（{by} {at}），不能修改", by=summary.published_by,
                    at=shown(summary.published_at, self.db)
                    if summary.published_at else "",
                )  # fmt: skip
                self.heading.setText(
                    _("{name} 第{n}版 — {state}", name=content.scheme_name,
                      n=content.version_no, state=state)
                )  # fmt: skip
                self.table.set_editable(editable)
                self._settings = dict(content.params)
                dates = self._settings.get("dates")
                self.table.set_dates(dict(dates) if isinstance(dates, dict) else {})
                names = content.params.get("category_names") or {}
                self.table.set_rows(content.items, dict(names))
                self.effective.setDate(QDate(content.effective_date))
                self.notes.setText(content.notes)
            self.settings_label.setText(settings_text(self._settings))
            self.settings_button.setEnabled(editable)
            self.effective.setEnabled(editable)
            self.notes.setReadOnly(not editable)
            self.dirty = False
            self._check()
            self._update_buttons()
        finally:
            self._loading = False

    def _update_buttons(self) -> None:
        s = self.summary
        draft = s is not None and s.is_draft
        op = self.service.operator
        for b in (self.add_button, self.remove_button, self.up_button, self.down_button,
                  self.discard_button):  # fmt: skip
            gate(b, op, Action.EDIT_SCHEME_DRAFT, enabled=draft)
        self.edit_button.setEnabled(s is not None and self.table.rowCount() > 0)
        self.preview_button.setEnabled(draft)
        gate(self.publish_button, op, Action.PUBLISH_SCHEME, enabled=draft)
        gate(self.save_button, op, Action.EDIT_SCHEME_DRAFT, enabled=draft and self.dirty)
        self.export_button.setEnabled(s is not None)
        gate(self.import_button, op, Action.EDIT_SCHEME_DRAFT)
        gate(self.new_button, op, Action.EDIT_SCHEME_DRAFT,
             enabled=s is not None and self._can_copy(s.scheme_id))  # fmt: skip
        title = _("补偿方案")
        if self.content is not None:
            title = f"{self.content.scheme_name} — {title}"
        self.setWindowTitle(("* " if self.dirty else "") + title)

    def _can_copy(self, scheme_id: uuid.UUID) -> bool:
        for scheme in self._schemes:
            if scheme.id == scheme_id:
                statuses = [v.status for v in scheme.versions]
                return "draft" not in statuses and "published" in statuses
        return False

    # --- editing ---------------------------------------------------------------------------
    def _edited(self) -> None:
        if self._loading or self.content is None or not self.content.editable:
            return
        self.dirty = True
        self._check()
        self._update_buttons()

    def on_screen(self) -> SchemeContent | None:
        """The draft as it is on screen (cells that cannot be read count as empty)."""
        if self.content is None:
            return None
        items, self._cell_problems = self.table.rows()
        c = self.content
        params = dict(c.params)
        if c.editable:
            params = dict(self._settings)
            names = params.get("category_names")
            self.table.set_category_names(names if isinstance(names, dict) else {})
        dates = params.get("dates")
        self.table.set_dates(dates if isinstance(dates, dict) else {})
        return SchemeContent(
            c.version_id, c.scheme_id, c.scheme_name, c.version_no, c.status,
            self.effective.date().toPython(), self.notes.text(), params, items,
        )  # fmt: skip

    def _check(self) -> None:
        content = self.on_screen()
        self.table.mark(self._cell_problems)
        problems = [
            _("第{row}行 {column}：{reason}", row=r + 1, column=headers()[c], reason=reason)
            for (r, c), reason in sorted(self._cell_problems.items())
        ]
        if content is not None and content.editable:
            try:
                check_content(content)
            except DraftInvalid as exc:
                problems.extend(exc.problems)
        self.problems_found = problems
        self.problem_list.clear()
        self.problem_list.addItems(problems)
        self.problem_list.setVisible(bool(problems))
        if problems:  # as tall as its lines, up to five
            row = max(self.problem_list.sizeHintForRow(0), self.fontMetrics().height())
            frame = 2 * self.problem_list.frameWidth() + 4
            self.problem_list.setFixedHeight(min(len(problems), 5) * row + frame)
        self._show_cell_note()

    def _show_cell_note(self) -> None:
        row, col = self.table.currentRow(), self.table.currentColumn()
        reason = self._cell_problems.get((row, col))
        if reason:
            self.cell_note.setText(
                _("第{row}行 {column}：{reason}", row=row + 1, column=headers()[col],
                  reason=reason)
            )  # fmt: skip
            self.cell_note.setStyleSheet("color: #d93025")
        elif col in (PARAMS, RATE) and row >= 0 and self.table.item(row, PARAMS) is not None:
            self.cell_note.setText(_("参数在项目表单中修改：双击本行的参数或按“编辑项目…”"))
            self.cell_note.setStyleSheet("color: #444")
        else:
            self.cell_note.setText("")

    def _go_to_problem(self, index: int) -> None:
        if index < 0:
            return
        found = re.search(r"第(\d+)(项|行)", self.problem_list.item(index).text())
        if found and int(found[1]) <= self.table.rowCount():
            self.table.setCurrentCell(
                int(found[1]) - 1,
                self.table.currentColumn() if self.table.currentColumn() >= 0 else CODE,
            )

    def edit_settings(self) -> None:
        """The scheme's settings in their form (drafts only)."""
        if self.content is None or not self.content.editable:
            return
        found = ask_settings(
            SettingsForm(self._settings, self, places=self.service.places(),
                         scheme_name=self.content.scheme_name)
        )  # fmt: skip
        if found is None:
            return
        self._settings = dict(found)
        self.settings_label.setText(settings_text(self._settings))
        self._edited()

    def _form(self, at: int, row: ItemRow) -> ItemForm:
        content = self.on_screen()
        assert content is not None
        items = content.items
        scheme = {
            "name": content.scheme_name,
            "version_no": content.version_no,
            "effective_date": content.effective_date.isoformat(),
            "params": content.params,
        }
        return ItemForm(row, items[:at], scheme, self, editable=content.editable,
                        villages=self.service.places().villages)  # fmt: skip

    def add_item(self) -> None:
        """A new item from its form, after the current row (at the end without one)."""
        if self.content is None or not self.content.editable:
            return
        at = self.table.currentRow() + 1 if self.table.currentRow() >= 0 else self.table.rowCount()
        row = ask_item(self._form(at, ItemRow("", "", "个", 0, "per_item", "attachment", {})))
        if row is None:
            return
        self.table.insert_row(at, row)
        self.table.setCurrentCell(at, CODE)
        self.table.setFocus()
        self._edited()

    def edit_item(self, at: int) -> None:
        """Row ``at`` in its form (read-only for a published version)."""
        if self.content is None or not 0 <= at < self.table.rowCount():
            return
        items = self.on_screen()
        assert items is not None
        row = ask_item(self._form(at, items.items[at]))
        if row is None or not self.content.editable:
            return
        self.table.replace_row(at, row)
        self._edited()

    def _double_clicked(self, row: int, col: int) -> None:
        item = self.table.item(row, col)
        editable_cell = item is not None and bool(item.flags() & Qt.ItemFlag.ItemIsEditable)
        if not editable_cell:
            self.edit_item(row)

    def remove_item(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        self.table.removeRow(row)
        if self.table.rowCount():
            self.table.setCurrentCell(
                min(row, self.table.rowCount() - 1), max(0, self.table.currentColumn())
            )
        self._edited()

    def move_item(self, step: int) -> None:
        row, col = self.table.currentRow(), self.table.currentColumn()
        to = row + step
        if row < 0 or not 0 <= to < self.table.rowCount():
            return
        self.table.move_row(row, to)
        self.table.setCurrentCell(to, max(col, 0))
        self._edited()

    def _may_leave(self) -> bool:
        if not self.dirty:
            return True
        return dialogs.ask_confirm(
            self, _("放弃未保存的修改"), _("草稿有未保存的修改。放弃这些修改吗？")
        )

    # --- actions ---------------------------------------------------------------------------
    def new_draft(self) -> None:
        if self.summary is None or not self._may_leave():
            return
        try:
            draft = self.service.new_draft(self.summary.scheme_id)
        except UserError as exc:
            dialogs.show_error(self, _("无法新建草稿"), exc.message)
            return
        self.dirty = False
        self.reload_versions(draft)

    def save(self) -> bool:
        """Save the draft; False (with the problems shown) when it cannot be saved."""
        content = self.on_screen()
        if content is None or not content.editable:
            return False
        self._check()
        if self._cell_problems:
            dialogs.show_error(
                self, _("草稿未保存"),
                _("有 {n} 个单元格无法识别，请先改正：\n{list}", n=len(self._cell_problems),
                  list="\n".join(self.problems_found[: len(self._cell_problems)])),
            )  # fmt: skip
            return False
        try:
            self.service.save_draft(content)
        except DraftInvalid as exc:
            dialogs.show_error(self, _("草稿未保存"), "\n".join(exc.problems))
            return False
        except UserError as exc:
            dialogs.show_error(self, _("草稿未保存"), exc.message)
            return False
        self.dirty = False
        self.reload_versions(content.version_id)
        return True

    def discard(self) -> None:
        s = self.summary
        if s is None or not s.is_draft:
            return
        if not dialogs.ask_confirm(
            self, _("删除草稿"), _("删除第{n}版草稿？删除后不能恢复。", n=s.version_no)
        ):
            return
        try:
            self.service.discard(s.id)
        except UserError as exc:
            dialogs.show_error(self, _("无法删除草稿"), exc.message)
            return
        self.dirty, self.summary = False, None
        self.reload_versions()

    def import_file(self) -> None:
        if not self._may_leave():
            return
        path = ask_import_path(self)
        if path is None:
            return
        try:
            draft = self.service.import_file(path)
        except UserError as exc:
            problems = getattr(exc, "problems", ())
            heading = getattr(exc, "heading", "")
            text = "\n".join([heading, *problems] if heading else problems) or exc.message
            dialogs.show_error(self, _("无法导入方案文件"), text)
            return
        self.dirty = False
        self.reload_versions(draft)
        dialogs.show_info(
            self, _("已导入"), _("已导入为草稿。请核对后保存、预览影响，再由指挥部发布。")
        )

    def export_file(self) -> None:
        s, c = self.summary, self.content
        if s is None or c is None:
            return
        if self.dirty:
            dialogs.show_error(self, _("无法导出"), _("草稿有未保存的修改；请先保存草稿再导出"))
            return
        suggested = f"{c.scheme_name}-第{c.version_no}版.json"
        path = ask_export_path(self, suggested)
        if path is None:
            return
        try:
            self.service.export_version(s.id, path)
        except UserError as exc:
            dialogs.show_error(self, _("无法导出"), exc.message)
            return
        dialogs.show_info(self, _("已导出"), _("已导出到 {path}", path=path))

    def preview(self) -> None:
        self._run_preview(self._show_impact)

    def _run_preview(self, then: object) -> None:
        content = self.on_screen()
        if content is None or not content.editable or self.runner.running:
            return
        try:
            check_content(content)
            if self._cell_problems:
                raise DraftInvalid(tuple(self.problems_found))
        except DraftInvalid as exc:
            dialogs.show_error(self, _("无法预览"), "\n".join(exc.problems))
            return
        assert callable(then)
        self.runner.start(
            self.service, content, today(self.db), then,
            lambda message: dialogs.show_error(self, _("影响预览失败"), message),
        )  # fmt: skip

    def _show_impact(self, report: ImpactReport) -> None:
        assert self.content is not None
        title = _("{name} 第{n}版草稿", name=self.content.scheme_name, n=self.content.version_no)
        if self.impact_dialog is not None:
            self.impact_dialog.close()
        self.impact_dialog = ImpactDialog(report, title, self)
        self.impact_dialog.show()

    def publish(self) -> None:
        s = self.summary
        if s is None or not s.is_draft:
            return
        if not self.service.can_publish:
            dialogs.show_error(
                self, _("不能发布"),
                _("只有指挥部人员或管理员才能发布补偿方案；请保存草稿后交指挥部审核发布"),
            )  # fmt: skip
            return
        if self.dirty and not self.save():
            return
        self._run_preview(self._confirm_publish)

    def _confirm_publish(self, report: ImpactReport) -> None:
        s = self.summary
        if s is None or not s.is_draft:
            return
        text = _(
            "发布 {name} 第{n}版（{day} 起施行）？\n\n{impact}\n\n发布后该版本不能再修改。",
            name=s.scheme_name, n=s.version_no, day=s.effective_date.isoformat(),
            impact=impact_summary(report),
        )  # fmt: skip
        if not dialogs.ask_confirm(self, _("发布补偿方案"), text):
            return
        try:
            published = self.service.publish(s.id)
        except UserError as exc:
            dialogs.show_error(self, _("不能发布"), exc.message)
            return
        self.reload_versions(published.id)
        dialogs.show_info(
            self, _("已发布"),
            _("第{n}版已发布。已核算的农户需重新核算才会采用新版本。", n=published.version_no),
        )  # fmt: skip

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._may_leave():
            event.ignore()
            return
        self.runner.stop()
        super().closeEvent(event)

    def reject(self) -> None:  # Esc
        if self._may_leave():
            self.dirty = False  # asked once: closeEvent must not ask again
            self.runner.stop()
            super().reject()
