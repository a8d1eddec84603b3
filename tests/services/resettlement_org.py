"""A small property-swap project: a published scheme with a ``resettlement`` section, signed
households whose current calculation is a swap, and a few buildings of flats."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from relocation_desk.services.households.service import OperatorRef
from relocation_desk.services.resettlement.inventory import FlatInput, InventoryService
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database

RULES: dict[str, Any] = {
    "entitlement": {"basis": "per_person", "area_per_person": "40"},
    "max_flats": 3,
    "min_remainder_before_last": "20",
    "remainder_layouts": [{"remainder_up_to": "30", "largest_area": "60"}],
    "max_estates": 1,
    "swap_price_fen": 180000,
    "band_area": "10",
    "band_price_fen": 350000,
    "unused_rate_fen": 250000,
}


@dataclass(frozen=True)
class SwapOrg:
    project_id: uuid.UUID
    team_id: uuid.UUID
    village_id: uuid.UUID
    version_id: uuid.UUID
    clerk: OperatorRef
    hq: OperatorRef


def make_swap_org(db: Database, rules: dict[str, Any] | None = None) -> SwapOrg:
    ids = {k: uuid.uuid4() for k in ("p", "t", "v", "s", "sv", "op1", "op3")}
    with db.session() as s, s.begin():
        s.add(m.Project(id=ids["p"], code="P1", name="城东新区道路工程"))
        s.flush()
        s.add(m.Team(id=ids["t"], project_id=ids["p"], code="T03", name="第三工作组"))
        s.flush()
        s.add(m.Village(id=ids["v"], project_id=ids["p"], name="王庄村", team_id=ids["t"]))
        s.add(
            m.Operator(
                id=ids["op1"],
                project_id=ids["p"],
                team_id=ids["t"],
                login="zhangli",
                name="张丽",
                role="member",
            )
        )
        s.add(
            m.Operator(
                id=ids["op3"],
                project_id=ids["p"],
                team_id=None,
                login="zhaohq",
                name="赵指挥",
                role="hq",
            )
        )
        s.add(m.Scheme(id=ids["s"], project_id=ids["p"], name="测试方案"))
        s.flush()
        s.add(
            m.SchemeVersion(
                id=ids["sv"],
                scheme_id=ids["s"],
                version_no=1,
                status="published",
                effective_date=date(2026, 1, 1),
                published_at=datetime(2026, 1, 1, tzinfo=UTC),
                params={"resettlement": RULES if rules is None else rules},
            )
        )
    return SwapOrg(
        ids["p"], ids["t"], ids["v"], ids["sv"],
        OperatorRef(ids["op1"], "zhangli", "张丽", "member", ids["t"]),
        OperatorRef(ids["op3"], "zhaohq", "赵指挥", "hq", None),
    )  # fmt: skip


def add_swap_household(
    db: Database, org: SwapOrg, code: str, *, members: int = 3, signed: bool = True,
    method: str = "swap", signed_on: date = date(2026, 3, 10),
) -> uuid.UUID:  # fmt: skip
    hid, cid = uuid.uuid4(), uuid.uuid4()
    with db.session() as s, s.begin():
        s.add(
            m.Household(
                id=hid,
                project_id=org.project_id,
                code=code,
                team_id=org.team_id,
                village_id=org.village_id,
                status="signed" if signed else "noticed",
                compensation_method=method,
                head_name=f"户主{code[-2:]}",
                member_count=members,
                legal_area_dm2=12000,
            )
        )
        s.flush()
        s.add(
            m.Calculation(
                id=cid,
                household_id=hid,
                version_no=1,
                scheme_version_id=org.version_id,
                status="checked",
                compensation_method=method,
                inputs_hash="x",
                total_fen=0,
            )
        )
        s.flush()
        if signed:
            s.add(
                m.Agreement(
                    project_id=org.project_id,
                    household_id=hid,
                    kind="main",
                    seq_no=int(code[-4:]),
                    number=f"协议-{code}",
                    status="signed",
                    scheme_version_id=org.version_id,
                    calculation_id=cid,
                    compensation_method=method,
                    total_fen=0,
                    content={},
                    signed_on=signed_on,
                )
            )
    return hid  # fmt: skip


def add_building(
    db: Database, org: SwapOrg, building: str = "1", *, floors: int = 6, estate: str = "幸福家园",
    layouts: tuple[tuple[str, int], ...] = (("两室", 9000), ("三室", 12000), ("一室", 6000)),
) -> None:  # fmt: skip
    flats = [
        FlatInput(estate, building, "1", floor, f"{floor:02d}{k + 1:02d}", layout, area,
                  400000, 1000 + 10 * (floor - 1))
        for floor in range(1, floors + 1)
        for k, (layout, area) in enumerate(layouts)
    ]  # fmt: skip
    InventoryService(db, org.hq).add_flats(flats)
