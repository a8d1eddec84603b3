"""What the approval screens read and write through the service, on both backends: the list
with household, team, people and item names; attached documents; the items a request can name;
and the households a recompute changed."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest

from relocation_desk.services.calculation.approvals import ApprovalError, ApprovalService
from relocation_desk.services.calculation.recompute import recompute_all_with_changes
from relocation_desk.services.calculation.service import CalculationService
from relocation_desk.services.households.files import FileProblem
from relocation_desk.storage.db import Database

from .calc_org import add_household, make_calc_org, publish, scheme_v2

AS_OF = date(2026, 3, 1)


def test_list_shows_names_attachments_and_filters_by_household(
    db: Database, tmp_path: Path
) -> None:
    org = make_calc_org(db)
    first = add_household(db, org, "T03-0001")
    second = add_household(db, org, "T03-0002")
    team = ApprovalService(db, org.clerk)
    rid = team.request(first, "MOVE", 600000, "", "家有养殖场")
    team.request(second, "subsidy", None, "按困难户补助", "重病")
    letter = tmp_path / "证明.pdf"
    letter.write_bytes(b"%PDF-1.4 x")
    stored = team.attach(rid, letter)
    assert stored.read_bytes() == letter.read_bytes()
    assert team.attach(rid, letter) == stored  # the same document once
    with pytest.raises(FileProblem):
        team.attach(rid, tmp_path / "missing.pdf")
    ApprovalService(db, org.hq).decide(rid, True, "同意")
    views = {v.household_code: v for v in team.list_requests()}
    one, two = views["T03-0001"], views["T03-0002"]
    assert (one.head_name, one.team_code, one.requested_by, one.decided_by) == (
        "户主T03-0001", "T03", "张丽", "赵指挥",
    )  # fmt: skip
    assert one.item_name == "搬迁费" and two.item_name == "补助"
    assert [(a.name, a.path) for a in one.attachments] == [("证明.pdf", stored)]
    assert two.attachments == () and two.decided_by == ""
    assert [v.number for v in team.list_requests(household_id=second)] == [two.number]
    assert [v.number for v in team.list_requests("approved", household_id=second)] == []


def test_attach_to_a_missing_request_is_refused(db: Database, tmp_path: Path) -> None:
    import uuid

    org = make_calc_org(db)
    letter = tmp_path / "a.pdf"
    letter.write_bytes(b"x")
    with pytest.raises(ApprovalError, match="找不到该申请"):
        ApprovalService(db, org.clerk).attach(uuid.uuid4(), letter)


def test_item_choices_put_the_calculated_items_first(db: Database) -> None:
    org = make_calc_org(db)
    hid = add_household(db, org)
    svc = ApprovalService(db, org.clerk)
    before = svc.item_choices(hid, as_of=AS_OF)  # no calculation yet: the scheme in force
    assert [c.code for c in before][:3] == ["H-BC-L", "H-BC-U", "DEC-MID"]
    assert all(c.standard_fen is None for c in before)
    view = CalculationService(db, org.clerk).compute(hid, as_of=AS_OF)
    choices = svc.item_choices(hid, as_of=AS_OF)
    amounts = {ln.item_code: ln.amount_fen for ln in view.lines}
    with_line = [c for c in choices if c.standard_fen is not None]
    assert {c.code: c.standard_fen for c in with_line} == amounts
    assert choices[: len(with_line)] == with_line  # lines first
    categories = [c for c in choices if c.code in {"house", "moving", "subsidy"}]
    assert {c.code: c.name for c in categories} == {
        "house": "房屋补偿", "moving": "搬迁费", "subsidy": "补助",
    }  # fmt: skip
    assert svc.item_choices(hid, as_of=date(2025, 1, 1))[0].standard_fen is not None


def test_recompute_with_changes_names_the_changed_households(db: Database) -> None:
    org = make_calc_org(db)
    ids = [add_household(db, org, f"T03-{k:04d}", legal_dm2=10000 + k) for k in range(1, 7)]
    svc = CalculationService(db, org.clerk)
    for hid in ids[:4]:
        svc.compute(hid, as_of=AS_OF)
    summary, changed = recompute_all_with_changes(db, org.clerk, as_of=AS_OF)
    assert (summary.changed, changed) == (0, [])
    publish(db, org.scheme_id, scheme_v2())
    summary, changed = recompute_all_with_changes(db, org.clerk, as_of=date(2026, 8, 1))
    assert summary.changed == 4 and set(changed or []) == set(ids[:4])
    publish_more = scheme_v2()
    publish_more["version_no"], publish_more["effective_date"] = 3, "2026-09-01"
    publish_more["items"][0]["rate_fen"] = 140000
    publish(db, org.scheme_id, publish_more)
    summary, many = recompute_all_with_changes(db, org.clerk, as_of=date(2026, 9, 2), max_ids=3)
    assert summary.changed == 4 and many is None
    cancel = threading.Event()
    cancel.set()
    summary, none = recompute_all_with_changes(db, org.clerk, as_of=date(2026, 9, 2), cancel=cancel)
    assert summary.cancelled and none == []
