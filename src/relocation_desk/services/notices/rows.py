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
from ...domain.units import format_area
from ...i18n import _
from ...storage import models as m
from ...storage.models_resettlement import ResettlementChoice, ResettlementFlat
from ..progress_report import Progress, ensure

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
    if kind in (NoticeKind.SIGNED, NoticeKind.RESETTLEMENT):
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
    progress: Progress | None = None,
) -> dict[uuid.UUID, CurrentRow]:
    """Households of the scope (a village, optionally a group; or the given ids) that belong
    on a ``kind`` notice now, with their public rows. ``progress`` hears of each chunk of
    households read and may stop the reading (``Cancelled``)."""
    p = ensure(progress)
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
    n = len(ids)
    reading = _("正在读取各户的人口和房屋…")
    for done, chunk in enumerate(_chunks(ids)):
        p.check()
        p(done * _CHUNK, n, reading)
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
    imported: dict[uuid.UUID, int | None] = {}  # signed: agreements imported from a ledger
    if kind is not NoticeKind.SURVEY:
        calcs, signed_on, imported = _calculations(s, kind, ids, p)
    placed, order_nos = resettlement_texts(s, ids) if kind is not NoticeKind.SURVEY else ({}, {})
    vulnerable = _vulnerable_items(s, {c.scheme_version_id for c in calcs.values()})

    out: dict[uuid.UUID, CurrentRow] = {}
    building = _("正在整理公示名单…")
    for done, h in enumerate(households):
        if done % _CHUNK == 0:
            p.check()
            p(done, n, building)
        calc = calcs.get(h.id)
        if kind is not NoticeKind.SURVEY and calc is None and h.id not in imported:
            continue  # compensation: no checked calculation; signed: no signed agreement
        if kind is NoticeKind.RESETTLEMENT and h.id not in placed:
            continue  # no flat chosen yet
        lines: list[AmountLine] = []
        status = ""
        total_fen = calc.total_fen if calc is not None else imported.get(h.id)
        if calc is None and h.id in imported:
            # Signed before the desk arrived: the amount the ledger records, no itemised lines.
            status = f"已签约 {signed_on.get(h.id, '')}".strip() + "（台账导入）"
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
            if kind is NoticeKind.RESETTLEMENT:
                status = f"选房顺序第{order_nos[h.id]}号" if h.id in order_nos else "已选房"
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
            total_fen=total_fen,
            status=status,
            calculation_version=calc.version_no if calc is not None else None,
            resettlement=placed.get(h.id, ""),
        )
        out[h.id] = CurrentRow(h.id, group, h.code, data)
    return out


def resettlement_texts(
    s: Session, ids: list[uuid.UUID]
) -> tuple[dict[uuid.UUID, str], dict[uuid.UUID, int]]:
    """安置情况 per household with flats chosen (``幸福家园 2栋1单元0501 两室 90.00㎡；…``) and its
    choosing-order number. Read from the resettlement tables directly: the notices sit below
    the resettlement feature."""
    c, f = ResettlementChoice, ResettlementFlat
    texts: dict[uuid.UUID, list[str]] = {}
    orders: dict[uuid.UUID, int] = {}
    for chunk in _chunks(ids):
        for hid, estate, building, unit, number, layout, area, order_no in s.execute(
            select(c.household_id, f.estate, f.building, f.unit, f.number, f.layout, c.area_dm2,
                   c.order_no)
            .join(f, f.id == c.flat_id)
            .where(c.household_id.in_(chunk), c.cancelled_at.is_(None))
            .order_by(c.household_id, c.seq)
        ):  # fmt: skip
            unit_text = f"{unit}单元" if unit else ""
            texts.setdefault(hid, []).append(
                f"{estate} {building}栋{unit_text}{number} {layout} {format_area(area)}㎡"
            )
            if order_no is not None:
                orders[hid] = order_no
    return {hid: "；".join(v) for hid, v in texts.items()}, orders


def _calculations(
    s: Session, kind: NoticeKind, ids: list[uuid.UUID], p: Progress
) -> tuple[dict[uuid.UUID, m.Calculation], dict[uuid.UUID, str], dict[uuid.UUID, int | None]]:
    """Per household: the current checked calculation (compensation), or the signed main
    agreement's calculation and signing date (signed); for a signed agreement imported from a
    ledger (no calculation), its recorded amount instead."""
    calcs: dict[uuid.UUID, m.Calculation] = {}
    signed_on: dict[uuid.UUID, str] = {}
    imported: dict[uuid.UUID, int | None] = {}
    reading = _("正在读取各户的核算…")
    for done, chunk in enumerate(_chunks(ids)):
        p.check()
        p(done * _CHUNK, len(ids), reading)
        if kind is NoticeKind.SIGNED:
            for hid, recorded in s.execute(
                select(m.Agreement.household_id, m.Agreement.recorded_total_fen).where(
                    m.Agreement.household_id.in_(chunk),
                    m.Agreement.kind == "main",
                    m.Agreement.status == "signed",
                    m.Agreement.origin == "ledger",
                )
            ):
                imported[hid] = recorded
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
    return calcs, signed_on, imported


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
