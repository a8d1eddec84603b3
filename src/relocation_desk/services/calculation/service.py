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
from ...domain.scheme_scope import covers
from ...domain.status import HouseholdStatus
from ...i18n import _
from ...storage import models as m
from ...storage.base import utcnow
from ...storage.db import Database
from ..access import Action, may, require, require_for_household
from ..errors import UserError
from ..gc_pause import gc_paused
from ..households.service import OperatorRef, household_by_code, project_id_of
from .figures import changed_items, stored_figures
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
    changed: int = 0  # households given a new calculation version (their inputs changed)
    unchanged: int = 0
    signed_kept: int = 0  # signed households: their agreement's calculation stays as it is
    failed: list[tuple[str, str]] = field(default_factory=list)  # (code, reason)
    cancelled: bool = False
    # Of the new versions, the households whose amounts changed, and per item code how many
    # households' line of that item changed (the impact preview counts the same way).
    figures_changed: int = 0
    items: dict[str, int] = field(default_factory=dict)


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
    # Item code → households whose line of that item would change; and the items' names.
    items: dict[str, int] = field(default_factory=dict)
    item_names: dict[str, str] = field(default_factory=dict)
    outside_scope: int = 0  # calculated households the scheme's scope does not cover

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

    def _require(self, s: Session | None, action: Action, household_id: uuid.UUID | None) -> None:
        """The permission check of every use case here: on one household, or (None) on all."""
        if s is None or household_id is None:
            require(self._operator, action, None)
        else:
            require_for_household(s, self._operator, action, household_id)

    # --- one household -----------------------------------------------------------------

    def compute(self, household_id: uuid.UUID, *, as_of: date) -> CalculationView:
        """Compute the household; store a new version only if its inputs changed."""
        with self._db.session(immediate=True) as s, s.begin():
            self._require(s, Action.COMPUTE, household_id)
            book = self._scheme_book(s)
            facts = read_facts(s, [household_id]).get(household_id)
            if facts is None:
                raise CalculationError(_("找不到该户，可能已被删除"))
            if facts.signed_version_id is not None:
                kept = _signed_calculation(s, household_id)
                if kept is not None:
                    return read_view(s, kept)
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
            require(None, Action.CHECK_CALCULATION)  # nobody signed in: refused, saying so
        assert op is not None
        with self._db.session(immediate=True) as s, s.begin():
            calc = s.get(m.Calculation, calculation_id)
            if calc is None:
                raise CalculationError(_("找不到该核算记录"))
            self._require(s, Action.CHECK_CALCULATION, calc.household_id)
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
        # HQ recomputes every team's households; team staff only their own team's.
        op = self._operator
        everyone = may(op, Action.COMPUTE)
        if not everyone:
            require(op, Action.COMPUTE, op.team_id if op is not None else None)
        with self._db.session() as s, s.begin():
            in_project = m.Household.project_id == self._project_id(s)
            if not everyone:
                assert op is not None
                in_project = in_project & (m.Household.team_id == op.team_id)
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
                _count_figures(s, outcomes, summary)
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
        """What ``new_scheme`` would change for the calculated, unsigned households its scope
        covers, per team and per item (nothing is written). Signed households keep their
        version: counted apart.

        "Before" is each household's stored calculation, "after" the household computed with
        ``new_scheme`` as of ``as_of`` — the date recompute-all would use — and a household
        changes when its amounts differ item by item (:mod:`.figures`): exactly what
        recompute-all reports as ``figures_changed`` if the scheme were published unchanged,
        expired reward windows included.

        Reads in batches of :data:`BATCH` households in one read transaction (a consistent
        snapshot); ``progress(done, total)`` after each batch. Cancelling stops after the
        batch in hand and returns what was compared so far, marked ``cancelled``."""
        teams: dict[uuid.UUID, TeamImpact] = {}
        signed = 0
        failed: list[tuple[str, str]] = []
        cancelled = False
        items: dict[str, int] = {}
        outside = 0
        with self._db.session() as s, s.begin():
            project = self._project_id(s)
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
                    batch = read_facts_between(s, ids[start : start + BATCH])
                    stored = stored_figures(
                        s, [f.current.id for f in batch.values() if f.current is not None]
                    )
                    for f in batch.values():
                        if f.signed_version_id is not None:
                            signed += 1
                            continue
                        if not covers(new_scheme.params, f.input.village, f.input.group):
                            outside += 1
                            continue
                        team = teams.setdefault(f.team_id, TeamImpact(codes.get(f.team_id, "")))
                        try:
                            result = _with_approvals(f, new_scheme, as_of)[0]
                        except CalculationError as exc:
                            failed.append((f.code, exc.message))
                            continue
                        before = f.current.total_fen if f.current is not None else 0
                        moved = changed_items(
                            stored.get(f.current.id) if f.current is not None else None, result
                        )
                        team.households += 1
                        team.before_fen += before
                        team.after_fen += result.total_fen
                        team.changed += bool(moved)
                        for code in moved:
                            items[code] = items.get(code, 0) + 1
                if progress is not None:
                    progress(min(start + BATCH, total), total)
        rows = sorted(teams.values(), key=lambda t: t.team_code)
        names = {it.code: it.name for it in new_scheme.items}
        return ImpactReport(
            rows, signed, sorted(failed), cancelled, dict(sorted(items.items())),
            {code: names.get(code, code) for code in items}, outside,
        )  # fmt: skip

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
        h = f.input
        found = book.applying(as_of, h.village, h.group)
        if not found:
            if book.in_force(as_of) is None:
                raise CalculationError(
                    _("{day} 没有已发布且生效的补偿方案版本", day=as_of.isoformat())
                )
            raise CalculationError(
                _(
                    "{day} 没有适用于{place}的已发布补偿方案：已发布方案的适用范围都不包括该村（组）；"
                    "请指挥部发布适用于该村的方案或调整适用范围",
                    day=as_of.isoformat(),
                    place=_place(h.village, h.group),
                )
            )
        if len(found) > 1:
            raise CalculationError(
                _(
                    "{place}同时在{schemes}的适用范围内；每户只能适用一个方案，请指挥部调整方案的适用范围",
                    place=_place(h.village, h.group),
                    schemes="、".join(book.labels[version_id] for version_id, _s in found),
                )
            )
        return found[0]

    @staticmethod
    def _run(
        f: HouseholdFacts, version_id: uuid.UUID, scheme: Scheme, digest: str, as_of: date
    ) -> Outcome:
        result, keys = _with_approvals(f, scheme, as_of)
        return Outcome(f, version_id, scheme, result, keys, digest)


def _count_figures(s: Session, outcomes: list[Outcome], summary: Summary) -> None:
    """Add to ``summary`` which of the new versions change the household's amounts."""
    stored = stored_figures(
        s, [o.facts.current.id for o in outcomes if o.facts.current is not None]
    )
    for o in outcomes:
        current = o.facts.current
        moved = changed_items(stored.get(current.id) if current is not None else None, o.result)
        summary.figures_changed += bool(moved)
        for code in moved:
            summary.items[code] = summary.items.get(code, 0) + 1


def _signed_calculation(s: Session, household_id: uuid.UUID) -> uuid.UUID | None:
    """The calculation a signed household's agreement in force points to, or ``None`` while a
    supplementary agreement is open (only it may give the household new figures). A signed
    household's figures are its agreement's: recomputing never supersedes them."""
    a = m.Agreement
    mine = a.household_id == household_id
    if s.scalar(select(a.id).where(mine, a.status == "draft", a.kind == "supplementary").limit(1)):
        return None
    return s.scalar(
        select(a.calculation_id)
        .where(mine, a.status == "signed")
        .order_by((a.kind == "supplementary").desc(), a.seq_no.desc())
        .limit(1)
    )


def _place(village: str, group: str) -> str:
    return "".join(part for part in (village, group) if part) or _("该户")


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
