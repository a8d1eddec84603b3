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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from ...domain.approval_lines import apply_approvals
from ...domain.calculation import CalculationResult, EngineError
from ...domain.engine import compute as engine_compute
from ...domain.scheme import Scheme
from ...domain.status import HouseholdStatus
from ...i18n import _
from ...storage import models as m
from ...storage.base import utcnow
from ...storage.db import Database
from ..errors import UserError
from ..gc_pause import gc_paused
from ..households.service import OperatorRef, household_by_code, project_id_of
from .inputs import HouseholdFacts, SchemeBook, calc_hash, read_facts, read_facts_between
from .store import CalculationView, LineView, Outcome, read_view, store, view_of

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

BATCH = 1000  # households per transaction in recompute_all, per read in impact_preview


class CalculationError(UserError):
    """A calculation that cannot be made or checked; the message says why, in Chinese."""


@dataclass
class Summary:
    changed: int = 0
    unchanged: int = 0
    signed_kept: int = 0  # signed households: their agreement's calculation stays as it is
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
    cancelled: bool = False  # stopped by the user: the figures cover part of the households

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


class CalculationService:
    def __init__(self, db: Database, operator: OperatorRef | None) -> None:
        self._db = db
        self._operator = operator
        self._project: uuid.UUID | None = None
        self._book: SchemeBook | None = None

    # --- one household -----------------------------------------------------------------

    def compute(self, household_id: uuid.UUID, *, as_of: date) -> CalculationView:
        """Compute the household; store a new version only if its inputs changed."""
        with self._db.session(immediate=True) as s, s.begin():
            book = self._scheme_book(s)
            facts = read_facts(s, [household_id]).get(household_id)
            if facts is None:
                raise CalculationError(_("找不到该户，可能已被删除"))
            version_id, scheme = self._scheme_for(facts, book, as_of)
            digest = calc_hash(facts.input_for(scheme), scheme, as_of, facts.approvals)
            if facts.current is not None and facts.current.inputs_hash == digest:
                return read_view(s, facts.current.id)
            outcome = self._run(facts, version_id, scheme, digest, as_of)
            now = utcnow()
            store(s, [outcome], self._operator, now)
        return view_of(outcome, self._operator, now)

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
            return None if calc_id is None else read_view(s, calc_id)

    def household_id(self, code: str) -> uuid.UUID:
        """The id of the household with ``code`` (CalculationError if there is none)."""
        with self._db.session() as s:
            found = household_by_code(s, code)
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
            return read_view(s, calc.id)

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

        ``progress(done, total)`` is called after each batch is committed. Cancelling stops
        after the household in hand: the batches before it and the households of its own
        batch done so far are committed (each household fully recomputed, with its audit row
        and register total, or untouched), the rest keep their current calculation; running
        it again finishes the job. Households go in the order of their ids, which keeps each
        batch's reads and writes within one stretch of every index keyed by household."""
        summary = Summary()
        with self._db.session() as s, s.begin():
            in_project = m.Household.project_id == self._project_id(s)
            # A signed household's figures are its agreement's (DOMAIN rule 8): recomputing
            # could only reproduce them. Only an open supplementary agreement needs new ones.
            kept = _signed_main() & ~_open_supplementary()
            summary.signed_kept = (
                s.scalar(select(func.count()).select_from(m.Household).where(in_project, kept)) or 0
            )
            ids = list(
                s.scalars(
                    select(m.Household.id)
                    .where(in_project, _calculated(), ~kept)
                    .order_by(m.Household.id)
                )
            )
        total = len(ids)
        done = 0
        for start in range(0, total, batch):
            if cancel is not None and cancel.is_set():
                summary.cancelled = True
                break
            chunk = ids[start : start + batch]
            with gc_paused(), self._db.session(immediate=True) as s, s.begin():
                book = self._scheme_book(s)
                facts = read_facts_between(s, chunk)
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
                        version_id, scheme = self._scheme_for(f, book, as_of)
                        digest = calc_hash(f.input_for(scheme), scheme, as_of, f.approvals)
                        if f.current is not None and f.current.inputs_hash == digest:
                            summary.unchanged += 1
                            continue
                        outcomes.append(self._run(f, version_id, scheme, digest, as_of))
                    except CalculationError as exc:
                        summary.failed.append((f.code, exc.message))
                summary.changed += len(outcomes)
                store(s, outcomes, self._operator, utcnow())
            if progress is not None:
                progress(done, total)
            if summary.cancelled:
                break
        summary.failed.sort()
        return summary

    def impact_preview(
        self,
        new_scheme: Scheme,
        *,
        as_of: date,
        progress: Callable[[int, int], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> ImpactReport:
        """What ``new_scheme`` would change for the calculated, unsigned households, per
        team (nothing is written). Signed households keep their version: counted apart.

        "Before" is each household computed with the version in force on ``as_of`` — the
        same data, the same date, only the scheme differs — so a date-dependent line (the
        signing bonus window) does not show up as a change; without a version in force it is
        the stored calculation's total.

        Reads in batches of :data:`BATCH` households in one read transaction (a consistent
        snapshot); ``progress(done, total)`` after each batch. Cancelling stops after the
        batch in hand and returns what was compared so far, marked ``cancelled``."""
        teams: dict[uuid.UUID, TeamImpact] = {}
        signed = 0
        failed: list[tuple[str, str]] = []
        cancelled = False
        with self._db.session() as s, s.begin():
            project = self._project_id(s)
            in_force = self._scheme_book(s).in_force(as_of)
            old_scheme = in_force[1] if in_force is not None else None
            codes = {
                tid: code
                for tid, code in s.execute(
                    select(m.Team.id, m.Team.code).where(m.Team.project_id == project)
                )
            }
            calculated, signed_main = _calculated(), _signed_main()
            # Signed households keep their version: counted here, never read.
            in_project = m.Household.project_id == project
            signed = (
                s.scalar(
                    select(func.count()).select_from(m.Household).where(in_project, signed_main)
                )
                or 0
            )
            ids = list(
                s.scalars(
                    select(m.Household.id)
                    .where(in_project, calculated, ~signed_main)
                    .order_by(m.Household.id)
                )
            )
            total = len(ids)
            for start in range(0, total, BATCH):
                if cancel is not None and cancel.is_set():
                    cancelled = True
                    break
                with gc_paused():
                    for f in read_facts_between(s, ids[start : start + BATCH]).values():
                        if f.signed_version_id is not None:
                            signed += 1
                            continue
                        team = teams.setdefault(f.team_id, TeamImpact(codes.get(f.team_id, "")))
                        try:
                            if old_scheme is not None:
                                before = _with_approvals(f, old_scheme, as_of)[0].total_fen
                            else:
                                before = f.current.total_fen if f.current is not None else 0
                            after = _with_approvals(f, new_scheme, as_of)[0].total_fen
                        except CalculationError as exc:
                            failed.append((f.code, exc.message))
                            continue
                        team.households += 1
                        team.before_fen += before
                        team.after_fen += after
                        team.changed += after != before
                if progress is not None:
                    progress(min(start + BATCH, total), total)
        rows = sorted(teams.values(), key=lambda t: t.team_code)
        return ImpactReport(rows, signed, sorted(failed), cancelled)

    # --- the work ------------------------------------------------------------------------

    def _project_id(self, s: Session) -> uuid.UUID:
        if self._project is None:  # one project per database: ask once
            self._project = project_id_of(s)
        return self._project

    def _scheme_book(self, s: Session) -> SchemeBook:
        self._book = SchemeBook.refreshed(s, self._project_id(s), self._book)
        return self._book

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

    @staticmethod
    def _run(
        f: HouseholdFacts, version_id: uuid.UUID, scheme: Scheme, digest: str, as_of: date
    ) -> Outcome:
        result, keys = _with_approvals(f, scheme, as_of)
        return Outcome(f, version_id, scheme, result, keys, digest)


def _calculated() -> ColumnElement[bool]:
    """The household has a calculation (correlated with ``household``)."""
    return select(m.Calculation.id).where(m.Calculation.household_id == m.Household.id).exists()


def _signed_main() -> ColumnElement[bool]:
    """The household has signed its (main) agreement."""
    a = m.Agreement
    return (
        select(a.id)
        .where(a.household_id == m.Household.id, a.status == "signed", a.kind == "main")
        .exists()
    )


def _open_supplementary() -> ColumnElement[bool]:
    """A supplementary agreement is open (not yet signed): the household needs new figures."""
    a = m.Agreement
    return (
        select(a.id)
        .where(a.household_id == m.Household.id, a.status == "draft", a.kind == "supplementary")
        .exists()
    )


def _with_approvals(
    f: HouseholdFacts, scheme: Scheme, as_of: date
) -> tuple[CalculationResult, dict[int, str]]:
    try:
        result = engine_compute(f.input_for(scheme), scheme, as_of=as_of)
    except EngineError as exc:
        raise CalculationError(exc.reason) from exc
    result, added = apply_approvals(result, f.approvals, scheme)
    return result, {a.line.seq: a.key for a in added}
