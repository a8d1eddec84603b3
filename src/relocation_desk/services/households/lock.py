"""The lock on a signed (or decided) household's compensation data (DOMAIN rule 3).

Once the agreement is signed, what the figures are made of — members (who they are, the
flags that change the figures), buildings, areas and attachments — may change only through a
supplementary agreement (补充协议): while one is open (opened in the agreement dialog, not yet
signed) the household can be edited again. Contact details, cadre marks, remarks, the bank
account and the address stay editable (the signed agreement keeps its own copy of them).
A household under a compensation decision (补偿决定) is locked the same way: the decision
set its amounts from these data, so a correction means a new decision by HQ.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.household_form import HouseholdForm, Problem
from ...domain.status import HouseholdStatus
from ...i18n import _
from ...storage import models as m
from .values import Change

__all__ = ["LOCKED_FIELDS", "locked_problems"]

_SIGNED = {
    HouseholdStatus.SIGNED.value,
    HouseholdStatus.PAID.value,
    HouseholdStatus.VACATED.value,
    HouseholdStatus.DEMOLISHED.value,
}
# Per entity: the fields a signed household may not change (None: every field but remarks).
LOCKED_FIELDS: dict[str, frozenset[str] | None] = {
    "person": frozenset(
        # sex and birth date follow the ID number (locked); a first save may fill them in.
        {"name", "id_number", "relation", "is_head", "is_dibao", "is_disabled"}
    ),
    "structure": None,
    "attachment": None,
}
_SECTIONS = {"person": "persons", "structure": "structures", "attachment": "attachments"}


def locked_problems(
    s: Session, hh: m.Household, form: HouseholdForm, changes: Sequence[Change]
) -> list[Problem]:
    """One problem per change the lock refuses (none if the household is not signed or a
    supplementary agreement is open)."""
    if hh.status == HouseholdStatus.DECISION.value:
        # The decision fixed the amounts from these data: changing them is a new decision.
        message = _(
            "已作出补偿决定的农户，补偿数据（成员、房屋、面积、附属物）不能再改；"
            "如确需更正，请报指挥部重新作出补偿决定，或撤销这处修改"
        )
    elif hh.status in _SIGNED:
        open_supplementary = s.scalar(
            select(m.Agreement.id).where(
                m.Agreement.household_id == hh.id,
                m.Agreement.kind == "supplementary",
                m.Agreement.status == "draft",
            )
        )
        if open_supplementary is not None:
            return []
        message = _(
            "已签约的农户只能通过补充协议变更补偿数据（成员、房屋、面积、附属物）：请在“协议…”中先开立补充协议，或撤销这处修改"
        )
    else:
        return []
    problems: list[Problem] = []
    for ch in changes:
        if ch.entity == "household" and "compensation_method" in (ch.after or {}):
            problems.append(Problem("compensation_method", message))
            continue
        locked = LOCKED_FIELDS.get(ch.entity, frozenset())
        if ch.entity not in LOCKED_FIELDS:
            continue
        section = _SECTIONS[ch.entity]
        if ch.action != "update":
            problems.append(Problem(section, message))
            continue
        fields = set((ch.after or {}).keys())
        bad = fields - {"remarks"} if locked is None else fields & locked
        if bad:
            index = _index(form, section, ch.entity_id)
            path = section if index is None else f"{section}.{index}.{_form_field(sorted(bad)[0])}"
            problems.append(Problem(path, message))
    return problems


def _index(form: HouseholdForm, section: str, row_id: uuid.UUID) -> int | None:
    for i, row in enumerate(getattr(form, section)):
        if row.id == row_id:
            return i
    return None


def _form_field(column: str) -> str:
    """The form's name of a stored column (areas and quantities are typed as text)."""
    return {
        "legal_area_dm2": "legal_area",
        "unlicensed_area_dm2": "unlicensed_area",
        "quantity_milli": "quantity",
    }.get(column, column)
