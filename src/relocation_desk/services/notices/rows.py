"""The current public figures of households, read from the database for a wall notice.

Which households belong on a notice of each kind (the right stage of work), and their rows
built with :func:`relocation_desk.domain.notice.public_row` — the same function the demo
uses, so figures read now compare equal to figures posted earlier when nothing changed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from ...domain import idnumber
from ...domain.notice import NOTICE_METHOD_LABELS, AmountLine, public_row, structure_summary
from ...domain.status import HouseholdStatus, NoticeKind
from ...storage import models as m

S = HouseholdStatus
_SIGNED_STAGES = {S.SIGNED, S.PAID, S.VACATED, S.DEMOLISHED}
_CHUNK = 500


@dataclass(frozen=True)
class CurrentRow:
    household_id: uuid.UUID
    group_sort: str
    code: str
    data: dict[str, Any]


def eligible(kind: NoticeKind, status: str) -> bool:
    st = HouseholdStatus(status)
    if kind is NoticeKind.SURVEY:
        return st is not S.REGISTERED
    if kind is NoticeKind.SIGNED:
        return st in _SIGNED_STAGES
    return st.rank >= S.CHECKED.rank


def _chunks(ids: Sequence[uuid.UUID]) -> Iterable[Sequence[uuid.UUID]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i : i + _CHUNK]


def current_rows(
    s: Session,
    kind: NoticeKind,
    *,
    village_id: uuid.UUID | None = None,
    group_id: uuid.UUID | None = None,
    household_ids: Sequence[uuid.UUID] | None = None,
) -> dict[uuid.UUID, CurrentRow]:
    """Households of the scope (a village, optionally a group; or the given ids) that belong
    on a ``kind`` notice now, with their public rows."""
    q = select(m.Household)
    if household_ids is not None:
        q = q.where(m.Household.id.in_(household_ids))
    else:
        q = q.where(m.Household.village_id == village_id)
        if group_id is not None:
            q = q.where(m.Household.group_id == group_id)
    households = [h for h in s.scalars(q) if eligible(kind, h.status)]
    if not households:
        return {}
    ids = [h.id for h in households]
    groups = {gid: name for gid, name in s.execute(select(m.VillageGroup.id, m.VillageGroup.name))}

    marks: dict[uuid.UUID, str] = {}
    buildings: dict[uuid.UUID, list[tuple[str, int, int]]] = {}
    for chunk in _chunks(ids):
        for hid, cadre, relative in s.execute(
            select(m.Person.household_id, m.Person.is_cadre, m.Person.is_cadre_relative).where(
                m.Person.household_id.in_(chunk),
                or_(m.Person.is_cadre.is_(True), m.Person.is_cadre_relative.is_(True)),
            )
        ):
            if cadre:
                marks[hid] = "干部"
            elif relative and hid not in marks:
                marks[hid] = "干部亲属"
        for hid, stype, legal, unlicensed in s.execute(
            select(
                m.Structure.household_id,
                m.Structure.structure_type,
                m.Structure.legal_area_dm2,
                m.Structure.unlicensed_area_dm2,
            )
            .where(m.Structure.household_id.in_(chunk))
            .order_by(m.Structure.household_id, m.Structure.sort_order)
        ):
            buildings.setdefault(hid, []).append((stype, legal, unlicensed))

    calcs: dict[uuid.UUID, m.Calculation] = {}
    signed_on: dict[uuid.UUID, str] = {}
    if kind is not NoticeKind.SURVEY:
        calcs, signed_on = _calculations(s, kind, ids)
    vulnerable = _vulnerable_items(s, {c.scheme_version_id for c in calcs.values()})

    out: dict[uuid.UUID, CurrentRow] = {}
    for h in households:
        calc = calcs.get(h.id)
        if kind is not NoticeKind.SURVEY and calc is None:
            continue  # compensation: no checked calculation; signed: no signed agreement
        lines: list[AmountLine] = []
        status = ""
        if calc is not None:
            approved = False
            for ln in calc.lines:
                lines.append(
                    AmountLine(
                        ln.category,
                        ln.amount_fen,
                        (calc.scheme_version_id, ln.item_code) in vulnerable,
                    )
                )
                approved = approved or ln.approval_request_id is not None
            status = NOTICE_METHOD_LABELS.get(calc.compensation_method, "")
            if kind is NoticeKind.SIGNED:
                status = f"已签约 {signed_on.get(h.id, '')}".strip()
            if approved:
                status = f"{status}；含指挥部批准事项" if status else "含指挥部批准事项"
        group = groups.get(h.group_id, "") if h.group_id is not None else ""
        data = public_row(
            kind=kind,
            code=h.code,
            head_name=h.head_name,
            masked_id=idnumber.mask(h.head_id_number) if h.head_id_number else "",
            group=group,
            member_count=h.member_count,
            legal_area_dm2=h.legal_area_dm2,
            unlicensed_area_dm2=h.unlicensed_area_dm2,
            structures=structure_summary(buildings.get(h.id, [])),
            mark=marks.get(h.id, ""),
            lines=lines,
            total_fen=calc.total_fen if calc is not None else None,
            status=status,
            calculation_version=calc.version_no if calc is not None else None,
        )
        out[h.id] = CurrentRow(h.id, group, h.code, data)
    return out


def _calculations(
    s: Session, kind: NoticeKind, ids: list[uuid.UUID]
) -> tuple[dict[uuid.UUID, m.Calculation], dict[uuid.UUID, str]]:
    """Per household: the current checked calculation (compensation), or the signed main
    agreement's calculation and signing date (signed)."""
    calcs: dict[uuid.UUID, m.Calculation] = {}
    signed_on: dict[uuid.UUID, str] = {}
    for chunk in _chunks(ids):
        if kind is NoticeKind.SIGNED:
            rows = s.execute(
                select(m.Agreement.household_id, m.Agreement.calculation_id, m.Agreement.signed_on)
                .where(
                    m.Agreement.household_id.in_(chunk),
                    m.Agreement.kind == "main",
                    m.Agreement.status == "signed",
                )
                .order_by(m.Agreement.seq_no)
            ).all()
            by_calc = {cid: hid for hid, cid, _d in rows}
            signed_on.update({hid: d.isoformat() if d else "" for hid, _c, d in rows})
            for c in s.scalars(
                select(m.Calculation)
                .where(m.Calculation.id.in_(by_calc))
                .options(selectinload(m.Calculation.lines))
            ):
                calcs[by_calc[c.id]] = c
        else:
            latest: dict[uuid.UUID, m.Calculation] = {}
            for c in s.scalars(
                select(m.Calculation)
                .where(m.Calculation.household_id.in_(chunk), m.Calculation.status != "superseded")
                .options(selectinload(m.Calculation.lines))
            ):
                prev = latest.get(c.household_id)
                if prev is None or c.version_no > prev.version_no:
                    latest[c.household_id] = c
            calcs.update({h: c for h, c in latest.items() if c.status == "checked"})
    return calcs, signed_on


def _vulnerable_items(s: Session, versions: set[uuid.UUID]) -> set[tuple[uuid.UUID, str]]:
    if not versions:
        return set()
    return {
        (v, code)
        for v, code in s.execute(
            select(m.RateItem.scheme_version_id, m.RateItem.code).where(
                m.RateItem.scheme_version_id.in_(versions),
                m.RateItem.kind == "vulnerable_uplift",
            )
        )
    }
