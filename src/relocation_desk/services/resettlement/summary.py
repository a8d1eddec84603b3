"""Figures of the property swap for reports, the daily report and the dashboard: flats left by
building and 户型, flats chosen per team and day, and entitlement not yet used."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from sqlalchemy import select

from ...storage import models as m
from ...storage.db import Database
from ...storage.models_resettlement import ResettlementChoice, ResettlementFlat, ResettlementOrder
from ..clock import project_zone
from ..errors import ResettlementError
from ..households.service import project_id_of
from ..settings import is_demo
from .household_rules import entitlement_of


@dataclass(frozen=True)
class FlatsLeft:
    estate: str
    building: str
    layout: str
    area_dm2: int
    total: int
    available: int
    chosen: int  # chosen or handed over


@dataclass(frozen=True)
class ChosenPerTeamDay:
    team: str
    day: date
    flats: int
    households: int


@dataclass(frozen=True)
class UnusedEntitlement:
    code: str
    head_name: str
    team: str
    order_no: int
    entitlement_dm2: int
    chosen_dm2: int
    status: str  # waiting, absent, done


@dataclass(frozen=True)
class ResettlementSummary:
    flats_left: tuple[FlatsLeft, ...]
    chosen_per_team_day: tuple[ChosenPerTeamDay, ...]
    unused: tuple[UnusedEntitlement, ...]
    households_chosen: int
    demo: bool = False  # the demo project's: printed with the 演示数据 mark


def _local_day(at: datetime, zone: tzinfo) -> date:
    return at.astimezone(zone).date()


def resettlement_summary(db: Database) -> ResettlementSummary:
    f, c, o, h = ResettlementFlat, ResettlementChoice, ResettlementOrder, m.Household
    with db.session() as s:
        zone = project_zone(s)
        pid = project_id_of(s)
        demo = is_demo(s)
        left: dict[tuple[str, str, str, int], Counter[str]] = defaultdict(Counter)
        for estate, building, layout, area, status in s.execute(
            select(f.estate, f.building, f.layout, f.built_area_dm2, f.status).where(
                f.project_id == pid
            )
        ):
            left[(estate, building, layout, area)][status] += 1
        teams = dict(
            s.execute(select(m.Team.id, m.Team.name).where(m.Team.project_id == pid)).all()
        )
        per_day: dict[tuple[str, date], tuple[int, set[object]]] = {}
        chosen_area: Counter[object] = Counter()
        for hid, team_id, at, area in s.execute(
            select(c.household_id, h.team_id, c.chosen_at, c.area_dm2)
            .join(h, h.id == c.household_id)
            .where(c.project_id == pid, c.cancelled_at.is_(None))
        ):
            key = (teams.get(team_id, ""), _local_day(at, zone))
            flats, households = per_day.get(key, (0, set()))
            households.add(hid)
            per_day[key] = (flats + 1, households)
            chosen_area[hid] += area
        unused = []
        for hid, code, name, team_id, order_no, status in s.execute(
            select(o.household_id, h.code, h.head_name, h.team_id, o.order_no, o.status)
            .join(h, h.id == o.household_id)
            .where(o.project_id == pid)
            .order_by(o.order_no)
        ):
            try:
                ent = entitlement_of(s, hid).entitlement_dm2
            except ResettlementError:
                continue  # no longer a swap household: nothing to use
            if ent > chosen_area[hid]:
                unused.append(UnusedEntitlement(code, name, teams.get(team_id, ""), order_no, ent,
                                                chosen_area[hid], status))  # fmt: skip
    return ResettlementSummary(
        tuple(
            FlatsLeft(e, b, layout, a, sum(n.values()), n["available"],
                      n["chosen"] + n["handed_over"])
            for (e, b, layout, a), n in sorted(left.items())
        ),
        tuple(
            ChosenPerTeamDay(team, day, flats, len(hh))
            for (team, day), (flats, hh) in sorted(per_day.items(), key=lambda kv: (kv[0][1], kv[0][0]))
        ),
        tuple(unused),
        len(chosen_area),
        demo,
    )  # fmt: skip
