"""Importing a corrected ledger into the project it was imported into: households already in
the project are updated, never added twice.

A ledger household is the project's household with the same 户编号, else the one holding the
ID number of one of its members, else the only one with the same head name in the same
village and group (and only when the ledger has one such row too). A household that has
signed (已签约 or later) is locked: it is left as it is and each difference between the
ledger and the project is reported on its row. Any other match is updated in place: its
household values, members (matched by ID number, else by name; members the ledger no longer
lists are kept and reported), buildings (by their order), attachments (when the ledger lists
them), with the new 待核实 values, the history it records (agreement, payment, milestones: see
.past) and an audit row ``import_update``.

May use: domain, storage, ``services.households`` (register columns).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain import money
from ...domain.status import HouseholdStatus
from ...i18n import _
from ...storage import models as m
from ...storage.db import Database
from ..households.values import register_columns
from .past import record_past
from .rows import HouseholdPlan, RowOutcome

_LOCKED = {
    HouseholdStatus.SIGNED.value, HouseholdStatus.PAID.value, HouseholdStatus.VACATED.value,
    HouseholdStatus.DEMOLISHED.value, HouseholdStatus.DECISION.value,
}  # fmt: skip


@dataclass
class Existing:
    """A project household a ledger row stands for."""

    id: uuid.UUID
    code: str
    locked: bool
    values: dict[str, Any] = field(default_factory=dict)


def find_existing(db: Database | None, households: list[HouseholdPlan]) -> None:
    """Set ``existing`` on each planned household that is already in the project."""
    if db is None or not households:
        return
    with db.session() as s:
        rows = s.execute(
            select(
                m.Household.id, m.Household.code, m.Household.status, m.Household.head_name,
                m.Household.ledger_amount_fen, m.Household.legal_area_dm2,
                m.Household.unlicensed_area_dm2, m.Household.member_count,
                m.Household.address, m.Village.name, m.VillageGroup.name,
            )
            .join(m.Village, m.Village.id == m.Household.village_id)
            .outerjoin(m.VillageGroup, m.VillageGroup.id == m.Household.group_id)
        ).all()  # fmt: skip
        if not rows:
            return
        signed = set(
            s.scalars(select(m.Agreement.household_id).where(m.Agreement.status == "signed"))
        )
        by_person = dict(
            s.execute(
                select(m.Person.id_number, m.Person.household_id).where(
                    m.Person.id_number.is_not(None)
                )
            ).all()
        )
    found: dict[uuid.UUID, Existing] = {}
    by_code: dict[str, uuid.UUID] = {}
    by_place: dict[tuple[str, str, str], list[uuid.UUID]] = {}
    for r in rows:
        found[r[0]] = Existing(r[0], r[1], r[2] in _LOCKED or r[0] in signed, {
            "head_name": r[3], "ledger_amount_fen": r[4], "legal_area_dm2": r[5],
            "unlicensed_area_dm2": r[6], "member_count": r[7], "address": r[8],
        })  # fmt: skip
        by_code[r[1]] = r[0]
        by_place.setdefault((r[3], r[9], r[10] or ""), []).append(r[0])
    ledger_places: dict[tuple[str, str, str], set[tuple[Any, ...]]] = {}
    for h in households:  # an exact duplicate row (rejected later) is the same household
        key = (_head_name(h), (h.village or "")[:100], h.group[:100])
        ledger_places.setdefault(key, set()).add(tuple(h.key))
    for h in households:
        hid = by_code.get(h.code) if h.code else None
        if hid is None:
            hid = next((by_person[p.id_number] for p in h.persons if p.id_number in by_person),
                       None)  # fmt: skip
        if hid is None:
            key = (_head_name(h), (h.village or "")[:100], h.group[:100])
            same = by_place.get(key, [])
            if key[0] and len(same) == 1 and len(ledger_places[key]) == 1:
                hid = same[0]
        if hid is not None:
            h.existing = found[hid]


def _head_name(h: HouseholdPlan) -> str:
    return h.persons[0].name if h.persons else ""


def lock_signed(households: list[HouseholdPlan], outcomes: list[RowOutcome]) -> None:
    """Signed households are not updated: their rows are reported with the differences."""
    by_row = {(o.sheet, o.row): o for o in outcomes}
    for h in households:
        ex = h.existing
        if h.rejected or ex is None:
            continue
        o = by_row.get((h.sheet, h.row))
        if not ex.locked:
            if o is not None:
                o.reason = _("更新本项目已有的 {code} 户", code=ex.code)
            continue
        h.rejected = True  # not written
        diffs = differences(h, ex)
        why = _("{code} 户已签约，数据已锁定，未按台账更新", code=ex.code)
        if diffs:
            why += _("；台账与本项目不同：{diffs}", diffs="；".join(diffs))
        if o is not None:
            o.outcome, o.reason, o.warnings = "skipped", why, []
        for row in h.member_rows:
            mo = by_row.get((h.sheet, row))
            if mo is not None and mo.outcome != "rejected":
                mo.outcome, mo.reason, mo.warnings = "skipped", _("所在户已签约，未更新"), []


def differences(h: HouseholdPlan, ex: Existing) -> list[str]:
    """The ledger's values that differ from the project's, in words."""
    v = ex.values
    legal = sum(s["legal_area_dm2"] for s in h.structures)
    unlicensed = sum(s["unlicensed_area_dm2"] for s in h.structures)
    out = []

    def differ(label: str, ledger: Any, stored: Any, shown: Any = str) -> None:
        if ledger is not None and ledger != stored:
            out.append(_("{label}：台账 {ledger}，本项目 {stored}", label=label,
                         ledger=shown(ledger), stored=shown(stored) if stored is not None else ""))  # fmt: skip

    area = lambda dm2: f"{dm2 / 100:.2f}"  # noqa: E731
    differ(_("户主姓名"), _head_name(h) or None, v["head_name"])
    differ(_("台账补偿金额"), h.ledger_amount_fen, v["ledger_amount_fen"], money.format_fen)
    differ(_("合法面积"), legal if h.structures else None, v["legal_area_dm2"], area)
    differ(_("无证面积"), unlicensed if h.structures else None, v["unlicensed_area_dm2"], area)
    differ(_("家庭成员人数"), len(h.persons) or None, v["member_count"])
    differ(_("地址"), h.address or None, v["address"])
    return out


def update_households(
    s: Session, source: str, households: list[HouseholdPlan], operator: Any, now: datetime
) -> list[dict[str, Any]]:
    """Update the matched, unlocked households in ``s``; returns their audit rows (ORM
    values: the caller stores them with the import's other audit rows)."""
    op_id = getattr(operator, "id", None)
    audits = []
    for h in households:
        ex = h.existing
        hh = s.get(m.Household, ex.id)
        if hh is None:
            continue
        before = {"head_name": hh.head_name, "member_count": hh.member_count,
                  "legal_area_dm2": hh.legal_area_dm2, "ledger_amount_fen": hh.ledger_amount_fen}  # fmt: skip
        for name in ("address", "compensation_method", "bank_name", "bank_account", "remarks",
                     "deadline", "declared_member_count", "ledger_amount_fen"):  # fmt: skip
            value = getattr(h, name)
            if value not in (None, ""):
                setattr(hh, name, value)
        persons = _update_persons(s, hh, h, now)
        structures = _update_structures(s, hh, h, now)
        if h.attachments:
            for a in list(hh.attachments):
                s.delete(a)
            s.flush()
            for i, a in enumerate(h.attachments):
                s.add(m.Attachment(household_id=hh.id, sort_order=i, **a))
        register = register_columns(hh.code, [_person_dict(p) for p in persons],
                                    [_structure_dict(x) for x in structures])  # fmt: skip
        for name, value in register.items():
            setattr(hh, name, value)
        hh.updated_by, hh.updated_at = op_id, now
        _flags(s, hh, h, source, now)
        record_past(s, hh.id, h, source, operator, now)
        audits.append({
            "id": uuid.uuid4(), "at": now, "operator_id": op_id,
            "operator_login": getattr(operator, "login", ""), "action": "import_update",
            "entity": "household", "entity_id": str(hh.id), "household_id": hh.id,
            "before": before,
            "after": {"head_name": hh.head_name, "member_count": hh.member_count,
                      "legal_area_dm2": hh.legal_area_dm2,
                      "ledger_amount_fen": hh.ledger_amount_fen},
            "note": f"{source} {h.sheet} {h.row}"[:500],
        })  # fmt: skip
    s.flush()
    return audits


def _update_persons(s: Session, hh: m.Household, h: HouseholdPlan, now: datetime) -> list[Any]:
    stored = list(s.scalars(select(m.Person).where(m.Person.household_id == hh.id)
                            .order_by(m.Person.sort_order)))  # fmt: skip
    by_id = {p.id_number: p for p in stored if p.id_number}
    by_name = {p.name: p for p in stored}
    h.person_ids = []
    for p in h.persons:
        found = by_id.get(p.id_number) if p.id_number else None
        found = found or (by_name.get(p.name) if p.name else None)
        if found is None:
            found = m.Person(id=uuid.uuid4(), project_id=hh.project_id, household_id=hh.id,
                             sort_order=len(stored), name=p.name[:100], relation=p.relation[:20],
                             is_head=False, created_at=now, updated_at=now)  # fmt: skip
            s.add(found)
            stored.append(found)
        if p.name:
            found.name = p.name[:100]
        if p.id_number:
            found.id_number = p.id_number
            v = p.id_number
            found.birth_date = date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
            found.sex = "男" if int(v[16]) % 2 else "女"
        elif p.sex or p.birth_date:
            found.sex, found.birth_date = p.sex or found.sex, p.birth_date or found.birth_date
        if p.phone:
            found.phone = p.phone[:40]
        if p.relation:
            found.relation = p.relation[:20]
        found.updated_at = now
        h.person_ids.append(found.id)
    s.flush()
    return stored


def _update_structures(s: Session, hh: m.Household, h: HouseholdPlan, now: datetime) -> list[Any]:
    stored = list(s.scalars(select(m.Structure).where(m.Structure.household_id == hh.id)
                            .order_by(m.Structure.sort_order)))  # fmt: skip
    for i, st in enumerate(h.structures):
        if i < len(stored):
            row = stored[i]
            for name, value in st.items():
                if name != "label" or value:
                    setattr(row, name, value)
            row.updated_at = now
        else:
            row = m.Structure(household_id=hh.id, sort_order=i, **{"decoration": "", **st})
            s.add(row)
            stored.append(row)
    s.flush()
    return stored


def _person_dict(p: m.Person) -> dict[str, Any]:
    return {"name": p.name, "id_number": p.id_number, "phone": p.phone, "is_head": p.is_head,
            "is_cadre": p.is_cadre, "is_cadre_relative": p.is_cadre_relative}  # fmt: skip


def _structure_dict(x: m.Structure) -> dict[str, Any]:
    return {"legal_area_dm2": x.legal_area_dm2, "unlicensed_area_dm2": x.unlicensed_area_dm2}


def _flags(s: Session, hh: m.Household, h: HouseholdPlan, source: str, now: datetime) -> None:
    # A history flag's reason names the records made from it (.past): matched without it.
    open_flags = {
        (f.field, f.original_text, "" if f.field == "history" else f.reason)
        for f in s.scalars(select(m.DataFlag).where(
            m.DataFlag.household_id == hh.id, m.DataFlag.resolved_at.is_(None)))
    }  # fmt: skip
    ids = getattr(h, "person_ids", [])
    for f in h.flags:
        key = (f.field[:40], f.original_text, "" if f.field == "history" else f.reason)
        if f.field == "id_number_15" or key in open_flags:
            continue
        open_flags.add(key)
        pid = (
            ids[f.person_index]
            if f.person_index is not None and f.person_index < len(ids)
            else None
        )
        s.add(m.DataFlag(household_id=hh.id, person_id=pid, field=key[0],
                         original_text=f.original_text, reason=f.reason,
                         source=f"{source} {f.sheet} {f.row}"[:255], created_at=now))  # fmt: skip
