"""The daily exchange as one menu does it, whichever side this database is.

``export_package`` and ``import_package`` dispatch on this database's role, as the CLI's
``export-package`` and ``import-package`` do: a team laptop writes its team → HQ package and
reads HQ's; HQ writes one team's HQ → team package and merges team packages. Each returns an
:class:`Outcome` whose ``text`` is the short Chinese summary a dialog shows. ``role_of`` and
``teams`` tell the menu what to offer.

May use: this package's ``identity``, ``team_export``, ``hq_import``, ``hq_export``,
``team_import`` and ``join``; storage.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ...i18n import _
from ...storage import models as m
from ...storage.db import Database
from ..access import Actor
from .hq_export import export_for_team
from .hq_import import import_package as merge_team_package
from .identity import NotInExchange, identity
from .join import write_join_package
from .team_export import export_package as export_team
from .team_import import import_from_hq

__all__ = ["Outcome", "TeamChoice", "export_package", "import_package", "join_package",
           "role_of", "teams"]  # fmt: skip


@dataclass(frozen=True)
class Outcome:
    text: str  # what happened, in Chinese, for a dialog
    counts: dict[str, int] = field(default_factory=dict)
    conflicts: int = 0
    result: Any = None  # the service's own result (a Manifest, a summary …)


@dataclass(frozen=True)
class TeamChoice:
    team_id: uuid.UUID
    code: str
    name: str
    joined: bool  # HQ holds a key for the team (its join package was written)


def role_of(db: Database) -> str | None:
    """``hq``, ``team`` or None (a database outside the exchange)."""
    with db.session() as s:
        me = identity(s)
        return me.role if me is not None else None


def teams(db: Database) -> list[TeamChoice]:
    """The project's teams in code order, for HQ's pickers."""
    p = m.ExchangePeer
    with db.session() as s:
        joined = set(s.scalars(select(p.team_id).where(p.role == "team", p.revoked_at.is_(None))))
        rows = s.execute(select(m.Team.id, m.Team.code, m.Team.name).order_by(m.Team.code))
        return [TeamChoice(tid, code, name, tid in joined) for tid, code, name in rows]


def _require_any(db: Database) -> str:
    role = role_of(db)
    if role is None:
        raise NotInExchange(
            _("这个数据库还没有参与数据交换：工作组电脑请先用指挥部发来的加入包加入项目；"
              "指挥部请先用“生成加入包…”为工作组生成加入包")
        )  # fmt: skip
    return role


def export_package(
    db: Database,
    operator: Actor | None,
    out: Path,
    *,
    team_code: str | None = None,
    password: str | None = None,
    full: bool = False,
) -> Outcome:
    """A laptop: its package for HQ. HQ: the package for team ``team_code``."""
    role = _require_any(db)
    if role == "hq":
        if not team_code:
            raise ValueError("HQ exports for one team: team_code is required")
        manifest = export_for_team(db, operator, team_code, out, password=password)
        return Outcome(
            _("已为工作组 {team} 生成指挥部数据包（第 {n} 号）：{path}", team=team_code,
              n=manifest.sequence, path=out),
            result=manifest,
        )  # fmt: skip
    result = export_team(db, operator, out, password=password, full=full)
    return Outcome(
        _("已生成报送指挥部的数据包（第 {n} 号，{households} 户）：{path}",
          n=result.manifest.sequence, households=result.households, path=out),
        counts={"households": result.households},
        result=result,
    )  # fmt: skip


def import_package(
    db: Database, operator: Actor | None, path: Path, *, password: str | None = None
) -> Outcome:
    """HQ: merge a team's package. A laptop: apply HQ's package."""
    role = _require_any(db)
    if role == "team":
        summary = import_from_hq(db, operator, path, password=password)
        return Outcome(summary.text, result=summary)
    report = merge_team_package(db, operator, path, password=password)
    counts = {k: int(report.counts.get(k, 0)) for k in ("inserted", "updated", "unchanged")}
    conflicts = len(report.conflicts)
    if report.already:
        text = _("这个数据包以前已经导入过，这次没有改动任何数据。")
    else:
        text = _(
            "已导入工作组 {team} 的第 {n} 号数据包：新增 {inserted} 户，更新 {updated} 户，"
            "未变 {unchanged} 户。",
            team=report.team, n=report.sequence, **counts,
        )  # fmt: skip
    if conflicts:
        text += "\n" + _(
            "有 {n} 个冲突等待处理：请打开“数据交换 → 冲突处理…”逐个决定。", n=conflicts
        )
    return Outcome(text, counts, conflicts, report)


def join_package(
    db: Database, operator: Actor | None, team_code: str, out: Path, *,
    password: str | None = None,
) -> Outcome:  # fmt: skip
    """HQ: the package a team's laptop joins the project from."""
    manifest = write_join_package(db, operator, team_code, out, password=password)
    return Outcome(
        _("已生成工作组 {team} 的加入包：{path}\n请把它和密码分开交给工作组（密码请当面或电话告知）。"
          "\n指挥部密钥编号：{key}（工作组加入时请电话核对）", team=team_code, path=out,
          key=manifest.key_id),
        result=manifest,
    )  # fmt: skip
