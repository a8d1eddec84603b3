"""A small project for calculation tests: one team, three operators (member, leader, HQ), a
published scheme whose figures are easy to compute by hand, and a helper to add households."""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from relocation_desk.domain.scheme import content_hash, scheme_to_dict
from relocation_desk.domain.scheme_parse import parse_scheme
from relocation_desk.services.households.service import OperatorRef
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database

SCHEME_V1: dict[str, Any] = {
    "name": "测试方案",
    "version_no": 1,
    "effective_date": "2026-01-01",
    "params": {},
    "items": [
        {"code": "H-BC-L", "name": "砖混结构房屋（合法面积）", "unit": "㎡", "rate_fen": 110000,
         "kind": "per_area", "category": "house",
         "params": {"structure_type": "brick_concrete", "legality": "legal"}},
        {"code": "H-BC-U", "name": "砖混结构无证房屋", "unit": "㎡", "rate_fen": 45000,
         "kind": "per_area", "category": "house",
         "params": {"structure_type": "brick_concrete", "legality": "unlicensed"}},
        {"code": "DEC-MID", "name": "室内装修补偿（中档）", "unit": "㎡", "rate_fen": 25000,
         "kind": "decoration", "category": "decoration", "params": {"legality": "all"}},
        {"code": "A-WELL-HAND", "name": "压水井", "unit": "口", "rate_fen": 80000,
         "kind": "per_item", "category": "attachment"},
        {"code": "MOVE", "name": "搬迁费", "unit": "次", "rate_fen": 200000,
         "kind": "lump_sum", "category": "moving", "params": {"times": 2}},
        {"code": "SIGN-BONUS", "name": "按期签约奖励", "unit": "户", "rate_fen": 0,
         "kind": "bonus_window", "category": "bonus",
         "params": {"on": "signed", "per": "household", "windows": [
             {"from": "2026-01-01", "to": "2026-06-30", "rate_fen": 1000000}]}},
        {"code": "HARDSHIP", "name": "困难家庭补助", "unit": "户", "rate_fen": 800000,
         "kind": "vulnerable_uplift", "category": "subsidy", "params": {"per": "household"}},
    ],
}  # fmt: skip


def scheme_v2() -> dict[str, Any]:
    """A more generous version from 1 July: brick-concrete at 1,300 元/㎡."""
    data = copy.deepcopy(SCHEME_V1)
    data["version_no"] = 2
    data["effective_date"] = "2026-07-01"
    data["items"][0]["rate_fen"] = 130000
    data["items"][5]["params"]["windows"] = [
        {"from": "2026-07-01", "to": "2026-12-31", "rate_fen": 1000000}
    ]
    return data


@dataclass(frozen=True)
class CalcOrg:
    project_id: uuid.UUID
    team_id: uuid.UUID
    village_id: uuid.UUID
    scheme_id: uuid.UUID
    v1: uuid.UUID
    clerk: OperatorRef
    leader: OperatorRef
    hq: OperatorRef


def publish(db: Database, scheme_id: uuid.UUID, data: dict[str, Any]) -> uuid.UUID:
    scheme = parse_scheme(data)
    canonical = scheme_to_dict(scheme)
    vid = uuid.uuid4()
    with db.session() as s, s.begin():
        s.add(
            m.SchemeVersion(
                id=vid, scheme_id=scheme_id, version_no=scheme.version_no, status="published",
                effective_date=scheme.effective_date, published_at=datetime(2026, 1, 1, tzinfo=UTC),
                content_hash=content_hash(scheme), params=canonical["params"],
            )
        )  # fmt: skip
        s.flush()
        for order, it in enumerate(canonical["items"]):
            s.add(m.RateItem(scheme_version_id=vid, sort_order=order, **it))
    return vid


def make_calc_org(db: Database) -> CalcOrg:
    ids = {k: uuid.uuid4() for k in ("p", "t", "v", "s", "op1", "op2", "op3")}
    with db.session() as s, s.begin():
        s.add(m.Project(id=ids["p"], code="P1", name="城东新区道路工程"))
        s.flush()
        s.add(m.Team(id=ids["t"], project_id=ids["p"], code="T03", name="第三工作组"))
        s.flush()
        s.add(m.Village(id=ids["v"], project_id=ids["p"], name="王庄村", team_id=ids["t"]))
        for key, login, name, role, team in (
            ("op1", "zhangli", "张丽", "member", ids["t"]),
            ("op2", "lijun", "李军", "leader", ids["t"]),
            ("op3", "zhaohq", "赵指挥", "hq", None),
        ):
            s.add(
                m.Operator(
                    id=ids[key],
                    project_id=ids["p"],
                    team_id=team,
                    login=login,
                    name=name,
                    role=role,
                )
            )
        s.add(m.Scheme(id=ids["s"], project_id=ids["p"], name="测试方案"))
    v1 = publish(db, ids["s"], SCHEME_V1)
    return CalcOrg(
        project_id=ids["p"], team_id=ids["t"], village_id=ids["v"], scheme_id=ids["s"], v1=v1,
        clerk=OperatorRef(ids["op1"], "zhangli", "张丽", "member", ids["t"]),
        leader=OperatorRef(ids["op2"], "lijun", "李军", "leader", ids["t"]),
        hq=OperatorRef(ids["op3"], "zhaohq", "赵指挥", "hq", None),
    )  # fmt: skip


def add_household(
    db: Database,
    org: CalcOrg,
    code: str = "T03-0001",
    *,
    legal_dm2: int = 12050,
    unlicensed_dm2: int = 1025,
    members: int = 3,
    dibao: bool = True,
    wells: int = 1,
) -> uuid.UUID:
    hid = uuid.uuid4()
    with db.session() as s, s.begin():
        s.add(
            m.Household(
                id=hid, project_id=org.project_id, code=code, team_id=org.team_id,
                village_id=org.village_id, status="surveyed", compensation_method="money",
                head_name=f"户主{code}", member_count=members,
            )
        )  # fmt: skip
        s.flush()
        for k in range(members):
            s.add(
                m.Person(
                    project_id=org.project_id, household_id=hid, sort_order=k, name=f"成员{k}",
                    relation="户主" if k == 0 else "子", is_head=k == 0,
                    is_dibao=dibao and k == 1,
                )
            )  # fmt: skip
        s.add(
            m.Structure(
                household_id=hid, structure_type="brick_concrete", legal_area_dm2=legal_dm2,
                unlicensed_area_dm2=unlicensed_dm2, decoration="DEC-MID",
            )
        )  # fmt: skip
        if wells:
            s.add(
                m.Attachment(
                    household_id=hid, item_code="A-WELL-HAND", name="压水井", unit="口",
                    quantity_milli=wells * 1000,
                )
            )  # fmt: skip
    return hid


def sign(db: Database, org: CalcOrg, hid: uuid.UUID, calc_id: uuid.UUID, day: date) -> None:
    with db.session() as s, s.begin():
        s.add(
            m.Agreement(
                project_id=org.project_id, household_id=hid, kind="main", seq_no=1,
                number="协议-0001", status="signed", scheme_version_id=org.v1,
                calculation_id=calc_id, compensation_method="money", total_fen=0, content={},
                signed_on=day,
            )
        )  # fmt: skip
        hh = s.get(m.Household, hid)
        assert hh is not None
        hh.status = "signed"
