"""A stored household as the editor's form, and the checks of a form that need the database
(writing is in :mod:`.household_write`).

Every query here is an indexed look-up by primary key, by ``household_id`` or by one of the
project's unique keys ((project_id, code) for households, (project_id, id_number) for persons),
so loading and saving cost the same with 100 rows as with 100,000 households.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain import idnumber
from ...domain.household_form import (
    AttachmentForm,
    HouseholdForm,
    PersonForm,
    Problem,
    Severity,
    StructureForm,
)
from ...domain.units import quantity_decimal
from ...i18n import _
from ...storage import models as m
from .values import (
    ATTACHMENT_LIMITS,
    HOUSEHOLD_LIMITS,
    PERSON_LIMITS,
    STRUCTURE_LIMITS,
    format_area_text,
    household_values,
    normalize_code,
)

# --- reading -----------------------------------------------------------------------------------


def children(s: Session, model: Any, household_id: uuid.UUID) -> list[Any]:
    query = select(model).where(model.household_id == household_id).order_by(model.sort_order)
    return list(s.scalars(query))


def read_form(s: Session, household_id: uuid.UUID) -> HouseholdForm:
    """The stored household as the editor shows it; ``LookupError`` if it does not exist."""
    hh = s.get(m.Household, household_id)
    if hh is None:
        raise LookupError(f"household {household_id} does not exist")
    return HouseholdForm(
        id=hh.id,
        code=hh.code,
        team_id=hh.team_id,
        village_id=hh.village_id,
        group_id=hh.group_id,
        responsible_id=hh.responsible_id,
        address=hh.address,
        persons=[_person_form(p) for p in children(s, m.Person, hh.id)],
        structures=[_structure_form(x) for x in children(s, m.Structure, hh.id)],
        attachments=[_attachment_form(a) for a in children(s, m.Attachment, hh.id)],
        compensation_method=hh.compensation_method or "",
        bank_name=hh.bank_name,
        bank_account=hh.bank_account,
        account_holder=hh.account_holder,
        special_situation=hh.special_situation,
        remarks=hh.remarks,
        row_version=hh.row_version,
    )


def _person_form(p: m.Person) -> PersonForm:
    return PersonForm(
        id=p.id,
        name=p.name,
        id_number=p.id_number or "",
        relation=p.relation,
        phone=p.phone,
        is_cadre=p.is_cadre,
        is_cadre_relative=p.is_cadre_relative,
        cadre_note=p.cadre_note,
        is_dibao=p.is_dibao,
        is_disabled=p.is_disabled,
        special_note=p.special_note,
    )


def _structure_form(x: m.Structure) -> StructureForm:
    legal, unlicensed = x.legal_area_dm2, x.unlicensed_area_dm2
    return StructureForm(
        id=x.id,
        label=x.label,
        structure_type=x.structure_type,
        # A zero area shows as an empty field, unless both are zero (then legal shows 0.00).
        legal_area=format_area_text(legal) if legal or not unlicensed else "",
        unlicensed_area=format_area_text(unlicensed) if unlicensed else "",
        floors=str(x.floors),
        build_year=str(x.build_year) if x.build_year is not None else "",
        decoration=x.decoration,
        remarks=x.remarks,
    )


def _attachment_form(a: m.Attachment) -> AttachmentForm:
    return AttachmentForm(
        id=a.id,
        item_code=a.item_code,
        name=a.name,
        unit=a.unit,
        quantity=str(quantity_decimal(a.quantity_milli)),
        remarks=a.remarks,
    )


# --- checks that need the database -------------------------------------------------------------


def database_problems(
    s: Session,
    form: HouseholdForm,
    *,
    project_id: uuid.UUID,
    today: date | None,
    items: Mapping[str, tuple[str, str]],
    decorations: Mapping[str, str],
) -> list[Problem]:
    """Problems ``validate_form`` cannot see: codes and ID numbers used by other households,
    a group of another village, entries longer than their columns, items not in the scheme."""
    out: list[Problem] = []
    code = normalize_code(form.code)
    if not code:
        out.append(Problem("code", _("请填写户编号，如 T07-0001")))
    else:
        taken = s.execute(
            select(m.Household.id, m.Household.head_name).where(
                m.Household.project_id == project_id, m.Household.code == code
            )
        ).first()
        if taken is not None and taken.id != form.id:
            out.append(
                Problem(
                    "code",
                    _(
                        "户编号 {code} 已被户主 {head} 一户使用，请换一个编号",
                        code=code,
                        head=taken.head_name,
                    ),
                )
            )
    if form.team_id is None:
        out.append(Problem("team_id", _("请选择工作组")))
    if form.group_id is not None and form.village_id is not None:
        village = s.scalar(
            select(m.VillageGroup.village_id).where(m.VillageGroup.id == form.group_id)
        )
        if village != form.village_id:
            out.append(Problem("group_id", _("所选村民小组不属于所选的村，请重新选择")))
    out.extend(_length_problems(form))
    out.extend(_scheme_warnings(form, items, decorations))
    out.extend(_id_numbers_elsewhere(s, form, project_id=project_id, today=today))
    return out


def _too_long(path: str, text: str, limit: int) -> Problem | None:
    if len(text) <= limit:
        return None
    return Problem(
        path, _("最多 {limit} 个字，现在是 {length} 个字，请精简", limit=limit, length=len(text))
    )


def _length_problems(form: HouseholdForm) -> list[Problem]:
    found: list[Problem | None] = []
    hvals = household_values(form)
    found += [_too_long(f, hvals[f], n) for f, n in HOUSEHOLD_LIMITS.items()]
    for i, p in enumerate(form.persons):
        found += [
            _too_long(f"persons.{i}.{f}", getattr(p, f).strip(), n)
            for f, n in PERSON_LIMITS.items()
        ]
    for i, x in enumerate(form.structures):
        found += [
            _too_long(f"structures.{i}.{f}", getattr(x, f).strip(), n)
            for f, n in STRUCTURE_LIMITS.items()
        ]
    for i, a in enumerate(form.attachments):
        found += [
            _too_long(f"attachments.{i}.{f}", getattr(a, f).strip(), n)
            for f, n in ATTACHMENT_LIMITS.items()
        ]
    return [p for p in found if p is not None]


def _scheme_warnings(
    form: HouseholdForm, items: Mapping[str, tuple[str, str]], decorations: Mapping[str, str]
) -> list[Problem]:
    out: list[Problem] = []
    for i, x in enumerate(form.structures):
        code = x.decoration.strip()
        if code and decorations and code not in decorations:
            out.append(
                Problem(
                    f"structures.{i}.decoration",
                    _("装修等级“{code}”不在现行补偿方案中，核算时无法计价", code=code),
                    Severity.WARNING,
                )
            )
    for i, a in enumerate(form.attachments):
        code = a.item_code.strip()
        if code and items and code not in items:
            out.append(
                Problem(
                    f"attachments.{i}.item_code",
                    _("附属物项目“{code}”不在现行补偿方案中，核算时无法计价", code=code),
                    Severity.WARNING,
                )
            )
    return out


def _id_numbers_elsewhere(
    s: Session, form: HouseholdForm, *, project_id: uuid.UUID, today: date | None
) -> list[Problem]:
    """Members whose ID number a person of another household of the project already has.

    One query on the (project_id, id_number) unique index; the household's own members are
    left out, so numbers moved between members of this household are fine."""
    wanted: dict[str, int] = {}
    for i, p in enumerate(form.persons):
        if not idnumber.normalize(p.id_number):
            continue
        try:
            value = idnumber.parse(p.id_number, today=today).value
        except idnumber.IdNumberError:
            continue  # validate_form reports it
        wanted.setdefault(value, i)
    if not wanted:
        return []
    query = (
        select(m.Person.id_number, m.Household.code, m.Household.head_name)
        .join(m.Household, m.Household.id == m.Person.household_id)
        .where(m.Person.project_id == project_id, m.Person.id_number.in_(sorted(wanted)))
    )
    if form.id is not None:
        query = query.where(m.Person.household_id != form.id)
    out: list[Problem] = []
    for r in s.execute(query):
        path = f"persons.{wanted[r.id_number]}.id_number"
        if r.head_name:
            message = _(
                "身份证号码已登记在 {code} 户（户主 {head}）", code=r.code, head=r.head_name
            )
        else:
            message = _("身份证号码已登记在 {code} 户", code=r.code)
        out.append(Problem(path, message))
    return out
