"""From what the clerk typed to what is stored: normalised column values, diffs, audit rows.

The household service validates a :class:`~relocation_desk.domain.household_form.HouseholdForm`
first; these functions then turn each part of it into a dict of column values (ID numbers
normalised, names cleaned, areas in dm², quantities in thousandths, sex and birth date read
from the ID number), compare them with the stored row, and describe each change as a
:class:`Change` that becomes one ``AuditLog`` row with only the changed fields before and after.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ...domain import idnumber, names, phone
from ...domain.household_form import (
    HEAD_RELATION,
    AttachmentForm,
    HouseholdForm,
    PersonForm,
    StructureForm,
)
from ...domain.search import SearchPerson, household_search_text
from ...domain.units import parse_area, parse_quantity
from ...storage import models as m

# Columns the clerk edits, in the order the audit lists them. ``sort_order`` is written but
# not audited: removing the first member renumbers the others without changing them.
HOUSEHOLD_FIELDS = (
    "code",
    "team_id",
    "village_id",
    "group_id",
    "responsible_id",
    "address",
    "compensation_method",
    "bank_name",
    "bank_account",
    "account_holder",
    "special_situation",
    "remarks",
)
PERSON_FIELDS = (
    "name",
    "id_number",
    "relation",
    "is_head",
    "sex",
    "birth_date",
    "phone",
    "is_cadre",
    "is_cadre_relative",
    "cadre_note",
    "is_dibao",
    "is_disabled",
    "special_note",
)
STRUCTURE_FIELDS = (
    "label",
    "structure_type",
    "legal_area_dm2",
    "unlicensed_area_dm2",
    "floors",
    "build_year",
    "decoration",
    "remarks",
)
ATTACHMENT_FIELDS = ("item_code", "name", "unit", "quantity_milli", "remarks")

# Column lengths the database enforces (PostgreSQL; SQLite would store anything), checked
# before saving so an over-long entry is a message next to its field, not a crash.
HOUSEHOLD_LIMITS = {"code": 40, "address": 200, "bank_name": 100, "account_holder": 100}
PERSON_LIMITS = {"relation": 20, "cadre_note": 100}
STRUCTURE_LIMITS = {"label": 100, "decoration": 40}
ATTACHMENT_LIMITS = {"item_code": 40, "name": 100, "unit": 10}


@dataclass(frozen=True)
class Change:
    """One changed row, as one audit entry."""

    action: str  # create, update, delete
    entity: str  # the table: household, person, structure, attachment
    entity_id: uuid.UUID
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    note: str  # who or what the row is ("张三", "主房"), for the history


def normalize_code(text: str) -> str:
    """``" t07-0001 "`` → ``"T07-0001"`` (full-width characters become ASCII)."""
    return unicodedata.normalize("NFKC", text).strip().upper()


def household_values(form: HouseholdForm) -> dict[str, Any]:
    return {
        "code": normalize_code(form.code),
        "team_id": form.team_id,
        "village_id": form.village_id,
        "group_id": form.group_id,
        "responsible_id": form.responsible_id,
        "address": form.address.strip(),
        "compensation_method": form.compensation_method or None,
        "bank_name": form.bank_name.strip(),
        "bank_account": "".join(form.bank_account.split()),
        "account_holder": names.normalize_name(form.account_holder),
        "special_situation": form.special_situation.strip(),
        "remarks": form.remarks.strip(),
    }


def person_values(p: PersonForm, today: date | None) -> dict[str, Any]:
    """Column values of a member; the form must have passed validation."""
    parsed = idnumber.parse(p.id_number, today=today) if idnumber.normalize(p.id_number) else None
    relation = p.relation.strip()
    return {
        "name": names.normalize_name(p.name),
        "id_number": parsed.value if parsed else None,  # never "": NULLs may repeat, "" not
        "relation": relation,
        "is_head": relation == HEAD_RELATION,
        "sex": parsed.sex if parsed else "",
        "birth_date": parsed.birth_date if parsed else None,
        "phone": phone.normalize_phone(p.phone) if p.phone.strip() else "",
        "is_cadre": bool(p.is_cadre),
        "is_cadre_relative": bool(p.is_cadre_relative),
        "cadre_note": p.cadre_note.strip(),
        "is_dibao": bool(p.is_dibao),
        "is_disabled": bool(p.is_disabled),
        "special_note": p.special_note.strip(),
    }


def structure_values(s: StructureForm) -> dict[str, Any]:
    legal, unlicensed = s.legal_area.strip(), s.unlicensed_area.strip()
    floors, year = s.floors.strip(), s.build_year.strip()
    return {
        "label": s.label.strip(),
        "structure_type": s.structure_type,
        "legal_area_dm2": parse_area(legal) if legal else 0,
        "unlicensed_area_dm2": parse_area(unlicensed) if unlicensed else 0,
        "floors": int(floors) if floors else 1,
        "build_year": int(year) if year else None,
        "decoration": s.decoration.strip(),
        "remarks": s.remarks.strip(),
    }


def attachment_values(a: AttachmentForm, items: Mapping[str, tuple[str, str]]) -> dict[str, Any]:
    """``items``: the scheme's item code → (name, unit), filling a name or unit left blank."""
    code = a.item_code.strip()
    known_name, known_unit = items.get(code, ("", ""))
    return {
        "item_code": code,
        "name": a.name.strip() or known_name,
        "unit": a.unit.strip() or known_unit,
        "quantity_milli": parse_quantity(a.quantity),
        "remarks": a.remarks.strip(),
    }


def register_columns(
    code: str, persons: list[dict[str, Any]], structures: list[dict[str, Any]]
) -> dict[str, Any]:
    """The household's denormalised register columns, from its members and buildings."""
    head = next((p for p in persons if p["is_head"]), None)
    return {
        "head_name": head["name"] if head else "",
        "head_id_number": (head["id_number"] or "") if head else "",
        "member_count": len(persons),
        "legal_area_dm2": sum(s["legal_area_dm2"] for s in structures),
        "unlicensed_area_dm2": sum(s["unlicensed_area_dm2"] for s in structures),
        "has_cadre": any(p["is_cadre"] or p["is_cadre_relative"] for p in persons),
        "search_text": household_search_text(
            code, [SearchPerson(p["name"], p["id_number"], p["phone"]) for p in persons]
        ),
    }


# --- comparing and auditing ------------------------------------------------------------------


def jsonable(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def changed_fields(
    row: Any, values: Mapping[str, Any], fields: Iterable[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(before, after) of the fields whose value differs, JSON-ready."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for f in fields:
        old, new = getattr(row, f), values[f]
        if old != new:
            before[f], after[f] = jsonable(old), jsonable(new)
    return before, after


def filled_fields(source: Any, fields: Iterable[str]) -> dict[str, Any]:
    """The fields that hold something (for a created or deleted row), JSON-ready."""
    get = source.get if isinstance(source, Mapping) else lambda f: getattr(source, f)
    out: dict[str, Any] = {}
    for f in fields:
        value = get(f)
        if value not in (None, "", False, 0):
            out[f] = jsonable(value)
    return out


def audit_rows(
    changes: Iterable[Change],
    *,
    household_id: uuid.UUID,
    operator_id: uuid.UUID | None,
    operator_login: str,
    at: datetime,
) -> list[m.AuditLog]:
    return [
        m.AuditLog(
            id=uuid.uuid4(),
            at=at,
            operator_id=operator_id,
            operator_login=operator_login,
            action=c.action,
            entity=c.entity,
            entity_id=str(c.entity_id),
            household_id=household_id,
            before=c.before,
            after=c.after,
            note=c.note,
        )
        for c in changes
    ]


def format_area_text(dm2: int) -> str:
    """12050 → ``"120.50"``: an area as the editor shows it (no thousands separators)."""
    whole, frac = divmod(dm2, 100)
    return f"{whole}.{frac:02d}"
