"""The ledger import wizard (台账导入): file → columns and preview → check → import → result.

The wizard drives :mod:`services.ledger_import`: ``analyse`` reads the workbook and guesses
every sheet's header, columns, village and group; the user corrects the columns (and the
village/group names) while a preview of the first rows shows what each row would become; a
check runs the whole import without writing (``dry_run``) and lists every rejected row and
warning; the import itself is one transaction — all or nothing — and its report can be saved
as xlsx + JSON. Slow steps run off the GUI thread: reading the file with ``background.run_busy``,
the check and the import with a progress bar and 取消 (``progress_dialog``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ...i18n import _
from ...services.errors import UserError
from ...storage.errors import StorageError
from .. import dialogs
from ..background import run_busy
from ..columns import fit_columns
from ..progress_dialog import Cancelled, run_with_progress
from ..screen import fit_to_screen
from .villages import VillageTeams

if TYPE_CHECKING:
    from ...services.ledger.importer import ImportReport, LedgerAnalysis, SheetAnalysis
    from ...services.ledger.rows import RowOutcome
    from ...storage.db import Database

OUTCOME_COLOURS = {
    "household": "#e3f4e1",
    "member": "#eef7ec",
    "detail": "#eef7ec",
    "skipped": "#eeeeee",
    "rejected": "#fbe0dc",
    "warning": "#fff3cd",
}


def field_labels() -> dict[str, str]:
    """What each importable field is called in the wizard (the words the CLI and the report
    use too)."""
    from ...services.ledger.detect import FIELD_LABELS, NOT_READ

    return {f: _(label) for f, label in FIELD_LABELS.items() if f not in NOT_READ}


def sheet_kind_label(kind: str) -> str:
    from ...services.ledger.detect import kind_label

    return kind_label(kind)


# Replaceable in tests, like gui.dialogs.
def ask_ledger_file(parent: QWidget | None) -> Path | None:
    path, _filter = QFileDialog.getOpenFileName(
        parent, _("选择台账文件"), "", _("Excel 工作簿 (*.xlsx);;所有文件 (*)")
    )
    return Path(path) if path else None


def ask_new_database(parent: QWidget | None) -> Path | None:
    path, _filter = QFileDialog.getSaveFileName(
        parent, _("新建项目数据库"), "", _("征收补偿数据库 (*.sqlite)")
    )
    if not path:
        return None
    return Path(path) if Path(path).suffix else Path(path).with_suffix(".sqlite")


def ask_report_path(parent: QWidget | None) -> Path | None:
    return dialogs.ask_save_xlsx(parent, _("保存导入报告"), _("导入报告.xlsx"))


def _error_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setStyleSheet("color: #b00020;")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _item(text: Any, colour: str | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem("" if text is None else str(text))
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    item.setToolTip(item.text())  # long reasons are cut off in the cell
    if colour:
        item.setBackground(QBrush(QColor(colour)))
    return item


def outcome_colour(o: RowOutcome) -> str | None:
    key = "warning" if o.warnings and o.outcome != "rejected" else o.outcome
    return OUTCOME_COLOURS.get(key)


def outcome_text(o: RowOutcome) -> str:
    return "；".join(([o.reason] if o.reason else []) + list(o.warnings))


# --- page 1: the file and where to import it -------------------------------------------------


class FilePage(QWizardPage):
    def __init__(self, wizard: LedgerWizard) -> None:
        super().__init__(wizard)
        self.wiz = wizard
        self.setTitle(_("第一步：选择台账文件"))
        self.setSubTitle(
            _(
                "选择Excel/WPS台账（.xlsx）。导入前会先识别表头和各列，您可以核对修改，再检查全部行。"
            )
        )
        self.path = QLineEdit(self)
        self.path.setObjectName("ledgerPath")
        self.path.setPlaceholderText(_("台账文件路径"))
        browse = QPushButton(_("浏览…"), self)
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)

        self.into_current = QRadioButton(_("导入到当前项目"), self)
        self.into_new = QRadioButton(_("新建项目数据库："), self)
        group = QButtonGroup(self)
        group.addButton(self.into_current)
        group.addButton(self.into_new)
        self.new_path = QLineEdit(self)
        self.new_path.setObjectName("newDatabasePath")
        new_browse = QPushButton(_("选择位置…"), self)
        new_browse.clicked.connect(self._browse_new)
        new_row = QHBoxLayout()
        new_row.addWidget(self.into_new)
        new_row.addWidget(self.new_path, 1)
        new_row.addWidget(new_browse)
        if wizard.db is not None:
            self.into_current.setChecked(True)
        else:
            self.into_current.setEnabled(False)
            self.into_new.setChecked(True)

        self.error = _error_label(self)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addSpacing(12)
        layout.addWidget(self.into_current)
        layout.addLayout(new_row)
        layout.addSpacing(12)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.path.textChanged.connect(self.completeChanged)
        self.path.textChanged.connect(lambda: self.error.clear())

    def _browse(self) -> None:
        path = ask_ledger_file(self)
        if path is not None:
            self.path.setText(str(path))

    def _browse_new(self) -> None:
        path = ask_new_database(self)
        if path is not None:
            self.new_path.setText(str(path))
            self.into_new.setChecked(True)

    def isComplete(self) -> bool:
        return bool(self.path.text().strip())

    def validatePage(self) -> bool:
        from ...services.ledger.importer import analyse

        self.error.clear()
        if self.into_new.isChecked():
            text = self.new_path.text().strip()
            if not text:
                self.error.setText(_("请选择新数据库文件的位置。"))
                return False
            target = Path(text)
            if target.exists() and target.stat().st_size > 0:
                self.error.setText(
                    _("文件 {path} 已存在；新建项目请选择一个新的文件名，"
                      "导入到已有项目请先打开该项目。", path=target)
                )  # fmt: skip
                return False
            self.wiz.target = target
        else:
            self.wiz.target = self.wiz.db
        path = Path(self.path.text().strip())
        try:
            self.wiz.analysis = run_busy(
                self, _("正在读取台账 {name}…", name=path.name), lambda: analyse(path)
            )
        except UserError as exc:
            self.error.setText(exc.message)
            return False
        self.wiz.overrides = {}
        return True


# --- page 2: columns, village/group and a preview ---------------------------------------------


class MappingPage(QWizardPage):
    def __init__(self, wizard: LedgerWizard) -> None:
        super().__init__(wizard)
        self.wiz = wizard
        self.setTitle(_("第二步：核对各列"))
        self.setSubTitle(
            _("软件已识别各工作表的表头。请逐列核对“导入为”，识别错的改过来，不需要的列选“不导入”；"
              "下方预览显示前几行将如何导入。")
        )  # fmt: skip
        self.sheet = QComboBox(self)
        self.sheet.setObjectName("sheetChoice")
        self.info = QLabel(self)
        self.info.setWordWrap(True)
        self.village = QLineEdit(self)
        self.village.setObjectName("sheetVillage")
        self.group = QLineEdit(self)
        self.group.setObjectName("sheetGroup")
        self.kind = QComboBox(self)
        self.kind.setObjectName("sheetKind")
        form = QFormLayout()
        form.addRow(_("工作表："), self.sheet)
        form.addRow(_("类别："), self.kind)
        form.addRow(_("村："), self.village)
        form.addRow(_("村民小组："), self.group)

        self.columns = QTableWidget(0, 4, self)
        self.columns.setObjectName("columnMapping")
        self.columns.setHorizontalHeaderLabels([_("列"), _("表头文字"), _("导入为"), _("识别")])
        self.columns.verticalHeader().setVisible(False)
        hh = self.columns.horizontalHeader()
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        # 导入为: wide enough for the longest choice of its drop-down lists.
        probe = QComboBox(self)
        probe.addItems([_("不导入"), *field_labels().values()])
        choices = probe.sizeHint().width()
        probe.deleteLater()
        fit_columns(self.columns, (44, 0, max(150, choices), 110))

        self.preview = QTableWidget(0, 3, self)
        self.preview.setObjectName("mappingPreview")
        self.preview.setHorizontalHeaderLabels([_("行号"), _("结果"), _("说明")])
        self.preview.verticalHeader().setVisible(False)
        self.preview.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        fit_columns(self.preview, (56, 130))

        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.columns)
        split.addWidget(self.preview)
        split.setSizes([620, 500])  # the mapping needs its drop-down lists whole
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.info)
        layout.addWidget(split, 1)
        self.sheet.currentIndexChanged.connect(self._show_sheet)
        self.kind.currentIndexChanged.connect(self._kind_chosen)
        self.village.textEdited.connect(self._place_edited)
        self.group.textEdited.connect(self._place_edited)

    def initializePage(self) -> None:
        analysis = self.wiz.analysis
        assert analysis is not None
        self.sheet.blockSignals(True)
        self.sheet.clear()
        for s in analysis.sheets:
            self.sheet.addItem(s.name)
        self.sheet.blockSignals(False)
        self._show_sheet()

    def current_sheet(self) -> SheetAnalysis:
        assert self.wiz.analysis is not None
        return self.wiz.analysis.sheets[max(self.sheet.currentIndex(), 0)]

    def _show_sheet(self) -> None:
        from ...services.ledger.detect import SHEET_KINDS, column_status
        from ...services.ledger.rows import mapped_columns

        s = self.current_sheet()
        self.village.setText(s.village)
        self.group.setText(s.group)
        self.kind.blockSignals(True)
        self.kind.clear()
        for kind in SHEET_KINDS:
            self.kind.addItem(sheet_kind_label(kind), kind)
        self.kind.setCurrentIndex(max(self.kind.findData(s.kind), 0))
        self.kind.blockSignals(False)
        header = s.header
        self.columns.setRowCount(0)
        if header is None:
            self.info.setText(s.describe())
            self._show_preview()
            return
        rows = "、".join(str(r) for r in header.header_rows)
        notes = "；".join(header.notes)
        self.info.setText(
            s.describe()
            + "；"
            + _("表头在第 {rows} 行。", rows=rows)
            + (f" {notes}" if notes else "")
        )
        labels = field_labels()
        cols = mapped_columns(header, self.wiz.overrides.get(s.name))
        by_column = {c: f for f, c in cols.items()}
        self.columns.setRowCount(len(header.columns))
        for row, c in enumerate(header.columns):
            self.columns.setItem(row, 0, _item(c.letter))
            self.columns.setItem(row, 1, _item(c.header))
            combo = QComboBox(self.columns)
            combo.addItem(_("不导入"), None)
            for fld, label in labels.items():
                combo.addItem(label, fld)
            current = by_column.get(c.index)
            combo.setCurrentIndex(max(combo.findData(current), 0) if current else 0)
            combo.currentIndexChanged.connect(
                lambda _i, index=c.index, box=combo: self._field_chosen(index, box)
            )
            self.columns.setCellWidget(row, 2, combo)
            if c.hidden:
                sure, colour = _("隐藏列"), OUTCOME_COLOURS["warning"]
            elif current is None and c.field is not None:
                sure, colour = column_status(c), OUTCOME_COLOURS["warning"]
            elif current is None:
                sure, colour = "", None
            elif c.confidence >= 1.0:
                sure, colour = _("表头一致"), None
            else:
                sure, colour = _("按名称推测，请核对"), OUTCOME_COLOURS["warning"]
            if (s.name, c.index) in self.wiz.touched:
                sure, colour = _("已改"), None
            self.columns.setItem(row, 3, _item(sure, colour))
        self._show_preview()

    def _field_chosen(self, column: int, box: QComboBox) -> None:
        from ...services.ledger.rows import mapped_columns

        s = self.current_sheet()
        assert s.header is not None
        overrides = self.wiz.overrides.setdefault(s.name, {})
        chosen = box.currentData()
        before = mapped_columns(s.header, overrides)
        for fld, col in before.items():
            if col == column and fld != chosen:
                overrides[fld] = None  # this column no longer feeds that field
        if chosen is not None:
            overrides[chosen] = column
        self.wiz.touched.add((s.name, column))
        self._show_sheet()

    def _kind_chosen(self) -> None:
        assert self.wiz.analysis is not None
        s = self.current_sheet()
        kind = self.kind.currentData()
        if kind is None or kind == s.kind:
            return
        try:
            self.wiz.analysis.classify(s.name, kind)
        except UserError as exc:
            dialogs.show_error(self, _("不能改为该类别"), exc.message)
        self._show_sheet()

    def _place_edited(self) -> None:
        s = self.current_sheet()
        s.village = self.village.text().strip()
        s.group = self.group.text().strip()

    def _show_preview(self) -> None:
        from ...reports.ledger_report import outcome_label
        from ...services.ledger.importer import preview

        assert self.wiz.analysis is not None
        s = self.current_sheet()
        outcomes = preview(self.wiz.analysis, self.wiz.overrides, mark_for_correction=True)
        rows = outcomes.get(s.name, [])
        self.preview.setRowCount(len(rows))
        for i, o in enumerate(rows):
            colour = outcome_colour(o)
            self.preview.setItem(i, 0, _item(o.row, colour))
            self.preview.setItem(i, 1, _item(outcome_label(o.outcome), colour))
            self.preview.setItem(i, 2, _item(outcome_text(o), colour))

    def validatePage(self) -> bool:
        assert self.wiz.analysis is not None
        if not any(s.imported for s in self.wiz.analysis.sheets):
            dialogs.show_error(
                self, _("没有要导入的工作表"),
                _("所有工作表都被识别为不导入的类别；如有户台账被识别错，请在“类别”中改正。"),
            )  # fmt: skip
            return False
        for s in self.wiz.analysis.sheets:
            if s.header is not None and s.header.kind == "households" and not s.village:
                dialogs.show_error(
                    self,
                    _("缺少村名"),
                    _("工作表“{sheet}”没有识别出所属的村；请在“村”中填写后再继续。", sheet=s.name),
                )
                self.sheet.setCurrentIndex(self.wiz.analysis.sheets.index(s))
                self.village.setFocus()
                return False
        return True


# --- page 3: check every row without writing -------------------------------------------------


class CheckPage(QWizardPage):
    def __init__(self, wizard: LedgerWizard) -> None:
        super().__init__(wizard)
        self.wiz = wizard
        self.setTitle(_("第三步：检查全部行"))
        self.setSubTitle(
            _(
                "下面是整份台账试导入的结果，数据库还没有改动。确认无误后点“导入”，全部行在一个事务中导入。"
            )
        )
        self.mark = QRadioButton(
            _(
                "有无法使用的值（身份证号错误、面积不是数字等）：导入该户，该值留空并标记待核实（推荐）"
            ),
            self,
        )
        self.reject = QRadioButton(_("有无法使用的值：整行不导入"), self)
        self.mark.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.mark)
        group.addButton(self.reject)
        self.summary = QLabel(self)
        self.summary.setObjectName("checkSummary")
        self.summary.setWordWrap(True)
        font = self.summary.font()
        font.setBold(True)
        self.summary.setFont(font)
        self.problems = QTableWidget(0, 4, self)
        self.problems.setObjectName("checkProblems")
        self.problems.setHorizontalHeaderLabels([_("工作表"), _("行号"), _("结果"), _("原因")])
        self.problems.verticalHeader().setVisible(False)
        self.problems.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        fit_columns(self.problems, (110, 56, 70), {2: [_("未导入"), _("警告")]})
        self.error = _error_label(self)
        self.villages = VillageTeams(self)
        self.villages.changed.connect(self.run_check)
        layout = QVBoxLayout(self)
        layout.addWidget(self.mark)
        layout.addWidget(self.reject)
        layout.addWidget(self.villages)
        layout.addWidget(self.summary)
        layout.addWidget(self.problems, 1)
        layout.addWidget(self.error)
        self.mark.toggled.connect(lambda _on: self.run_check())
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, _("导入"))
        self._checked = False

    def initializePage(self) -> None:
        assert self.wiz.analysis is not None
        try:
            self.villages.load(self.wiz.analysis, self.wiz.target)
        except (UserError, StorageError) as exc:
            self.error.setText(exc.message)
        self.run_check()

    def isComplete(self) -> bool:
        return self._checked

    def run_check(self) -> None:
        from ...services.ledger.importer import apply

        analysis, target = self.wiz.analysis, self.wiz.target
        assert analysis is not None
        self.error.clear()
        self._checked = False
        # Read on this thread: the work runs on another and must not touch widgets.
        overrides, mark = self.wiz.overrides, self.mark.isChecked()
        answers = self.villages.answers()
        try:
            report = run_with_progress(
                self,
                _("检查全部行"),
                lambda progress: apply(
                    analysis,
                    target,
                    mapping_overrides=overrides,
                    mark_for_correction=mark,
                    dry_run=True,
                    village_team=answers,
                    progress=progress,
                ),
                text=_("正在检查全部行…"),
            )
        except Cancelled:
            self.error.setText(_("已取消检查，还不能导入；请点“上一步”再点“下一步”重新检查。"))
            self.completeChanged.emit()
            return
        except (UserError, StorageError) as exc:
            self.error.setText(exc.message)
            self.completeChanged.emit()
            return
        self.summary.setText(
            _("可导入 {households} 户、{persons} 人；未导入 {rejected} 行；警告 {warnings} 条。",
              households=report.households, persons=report.persons,
              rejected=len(report.rejected), warnings=len(report.warnings))
        )  # fmt: skip
        items = [(r, _("未导入"), OUTCOME_COLOURS["rejected"]) for r in report.rejected] + [
            (w, _("警告"), OUTCOME_COLOURS["warning"]) for w in report.warnings
        ]
        self.problems.setRowCount(len(items))
        for i, (entry, kind, colour) in enumerate(items):
            self.problems.setItem(i, 0, _item(entry["sheet"], colour))
            self.problems.setItem(i, 1, _item(entry["row"], colour))
            self.problems.setItem(i, 2, _item(kind, colour))
            self.problems.setItem(i, 3, _item(entry["reason"], colour))
        self._checked = report.households > 0
        if not self._checked:
            self.error.setText(_("没有可以导入的农户；请返回核对各列，或检查是否选错了文件。"))
        self.completeChanged.emit()

    def validatePage(self) -> bool:
        from ...services.ledger.importer import apply

        analysis, target = self.wiz.analysis, self.wiz.target
        assert analysis is not None
        operator = self.wiz.operator
        # Read on this thread: the work runs on another and must not touch widgets.
        overrides, mark = self.wiz.overrides, self.mark.isChecked()
        answers = self.villages.answers()
        try:
            self.wiz.report = run_with_progress(
                self,
                _("导入台账"),
                lambda progress: apply(
                    analysis,
                    target,
                    mapping_overrides=overrides,
                    mark_for_correction=mark,
                    operator=operator,
                    village_team=answers,
                    progress=progress,
                ),
                text=_("正在导入，请稍候（全部成功才会保存）…"),
            )
        except Cancelled:
            dialogs.show_info(self, _("导入台账"), _("已取消导入，数据库没有任何改动。"))
            return False
        except (UserError, StorageError) as exc:
            dialogs.show_error(
                self, _("导入失败"), _("{message}\n数据库没有任何改动。", message=exc.message)
            )
            return False
        return True


# --- page 4: the result -------------------------------------------------------------------------


class DonePage(QWizardPage):
    def __init__(self, wizard: LedgerWizard) -> None:
        super().__init__(wizard)
        self.wiz = wizard
        self.setTitle(_("导入完成"))
        self.result = QLabel(self)
        self.result.setObjectName("importResult")
        self.result.setWordWrap(True)
        self.save = QPushButton(_("保存导入报告（Excel + JSON）…"), self)
        self.save.clicked.connect(self.save_report)
        self.saved = QLabel(self)
        self.saved.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.result)
        layout.addWidget(self.save, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.saved)
        layout.addStretch(1)

    def initializePage(self) -> None:
        report = self.wiz.report
        assert report is not None
        text = _(
            "已导入 {households} 户、{persons} 人；未导入 {rejected} 行；警告 {warnings} 条。",
            households=report.households, persons=report.persons,
            rejected=len(report.rejected), warnings=len(report.warnings),
        )  # fmt: skip
        if isinstance(self.wiz.target, Path):
            text += "\n" + _("新项目数据库：{path}（点“完成”后打开）", path=self.wiz.target)
        self.result.setText(text)

    def save_report(self) -> None:
        from ...reports.ledger_report import write_import_report

        report = self.wiz.report
        assert report is not None and self.wiz.analysis is not None
        path = ask_report_path(self)
        if path is None:
            return
        json_path = path.with_suffix(".json")
        try:
            write_import_report(path, report, source=str(self.wiz.analysis.path))
            json_path.write_text(
                json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n",
                encoding="utf-8",
            )
        except OSError as exc:
            dialogs.show_error(
                self, _("无法保存报告"), _("无法写入 {path}：{error}", path=path, error=exc)
            )
            return
        self.saved.setText(_("已保存：{xlsx}、{json}", xlsx=path, json=json_path))


class LedgerWizard(QWizard):
    """Import a ledger into ``db`` (the open project) or into a new project database."""

    def __init__(self, db: Database | None, operator: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ledgerWizard")
        self.setWindowTitle(_("导入Excel台账"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        # The import is done on the last page: nothing is left to cancel there, only 完成.
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, _("下一步 >"))
        self.setButtonText(QWizard.WizardButton.BackButton, _("< 上一步"))
        self.setButtonText(QWizard.WizardButton.FinishButton, _("完成"))
        self.setButtonText(QWizard.WizardButton.CancelButton, _("取消"))
        self.db = db
        self.operator = operator
        self.target: Database | Path | None = None
        self.analysis: LedgerAnalysis | None = None
        self.overrides: dict[str, dict[str, int | None]] = {}
        self.touched: set[tuple[str, int]] = set()
        self.report: ImportReport | None = None
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.check_page = CheckPage(self)
        self.done_page = DonePage(self)
        for page in (self.file_page, self.mapping_page, self.check_page, self.done_page):
            self.addPage(page)
        fit_to_screen(self, 1180, 640)

    @property
    def imported(self) -> bool:
        return self.report is not None and not self.report.dry_run
