"""A small organisation for household service tests: a project, two teams, villages with
groups, operators and a published scheme with decoration grades and attachment items."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from relocation_desk.domain import idnumber
from relocation_desk.services.households.service import OperatorRef
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database

TODAY = date.today()


@dataclass(frozen=True)
class Org:
    project_id: uuid.UUID
    team7: uuid.UUID
    team3: uuid.UUID
    village: uuid.UUID  # 王庄村, team 7, groups 一组 二组 十组
    other_village: uuid.UUID  # 李营村, team 3
    groups: dict[str, uuid.UUID]
    other_group: uuid.UUID
    clerk: OperatorRef  # team 7 member
    other: OperatorRef  # team 3 member


def make_org(db: Database) -> Org:
    ids = {k: uuid.uuid4() for k in ("p", "t7", "t3", "v", "v2", "g2", "op", "op2", "s", "sv")}
    groups = {name: uuid.uuid4() for name in ("十组", "二组", "一组")}
    with db.session() as s, s.begin():
        s.add(m.Project(id=ids["p"], code="P1", name="城东新区道路工程"))
        s.flush()
        s.add_all(
            [
                m.Team(id=ids["t7"], project_id=ids["p"], code="T07", name="第七工作组"),
                m.Team(id=ids["t3"], project_id=ids["p"], code="T03", name="第三工作组"),
            ]
        )
        s.flush()
        s.add_all(
            [
                m.Village(id=ids["v"], project_id=ids["p"], name="王庄村", team_id=ids["t7"]),
                m.Village(id=ids["v2"], project_id=ids["p"], name="李营村", team_id=ids["t3"]),
                m.Operator(
                    id=ids["op"], project_id=ids["p"], team_id=ids["t7"], login="zhangli",
                    name="张丽", role="member",
                ),
                m.Operator(
                    id=ids["op2"], project_id=ids["p"], team_id=ids["t3"], login="wangqiang",
                    name="王强", role="member",
                ),
            ]
        )  # fmt: skip
        s.flush()
        s.add_all(
            [m.VillageGroup(id=g, village_id=ids["v"], name=n) for n, g in groups.items()]
            + [m.VillageGroup(id=ids["g2"], village_id=ids["v2"], name="一组")]
        )
        s.add(m.Scheme(id=ids["s"], project_id=ids["p"], name="补偿方案"))
        s.flush()
        s.add(
            m.SchemeVersion(
                id=ids["sv"], scheme_id=ids["s"], version_no=1, status="published",
                effective_date=date(2026, 1, 1), published_at=datetime(2026, 1, 1, tzinfo=UTC),
            )
        )  # fmt: skip
        s.flush()
        items = [
            ("H-BC-L", "砖混结构房屋（合法面积）", "㎡", "per_area", "house"),
            ("DEC-MID", "室内装修补偿（中档）", "㎡", "decoration", "decoration"),
            ("DEC-LOW", "室内装修补偿（普通）", "㎡", "decoration", "decoration"),
            ("A-WELL-HAND", "压水井", "口", "per_item", "attachment"),
            ("A-TREE-S", "用材树（胸径10厘米以下）", "棵", "per_item", "attachment"),
        ]
        for order, (code, name, unit, kind, category) in enumerate(items):
            s.add(
                m.RateItem(
                    scheme_version_id=ids["sv"], sort_order=order, code=code, name=name,
                    unit=unit, rate_fen=10_000, kind=kind, category=category,
                )
            )  # fmt: skip
    return Org(
        project_id=ids["p"],
        team7=ids["t7"],
        team3=ids["t3"],
        village=ids["v"],
        other_village=ids["v2"],
        groups=groups,
        other_group=ids["g2"],
        clerk=OperatorRef(ids["op"], "zhangli", "张丽", "member", ids["t7"]),
        other=OperatorRef(ids["op2"], "wangqiang", "王强", "member", ids["t3"]),
    )


def id_number(seq: int, birth: date = date(1980, 5, 17), *, check_x: bool = False) -> str:
    """A valid number; with ``check_x`` one whose check character is X."""
    for k in range(seq, seq + 1000):
        number = idnumber.make("410102", birth, k % 1000)
        if not check_x or number.endswith("X"):
            return number
    raise AssertionError("no number with check character X")


def full_width(text: str) -> str:
    """ASCII digits and letters as a Chinese input method in full-width mode types them."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
