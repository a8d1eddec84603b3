"""The paperwork of each demo case, in the order of work (DOMAIN rule 6).

Calculated → a calculation from the engine (computed by the responsible member); checked →
checked by the team leader, a different person; noticed → a row on the village's notice
round (public fields only, ID masked); signed → an agreement with every art. 25 item, numbered
gap-free in signing order; paid → payments (some in two instalments, a few deposited) adding
up to the agreement total; vacated/demolished → milestones after the payment; holdouts after
the signing deadline → a compensation decision. A few objections and approval requests too.

A household that signs is calculated for its signing date (bonus windows are judged by it),
so the figures posted on the notice are the figures of its agreement — as the agreement
service requires (an office whose bonus window changed between calculation and signing
recalculates and posts again first; the demo skips that detour). The agreement's content is
built by :mod:`.agreement_content` from the shipped template, like a printed one.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from ...domain import idnumber
from ...domain.audit_chain import JSON_COLUMNS, field_digests, json_value_text, seal_hash
from ...domain.calculation import CalculationResult
from ...domain.engine import compute, inputs_hash
from ...domain.engine_rules import bonus_day, window_for
from ...domain.household_input import HouseholdInput
from ...domain.notice import (
    NOTICE_METHOD_LABELS,
    AmountLine,
    public_row,
    snapshot_hash,
    structure_summary,
    verification_code,
)
from ...domain.scheme import RateKind, Scheme
from ...domain.scheme_scope import land_type
from ...domain.status import CompensationMethod, HouseholdStatus, NoticeKind
from ...storage import models as m
from ..agreements import content as ac
from ..bulk_writer import BulkWriter, Clock, Ids
from ..calculation.inputs import version_label
from ..notices.service import hashed_rows
from . import data
from .plan import HouseholdPlan, Layout, VillagePlan

S = HouseholdStatus
METHOD_LABELS = {
    CompensationMethod.MONEY: "货币补偿",
    CompensationMethod.SWAP: "产权调换",
    CompensationMethod.MIXED: "货币补偿与产权调换相结合",
}
# The project's agreement settings (setting ``agreement_values``), over the template's defaults.
AGREEMENT_VALUES = {"resettlement_place": data.RESETTLEMENT_PLACE}
OBJECTION_SHARE = 0.03  # of households on a notice
APPROVAL_SHARE = 0.006  # of calculated households


_LINE_COLUMNS = (
    "id", "calculation_id", "seq", "item_code", "item_name", "category", "unit", "quantity",
    "rate_fen", "amount_fen", "explanation", "approval_request_id",
)  # fmt: skip


@dataclass(slots=True)
class Calc:
    """A stored calculation version and its result."""

    id: str
    version_no: int
    result: CalculationResult


@dataclass(slots=True)
class CaseFacts:
    """What the paperwork needs to know about a household besides its plan."""

    head_name: str
    head_id: str | None
    group_name: str
    member_count: int
    legal_dm2: int
    unlicensed_dm2: int
    structures: str  # "砖混 120.50㎡、简易 12.00㎡"
    cadre_mark: str
    payee: str
    address: str = ""
    bank_name: str = ""
    bank_account: str = ""
    members: tuple[tuple[str, str, str | None, date], ...] = ()  # name, relation, ID, birth


class Records:
    def __init__(
        self,
        writer: BulkWriter,
        clock: Clock,
        ids: Ids,
        rng: random.Random,
        layout: Layout,
        scheme: Scheme,
        scheme_version_id: str,
        project_id: str,
    ) -> None:
        self.w, self.clock, self.ids, self.rng = writer, clock, ids, rng
        self.layout = layout
        self.scheme = scheme
        self.scheme_version_id = scheme_version_id
        self.project_id = project_id
        self._bonus_items = [it for it in scheme.items if it.kind is RateKind.BONUS_WINDOW]
        self._template, self._agreement_values = ac.resolve_template(None, AGREEMENT_VALUES)
        # Notice rows per village, gathered while the village's households are generated.
        self._notice_rows: dict[int, list[tuple[HouseholdPlan, dict[str, Any]]]] = {}
        self.engine_calls = 0
        self._add_calculation = writer.adder(m.Calculation.__table__)
        self._add_line = writer.tuple_adder(m.CalculationLine.__table__, _LINE_COLUMNS)

    # --- calculations ----------------------------------------------------------------------

    def compute(self, hh: HouseholdInput, as_of: int) -> CalculationResult:
        self.engine_calls += 1
        return compute(hh, self.scheme, as_of=self.clock.date(as_of))

    def calculations(
        self, p: HouseholdPlan, hh: HouseholdInput, first: CalculationResult
    ) -> tuple[Calc, Calc]:
        """Store the household's calculation; returns (posted, current), the same version.

        A household that signs gets the figures for its signing day: when a bonus window of
        that day differs from the calculation day's, the engine runs for the signing day (as
        the office recalculates, checks and posts again before signing)."""
        team = self.layout.teams[p.team]
        assert p.calculated is not None
        checked = p.checked is not None
        stored_hh, as_of = hh, p.calculated
        if p.signed is not None:
            stored_hh = replace(hh, signed_on=self.clock.date(p.signed))
            if not self._same_windows(hh, p.calculated, stored_hh, p.signed):
                as_of = p.signed
                first = self.compute(stored_hh, as_of)
        v1 = Calc(self.ids.new(), 1, first)
        self._calculation(
            p, v1, stored_hh, p.calculated, p.responsible, team.leader if checked else None,
            p.checked, as_of=as_of,
        )  # fmt: skip
        return v1, v1

    def _same_windows(self, a: HouseholdInput, a_day: int, b: HouseholdInput, b_day: int) -> bool:
        """True if every bonus item falls in the same window for both (so the engine would
        give the same amounts: only the dates differ)."""
        da, db = self.clock.date(a_day), self.clock.date(b_day)
        for item in self._bonus_items:
            if (
                window_for(item, bonus_day(item, a, da)[0])[0]
                != window_for(item, bonus_day(item, b, db)[0])[0]
            ):
                return False
        return True

    def _calculation(
        self,
        p: HouseholdPlan,
        calc: Calc,
        hh: HouseholdInput,
        day: int,
        computed_by: int,
        checked_by: int | None,
        checked_day: int | None,
        *,
        as_of: int,
    ) -> None:
        ops, rng, clock = self.layout.operators, self.rng, self.clock
        status = "checked" if checked_by is not None else "computed"
        computed_at = clock.work_time(day, rng)
        checked_at = None
        if checked_by is not None and checked_day is not None:
            checked_at = max(clock.work_time(checked_day, rng), computed_at)
        self._add_calculation({
            "id": calc.id, "household_id": p.id, "version_no": calc.version_no,
            "scheme_version_id": self.scheme_version_id, "status": status,
            "compensation_method": hh.compensation_method.value,
            "inputs_hash": inputs_hash(hh, self.scheme, as_of=clock.date(as_of)),
            "total_fen": calc.result.total_fen, "computed_at": computed_at,
            "computed_by": ops[computed_by].id, "checked_at": checked_at,
            "checked_by": ops[checked_by].id if checked_by is not None else None,
            "supersedes_id": None,
        })  # fmt: skip
        add, new, calc_id = self._add_line, self.ids.new, calc.id
        for ln in calc.result.lines:
            add((new(), calc_id, ln.seq, ln.item_code, ln.item_name, ln.category, ln.unit,
                 str(ln.quantity), ln.rate_fen, ln.amount_fen, ln.explanation, None))  # fmt: skip

    # --- notices ----------------------------------------------------------------------------

    def notice_row(
        self, p: HouseholdPlan, facts: CaseFacts, posted: Calc, method: CompensationMethod
    ) -> None:
        """Remember the household's public figures for its village's notice round."""
        result = posted.result
        row = public_row(
            kind=NoticeKind.COMPENSATION,
            code=p.code,
            head_name=facts.head_name,
            masked_id=idnumber.mask(facts.head_id) if facts.head_id else "",
            group=facts.group_name,
            member_count=facts.member_count,
            legal_area_dm2=facts.legal_dm2,
            unlicensed_area_dm2=facts.unlicensed_dm2,
            structures=facts.structures,
            mark=facts.cadre_mark,
            lines=[
                AmountLine(ln.category, ln.amount_fen, ln.kind is RateKind.VULNERABLE_UPLIFT)
                for ln in result.lines
            ],
            total_fen=result.total_fen,
            status=NOTICE_METHOD_LABELS[method.value],
            calculation_version=posted.version_no,
        )
        self._notice_rows.setdefault(p.village, []).append((p, row))

    def notice_rounds(self, village: VillagePlan) -> None:
        """Post the village's compensation notice (one round) with the rows gathered."""
        rows = self._notice_rows.pop(village.index, [])
        if not rows:
            return
        tl, clock = self.layout.timeline, self.clock
        team = self.layout.teams[village.team]
        posted_to = village.notice_to(tl)
        header = {
            "project_id": str(uuid.UUID(self.project_id)), "village_id": str(uuid.UUID(village.id)),
            "group_id": None, "kind": "compensation", "round_no": 1, "previous_round_id": None,
            "posted_from": clock.day(village.notice_from), "posted_to": clock.day(posted_to),
            "objection_place": f"{village.name}村委会（{team.name}驻村办公室）",
            "objection_until": clock.day(posted_to), "issuing_team_id": str(uuid.UUID(team.id)),
        }  # fmt: skip
        numbered = [(i, p.id, "", row) for i, (p, row) in enumerate(rows, start=1)]
        digest = snapshot_hash(header, hashed_rows(numbered))
        self.w.add(m.NoticeRound.__table__, {
            "id": village.round_id, "project_id": self.project_id, "village_id": village.id,
            "group_id": None, "scope_key": str(uuid.UUID(village.id)), "kind": "compensation", "round_no": 1,
            "previous_round_id": None, "posted_from": clock.day(village.notice_from),
            "posted_to": clock.day(posted_to),
            "objection_place": f"{village.name}村委会（{team.name}驻村办公室）",
            "objection_until": clock.day(posted_to), "issuing_team_id": team.id,
            "snapshot_hash": digest, "verification_code": verification_code(digest),
            "created_at": clock.at(village.notice_from - 1, 16 * 60),
            "created_by": self.layout.operators[team.leader].id, "print_count": 1,
        })  # fmt: skip
        table = m.NoticeRow.__table__
        for (p, _row), (seq, _hid, _mark, row) in zip(rows, numbered, strict=True):
            self.w.add(table, {
                "id": self.ids.new(), "round_id": village.round_id, "household_id": p.id,
                "seq": seq, "change_mark": "", "data": row,
                "field_digests": field_digests("", row),
            })  # fmt: skip
            self._objection(p, village)

    def _objection(self, p: HouseholdPlan, village: VillagePlan) -> None:
        rng, clock, tl = self.rng, self.clock, self.layout.timeline
        if rng.random() >= OBJECTION_SHARE:
            return
        received = rng.randint(village.notice_from, village.notice_to(tl))
        subject, text, answer = data.OBJECTION_TEXTS[int(rng.random() * len(data.OBJECTION_TEXTS))]
        status, reason, decided = "open", "", None
        # Objections are answered before signing; open ones only on unsigned households.
        latest = p.signed - 1 if p.signed is not None else p.decided or clock.today
        if p.signed is not None or p.decided is not None or rng.random() < 0.5:
            if latest < received + 1:
                return
            decided = rng.randint(received + 1, min(latest, received + 10))
            status = "rejected"
            reason = answer
        leader = self.layout.operators[self.layout.teams[p.team].leader]
        created = clock.work_time(received, rng)
        decided_at = clock.work_time(decided, rng) if decided is not None else None
        self.w.add(m.Objection.__table__, {
            "id": self.ids.new(), "household_id": p.id, "round_id": village.round_id,
            "subject": subject, "text": text, "received_on": clock.day(received),
            "deadline": clock.day(received + 15), "status": status, "outcome_reason": reason,
            "decided_at": decided_at, "decided_by": leader.id if decided is not None else None,
            "recalculation_id": None, "created_at": created, "updated_at": decided_at or created,
        })  # fmt: skip

    # --- agreement, payment, milestones, decision ---------------------------------------------

    def agreement(
        self, p: HouseholdPlan, facts: CaseFacts, calc: Calc, method: CompensationMethod
    ) -> str:
        assert p.signed is not None and p.agreement_seq is not None
        clock, rng, ops = self.clock, self.rng, self.layout.operators
        result = calc.result
        year = clock.date(p.signed).year
        agreement_id = self.ids.new()
        signed_at = clock.work_time(p.signed, rng)
        number = f"{data.AGREEMENT_PREFIX}〔{year}〕第{p.agreement_seq:05d}号"
        content = self._agreement_content(p, facts, calc, method)
        content.update(number=number, revision=1, issued_on=clock.day(p.signed))
        self.w.add(m.Agreement.__table__, sealed("agreement", {
            "id": agreement_id, "project_id": self.project_id, "household_id": p.id,
            "kind": "main", "parent_id": None, "seq_no": p.agreement_seq,
            "number": number, "status": "signed", "scheme_version_id": self.scheme_version_id,
            "calculation_id": calc.id, "compensation_method": method.value,
            "total_fen": result.total_fen, "content": content,
            "payment_deadline": clock.day(p.signed + 15),
            "vacate_deadline": clock.day(p.signed + 30), "signed_on": clock.day(p.signed),
            "witnessed_by": f"{self.layout.villages[p.village].name}村委会",
            "signed_recorded_by": ops[p.responsible].id, "print_count": 2,
            "created_at": signed_at, "updated_at": signed_at,
        }))  # fmt: skip
        return agreement_id

    def _agreement_content(
        self, p: HouseholdPlan, facts: CaseFacts, calc: Calc, method: CompensationMethod
    ) -> dict[str, Any]:
        assert p.signed is not None
        day = self.clock.date(p.signed)
        result = calc.result
        bonus_codes = {it.code for it in self._bonus_items if it.date_source == "signed"}
        agreement_facts = ac.AgreementFacts(
            project_name=data.PROJECT_NAME, household_code=p.code, head_name=facts.head_name,
            head_id_number=facts.head_id or "", address=facts.address,
            village=self.layout.villages[p.village].name, group=facts.group_name,
            method=method.value,
            bank_name=facts.bank_name, bank_account=facts.bank_account,
            account_holder=facts.payee,
            signers=tuple(
                ac.Signer(name, relation, id_number or "")
                for name, relation, id_number, birth in facts.members
                if ac.adult_on(birth, day)
            ),
            lines=tuple(
                ac.Line(ln.seq, ln.item_name, ln.category, str(ln.quantity), ln.unit,
                        ln.rate_fen, ln.amount_fen)
                for ln in result.lines
            ),
            total_fen=result.total_fen, calculation_id=str(uuid.UUID(calc.id)),
            calculation_version=calc.version_no,
            scheme_version_id=str(uuid.UUID(self.scheme_version_id)),
            scheme_label=version_label(self.scheme),
            bonus_text=ac.bonus_text(
                [(ln.item_code, ln.item_name, ln.amount_fen) for ln in result.lines], bonus_codes
            ),
            values=self._agreement_values,
            land_type=land_type(self.scheme.params),  # the law cited follows the scheme
            provincial_rules=str(self.scheme.params.get("provincial_rules", "")),
        )  # fmt: skip
        return ac.build_main(agreement_facts, self._template)

    def payments(self, p: HouseholdPlan, facts: CaseFacts, agreement_id: str, total: int) -> None:
        assert p.paid is not None
        clock, rng = self.clock, self.rng
        finance = self.layout.operators[self.layout.hq[1]].id
        if p.deposit:
            parts = [("deposit", total, p.paid)]
        elif p.paid_again is not None:
            first = total * 7 // 10 // 100 * 100
            parts = [("payment", first, p.paid), ("payment", total - first, p.paid_again)]
        else:
            parts = [("payment", total, p.paid)]
        for k, (kind, amount, day) in enumerate(parts, start=1):
            self.w.add(m.Payment.__table__, sealed("payment", {
                "id": self.ids.new(), "agreement_id": agreement_id, "decision_id": None,
                "household_id": p.id, "kind": kind, "amount_fen": amount,
                "paid_on": clock.day(day), "payee": facts.payee, "method": "transfer",
                "voucher_no": f"ZF-{p.code}-{k}", "reverses_id": None, "note": "",
                "created_at": clock.work_time(day, rng), "created_by": finance,
            }))  # fmt: skip

    def milestones(self, p: HouseholdPlan) -> None:
        clock, rng = self.clock, self.rng
        by = self.layout.operators[p.responsible].id
        events: list[tuple[str, int]] = []
        if p.vacated is not None:
            events.append(("vacated", p.vacated))
        if p.demolished is not None:
            assert p.vacated is not None
            events.append(("keys", min(p.vacated + rng.randint(0, 1), p.demolished)))
            events.append(("demolished", p.demolished))
        for kind, day in events:
            self.w.add(m.Milestone.__table__, sealed("milestone", {
                "id": self.ids.new(), "household_id": p.id, "kind": kind,
                "happened_on": clock.day(day), "note": "", "created_at": clock.work_time(day, rng),
                "created_by": by,
            }))  # fmt: skip

    def decision(self, p: HouseholdPlan, calc: Calc, method: CompensationMethod) -> None:
        assert p.decided is not None and p.decision_seq is not None
        clock = self.clock
        year = clock.date(p.decided).year
        result = calc.result
        self.w.add(m.CompensationDecision.__table__, sealed("compensation_decision", {
            "id": self.ids.new(), "household_id": p.id,
            "number": f"{data.DECISION_PREFIX}〔{year}〕第{p.decision_seq:03d}号",
            "decided_on": clock.day(p.decided), "total_fen": result.total_fen,
            "calculation_id": calc.id,
            "content": {
                "method": {"code": method.value, "label": METHOD_LABELS[method]},
                "amount": {"fen": result.total_fen, "upper": result.total_upper},
                "reason": "被征收人在签约期限内未与房屋征收部门达成补偿协议",
                "sign_deadline": clock.day(self.layout.timeline.sign_deadline),
            },
            "created_at": clock.work_time(p.decided, self.rng),
            "created_by": self.layout.operators[self.layout.hq[0]].id,
        }))  # fmt: skip

    def approval(self, p: HouseholdPlan) -> None:
        """Now and then a team asks HQ for an exception after the figures were computed."""
        rng, clock = self.rng, self.clock
        if p.calculated is None or p.signed is not None or p.decided is not None:
            return
        if rng.random() >= APPROVAL_SHARE / 0.4:  # ~40 % of households are calculated, unsigned
            return
        asked = min(clock.today, p.calculated + rng.randint(1, 5))
        item_code, reason = data.APPROVAL_REASONS[int(rng.random() * len(data.APPROVAL_REASONS))]
        status, decided = "pending", None
        if asked + 2 <= clock.today and rng.random() < 0.6:
            decided = rng.randint(asked + 1, min(clock.today, asked + 6))
            status = "approved" if rng.random() < 0.4 else "rejected"
        team = self.layout.teams[p.team]
        ops = self.layout.operators
        seq = p.index + 1
        asked_at = clock.work_time(asked, rng)
        decided_at = clock.work_time(decided, rng) if decided is not None else None
        self.w.add(m.ApprovalRequest.__table__, {
            "id": self.ids.new(), "project_id": self.project_id, "household_id": p.id,
            "team_id": team.id, "number": f"SP-{team.code}-{seq:06d}", "item_code": item_code,
            "requested_amount_fen": rng.randint(10, 200) * 100_000, "requested_rule": "",
            "reason": reason, "status": status, "requested_by": ops[team.leader].id,
            "requested_at": asked_at,
            "decided_by": ops[self.layout.hq[0]].id if decided is not None else None,
            "decided_at": decided_at,
            "decision_reason": data.APPROVAL_DECISIONS[status] if decided is not None else "",
            "created_at": asked_at, "updated_at": decided_at or asked_at,
        })  # fmt: skip


def _amounts(result: CalculationResult) -> tuple[tuple[str, int], ...]:
    return tuple((line.item_code, line.amount_fen) for line in result.lines)


__all__ = ["Calc", "CaseFacts", "Records", "S", "structure_summary"]


def sealed(kind: str, row: dict[str, Any]) -> dict[str, Any]:
    """``row`` (in SQLite's stored forms, as the bulk writer takes it) with its seal, the one
    the program gives the record when it is made (domain.audit_chain ``seal_hash``): sealed
    here, in the shards, instead of one by one after the merge."""
    values = {c: json_value_text(v) if c in JSON_COLUMNS else v for c, v in row.items()}
    row["seal"] = seal_hash(kind, values, raw=True)
    return row
