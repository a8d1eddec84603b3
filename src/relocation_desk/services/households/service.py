"""Registering and editing a household: the use case behind the household editor.

The editor works on a :class:`~relocation_desk.domain.household_form.HouseholdForm` (what the
clerk typed). :class:`HouseholdService` hands out new and stored forms, checks them (the pure
``validate_form`` plus what needs the database: ID numbers of other households, codes), saves
one in a single transaction with an audit row per changed record, and shows the household's
history and attached files. Nothing returned is a live ORM object.

Optimistic locking: a form remembers the ``row_version`` it was loaded at; saving it after
someone else saved the same household raises :class:`ConcurrentEdit` instead of silently
overwriting their work. Every save moves the version, even if only a member changed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ...domain.household_form import (
    HEAD_RELATION,
    HouseholdForm,
    PersonForm,
    Problem,
    Severity,
    validate_form,
)
from ...domain.idnumber import mask
from ...fonts import covered_codepoints
from ...i18n import _
from ...storage import models as m
from ...storage.db import Database
from ..access import Action, household_team, may, require
from ..clock import project_today, shown, utc_now
from ..errors import UserError
from ..stored_files import record_file
from .choices import Choice, EditorChoices, ItemChoice, next_code, read_choices
from .files import FILE_KINDS, FileProblem, check_source, files_folder, store_copy, stored_path
from .history import HistoryEntry, household_history, names_from
from .lock import locked_problems
from .store import database_problems, read_form
from .values import audit_rows
from .write import WriteContext, write_form

__all__ = [
    "Choice",
    "ConcurrentEdit",
    "EditorChoices",
    "FileProblem",
    "FileRow",
    "HistoryEntry",
    "HouseholdService",
    "ItemChoice",
    "OperatorRef",
    "SavedHousehold",
    "ValidationFailed",
    "operators",
]


@dataclass(frozen=True)
class OperatorRef:
    id: uuid.UUID
    login: str
    name: str
    role: str
    team_id: uuid.UUID | None


class ValidationFailed(UserError):
    """The form has errors (or unconfirmed CONFIRM problems); nothing was saved."""

    def __init__(self, problems: list[Problem], message: str) -> None:
        super().__init__(message)
        self.problems = problems


class ConcurrentEdit(UserError):
    """Someone else saved (or deleted) the household since this form was loaded."""


@dataclass(frozen=True)
class SavedHousehold:
    id: uuid.UUID
    code: str
    row_version: int


@dataclass(frozen=True)
class FileRow:
    id: uuid.UUID
    kind: str
    original_name: str
    sha256: str
    size: int
    added_at: datetime
    path: Path  # the stored copy


def project_id_of(s: Session) -> uuid.UUID:
    """The database's project (one project per database)."""
    found = s.scalar(select(m.Project.id).order_by(m.Project.created_at, m.Project.id).limit(1))
    if found is None:
        raise LookupError("no project in this database")
    return found


def household_by_code(s: Session, code: str) -> uuid.UUID | None:
    """The id of the project's household with ``code`` (as typed: spaces around it ignored)."""
    return s.scalar(
        select(m.Household.id).where(
            m.Household.project_id == project_id_of(s), m.Household.code == code.strip()
        )
    )


def operators(db: Database) -> list[OperatorRef]:
    """The project's active operators, for choosing who works on this computer."""
    with db.session() as s:
        project_id = project_id_of(s)
        rows = s.scalars(
            select(m.Operator)
            .where(m.Operator.project_id == project_id, m.Operator.active.is_(True))
            .order_by(m.Operator.login)
        )
        return [OperatorRef(o.id, o.login, o.name, o.role, o.team_id) for o in rows]


class HouseholdService:
    def __init__(self, db: Database, operator: OperatorRef | None) -> None:
        self._db = db
        self._operator = operator
        self._choices: EditorChoices | None = None
        self._project_id: uuid.UUID | None = None

    @property
    def db(self) -> Database:
        return self._db

    @property
    def operator(self) -> OperatorRef | None:
        return self._operator

    # --- reading ---------------------------------------------------------------------------

    def choices(self) -> EditorChoices:
        """What the editor's drop-downs offer (read once per service)."""
        if self._choices is None:
            with self._db.session() as s:
                self._choices = read_choices(s, self._project(s), project_today(s))
        return self._choices

    def new_form(
        self, *, team_id: uuid.UUID | None = None, village_id: uuid.UUID | None = None
    ) -> HouseholdForm:
        """An empty form with the team's next free code and one head-of-household row."""
        op = self._operator
        with self._db.session() as s:
            if team_id is None and village_id is not None:
                team_id = s.scalar(select(m.Village.team_id).where(m.Village.id == village_id))
            if team_id is None and op is not None:
                team_id = op.team_id
            code = next_code(s, self._project(s), team_id) if team_id is not None else ""
        responsible = op.id if op is not None and team_id and op.team_id == team_id else None
        return HouseholdForm(
            code=code,
            team_id=team_id,
            village_id=village_id,
            responsible_id=responsible,
            persons=[PersonForm(relation=HEAD_RELATION)],
        )

    def load(self, household_id: uuid.UUID) -> HouseholdForm:
        """The stored household as a form; ``LookupError`` if it no longer exists.

        For a household whose personal data the operator may not see in full (another team's,
        or any for an auditor: docs/personal-data.md), ID numbers and bank account are masked,
        phones and the 低保/残疾 flags left out; such an operator cannot save it either."""
        with self._db.session() as s:
            form = read_form(s, household_id)
        if not self.may(Action.VIEW_PERSONAL_DATA, form.team_id):
            form = masked_form(form)
        return form

    def may(self, action: Action, team_id: uuid.UUID | None) -> bool:
        """May this service's operator do ``action`` on a household of ``team_id``?"""
        return may(self._operator, action, team_id)

    def check(self, form: HouseholdForm) -> list[Problem]:
        """Every problem of the form, including those only the database can see."""
        with self._db.session() as s:
            return self._problems(s, form, project_today(s))

    def history(self, household_id: uuid.UUID) -> list[HistoryEntry]:
        """Changes and case events of the household, newest first."""
        choices = self.choices()
        items = {i.code: i.name for i in (*choices.decorations, *choices.attachment_items)}
        with self._db.session() as s:
            names = names_from(s, self._project(s), items)
            if not self.may(Action.VIEW_PERSONAL_DATA, household_team(s, household_id)):
                names = replace(names, masked=True)  # ID numbers, phones … not shown
            return household_history(s, household_id, names)

    def files(self, household_id: uuid.UUID) -> list[FileRow]:
        """The household's photos, scans and documents. Scans and documents (ID cards, bank
        cards, certificates) only for those who may see its personal data in full."""
        folder = files_folder(self._db)
        with self._db.session() as s:
            full = self.may(Action.VIEW_PERSONAL_DATA, household_team(s, household_id))
            rows = s.scalars(
                select(m.StoredFile)
                .where(m.StoredFile.household_id == household_id)
                .order_by(m.StoredFile.added_at, m.StoredFile.original_name)
            )
            return [_file_row(r, folder) for r in rows if full or r.kind == "photo"]

    # --- writing ---------------------------------------------------------------------------

    def save(self, form: HouseholdForm, *, confirmed: bool = False) -> SavedHousehold:
        """Check and save ``form`` in one transaction.

        Raises :class:`ValidationFailed` (nothing written) or :class:`ConcurrentEdit`. After
        saving, reload the form (:meth:`load`): new members and buildings got their ids.
        """
        today = project_today(self._db)
        choices = self.choices()
        op = self._operator
        try:
            with self._db.session(immediate=True) as s, s.begin():
                self._require_save(s, form)
                problems = self._problems(s, form, today)
                _raise_if_blocking(problems, confirmed=confirmed)
                hh = None
                if form.id is not None:
                    hh = s.scalar(
                        select(m.Household).where(m.Household.id == form.id).with_for_update()
                    )
                    if hh is None:
                        raise ConcurrentEdit(_("这户数据已被其他人删除，无法保存；请关闭编辑窗口"))
                    if hh.row_version != form.row_version:
                        raise ConcurrentEdit(_modified_message(s, hh))
                now = utc_now()
                ctx = WriteContext(
                    project_id=self._project(s),
                    operator_id=op.id if op is not None else None,
                    today=today,
                    now=now,
                    items={i.code: (i.name, i.unit) for i in choices.attachment_items},
                )
                hh, changes = write_form(s, hh, form, ctx)
                locked = locked_problems(s, hh, form, changes)
                if locked:  # raised inside the transaction: nothing is written
                    raise ValidationFailed(locked, _summary(locked, confirmed=True))
                s.add_all(
                    audit_rows(
                        changes,
                        household_id=hh.id,
                        operator_id=ctx.operator_id,
                        operator_login=op.login if op is not None else "",
                        at=now,
                    )
                )
                s.flush()
                saved = SavedHousehold(hh.id, hh.code, hh.row_version)
        except StaleDataError as exc:
            with self._db.session() as s:
                current = s.get(m.Household, form.id)
                if current is None:
                    message = _("这户数据已被其他人删除，无法保存；请关闭编辑窗口")
                else:
                    message = _modified_message(s, current)
            raise ConcurrentEdit(message) from exc
        except IntegrityError as exc:
            # Someone registered the same ID number or code between the check and the write
            # (possible on PostgreSQL): say so like the check would.
            problems = self.check(form)
            if any(p.severity is Severity.ERROR for p in problems):
                raise ValidationFailed(problems, _summary(problems, confirmed=True)) from exc
            raise
        return saved

    def add_file(self, household_id: uuid.UUID, source: Path, kind: str = "photo") -> FileRow:
        """Copy a photo, scan or document into the project's files and attach it.

        The same content attached to this household again returns the existing row.
        Raises :class:`FileProblem` for a missing file, a folder or a file over 50 MB."""
        if kind not in FILE_KINDS:
            raise ValueError(f"kind must be one of {FILE_KINDS}, not {kind!r}")
        source = Path(source)
        check_source(source)
        with self._db.session() as s:
            if s.get(m.Household, household_id) is None:
                raise LookupError(f"household {household_id} does not exist")
            require(self._operator, Action.EDIT_HOUSEHOLD, household_team(s, household_id))
        folder = files_folder(self._db)
        # Copied outside the transaction: a 50 MB copy must not hold the write lock.
        sha, size, _path = store_copy(folder, source)
        op = self._operator
        with self._db.session(immediate=True) as s, s.begin():
            row, _created = record_file(
                s, owner={"household_id": household_id}, kind=kind, original_name=source.name,
                sha256=sha, size=size, operator=op, household_id=household_id,
            )  # fmt: skip
            return _file_row(row, folder)

    # --- helpers -----------------------------------------------------------------------------

    def _require_save(self, s: Session, form: HouseholdForm) -> None:
        """The permission check of saving: a new household for the form's team; an existing
        one for the team it is stored under and the team it is moved to."""
        if form.id is None:
            require(self._operator, Action.REGISTER_HOUSEHOLD, form.team_id)
            return
        stored = s.scalar(select(m.Household.team_id).where(m.Household.id == form.id))
        if stored is not None:  # a deleted household is refused below as a concurrent edit
            require(self._operator, Action.EDIT_HOUSEHOLD, stored)
        require(self._operator, Action.EDIT_HOUSEHOLD, form.team_id)

    def _project(self, s: Session) -> uuid.UUID:
        if self._project_id is None:
            self._project_id = project_id_of(s)
        return self._project_id

    def _problems(self, s: Session, form: HouseholdForm, today: date) -> list[Problem]:
        choices = self.choices()
        problems = validate_form(form, printable=covered_codepoints(), today=today)
        problems += database_problems(
            s,
            form,
            project_id=self._project(s),
            today=today,
            items={i.code: (i.name, i.unit) for i in choices.attachment_items},
            decorations={i.code: i.name for i in choices.decorations},
        )
        return problems


# --- module helpers ----------------------------------------------------------------------------


def masked_form(form: HouseholdForm) -> HouseholdForm:
    """``form`` as someone who may not see its personal data in full sees it."""
    out = form.copy()
    for p in out.persons:
        p.id_number = mask(p.id_number)
        p.phone = ""
        p.is_dibao = p.is_disabled = False
        p.special_note = ""
    out.bank_account = mask_account(out.bank_account)
    return out


def mask_account(account: str) -> str:
    """A bank account number with all but its last 4 characters hidden."""
    digits = "".join(account.split())
    return "*" * max(len(digits) - 4, 0) + digits[-4:] if len(digits) > 4 else "*" * len(digits)


def _blocking(problems: list[Problem], *, confirmed: bool) -> list[Problem]:
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors or confirmed:
        return errors
    return [p for p in problems if p.severity is Severity.CONFIRM]


def _summary(problems: list[Problem], *, confirmed: bool) -> str:
    blocking = _blocking(problems, confirmed=confirmed)
    text = "；".join(p.message for p in blocking)
    if any(p.severity is Severity.ERROR for p in blocking):
        return _("有 {n} 处需要更正，未保存：{problems}", n=len(blocking), problems=text)
    return _("有 {n} 处需要确认后才能保存：{problems}", n=len(blocking), problems=text)


def _raise_if_blocking(problems: list[Problem], *, confirmed: bool) -> None:
    if _blocking(problems, confirmed=confirmed):
        raise ValidationFailed(problems, _summary(problems, confirmed=confirmed))


def _modified_message(s: Session, hh: m.Household) -> str:
    who = ""
    if hh.updated_by is not None:
        op = s.get(m.Operator, hh.updated_by)
        who = (op.name or op.login) if op is not None else ""
    when = shown(hh.updated_at, s)
    if who:
        return _(
            "这户数据已被其他人修改（{who}，{time}），请关闭后重新打开再改", who=who, time=when
        )
    return _("这户数据已被其他人修改（{time}），请关闭后重新打开再改", time=when)


def _file_row(r: m.StoredFile, folder: Path) -> FileRow:
    return FileRow(
        id=r.id,
        kind=r.kind,
        original_name=r.original_name,
        sha256=r.sha256,
        size=r.size,
        added_at=r.added_at,
        path=stored_path(folder, r.sha256, r.original_name),
    )
