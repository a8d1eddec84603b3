"""A small village for notice tests: households with checked calculations, rare names."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from relocation_desk.domain import idnumber
from relocation_desk.services.households.service import OperatorRef
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database

NAMES = ["王建国", "李䶮", "张𠮷祥", "欧阳𠀀琎堃", "陈昇"]


@dataclass(frozen=True)
class NoticeOrg:
    village: uuid.UUID
    group: uuid.UUID
    households: list[uuid.UUID]
    ids: list[str]
    clerk: OperatorRef
    hq: OperatorRef


def make_notice_org(db: Database, n: int = 5) -> NoticeOrg:
    p, t, v, g, sc, sv = (uuid.uuid4() for _ in range(6))
    clerk = OperatorRef(uuid.uuid4(), "zhangli", "张丽", "member", t)
    hq = OperatorRef(uuid.uuid4(), "hq1", "指挥部", "hq", None)
    hids, id_numbers = [], []
    now = datetime(2026, 3, 1, tzinfo=UTC)
    with db.session() as s, s.begin():
        s.add(m.Project(id=p, code="P1", name="城东新区道路工程"))
        s.flush()
        s.add(m.Team(id=t, project_id=p, code="T07", name="第七工作组"))
        s.flush()
        s.add(m.Village(id=v, project_id=p, name="王庄村", team_id=t))
        for op in (clerk, hq):
            s.add(
                m.Operator(
                    id=op.id, project_id=p, team_id=op.team_id, login=op.login, name=op.name,
                    role=op.role,
                )
            )  # fmt: skip
        s.flush()
        s.add(m.VillageGroup(id=g, village_id=v, name="一组"))
        s.add(m.Scheme(id=sc, project_id=p, name="方案"))
        s.flush()
        s.add(
            m.SchemeVersion(
                id=sv, scheme_id=sc, version_no=1, status="published",
                effective_date=date(2026, 1, 1), published_at=now,
            )
        )  # fmt: skip
        s.flush()
        items = [
            ("H", "房屋", "house", "per_area"),
            ("MOVE", "搬迁费", "moving", "lump_sum"),
            ("HARDSHIP", "困难家庭补助", "subsidy", "vulnerable_uplift"),
        ]
        for i, (code, name, cat, kind) in enumerate(items):
            s.add(
                m.RateItem(
                    scheme_version_id=sv, sort_order=i, code=code, name=name, unit="㎡",
                    rate_fen=100, kind=kind, category=cat,
                )
            )  # fmt: skip
        for i in range(n):
            hid = uuid.uuid4()
            name = NAMES[i % len(NAMES)] + ("" if i < len(NAMES) else str(i))
            idn = idnumber.make("410102", date(1960 + i % 40, 1, 1 + i % 28), 100 + i)
            hids.append(hid)
            id_numbers.append(idn)
            s.add(
                m.Household(
                    id=hid, project_id=p, code=f"T07-{i + 1:04d}", team_id=t, village_id=v,
                    group_id=g, status="checked", head_name=name, head_id_number=idn,
                    member_count=3, legal_area_dm2=10000 + i, unlicensed_area_dm2=500,
                    bank_account="6222020000000000001",
                )
            )  # fmt: skip
            s.flush()
            s.add(
                m.Person(
                    project_id=p, household_id=hid, name=name, id_number=idn, relation="户主",
                    is_head=True, phone="13800138000", is_dibao=i == 1, is_disabled=i == 1,
                    is_cadre=i == 2,
                )
            )  # fmt: skip
            s.add(
                m.Structure(
                    household_id=hid, structure_type="brick_concrete", legal_area_dm2=10000 + i,
                    unlicensed_area_dm2=500,
                )
            )  # fmt: skip
            cid = uuid.uuid4()
            lines = [("H", "房屋", "house", 12345600 + i), ("MOVE", "搬迁费", "moving", 400000)]
            if i == 1:
                lines.append(("HARDSHIP", "困难家庭补助", "subsidy", 800000))
            s.add(
                m.Calculation(
                    id=cid, household_id=hid, version_no=1, scheme_version_id=sv,
                    status="checked", compensation_method="money", inputs_hash="x",
                    total_fen=sum(x[3] for x in lines), checked_at=now, checked_by=hq.id,
                )
            )  # fmt: skip
            s.flush()
            for seq, (code, name_, cat, amount) in enumerate(lines, start=1):
                s.add(
                    m.CalculationLine(
                        calculation_id=cid, seq=seq, item_code=code, item_name=name_,
                        category=cat, unit="㎡", quantity="1", rate_fen=amount, amount_fen=amount,
                    )
                )  # fmt: skip
    return NoticeOrg(v, g, hids, id_numbers, clerk, hq)


def set_area(db: Database, household_id: uuid.UUID, legal_dm2: int) -> None:
    with db.session() as s, s.begin():
        hh = s.get(m.Household, household_id)
        assert hh is not None
        hh.legal_area_dm2 = legal_dm2
