"""Property swap services: the inventory import, order numbers under concurrent signings,
the draw, choosing (one flat never taken twice, also by two processes), settlement."""

from __future__ import annotations

import multiprocessing
import threading
import uuid
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from relocation_desk.domain import lottery
from relocation_desk.domain.resettlement import check_next_flat
from relocation_desk.services.errors import FlatTaken, ResettlementError
from relocation_desk.services.resettlement.choosing import (
    ChoiceService,
    household_choice,
    now_choosing,
)
from relocation_desk.services.resettlement.inventory import InventoryService, read_grid
from relocation_desk.services.resettlement.ordering import OrderService, read_order
from relocation_desk.storage.db import Database, open_database
from relocation_desk.storage.models_resettlement import (
    ResettlementChoice,
    ResettlementFlat,
    ResettlementOrder,
)

from .resettlement_org import add_building, add_swap_household, make_swap_org


def _flat_id(db: Database, number: str) -> uuid.UUID:
    with db.session() as s:
        found = s.scalar(select(ResettlementFlat.id).where(ResettlementFlat.number == number))
    assert found is not None
    return found


# --- inventory --------------------------------------------------------------------------------


def _workbook(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(
        [
            "小区",
            "楼栋",
            "单元",
            "楼层",
            "房号",
            "户型",
            "建筑面积（㎡）",
            "基准价（元/㎡）",
            "楼层系数",
        ]
    )
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_import_writes_all_flats_or_none(db: Database, tmp_path: Path) -> None:
    org = make_swap_org(db)
    svc = InventoryService(db, org.hq)
    bad = _workbook(tmp_path / "bad.xlsx", [
        ["幸福家园", "1", "1", 3, "0301", "两室", "90.12", "4000", "1.02"],
        ["幸福家园", "1", "1", "三", "0302", "两室", "90", "4000", ""],
        ["幸福家园", "1", "1", 3, "0301", "两室", "90", "4000", ""],
        ["幸福家园", "1", "1", 4, "0401", "两室", "", "4000", ""],
    ])  # fmt: skip
    report = svc.import_xlsx(bad)
    assert [n for n, _msg in report.errors] == [3, 4, 5]
    assert "楼层" in report.errors[0][1] and "第 2 行" in report.errors[1][1]
    assert report.imported == 0 and len(read_grid(db)) == 0

    good = _workbook(tmp_path / "good.xlsx", [
        ["幸福家园", "1", "1", 3, "0301", "两室", "90.12", "4000", "1.02"],
        ["幸福家园", "1", "1", 3, "0302", "三室", 120, 4000, None],
    ])  # fmt: skip
    report = svc.import_xlsx(good)
    assert report.errors == [] and report.imported == 2
    grid = read_grid(db)
    assert grid.numbers == ("0301", "0302")
    assert grid.areas_dm2 == (9012, 12000)
    assert grid.unit_prices_fen == (408000, 400000)  # 4,000 × 1.02
    again = svc.import_xlsx(good)  # the same flats again: refused, nothing doubled
    assert again.imported == 0 and len(again.errors) == 2
    assert len(read_grid(db)) == 2


# --- order numbers ----------------------------------------------------------------------------


def test_order_numbers_unique_under_concurrent_signings(db: Database) -> None:
    org = make_swap_org(db)
    hids = [add_swap_household(db, org, f"T03-{i:04d}") for i in range(1, 13)]
    add_swap_household(db, org, "T03-0099", method="money")
    barrier = threading.Barrier(len(hids))
    numbers: dict[uuid.UUID, int | None] = {}

    def sign(hid: uuid.UUID) -> None:
        barrier.wait()
        numbers[hid] = OrderService(db, org.clerk).issue_at_signing(hid)

    threads = [threading.Thread(target=sign, args=(h,)) for h in hids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(n for n in numbers.values() if n is not None) == list(range(1, 13))
    # issuing again gives the same number; the money household gets none
    assert OrderService(db, org.clerk).issue_at_signing(hids[0]) == numbers[hids[0]]
    assert [e.order_no for e in read_order(db)] == list(range(1, 13))


def test_order_by_signing_day_then_code_for_earlier_signings(db: Database) -> None:
    from datetime import date

    org = make_swap_org(db)
    late = add_swap_household(db, org, "T03-0001", signed_on=date(2026, 3, 12))
    early = add_swap_household(db, org, "T03-0002", signed_on=date(2026, 3, 1))
    assert OrderService(db, org.hq).issue_signed() == [1, 2]
    assert [e.household_id for e in read_order(db)] == [early, late]


# --- the draw ---------------------------------------------------------------------------------


def test_draw_reproduced_and_never_rerun(db: Database) -> None:
    org = make_swap_org(db)
    for i in range(1, 9):
        add_swap_household(db, org, f"T03-{i:04d}")
    svc = OrderService(db, org.hq)
    frozen = svc.freeze_draw("2026年12月10日上午现场公开摇出的6位数字")
    assert frozen.list_hash == lottery.list_hash(frozen.codes)
    drawn = svc.run_draw(frozen.id, "731904")
    assert list(drawn.result) == lottery.draw(frozen.codes, "731904")
    assert [e.code for e in read_order(db)] == list(drawn.result)
    assert drawn.result_hash == lottery.result_hash(drawn.result)
    with pytest.raises(ResettlementError, match="不能重摇"):
        svc.run_draw(frozen.id, "000000")


def test_draw_refused_when_the_list_changed_after_its_hash_was_posted(db: Database) -> None:
    org = make_swap_org(db)
    for i in range(1, 5):
        add_swap_household(db, org, f"T03-{i:04d}")
    svc = OrderService(db, org.hq)
    frozen = svc.freeze_draw("现场摇号")
    add_swap_household(db, org, "T03-0005")  # signed after the list was posted
    with pytest.raises(ResettlementError, match="T03-0005"):
        svc.run_draw(frozen.id, "1234")
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(ResettlementOrder)) == 0
    with pytest.raises(ResettlementError, match="指挥部"):
        OrderService(db, org.clerk).freeze_draw("现场摇号")


# --- choosing ---------------------------------------------------------------------------------


def _ready(db: Database, n: int = 3) -> tuple[object, list[uuid.UUID]]:
    org = make_swap_org(db)
    hids = [add_swap_household(db, org, f"T03-{i:04d}") for i in range(1, n + 1)]
    add_building(db, org)
    OrderService(db, org.hq).issue_signed()
    return org, hids


def test_choosing_in_order_with_rules_and_settlement(db: Database) -> None:
    org, (first, second, _third) = _ready(db)
    svc = ChoiceService(db, org.clerk)  # type: ignore[attr-defined]
    assert now_choosing(db)[0] == first
    with pytest.raises(ResettlementError, match="还没有轮到"):
        svc.choose(second, _flat_id(db, "0301"))
    view = household_choice(db, first)
    assert view.entitlement.entitlement_dm2 == 12000 and view.combinations
    view = svc.choose(first, _flat_id(db, "0101"))  # 两室 90 ㎡ on floor 1 (coefficient 1)
    assert view.remaining_dm2 == 3000 and not view.finished
    with pytest.raises(ResettlementError, match="60"):
        svc.choose(first, _flat_id(db, "0201"))  # a second 90 ㎡: too large for 30 ㎡ left
    view = svc.choose(first, _flat_id(db, "0103"))  # 一室 60 ㎡
    assert view.finished and view.order_status == "done"
    # 90 + 30 inside the entitlement at 1,800; 10 in the band at 3,500; 20 at 4,000 (floor 1)
    assert view.settlement.payable_fen == 120 * 180000 + 10 * 350000 + 20 * 400000
    assert now_choosing(db)[0] == second
    with pytest.raises(FlatTaken, match="T03-0001"):
        svc.choose(second, _flat_id(db, "0101"))
    diff = svc.hand_over(_flat_id(db, "0103"), 5950)  # 0.5 ㎡ smaller: refunded at market
    assert diff == -50 * 4000


def test_absent_household_chooses_later_and_cancel_reopens_the_flat(db: Database) -> None:
    org, (first, second, _third) = _ready(db)
    svc = ChoiceService(db, org.clerk)  # type: ignore[attr-defined]
    svc.mark_absent(first)
    svc.choose(second, _flat_id(db, "0502"))
    svc.choose(first, _flat_id(db, "0602"))  # back again: chooses out of turn
    with db.session() as s:
        choice_id = s.scalar(
            select(ResettlementChoice.id).where(ResettlementChoice.household_id == second)
        )
    assert choice_id is not None
    with pytest.raises(ResettlementError, match="指挥部"):
        svc.cancel(choice_id, "登记错误")
    ChoiceService(db, org.hq).cancel(choice_id, "登记错误")  # type: ignore[attr-defined]
    assert read_grid(db).statuses.count("chosen") == 1  # 0502 is offered again
    svc.choose(second, _flat_id(db, "0502"))
    assert read_grid(db).statuses.count("chosen") == 2


def _choose_in_process(
    target: str, household: str, flat: str, barrier: object, out: object
) -> None:
    db = open_database(target if "://" in target else Path(target))
    try:
        svc = ChoiceService(db, None)
        barrier.wait()  # type: ignore[attr-defined]
        try:
            svc.choose(uuid.UUID(household), uuid.UUID(flat))
            out.put("ok")  # type: ignore[attr-defined]
        except FlatTaken as exc:
            out.put(f"taken: {exc.message}")  # type: ignore[attr-defined]
    finally:
        db.close()


def test_two_processes_choosing_the_same_flat_one_wins(db: Database) -> None:
    org, (first, second, _third) = _ready(db)
    ChoiceService(db, org.clerk).mark_absent(second)  # type: ignore[attr-defined]
    flat = _flat_id(db, "0401")
    target = str(db.path) if db.path is not None else db.url.render_as_string(hide_password=False)
    ctx = multiprocessing.get_context("spawn")
    barrier, out = ctx.Barrier(2), ctx.Queue()
    procs = [
        ctx.Process(target=_choose_in_process, args=(target, str(h), str(flat), barrier, out))
        for h in (first, second)
    ]
    for p in procs:
        p.start()
    results = sorted(out.get(timeout=60) for _p in procs)
    for p in procs:
        p.join(timeout=60)
    assert results[0] == "ok"
    assert results[1].startswith("taken: 这套房刚刚已被")
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(ResettlementChoice)) == 1


# --- the demo and the progress figures ---------------------------------------------------------


def test_demo_has_flats_an_order_and_choices_by_the_rules(demo_db_path: Path) -> None:
    from relocation_desk.services.resettlement.summary import resettlement_summary

    db = open_database(demo_db_path, migrate=False)
    try:
        grid = read_grid(db)
        order = read_order(db)
        with db.session() as s:
            choices = s.execute(
                select(ResettlementChoice.flat_id, ResettlementChoice.household_id)
            ).all()
        assert len(grid) >= 100 and order and choices
        assert [e.order_no for e in order] == list(range(1, len(order) + 1))
        assert len({f for f, _h in choices}) == len(choices)  # no flat twice
        assert grid.statuses.count("chosen") == len(choices)
        for hid in {h for _f, h in choices}:
            view = household_choice(db, hid)
            rules, ent, taken = view.entitlement.rules, view.entitlement.entitlement_dm2, []
            for flat in view.chosen:  # each flat was allowed after the ones before it
                assert check_next_flat(rules, ent, taken, flat.flat_type()) is None
                taken.append(flat.flat_type())
        summary = resettlement_summary(db)
        assert summary.households_chosen == len({h for _f, h in choices})
        assert sum(r.available for r in summary.flats_left) == grid.statuses.count("available")
    finally:
        db.close()


def test_progress_counts_households_that_chose(db: Database) -> None:
    from datetime import datetime, timedelta

    from relocation_desk.services.progress.facts import LOCAL_TZ, load_facts
    from relocation_desk.services.progress.service import tally

    org, (first, second, _third) = _ready(db)
    ChoiceService(db, org.clerk).choose(first, _flat_id(db, "0101"))  # type: ignore[attr-defined]
    ChoiceService(db, org.clerk).choose(first, _flat_id(db, "0103"))  # type: ignore[attr-defined]
    ChoiceService(db, org.clerk).choose(second, _flat_id(db, "0201"))  # type: ignore[attr-defined]
    cutoff = datetime.now(LOCAL_TZ) + timedelta(seconds=1)
    counted = tally(load_facts(db), cutoff.date(), cutoff)
    assert counted.total.chosen == 2  # households, not flats
    day_before = cutoff - timedelta(days=1)
    assert tally(load_facts(db), day_before.date(), day_before).total.chosen == 0


def test_no_number_at_signing_when_the_scheme_orders_by_draw(db: Database) -> None:
    from .resettlement_org import RULES

    org = make_swap_org(db, {**RULES, "order_by": "draw"})
    hid = add_swap_household(db, org, "T03-0001")
    add_swap_household(db, org, "T03-0002")
    assert OrderService(db, org.clerk).issue_at_signing(hid) is None
    frozen = OrderService(db, org.hq).freeze_draw("现场摇号")  # both still in the draw
    assert frozen.codes == ("T03-0001", "T03-0002")
