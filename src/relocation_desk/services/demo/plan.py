"""The shape and the timeline of the demo project, decided before any row is written.

First the organisation (teams, operators, villages, groups), then one small plan per
household: where it is, who is responsible, how far its case has got and on which days each
step happened. Everything that must be consistent across households is settled here — the
villages' notice dates, the gap-free agreement numbers in signing order, the decisions'
numbers — so the row generators can then work team by team without looking back.

All days are ``date.toordinal()`` integers. The work spreads over the 8 weeks before today.
"""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass, field
from itertools import accumulate

from ...domain.names import search_keys
from ...domain.status import CompensationMethod, HouseholdStatus, Role
from ..bulk_writer import Ids
from . import data

S = HouseholdStatus
_RANK = {s: i for i, s in enumerate(HouseholdStatus)}

# Share of households in each state (per cent): a realistic funnel after 8 weeks of work.
FUNNEL: tuple[tuple[HouseholdStatus, float], ...] = (
    (S.REGISTERED, 5), (S.SURVEYED, 10), (S.CALCULATED, 10), (S.CHECKED, 10),
    (S.NOTICED, 15), (S.SIGNED, 15), (S.PAID, 15), (S.VACATED, 12), (S.DEMOLISHED, 6),
    (S.DECISION, 2),
)  # fmt: skip
# Cadres and their relatives are asked to sign first (DOMAIN rule 7).
CADRE_FUNNEL: tuple[tuple[HouseholdStatus, float], ...] = (
    (S.REGISTERED, 1), (S.SURVEYED, 3), (S.CALCULATED, 4), (S.CHECKED, 4), (S.NOTICED, 8),
    (S.SIGNED, 18), (S.PAID, 24), (S.VACATED, 22), (S.DEMOLISHED, 15), (S.DECISION, 1),
)  # fmt: skip

CADRE_HOUSEHOLD_SHARE = 0.08  # households with a cadre or a cadre's relative
DIBAO_HOUSEHOLD_SHARE = 0.04
METHODS = (
    (CompensationMethod.MONEY, 75),
    (CompensationMethod.SWAP, 15),
    (CompensationMethod.MIXED, 10),
)


class Weighted:
    """Choice by weight with one ``random()`` and a bisection (``random.choices`` is slower)."""

    __slots__ = ("_cum", "_items", "_total")

    def __init__(self, pairs: tuple[tuple[object, float], ...] | list[tuple[object, float]]):
        self._items = [p[0] for p in pairs]
        self._cum = list(accumulate(p[1] for p in pairs))
        self._total = self._cum[-1]

    def pick(self, rng: random.Random) -> object:
        return self._items[bisect(self._cum, rng.random() * self._total)]


@dataclass(frozen=True)
class Timeline:
    """The project's key days, all relative to ``today``."""

    today: int
    start: int  # scheme effective, work begins (8 weeks ago)
    notice_days: int  # a notice stays posted this many days (both ends counted)
    sign_deadline: int  # 签约期限: holdouts after it move to a compensation decision

    @classmethod
    def for_today(cls, today: int) -> Timeline:
        return cls(today=today, start=today - 56, notice_days=7, sign_deadline=today - 8)

    @property
    def notice_first(self) -> int:
        return self.start + 16

    @property
    def notice_last(self) -> int:
        return self.start + 22

    @property
    def sign_open(self) -> int:
        """The first day anyone can sign: after the earliest notice period."""
        return self.notice_first + self.notice_days


@dataclass(slots=True)
class OperatorPlan:
    id: str
    login: str
    name: str
    role: Role
    team: int | None
    phone: str


@dataclass(slots=True)
class TeamPlan:
    index: int
    id: str
    code: str
    name: str
    leader: int = -1  # operator index
    members: list[int] = field(default_factory=list)
    villages: list[int] = field(default_factory=list)


@dataclass(slots=True)
class VillagePlan:
    index: int
    id: str
    name: str
    code: str
    team: int
    groups: list[tuple[str, str]]  # (id, name)
    notice_from: int
    round_id: str

    def notice_to(self, timeline: Timeline) -> int:
        return self.notice_from + timeline.notice_days - 1


@dataclass(slots=True)
class HouseholdPlan:
    index: int
    id: str
    code: str
    team: int
    village: int
    group: int  # index into the village's groups
    responsible: int  # operator index
    status: HouseholdStatus
    cadre: bool
    dibao: bool
    method: CompensationMethod
    registered: int
    surveyed: int | None = None
    calculated: int | None = None
    checked: int | None = None
    signed: int | None = None
    paid: int | None = None
    paid_again: int | None = None  # second instalment
    deposit: bool = False  # 提存 instead of payment
    vacated: int | None = None
    demolished: int | None = None
    decided: int | None = None
    agreement_seq: int | None = None
    decision_seq: int | None = None

    @property
    def rank(self) -> int:
        return _RANK[self.status]

    def reached(self, status: HouseholdStatus) -> bool:
        """True if the case has got as far as ``status`` (a decision counts as noticed)."""
        if self.status is S.DECISION:
            return _RANK[status] <= _RANK[S.NOTICED] or status is S.DECISION
        return self.rank >= _RANK[status] and status is not S.DECISION

    @property
    def last_event(self) -> int:
        days = (self.registered, self.surveyed, self.calculated, self.checked, self.signed,
                self.paid, self.vacated, self.demolished, self.decided)  # fmt: skip
        return max(d for d in days if d is not None)


@dataclass
class Layout:
    timeline: Timeline
    operators: list[OperatorPlan]
    teams: list[TeamPlan]
    villages: list[VillagePlan]
    households: list[HouseholdPlan]
    hq: list[int]  # HQ operator indexes (first: head of HQ; second: finance)
    admin: int


_CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1–99 in Chinese numerals: 7 → 七, 12 → 十二, 40 → 四十."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _CN_DIGITS[ones]
    head = "" if tens == 1 else _CN_DIGITS[tens]
    return head + "十" + (_CN_DIGITS[ones] if ones else "")


MAX_TEAMS = 99  # team codes are T01…T99


def team_count(households: int, teams: int | None = None) -> int:
    """The number of teams: ``teams`` when given, else one per ~1,250 households (3 to 60)."""
    if teams is not None:
        return teams
    return max(3, min(60, round(households / 1250)))


def _split(total: int, weights: list[float]) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainders, exact sum)."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    counts = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (counts[i] - raw[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def plan_project(households: int, rng: random.Random, ids: Ids, today: int, people,  # type: ignore[no-untyped-def]
                 team_total: int | None = None) -> Layout:  # fmt: skip
    """Decide the organisation and every household's case. ``people`` makes operator names;
    ``team_total``: how many teams (default: see ``team_count``)."""
    timeline = Timeline.for_today(today)
    operators: list[OperatorPlan] = []
    logins: set[str] = set()

    def add_operator(role: Role, team: int | None, login_hint: str) -> int:
        name = people.adult_name(rng)
        login = login_hint or search_keys(name)[1]
        base, k = login, 1
        while login in logins:
            k += 1
            login = f"{base}{k}"
        logins.add(login)
        operators.append(OperatorPlan(ids.new(), login, name, role, team, people.mobile(rng)))
        return len(operators) - 1

    admin = add_operator(Role.ADMIN, None, "admin")
    hq = [add_operator(Role.HQ, None, "") for _ in range(3)]

    n_teams = team_count(households, team_total)
    teams: list[TeamPlan] = []
    villages: list[VillagePlan] = []
    village_names = _village_names(rng, n_teams * 2)
    for t in range(n_teams):
        code = f"T{t + 1:02d}"
        team = TeamPlan(t, ids.new(), code, f"第{chinese_number(t + 1)}工作组")
        team.leader = add_operator(Role.LEADER, t, "")
        team.members = [add_operator(Role.MEMBER, t, "") for _ in range(rng.randint(3, 8))]
        for _ in range(2 if rng.random() < 0.4 else 1):
            v = len(villages)
            groups = [(ids.new(), f"{data.GROUP_NUMERALS[g]}组") for g in range(rng.randint(3, 10))]
            notice_from = rng.randint(timeline.notice_first, timeline.notice_last)
            villages.append(
                VillagePlan(
                    v,
                    ids.new(),
                    village_names[v],
                    f"{v + 1:03d}",
                    t,
                    groups,
                    notice_from,
                    ids.new(),
                )
            )
            team.villages.append(v)
        teams.append(team)

    plans = _plan_households(households, rng, ids, timeline, teams, villages)
    return Layout(timeline, operators, teams, villages, plans, hq, admin)


def _village_names(rng: random.Random, n: int) -> list[str]:
    pool = [p + s + "村" for p in data.VILLAGE_PREFIXES for s in data.VILLAGE_SUFFIXES]
    return rng.sample(pool, n)


def _plan_households(
    n: int,
    rng: random.Random,
    ids: Ids,
    tl: Timeline,
    teams: list[TeamPlan],
    villages: list[VillagePlan],
) -> list[HouseholdPlan]:
    funnel, cadre_funnel = Weighted(FUNNEL), Weighted(CADRE_FUNNEL)
    methods = Weighted(METHODS)
    per_team = _split(n, [0.75 + 0.5 * rng.random() for _ in teams])
    width = max(4, len(str(max(per_team))))
    plans: list[HouseholdPlan] = []
    for team, count in zip(teams, per_team, strict=True):
        pace = rng.uniform(-0.35, 0.35)  # some teams are ahead, some behind
        slots: list[tuple[int, int]] = []
        v_counts = _split(count, [0.6 + 0.8 * rng.random() for _ in team.villages])
        for v, vc in zip(team.villages, v_counts, strict=True):
            groups = villages[v].groups
            g_counts = _split(vc, [0.5 + rng.random() for _ in groups])
            for g, gc in enumerate(g_counts):
                slots.extend([(v, g)] * gc)
        # Each group has one responsible member; a few households are someone else's.
        for seq, (v, g) in enumerate(slots, start=1):
            members = team.members
            if rng.random() < 0.8:
                responsible = members[(v * 7 + g) % len(members)]
            else:
                responsible = members[int(rng.random() * len(members))]
            cadre = rng.random() < CADRE_HOUSEHOLD_SHARE
            status = (cadre_funnel if cadre else funnel).pick(rng)
            assert isinstance(status, HouseholdStatus)
            status = _paced(status, pace, rng)
            method = methods.pick(rng)
            assert isinstance(method, CompensationMethod)
            plan = HouseholdPlan(
                index=len(plans), id=ids.new(), code=f"{team.code}-{seq:0{width}d}",
                team=team.index, village=v, group=g, responsible=responsible, status=status,
                cadre=cadre, dibao=rng.random() < DIBAO_HOUSEHOLD_SHARE, method=method,
                registered=tl.start,
            )  # fmt: skip
            _plan_days(plan, villages[v], tl, rng)
            plans.append(plan)
    _number(plans)
    return plans


def _paced(status: HouseholdStatus, pace: float, rng: random.Random) -> HouseholdStatus:
    if status is S.DECISION or rng.random() >= abs(pace):
        return status
    rank = _RANK[status] + (1 if pace > 0 else -1)
    rank = max(0, min(_RANK[S.DEMOLISHED], rank))
    return list(HouseholdStatus)[rank]


def _back(rng: random.Random, day: int, lo: int, hi: int, floor: int) -> int:
    """A day ``lo``–``hi`` days before ``day``, not before ``floor``."""
    return max(floor, day - rng.randint(lo, hi))


def _plan_days(p: HouseholdPlan, village: VillagePlan, tl: Timeline, rng: random.Random) -> None:
    """Fill in the days of each step the household has reached, in the order of work."""
    today, start = tl.today, tl.start
    rank = p.rank
    noticed = p.reached(S.NOTICED)
    if noticed:
        # On the village's notice: checked before the notice went up.
        p.checked = _back(rng, village.notice_from, 1, 8, start + 3)
    elif rank >= _RANK[S.CHECKED]:
        # Checked after the village's round was posted: waits for the next round.
        p.checked = rng.randint(village.notice_from, today)
    if p.checked is not None:
        p.calculated = _back(rng, p.checked, 0, 3, start + 2)
    elif rank >= _RANK[S.CALCULATED]:
        p.calculated = rng.randint(start + 10, today)
    if p.calculated is not None:
        p.surveyed = _back(rng, p.calculated, 1, 6, start + 1)
    elif rank >= _RANK[S.SURVEYED]:
        p.surveyed = rng.randint(start + 5, today)
    if p.surveyed is not None:
        p.registered = _back(rng, p.surveyed, 0, 10, start)
    else:
        p.registered = rng.randint(start, today)

    if p.status is S.DECISION:
        p.decided = rng.randint(min(today, tl.sign_deadline + 3), today)
        return
    if not p.reached(S.SIGNED):
        return
    # Signing opens the day after the village's notice period ends.
    steps = ("signed", "paid", "vacated", "demolished")
    n_steps = {S.SIGNED: 1, S.PAID: 2, S.VACATED: 3, S.DEMOLISHED: 4}[p.status]
    min_gaps = (1, 1, 2)[: n_steps - 1]
    max_gaps = (10, 10, 10)
    lo = village.notice_to(tl) + 1
    hi = max(lo, today - sum(min_gaps))
    u = rng.random()
    if p.cadre:
        u = u * u  # cadres sign early
    elif p.status is S.SIGNED:
        u = u**0.6  # the ones not yet paid signed recently
    day = lo + int((hi - lo + 1) * u)
    day = min(day, hi)
    setattr(p, steps[0], day)
    for i in range(1, n_steps):
        rest = sum(min_gaps[i:])
        top = max(min_gaps[i - 1], min(max_gaps[i - 1], today - day - rest))
        day += rng.randint(min_gaps[i - 1], top)
        setattr(p, steps[i], day)
    if p.paid is not None:
        r = rng.random()
        if r < 0.03:
            p.deposit = True
        elif r < 0.18 and p.paid + 3 <= today:
            p.paid_again = rng.randint(p.paid + 3, min(today, p.paid + 20))


def _number(plans: list[HouseholdPlan]) -> None:
    """Agreement and decision numbers: gap-free, in the order they were made."""
    signed = sorted((p for p in plans if p.signed is not None), key=lambda p: (p.signed, p.index))
    for seq, p in enumerate(signed, start=1):
        p.agreement_seq = seq
    decided = sorted(
        (p for p in plans if p.decided is not None), key=lambda p: (p.decided, p.index)
    )
    for seq, p in enumerate(decided, start=1):
        p.decision_seq = seq
