"""Saving, drafts and closing: the half of the household editor that makes sure no typing is
ever lost.

- Save: the service checks again (with what only the database knows); errors keep the editor
  open and show each problem at its field; unusual values (CONFIRM) are asked about once;
  someone else's newer save (``ConcurrentEdit``) or a storage failure is reported and the
  clerk's data stays on screen and in the draft.
- Drafts: written about a second after the typing stops, dropped when saved or discarded,
  offered back when the household is opened again.
- Closing with changes asks: save, discard, or keep editing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from ...domain.household_form import HouseholdForm, Problem, Severity
from ...domain.household_form import validate_form as validate
from ...i18n import _
from ...services.clock import project_now
from ...services.households.service import ConcurrentEdit, ValidationFailed
from ...storage.errors import StorageError
from .. import dialogs
from .problems import describe

if TYPE_CHECKING:
    from ...services.households.service import SavedHousehold


class SavingMixin:
    """Mixed into ``HouseholdEditor``, which provides what is declared here."""

    if TYPE_CHECKING:
        from PySide6.QtCore import QTimer, SignalInstance
        from PySide6.QtWidgets import QTabWidget

        from ...services.households.service import HouseholdService
        from .basic import BasicPage
        from .drafts import DraftKeeper
        from .problems import KeptProblems
        from .tables import RowTable

        service: HouseholdService
        draft: DraftKeeper
        form: HouseholdForm
        basic: BasicPage
        tabs: QTabWidget
        tables: dict[str, RowTable]
        saved: SignalInstance
        _base: HouseholdForm
        _saved_form: HouseholdForm
        _kept: KeptProblems
        _printable: object
        _stale: set[str]
        _validate_timer: QTimer
        _draft_timer: QTimer

        def form_from_widgets(self) -> HouseholdForm: ...
        def fill_widgets(self, form: HouseholdForm) -> None: ...
        def is_modified(self) -> bool: ...
        def focus_problem(self, path: str) -> None: ...
        def accept(self) -> None: ...
        def _validate_now(self) -> None: ...
        def _page_shown(self, index: int) -> None: ...
        def _say(self, text: str, *, error: bool = False) -> None: ...

    # --- saving -----------------------------------------------------------------------------
    def save(self) -> bool:
        """Save the form; True if it was saved. A refusal keeps everything as it is."""
        form = self.form = self.form_from_widgets()
        if form.id is not None and form == self._saved_form:
            # Nothing to save: no new version, no empty entry in the history.
            self._say(_("没有修改，无需保存"))
            return True
        confirmed = False
        while True:
            try:
                result = self.service.save(form, confirmed=confirmed)
                break
            except ValidationFailed as exc:
                if self._fresh_code(form, exc.problems):
                    continue
                if not self._confirm_problems(form, exc.problems, asked=confirmed):
                    return False
                confirmed = True
            except (ConcurrentEdit, StorageError) as exc:
                # Someone else saved first, or the disk or database failed: keep the typing.
                self._write_draft()
                self._say(_("未保存：{reason}", reason=exc.message), error=True)
                dialogs.show_error(self, _("无法保存"), exc.message)
                return False
        self._after_save(result)
        return True

    def _fresh_code(self, form: HouseholdForm, problems: list[Problem]) -> bool:
        """A new household's automatic code was taken meanwhile (another editor, a restored
        draft): the clerk cannot edit it, so take the next free one and try again."""
        if form.id is not None or form.team_id is None:
            return False
        if not any(p.path == "code" and p.severity is Severity.ERROR for p in problems):
            return False
        fresh = self.service.new_form(team_id=form.team_id).code
        if not fresh or fresh == form.code:
            return False
        form.code = self._base.code = fresh
        self.basic.code_edit.setText(fresh)
        return True

    def _confirm_problems(
        self, form: HouseholdForm, problems: list[Problem], *, asked: bool
    ) -> bool:
        """Show why the service refused and ask about unusual values. True: save confirmed."""
        self._kept.keep(problems, form, validate(form, printable=self._printable))
        self._validate_now()
        errors = [p for p in problems if p.severity is Severity.ERROR]
        unusual = [p for p in problems if p.severity is Severity.CONFIRM]
        if errors or asked or not unusual:
            blocking = errors or unusual or problems
            self._say(_("未保存：请先改正标出的 {n} 处问题", n=len(blocking)), error=True)
            if blocking:
                self.focus_problem(blocking[0].path)
            return False
        text = _(
            "以下数据不太寻常，请对照调查表确认无误：\n\n{items}\n\n确认后保存吗？",
            items="\n".join(f"· {describe(p, form)}" for p in unusual),
        )
        if dialogs.ask_confirm(self, _("请确认"), text):
            return True
        self._say(_("未保存"), error=True)
        self.focus_problem(unusual[0].path)
        return False

    @property
    def household_id(self) -> UUID | None:
        """The stored household (None while a new one is not yet saved)."""
        return self._base.id

    def reload(self) -> None:
        """Show the household as stored now (after an action such as signing changed it)."""
        if self._base.id is not None:
            self._show_stored(self._base.id)
            self.saved.emit(self._base.id)

    def _after_save(self, result: SavedHousehold) -> None:
        self._show_stored(result.id)
        self._say(_("已保存（{time}）", time=project_now(self.service.db).strftime("%H:%M:%S")))
        self.saved.emit(result.id)

    def _show_stored(self, household_id: UUID) -> None:
        # Reload: new members and buildings got their ids, and the text is as stored.
        self._draft_timer.stop()
        self._kept.clear()
        page = self.tabs.currentIndex()
        cells = {s: (t.currentRow(), t.currentColumn()) for s, t in self.tables.items()}
        reloaded = self.service.load(household_id)
        self._saved_form = reloaded.copy()
        self.fill_widgets(reloaded)
        self.tabs.setCurrentIndex(page)
        for section, (row, column) in cells.items():
            if 0 <= row < self.tables[section].rowCount():
                self.tables[section].setCurrentCell(row, column)
        old_key = self.draft.key
        self.draft.adopt(str(household_id))
        self.draft.discard(old_key)
        self._validate_now()
        self._stale = {"photos", "history"}
        self._page_shown(page)

    def save_and_close(self) -> None:
        if not self.is_modified() or self.save():
            self.accept()

    # --- drafts -----------------------------------------------------------------------------
    def _write_draft(self) -> None:
        self._draft_timer.stop()
        try:
            written = self.draft.write(self.form_from_widgets(), self._saved_form)
        except OSError as exc:  # disk full, folder not writable
            self._say(_("草稿未能自动保存：{reason}", reason=exc.strerror or exc), error=True)
            return
        if written:
            self._say(
                _(
                    "已自动保存草稿（{time}）",
                    time=project_now(self.service.db).strftime("%H:%M:%S"),
                )
            )

    def _offer_draft(self) -> None:
        found = self.draft.find(self._saved_form)
        if found is None:
            return
        key, draft = found
        if not dialogs.ask_restore_draft(self):
            self.draft.discard(key)
            return
        if draft.id is None and draft.team_id is not None:
            # The code was given automatically; another household may have taken it since.
            draft.code = self.service.new_form(team_id=draft.team_id).code or draft.code
        self.draft.adopt(key)
        self.fill_widgets(draft)
        self._validate_now()
        self._say(_("已恢复上次未保存的录入"))

    # --- closing ----------------------------------------------------------------------------
    def reject(self) -> None:
        """Esc, the close button and the window's ×: ask first if there are changes."""
        if self._may_close():
            super().reject()

    def done(self, result: int) -> None:
        self._validate_timer.stop()
        self._draft_timer.stop()
        self.draft.release()
        super().done(result)

    def _may_close(self) -> bool:
        if not self.is_modified():
            if self.draft.written:
                self.draft.discard()
            return True
        answer = dialogs.ask_discard_changes(self)
        if answer == "save":
            return self.save()
        if answer == "discard":
            self.draft.discard()
            return True
        return False
