"""Writing a checked household form: the household row, its members, buildings and
attachments matched by id (updated, created, deleted), and the changes to audit.

An ID number may move from one member to another in one save, and a removed member's number
may be given to a new one: the unique (project_id, id_number) index is checked by every
statement, so such numbers are released in a first flush before the new values are written.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from ...domain.household_form import AttachmentForm, HouseholdForm, PersonForm, StructureForm
from ...domain.status import STRUCTURE_LABELS, HouseholdStatus, StructureType
from ...storage import models as m
from .store import children
from .values import (
    ATTACHMENT_FIELDS,
    HOUSEHOLD_FIELDS,
    PERSON_FIELDS,
    STRUCTURE_FIELDS,
    Change,
    attachment_values,
    changed_fields,
    filled_fields,
    household_values,
    person_values,
    register_columns,
    structure_values,
)


@dataclass
class WriteContext:
    project_id: uuid.UUID
    operator_id: uuid.UUID | None
    today: date | None
    now: datetime
    items: Mapping[str, tuple[str, str]]  # attachment item code → (name, unit)


def write_form(
    s: Session, hh: m.Household | None, form: HouseholdForm, ctx: WriteContext
) -> tuple[m.Household, list[Change]]:
    """Insert or update the household and its rows to match ``form`` (checked already).

    ``hh`` is the stored household, locked and at the form's row version, or None for a new
    one. Flushes but does not commit; returns the household and the changes to audit.
    """
    hvals = household_values(form)
    pvals = [person_values(p, ctx.today) for p in form.persons]
    svals = [structure_values(x) for x in form.structures]
    avals = [attachment_values(a, ctx.items) for a in form.attachments]
    register = register_columns(hvals["code"], pvals, svals)
    changes: list[Change] = []
    if hh is None:
        hh = m.Household(
            id=uuid.uuid4(),
            project_id=ctx.project_id,
            status=HouseholdStatus.REGISTERED.value,
            status_changed_at=ctx.now,
            created_at=ctx.now,
            updated_at=ctx.now,
            updated_by=ctx.operator_id,
            **hvals,
            **register,
        )
        s.add(hh)
        after = filled_fields(hvals, HOUSEHOLD_FIELDS)
        after.update(head_name=register["head_name"], member_count=register["member_count"])
        changes.append(Change("create", "household", hh.id, None, after, hvals["code"]))
        stored: tuple[list[Any], list[Any], list[Any]] = ([], [], [])
    else:
        before, after = changed_fields(hh, hvals, HOUSEHOLD_FIELDS)
        if after:
            changes.append(Change("update", "household", hh.id, before, after, hvals["code"]))
        stored = (
            children(s, m.Person, hh.id),
            children(s, m.Structure, hh.id),
            children(s, m.Attachment, hh.id),
        )
    persons = _Sync(m.Person, "person", PERSON_FIELDS, _person_note, stored[0], form.persons, pvals)
    for row, _row_id, vals in persons.pairs:
        # Sex and birth date come from the ID number. A member stored without one may have
        # them from elsewhere (an import, the household register): the form cannot show
        # them, so they are kept rather than wiped.
        if row is not None and row.id_number is None and vals["id_number"] is None:
            vals["sex"], vals["birth_date"] = row.sex, row.birth_date
    structures = _Sync(
        m.Structure,
        "structure",
        STRUCTURE_FIELDS,
        _structure_note,
        stored[1],
        form.structures,
        svals,
    )
    attachments = _Sync(
        m.Attachment,
        "attachment",
        ATTACHMENT_FIELDS,
        _attachment_note,
        stored[2],
        form.attachments,
        avals,
    )
    for sync in (persons, structures, attachments):
        changes.extend(sync.changes())

    # First free what is removed or changes hands: a row deleted, an ID number given up (it
    # may move to another member in this save; the unique index checks every statement).
    pending = False
    if persons.removed:
        removed_ids = [p.id for p in persons.removed]
        s.execute(
            update(m.DataFlag)
            .where(m.DataFlag.household_id == hh.id, m.DataFlag.person_id.in_(removed_ids))
            .values(person_id=None)
        )
    if structures.removed:
        removed_ids = [x.id for x in structures.removed]
        s.execute(
            update(m.StoredFile)
            .where(m.StoredFile.household_id == hh.id, m.StoredFile.structure_id.in_(removed_ids))
            .values(structure_id=None)
        )
    for sync in (persons, structures, attachments):
        for row in sync.removed:
            s.delete(row)
            pending = True
    for row, _new_id, vals in persons.pairs:
        if row is not None and row.id_number is not None and row.id_number != vals["id_number"]:
            row.id_number = None
            pending = True
    if pending:
        s.flush()

    persons.apply(s, hh.id, ctx.now, project_id=ctx.project_id)
    structures.apply(s, hh.id, ctx.now)
    attachments.apply(s, hh.id, ctx.now)
    if form.id is not None:
        for key, value in {**hvals, **register}.items():
            setattr(hh, key, value)
        # Always an UPDATE of the household row, so its row_version moves with every save
        # (also when only a member or a building changed).
        hh.updated_at = ctx.now
        hh.updated_by = ctx.operator_id
    s.flush()
    return hh, changes


class _Sync:
    """Matches stored child rows with the form's rows by id: update, create, delete."""

    def __init__(
        self,
        model: Any,
        entity: str,
        fields: Sequence[str],
        note: Callable[[Mapping[str, Any]], str],
        rows: list[Any],
        forms: Sequence[PersonForm | StructureForm | AttachmentForm],
        values: list[dict[str, Any]],
    ) -> None:
        self.model, self.entity, self.fields, self.note = model, entity, fields, note
        by_id = {r.id: r for r in rows}
        # (stored row or None, id, new values); a form row whose id is not (or no longer)
        # one of this household's rows is a new row with a new id.
        self.pairs: list[tuple[Any, uuid.UUID, dict[str, Any]]] = []
        for f, vals in zip(forms, values, strict=True):
            row = by_id.pop(f.id, None) if f.id is not None else None
            self.pairs.append((row, row.id if row is not None else uuid.uuid4(), vals))
        self.removed = list(by_id.values())

    def changes(self) -> list[Change]:
        out: list[Change] = []
        for row, row_id, vals in self.pairs:
            if row is None:
                after = filled_fields(vals, self.fields)
                out.append(Change("create", self.entity, row_id, None, after, self.note(vals)))
                continue
            before, after = changed_fields(row, vals, self.fields)
            if after:
                out.append(Change("update", self.entity, row_id, before, after, self.note(vals)))
        for row in self.removed:
            old = {f: getattr(row, f) for f in self.fields}
            before = filled_fields(old, self.fields)
            out.append(Change("delete", self.entity, row.id, before, None, self.note(old)))
        return out

    def apply(self, s: Session, household_id: uuid.UUID, now: datetime, **extra: Any) -> None:
        for order, (row, row_id, vals) in enumerate(self.pairs):
            if row is None:
                s.add(
                    self.model(
                        id=row_id,
                        household_id=household_id,
                        sort_order=order,
                        created_at=now,
                        updated_at=now,
                        **extra,
                        **vals,
                    )
                )
                continue
            for key, value in vals.items():
                if getattr(row, key) != value:
                    setattr(row, key, value)
            if row.sort_order != order:
                row.sort_order = order


def _person_note(v: Mapping[str, Any]) -> str:
    return str(v["name"])


def _structure_note(v: Mapping[str, Any]) -> str:
    try:
        kind = STRUCTURE_LABELS[StructureType(v["structure_type"])]
    except ValueError:
        kind = str(v["structure_type"])
    return f"{v['label']}（{kind}）" if v["label"] else kind


def _attachment_note(v: Mapping[str, Any]) -> str:
    return str(v["name"] or v["item_code"])
