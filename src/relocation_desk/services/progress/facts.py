"""The dated facts behind progress figures: what had happened to each household, and when.

Progress figures for a day D are counted **as of D's cut-off** (``report_cutoff`` in the
project settings, local time, e.g. ``17:00``), never from a household's current status: the
report for D must come out the same tomorrow as today, and an edit made after the cut-off
belongs to the next day's figures (DOMAIN rule 10).

So every fact carries two times: the day it happened (an agreement's ``signed_on``, a
payment's ``paid_on``, a milestone's ``happened_on``, an objection's ``received_on`` …) and
the moment it was *recorded* (the row's ``created_at``, or the moment itself for facts that
are only a moment: ``computed_at``, ``checked_at``, ``decided_at``, ``closed_at``). A fact
counts as of the cut-off C of day D when it happened on or before D **and** was recorded at
or before C. Because C always lies within day D, both conditions collapse into one number,
the fact's *moment*: ``max(recorded, local midnight of the day it happened)``; it counts iff
``moment <= C``. A payment typed in tomorrow morning but dated today therefore counts
tomorrow, where the daily "today" figures pick it up (today = counted at C(D) and not at
C(D-1)), and the sum of the daily figures always equals the cumulative one.

Stored as epoch seconds (floats; ``NEVER`` = infinity for what has not happened) so the many
comparisons of a 100,000-household report are plain float comparisons, in parallel lists (one
entry per household, ``Facts.index`` maps the raw id to its position): a few dozen list
objects instead of a few hundred thousand small ones, so reading is cheaper and the cyclic
garbage collector has next to nothing to walk. ``update_facts`` re-reads only some
households (the dashboard's refresh after an edit), ``changes_since`` says which households
the audit log saw change since a read (or that a full read is needed).

What has no dated record, and is taken as it is now (documented limits):
- a household's team, village, responsible person and cadre flag (changes move its whole
  history to the new team); a household is in scope from its ``created_at``;
- "surveyed": the first calculation's ``computed_at``, else ``status_changed_at`` when the
  status is surveyed or later (the survey itself has no date of its own);
- an agreement's signing is recorded at the agreement row's ``created_at`` (there is no
  separate "signing recorded at" column), dated ``signed_on``; only main agreements count.

Times are China Standard Time (UTC+8, no daylight saving), the zone the teams work in.
"""

from __future__ import annotations

import math
import sqlite3
import uuid
from array import array
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, MutableSequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    Connection,
    Float,
    Select,
    String,
    cast,
    func,
    literal,
    select,
    type_coerce,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from ...domain.status import HouseholdStatus
from ...storage import models as m
from ...storage.db import Database
from ...storage.models_resettlement import ResettlementChoice
from ..clock import TIME_ZONE_SETTING, project_zone_value, utc_now
from ..gc_pause import gc_paused
from ..households.service import project_id_of
from ..settings import read_date, setting_values

__all__ = [
    "DEFAULT_CUTOFF",
    "LOCAL_TZ",
    "NEVER",
    "NO_LIMIT",
    "AuditMark",
    "Facts",
    "ReportSettings",
    "as_uuid",
    "changes_since",
    "cutoff_of",
    "day_start",
    "load_facts",
    "moment_day",
    "positions_of",
    "read_settings",
    "refresh_facts",
    "update_facts",
]

# The zone of a project without a readable ``time_zone`` setting (Asia/Shanghai's offset);
# a project's own zone is ``ReportSettings.zone`` (see services.clock).
LOCAL_TZ = timezone(timedelta(hours=8), "UTC+08:00")
DEFAULT_CUTOFF = time(18, 0)  # when a project has no ``report_cutoff`` setting
NEVER = math.inf
NO_LIMIT = 1 << 40  # Facts.limit of a household without a 限时 (beyond every date ordinal)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_OFFSET = 8 * 3600  # LOCAL_TZ in seconds
_SURVEYED = frozenset(s.value for s in HouseholdStatus if s.rank >= HouseholdStatus.SURVEYED.rank)
# More households changed than this since the last read: read everything again.
UPDATE_LIMIT = 2000
# Audit actions that change no dated fact.
_HARMLESS = frozenset({"export", "print", "freeze"})


def day_start(day: date, offset: int = _OFFSET) -> float:
    """Epoch seconds of local midnight at the start of ``day``, ``offset`` seconds east of
    UTC (the project zone's, ``ReportSettings.offset``)."""
    return (day.toordinal() - _EPOCH_ORDINAL) * 86400.0 - offset


def cutoff_of(day: date, cutoff: time, zone: tzinfo = LOCAL_TZ) -> datetime:
    """The cut-off moment of ``day`` (aware, in the project's zone)."""
    return datetime.combine(day, cutoff, tzinfo=zone)


def moment_day(moment: float, cutoff: time, offset: int = _OFFSET) -> int:
    """The ordinal of the first day whose cut-off is at or after ``moment``: the day whose
    report first counts the fact."""
    cut = cutoff.hour * 3600 + cutoff.minute * 60 + cutoff.second
    return _EPOCH_ORDINAL + math.ceil((moment + offset - cut) / 86400.0)


class _epoch(FunctionElement[float]):
    """A stored UTC time as epoch seconds, computed by the database (converting 700,000
    times in Python costs seconds at 100,000 households). SQLite: whole seconds from
    ``unixepoch`` plus the stored fraction (SQLAlchemy writes ``YYYY-MM-DD HH:MM:SS.ffffff``),
    exact as stored and a third cheaper than ``julianday`` arithmetic (which is exact to a
    few microseconds only, so it is rounded to milliseconds where ``unixepoch`` is missing,
    SQLite before 3.38)."""

    type = Float()
    name = "epoch"
    inherit_cache = True


@compiles(_epoch, "sqlite")
def _epoch_sqlite(element: _epoch, compiler: Any, **kw: Any) -> str:
    value = compiler.process(element.clauses, **kw)
    if sqlite3.sqlite_version_info >= (3, 38):
        return f"(unixepoch({value}) + substr({value}, 20))"
    return f"round((julianday({value}) - 2440587.5) * 86400.0, 3)"


@compiles(_epoch)
def _epoch_default(element: _epoch, compiler: Any, **kw: Any) -> str:
    inner = compiler.process(element.clauses, **kw)
    return f"round(CAST(EXTRACT(EPOCH FROM {inner}) AS NUMERIC), 3)::float8"


class _key(FunctionElement[str]):
    """An id column as 32 hex digits (what SQLite stores): the same raw id on both backends,
    and a plain string (a ``uuid.UUID`` from the driver hashes and compares in Python code,
    a second's worth for the lookups of 100,000 households' facts)."""

    type = String()
    name = "key"
    inherit_cache = True


@compiles(_key, "sqlite")
def _key_sqlite(element: _key, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(_key)
def _key_default(element: _key, compiler: Any, **kw: Any) -> str:
    return f"replace(CAST({compiler.process(element.clauses, **kw)} AS TEXT), '-', '')"


class _day_epoch(FunctionElement[float]):
    """A stored date's UTC midnight as epoch seconds (NULL for NULL), by the database."""

    type = Float()
    name = "day_epoch"
    inherit_cache = True


@compiles(_day_epoch, "sqlite")
def _day_epoch_sqlite(element: _day_epoch, compiler: Any, **kw: Any) -> str:
    value = compiler.process(element.clauses, **kw)
    if sqlite3.sqlite_version_info >= (3, 38):
        return f"(unixepoch({value}) * 1.0)"
    return f"round((julianday({value}) - 2440587.5) * 86400.0)"


@compiles(_day_epoch)
def _day_epoch_default(element: _day_epoch, compiler: Any, **kw: Any) -> str:
    return f"CAST(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) AS float8)"


class _later(FunctionElement[float]):
    """The later of two moments (NULL when both are NULL; SQLite: when either is)."""

    type = Float()
    name = "later"
    inherit_cache = True


@compiles(_later, "sqlite")
def _later_sqlite(element: _later, compiler: Any, **kw: Any) -> str:
    a, b = (compiler.process(c, **kw) for c in element.clauses)
    return f"max({a}, {b})"


@compiles(_later)
def _later_default(element: _later, compiler: Any, **kw: Any) -> str:
    a, b = (compiler.process(c, **kw) for c in element.clauses)
    return f"greatest({a}, {b})"


def _moment(day: Any, recorded: Any, offset: int) -> Any:
    """``_fact`` computed by the database: the later of the recorded time and local midnight
    starting the day it happened (``offset`` seconds east of UTC); NULL without a day."""
    start = _day_epoch(day) - offset
    return _later(func.coalesce(_epoch(recorded), start), start)


def _or_never(value: Any) -> Any:
    """NULL (not happened) as NEVER, in the database: no None to replace in Python."""
    return func.coalesce(value, literal(NEVER, Float()))


_DAYS: dict[Any, date] = {}


class _DayStarts(dict[Any, float]):
    """Raw date → ``day_start`` at one UTC offset, each computed once."""

    def __init__(self, offset: int) -> None:
        super().__init__()
        self.offset = offset

    def __missing__(self, day: Any) -> float:
        start = self[day] = day_start(_day(day), self.offset)
        return start


_DAY_STARTS: dict[int, _DayStarts] = {}


def _day_starts(offset: int) -> _DayStarts:
    found = _DAY_STARTS.get(offset)
    if found is None:
        found = _DAY_STARTS[offset] = _DayStarts(offset)
    return found


def _day(value: date | str) -> date:
    """A raw date (SQLite: ISO text; PostgreSQL: a date), parsed once per distinct value."""
    found = _DAYS.get(value)
    if found is None:
        found = _DAYS[value] = value if isinstance(value, date) else date.fromisoformat(value)
    return found


def _fact(day: date | str | None, recorded: float | None, starts: _DayStarts) -> float:
    """The moment a dated fact counts from (see the module docstring)."""
    if day is None:
        return NEVER
    start = starts[day]
    if recorded is None or recorded < start:
        return start
    return float(recorded)


def _t(value: float | None) -> float:
    return NEVER if value is None else float(value)


def _raw(column: Any) -> Any:
    """A column read as the driver gives it (no SQLAlchemy result conversion)."""
    return type_coerce(column, String).label(column.key)


def as_uuid(raw: Any) -> uuid.UUID:
    """A raw id (32 hex digits, as ``Facts.ids`` holds them; a uuid.UUID passes) as uuid.UUID."""
    return raw if isinstance(raw, uuid.UUID) else uuid.UUID(str(raw))


@dataclass(frozen=True)
class ReportSettings:
    cutoff: time
    sign_deadline: date | None
    targets: dict[str, int]  # team code (or "project") → households to sign
    zone: tzinfo = LOCAL_TZ  # the project's time zone (setting ``time_zone``)

    @property
    def offset(self) -> int:
        """The zone's offset east of UTC in seconds, as it is now: days are counted with it
        (a zone with daylight saving is one hour off for facts of the other season)."""
        delta = utc_now().astimezone(self.zone).utcoffset()
        return int(delta.total_seconds()) if delta is not None else _OFFSET


def _parse_cutoff(value: Any) -> time:
    if isinstance(value, str):
        try:
            parsed = time.fromisoformat(value.strip())
        except ValueError:
            return DEFAULT_CUTOFF
        return parsed.replace(tzinfo=None, microsecond=0)
    return DEFAULT_CUTOFF


def read_settings(s: Session, project_id: uuid.UUID) -> ReportSettings:
    """``report_cutoff`` ("HH:MM", local; default 18:00), ``sign_deadline`` (ISO date; the
    限时 of households without their own deadline) and ``sign_targets`` (optional
    ``{team code: households, "project": households}``; a team without one is held to all
    its households, the project to the sum of its teams' targets)."""
    values = setting_values(
        s, project_id, ("report_cutoff", "sign_deadline", "sign_targets", TIME_ZONE_SETTING)
    )
    deadline = read_date(values.get("sign_deadline"))
    targets: dict[str, int] = {}
    raw_targets = values.get("sign_targets")
    if isinstance(raw_targets, dict):
        for key, value in raw_targets.items():
            if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                targets[str(key)] = value
    return ReportSettings(
        _parse_cutoff(values.get("report_cutoff")), deadline, targets,
        project_zone_value(values.get(TIME_ZONE_SETTING)),
    )  # fmt: skip


@dataclass(frozen=True)
class AuditMark:
    """Where the audit log stood before a read: its row count, its newest time and the ids
    of the rows at that time (see ``changes_since``)."""

    count: int
    newest: datetime | None
    newest_ids: frozenset[Any]


# Per-household lists of Facts (parallel; position i is household ``ids[i]``) and the value a
# household has before anything is known of it.
_PER_CASE: dict[str, Any] = {
    "code": "",
    "head_name": "",
    "status": "",
    "group": 0,
    "cadre": 0,
    "limit": NO_LIMIT,
    "signed_fen": 0,
    "created": NEVER,
    "surveyed": NEVER,
    "calculated": NEVER,
    "checked": NEVER,
    "noticed": NEVER,
    "signed": NEVER,
    "paid": NEVER,
    "vacated": NEVER,
    "demolished": NEVER,
    "decided": NEVER,
    "closed": NEVER,
    "met": NEVER,
    "chosen": NEVER,
}


@dataclass(eq=False)
class Facts:
    """The dated facts of a project (or one team's households), in parallel lists.

    Moments are epoch seconds, NEVER if not (yet). ``cadre``: 0 no cadre in the household,
    1 cadre, 2 cadre and signed on time (``signed_on`` ≤ the project's ``sign_deadline``, or
    no such deadline). ``limit``: the date ordinal of the household's 限时 (its own
    ``deadline``, else ``sign_deadline``; NO_LIMIT: none) and ``met`` when it was met (the
    case closed, resp. signed or decided). ``calc_*``: every calculation as the change it
    made to the household's current total (the newest computed by a moment counts), and
    ``pay_*`` every payment, both in the order of their moments. A household that is gone
    keeps its place with every moment NEVER. Numbers are kept in ``array``s once read."""

    project_name: str
    project_code: str
    settings: ReportSettings
    teams: dict[uuid.UUID, tuple[str, str]]  # id → (code, name), in code order
    villages: dict[uuid.UUID, str]
    operators: dict[uuid.UUID, str]
    team_id: uuid.UUID | None = None  # the scope read; None: the whole project
    named: bool = True  # codes and heads' names read (else "")
    mark: AuditMark | None = None  # the audit log before the read
    ids: list[Any] = field(default_factory=list)  # raw ids: 32 hex digits (see ``_key``)
    index: dict[Any, int] = field(default_factory=dict)  # raw id → position
    code: list[str] = field(default_factory=list)
    head_name: list[str] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    group: MutableSequence[int] = field(default_factory=list)  # into ``groups``
    cadre: MutableSequence[int] = field(default_factory=list)
    limit: MutableSequence[int] = field(default_factory=list)
    signed_fen: MutableSequence[int] = field(default_factory=list)
    created: MutableSequence[float] = field(default_factory=list)
    surveyed: MutableSequence[float] = field(default_factory=list)
    calculated: MutableSequence[float] = field(default_factory=list)
    checked: MutableSequence[float] = field(default_factory=list)
    noticed: MutableSequence[float] = field(default_factory=list)
    signed: MutableSequence[float] = field(default_factory=list)
    paid: MutableSequence[float] = field(default_factory=list)  # paid in full, or a deposit (提存)
    vacated: MutableSequence[float] = field(default_factory=list)
    demolished: MutableSequence[float] = field(default_factory=list)
    decided: MutableSequence[float] = field(default_factory=list)  # 补偿决定
    closed: MutableSequence[float] = field(default_factory=list)  # 销号
    met: MutableSequence[float] = field(default_factory=list)
    chosen: MutableSequence[float] = field(default_factory=list)  # 已选房: first flat chosen
    calc_at: MutableSequence[float] = field(default_factory=list)
    calc_case: MutableSequence[int] = field(default_factory=list)
    calc_delta: MutableSequence[int] = field(default_factory=list)
    pay_at: MutableSequence[float] = field(default_factory=list)
    pay_case: MutableSequence[int] = field(default_factory=list)
    pay_fen: MutableSequence[int] = field(default_factory=list)
    objections: list[tuple[int, float, float]] = field(
        default_factory=list
    )  # case, received, decided
    approvals: list[tuple[int, float, float]] = field(
        default_factory=list
    )  # case, requested, decided
    # Every (team, village, responsible person) that has households; ``group`` points here
    # (counting into a list by a small int is much cheaper than hashing three UUIDs a case).
    groups: list[tuple[uuid.UUID, uuid.UUID, uuid.UUID | None]] = field(default_factory=list)
    first_day: date | None = None  # the earliest day a household was recorded (for trends)
    # After ``update_facts``: the positions read again (None: everything was read).
    touched: frozenset[int] | None = None
    cache: dict[str, Any] = field(default_factory=dict, repr=False)  # derived, per object

    def cutoff(self, day: date) -> datetime:
        return cutoff_of(day, self.settings.cutoff, self.settings.zone)

    def __len__(self) -> int:
        return len(self.ids)

    def household_id(self, i: int) -> uuid.UUID:
        return as_uuid(self.ids[i])

    def household_uuid(self, i: int) -> uuid.UUID:
        """``household_id``, remembered (per Facts, carried over by ``update_facts``): the
        conversion costs 1.5 µs, seconds' worth for long lists shown again and again."""
        found: dict[int, uuid.UUID] = self.cache.setdefault("uuids", {})
        u = found.get(i)
        if u is None:
            u = found[i] = as_uuid(self.ids[i])
        return u

    def moments_by_team(self) -> dict[uuid.UUID, tuple[list[float], list[float], list[float]]]:
        """Per team the sorted moments of signing, paying and vacating (for the trends; made
        once per Facts, and carried over by ``update_facts``)."""
        found = self.cache.get("moments_by_team")
        if found is None:
            found = self.cache["moments_by_team"] = {tid: ([], [], []) for tid in self.teams}
            per_group = [found.setdefault(tid, ([], [], [])) for tid, _v, _p in self.groups]
            for g, si, pa, va in zip(self.group, self.signed, self.paid, self.vacated, strict=True):
                lists = per_group[g]
                if si != NEVER:
                    lists[0].append(si)
                if pa != NEVER:
                    lists[1].append(pa)
                if va != NEVER:
                    lists[2].append(va)
            for lists in found.values():
                for values in lists:
                    values.sort()
        return found


@dataclass(frozen=True)
class _Head:
    project_name: str
    project_code: str
    settings: ReportSettings
    teams: dict[uuid.UUID, tuple[str, str]]
    villages: dict[uuid.UUID, str]
    operators: dict[uuid.UUID, str]


def _head(s: Session, project_id: uuid.UUID) -> _Head:
    project = s.execute(
        select(m.Project.name, m.Project.code).where(m.Project.id == project_id)
    ).one()
    teams = {
        r.id: (r.code, r.name)
        for r in s.execute(
            select(m.Team.id, m.Team.code, m.Team.name)
            .where(m.Team.project_id == project_id)
            .order_by(m.Team.code)
        )
    }
    villages = {
        r.id: r.name
        for r in s.execute(
            select(m.Village.id, m.Village.name)
            .where(m.Village.project_id == project_id)
            .order_by(m.Village.code, m.Village.name)
        )
    }
    operators = {
        r.id: r.name
        for r in s.execute(
            select(m.Operator.id, m.Operator.name).where(m.Operator.project_id == project_id)
        )
    }
    return _Head(
        project.name, project.code, read_settings(s, project_id), teams, villages, operators
    )


def _audit_mark(s: Session) -> AuditMark:
    a = m.AuditLog
    # Two queries: SQLite counts from the smallest index, and finds the newest in ix_audit_log_at
    # (together, it scans the time index: ten times slower).
    count = s.execute(select(func.count()).select_from(a)).scalar_one()
    newest = s.execute(select(func.max(a.at))).scalar_one()
    ids: frozenset[Any] = frozenset()
    if newest is not None:
        ids = frozenset(s.scalars(select(a.id).where(a.at == newest)))
    return AuditMark(count, newest, ids)


def _empty(head: _Head, team_id: uuid.UUID | None, mark: AuditMark | None) -> Facts:
    return Facts(
        head.project_name, head.project_code, head.settings, head.teams, head.villages,
        head.operators, team_id=team_id, mark=mark,
    )  # fmt: skip


def load_facts(
    db: Database, *, team_id: uuid.UUID | None = None, names: bool = True, compact: bool = True
) -> Facts:
    """Everything the progress figures need, for the project or one team, in one read.
    ``names``: also each household's code and head's name (for the lists of cases; the
    daily report's figures need none, and leaving them out saves a tenth of the read).
    ``compact``: numbers in arrays (a third of the memory, nothing for the garbage collector
    to walk, quicker counts: for facts that are kept, as the dashboard keeps them); a count
    made once, as the daily report's, saves the conversion (0.1 s at 100,000 households)."""
    with db.session() as s, gc_paused():
        project_id = project_id_of(s)
        mark = _audit_mark(s)  # before the read: a change made meanwhile shows next time
        facts = _empty(_head(s, project_id), team_id, mark)
        facts.named = names
        _read(facts, s.connection(), project_id, team_id, None)
    if compact:
        _to_arrays(facts)
    return facts


def changes_since(db: Database, mark: AuditMark | None) -> tuple[AuditMark, set[uuid.UUID] | None]:
    """The audit log's mark now, and the households whose facts may have changed since
    ``mark`` (empty: nothing changed), or None when that cannot be told (rows appeared with
    older times, as a laptop's merged records do; a change to no household, such as a
    notice round or a setting; very many changes): then read everything again.

    Every change is audited (DOMAIN rule 10) in the same transaction as the change, so a
    change made by another process or laptop shows here once it is committed."""
    with db.session() as s:
        now = _audit_mark(s)
        if mark is None:
            return now, None
        if now.count == mark.count and now.newest == mark.newest:
            return now, set()
        if now.count < mark.count:
            return now, None
        a = m.AuditLog
        q = select(a.id, a.household_id, a.action).limit(UPDATE_LIMIT + len(mark.newest_ids) + 1)
        if mark.newest is not None:  # (None: the log was empty)
            q = q.where(a.at >= mark.newest)
        rows = [r for r in s.execute(q) if r.id not in mark.newest_ids]
    if mark.count + len(rows) != now.count:
        return now, None  # rows older than the mark appeared (a merge), or too many
    changed: set[uuid.UUID] = set()
    for r in rows:
        if r.household_id is not None:
            changed.add(r.household_id)
        elif r.action not in _HARMLESS:
            return now, None
    return now, changed


def refresh_facts(
    db: Database, facts: Facts, household_ids: set[uuid.UUID] | frozenset[uuid.UUID] = frozenset()
) -> Facts:
    """``facts`` brought up to date: the same object when nothing changed, else a new one with
    the changed households (``household_ids``, and what the audit log shows) read again, or
    read whole when in doubt (``changes_since``)."""
    mark, changed = changes_since(db, facts.mark)
    if changed is None or len(changed) + len(household_ids) > UPDATE_LIMIT:
        return load_facts(db, team_id=facts.team_id, names=facts.named)
    changed |= household_ids
    if not changed:
        with db.session() as s:
            head = _head(s, project_id_of(s))
        if head.settings != facts.settings:
            return load_facts(db, team_id=facts.team_id, names=facts.named)
        if (head.project_name, head.project_code, head.teams, head.villages, head.operators) == (
            facts.project_name, facts.project_code, facts.teams, facts.villages, facts.operators
        ):  # fmt: skip
            if mark == facts.mark:
                return facts
            return replace(facts, mark=mark, touched=frozenset(), cache=facts.cache)
        return replace(
            facts, project_name=head.project_name, project_code=head.project_code,
            teams=head.teams, villages=head.villages, operators=head.operators, mark=mark,
            touched=frozenset(), cache={},
        )  # fmt: skip
    return update_facts(db, facts, changed, mark=mark)


def update_facts(
    db: Database,
    facts: Facts,
    household_ids: set[uuid.UUID] | frozenset[uuid.UUID],
    *,
    mark: AuditMark | None = None,
) -> Facts:
    """A copy of ``facts`` with the households ``household_ids`` read again (added when new,
    emptied when gone or out of scope); names and settings are read again too (a changed
    setting: everything is read again). ``mark``: the audit mark taken before (default: now)."""
    ids = list(household_ids)
    with db.session() as s:
        project_id = project_id_of(s)
        if mark is None:
            mark = _audit_mark(s)
        head = _head(s, project_id)
        if head.settings != facts.settings:
            part = None
        else:
            part = _empty(head, facts.team_id, mark)
            part.named = facts.named
            _read(part, s.connection(), project_id, facts.team_id, ids)
    if part is None:
        return load_facts(db, team_id=facts.team_id, names=facts.named)
    return _merge(facts, part, ids)


# --- reading ----------------------------------------------------------------------------------


def _fetch(conn: Connection, stmt: Select[Any]) -> list[Any]:
    """All rows as the driver gives them: SQLAlchemy's row objects cost a third more time on
    100,000 rows, and every column here is raw already (ids, dates as text, epoch seconds)."""
    result = conn.execute(stmt)
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def _decided(status: str, decided_at: float | None, updated_at: float | None) -> float:
    if decided_at is not None:
        return float(decided_at)
    if status in ("open", "pending"):
        return NEVER
    return _t(updated_at)  # decided, but when was not stored: the row's last change


def _fact_queries(
    project_id: uuid.UUID, team_id: uuid.UUID | None, ids: list[uuid.UUID] | None, offset: int
) -> dict[str, Select[Any]]:
    """The queries of ``_read`` after the households', in the order it uses them: every row
    of the dated facts of the scope (only of ``ids``, if given), ids as ``_key`` text and
    moments worked out by the database (``offset``: the project zone's, east of UTC)."""
    h = m.Household

    def scoped(stmt: Select[*tuple[Any, ...]], column: Any) -> Select[Any]:
        if ids is not None:
            return stmt.where(column.in_(ids))
        if team_id is not None:
            return stmt.where(
                column.in_(select(h.id).where(h.project_id == project_id, h.team_id == team_id))
            )
        return stmt

    c, rnd, nr = m.Calculation, m.NoticeRound, m.NoticeRow
    a, d, p, ms = m.Agreement, m.CompensationDecision, m.Payment, m.Milestone
    rc, o, r = ResettlementChoice, m.Objection, m.ApprovalRequest
    return {
        "calculations": scoped(
            select(_key(c.household_id), _epoch(c.computed_at), _epoch(c.checked_at), c.total_fen),
            c.household_id,
        ),
        "notice_rounds": select(_key(rnd.id), _raw(rnd.posted_from), _epoch(rnd.created_at)),
        "notice_rows": scoped(
            select(_key(nr.round_id), _key(nr.household_id)).where(nr.change_mark != "removed"),
            nr.household_id,
        ),
        "agreements": scoped(
            select(
                _key(a.household_id), _raw(a.signed_on), _moment(a.signed_on, a.created_at, offset),
                a.total_fen,
            ).where(a.kind == "main", a.status == "signed", a.signed_on.is_not(None)),
            a.household_id,
        ),
        "decisions": scoped(
            select(
                _key(d.household_id), _or_never(_moment(d.decided_on, d.created_at, offset)),
                d.total_fen,
            ),
            d.household_id,
        ),
        "payments": scoped(
            select(
                _key(p.household_id), _or_never(_moment(p.paid_on, p.created_at, offset)),
                p.amount_fen, p.kind,
            ),
            p.household_id,
        ),
        "milestones": scoped(
            select(
                _key(ms.household_id), _raw(ms.kind),
                _or_never(_moment(ms.happened_on, ms.created_at, offset)),
            ),
            ms.household_id,
        ),
        "choices": scoped(
            select(_key(rc.household_id), _epoch(rc.chosen_at)).where(rc.cancelled_at.is_(None)),
            rc.household_id,
        ),
        "objections": scoped(
            select(
                _key(o.household_id), _raw(o.received_on), _epoch(o.created_at), o.status,
                _epoch(o.decided_at), _epoch(o.updated_at),
            ),
            o.household_id,
        ),
        "approvals": scoped(
            select(
                _key(r.household_id), _epoch(r.requested_at), _epoch(r.created_at), r.status,
                _epoch(r.decided_at), _epoch(r.updated_at),
            ),
            r.household_id,
        ),
    }  # fmt: skip


def _run(
    conn: Connection, queries: dict[str, Select[Any]], aside: bool
) -> Callable[[str], list[Any]]:
    """A function giving the rows of each of ``queries`` by name. ``aside``: all of them are
    started at once, one after the other on a connection of their own in a thread of their
    own, so the database (another process, or SQLite's C code, which lets go of the GIL)
    works on them while the caller reads and arranges the households on ``conn``: two cores
    at work instead of one. That connection reads the data as committed when each query
    starts, maybe a moment after ``conn`` did; a change committed in between is one the
    audit mark taken before the read already counts as new (``changes_since``)."""
    if not aside:
        return lambda name: _fetch(conn, queries[name])
    engine = conn.engine
    opened: list[Connection] = []

    def fetch(stmt: Select[Any]) -> list[Any]:
        if not opened:
            opened.append(engine.connect())
        return _fetch(opened[0], stmt)

    def close() -> None:
        for c in opened:
            c.close()

    worker = ThreadPoolExecutor(1, thread_name_prefix="progress-facts")
    futures = {name: worker.submit(fetch, stmt) for name, stmt in queries.items()}
    worker.submit(close)
    worker.shutdown(wait=False)  # the thread ends after closing its connection
    return lambda name: futures[name].result()


def _read(
    f: Facts,
    conn: Connection,
    project_id: uuid.UUID,
    team_id: uuid.UUID | None,
    ids: list[uuid.UUID] | None,
) -> None:
    """Fill the empty ``f`` with the households of the scope (only ``ids``, if given).

    Ids come as plain text (``_key``) and the moments of dated facts as the database works
    them out (``_moment``), so the loops below only look up and compare. Grouping per
    household in the database (``GROUP BY``, window functions) measured slower on both
    backends than these plain reads: sorting and grouping cost the server more than the
    loops cost here. A full read runs the facts' queries (``_fact_queries``) in a thread
    of its own while the households are read and put in place here."""
    offset = f.settings.offset
    starts = _day_starts(offset)
    rows_of = _run(conn, _fact_queries(project_id, team_id, ids, offset), ids is None)
    h = m.Household
    q = select(
        _key(h.id),
        # (team, village, person) as one text: one string and one hash a household, not three.
        (
            cast(h.team_id, String) + cast(h.village_id, String)
            + func.coalesce(cast(h.responsible_id, String), "")
        ).label("group_key"),
        _raw(h.has_cadre), _raw(h.deadline), _raw(h.status), _or_never(_epoch(h.created_at)),
        _epoch(h.status_changed_at), _or_never(_epoch(h.closed_at)),
        *((_raw(h.code), _raw(h.head_name)) if f.named else ()),
    ).where(h.project_id == project_id)  # fmt: skip
    if team_id is not None:
        q = q.where(h.team_id == team_id)
    if ids is not None:
        q = q.where(h.id.in_(ids))
    rows = _fetch(conn, q)
    n = len(rows)
    if not n:
        return
    # Column lists straight from the rows (zip in C; no per-row Python work).
    columns = [list(c) for c in zip(*rows, strict=True)]
    del rows
    hid, group_keys, cadre, deadline, status, created, changed, closed = columns[:8]
    if f.named:
        f.code, f.head_name = columns[8:]
    else:
        f.code = f.head_name = [""] * n
    del columns
    f.ids, f.status = hid, status
    index = f.index = dict(zip(hid, range(n), strict=True))
    keys: dict[str, int] = {}
    f.group = [keys.setdefault(k, len(keys)) for k in group_keys]
    f.groups = [_group_of(k) for k in keys]
    f.created, f.closed = created, closed
    surveyed_now = [
        (c if ch is None or ch < c else ch) if st in _SURVEYED else NEVER
        for st, c, ch in zip(status, created, changed, strict=True)
    ]
    del group_keys, changed, closed
    get = index.get

    # Calculations, oldest first: the first is when the household was calculated, each the
    # change it made to the household's current total. Plain loops over the rows in the
    # order read: several passes in C (sorted/map/dict) measured slower here, the rows'
    # values lying scattered in memory.
    calcs = rows_of("calculations")
    calcs.sort(key=itemgetter(1))  # computed_at is never NULL; a stable sort keeps ties' order
    calculated = [NEVER] * n
    checked = [NEVER] * n
    current: dict[int, int] = {}
    calc_at, calc_case, calc_delta = f.calc_at, f.calc_case, f.calc_delta
    for household, at, checked_at, total in calcs:
        i = get(household)
        if i is None:
            continue
        before = current.get(i)
        if before is None:
            calculated[i] = at
            before = 0
        current[i] = total
        calc_at.append(at)
        calc_case.append(i)
        calc_delta.append(total - before)
        if checked_at is not None:
            moment = checked_at if checked_at > at else at
            if moment < checked[i]:
                checked[i] = moment
    del calcs, current
    f.calculated, f.checked = calculated, checked
    f.surveyed = [a if a < b else b for a, b in zip(calculated, surveyed_now, strict=True)]
    del surveyed_now

    # Notices: the rounds are few, so their moments are worked out once each.
    posted = {rid: _fact(day, recorded, starts) for rid, day, recorded in rows_of("notice_rounds")}
    noticed = [NEVER] * n
    for rid, household in rows_of("notice_rows"):
        i = get(household)
        if i is not None:
            moment = posted.get(rid, NEVER)
            if moment < noticed[i]:
                noticed[i] = moment
    f.noticed = noticed

    signed = [NEVER] * n
    signed_fen = [0] * n
    signed_on: dict[int, Any] = {}
    for household, on, moment, total in rows_of("agreements"):
        i = get(household)
        if i is None:
            continue
        if moment < signed[i]:  # the first signing counts (a household signs one main)
            signed[i] = moment
            signed_on[i] = on
            signed_fen[i] = total
    f.signed, f.signed_fen = signed, signed_fen

    # Compensation decisions (补偿决定) of holdouts: what they set is owed like a signed total.
    decided = [NEVER] * n
    decided_fen: dict[int, int] = {}
    for household, moment, fen in rows_of("decisions"):
        i = get(household)
        if i is not None:
            decided[i] = moment
            decided_fen[i] = fen
    f.decided = decided

    # Payments in the order of their moments: paid when the running sum reaches the signed
    # total (for a holdout: the decision's), or when a deposit (提存) was recorded, and not
    # before the signing (the decision).
    payments = []
    for household, moment, fen, kind in rows_of("payments"):
        i = get(household)
        if i is not None:
            payments.append((moment, i, fen, kind == "deposit"))
    payments.sort(key=itemgetter(0))
    running: dict[int, int] = {}
    full: dict[int, float] = {}
    deposit: dict[int, float] = {}
    pay_at, pay_case, pay_fen = f.pay_at, f.pay_case, f.pay_fen
    for moment, i, fen, is_deposit in payments:
        pay_at.append(moment)
        pay_case.append(i)
        pay_fen.append(fen)
        if is_deposit and i not in deposit:
            deposit[i] = moment
        if i not in full:
            total = running[i] = running.get(i, 0) + fen
            due = signed_fen[i] if signed[i] != NEVER else decided_fen.get(i)
            if due is not None and total >= due:
                full[i] = moment
    paid = [NEVER] * n
    for i in running:
        start = signed[i] if signed[i] != NEVER else decided[i]
        if start != NEVER:
            moment = min(deposit.get(i, NEVER), full.get(i, NEVER))
            paid[i] = moment if moment > start else start
    f.paid = paid
    del payments, running

    vacated = [NEVER] * n
    demolished = [NEVER] * n
    for household, kind, moment in rows_of("milestones"):
        i = get(household)
        if i is None:
            continue
        if kind == "vacated":
            vacated[i] = moment
        elif kind == "demolished":
            demolished[i] = moment
    f.vacated, f.demolished = vacated, demolished

    chosen = [NEVER] * n
    for household, at in rows_of("choices"):
        i = get(household)
        if i is not None and at is not None and at < chosen[i]:
            chosen[i] = float(at)
    f.chosen = chosen

    f.objections = [
        (i, _fact(received, recorded, starts), _decided(st, decided_at, updated))
        for household, received, recorded, st, decided_at, updated in rows_of("objections")
        if (i := get(household)) is not None
    ]
    f.approvals = [
        (i, max(_t(requested), _t(recorded)), _decided(st, decided_at, updated))
        for household, requested, recorded, st, decided_at, updated in rows_of("approvals")
        if (i := get(household)) is not None
    ]

    # The 限时 and when it was met; cadre households and whether they signed on time.
    sign_deadline = f.settings.sign_deadline
    if sign_deadline is None:
        limit = [NO_LIMIT] * n
        met = [NEVER] * n
    else:
        limit = [sign_deadline.toordinal()] * n
        met = list(map(min, signed, decided))
    if deadline.count(None) != n:
        for i, own in enumerate(deadline):
            if own is not None:
                limit[i] = _day(own).toordinal()
                met[i] = f.closed[i]
    if sign_deadline is None:  # every signing is on time
        f.cadre = [2 if x else 0 for x in cadre]
    else:
        f.cadre = kinds = list(map(int, map(bool, cadre)))
        for i, on in signed_on.items():
            if kinds[i] and _day(on) <= sign_deadline:
                kinds[i] = 2
    f.limit, f.met = limit, met
    first = min(created)
    f.first_day = (
        None
        if first == NEVER
        else datetime.fromtimestamp(first, UTC).astimezone(f.settings.zone).date()
    )


def _group_of(key: str) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID | None]:
    """A household's (team, village, responsible person) from the three ids as one text
    (SQLite: 32 hex digits each; PostgreSQL: 36 characters with dashes; no person: none)."""
    width = 36 if "-" in key else 32
    team, village, person = key[:width], key[width : 2 * width], key[2 * width :]
    return as_uuid(team), as_uuid(village), as_uuid(person) if person else None


# Numbers kept in arrays, not lists: no object per number, nothing for the cyclic garbage
# collector to walk (a full pass over a list visits each of its items).
_ARRAYS = {
    **{name: "d" for name, empty in _PER_CASE.items() if isinstance(empty, float)},
    **{name: "q" for name in ("group", "cadre", "limit", "signed_fen")},
    "calc_at": "d", "calc_case": "q", "calc_delta": "q",
    "pay_at": "d", "pay_case": "q", "pay_fen": "q",
}  # fmt: skip


def _to_arrays(f: Facts) -> None:
    for name, code in _ARRAYS.items():
        setattr(f, name, array(code, getattr(f, name)))


# --- updating ---------------------------------------------------------------------------------


def positions_of(values: MutableSequence[int], wanted: set[int]) -> list[int]:
    """The positions in ``values`` of the ``wanted`` numbers, in order (for a few numbers by
    ``list.index``, which scans in C)."""
    if len(wanted) > 32:
        return [k for k, i in enumerate(values) if i in wanted]
    out: list[int] = []
    for i in wanted:
        k = -1
        while True:
            try:
                k = values.index(i, k + 1)
            except ValueError:
                break
            out.append(k)
    out.sort()
    return out


def _merge(old: Facts, part: Facts, ids: list[uuid.UUID]) -> Facts:
    """A copy of ``old`` with the households of ``part`` (read for ``ids``) replaced; those of
    ``ids`` that ``part`` lacks are emptied (gone, or moved out of the scope)."""
    new = _empty(
        _Head(part.project_name, part.project_code, part.settings, part.teams, part.villages,
              part.operators),
        old.team_id, part.mark,
    )  # fmt: skip
    new.named = old.named
    for name in _PER_CASE:
        setattr(new, name, getattr(old, name)[:])  # a copy (list or array)
    new.ids, new.index, new.groups = list(old.ids), dict(old.index), list(old.groups)
    touched: set[int] = set()
    for u in ids:
        i = new.index.get(u.hex)
        if i is not None:
            touched.add(i)
            for name, empty in _PER_CASE.items():
                if name != "group":
                    getattr(new, name)[i] = empty
    group_of = {key: g for g, key in enumerate(new.groups)}
    position: list[int] = []
    for j, raw in enumerate(part.ids):
        i = new.index.get(raw)
        if i is None:
            i = new.index[raw] = len(new.ids)
            new.ids.append(raw)
            for name, empty in _PER_CASE.items():
                getattr(new, name).append(empty)
        position.append(i)
        touched.add(i)
        for name in _PER_CASE:
            getattr(new, name)[i] = getattr(part, name)[j]
        key = part.groups[part.group[j]]
        g = group_of.get(key)
        if g is None:
            g = group_of[key] = len(new.groups)
            new.groups.append(key)
        new.group[i] = g
    for prefix, value in (("calc", "delta"), ("pay", "fen")):
        at, case, val = (getattr(old, f"{prefix}_{x}")[:] for x in ("at", "case", value))
        drop = positions_of(case, touched)
        if len(drop) > 200:
            keep = [k for k, i in enumerate(case) if i not in touched]
            at = array("d", [at[k] for k in keep])
            case = array("q", [case[k] for k in keep])
            val = array("q", [val[k] for k in keep])
        else:
            for k in reversed(drop):
                del at[k], case[k], val[k]
        for moment, j, v in zip(
            getattr(part, f"{prefix}_at"), getattr(part, f"{prefix}_case"),
            getattr(part, f"{prefix}_{value}"), strict=True,
        ):  # fmt: skip
            k = bisect_right(at, moment)
            at.insert(k, moment)
            case.insert(k, position[j])
            val.insert(k, v)
        setattr(new, f"{prefix}_at", at)
        setattr(new, f"{prefix}_case", case)
        setattr(new, f"{prefix}_{value}", val)
    for name in ("objections", "approvals"):
        kept = [x for x in getattr(old, name) if x[0] not in touched]
        kept += [(position[j], a, b) for j, a, b in getattr(part, name)]
        setattr(new, name, kept)
    first = min(new.created, default=NEVER)
    new.first_day = (
        None
        if first == NEVER
        else datetime.fromtimestamp(first, UTC).astimezone(new.settings.zone).date()
    )
    new.touched = frozenset(touched)
    uuids = old.cache.get("uuids")
    if uuids is not None:  # positions keep their households
        new.cache["uuids"] = dict(uuids)
    moments = old.cache.get("moments_by_team")
    if moments is not None and new.teams.keys() == old.teams.keys():
        new.cache["moments_by_team"] = _moved_moments(moments, old, new, touched)
    return new


def _moved_moments(
    moments: dict[uuid.UUID, tuple[list[float], list[float], list[float]]],
    old: Facts,
    new: Facts,
    touched: set[int],
) -> dict[uuid.UUID, tuple[list[float], list[float], list[float]]]:
    """``old.moments_by_team()`` for ``new``: the touched households' moments taken out of
    their old team's lists and put into their new team's (copies; ``old`` keeps its own)."""
    out = {tid: (list(a), list(b), list(c)) for tid, (a, b, c) in moments.items()}
    for i in touched:
        if i < len(old.ids):
            lists = out.setdefault(old.groups[old.group[i]][0], ([], [], []))
            for values, moment in zip(
                lists, (old.signed[i], old.paid[i], old.vacated[i]), strict=True
            ):
                if moment != NEVER:
                    values.pop(bisect_left(values, moment))
        lists = out.setdefault(new.groups[new.group[i]][0], ([], [], []))
        for values, moment in zip(lists, (new.signed[i], new.paid[i], new.vacated[i]), strict=True):
            if moment != NEVER:
                insort(values, moment)
    return out
