"""Synthetic notice rounds of any size, shaped like the real ones."""

from __future__ import annotations

import random
import uuid
from datetime import date

from relocation_desk.domain.status import NoticeKind
from relocation_desk.services.notices.service import RoundRow, RoundView

NAMES = ["王建国", "李䶮", "张𠮷祥", "欧阳𠀀琎堃", "陈昇", "刘素英", "赵春梅", "司马长风"]


def synthetic_round(n: int, seed: int = 1) -> RoundView:
    rng = random.Random(seed)
    cols = ("house", "decoration", "attachment", "moving", "transition", "bonus", "other")
    rows = []
    for i in range(1, n + 1):
        amounts = {c: rng.randint(0, 30_000_000) for c in cols}
        data = {
            "code": f"T01-{i:05d}", "head_name": rng.choice(NAMES), "id_number": "",
            "group": f"{rng.randint(1, 12)}组", "member_count": rng.randint(1, 8),
            "legal_area_dm2": rng.randint(0, 40000), "unlicensed_area_dm2": rng.randint(0, 9000),
            "structures": "砖混 120.50㎡、简易 12.00㎡", "mark": "", "status": "货币补偿",
            "amounts": amounts, "total_fen": sum(amounts.values()),
        }  # fmt: skip
        mark = ""
        if i % 50 == 0:
            mark = "changed"
            data["changes"] = {"legal_area_dm2": [100, data["legal_area_dm2"]]}
        rows.append(RoundRow(i, uuid.uuid4(), mark, data))
    return RoundView(
        id=uuid.uuid4(), project_name="城东新区道路工程", village_name="王庄村", group_name="",
        kind=NoticeKind.COMPENSATION, round_no=2, posted_from=date(2026, 4, 1),
        posted_to=date(2026, 4, 7), objection_place="王庄村委会",
        objection_until=date(2026, 4, 7), issuing_team="第一工作组",
        verification_code="ABCD-EFGH-JKMN-PQRS", snapshot_hash="0" * 64,
        created_on=date(2026, 3, 31), columns=cols, rows=tuple(rows), previous_round_no=1,
        print_count=0,
    )  # fmt: skip
