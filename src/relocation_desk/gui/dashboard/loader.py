"""The dashboard's figures, counted on a background thread (see ``gui.dashboard``).

``load_facts`` reads the whole project's dated facts; at 100,000 households that takes
seconds, so ``DashboardLoader`` runs it on a thread of its own and keeps the result: another
date or team only re-counts the kept facts (and another team on the same day re-uses the
day's tally). A refresh after a change (``Query.check``, with the households the main window
changed) does not read everything again: ``refresh_facts`` asks the audit log what changed
since the facts were read, re-reads only those households (or everything, when in doubt: a
merge, a notice round, a setting) and the day's tally is corrected for them (``retally``).
The refresh button reads everything (``Query.reload``). One request runs at a time; requests
made meanwhile are merged into one that follows it (a wish to read again is never lost), and
a result for a database no longer open is dropped.

The facts are a few dozen long lists (not an object per household), so the cyclic garbage
collector has next to nothing to walk and no collector tricks are needed here.
"""

from __future__ import annotations

import threading
import time
import uuid
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from PySide6.QtCore import QObject, Signal

from ...services.progress import service as progress
from ...services.progress.facts import Facts
from ...services.progress.freshness import TeamFreshness, team_freshness
from ...services.progress.service import CaseRow, Figures, Tally, TeamRank, TrendPoint
from ...storage.db import Database

DUE_DAYS = 7


@dataclass(frozen=True)
class Query:
    day: date
    team_id: uuid.UUID | None  # None: the whole project
    responsible_id: uuid.UUID | None  # whose households "due soon" lists; None: everyone's
    reload: bool = False  # read all the facts from the database again
    check: bool = False  # bring the facts up to date (what the audit log shows changed)
    changed: frozenset[uuid.UUID] = frozenset()  # households known to have changed


@dataclass(frozen=True)
class DashboardData:
    query: Query
    cutoff: datetime
    teams: list[tuple[uuid.UUID, str]]  # in team code order
    figures: Figures
    trend: list[TrendPoint]
    ranking: list[TeamRank]
    due: list[CaseRow]
    overdue: list[CaseRow]
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step
    # At HQ: each team's newest package (team id → freshness); empty on a laptop.
    freshness: dict[uuid.UUID, TeamFreshness] = field(default_factory=dict)
    counted: Tally | None = field(default=None, repr=False, compare=False)  # for re-use


def compute(
    db: Database, query: Query, facts: Facts, counted: Tally | None = None
) -> DashboardData:
    """Every figure the dashboard shows, from facts already read (the service reads nothing
    when given ``facts``). ``counted``: the tally of these facts for ``query.day``, if known
    (another team on the same day needs no new tally)."""
    timings: dict[str, float] = {}
    t = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal t
        now = time.perf_counter()
        timings[name] = now - t
        t = now

    if counted is None or counted.day != query.day:
        counted = progress.tally(facts, query.day)
    lap("tally")
    figures = counted.by_team.get(query.team_id, Figures()) if query.team_id else counted.total
    ranking = progress.ranking(facts, counted)
    lap("ranking")
    trend = progress.trend(db, team_id=query.team_id, end=query.day, facts=facts)
    lap("trend")
    due = progress.due_soon(
        db, query.day, responsible_id=query.responsible_id, days=DUE_DAYS, facts=facts
    )
    lap("due_soon")
    late = progress.overdue(db, query.day, team_id=query.team_id, facts=facts)
    lap("overdue")
    freshness = team_freshness(db)
    lap("freshness")
    teams = sorted(facts.teams.items(), key=lambda item: item[1][0])
    return DashboardData(
        query=query,
        cutoff=counted.cutoff,
        teams=[(tid, name) for tid, (_code, name) in teams],
        figures=figures,
        trend=trend,
        ranking=ranking,
        due=due,
        overdue=late,
        timings=timings,
        counted=counted,
        freshness=freshness,
    )


class DashboardLoader(QObject):
    """Runs ``compute`` on a background thread, one request at a time, keeping the facts."""

    loaded = Signal(object)  # DashboardData
    failed = Signal(object)  # the exception
    _done = Signal(object)  # from the worker thread to _finished

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._facts: Facts | None = None
        self._facts_db: Database | None = None
        self._counted: Tally | None = None  # the last tally of ``_facts``
        self._running: Query | None = None
        self._pending: Query | None = None
        self._generation = 0
        self._done.connect(self._finished)

    @property
    def busy(self) -> bool:
        return self._running is not None

    def set_database(self, db: Database) -> None:
        self.db = db
        self._facts = self._counted = None
        self._generation += 1  # whatever is running belongs to the old database

    def request(self, query: Query) -> None:
        if self._running is not None:
            if self._pending is not None:  # the newest wish, keeping the older one's reads
                query = replace(
                    query,
                    reload=query.reload or self._pending.reload,
                    check=query.check or self._pending.check,
                    changed=query.changed | self._pending.changed,
                )
            self._pending = query
            return
        self._start(query)

    def _start(self, query: Query) -> None:
        db, facts = self.db, self._facts if self._facts_db is self.db else None
        if query.reload:
            facts = None
        counted = self._counted if facts is not None else None
        self._running = query
        generation = self._generation
        thread = threading.Thread(
            target=self._work,
            args=(db, query, facts, counted, generation),
            name="dashboard",
            daemon=True,
        )
        thread.start()

    def _work(
        self,
        db: Database,
        query: Query,
        facts: Facts | None,
        counted: Tally | None,
        generation: int,
    ) -> None:
        try:
            t = time.perf_counter()
            if facts is None:
                fresh = progress.load_facts(db)
            elif query.check or query.changed:
                fresh = progress.refresh_facts(db, facts, query.changed)
            else:
                fresh = facts
            read = time.perf_counter() - t
            if fresh is not facts:
                # The day's tally corrected for the households read again (if any).
                if facts is not None and counted is not None and counted.day == query.day:
                    counted = progress.retally(facts, fresh, counted)
                else:
                    counted = None
            corrected = time.perf_counter() - t - read
            data = compute(db, query, fresh, counted)
            data.timings["retally"] = corrected
            if facts is None or fresh.touched is None:
                data.timings["load_facts"] = read
            else:
                data.timings["update_facts"] = read
            result: object = (generation, db, fresh if fresh is not facts else None, data)
        except Exception as exc:  # shown in the dashboard, logged there
            result = (generation, db, None, exc)
        with suppress(RuntimeError):  # RuntimeError: the dashboard was deleted meanwhile
            self._done.emit(result)  # queued: handled on the GUI thread

    def _finished(self, result: tuple[int, Database, Facts | None, object]) -> None:
        generation, db, facts, outcome = result
        self._running = None
        current = generation == self._generation
        if current and facts is not None:
            self._facts, self._facts_db = facts, db
        if current and isinstance(outcome, DashboardData):
            self._counted = outcome.counted
        pending, self._pending = self._pending, None
        if pending is not None:
            self._start(pending)  # the newest wish wins; this result is outdated
            return
        if not current:
            return  # counted from a database no longer open
        if isinstance(outcome, DashboardData):
            self.loaded.emit(outcome)
        else:
            self.failed.emit(outcome)
