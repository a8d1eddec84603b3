"""Computing and checking calculations (DOMAIN rules 1, 3, 8): the one ruler as a use case.

``compute`` reads the household's survey, picks the scheme version (the one in force on
``as_of``; a signed household keeps its agreement's version), runs the engine, adds the
approved exceptions as marked lines, and stores a new calculation version only when the inputs
changed (the previous one is marked superseded). ``check`` is the second person's check
(maker-checker). ``recompute_all`` does the same for every calculated household in batches,
each batch one transaction; ``impact_preview`` says what a new scheme would change, without
writing. Nothing returned is a live ORM object.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from ..domain import money
from ..domain.approval_lines import apply_approvals
from ..domain.calculation import CalculationResult, EngineError
from ..domain.engine import compute as engine_compute
from ..domain.scheme import Scheme
from ..domain.status import HouseholdStatus
from ..i18n import _
from ..storage import models as m
from ..storage.base import utcnow
from ..storage.db import Database
from .calc_inputs import HouseholdFacts, SchemeBook, calc_hash, read_facts, version_label
from .errors import UserError
from .households import OperatorRef, project_id_of

__all__ = [
    "BATCH",
    "CalculationError",
    "CalculationService",
    "CalculationView",
    "ImpactReport",
    "LineView",
    "Summary",
    "TeamImpact",
]

BATCH = 500  # households per transaction in recompute_all
_RECALCULATE_FROM = {
    HouseholdStatus.REGISTERED.value,
    HouseholdStatus.SURVEYED.value,
    HouseholdStatus.CHECKED.value,  # a new figure needs a new check
}


class CalculationError(UserError):
    """A calculation that cannot be made or checked; the message says why, in Chinese."""


@dataclass(frozen=True)
class LineView:
    seq: int
    item_code: str
    item_name: str
    category: str
    quantity: str  # exact decimal text
    unit: str
    rate_fen: int
    amount_fen: int
    explanation: str
    approval_number: str | None  # SP-… when the line comes from an approved exception


@dataclass(frozen=True)
class CalculationView:
    id: uuid.UUID
    household_id: uuid.UUID
    household_code: str
    version_no: int
    status: str
    lines: tuple[LineView, ...]
    total_fen: int
    total_upper: str
    scheme_version_id: uuid.UUID
    scheme_label: str
    computed_by: str  # operator name ("" if unknown)
    computed_at: datetime
    checked_by: str
    checked_at: datetime | None
    created: bool = False  # True if this call stored a new version


@dataclass
class Summary:
    changed: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (code, reason)
    cancelled: bool = False


@dataclass
class TeamImpact:
    team_code: str
    households: int = 0  # compared (unsigned, calculated)
    changed: int = 0
    before_fen: int = 0
    after_fen: int = 0

    @property
    def delta_fen(self) -> int:
        return self.after_fen - self.before_fen


@dataclass
class ImpactReport:
    teams: list[TeamImpact]
    signed_excluded: int
    failed: list[tuple[str, str]]

    @property
    def changed(self) -> int:
        return sum(t.changed for t in self.teams)

    @property
    def before_fen(self) -> int:
        return sum(t.before_fen for t in self.teams)

    @property
    def after_fen(self) -> int:
        return sum(t.after_fen for t in self.teams)

    @property
    def delta_fen(self) -> int:
        return self.after_fen - self.before_fen


@dataclass
class _Outcome:
    facts: HouseholdFacts
    version_id: uuid.UUID
    scheme: Scheme
    result: CalculationResult
    approval_keys: dict[int, str]  # line seq → approval request id
    hash: str


class CalculationService:
    def __init__(self, db: Database, operator: OperatorRef | None) -> None:
        self._db = db
        self._operator = operator

    # --- one household -----------------------------------------------------------------

    def compute(self, household_id: uuid.UUID, *, as_of: date) -> CalculationView:
        """Compute the household; store a new version only if its inputs changed."""
        with self._db.session(immediate=True) as s, s.begin():
            book = SchemeBook(s, project_id_of(s))
            facts = read_facts(s, [household_id]).get(household_id)
            if facts is None:
                raise CalculationError(_("找不到该户，可能已被删除"))
            if facts.current is not None and facts.current.inputs_hash == self._hash_of(
                facts, book, as_of
            ):
                return _read_view(s, facts.current.id)
            outcome = self._run(facts, book, as_of)
            new_id = self._store(s, [outcome], utcnow())[0]
            view = _read_view(s, new_id)
        return _created(view)

    def current(self, household_id: uuid.UUID) -> CalculationView | None:
        with self._db.session() as s:
            calc_id = s.scalar(
                select(m.Calculation.id)
                .where(
                    m.Calculation.household_id == household_id,
                    m.Calculation.status != "superseded",
                )
                .order_by(m.Calculation.version_no.desc())
                .limit(1)
            )
            return None if calc_id is None else _read_view(s, calc_id)

    def household_id(self, code: str) -> uuid.UUID:
        """The id of the household with ``code`` (CalculationError if there is none)."""
        with self._db.session() as s:
            found = s.scalar(
                select(m.Household.id).where(
                    m.Household.project_id == project_id_of(s), m.Household.code == code.strip()
                )
            )
        if found is None:
            raise CalculationError(_("找不到户号为 {code} 的户", code=code))
        return found

    def check(self, calculation_id: uuid.UUID) -> CalculationView:
        """The second person's check (复核). Refused for the person who computed it, and for a
        calculation that is no longer current."""
        op = self._operator
        if op is None:
            raise CalculationError(_("复核需要指明复核人"))
        with self._db.session(immediate=True) as s, s.begin():
            calc = s.get(m.Calculation, calculation_id)
            if calc is None:
                raise CalculationError(_("找不到该核算记录"))
            if calc.status == "superseded":
                raise CalculationError(
                    _(
                        "第{version}版核算已被新版本取代，不能复核；请复核最新版本",
                        version=calc.version_no,
                    )
                )
            if calc.status == "checked":
                raise CalculationError(_("第{version}版核算已经复核过了", version=calc.version_no))
            if calc.computed_by is not None and calc.computed_by == op.id:
                raise CalculationError(
                    _("核算与复核不能是同一人：第{version}版核算由您本人计算，请由另一位工作人员复核", version=calc.version_no)
                )  # fmt: skip
            now = utcnow()
            calc.status, calc.checked_by, calc.checked_at = "checked", op.id, now
            hh = s.get(m.Household, calc.household_id)
            assert hh is not None
            if hh.status == HouseholdStatus.CALCULATED.value:
                table: Any = m.Household.__table__  # no version bump: not an edit of the data
                s.execute(
                    update(table)
                    .where(table.c.id == hh.id)
                    .values(status=HouseholdStatus.CHECKED.value, status_changed_at=now)
                )
            s.add(
                m.AuditLog(
                    id=uuid.uuid4(), at=now, operator_id=op.id, operator_login=op.login,
                    action="check", entity="calculation", entity_id=str(calc.id),
                    household_id=calc.household_id, before={"status": "computed"},
                    after={"status": "checked", "version_no": calc.version_no},
                    note=hh.code,
                )
            )  # fmt: skip
            s.flush()
            return _read_view(s, calc.id)

    # --- all households ------------------------------------------------------------------

    def recompute_all(
        self,
        *,
        as_of: date,
        progress: Callable[[int, int], None] | None = None,
        cancel: threading.Event | None = None,
        batch: int = BATCH,
    ) -> Summary:
        """Recompute every household that has a calculation, ``batch`` per transaction.

        Cancelling stops after the household in hand; what was done so far is committed, and
        each household is either fully recomputed or untouched."""
        summary = Summary()
        with self._db.session() as s:
            ids = list(
                s.scalars(
                    select(m.Household.id)
                    .where(
                        m.Household.project_id == project_id_of(s),
                        select(m.Calculation.id)
                        .where(m.Calculation.household_id == m.Household.id)
                        .exists(),
                    )
                    .order_by(m.Household.code)
                )
            )
        total = len(ids)
        done = 0
        for start in range(0, total, batch):
            if cancel is not None and cancel.is_set():
                summary.cancelled = True
                break
            chunk = ids[start : start + batch]
            with self._db.session(immediate=True) as s, s.begin():
                book = SchemeBook(s, project_id_of(s))
                facts = read_facts(s, chunk)
                outcomes = []
                for hid in chunk:
                    if cancel is not None and cancel.is_set():
                        summary.cancelled = True
                        break
                    done += 1
                    f = facts.get(hid)
                    if f is None:
                        continue
                    try:
                        if f.current is not None and f.current.inputs_hash == self._hash_of(
                            f, book, as_of
                        ):
                            summary.unchanged += 1
                            continue
                        outcomes.append(self._run(f, book, as_of))
                    except CalculationError as exc:
                        summary.failed.append((f.code, exc.message))
                summary.changed += len(outcomes)
                self._store(s, outcomes, utcnow())
            if progress is not None:
                progress(done, total)
            if summary.cancelled:
                break
        return summary

    def impact_preview(self, new_scheme: Scheme, *, as_of: date) -> ImpactReport:
        """What ``new_scheme`` would change for the calculated, unsigned households, per
        team (nothing is written). Signed households keep their version: counted apart."""
        teams: dict[uuid.UUID, TeamImpact] = {}
        signed = 0
        failed: list[tuple[str, str]] = []
        with self._db.session() as s:
            project = project_id_of(s)
            codes = {
                tid: code
                for tid, code in s.execute(
                    select(m.Team.id, m.Team.code).where(m.Team.project_id == project)
                )
            }
            ids = list(
                s.scalars(
                    select(m.Household.id)
                    .where(
                        m.Household.project_id == project,
                        select(m.Calculation.id)
                        .where(m.Calculation.household_id == m.Household.id)
                        .exists(),
                    )
                    .order_by(m.Household.code)
                )
            )
            for start in range(0, len(ids), BATCH):
                for f in read_facts(s, ids[start : start + BATCH]).values():
                    if f.signed_version_id is not None:
                        signed += 1
                        continue
                    team = teams.setdefault(f.team_id, TeamImpact(codes.get(f.team_id, "")))
                    before = f.current.total_fen if f.current is not None else 0
                    try:
                        after = _with_approvals(f, new_scheme, as_of)[0].total_fen
                    except CalculationError as exc:
                        failed.append((f.code, exc.message))
                        continue
                    team.households += 1
                    team.before_fen += before
                    team.after_fen += after
                    team.changed += after != before
        rows = sorted(teams.values(), key=lambda t: t.team_code)
        return ImpactReport(rows, signed, failed)

    # --- the work ------------------------------------------------------------------------

    def _scheme_for(
        self, f: HouseholdFacts, book: SchemeBook, as_of: date
    ) -> tuple[uuid.UUID, Scheme]:
        if f.signed_version_id is not None:
            scheme = book.by_id.get(f.signed_version_id)
            if scheme is None:
                raise CalculationError(_("该户已签约，但签约时的补偿方案版本不在本数据库中"))
            return f.signed_version_id, scheme
        found = book.in_force(as_of)
        if found is None:
            raise CalculationError(_("{day} 没有已发布且生效的补偿方案版本", day=as_of.isoformat()))
        return found

    def _hash_of(self, f: HouseholdFacts, book: SchemeBook, as_of: date) -> str:
        _id, scheme = self._scheme_for(f, book, as_of)
        return calc_hash(f.input_for(scheme), scheme, as_of, f.approvals)

    def _run(self, f: HouseholdFacts, book: SchemeBook, as_of: date) -> _Outcome:
        version_id, scheme = self._scheme_for(f, book, as_of)
        result, keys = _with_approvals(f, scheme, as_of)
        digest = calc_hash(f.input_for(scheme), scheme, as_of, f.approvals)
        return _Outcome(f, version_id, scheme, result, keys, digest)

    def _store(self, s: Session, outcomes: Sequence[_Outcome], now: datetime) -> list[uuid.UUID]:
        """Insert the new versions with their lines, supersede the old ones, update the
        households and write the audit rows: a few statements for the whole batch."""
        if not outcomes:
            return []
        op = self._operator
        op_id = op.id if op is not None else None
        calcs, lines, audits, supersede, households = [], [], [], [], []
        new_ids = []
        for o in outcomes:
            f, prev = o.facts, o.facts.current
            new_id = uuid.uuid4()
            new_ids.append(new_id)
            version_no = (prev.version_no if prev else _max_version(s, f.id)) + 1
            calcs.append({
                "id": new_id, "household_id": f.id, "version_no": version_no,
                "scheme_version_id": o.version_id, "status": "computed",
                "compensation_method": f.input.compensation_method.value,
                "inputs_hash": o.hash, "total_fen": o.result.total_fen, "computed_at": now,
                "computed_by": op_id, "checked_at": None, "checked_by": None,
                "supersedes_id": prev.id if prev else None,
            })  # fmt: skip
            for ln in o.result.lines:
                key = o.approval_keys.get(ln.seq)
                lines.append({
                    "id": uuid.uuid4(), "calculation_id": new_id, "seq": ln.seq,
                    "item_code": ln.item_code, "item_name": ln.item_name[:100],
                    "category": ln.category, "unit": ln.unit, "quantity": str(ln.quantity),
                    "rate_fen": ln.rate_fen, "amount_fen": ln.amount_fen,
                    "explanation": ln.explanation,
                    "approval_request_id": uuid.UUID(key) if key else None,
                })  # fmt: skip
            if prev is not None:
                supersede.append({"cid": prev.id})
            status = HouseholdStatus.CALCULATED.value if f.status in _RECALCULATE_FROM else f.status
            households.append(
                {"hid": f.id, "total": o.result.total_fen, "st": status,
                 "at": now if status != f.status else None}
            )  # fmt: skip
            audits.append({
                "id": uuid.uuid4(), "at": now, "operator_id": op_id,
                "operator_login": op.login if op else "", "action": "calculate",
                "entity": "calculation", "entity_id": str(new_id), "household_id": f.id,
                "before": (
                    {"version_no": prev.version_no, "total_fen": prev.total_fen}
                    if prev else None
                ),
                "after": {
                    "version_no": version_no, "total_fen": o.result.total_fen,
                    "scheme": version_label(o.scheme),
                },
                "note": f.code,
            })  # fmt: skip
        C: Any = m.Calculation.__table__
        H: Any = m.Household.__table__
        L: Any = m.CalculationLine.__table__
        A: Any = m.AuditLog.__table__
        if supersede:
            s.execute(
                update(C).where(C.c.id == bindparam("cid")).values(status="superseded"), supersede
            )
        s.execute(insert(C), calcs)
        if lines:
            s.execute(insert(L), lines)
        changed = [h for h in households if h["at"] is not None]
        same = [h for h in households if h["at"] is None]
        if changed:
            s.execute(
                update(H)
                .where(H.c.id == bindparam("hid"))
                .values(
                    total_fen=bindparam("total"),
                    status=bindparam("st"),
                    status_changed_at=bindparam("at"),
                ),
                changed,
            )
        if same:
            s.execute(
                update(H).where(H.c.id == bindparam("hid")).values(total_fen=bindparam("total")),
                [{"hid": h["hid"], "total": h["total"]} for h in same],
            )
        s.execute(insert(A), audits)
        return new_ids


def _with_approvals(
    f: HouseholdFacts, scheme: Scheme, as_of: date
) -> tuple[CalculationResult, dict[int, str]]:
    try:
        result = engine_compute(f.input_for(scheme), scheme, as_of=as_of)
    except EngineError as exc:
        raise CalculationError(exc.reason) from exc
    result, added = apply_approvals(result, f.approvals, scheme)
    return result, {a.line.seq: a.key for a in added}


def _max_version(s: Session, household_id: uuid.UUID) -> int:
    from sqlalchemy import func

    found = s.scalar(
        select(func.max(m.Calculation.version_no)).where(m.Calculation.household_id == household_id)
    )
    return int(found or 0)


def _created(view: CalculationView) -> CalculationView:
    from dataclasses import replace

    return replace(view, created=True)


def _read_view(s: Session, calc_id: uuid.UUID) -> CalculationView:
    calc = s.get(m.Calculation, calc_id)
    assert calc is not None
    hh_code = s.scalar(select(m.Household.code).where(m.Household.id == calc.household_id))
    names: dict[uuid.UUID, str] = {
        oid: name
        for oid, name in s.execute(
            select(m.Operator.id, m.Operator.name).where(
                m.Operator.id.in_([x for x in (calc.computed_by, calc.checked_by) if x])
            )
        )
    }
    numbers: dict[uuid.UUID, str] = {
        rid: number
        for rid, number in s.execute(
            select(m.ApprovalRequest.id, m.ApprovalRequest.number)
            .join(m.CalculationLine, m.CalculationLine.approval_request_id == m.ApprovalRequest.id)
            .where(m.CalculationLine.calculation_id == calc.id)
        )
    }
    version = s.get(m.SchemeVersion, calc.scheme_version_id)
    scheme_name = (
        s.scalar(select(m.Scheme.name).where(m.Scheme.id == version.scheme_id)) if version else ""
    )
    label = (
        _(
            "{name} 第{version}版（{effective} 起施行）",
            name=scheme_name,
            version=version.version_no,
            effective=version.effective_date.isoformat(),
        )
        if version
        else ""
    )
    lines = tuple(
        LineView(
            ln.seq,
            ln.item_code,
            ln.item_name,
            ln.category,
            ln.quantity,
            ln.unit,
            ln.rate_fen,
            ln.amount_fen,
            ln.explanation,
            numbers.get(ln.approval_request_id) if ln.approval_request_id else None,
        )
        for ln in calc.lines
    )
    return CalculationView(
        id=calc.id,
        household_id=calc.household_id,
        household_code=hh_code or "",
        version_no=calc.version_no,
        status=calc.status,
        lines=lines,
        total_fen=calc.total_fen,
        total_upper=money.to_chinese_upper(calc.total_fen),
        scheme_version_id=calc.scheme_version_id,
        scheme_label=label,
        computed_by=names.get(calc.computed_by, "") if calc.computed_by else "",
        computed_at=calc.computed_at,
        checked_by=names.get(calc.checked_by, "") if calc.checked_by else "",
        checked_at=calc.checked_at,
    )
