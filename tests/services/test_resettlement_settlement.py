"""The chosen flats' price difference in the calculation inputs, the supplementary agreement
a choice after signing opens, and 多退少补 at hand-over booked as a payment entry."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select

from relocation_desk.domain.household_input import ChosenFlatInput
from relocation_desk.services.agreements.service import AgreementService
from relocation_desk.services.calculation.inputs import read_facts
from relocation_desk.services.payments.balance import kind_label
from relocation_desk.services.payments.handover import hand_over
from relocation_desk.services.payments.service import PaymentService
from relocation_desk.services.resettlement.choosing import ChoiceService
from relocation_desk.services.resettlement.ordering import OrderService
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database
from relocation_desk.storage.models_resettlement import ResettlementFlat

from .resettlement_org import SwapOrg, add_building, add_swap_household, make_swap_org


def _flat_id(db: Database, number: str) -> uuid.UUID:
    with db.session() as s:
        found = s.scalar(select(ResettlementFlat.id).where(ResettlementFlat.number == number))
    assert found is not None
    return found


def _ready(db: Database) -> tuple[SwapOrg, list[uuid.UUID]]:
    org = make_swap_org(db)
    hids = [add_swap_household(db, org, f"T03-{i:04d}") for i in (1, 2)]  # 3 persons: 120 ㎡
    add_building(db, org)
    OrderService(db, org.hq).issue_signed()
    return org, hids


def _agreements(db: Database, hid: uuid.UUID) -> list[m.Agreement]:
    with db.session() as s:
        return list(
            s.scalars(
                select(m.Agreement)
                .where(m.Agreement.household_id == hid)
                .order_by(m.Agreement.kind, m.Agreement.seq_no)
            )
        )


def test_the_choice_enters_the_calculation_inputs(db: Database) -> None:
    org, (first, _second) = _ready(db)
    with db.session() as s:
        before = read_facts(s, [first])[first].input
    assert before.chosen_flats == ()
    svc = ChoiceService(db, org.clerk)
    svc.choose(first, _flat_id(db, "0101"))  # 两室 90 ㎡, floor 1: 4,000/㎡, coefficient 1
    svc.choose(first, _flat_id(db, "0203"))  # 一室 60 ㎡, floor 2: 4,040/㎡, coefficient 1.01
    with db.session() as s:
        facts = read_facts(s, [first])[first].input
    assert facts.chosen_flats == (
        ChosenFlatInput("幸福家园1栋1单元0101", 9000, 400000, 1000),
        ChosenFlatInput("幸福家园1栋1单元0203", 6000, 404000, 1010),
    )


def test_a_choice_after_signing_opens_one_supplementary_agreement(db: Database) -> None:
    org, (first, _second) = _ready(db)
    svc = ChoiceService(db, org.clerk)
    view = svc.choose(first, _flat_id(db, "0101"))
    rows = _agreements(db, first)
    assert view.supplementary == rows[1].number != ""
    assert [(a.kind, a.status) for a in rows] == [("main", "signed"), ("supplementary", "draft")]
    supplementary = rows[1]
    assert supplementary.content["reason"] == "选定安置房 幸福家园1栋1单元0101，结算安置房差价"
    assert supplementary.parent_id == rows[0].id
    svc.choose(first, _flat_id(db, "0203"))  # the open one carries the second flat too
    assert len(_agreements(db, first)) == 2


def test_before_signing_no_supplementary_agreement_is_opened(db: Database) -> None:
    org = make_swap_org(db)
    hid = add_swap_household(db, org, "T03-0009", signed=False)
    with db.session() as s, s.begin():
        found = AgreementService(db, org.clerk).supplementary_after_signing(s, hid, "选房")
    assert found is None
    assert _agreements(db, hid) == []


def test_handover_settlement_both_ways_as_payment_entries(db: Database) -> None:
    org, (first, second) = _ready(db)
    svc = ChoiceService(db, org.clerk)
    svc.choose(first, _flat_id(db, "0101"))  # 90 ㎡ of 120 ㎡ entitlement
    svc.finish(first)
    svc.choose(second, _flat_id(db, "0102"))  # 三室 120 ㎡: exactly the entitlement
    day = date(2027, 6, 1)

    # 1.00 ㎡ larger, inside the entitlement: 1.00 × 1,800 − 1.00 × 2,500 unused less
    # = the household pays 1,800 + 2,500 = 4,300.00
    larger = hand_over(db, org.clerk, _flat_id(db, "0101"), 9100, day)
    assert (larger.difference_fen, larger.entry_fen) == (430000, 430000)
    assert larger.outstanding_fen == -430000  # agreement total 0: the household owes it
    assert larger.text == "该户应补缴 4,300.00元（人民币肆仟叁佰元整）"
    with db.session() as s:  # nothing left to pay the household: 已签约 → 已支付, as payments do
        assert s.get(m.Household, first).status == "paid"  # type: ignore[union-attr]
    # measured again 0.50 ㎡ larger than contracted: only the change is booked
    again = hand_over(db, org.clerk, _flat_id(db, "0101"), 9050, day)
    assert (again.difference_fen, again.entry_fen) == (215000, -215000)

    # 0.50 ㎡ smaller: 0.50 × 1,800 less paid and 0.50 ㎡ unused × 2,500 paid back
    # = 900 + 1,250 = 2,150.00 refunded
    smaller = hand_over(db, org.clerk, _flat_id(db, "0102"), 11950, day)
    assert (smaller.difference_fen, smaller.entry_fen) == (-215000, -215000)
    assert smaller.outstanding_fen == 215000  # to pay the household
    assert smaller.text == "应退还该户 2,150.00元（人民币贰仟壹佰伍拾元整）"

    case = PaymentService(db, org.clerk).case(second)
    (entry,) = case.payments
    assert (entry.kind, entry.amount_fen, entry.paid_on) == ("handover", -215000, day)
    assert kind_label(entry.kind, entry.amount_fen) == "交房结算"
    assert case.balance.outstanding_fen == 215000
    with db.session() as s:
        note = s.scalar(select(m.Payment.note).where(m.Payment.household_id == second))
    assert note == "交房结算（多退少补）：应退还该户 2,150.00元（人民币贰仟壹佰伍拾元整）"


def test_a_recompute_prices_the_chosen_flat_by_tier(db: Database) -> None:
    import copy

    from relocation_desk.services.calculation.service import CalculationService
    from relocation_desk.storage.models_resettlement import ResettlementChoice

    from .calc_org import SCHEME_V1, add_household, make_calc_org, publish
    from .resettlement_org import RULES

    org = make_calc_org(db)
    data = copy.deepcopy(SCHEME_V1)
    data.update(version_no=2, effective_date="2026-02-01", params={"resettlement": RULES})
    data["items"].append(
        {"code": "SWAP", "name": "产权调换", "unit": "㎡", "rate_fen": 180000,
         "kind": "resettlement", "category": "resettlement", "params": {"area_per_person": "40"}}
    )  # fmt: skip
    publish(db, org.scheme_id, data)
    hid = add_household(db, org)  # 3 persons: 120.00 ㎡ entitlement
    with db.session() as s, s.begin():
        hh = s.get(m.Household, hid)
        assert hh is not None
        hh.compensation_method = "swap"
    calcs = CalculationService(db, org.clerk)
    as_of = date(2026, 4, 10)
    before = calcs.compute(hid, as_of=as_of)
    # 120.00 ㎡ × 1,800 = 216,000.00 deducted on the swap line
    assert [ln.amount_fen for ln in before.lines if ln.item_code == "SWAP"] == [-21600000]
    with db.session() as s, s.begin():
        flat = ResettlementFlat(
            project_id=org.project_id, estate="幸福家园", building="1", unit="", floor=1,
            number="0101", layout="两室", built_area_dm2=9000, base_price_fen=400000,
            coefficient_milli=1000, unit_price_fen=400000, status="chosen",
        )  # fmt: skip
        s.add(flat)
        s.flush()
        s.add(
            ResettlementChoice(
                project_id=org.project_id, household_id=hid, flat_id=flat.id, seq=1,
                area_dm2=9000, unit_price_fen=400000, coefficient_milli=1000,
            )
        )  # fmt: skip
    after = calcs.compute(hid, as_of=as_of)
    assert after.created and after.version_no == before.version_no + 1
    swap = [(ln.item_name, ln.amount_fen) for ln in after.lines if ln.item_code == "SWAP"]
    assert swap == [
        ("产权调换", 0),
        ("安置房价款（权益面积内）", -16200000),  # 90.00 ㎡ × 1,800
        ("未用完权益面积的补偿", 7500000),  # 30.00 ㎡ × 2,500
    ]
    # 216,000 no longer deducted, 162,000 deducted, 75,000 paid: +129,000
    assert after.total_fen - before.total_fen == 12900000
