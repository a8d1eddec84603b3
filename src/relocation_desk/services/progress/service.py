"""Progress figures (比进展, 责任到人, 限时销号): for the dashboard and the daily report to HQ.

Every figure is counted from dated facts as of a day's cut-off, never from a household's
current status; :mod:`.progress_facts` explains how and what that means for late edits.
"Today" figures are what counts at the day's cut-off but did not at the previous day's.

限时 (deadline): a household's own ``deadline`` is the day its case must be closed (销号) by;
a household without one is held to the project's ``sign_deadline`` setting, met by a signed
agreement or a compensation decision. A case is overdue on day D when its deadline is before
D and it was not met by D's cut-off; due soon when the deadline is D … D+days.

Targets: the ``sign_targets`` setting, else every household of the team (see
``read_settings``). ``signed_pct`` is signed / target in percent, one decimal.

The functions read everything they need in one go (:func:`load_facts`); pass ``facts`` to
reuse one read for several figures of the same scope.
"""

from __future__ import annotations

import uuid
from bisect import bisect_right
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from typing import Any

from ...domain.status import STATUS_LABELS, HouseholdStatus
from ...i18n import _
from ...storage.db import Database
from ..clock import project_today
from ..gc_pause import gc_paused
from .facts import NO_LIMIT, Facts, load_facts, positions_of, refresh_facts, update_facts

__all__ = [
    "CaseRow",
    "Figures",
    "Tally",
    "TeamRank",
    "TrendPoint",
    "due_soon",
    "load_facts",
    "overdue",
    "refresh_facts",
    "retally",
    "tally",
    "team_ranking",
    "team_trends",
    "today_figures",
    "trend",
    "trend_by_team",
    "update_facts",
]


@dataclass(frozen=True)
class TrendPoint:
    day: date
    signed: int  # cumulative households signed by the day's cut-off
    paid: int
    vacated: int


@dataclass(frozen=True)
class TeamRank:
    team_id: uuid.UUID
    team: str
    households: int
    signed: int
    paid: int
    vacated: int
    signed_pct: float  # of the team's target, in percent
    signed_today: int


@dataclass(frozen=True)
class CaseRow:
    household_id: uuid.UUID
    code: str
    head_name: str
    team: str
    responsible: str
    status_label: str
    deadline: date
    days_left: int  # deadline − day; negative when overdue


@dataclass(frozen=True)
class Figures:
    """The headline counts of one scope (project, team, village or person) for one day.
    Money in fen; ``*_today`` counted since the previous day's cut-off."""

    households: int = 0
    surveyed: int = 0
    calculated: int = 0
    checked: int = 0
    noticed: int = 0
    signed: int = 0
    signed_today: int = 0
    target: int = 0
    signed_pct: float = 0.0
    paid: int = 0
    paid_today: int = 0
    vacated: int = 0
    vacated_today: int = 0
    demolished: int = 0
    decisions: int = 0
    computed_fen: int = 0
    signed_fen: int = 0
    signed_fen_today: int = 0
    paid_fen: int = 0
    paid_fen_today: int = 0
    objections_open: int = 0
    approvals_pending: int = 0
    cadre_total: int = 0
    cadre_signed: int = 0
    cadre_signed_on_time: int = 0  # signed on or before the project's sign_deadline
    overdue: int = 0
    closed: int = 0
    closed_today: int = 0
    chosen: int = 0  # 已选房: households that chose at least one resettlement flat
    chosen_today: int = 0


# Positions of the integer counters in a tally list (every Figures field but target/pct).
_COUNTED = tuple(f.name for f in fields(Figures) if f.name not in ("target", "signed_pct"))
_I = {name: i for i, name in enumerate(_COUNTED)}


def _figures(counts: list[int], target: int) -> Figures:
    values = dict(zip(_COUNTED, counts, strict=True))
    signed = values["signed"]
    pct = round(signed * 100 / target, 1) if target > 0 else 0.0
    return Figures(**values, target=target, signed_pct=pct)


@dataclass(frozen=True)
class Tally:
    """Figures of a day for the whole scope and per team, village and responsible person."""

    day: date
    cutoff: datetime
    total: Figures
    by_team: dict[uuid.UUID, Figures]
    by_village: dict[uuid.UUID, Figures]
    by_person: dict[uuid.UUID | None, Figures]  # None: households nobody is responsible for
    # The counters per group of the facts counted (for ``retally``).
    accs: list[list[int]] | None = field(default=None, repr=False, compare=False)


def tally(facts: Facts, day: date, cutoff: datetime | None = None) -> Tally:
    """Count everything as of ``cutoff`` (default: the day's cut-off from the settings)."""
    if cutoff is None:
        cutoff = facts.cutoff(day)
    elif cutoff.tzinfo is None:
        raise ValueError("cutoff must be timezone-aware")
    if cutoff.astimezone(facts.settings.zone).date() != day:
        raise ValueError(f"cutoff {cutoff.isoformat()} is not on {day.isoformat()}")
    return _finish(facts, day, cutoff, _count(facts, day, cutoff, None))


def retally(old: Facts, new: Facts, counted: Tally) -> Tally:
    """``counted`` (a tally of ``old``) for ``new``, an update of ``old`` (``update_facts``):
    the changed households' counts taken out and counted again, instead of counting all."""
    touched = new.touched
    if touched is None or counted.accs is None or old.settings != new.settings:
        return tally(new, counted.day, counted.cutoff)
    accs = [list(acc) for acc in counted.accs]
    accs += [[0] * len(_COUNTED) for _g in range(len(new.groups) - len(accs))]
    before = _count(old, counted.day, counted.cutoff, {i for i in touched if i < len(old)})
    after = _count(new, counted.day, counted.cutoff, set(touched))
    for acc, minus in zip(accs, before, strict=False):
        for k, v in enumerate(minus):
            if v:
                acc[k] -= v
    for acc, plus in zip(accs, after, strict=True):
        for k, v in enumerate(plus):
            if v:
                acc[k] += v
    return _finish(new, counted.day, counted.cutoff, accs)


def _count(facts: Facts, day: date, cutoff: datetime, subset: set[int] | None) -> list[list[int]]:
    """Per group of ``facts.groups`` the counters of ``_COUNTED`` (only the households of
    ``subset``, if given)."""
    cut = cutoff.timestamp()
    prev = facts.cutoff(day - timedelta(days=1)).timestamp()
    today = day.toordinal()
    n = len(_COUNTED)
    accs: list[list[int]] = [[0] * n for _group in facts.groups]
    (
        H, SURV, CALC, CHK, NOT, SIG, SIG_T, PAID, PAID_T, VAC, VAC_T, DEM, DEC, CFEN, SFEN,
        SFEN_T, PFEN, PFEN_T, OBJ, APR, CAD, CAD_S, CAD_OT, OVER, CLO, CLO_T, CHO, CHO_T,
    ) = range(n)  # fmt: skip
    assert _COUNTED[CHO_T] == "chosen_today" and _COUNTED[OBJ] == "objections_open"
    f = facts
    columns = (
        f.group, f.created, f.surveyed, f.calculated, f.checked, f.noticed, f.signed,
        f.signed_fen, f.paid, f.vacated, f.demolished, f.decided, f.closed, f.cadre, f.limit,
        f.met, f.chosen,
    )  # fmt: skip
    cases: Any = (
        zip(*columns, strict=True)
        if subset is None
        else zip(*(map(column.__getitem__, sorted(subset)) for column in columns), strict=True)
    )
    # One pass over the parallel lists; the money of calculations and payments below.
    for g, cr, su, ca, ch, no, si, fen, pa, va, de, dc, cl, cad, lim, met, cho in cases:
        if cr > cut:
            continue
        acc = accs[g]
        acc[H] += 1
        if su <= cut:
            acc[SURV] += 1
        if ca <= cut:
            acc[CALC] += 1
        if ch <= cut:
            acc[CHK] += 1
        if no <= cut:
            acc[NOT] += 1
        if si <= cut:
            acc[SIG] += 1
            acc[SFEN] += fen
            if si > prev:
                acc[SIG_T] += 1
                acc[SFEN_T] += fen
            if cad:
                acc[CAD_S] += 1
                if cad == 2:
                    acc[CAD_OT] += 1
        if pa <= cut:
            acc[PAID] += 1
            if pa > prev:
                acc[PAID_T] += 1
        if va <= cut:
            acc[VAC] += 1
            if va > prev:
                acc[VAC_T] += 1
        if de <= cut:
            acc[DEM] += 1
        if dc <= cut:
            acc[DEC] += 1
        if cad:
            acc[CAD] += 1
        if cl <= cut:
            acc[CLO] += 1
            if cl > prev:
                acc[CLO_T] += 1
        if lim < today and met > cut:
            acc[OVER] += 1
        if cho <= cut:
            acc[CHO] += 1
            if cho > prev:
                acc[CHO_T] += 1
    group, created = f.group, f.created
    if subset is None:
        # The newest calculation computed by the cut-off: the sum of the changes made by then.
        for i, delta in zip(
            f.calc_case[: bisect_right(f.calc_at, cut)], f.calc_delta, strict=False
        ):
            if created[i] <= cut:
                accs[group[i]][CFEN] += delta
        end = bisect_right(f.pay_at, cut)
        start = bisect_right(f.pay_at, prev)
        for k, (i, fen) in enumerate(zip(f.pay_case[:end], f.pay_fen, strict=False)):
            if created[i] <= cut:
                acc = accs[group[i]]
                acc[PFEN] += fen
                if k >= start:
                    acc[PFEN_T] += fen
    else:
        for k in positions_of(f.calc_case, subset):
            i = f.calc_case[k]
            if f.calc_at[k] <= cut and created[i] <= cut:
                accs[group[i]][CFEN] += f.calc_delta[k]
        for k in positions_of(f.pay_case, subset):
            i, moment, fen = f.pay_case[k], f.pay_at[k], f.pay_fen[k]
            if moment <= cut and created[i] <= cut:
                acc = accs[group[i]]
                acc[PFEN] += fen
                if moment > prev:
                    acc[PFEN_T] += fen
    for i, received, decided in facts.objections:
        if created[i] <= cut and received <= cut < decided and (subset is None or i in subset):
            accs[group[i]][OBJ] += 1
    for i, requested, decided in facts.approvals:
        if created[i] <= cut and requested <= cut < decided and (subset is None or i in subset):
            accs[group[i]][APR] += 1
    return accs


def _finish(facts: Facts, day: date, cutoff: datetime, accs: list[list[int]]) -> Tally:
    n = len(_COUNTED)
    H = _I["households"]

    def roll(index: int) -> dict[Any, list[int]]:
        out: dict[Any, list[int]] = {}
        for key, acc in zip(facts.groups, accs, strict=True):
            if not acc[H]:
                continue
            into = out.get(key[index])
            if into is None:
                out[key[index]] = list(acc)
            else:
                for i, v in enumerate(acc):
                    into[i] += v
        return out

    teams = roll(0)
    targets = facts.settings.targets
    team_targets = {
        tid: targets.get(facts.teams[tid][0], acc[H]) if tid in facts.teams else acc[H]
        for tid, acc in teams.items()
    }
    total = [0] * n
    for acc in teams.values():
        for i, v in enumerate(acc):
            total[i] += v
    project_target = targets.get("project", sum(team_targets.values()))
    return Tally(
        day=day,
        cutoff=cutoff,
        total=_figures(total, project_target),
        by_team={tid: _figures(acc, team_targets[tid]) for tid, acc in teams.items()},
        by_village={vid: _figures(acc, acc[H]) for vid, acc in roll(1).items()},
        by_person={pid: _figures(acc, acc[H]) for pid, acc in roll(2).items()},
        accs=accs,
    )


# --- the dashboard's functions ------------------------------------------------------------------


def today_figures(
    db: Database, day: date, *, team_id: uuid.UUID | None = None, facts: Facts | None = None
) -> Figures:
    """The headline figures of the project (or one team) for ``day``."""
    facts = facts if facts is not None else load_facts(db, team_id=team_id)
    return tally(facts, day).total


def _local_today(facts: Facts) -> date:
    return project_today(facts.settings.zone)


def team_trends(
    facts: Facts, start: date | None, end: date | None
) -> tuple[list[date], dict[uuid.UUID, list[tuple[int, int, int]]]]:
    """Cumulative (signed, paid, vacated) per team at each day's cut-off: the days, and per
    team id one tuple per day (every team of ``facts.teams``). Counted by bisecting each
    team's sorted moments at each day's cut-off."""
    end = end or _local_today(facts)
    start = start or facts.first_day or end
    if start > end:
        return [], {tid: [] for tid in facts.teams}
    days = [date.fromordinal(o) for o in range(start.toordinal(), end.toordinal() + 1)]
    cuts = [facts.cutoff(d).timestamp() for d in days]
    out: dict[uuid.UUID, list[tuple[int, int, int]]] = {}
    for tid, (signed, paid, vacated) in facts.moments_by_team().items():
        out[tid] = [
            (bisect_right(signed, c), bisect_right(paid, c), bisect_right(vacated, c)) for c in cuts
        ]
    return days, out


def _points(days: list[date], series: list[tuple[int, int, int]]) -> list[TrendPoint]:
    return [TrendPoint(d, *v) for d, v in zip(days, series, strict=True)]


def trend(
    db: Database,
    *,
    team_id: uuid.UUID | None = None,
    start: date | None = None,
    end: date | None = None,
    facts: Facts | None = None,
) -> list[TrendPoint]:
    """Cumulative signed, paid and vacated households at each day's cut-off, ``start`` (default:
    the first household recorded) to ``end`` (default: today, local time)."""
    facts = facts if facts is not None else load_facts(db, team_id=team_id)
    days, per_team = team_trends(facts, start, end)
    chosen = [v for tid, v in per_team.items() if team_id is None or tid == team_id]
    total = [tuple(map(sum, zip(*values, strict=True))) for values in zip(*chosen, strict=True)]
    if not chosen:
        total = [(0, 0, 0)] * len(days)
    return _points(days, total)  # type: ignore[arg-type]


def trend_by_team(
    db: Database,
    *,
    start: date | None = None,
    end: date | None = None,
    facts: Facts | None = None,
) -> dict[str, list[TrendPoint]]:
    """``trend`` per team, keyed by team name, in team code order; every list covers the same
    days."""
    facts = facts if facts is not None else load_facts(db)
    days, per_team = team_trends(facts, start, end)
    return {
        facts.teams[tid][1] if tid in facts.teams else str(tid): _points(days, series)
        for tid, series in per_team.items()
    }


def team_ranking(db: Database, day: date, *, facts: Facts | None = None) -> list[TeamRank]:
    """Teams by signed percentage of their target, best first (ties: team code)."""
    facts = facts if facts is not None else load_facts(db)
    return ranking(facts, tally(facts, day))


def ranking(facts: Facts, counted: Tally) -> list[TeamRank]:
    rows = []
    for tid, (code, name) in facts.teams.items():
        f = counted.by_team.get(tid, Figures())
        rows.append(
            (
                code,
                TeamRank(
                    tid, name, f.households, f.signed, f.paid, f.vacated, f.signed_pct,
                    f.signed_today,
                ),
            )
        )  # fmt: skip
    rows.sort(key=lambda r: (-r[1].signed_pct, r[0]))
    return [r for _code, r in rows]


def _status_label(status: str) -> str:
    try:
        return _(STATUS_LABELS[HouseholdStatus(status)])
    except ValueError:
        return status


def case_rows(
    facts: Facts,
    day: date,
    *,
    lo: int | None,
    hi: int | None,
    team_id: uuid.UUID | None = None,
    responsible_id: uuid.UUID | None = None,
) -> list[CaseRow]:
    """Unmet cases whose deadline − day lies in lo … hi (None: unbounded), by deadline."""
    if not facts.named:
        raise ValueError("the facts were read without names (load_facts(names=False))")
    cut = facts.cutoff(day).timestamp()
    today = day.toordinal()
    first = today + lo if lo is not None else -NO_LIMIT
    last = today + hi if hi is not None else NO_LIMIT - 1
    wanted = [
        (team_id is None or t == team_id) and (responsible_id is None or r == responsible_id)
        for t, _v, r in facts.groups
    ]
    found = [
        i
        for i, (lim, met, cr, g) in enumerate(
            zip(facts.limit, facts.met, facts.created, facts.group, strict=True)
        )
        if first <= lim <= last and met > cut and cr <= cut and wanted[g]
    ]
    # Deadline, then code: two stable sorts with keys looked up in C.
    found.sort(key=facts.code.__getitem__)
    found.sort(key=facts.limit.__getitem__)
    labels: dict[str, str] = {}
    names = [
        (facts.teams.get(t, ("", ""))[1], facts.operators.get(r, "") if r else "")
        for t, _v, r in facts.groups
    ]
    uuids: dict[int, uuid.UUID] = facts.cache.setdefault("uuids", {})  # see household_uuid
    out: list[CaseRow] = []
    with gc_paused():  # tens of thousands of rows: the collector would walk the heap often
        for i in found:
            team, person = names[facts.group[i]]
            household = uuids.get(i)
            if household is None:
                household = uuids[i] = facts.household_id(i)
            status = facts.status[i]
            label = labels.get(status)
            if label is None:
                label = labels[status] = _status_label(status)
            lim = facts.limit[i]
            out.append(
                CaseRow(
                    household,
                    facts.code[i],
                    facts.head_name[i],
                    team,
                    person,
                    label,
                    date.fromordinal(lim),
                    lim - today,
                )
            )
    return out


def due_soon(
    db: Database,
    day: date,
    *,
    responsible_id: uuid.UUID | None = None,
    days: int = 7,
    facts: Facts | None = None,
) -> list[CaseRow]:
    """Unmet cases whose deadline is ``day`` … ``day + days``, soonest first."""
    facts = facts if facts is not None else load_facts(db)
    return case_rows(facts, day, lo=0, hi=days, responsible_id=responsible_id)


def overdue(
    db: Database,
    day: date,
    *,
    team_id: uuid.UUID | None = None,
    responsible_id: uuid.UUID | None = None,
    facts: Facts | None = None,
) -> list[CaseRow]:
    """Cases past their deadline and not met by the day's cut-off, longest overdue first."""
    facts = facts if facts is not None else load_facts(db, team_id=team_id)
    return case_rows(facts, day, lo=None, hi=-1, team_id=team_id, responsible_id=responsible_id)
