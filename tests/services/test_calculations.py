"""The calculation service on both backends: the worked example, versions, maker-checker,
signed households, approvals, recompute in batches with cancel, and the impact preview."""

from __future__ import annotations

import shutil
import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from relocation_desk.domain.engine import compute as engine_compute
from relocation_desk.domain.scheme_parse import parse_scheme
from relocation_desk.services.calculation.approvals import ApprovalError, ApprovalService
from relocation_desk.services.calculation.inputs import read_facts
from relocation_desk.services.calculation.service import CalculationError, CalculationService
from relocation_desk.services.errors import PermissionDenied
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database, open_database
from tests.operators import operator_with_role

from .calc_org import SCHEME_V1, add_household, make_calc_org, publish, scheme_v2, sign

AS_OF = date(2026, 3, 1)
HAND_TOTAL = 13255000 + 461250 + 3268750 + 80000 + 400000 + 1000000 + 800000  # 192,650.00 元


def _calcs(db: Database, hid: object) -> list[m.Calculation]:
    with db.session() as s:
        return list(
            s.scalars(
                select(m.Calculation)
                .where(m.Calculation.household_id == hid)
                .order_by(m.Calculation.version_no)
            )
        )


def _household(db: Database, hid: object) -> m.Household:
    with db.session() as s:
        hh = s.get(m.Household, hid)
        assert hh is not None
        return hh


def test_worked_example_equals_hand_computation(db: Database) -> None:
    org = make_calc_org(db)
    hid = add_household(db, org)
    view = CalculationService(db, org.clerk).compute(hid, as_of=AS_OF)
    amounts = {ln.item_code: ln.amount_fen for ln in view.lines}
    assert amounts == {
        "H-BC-L": 13255000,  # 120.50 ㎡ × 1,100 元
        "H-BC-U": 461250,  # 10.25 ㎡ × 450 元
        "DEC-MID": 3268750,  # 130.75 ㎡ × 250 元
        "A-WELL-HAND": 80000,
        "MOVE": 400000,
        "SIGN-BONUS": 1000000,
        "HARDSHIP": 800000,  # a member is on 低保
    }
    assert view.total_fen == HAND_TOTAL == 19265000
    assert view.total_upper == "人民币壹拾玖万贰仟陆佰伍拾元整"
    assert view.version_no == 1 and view.status == "computed" and view.created
    assert view.computed_by == "张丽" and view.checked_by == ""
    assert "第1版" in view.scheme_label
    assert "120.50㎡ × 1,100.00元/㎡ = 132,550.00元" in view.lines[0].explanation
    hh = _household(db, hid)
    assert hh.total_fen == HAND_TOTAL and hh.status == "calculated"
    with db.session() as s:
        audit = s.scalars(select(m.AuditLog).where(m.AuditLog.household_id == hid)).all()
    assert [a.action for a in audit] == ["calculate"]
    assert audit[0].after["total_fen"] == HAND_TOTAL
    current = CalculationService(db, None).current(hid)
    assert current is not None and current.id == view.id and current.lines == view.lines


def test_same_inputs_make_no_new_version(db: Database) -> None:
    org = make_calc_org(db)
    hid = add_household(db, org)
    svc = CalculationService(db, org.clerk)
    first = svc.compute(hid, as_of=AS_OF)
    again = svc.compute(hid, as_of=date(2026, 4, 1))  # same bonus window: same inputs
    assert again.id == first.id and not again.created
    assert len(_calcs(db, hid)) == 1
    summary = svc.recompute_all(as_of=AS_OF)
    assert (summary.changed, summary.unchanged, summary.failed) == (0, 1, [])


def test_changed_data_makes_a_new_version(db: Database) -> None:
    org = make_calc_org(db)
    hid = add_household(db, org)
    svc = CalculationService(db, org.clerk)
    first = svc.compute(hid, as_of=AS_OF)
    with db.session() as s, s.begin():
        st = s.scalars(select(m.Structure).where(m.Structure.household_id == hid)).one()
        st.legal_area_dm2 = 13050  # 10 ㎡ more
    second = svc.compute(hid, as_of=AS_OF)
    assert second.version_no == 2 and second.created
    assert second.total_fen == HAND_TOTAL + 10 * 110000 + 10 * 25000
    old, new = _calcs(db, hid)
    assert old.status == "superseded" and new.supersedes_id == old.id == first.id
    assert _household(db, hid).total_fen == second.total_fen


def test_maker_checker(db: Database) -> None:
    org = make_calc_org(db)
    hid = add_household(db, org)
    view = CalculationService(db, org.clerk).compute(hid, as_of=AS_OF)
    with pytest.raises(CalculationError, match="不能是同一人"):
        CalculationService(db, org.clerk).check(view.id)
    checked = CalculationService(db, org.leader).check(view.id)
    assert checked.status == "checked" and checked.checked_by == "李军"
    assert _household(db, hid).status == "checked"
    with pytest.raises(CalculationError, match="已经复核"):
        CalculationService(db, org.hq).check(view.id)
    # A data change supersedes the checked version; the old one can no longer be checked.
    with db.session() as s, s.begin():
        s.scalars(select(m.Attachment).where(m.Attachment.household_id == hid)).one()
        a = s.scalars(select(m.Attachment).where(m.Attachment.household_id == hid)).one()
        a.quantity_milli = 2000
    newer = CalculationService(db, org.clerk).compute(hid, as_of=AS_OF)
    assert newer.version_no == 2
    assert _household(db, hid).status == "calculated"  # the new figure needs a new check
    with pytest.raises(CalculationError, match="已被新版本取代"):
        CalculationService(db, org.leader).check(view.id)


def test_signed_household_keeps_its_scheme_version(db: Database) -> None:
    org = make_calc_org(db)
    signed = add_household(db, org, "T03-0001")
    open_ = add_household(db, org, "T03-0002")
    svc = CalculationService(db, org.clerk)
    calc = svc.compute(signed, as_of=AS_OF)
    before_open = svc.compute(open_, as_of=AS_OF).total_fen
    sign(db, org, signed, calc.id, date(2026, 3, 15))
    svc.recompute_all(as_of=date(2026, 3, 16))
    signed_total = _household(db, signed).total_fen
    assert signed_total == calc.total_fen
    publish(db, org.scheme_id, scheme_v2())
    summary = svc.recompute_all(as_of=date(2026, 8, 1))
    assert summary.failed == []
    assert _household(db, signed).total_fen == signed_total
    assert svc.current(signed).scheme_version_id == org.v1  # type: ignore[union-attr]
    after_open = _household(db, open_).total_fen
    assert after_open == before_open + 12050 * 20000 // 100  # 120.50 ㎡ × 200 元 more


def test_only_an_approved_exception_changes_the_amount(db: Database) -> None:
    org = make_calc_org(db)
    hid = add_household(db, org)
    calc = CalculationService(db, org.clerk)
    base = calc.compute(hid, as_of=AS_OF)
    team = ApprovalService(db, org.clerk)
    rid = team.request(hid, "MOVE", 600000, "", "家有养殖场，申请增加搬迁费")
    other = team.request(hid, "subsidy", 300000, "", "重病患者")
    numbers = {r.id: r.number for r in team.list_requests()}
    assert numbers == {rid: "SP-T03-0001", other: "SP-T03-0002"}
    assert calc.compute(hid, as_of=AS_OF).id == base.id  # pending: nothing changes
    with pytest.raises(PermissionDenied, match="指挥部"):
        team.decide(rid, True, "同意")
    with pytest.raises(PermissionDenied, match="指挥部"):
        ApprovalService(db, org.leader).decide(rid, True, "同意")
    hq = ApprovalService(db, org.hq)
    with pytest.raises(ApprovalError, match="理由"):
        hq.decide(rid, True, "  ")
    hq.decide(other, False, "不符合方案规定")
    assert calc.compute(hid, as_of=AS_OF).id == base.id  # rejected: nothing changes
    hq.decide(rid, True, "经研究同意")
    with pytest.raises(ApprovalError, match="已经审批"):
        hq.decide(rid, False, "改主意")
    assert [r.status for r in hq.list_requests("approved")] == ["approved"]
    new = calc.compute(hid, as_of=AS_OF)
    assert new.version_no == 2 and new.total_fen == base.total_fen + 200000
    marked = [ln for ln in new.lines if ln.approval_number]
    assert len(marked) == 1
    line = marked[0]
    assert line.approval_number == "SP-T03-0001" and line.amount_fen == 200000
    assert line.explanation.startswith("经指挥部审批（SP-T03-0001）：")
    assert "经研究同意" in line.explanation
    # The standard line is still there as the standard computed it.
    assert [ln.amount_fen for ln in new.lines if ln.item_code == "MOVE"] == [400000, 200000]
    assert calc.compute(hid, as_of=AS_OF).id == new.id


def test_request_needs_a_reason(db: Database) -> None:
    org = make_calc_org(db)
    hid = add_household(db, org)
    with pytest.raises(ApprovalError, match="理由"):
        ApprovalService(db, org.clerk).request(hid, "MOVE", 1, "", "")


def test_recompute_all_cancel_keeps_completed_batches(db: Database) -> None:
    org = make_calc_org(db)
    ids = [add_household(db, org, f"T03-{k:04d}", legal_dm2=10000 + k) for k in range(1, 13)]
    svc = CalculationService(db, org.clerk)
    for hid in ids:
        svc.compute(hid, as_of=AS_OF)
    publish(db, org.scheme_id, scheme_v2())
    cancel = threading.Event()
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        cancel.set()  # the user presses Cancel during the first batch's commit

    summary = svc.recompute_all(as_of=date(2026, 8, 1), progress=progress, cancel=cancel, batch=5)
    assert summary.cancelled and summary.changed == 5 and seen == [(5, 12)]
    versions = sorted(len(_calcs(db, hid)) for hid in ids)
    assert versions == [1] * 7 + [2] * 5
    for hid in ids:
        current = svc.current(hid)
        assert current is not None and _household(db, hid).total_fen == current.total_fen
    rest = svc.recompute_all(as_of=date(2026, 8, 1), batch=5)
    assert (rest.changed, rest.unchanged) == (7, 5)


def test_impact_preview_matches_an_independent_recomputation(db: Database) -> None:
    org = make_calc_org(db)
    ids = [add_household(db, org, f"T03-{k:04d}", legal_dm2=9000 + 731 * k) for k in range(1, 6)]
    svc = CalculationService(db, org.clerk)
    views = [svc.compute(hid, as_of=AS_OF) for hid in ids]
    sign(db, org, ids[0], views[0].id, date(2026, 3, 10))
    new = parse_scheme(scheme_v2())
    as_of = date(2026, 8, 1)
    report = svc.impact_preview(new, as_of=as_of)
    with db.session() as s:
        facts = read_facts(s, ids[1:])
    after = sum(engine_compute(f.input, new, as_of=as_of).total_fen for f in facts.values())
    # "Before": the stored calculations (computed in March, when the signing-bonus window was
    # still open), as recompute-all compares them; "after": the new scheme on the same date
    # recompute-all would use.
    before = sum(v.total_fen for v in views[1:])
    old = parse_scheme(SCHEME_V1)
    assert before != sum(
        engine_compute(f.input, old, as_of=as_of).total_fen for f in facts.values()
    )
    assert report.signed_excluded == 1 and report.failed == []
    assert [(t.team_code, t.households, t.changed) for t in report.teams] == [("T03", 4, 4)]
    assert (report.before_fen, report.after_fen) == (before, after)
    assert report.delta_fen == after - before
    assert all(len(_calcs(db, hid)) == 1 for hid in ids)  # nothing written


def test_recompute_all_on_the_demo_is_consistent(demo_db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_db_path, path)
    db = open_database(path)
    try:
        svc = CalculationService(db, operator_with_role(db, "hq"))  # every team's households
        first = svc.recompute_all(as_of=date(2026, 11, 23))
        assert first.failed == []
        second = svc.recompute_all(as_of=date(2026, 11, 23))
        assert second.changed == 0 and second.unchanged == first.changed + first.unchanged
        with db.session() as s:
            C = m.Calculation
            wrong = s.scalar(
                select(func.count())
                .select_from(m.Household)
                .join(C, C.household_id == m.Household.id)
                .where(C.status != "superseded", C.total_fen != m.Household.total_fen)
            )
            assert wrong == 0
            # Signed households kept their agreement's amounts.
            changed_signed = s.scalar(
                select(func.count())
                .select_from(m.Agreement)
                .join(m.Household, m.Household.id == m.Agreement.household_id)
                .where(
                    m.Agreement.status == "signed",
                    m.Agreement.total_fen != m.Household.total_fen,
                )
            )
            assert changed_signed == 0
    finally:
        db.close()
