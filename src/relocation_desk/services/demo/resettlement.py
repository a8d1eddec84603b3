"""The demo's property swap: resettlement buildings sized to the households that chose a
flat, their choosing order by signing time, and the first households' choices over the last
days, so the flat grid, the order, 选房 day, the reports and the wall all show real-looking
data.

Written on the generator's connection in bulk (the demo writes its rows directly, as the
rest of the generator does), with the same domain rules the services use: entitlement from
the scheme's ``resettlement`` section, combinations checked flat by flat.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from ...domain import resettlement as r
from ...storage import models as m
from ...storage.models_resettlement import (
    ResettlementChoice,
    ResettlementCounter,
    ResettlementFlat,
    ResettlementOrder,
)
from ..bulk_writer import BulkWriter, Clock
from ..resettlement.ordering import ORDER_COUNTER, SIGNED_STAGES

# The demo scheme's rules (merged into its params by ``fit_scheme``). Once a household has
# chosen its flats, its calculation prices them by these tiers instead of the 产权调换 line's
# price (domain/resettlement_lines.py), so tier 1 is the swap item's own 1,800 元/㎡ and unused
# area is refunded at the same price.
DEMO_RULES: dict[str, Any] = {
    "entitlement": {"basis": "per_person", "area_per_person": "40"},
    "max_flats": 3,
    "min_remainder_before_last": "20",
    "remainder_layouts": [
        {"remainder_up_to": "30", "largest_area": "60"},
        {"remainder_up_to": "60", "largest_area": "90"},
    ],
    "max_estates": 1,
    "swap_price_fen": 180000,
    "band_area": "10",
    "band_price_fen": 320000,
    "unused_rate_fen": 180000,
}
ESTATES = ("城东安置一区", "城东安置二区")
# (户型, built area dm², flats of it per floor of a unit)
LAYOUTS = (("一室一厅", 6000, 1), ("两室一厅", 9000, 1), ("三室两厅", 12000, 1))
FLOORS = 18
UNITS = 2
BASE_PRICE_FEN = 420000
MAX_FLATS = 5_000
CHOOSING_DAYS = 5  # choices spread over the last days before today


def _coefficient(floor: int) -> int:
    """楼层系数: cheapest on the ground floor and the top, dearest around the middle."""
    return 1000 + min(floor - 1, FLOORS - floor) * 8


def add_resettlement(conn: Connection, today: date, seed: int) -> dict[str, int]:
    """Add flats, order numbers and choices to a freshly generated demo database."""
    rng = random.Random(f"relocation-desk-demo/{seed}/resettlement")
    clock = Clock(today)
    with Session(bind=conn) as s:
        pid = s.scalar(select(m.Project.id))
        assert pid is not None
        version = s.scalar(select(m.SchemeVersion))
        assert version is not None
        params = dict(version.params or {})
        params.setdefault("resettlement", DEMO_RULES)
        rules = r.parse_rules(params)
        cases = _signed_swap_households(s)
    pid_hex = pid.hex

    def new_id() -> str:  # reproducible keys, stored as the generator stores them (hex)
        return uuid.UUID(int=rng.getrandbits(128), version=4).hex

    flats = _flats(pid_hex, len(cases), clock, new_id)
    writer = BulkWriter(conn)
    add_flat = writer.adder(ResettlementFlat.__table__)
    for flat in flats:
        add_flat(flat)
    writer.flush(ResettlementFlat.__table__)

    pools: dict[r.FlatType, list[dict[str, Any]]] = defaultdict(list)
    for flat in flats:
        pools[r.FlatType(flat["estate"], flat["layout"], flat["built_area_dm2"])].append(flat)
    for pool in pools.values():
        rng.shuffle(pool)
    add_order = writer.adder(ResettlementOrder.__table__)
    add_choice = writer.adder(ResettlementChoice.__table__)
    chosen_flats: list[dict[str, Any]] = []
    choosing = int(len(cases) * 0.6)
    first_day = clock.today - CHOOSING_DAYS
    for number, (hid, members, signed_at) in enumerate(cases, start=1):
        status = "waiting"
        if number <= choosing:
            day = first_day + (number - 1) * CHOOSING_DAYS // max(choosing, 1)
            at = clock.at(day, 540 + (number * 7) % 480)
            taken = _choose(rules, members * rules.area_per_person_dm2, pools, rng)
            for seq, flat in enumerate(taken, start=1):
                add_choice({
                    "id": new_id(), "project_id": pid_hex, "household_id": hid.hex,
                    "flat_id": flat["id"], "seq": seq, "order_no": number,
                    "area_dm2": flat["built_area_dm2"], "unit_price_fen": flat["unit_price_fen"],
                    "coefficient_milli": flat["coefficient_milli"], "chosen_at": at,
                    "chosen_by": None, "cancelled_at": None, "cancel_reason": "",
                })  # fmt: skip
                chosen_flats.append(flat)
            status = "done" if taken else "absent"
        add_order({
            "id": new_id(), "project_id": pid_hex, "household_id": hid.hex, "order_no": number,
            "basis": "signing", "basis_at": signed_at, "draw_id": None, "status": status,
            "issued_at": signed_at, "issued_by": None,
        })  # fmt: skip
    writer.flush_all([ResettlementOrder.__table__, ResettlementChoice.__table__])
    table: Any = ResettlementFlat.__table__
    chosen_ids = [uuid.UUID(f["id"]) for f in chosen_flats]
    # Stated, or the update would stamp "now" and the demo would not be reproducible.
    changed = datetime.fromisoformat(clock.at(clock.today, 17 * 60)).replace(tzinfo=UTC)
    for k in range(0, len(chosen_ids), 500):
        conn.execute(
            table.update()
            .where(table.c.id.in_(chosen_ids[k : k + 500]))
            .values(status="chosen", updated_at=changed)
        )
    counter: Any = ResettlementCounter.__table__
    conn.execute(counter.insert().values(project_id=pid, name=ORDER_COUNTER, value=len(cases)))
    return {"flats": len(flats), "orders": len(cases), "choices": len(chosen_flats)}


def _signed_swap_households(s: Session) -> list[tuple[uuid.UUID, int, Any]]:
    """(id, members, signing recorded) of signed households whose current calculation is a
    swap, in signing order (day, recorded time, code)."""
    h, c, a = m.Household, m.Calculation, m.Agreement
    latest = (
        select(c.household_id, func.max(c.version_no).label("v"))
        .where(c.status != "superseded")
        .group_by(c.household_id)
        .subquery()
    )
    rows = list(
        s.execute(
            select(h.id, h.member_count, a.signed_on, a.updated_at, h.code)
            .join(latest, latest.c.household_id == h.id)
            .join(c, (c.household_id == h.id) & (c.version_no == latest.c.v))
            .join(a, (a.household_id == h.id) & (a.kind == "main") & (a.status == "signed"))
            .where(h.status.in_(SIGNED_STAGES), c.compensation_method.in_(("swap", "mixed")))
        )
    )
    rows.sort(key=lambda row: (row[2], row[3], row[4]))
    return [(hid, members, _stored(at)) for hid, members, _day, at, _code in rows]


def _stored(at: datetime) -> str:
    """A time as the demo stores times (UTC text, as ``Clock.at`` gives them)."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _flats(
    pid: str, households: int, clock: Clock, new_id: Callable[[], str]
) -> list[dict[str, Any]]:
    per_building = FLOORS * UNITS * len(LAYOUTS)
    wanted = min(MAX_FLATS, max(per_building, households * 2))
    buildings = -(-wanted // per_building)
    stamp = clock.at(clock.today - 60, 600)
    out = []
    for b in range(1, buildings + 1):
        estate = ESTATES[(b - 1) * len(ESTATES) // buildings]
        for unit in range(1, UNITS + 1):
            for floor in range(1, FLOORS + 1):
                coef = _coefficient(floor)
                for k, (layout, area, _n) in enumerate(LAYOUTS, start=1):
                    out.append({
                        "id": new_id(), "project_id": pid, "estate": estate,
                        "building": str(b), "unit": str(unit), "floor": floor,
                        "number": f"{floor:02d}{k:02d}", "layout": layout,
                        "built_area_dm2": area, "measured_area_dm2": None,
                        "base_price_fen": BASE_PRICE_FEN, "coefficient_milli": coef,
                        "unit_price_fen": r.flat_unit_price(BASE_PRICE_FEN, coef),
                        "status": "available", "note": "", "created_at": stamp,
                        "updated_at": stamp,
                    })  # fmt: skip
    return out


def _choose(
    rules: r.ResettlementRules, entitlement: int,
    pools: dict[r.FlatType, list[dict[str, Any]]], rng: random.Random,
) -> list[dict[str, Any]]:  # fmt: skip
    """Flats for one household: the largest 户型 the rules allow, in one 小区, until the rules
    allow no more (sometimes a household stops early)."""
    taken: list[r.FlatType] = []
    flats: list[dict[str, Any]] = []
    while True:
        allowed = [
            t for t, pool in pools.items()
            if pool and r.check_next_flat(rules, entitlement, taken, t) is None
        ]  # fmt: skip
        if not allowed:
            return flats
        allowed.sort(key=lambda t: (-t.area_dm2, t.estate))
        pick = allowed[0] if rng.random() < 0.7 else rng.choice(allowed)
        taken.append(pick)
        flats.append(pools[pick].pop())
        if r.is_last_flat(rules, entitlement, taken) or rng.random() < 0.15:
            return flats
