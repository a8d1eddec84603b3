"""What the household editor's drop-downs offer: villages and their groups, teams,
operators, relations, structure types, and the decoration grades and attachment items of the
published scheme version in force. Read once per service; the tables are small."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.names import pinyin_full
from ...domain.scheme import RateKind
from ...domain.status import STRUCTURE_LABELS
from ...storage import models as m

RELATIONS = (
    "户主", "配偶", "子", "女", "儿媳", "女婿", "孙子", "孙女", "父亲", "母亲", "兄弟", "姐妹", "其他",
)  # fmt: skip


@dataclass(frozen=True)
class Choice:
    id: uuid.UUID
    name: str


@dataclass(frozen=True)
class ItemChoice:
    code: str
    name: str
    unit: str


@dataclass(frozen=True)
class EditorChoices:
    villages: tuple[Choice, ...]
    groups: dict[uuid.UUID, tuple[Choice, ...]]  # by village id
    teams: tuple[Choice, ...]
    operators: tuple[tuple[Choice, uuid.UUID | None], ...]  # (operator, team id)
    relations: tuple[str, ...]
    structure_types: tuple[tuple[str, str], ...]  # (value, Chinese label)
    decorations: tuple[ItemChoice, ...]
    attachment_items: tuple[ItemChoice, ...]


def next_code(s: Session, project_id: uuid.UUID, team_id: uuid.UUID) -> str:
    """``T07-0124``: one more than the team's highest numbered code (at least 4 digits)."""
    team_code = s.scalar(select(m.Team.code).where(m.Team.id == team_id))
    if team_code is None:
        return ""
    prefix = f"{team_code}-"
    # A range on the (project_id, code) unique index: every code that starts with "T07-".
    codes = s.scalars(
        select(m.Household.code).where(
            m.Household.project_id == project_id,
            m.Household.code >= prefix,
            m.Household.code < f"{team_code}.",  # "." follows "-"
        )
    )
    highest = 0
    for code in codes:
        tail = code[len(prefix) :]
        if tail.isascii() and tail.isdigit():
            highest = max(highest, int(tail))
    return f"{prefix}{highest + 1:04d}"


_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
_CN_DIGITS.update({"八": 8, "九": 9})
_LEADING_NUMBER = re.compile(r"第?([0-9]+|[零一二两三四五六七八九十百]+)")


def _natural_key(name: str) -> tuple[int, int, str]:
    """Sort "二组" before "十组" and "3组" before "12组"; other names after, by name."""
    found = _LEADING_NUMBER.match(name)
    if found is None:
        return (1, 0, name)
    text = found.group(1)
    if text.isdigit():
        return (0, int(text), name)
    total = current = 0
    for ch in text:
        if ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            current = _CN_DIGITS[ch]
    return (0, total + current, name)


def read_choices(s: Session, project_id: uuid.UUID, today: date) -> EditorChoices:
    villages = sorted(
        s.execute(
            select(m.Village.id, m.Village.name, m.Village.code).where(
                m.Village.project_id == project_id
            )
        ),
        key=lambda v: (v.code or "\uffff", pinyin_full(v.name), v.name),
    )
    groups: dict[uuid.UUID, list[Choice]] = {v.id: [] for v in villages}
    for g in s.execute(
        select(m.VillageGroup.id, m.VillageGroup.name, m.VillageGroup.village_id)
        .join(m.Village, m.Village.id == m.VillageGroup.village_id)
        .where(m.Village.project_id == project_id)
    ):
        groups.setdefault(g.village_id, []).append(Choice(g.id, g.name))
    teams = s.execute(
        select(m.Team.id, m.Team.name, m.Team.code)
        .where(m.Team.project_id == project_id)
        .order_by(m.Team.code)
    ).all()
    team_order = {t.id: i for i, t in enumerate(teams)}
    ops = sorted(
        s.execute(
            select(m.Operator.id, m.Operator.name, m.Operator.login, m.Operator.team_id).where(
                m.Operator.project_id == project_id, m.Operator.active.is_(True)
            )
        ),
        key=lambda o: (team_order.get(o.team_id, len(team_order)), o.login),
    )
    decorations, attachments = _scheme_items(s, project_id, today)
    return EditorChoices(
        villages=tuple(Choice(v.id, v.name) for v in villages),
        groups={k: tuple(sorted(v, key=lambda c: _natural_key(c.name))) for k, v in groups.items()},
        teams=tuple(Choice(t.id, t.name) for t in teams),
        operators=tuple((Choice(o.id, o.name or o.login), o.team_id) for o in ops),
        relations=RELATIONS,
        structure_types=tuple((t.value, label) for t, label in STRUCTURE_LABELS.items()),
        decorations=decorations,
        attachment_items=attachments,
    )


def _scheme_items(
    s: Session, project_id: uuid.UUID, today: date
) -> tuple[tuple[ItemChoice, ...], tuple[ItemChoice, ...]]:
    """Decoration grades and attachment items of the published scheme version in force today
    (before any is in force: the latest published, so the survey can start)."""
    published: Any = (
        select(m.SchemeVersion.id)
        .join(m.Scheme, m.Scheme.id == m.SchemeVersion.scheme_id)
        .where(m.Scheme.project_id == project_id, m.SchemeVersion.status == "published")
        .order_by(m.SchemeVersion.effective_date.desc(), m.SchemeVersion.version_no.desc())
        .limit(1)
    )
    version = s.scalar(published.where(m.SchemeVersion.effective_date <= today))
    if version is None:
        version = s.scalar(published)
    if version is None:
        return (), ()
    items = s.scalars(
        select(m.RateItem)
        .where(m.RateItem.scheme_version_id == version)
        .order_by(m.RateItem.sort_order)
    ).all()
    decorations = tuple(
        ItemChoice(i.code, i.name, i.unit) for i in items if i.kind == RateKind.DECORATION.value
    )
    attachments = tuple(
        ItemChoice(i.code, i.name, i.unit) for i in items if i.kind == RateKind.PER_ITEM.value
    )
    return decorations, attachments
