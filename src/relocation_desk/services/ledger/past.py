"""The project's past as a ledger records it: signed agreements, payments, vacating and
demolition, written as real records marked as imported history.

For a household whose ledger row records a signing (签约日期, 协议编号 or 协议金额):

- an agreement with ``origin`` 'ledger', status signed, ``signed_on`` from the ledger and
  ``recorded_total_fen`` = the ledger's 协议金额, else the row's 台账补偿金额 (also its
  ``total_fen``; 0 there when the ledger records neither). It keeps the ledger's 协议编号 when
  the project has no agreement with that number, outside the desk's gap-free sequence
  (``seq_no`` < 0); otherwise it is numbered from the project's sequence and says so
  (``content.number_source`` and the 待核实 flag). It has no scheme version or calculation:
  it was never computed here, and its amount is never recomputed;
- a payment (method 'ledger') for the 已支付金额 with its 支付日期;
- milestones for 腾房日期 and 拆除日期;
- the household's status follows: 已签约, 已支付 (paid in full of the recorded amount), 已腾房,
  已拆除.

Each record is sealed (domain.audit_chain ``seal_hash``, as services.audit seals them) and its
audit row carries the seal; the household's 待核实 flag ``history`` names the records made.
:func:`plan_past` builds the rows (typed values) for the bulk writer of a new import;
:func:`record_past` writes them for a household already in the project (a re-import).

May use: domain, storage, services.audit, services.settings, services.agreements (numbers).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from ...domain.audit_chain import SEALED_COLUMNS, seal_hash
from ...domain.status import HouseholdStatus, MilestoneKind
from ...i18n import _
from ...storage import models as m
from ..agreements import content as ac
from ..audit import append
from ..settings import setting_value
from .rows import HouseholdPlan

LEDGER_METHOD = "ledger"  # payment.method of a payment read from a ledger
_AGREEMENT_FIELDS = ("signing_date", "agreement_number", "agreement_amount")
_MILESTONES = (
    ("vacating_date", MilestoneKind.VACATED),
    ("demolition_date", MilestoneKind.DEMOLISHED),
)


@dataclass
class Numbering:
    """The project's main-agreement numbers, for numbering imported agreements."""

    taken: set[str]
    lowest: int  # the lowest seq_no (ledger numbers go below 0)
    highest: int  # the desk's sequence
    fmt: str

    @classmethod
    def load(cls, s: Session, project_id: Any) -> Numbering:
        A = m.Agreement
        taken = set(s.scalars(select(A.number).where(A.project_id == project_id)))
        low, high = s.execute(
            select(func.min(A.seq_no), func.max(A.seq_no)).where(
                A.project_id == project_id, A.kind == "main"
            )
        ).one()
        fmt = setting_value(s, project_id, "agreement_number_format") if project_id else None
        fmt = fmt if isinstance(fmt, str) and fmt else ac.DEFAULT_NUMBER_FORMAT
        return cls(taken, min(int(low or 0), 0), max(int(high or 0), 0), fmt)

    def issue(self, given: str, year: int) -> tuple[int, str, bool]:
        """(seq_no, number, numbered here) for an agreement the ledger numbers ``given``."""
        if given and given not in self.taken:
            self.lowest -= 1
            self.taken.add(given)
            return self.lowest, given, False
        self.highest += 1
        number = ac.number_for(self.fmt, year, self.highest)
        self.taken.add(number)
        return self.highest, number, True


@dataclass
class Household:
    """What :func:`plan_past` needs to know of the household (and what it already has)."""

    id: uuid.UUID
    project_id: uuid.UUID
    head_name: str
    compensation_method: str
    status: str
    main: tuple[uuid.UUID, str, str] | None = None  # its main agreement: id, number, status
    recorded_fen: int | None = None  # the main agreement's recorded amount (ledger)
    ledger_paid: bool = False  # has a payment read from a ledger
    paid_fen: int = 0
    milestones: set[str] = field(default_factory=set)


@dataclass
class PastRows:
    """The rows :func:`plan_past` made for one household (typed values)."""

    agreements: list[dict[str, Any]] = field(default_factory=list)
    payments: list[dict[str, Any]] = field(default_factory=list)
    milestones: list[dict[str, Any]] = field(default_factory=list)
    audits: list[dict[str, Any]] = field(default_factory=list)
    status: HouseholdStatus | None = None  # the household's new status, if it moves
    said: list[str] = field(default_factory=list)  # for the 待核实 flag

    def text(self) -> str:
        return "；".join(self.said)


def plan_past(
    hh: Household, plan: HouseholdPlan, file: str, numbering: Numbering, operator: Any,
    now: datetime,
) -> PastRows:  # fmt: skip
    """The records ``plan.history`` makes for ``hh`` (those it already has are not made
    twice), each sealed, with their audit rows."""
    got, out = plan.history, PastRows()
    if not got:
        return out
    source = f"{file} {plan.sheet} {plan.row}"[:255]
    op_id = getattr(operator, "id", None)

    def audited(kind: str, row: dict[str, Any], action: str, after: dict[str, Any],
                note: str) -> None:  # fmt: skip
        row["seal"] = seal_hash(kind, {c: row[c] for c in SEALED_COLUMNS[kind]})
        out.audits.append({
            "id": uuid.uuid4(), "at": now, "operator_id": op_id,
            "operator_login": getattr(operator, "login", ""), "action": action, "entity": kind,
            "entity_id": str(row["id"]), "household_id": hh.id, "before": None,
            "after": {**after, "source": source}, "note": note[:500], "seal": row["seal"],
        })  # fmt: skip

    agreement_id: uuid.UUID | None = None
    number, owed = "", hh.recorded_fen
    claims = any(f in got for f in _AGREEMENT_FIELDS)
    if hh.main is not None and hh.main[2] != "signed":
        if claims or "paid_amount" in got:
            out.said.append(
                _("本项目已有该户未签订的协议 {number}，未按台账记为已签约", number=hh.main[1])
            )
    elif hh.main is not None:
        agreement_id, number = hh.main[0], hh.main[1]
    elif claims:
        row = _agreement(hh, plan, got, source, numbering, op_id, now, out)
        agreement_id, number, owed = row["id"], row["number"], row["recorded_total_fen"]
        audited("agreement", row, "sign", {
            "origin": "ledger", "number": number,
            "signed_on": row["signed_on"].isoformat() if row["signed_on"] else "",
            "recorded_total_fen": owed,
        }, number)  # fmt: skip
    elif "paid_amount" in got:
        out.said.append(_("台账记有支付但没有签约信息，未建立支付记录"))
    paid = hh.paid_fen
    if agreement_id is not None and "paid_amount" in got and not hh.ledger_paid:
        day = got.get("payment_date")
        if day is None:
            out.said.append(_("台账记有已支付金额但没有支付日期，未建立支付记录"))
        elif got["paid_amount"] > 0:
            row = {
                "id": uuid.uuid4(), "agreement_id": agreement_id, "decision_id": None,
                "household_id": hh.id, "kind": "payment", "amount_fen": got["paid_amount"],
                "paid_on": day, "payee": hh.head_name[:100], "method": LEDGER_METHOD,
                "voucher_no": "", "reverses_id": None,
                "note": _("台账 {file} 记载，需核实", file=source), "created_at": now,
                "created_by": op_id,
            }  # fmt: skip
            audited("payment", row, "create", {
                "kind": "payment", "amount_fen": row["amount_fen"], "paid_on": day.isoformat(),
                "method": LEDGER_METHOD, "agreement": number,
            }, number)  # fmt: skip
            out.payments.append(row)
            out.said.append(_("支付记录 {n} 笔", n=1))
            paid += row["amount_fen"]
    stones = set(hh.milestones)
    for fld, kind in _MILESTONES:
        if fld not in got or kind.value in stones:
            continue
        row = {
            "id": uuid.uuid4(), "household_id": hh.id, "kind": kind.value,
            "happened_on": got[fld], "note": _("台账 {file} 记载，需核实", file=source),
            "created_at": now, "created_by": op_id,
        }  # fmt: skip
        audited("milestone", row, "create",
                {"kind": kind.value, "happened_on": got[fld].isoformat()}, source)  # fmt: skip
        out.milestones.append(row)
        stones.add(kind.value)
        out.said.append(
            _("腾房日期 {day}", day=got[fld].isoformat())
            if kind is MilestoneKind.VACATED
            else _("拆除日期 {day}", day=got[fld].isoformat())
        )
    if agreement_id is not None:
        out.status = _follow(hh.status, owed, paid, stones)
    return out


def _agreement(
    hh: Household, plan: HouseholdPlan, got: dict[str, Any], source: str, numbering: Numbering,
    op_id: Any, now: datetime, out: PastRows,
) -> dict[str, Any]:  # fmt: skip
    given = str(got.get("agreement_number") or "").strip()[:60]
    signed_on: date | None = got.get("signing_date")
    seq, number, numbered_here = numbering.issue(given, (signed_on or now.date()).year)
    # The ledger's amount: its 协议金额, else the row's 台账补偿金额 (a signed row's amount).
    recorded = got.get("agreement_amount")
    amount_from = "agreement_amount" if recorded is not None else ""
    if recorded is None and plan.ledger_amount_fen is not None:
        recorded, amount_from = plan.ledger_amount_fen, "ledger_amount"
    if numbered_here:
        out.said.append(
            _(
                "已记为台账导入的历史协议 {number}（台账未载编号或编号已被占用，按本项目协议编号规则编号）",
                number=number,
            )
        )
        if given:
            out.said.append(_("台账协议编号 {number} 已被本项目其他协议使用", number=given))
    else:
        out.said.append(_("已记为台账导入的历史协议 {number}", number=number))
    content = {
        "format": ac.CONTENT_FORMAT, "kind": "main", "origin": "ledger", "number": number,
        "number_source": "sequence" if numbered_here else "ledger", "ledger_number": given,
        "recorded_total_fen": recorded, "amount_from": amount_from, "source": source,
        "signed_on": signed_on.isoformat() if signed_on else "",
    }  # fmt: skip
    row = {
        "id": uuid.uuid4(), "project_id": hh.project_id, "household_id": hh.id, "kind": "main",
        "parent_id": None, "seq_no": seq, "number": number, "status": "signed",
        "origin": "ledger", "scheme_version_id": None, "calculation_id": None,
        "compensation_method": hh.compensation_method or "", "total_fen": recorded or 0,
        "recorded_total_fen": recorded, "content": content, "payment_deadline": None,
        "vacate_deadline": None, "signed_on": signed_on, "witnessed_by": "",
        "signed_recorded_by": op_id, "print_count": 0, "created_at": now, "updated_at": now,
    }  # fmt: skip
    out.agreements.append(row)
    return row


def _follow(status: str, owed: int | None, paid: int, stones: set[str]) -> HouseholdStatus | None:
    """The status the household's milestones and payments give it, when that moves it on."""
    target = HouseholdStatus.SIGNED
    if owed is not None and paid >= owed > 0:
        target = HouseholdStatus.PAID
    if MilestoneKind.VACATED.value in stones:
        target = HouseholdStatus.VACATED
    if MilestoneKind.DEMOLISHED.value in stones:
        target = HouseholdStatus.DEMOLISHED
    current = HouseholdStatus(status)
    if current is HouseholdStatus.DECISION or current.rank >= target.rank:
        return None
    return target


def record_past(
    s: Session, household_id: uuid.UUID, plan: HouseholdPlan, file: str, operator: Any,
    now: datetime,
) -> PastRows:  # fmt: skip
    """Write ``plan.history`` for a household already in the project (in ``s``, the import's
    transaction): what it already has is read first and not written twice."""
    if not plan.history:
        return PastRows()
    s.flush()
    hh = s.get(m.Household, household_id)
    assert hh is not None
    A, P = m.Agreement, m.Payment
    main = s.execute(
        select(A.id, A.number, A.status, A.recorded_total_fen).where(
            A.household_id == hh.id, A.kind == "main"
        )
    ).first()
    paid = s.scalar(
        select(func.coalesce(func.sum(P.amount_fen), 0)).where(
            P.household_id == hh.id, P.kind == "payment"
        )
    )
    ledger_paid = s.scalar(
        select(P.id).where(P.household_id == hh.id, P.method == LEDGER_METHOD).limit(1)
    )
    known = Household(
        id=hh.id, project_id=hh.project_id, head_name=hh.head_name,
        compensation_method=hh.compensation_method or "", status=hh.status,
        main=(main[0], main[1], main[2]) if main else None,
        recorded_fen=main[3] if main else None, ledger_paid=ledger_paid is not None,
        paid_fen=int(paid or 0),
        milestones=set(s.scalars(select(m.Milestone.kind).where(m.Milestone.household_id == hh.id))),
    )  # fmt: skip
    out = plan_past(known, plan, file, Numbering.load(s, hh.project_id), operator, now)
    for model, rows in ((A, out.agreements), (P, out.payments), (m.Milestone, out.milestones)):
        if rows:
            s.execute(insert(model.__table__), rows)
    append(s, out.audits)
    if out.status is not None:
        s.execute(
            update(m.Household)
            .where(m.Household.id == hh.id)
            .values(status=out.status.value, status_changed_at=now)
        )
        s.expire(hh, ["status", "status_changed_at"])
    point_flag(s, hh.id, out.text())
    return out


def point_flag(s: Session, household_id: uuid.UUID, text: str) -> None:
    """The household's open 待核实 flag ``history`` names the records made from it."""
    if not text:
        return
    flag = s.scalar(
        select(m.DataFlag)
        .where(
            m.DataFlag.household_id == household_id,
            m.DataFlag.field == "history",
            m.DataFlag.resolved_at.is_(None),
        )
        .order_by(m.DataFlag.created_at.desc())
        .limit(1)
    )
    if flag is not None and text not in flag.reason:
        flag.reason = f"{flag.reason}；{text}"
