"""The daily report to HQ (每天一调度一总结一汇报): build, freeze, read back.

``build`` counts a day's figures as of its cut-off (``report_cutoff`` setting, local time;
see :mod:`.progress_facts` for how facts are dated, so that an edit made after the cut-off
lands in the next day's figures) for the project or one team: the whole scope, per team (in
ranking order), per village and per responsible person, plus the cumulative signing of each
team per day for the chart.

``freeze`` stores the report as JSON with the SHA-256 of its canonical form in
``daily_report`` (one per project, scope and date; scope ``"project"`` or the team id). A
frozen report never changes (DOMAIN rule 3): freezing the same scope and date again is
refused, and ``load_frozen`` gives back exactly what was frozen, so it reprints identically.
A report can be frozen only once its cut-off has passed (before that, facts still to come
would belong to it).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...i18n import _
from ...storage import models as m
from ...storage.db import Database
from ..access import Action, require
from ..audit import read_head
from ..clock import shown, utc_now
from ..errors import UserError
from ..households.service import OperatorRef, project_id_of
from ..progress_report import Progress, ensure
from ..settings import is_demo
from .facts import NEVER, Facts, load_facts, moment_day
from .freshness import TeamFreshness, freshness_from_rows, freshness_rows, team_freshness
from .service import Figures, Tally, ranking, tally, team_trends

__all__ = [
    "SNAPSHOT_VERSION",
    "DailyReportData",
    "DailyReportError",
    "ReportRow",
    "build",
    "freeze",
    "load_frozen",
    "scope_key",
]

SNAPSHOT_VERSION = 1
TREND_DAYS = 60  # days of the signing chart, ending with the report's date


class DailyReportError(UserError):
    """A daily report that cannot be built, frozen or found; the message says why."""


@dataclass(frozen=True)
class ReportRow:
    """One line of a breakdown: a team, a village or a responsible person."""

    key: str  # the team, village or operator id ("" for households nobody is responsible for)
    code: str  # team code, village code; "" for persons
    name: str
    team: str  # the team's name (for villages and persons; the team itself for teams)
    rank: int  # teams of the project's report: place in the ranking (1 = best); others 0
    figures: Figures


@dataclass(frozen=True)
class DailyReportData:
    project_name: str
    project_code: str
    scope_key: str  # "project" or the team id
    scope_name: str  # the project's or the team's name
    report_date: date
    cutoff: datetime
    sign_deadline: date | None
    total: Figures
    teams: tuple[ReportRow, ...]
    villages: tuple[ReportRow, ...]
    persons: tuple[ReportRow, ...]
    trend_days: tuple[date, ...]
    trend: tuple[tuple[str, tuple[int, ...]], ...]  # team name → cumulative signed per day
    trend_paid: tuple[int, ...]  # the scope's cumulative paid households per day
    trend_vacated: tuple[int, ...]
    # At HQ, the project's report: how fresh each team's data was (empty elsewhere).
    freshness: tuple[TeamFreshness, ...] = ()
    # Set once frozen (not part of the hashed content):
    frozen_at: datetime | None = None
    frozen_by: str = ""
    content_hash: str = ""
    # The audit chain's head as the report's outside anchor (not hashed): for a frozen report
    # the chain row of its freezing (which carries its seal), else the head when it was built.
    chain_seq: int = field(default=0, compare=False)
    chain_hash: str = field(default="", compare=False)
    # The demo project's report (not hashed): printed with the 演示数据 mark.
    demo: bool = field(default=False, compare=False)

    @property
    def frozen(self) -> bool:
        return self.frozen_at is not None

    @property
    def trend_total(self) -> tuple[int, ...]:
        days = len(self.trend_days)
        return tuple(sum(values[i] for _name, values in self.trend) for i in range(days))


def scope_key(team_id: uuid.UUID | None) -> str:
    return "project" if team_id is None else str(team_id)


# --- building ---------------------------------------------------------------------------------


def build(
    db: Database,
    day: date,
    *,
    team_id: uuid.UUID | None = None,
    cutoff: datetime | None = None,
    facts: Facts | None = None,
    progress: Progress | None = None,
) -> DailyReportData:
    """The report for ``day`` as of ``cutoff`` (default: the day's cut-off from the settings).
    ``progress`` hears of its four steps; it only reads, so a cancel may come at any step."""
    p = ensure(progress)
    p(0, 4, _("正在读取各户的进度…"))
    if facts is None:
        facts = load_facts(db, team_id=team_id, names=False, compact=False)  # counted once
    if team_id is not None and team_id not in facts.teams:
        raise DailyReportError(_("找不到该工作组"))
    p.check()
    p(1, 4, _("正在统计…"))
    try:
        counted = tally(facts, day, cutoff)
    except ValueError:
        raise DailyReportError(
            _("截止时间必须在报表日期 {day} 当天", day=day.isoformat())
        ) from None
    p.check()
    p(2, 4, _("正在汇总各工作组、村和责任人…"))
    data = _assemble(facts, counted, team_id)
    if team_id is None:
        data = replace(data, freshness=tuple(team_freshness(db, today=day).values()))
    p.check()
    p(3, 4, _("正在读取审计链的位置…"))
    with db.engine.connect() as conn:
        head = read_head(conn)
    with db.session() as s:
        demo = is_demo(s)
    return replace(data, chain_seq=head.seq, chain_hash=head.row_hash, demo=demo)


def _assemble(facts: Facts, counted: Tally, team_id: uuid.UUID | None) -> DailyReportData:
    day = counted.day
    teams: list[ReportRow] = []
    for rank, r in enumerate(ranking(facts, counted), start=1):
        if team_id is not None and r.team_id != team_id:
            continue
        code, name = facts.teams[r.team_id]
        # A team's own report has no other teams' figures to rank it against: no rank.
        place = rank if team_id is None else 0
        teams.append(
            ReportRow(
                str(r.team_id), code, name, name, place, counted.by_team.get(r.team_id, Figures())
            )
        )
    village_team: dict[uuid.UUID, uuid.UUID] = {}
    person_team: dict[uuid.UUID | None, uuid.UUID] = {}
    for tid, vid, pid in facts.groups:  # in the order households were read, as before
        village_team.setdefault(vid, tid)
        person_team.setdefault(pid, tid)

    def team_name(tid: uuid.UUID | None) -> str:
        return facts.teams[tid][1] if tid in facts.teams else ""

    def team_code(tid: uuid.UUID | None) -> str:
        return facts.teams[tid][0] if tid in facts.teams else ""

    village_order = {vid: i for i, vid in enumerate(facts.villages)}
    villages = [
        ReportRow(str(vid), "", facts.villages.get(vid, ""), team_name(village_team.get(vid)), 0, f)
        for vid, f in sorted(
            counted.by_village.items(),
            key=lambda kv: (team_code(village_team.get(kv[0])), village_order.get(kv[0], 0)),
        )
    ]
    persons = [
        ReportRow(
            str(pid) if pid else "",
            "",
            facts.operators.get(pid, "") if pid else _("（未指定责任人）"),
            team_name(person_team.get(pid)),
            0,
            f,
        )
        for pid, f in sorted(
            counted.by_person.items(),
            key=lambda kv: (
                team_code(person_team.get(kv[0])),
                kv[0] is None,
                facts.operators.get(kv[0], "") if kv[0] else "",
            ),
        )
    ]
    start = _trend_start(facts, day)
    trend_days = tuple(start + timedelta(days=i) for i in range((day - start).days + 1))
    _days, per_team = team_trends(facts, start, day)
    chosen = [tid for tid in facts.teams if team_id is None or tid == team_id]
    trend = tuple((facts.teams[tid][1], tuple(v[0] for v in per_team[tid])) for tid in chosen)
    scope = [
        tuple(map(sum, zip(*values, strict=True)))
        for values in zip(*(per_team[tid] for tid in chosen), strict=True)
    ] or [(0, 0, 0)] * len(trend_days)
    return DailyReportData(
        project_name=facts.project_name,
        project_code=facts.project_code,
        scope_key=scope_key(team_id),
        scope_name=facts.teams[team_id][1] if team_id is not None else facts.project_name,
        report_date=day,
        cutoff=counted.cutoff.astimezone(facts.settings.zone),
        sign_deadline=facts.settings.sign_deadline,
        total=counted.total,
        teams=tuple(teams),
        villages=tuple(villages),
        persons=tuple(persons),
        trend_days=trend_days,
        trend=trend,
        trend_paid=tuple(v[1] for v in scope),
        trend_vacated=tuple(v[2] for v in scope),
    )


def _trend_start(facts: Facts, day: date) -> date:
    """The chart starts the day before the first signing (or the first household), at most
    TREND_DAYS before ``day``."""
    cutoff = facts.settings.cutoff
    first_signed = min(facts.signed, default=NEVER)
    if first_signed != NEVER:
        first = date.fromordinal(moment_day(first_signed, cutoff, facts.settings.offset) - 1)
    else:
        first = facts.first_day or day
    return min(day, max(first, day - timedelta(days=TREND_DAYS - 1)))


# --- snapshot --------------------------------------------------------------------------------


def to_snapshot(data: DailyReportData) -> dict[str, Any]:
    """The report's content as plain JSON values (what is frozen and hashed)."""

    def row(r: ReportRow) -> dict[str, Any]:
        return {
            "key": r.key, "code": r.code, "name": r.name, "team": r.team, "rank": r.rank,
            "figures": asdict(r.figures),
        }  # fmt: skip

    snap: dict[str, Any] = {
        "version": SNAPSHOT_VERSION,
        "project_name": data.project_name,
        "project_code": data.project_code,
        "scope_key": data.scope_key,
        "scope_name": data.scope_name,
        "report_date": data.report_date.isoformat(),
        "cutoff": data.cutoff.isoformat(),
        "sign_deadline": data.sign_deadline.isoformat() if data.sign_deadline else None,
        "total": asdict(data.total),
        "teams": [row(r) for r in data.teams],
        "villages": [row(r) for r in data.villages],
        "persons": [row(r) for r in data.persons],
        "trend_days": [d.isoformat() for d in data.trend_days],
        "trend": [[name, list(values)] for name, values in data.trend],
        "trend_paid": list(data.trend_paid),
        "trend_vacated": list(data.trend_vacated),
    }
    if data.freshness:  # absent from the reports of a laptop (and of older frozen ones)
        snap["freshness"] = freshness_rows(data.freshness)
    return snap


def from_snapshot(snap: dict[str, Any]) -> DailyReportData:
    names = {f.name for f in fields(Figures)}

    def figures(d: dict[str, Any]) -> Figures:
        return Figures(**{k: v for k, v in d.items() if k in names})

    def row(d: dict[str, Any]) -> ReportRow:
        return ReportRow(
            d["key"], d["code"], d["name"], d["team"], d["rank"], figures(d["figures"])
        )

    deadline = snap.get("sign_deadline")
    return DailyReportData(
        project_name=snap["project_name"],
        project_code=snap["project_code"],
        scope_key=snap["scope_key"],
        scope_name=snap["scope_name"],
        report_date=date.fromisoformat(snap["report_date"]),
        cutoff=datetime.fromisoformat(snap["cutoff"]),
        sign_deadline=date.fromisoformat(deadline) if deadline else None,
        total=figures(snap["total"]),
        teams=tuple(row(r) for r in snap["teams"]),
        villages=tuple(row(r) for r in snap["villages"]),
        persons=tuple(row(r) for r in snap["persons"]),
        trend_days=tuple(date.fromisoformat(d) for d in snap["trend_days"]),
        trend=tuple((name, tuple(values)) for name, values in snap["trend"]),
        trend_paid=tuple(snap["trend_paid"]),
        trend_vacated=tuple(snap["trend_vacated"]),
        freshness=freshness_from_rows(snap.get("freshness")),
    )


def canonical_json(snap: dict[str, Any]) -> str:
    return json.dumps(snap, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def content_hash(snap: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(snap).encode("utf-8")).hexdigest()


# --- freezing ---------------------------------------------------------------------------------


def freeze(
    db: Database,
    day: date,
    *,
    team_id: uuid.UUID | None = None,
    operator: OperatorRef | None = None,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> DailyReportData:
    """Build the report for ``day`` at its cut-off and store it for good; returns it as stored.

    Refuses (``DailyReportError``) before the cut-off has passed and when the scope's report
    for ``day`` is already frozen. ``progress`` hears of the building steps, during which a
    cancel leaves nothing stored; storing it cannot be cancelled.
    """
    p = ensure(progress)
    require(operator, Action.FREEZE_DAILY_REPORT, team_id)  # a team's report, or the project's
    now = now or utc_now()
    key = scope_key(team_id)
    existing = _find(db, key, day)
    if existing is not None:
        raise DailyReportError(
            _(
                "{scope} {day} 的日报已于 {at} 冻结，冻结后不能再改；"
                "如需再次打印，请打印已冻结的日报（之后的变动计入下一天）",
                scope=existing.scope_name,
                day=day.isoformat(),
                at=shown(existing.frozen_at, db) if existing.frozen_at else "",
            )
        )
    data = build(db, day, team_id=team_id, progress=p)
    if now < data.cutoff:
        raise DailyReportError(
            _(
                "{day} 的日报截止时间是 {cutoff}，现在还不能冻结；请在截止时间之后再冻结，"
                "或由指挥部修改日报截止时间设置",
                day=day.isoformat(),
                cutoff=data.cutoff.strftime("%H:%M"),
            )
        )
    snap = to_snapshot(data)
    digest = content_hash(snap)
    p.check()
    p.cannot_cancel(_("正在保存冻结的日报，保存完成前不能取消。"))
    p(4, 4, _("正在保存冻结的日报…"))
    with db.session(immediate=True) as s, s.begin():
        project_id = project_id_of(s)
        s.add(
            m.DailyReport(
                project_id=project_id,
                team_id=team_id,
                scope_key=key,
                report_date=day,
                cutoff_at=data.cutoff,
                frozen_at=now,
                frozen_by=operator.id if operator is not None else None,
                snapshot=snap,
                content_hash=digest,
            )
        )
        s.add(
            m.AuditLog(
                at=now,
                operator_id=operator.id if operator is not None else None,
                operator_login=operator.login if operator is not None else "",
                action="freeze",
                entity="daily_report",
                entity_id=f"{key}/{day.isoformat()}",
                after={"report_date": day.isoformat(), "scope": key, "content_hash": digest},
                note=_("冻结日报"),
                seal=digest,  # the frozen content, sealed into the audit chain
            )
        )
        try:
            s.flush()
        except IntegrityError:
            raise DailyReportError(
                _("{day} 的日报刚刚已被冻结，不能再次冻结", day=day.isoformat())
            ) from None
    found = _find(db, key, day)
    assert found is not None
    return found


def load_frozen(
    db: Database, day: date, *, team_id: uuid.UUID | None = None
) -> DailyReportData | None:
    """The frozen report of the scope for ``day``, exactly as frozen (None if not frozen)."""
    return _find(db, scope_key(team_id), day)


def _find(db: Database, key: str, day: date) -> DailyReportData | None:
    with db.session() as s:
        project_id = project_id_of(s)
        demo = is_demo(s)
        row = s.execute(
            select(m.DailyReport, m.Operator.name)
            .outerjoin(m.Operator, m.Operator.id == m.DailyReport.frozen_by)
            .where(
                m.DailyReport.project_id == project_id,
                m.DailyReport.scope_key == key,
                m.DailyReport.report_date == day,
            )
        ).first()
    if row is None:
        return None
    report, by = row
    anchor = _freeze_row(db, key, day)
    snap = report.snapshot
    if content_hash(snap) != report.content_hash:
        raise DailyReportError(
            _(
                "{day} 的已冻结日报内容与其校验值不符，可能被改动过；请联系指挥部核查",
                day=day.isoformat(),
            )
        )
    data = from_snapshot(snap)
    return DailyReportData(
        **{f.name: getattr(data, f.name) for f in fields(data) if f.init and f.name not in (
            "frozen_at", "frozen_by", "content_hash", "chain_seq", "chain_hash", "demo")},
        frozen_at=report.frozen_at,
        frozen_by=by or "",
        content_hash=report.content_hash,
        chain_seq=anchor[0],
        chain_hash=anchor[1],
        demo=demo,
    )  # fmt: skip


def _freeze_row(db: Database, key: str, day: date) -> tuple[int, str]:
    """(seq, hash) of the audit row that froze the report, or (0, "") if none is chained."""
    a = m.AuditLog
    with db.session() as s:
        found = s.execute(
            select(a.seq, a.row_hash)
            .where(
                a.entity == "daily_report",
                a.entity_id == f"{key}/{day.isoformat()}",
                a.action == "freeze",
                a.seq.is_not(None),
            )
            .order_by(a.seq.desc())
            .limit(1)
        ).first()
    return (int(found[0]), found[1]) if found is not None else (0, "")


def render_hash(data: DailyReportData) -> str:
    """The content hash of a report (frozen or not)."""
    return data.content_hash or content_hash(to_snapshot(data))
