"""How fresh each team's data is at HQ: when its newest package was written and imported.

At HQ (指挥部) the dashboard, the team ranking and the project's daily report count merged
data, which is only as new as each team's last package. For every team this reads its key's
exchange counters (``exchange_peer``: ``sent_at_peer``, when the laptop wrote its newest
package HQ imported, and ``received_at``, when HQ imported it) and counts the project's
calendar days since it was written: "第七工作组：2 天未报送". A laptop (or a database outside
the exchange) has no such figures: the result is empty and nothing is shown.

May use: storage, ``services.clock``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...i18n import _
from ...storage import models as m
from ...storage.db import Database
from ..clock import project_today, project_zone

__all__ = ["TeamFreshness", "freshness_from_rows", "freshness_rows", "team_freshness"]

STALE_DAYS = 1  # a team whose newest package is this many days old or older is named


@dataclass(frozen=True)
class TeamFreshness:
    team_id: uuid.UUID
    code: str
    name: str
    written_at: datetime | None  # when the team wrote its newest package imported here
    received_at: datetime | None  # when HQ imported it
    days: int | None  # project calendar days since it was written; None: never

    @property
    def stale(self) -> bool:
        return self.days is None or self.days >= STALE_DAYS

    @property
    def short(self) -> str:
        """ "2 天未报送", "今天已报送", "从未报送"."""
        if self.days is None:
            return _("从未报送")
        if self.days <= 0:
            return _("今天已报送")
        return _("{days} 天未报送", days=self.days)

    @property
    def text(self) -> str:
        """ "第七工作组：2 天未报送"."""
        return _("{team}：{state}", team=self.name or self.code, state=self.short)


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _is_hq(s: Session) -> bool:
    me = s.get(m.ExchangeIdentity, 1)
    return me is not None and me.role == "hq"


def team_freshness(
    db: Database, *, today: date | None = None, zone: tzinfo | None = None
) -> dict[uuid.UUID, TeamFreshness]:
    """Team id → freshness, for every team of the project (team code order) at HQ; empty on
    a laptop. ``today``: the day counted from (default: the project's today)."""
    with db.session() as s:
        if not _is_hq(s):
            return {}
        zone = zone or project_zone(s)
        today = today or project_today(zone)
        p = m.ExchangePeer
        peers: dict[uuid.UUID, tuple[datetime | None, datetime | None]] = {}
        rows = s.execute(
            select(p.team_id, p.sent_at_peer, p.received_at).where(
                p.role == "team", p.revoked_at.is_(None), p.team_id.is_not(None)
            )
        )
        for team_id, written, received in rows:
            if team_id is not None:
                peers[team_id] = (_aware(written), _aware(received))
        teams = s.execute(select(m.Team.id, m.Team.code, m.Team.name).order_by(m.Team.code))
        result: dict[uuid.UUID, TeamFreshness] = {}
        for tid, code, name in teams:
            written, received = peers.get(tid, (None, None))
            days = None
            if written is not None:
                days = max(0, (today - written.astimezone(zone).date()).days)
            result[tid] = TeamFreshness(tid, code, name, written, received, days)
        return result


def freshness_rows(items: Any) -> list[dict[str, Any]]:
    """Plain JSON values (for a frozen daily report)."""
    return [
        {
            "team_id": str(f.team_id),
            "code": f.code,
            "name": f.name,
            "written_at": f.written_at.isoformat() if f.written_at else None,
            "received_at": f.received_at.isoformat() if f.received_at else None,
            "days": f.days,
        }
        for f in items
    ]


def freshness_from_rows(rows: Any) -> tuple[TeamFreshness, ...]:
    def moment(value: Any) -> datetime | None:
        return datetime.fromisoformat(value) if value else None

    return tuple(
        TeamFreshness(
            uuid.UUID(r["team_id"]), r["code"], r["name"], moment(r["written_at"]),
            moment(r["received_at"]), r["days"],
        )
        for r in rows or ()
    )  # fmt: skip
