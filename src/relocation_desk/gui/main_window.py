"""The main window: the household register of the open project, with its filters."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from ..domain.status import STATUS_LABELS, HouseholdStatus
from ..i18n import _, language
from ..paths import user_guide
from ..services.backups import backup_folder
from ..services.clock import project_zone, shown
from ..services.households.register import QuickFilter, Register
from ..services.project_info import is_demo_project
from ..storage.backup import last_backup_time
from ..storage.db import Database, open_database
from ..storage.errors import StorageError
from . import dialogs
from .access import Action, best_case_team, gate
from .columns import fit_columns
from .register_model import RegisterModel
from .screen import GivingLabel, fit_to_screen

if TYPE_CHECKING:
    from ..services.households.drafts import DraftStore
    from ..services.households.service import HouseholdService, OperatorRef

APP_TITLE_ZH = "征收补偿工作台"
# Least widths of the register's columns; a header or status that needs more gets more.
COLUMN_WIDTHS = (86, 80, 150, 84, 64, 44, 96, 96, 112, 62, 70)
STATUS_COLUMN, UPDATED_COLUMN = 9, 11


class FilterEdit(QLineEdit):
    """The filter box: ↓ or Enter moves on to the table, so the mouse is never needed."""

    leave = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.leave.emit()
            return
        super().keyPressEvent(event)


class FilterBar(QWidget):
    """The filter box and quick filters above the register."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = FilterEdit(self)
        self.text.setObjectName("filterText")
        self.text.setClearButtonEnabled(True)
        self.text.setPlaceholderText(
            _("查找：姓名、拼音首字母、全拼、身份证号、户编号、电话（Ctrl+F）")
        )
        self.village = QComboBox(self)
        self.group = QComboBox(self)
        self.status = QComboBox(self)
        self.responsible = QComboBox(self)
        self.mine = QCheckBox(_("我的农户"), self)
        self.cadre = QCheckBox(_("干部及亲属"), self)
        self.count = QLabel(self)
        self.count.setObjectName("rowCount")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 2)
        layout.addWidget(self.text, 3)
        for w in (self.village, self.group, self.status, self.responsible):
            w.setMinimumContentsLength(6)
            w.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            layout.addWidget(w, 1)
        layout.addWidget(self.mine)
        layout.addWidget(self.cadre)
        layout.addWidget(self.count)

    def fill(self, register: Register) -> None:
        for combo in (self.village, self.group, self.status, self.responsible):
            combo.blockSignals(True)
            combo.clear()
        self.village.addItem(_("全部村"), None)
        for v in register.villages:
            self.village.addItem(v.name, v.id)
        self.group.addItem(_("全部小组"), None)
        self.status.addItem(_("全部状态"), None)
        for s in HouseholdStatus:
            self.status.addItem(_(STATUS_LABELS[s]), s.value)
        self.responsible.addItem(_("全部责任人"), None)
        for o in register.operators:
            self.responsible.addItem(o.name, o.id)
        for combo in (self.village, self.group, self.status, self.responsible):
            combo.blockSignals(False)

    def fill_groups(self, register: Register) -> None:
        village_id = self.village.currentData()
        self.group.blockSignals(True)
        self.group.clear()
        self.group.addItem(_("全部小组"), None)
        for g in register.groups.get(village_id, ()) if village_id else ():
            self.group.addItem(g.name, g.id)
        self.group.blockSignals(False)


class MainWindow(QMainWindow):
    """The register window. Feature modules (``gui.features``) add their actions to ``menus``
    and follow ``database_changed``; anything that changes households calls
    ``refresh_households`` so the register shows the new state at once."""

    database_changed = Signal(object)  # the newly opened Database
    households_changed = Signal(list)  # ids of households changed (refresh_households)

    def __init__(self, db: Database, operator: OperatorRef | None = None) -> None:
        super().__init__()
        self.db: Database | None = None
        self.menus: dict[str, QMenu] = {}
        self.register: Register | None = None
        self.model: RegisterModel | None = None
        self.operator = operator
        self._services: tuple[Database, HouseholdService, DraftStore] | None = None
        self.editor: QWidget | None = None
        self.filters = FilterBar(self)
        self.table = QTableView(self)
        self.table.setObjectName("registerTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setSortingEnabled(True)
        # Fixed row heights and column widths: never measure 100,000 rows (STYLE.md).
        vh = self.table.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(self.fontMetrics().height() + 6)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setStretchLastSection(True)
        hh.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.activated.connect(self._open_index)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.filters)
        layout.addWidget(self.table)
        self.setCentralWidget(central)
        self._connect_filters()
        self._build_menus()
        gate(self.new_action, operator, Action.REGISTER_HOUSEHOLD, best_case_team(operator))
        from .features import install_features

        install_features(self)
        self.project_label = QLabel(self)
        self.operator_label = QLabel(self)
        self.file_label = GivingLabel(self)  # a long path gives way to the short facts
        self.backup_label = QLabel(self)
        for w in (self.project_label, self.operator_label, self.file_label, self.backup_label):
            self.statusBar().addPermanentWidget(w)
        fit_to_screen(self, 1366, 696)
        self.set_database(db)

    # --- construction -------------------------------------------------------------------
    def _connect_filters(self) -> None:
        f = self.filters
        f.text.textChanged.connect(self._text_changed)
        f.text.leave.connect(lambda: self.table.setFocus(Qt.FocusReason.TabFocusReason))
        f.village.currentIndexChanged.connect(self._village_changed)
        for combo in (f.group, f.status, f.responsible):
            combo.currentIndexChanged.connect(self._quick_changed)
        f.mine.toggled.connect(self._quick_changed)
        f.cadre.toggled.connect(self._quick_changed)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(_("文件(&F)"))
        self.open_action = QAction(_("打开数据库(&O)…"), self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self.choose_database)
        file_menu.addAction(self.open_action)
        file_menu.addSeparator()
        quit_action = QAction(_("退出(&X)"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        household_menu = self.menuBar().addMenu(_("农户(&H)"))
        self.new_action = QAction(_("新建农户(&N)…"), self)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_action.triggered.connect(lambda: self.open_household(None))
        household_menu.addAction(self.new_action)
        self.edit_action = QAction(_("打开选中农户(&E)"), self)
        self.edit_action.triggered.connect(self.open_current)
        household_menu.addAction(self.edit_action)
        household_menu.addSeparator()
        self.find_action = QAction(_("查找(&F)"), self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.find_action.triggered.connect(self.focus_filter)
        household_menu.addAction(self.find_action)
        self.clear_filter_action = QAction(_("清除筛选"), self)
        self.clear_filter_action.setShortcut(QKeySequence("Ctrl+Shift+F"))
        self.clear_filter_action.triggered.connect(self.clear_filters)
        household_menu.addAction(self.clear_filter_action)
        self.menus = {
            "file": file_menu,
            "household": household_menu,
            "calc": self.menuBar().addMenu(_("方案与核算(&C)")),
            "notice": self.menuBar().addMenu(_("公示(&N)")),
            "agreement": self.menuBar().addMenu(_("协议与支付(&A)")),
            "report": self.menuBar().addMenu(_("报表(&R)")),
            "exchange": self.menuBar().addMenu(_("数据交换(&E)")),
            "settings": self.menuBar().addMenu(_("设置(&S)")),
        }
        help_menu = self.menuBar().addMenu(_("帮助(&H)"))
        self.guide_action = QAction(_("用户手册(&U)"), self)
        self.guide_action.setShortcut(QKeySequence("F1"))
        self.guide_action.triggered.connect(self.show_user_guide)
        help_menu.addAction(self.guide_action)
        from .language import add_language_menu

        add_language_menu(self, help_menu)
        about = QAction(_("关于(&A)"), self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    # --- database -----------------------------------------------------------------------
    def set_database(self, db: Database) -> None:
        # The register masks the ID numbers of households whose personal data the operator
        # may not see in full, and does not find them by ID number or phone.
        register = Register(db, self.operator, restricted=True)
        model = RegisterModel(register, self, full_ids=True, zone=project_zone(db))
        old_db, old_model = self.db, self.model
        self.db, self.register, self.model = db, register, model
        self.table.setModel(model)
        statuses = [_(label) for label in STATUS_LABELS.values()]
        fit_columns(
            self.table,
            COLUMN_WIDTHS,
            {STATUS_COLUMN: statuses, UPDATED_COLUMN: ["2026-12-31 23:59"]},
        )
        if old_model is not None:
            old_model.deleteLater()
        if old_db is not None and old_db is not db:
            old_db.close()
        self.filters.fill(register)
        self.filters.fill_groups(register)
        self.filters.mine.setEnabled(self.operator is not None)
        self._update_status()
        self._update_count()
        if model.rowCount() > 0:
            self.table.selectRow(0)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        self.database_changed.emit(db)

    def choose_database(self) -> None:
        path = dialogs.ask_open_database(self)
        if path is not None:
            self.open_path(path)

    def open_path(self, path: Path, operator: OperatorRef | None = None) -> bool:
        """Open a database. Another database is signed in to (closed again if nobody does);
        re-opening this window's own file (after a restore) keeps who is signed in.
        ``operator``: already signed in to it (the administrator of a project just made)."""
        from .auth.flow import reopen_keeps, sign_in

        try:
            db = open_database(path)
            try:
                if operator is not None:
                    self.operator = operator
                elif not reopen_keeps(self.db, db, self.operator):
                    operator = sign_in(self, db)
                    if operator is None:
                        db.close()
                        return False
                    self.operator = operator
            except BaseException:
                db.close()
                raise
            self.set_database(db)
        except StorageError as exc:
            dialogs.show_error(self, _("无法打开数据库"), exc.message)
            return False
        except LookupError:
            dialogs.show_error(
                self, _("无法打开数据库"), _("这个数据库里还没有项目：{path}", path=path)
            )
            return False
        return True

    # --- filtering ----------------------------------------------------------------------
    def focus_filter(self) -> None:
        self.filters.text.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filters.text.selectAll()

    def clear_filters(self) -> None:
        f = self.filters
        for w in (f.text, f.village, f.group, f.status, f.responsible, f.mine, f.cadre):
            w.blockSignals(True)
        f.text.clear()
        for combo in (f.village, f.group, f.status, f.responsible):
            combo.setCurrentIndex(0)
        f.mine.setChecked(False)
        f.cadre.setChecked(False)
        for w in (f.text, f.village, f.group, f.status, f.responsible, f.mine, f.cadre):
            w.blockSignals(False)
        self._apply(text="", quick=QuickFilter())

    def _text_changed(self, text: str) -> None:
        self._apply(text=text)

    def _village_changed(self) -> None:
        assert self.register is not None
        self.filters.fill_groups(self.register)
        self._quick_changed()

    def _quick_changed(self) -> None:
        f = self.filters
        responsible = f.responsible.currentData()
        if f.mine.isChecked() and self.operator is not None:
            responsible = self.operator.id
        self._apply(
            quick=QuickFilter(
                village_id=f.village.currentData(),
                group_id=f.group.currentData(),
                status=f.status.currentData(),
                responsible_id=responsible,
                cadre_only=f.cadre.isChecked(),
            )
        )

    def _apply(self, text: str | None = None, quick: QuickFilter | None = None) -> None:
        assert self.model is not None
        current = self.current_household()
        self.model.set_filter(text, quick)
        self._update_count()
        self._select(current)

    def _select(self, household_id: uuid.UUID | None) -> None:
        assert self.model is not None
        row = self.model.row_of(household_id) if household_id is not None else -1
        if row < 0 and self.model.rowCount() > 0:
            row = 0
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def _update_count(self) -> None:
        assert self.model is not None
        shown, total = self.model.rowCount(), self.model.total()
        text = (
            _("共 {n} 户", n=f"{total:,}")
            if shown == total
            else _("显示 {shown} 户 / 共 {total} 户", shown=f"{shown:,}", total=f"{total:,}")
        )
        self.filters.count.setText(text)

    # --- households ---------------------------------------------------------------------
    def current_household(self) -> uuid.UUID | None:
        if self.model is None:
            return None
        index = self.table.currentIndex()
        return self.model.household_id(index.row()) if index.isValid() else None

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid() and self.model is not None:
            self.open_household(self.model.household_id(index.row()))

    def open_current(self) -> None:
        household_id = self.current_household()
        if household_id is not None:
            self.open_household(household_id)

    def open_household(self, household_id: uuid.UUID | None) -> None:
        """Open the editor on a household (None: a new one)."""
        from ..services.households.drafts import DraftStore
        from ..services.households.service import HouseholdService
        from .editor.window import HouseholdEditor

        assert self.db is not None
        if self._services is None or self._services[0] is not self.db:
            # One service (it caches the choice lists) and draft store per open database.
            self._services = (
                self.db,
                HouseholdService(self.db, self.operator),
                DraftStore(self.db),
            )
        _db, service, drafts = self._services
        try:
            editor = HouseholdEditor(service, drafts, household_id, self)
        except LookupError:
            dialogs.show_error(self, _("无法打开农户"), _("这户已不存在，可能已被删除。"))
            if self.model is not None:
                self.model.refresh_households([household_id] if household_id else [])
            return
        except StorageError as exc:
            dialogs.show_error(self, _("无法打开农户"), exc.message)
            return
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.saved.connect(self.household_saved)
        editor.show()
        self.editor = editor

    def household_saved(self, household_id: uuid.UUID) -> None:
        self.refresh_households([household_id])
        QTimer.singleShot(0, lambda: self._select(household_id))

    def refresh_households(self, household_ids: list[uuid.UUID]) -> None:
        """Re-read these households into the register (after a save, signing, payment…)."""
        if self.model is not None:
            self.model.refresh_households(household_ids)
            self._update_count()
        self.households_changed.emit(list(household_ids))

    # --- status bar ---------------------------------------------------------------------
    def _update_status(self) -> None:
        assert self.register is not None and self.db is not None
        project = self.register.project
        mark = _("【演示】") if is_demo_project(self.db) else ""
        self.setWindowTitle(f"{mark}{project.name} — {_(APP_TITLE_ZH)}")
        self.project_label.setText(_("项目：{name}", name=project.name))
        operator = self.operator
        if operator is None:
            self.operator_label.setText(_("操作员：未选择"))
        elif operator.team_id in self.register.teams:
            team = self.register.teams[operator.team_id]
            self.operator_label.setText(
                _("操作员：{name}（{team}）", name=operator.name, team=team)
            )
        else:
            self.operator_label.setText(_("操作员：{name}", name=operator.name))
        location = str(self.db.path) if self.db.path else self.db.url.render_as_string()
        self.file_label.set_full_text(_("数据库：{path}", path=location))
        backup = last_backup_time(self.db, backup_folder(self.db))
        self.backup_label.setText(
            _("最近备份：{at}", at=shown(backup, self.db)) if backup else _("最近备份：无")
        )

    def show_about(self) -> None:
        dialogs.show_info(self, _("关于"), self.about_text())

    def about_text(self) -> str:
        """The program's version, and the versions that wrote the open database."""
        from ..services.project_info import program_versions

        text = _(
            "{title} {version}\n房屋征收与补偿离线工作软件",
            title=_(APP_TITLE_ZH),
            version=__version__,
        )
        if self.db is None:
            return text
        lines = [
            _(
                "  {version}：{first} 首次，{last} 最近",
                version=w.version,
                first=shown(w.first_written_at, self.db),
                last=shown(w.last_written_at, self.db),
            )
            for w in program_versions(self.db)
        ]
        if lines:
            text += "\n\n" + _("写入过本数据库的程序版本：") + "\n" + "\n".join(lines)
        warning = self.db.newer_version_warning
        if warning:
            text += "\n\n" + warning
        return text

    def show_user_guide(self) -> bool:
        """Open the printable user guide in the current language with the system's viewer."""
        path = user_guide(language())
        if not path.is_file():
            dialogs.show_error(
                self,
                _("找不到用户手册"),
                _(
                    "用户手册文件不存在：{path}\n请重新安装本软件，或向技术负责人要一份。",
                    path=path,
                ),
            )
            return False
        if not dialogs.open_file(path):
            dialogs.show_error(
                self,
                _("无法打开用户手册"),
                _("这台电脑上没有能打开 PDF 的程序。手册在：{path}", path=path),
            )
            return False
        return True

    def select_household(self, household_id: uuid.UUID) -> None:
        """Select this household in the register (the first row if it is not shown)."""
        self._select(household_id)

    def release_database(self) -> tuple[Database, OperatorRef | None]:
        """Hand the open database and who is signed in over to another main window (this one
        rebuilt in another language): closing this window then leaves the database open."""
        assert self.db is not None
        db, self.db = self.db, None
        return db, self.operator

    def closeEvent(self, event: QCloseEvent) -> None:
        # An open editor with unsaved changes asks first; if the user keeps it, stay open.
        editor = self.editor
        if editor is not None:
            try:
                still_open = editor.isVisible() and not editor.close()
            except RuntimeError:  # already deleted on close
                still_open = False
            if still_open:
                event.ignore()
                return
        if self.db is not None:
            self.db.close()
            self.db = None
        super().closeEvent(event)
