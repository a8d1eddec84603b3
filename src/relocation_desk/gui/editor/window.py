"""The household editor: one household as the clerk types it from the paper survey form.

The ``HouseholdForm`` is the single source of truth: the widgets show a form
(:meth:`HouseholdEditor.fill_widgets`) and give it back unchanged unless edited
(:meth:`HouseholdEditor.form_from_widgets`). After every edit the form is validated (debounced,
pure and fast) and each problem is shown at its field and in the list at the bottom; a slower
timer writes the form as a draft, so a crash or a power cut loses at most a second of typing.
Nothing is lost silently: closing with changes asks; a refused save keeps the editor open with
the clerk's data.

Keys: Ctrl+S save (and stay), Ctrl+Enter save and close, Esc close, F8 next problem,
Alt+1…6 pages, and on a list page Ctrl+Shift+N add a row, Ctrl+Delete remove it,
Ctrl+Shift+↑/↓ move it. Enter moves to the next field, as Tab does.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from uuid import UUID

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QIcon, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout

from ... import fonts
from ...domain.household_form import HEAD_RELATION, HouseholdForm, Problem, Severity
from ...domain.household_form import validate_form as validate
from ...i18n import _
from ...services.clock import project_zone
from ...services.households.service import FileProblem
from ...storage.errors import StorageError
from .. import dialogs
from ..access import Action, best_case_team, gate, why_not
from ..screen import fit_to_screen
from .basic import BasicPage
from .drafts import DraftKeeper
from .files import HistoryPage, PhotosPage
from .foreign_ids import ForeignIdWatch
from .problems import SECTIONS, KeptProblems, ProblemsList, place, severity_icon, split_path, where
from .saving import SavingMixin
from .tables import AttachmentsTable, MembersTable, RowPage, RowTable, StructuresTable

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ...services.households.drafts import DraftStore
    from ...services.households.service import HouseholdService

VALIDATE_DELAY_MS = 150
DRAFT_DELAY_MS = 1000
DRAFT_MAX_WAIT_S = 5.0  # typing without a pause still writes a draft this often
PAGES = ("basic", "persons", "structures", "attachments", "photos", "history")


class HouseholdEditor(SavingMixin, QDialog):
    """Edit one household (``household_id``) or register a new one (``None``; ``village_id``
    preselects the village). ``saved(UUID)`` is emitted after every successful save.
    ``LookupError`` if the household no longer exists."""

    saved = Signal(object)

    def __init__(
        self,
        service: HouseholdService,
        drafts: DraftStore,
        household_id: UUID | None,
        parent: QWidget | None = None,
        *,
        village_id: UUID | None = None,
    ) -> None:
        started = time.perf_counter()
        super().__init__(parent)
        self.service = service
        self.choices = service.choices()  # read once per service
        self.read_only = False  # set by _apply_permissions
        if household_id is not None:
            form = service.load(household_id)
        else:
            form = service.new_form(village_id=village_id)
        self._saved_form = form.copy()  # as stored: "modified" means different from this
        self._base = form.copy()  # ids, code and version: what no widget shows
        self.form = form
        self.draft = DraftKeeper(drafts, form)
        self._kept = KeptProblems()
        self._problems: list[Problem] = []
        self._filling = 0
        self._stale = {"photos", "history"}  # pages read when first shown
        self._draft_due = 0.0
        self._printable = fonts.covered_codepoints()
        self._build()
        self.foreign_ids = ForeignIdWatch(service.db, self.members, self._validate_now)
        self.foreign_ids.check_form(form)
        self.fill_widgets(form)
        self._apply_permissions()
        from ..features import install_editor_features

        install_editor_features(self)
        self._validate_now()
        self._place_focus()
        self.open_seconds = time.perf_counter() - started
        self._offer_draft()

    # --- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.setObjectName("householdEditor")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.setSizeGripEnabled(True)
        c = self.choices
        self.heading = QLabel(self)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.heading.setFont(font)

        self.basic = BasicPage(c, self)
        self.members = MembersTable(c.relations, self)
        types = [(code, _(label)) for code, label in c.structure_types]
        self.structures = StructuresTable(types, [(d.code, d.name) for d in c.decorations], self)
        self.attachments = AttachmentsTable(
            [(a.code, a.name, a.unit) for a in c.attachment_items], self
        )
        self.tables: dict[str, RowTable] = {
            "persons": self.members,
            "structures": self.structures,
            "attachments": self.attachments,
        }
        self.pages: dict[str, RowPage] = {
            "persons": self._row_page("persons", _("添加成员"), _("删除成员"), movable=True),
            "structures": self._row_page("structures", _("添加房屋"), _("删除房屋")),
            "attachments": self._row_page("attachments", _("添加附属物"), _("删除附属物")),
        }
        self.photos = PhotosPage(self)
        self.history = HistoryPage(self)
        self.tabs = QTabWidget(self)
        for page in (self.basic, *self.pages.values(), self.photos, self.history):
            self.tabs.addTab(page, "")
        self.tabs.currentChanged.connect(self._page_shown)

        self.problem_summary = QLabel(self)
        self.problems = ProblemsList(self)
        # Fixed height: a list that grew and shrank would move the form while the clerk types.
        self.problems.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 16)
        self.problems.chosen.connect(self.focus_problem)

        self.status = QLabel(self)
        self.save_button = self._button(_("保存"), _("保存，继续编辑（Ctrl+S）"), self.save)
        self.save_close_button = self._button(
            _("保存并关闭"), _("保存并关闭（Ctrl+Enter）"), self.save_and_close
        )
        self.close_button = self._button(
            _("关闭"), _("关闭（Esc）；有未保存的修改时会先询问"), self.reject
        )
        self.save_action = self._action(self.save, QKeySequence.StandardKey.Save)
        self.save_close_action = self._action(self.save_and_close, "Ctrl+Return", "Ctrl+Enter")
        self.next_problem_action = self._action(self.next_problem, "F8")

        self.basic.changed.connect(self._changed)
        for table in self.tables.values():
            table.edited.connect(self._changed)
        self.photos.add_requested.connect(self.add_photos)
        self.photos.open_requested.connect(dialogs.open_file)

        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        for b in (self.save_button, self.save_close_button, self.close_button):
            bottom.addWidget(b)
        # Buttons of feature modules (calculation, agreement, payments …), next to the heading.
        self.action_bar = QHBoxLayout()
        self.action_bar.addWidget(self.heading, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(self.action_bar)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.problem_summary)
        layout.addWidget(self.problems)
        layout.addLayout(bottom)
        self._validate_timer = self._timer(VALIDATE_DELAY_MS, self._validate_now)
        self._draft_timer = self._timer(DRAFT_DELAY_MS, self._write_draft)
        fit_to_screen(self, 1180, 696)  # fits a 1366×768 laptop screen

    def _row_page(self, section: str, add: str, remove: str, *, movable: bool = False) -> RowPage:
        return RowPage(
            self.tables[section],
            add,
            remove,
            lambda: self.remove_row(section),
            movable=movable,
            parent=self,
        )

    def _button(self, text: str, tip: str, slot: Callable[[], Any]) -> QPushButton:
        button = QPushButton(text, self)
        button.setToolTip(tip)
        button.setAutoDefault(False)  # Enter moves to the next field, it never presses a button
        button.clicked.connect(slot)
        return button

    def _action(self, slot: Callable[[], Any], *keys: str | QKeySequence.StandardKey) -> QAction:
        action = QAction(self)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _timer(self, ms: int, slot: Callable[[], Any]) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(ms)
        timer.timeout.connect(slot)
        return timer

    # --- the form in and out ----------------------------------------------------------------
    def fill_widgets(self, form: HouseholdForm) -> None:
        self._filling += 1
        try:
            self._base = form.copy()
            self.basic.fill(form)
            self.members.set_rows(form.persons)
            self.structures.set_rows(form.structures)
            self.attachments.set_rows(form.attachments)
        finally:
            self._filling -= 1
        self.form = self.form_from_widgets()
        self._update_titles()

    def form_from_widgets(self) -> HouseholdForm:
        # Cell editors commit as they are typed into: reading never has to close one.
        form = self._base.copy()
        self.basic.read_into(form)
        form.persons = self.members.rows()
        form.structures = self.structures.rows()
        form.attachments = self.attachments.rows()
        return form

    def is_modified(self) -> bool:
        self.form = self.form_from_widgets()
        return self.form != self._saved_form

    # --- reacting to edits ------------------------------------------------------------------
    def _changed(self) -> None:
        if self._filling:
            return
        self._validate_timer.start()
        now = time.monotonic()
        if not self._draft_timer.isActive():
            self._draft_due = now + DRAFT_MAX_WAIT_S
        elif now >= self._draft_due:
            self._write_draft()
            return
        self._draft_timer.start()

    def _validate_now(self) -> None:
        self._validate_timer.stop()
        form = self.form = self.form_from_widgets()
        # A read-only household shows masked ID numbers: no point checking them.
        live = (
            []
            if self.read_only
            else validate(form, printable=self._printable) + self.foreign_ids.problems(form)
        )
        self._problems = live + [p for p in self._kept.current(form) if p not in live]
        self._show_problems(form)
        self.setWindowModified(form != self._saved_form)
        self._update_titles()

    def _show_problems(self, form: HouseholdForm) -> None:
        placed = place(self._problems)
        for section, table in self.tables.items():
            table.mark(placed.cells[section])
            mark = placed.fields.get(section)
            self.pages[section].show_message(*(mark or (None, "")))
        self.basic.mark(placed.fields)
        for i, page in enumerate(PAGES[:4]):
            worst = placed.pages.get(page)
            self.tabs.setTabIcon(i, severity_icon(worst) if worst else QIcon())
        self.problems.show_problems(self._problems, form)
        self._show_summary()

    def _show_summary(self) -> None:
        count = {s: sum(1 for p in self._problems if p.severity is s) for s in Severity}
        parts = [
            text
            for n, text in (
                (count[Severity.ERROR], _("错误 {n} 处", n=count[Severity.ERROR])),
                (count[Severity.CONFIRM], _("需确认 {n} 处", n=count[Severity.CONFIRM])),
                (count[Severity.WARNING], _("提示 {n} 处", n=count[Severity.WARNING])),
            )
            if n
        ]
        if parts:
            text = _("发现问题：{counts}（单击或按 F8 转到该处）", counts=_("，").join(parts))
        else:
            text = _("没有发现问题")
        self.problem_summary.setText(text)
        colour = "#c5221f" if count[Severity.ERROR] else "#b06000" if parts else "#188038"
        self.problem_summary.setStyleSheet(f"color: {colour};")

    def _update_titles(self) -> None:
        form = self.form
        head = next((p.name for p in form.persons if p.relation.strip() == HEAD_RELATION), "")
        village = self.basic.village_combo.currentText() if form.village_id else ""
        group = self.basic.group_combo.currentText() if form.group_id else ""
        parts = [form.code or _("新登记户"), head.strip(), f"{village} {group}".strip()]
        self.heading.setText("  ·  ".join(p for p in parts if p))
        title = _("户 {code}", code=form.code) if form.code else _("新登记户")
        self.setWindowTitle(f"{title} — {head.strip()}[*]" if head.strip() else f"{title}[*]")
        titles = (
            _("基本信息"),
            _("家庭成员（{n}人）", n=len(form.persons)),
            _("房屋（{n}处）", n=len(form.structures)),
            _("附属物（{n}项）", n=len(form.attachments)),
            _("照片"),
            _("历史"),
        )
        for i, text in enumerate(titles):
            label = f"&{i + 1} {text}"  # Alt+1 … Alt+6
            if self.tabs.tabText(i) != label:
                self.tabs.setTabText(i, label)

    def focus_problem(self, path: str) -> None:
        section, row, field = split_path(path)
        if section in SECTIONS:
            self.tabs.setCurrentIndex(PAGES.index(section))
            table = self.tables[section]
            if row is not None:
                table.focus_cell(row, field)
            else:
                table.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.tabs.setCurrentIndex(0)
        widget = self.basic.fields.get(section)
        if widget is not None:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def next_problem(self) -> None:
        self._validate_now()
        if self.problems.count():
            row = (self.problems.currentRow() + 1) % self.problems.count()
            self.problems.setCurrentRow(row)
            self.focus_problem(self.problems.path_at(row))

    def remove_row(self, section: str) -> None:
        table = self.tables[section]
        r = table.currentRow()
        if r < 0:
            return
        if not table.is_blank(r):
            what = where(f"{section}.{r}", self.form_from_widgets())
            if not dialogs.ask_confirm(self, _("删除"), _("确定删除{what}吗？", what=what)):
                return
        table.remove_row(r)

    # --- keys -------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter in a field moves to the next one (the paper form is read top to bottom);
        # QDialog would press the default button instead.
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not mods:
            self.focusNextChild()
            return
        super().keyPressEvent(event)

    # --- photos and history -----------------------------------------------------------------
    def _page_shown(self, index: int) -> None:
        # Read when first looked at (and after saves), so opening the editor stays fast.
        page = PAGES[index] if 0 <= index < len(PAGES) else ""
        if page not in self._stale:
            return
        self._stale.discard(page)
        household = self._base.id
        if page == "photos":
            self.photos.show_files(
                self.service.files(household) if household else [], project_zone(self.service.db)
            )
            self.photos.note.setText("" if household else _("新登记的户：添加照片时会先保存这户"))
        else:
            self.history.show_entries(
                self.service.history(household) if household else [], project_zone(self.service.db)
            )

    def add_photos(self) -> None:
        paths = dialogs.ask_files(self)
        if not paths:
            return
        if self._base.id is None and not self.save():
            dialogs.show_error(
                self, _("无法添加照片"), _("要先保存这户才能添加照片；请先改正标出的问题。")
            )
            return
        household = self._base.id
        assert household is not None
        failed: list[str] = []
        for path in paths:
            try:
                self.service.add_file(household, path, "photo")
            except (FileProblem, StorageError) as exc:
                failed.append(exc.message)
        self._stale = {"photos", "history"}
        self._page_shown(self.tabs.currentIndex())
        if len(paths) > len(failed):
            self._say(_("已添加 {n} 张照片", n=len(paths) - len(failed)))
        if failed:
            dialogs.show_error(self, _("有照片没有添加"), "\n".join(failed))

    # --- small things -----------------------------------------------------------------------
    def _apply_permissions(self) -> None:
        """Grey out saving (and adding photos) when the operator may not change this household:
        another team's, or any for an auditor. Such a household was loaded with its personal
        data masked (``HouseholdService.load``); the service refuses the save in any case."""
        new = self._base.id is None
        action = Action.REGISTER_HOUSEHOLD if new else Action.EDIT_HOUSEHOLD
        operator = self.service.operator
        team = self._base.team_id if self._base.team_id is not None else best_case_team(operator)
        allowed = True
        for control in (self.save_button, self.save_close_button, self.photos.add_button):
            allowed = gate(control, operator, action, team)
        self.save_action.setEnabled(allowed)
        self.save_close_action.setEnabled(allowed)
        self.read_only = not allowed
        if not allowed:
            for page in (self.basic, *self.pages.values()):
                page.setEnabled(False)  # shown, not editable
            self._say(why_not(operator, action, team) or "", error=True)

    def _place_focus(self) -> None:
        if self._base.id is None and self._base.village_id is not None:
            self.tabs.setCurrentIndex(PAGES.index("persons"))
            self.members.focus_cell(0, "name")
        else:
            self.tabs.setCurrentIndex(0)
            self.basic.village_combo.setFocus(Qt.FocusReason.OtherFocusReason)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #c5221f;" if error else "")
