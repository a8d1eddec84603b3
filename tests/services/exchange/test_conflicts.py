"""HQ's conflicts: listed with their teams and households, compared side by side, decided
once, audited, and only by HQ staff or an administrator."""

from __future__ import annotations

import copy
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from relocation_desk.services.errors import PermissionDenied
from relocation_desk.services.exchange import conflicts
from relocation_desk.services.exchange.bundle import bundle_hash, household_bundle
from relocation_desk.services.exchange.conflicts import ConflictError
from relocation_desk.services.exchange.identity import NotInExchange, make_identity
from relocation_desk.services.households.service import OperatorRef
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database, open_database
from tests.operators import operator_with_role


@pytest.fixture
def laptop(demo_db_path: Path, tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_db_path, path)
    db = open_database(path)
    yield db
    db.close()


@pytest.fixture
def hq(laptop: Database) -> Database:
    with laptop.session() as s, s.begin():
        make_identity(s, s.scalar(select(m.Project.id)), "hq")
    return laptop


def _two_teams(db: Database) -> tuple[m.Household, m.Household]:
    """A household of the first team and one of another team."""
    with db.session() as s:
        first = s.scalars(select(m.Household).order_by(m.Household.code)).first()
        assert first is not None
        other = s.scalars(
            select(m.Household)
            .where(m.Household.team_id != first.team_id)
            .order_by(m.Household.code)
        ).first()
        assert other is not None
        s.expunge_all()
        return first, other


def _conflict(db: Database, kind: str, household: m.Household, **fields: object) -> uuid.UUID:
    with db.session() as s, s.begin():
        row = m.ExchangeConflict(
            id=uuid.uuid4(),
            project_id=household.project_id,
            kind=kind,
            team_id=household.team_id,
            household_id=household.id,
            key=f"{kind}:{household.id.hex}",
            **fields,
        )
        s.add(row)
        return row.id


def _team_version(db: Database, household_id: uuid.UUID) -> dict:
    """The household as the team sent it: its head renamed, one phone number changed."""
    with db.session() as s:
        bundle = household_bundle(s, household_id)
    assert bundle is not None
    team = copy.deepcopy(bundle)
    team["household"]["head_name"] = "王改名"
    team["person"][0]["phone"] = "13900000000"
    return team


def test_duplicate_id_is_listed_and_only_accepted_with_a_note(hq: Database) -> None:
    mine, theirs = _two_teams(hq)
    cid = _conflict(
        hq, "duplicate_id", mine, other_team_id=theirs.team_id,
        details={"other_household_id": theirs.id.hex, "id_number": "11010119800101****"},
    )  # fmt: skip
    staff = operator_with_role(hq, "hq")
    listed = conflicts.list_conflicts(hq, staff, status="open")
    assert [v.id for v in listed] == [cid]
    view = listed[0]
    assert view.kind_label == "身份证号重复"
    assert view.household_code == mine.code
    with hq.session() as s:
        team = s.get(m.Team, mine.team_id)
        other = s.get(m.Team, theirs.team_id)
        assert team is not None and other is not None
        assert view.team == f"{team.code} {team.name}"
        assert other.name in view.summary
    assert conflicts.list_conflicts(hq, staff, team_id=theirs.team_id)[0].id == cid
    assert conflicts.list_conflicts(hq, staff, kind="both_changed") == []

    details = conflicts.conflict_details(hq, staff, cid)
    assert details.decisions == ["accepted"]
    assert ("身份证号", "11010119800101****") in details.facts
    with pytest.raises(ConflictError, match="只能选择：确认无误"):
        conflicts.decide(hq, staff, cid, "keep_hq", "不行")
    with pytest.raises(ConflictError, match="处理理由"):
        conflicts.decide(hq, staff, cid, "accepted", "  ")

    decided = conflicts.decide(hq, staff, cid, "accepted", "两户确为同一人，已核实")
    assert decided.status == "decided" and decided.decision_label == "确认无误"
    assert decided.decided_by == staff.name and not decided.sent_back
    with hq.session() as s:
        row = s.get(m.ExchangeConflict, cid)
        assert row is not None and row.sent_sequence is None and row.decided_by == staff.id
        audit = s.scalars(
            select(m.AuditLog).where(
                m.AuditLog.action == "decide_conflict", m.AuditLog.entity_id == str(cid)
            )
        ).one()
        assert audit.seq is not None  # in HQ's chain
        assert audit.after == {"decision": "accepted", "note": "两户确为同一人，已核实"}
    with pytest.raises(ConflictError, match="已经处理过"):
        conflicts.decide(hq, staff, cid, "accepted", "再来一次")
    assert conflicts.list_conflicts(hq, staff, status="open") == []
    assert [v.id for v in conflicts.list_conflicts(hq, staff, status="decided")] == [cid]


def test_both_changed_compares_the_sides_and_take_team_applies_the_bundle(hq: Database) -> None:
    mine, _other = _two_teams(hq)
    team = _team_version(hq, mine.id)
    cid = _conflict(hq, "both_changed", mine, details={"bundle": team})
    staff = operator_with_role(hq, "admin")

    details = conflicts.conflict_details(hq, staff, cid)
    assert details.decisions == ["keep_hq", "take_team"]
    changed = {d.path: (d.hq, d.team) for d in details.differences}
    first_person = team["person"][0]["name"]
    assert changed == {
        "农户 · 户主": (mine.head_name, "王改名"),
        f"家庭成员 {first_person} · 电话": (
            changed[f"家庭成员 {first_person} · 电话"][0],
            "13900000000",
        ),
    }

    conflicts.decide(hq, staff, cid, "take_team", "工作组的是入户核实后的数据")
    with hq.session() as s:
        household = s.get(m.Household, mine.id)
        assert household is not None and household.head_name == "王改名"
        state = s.get(m.ExchangeRecordState, mine.id)
        assert state is not None and state.team_id == mine.team_id
        assert state.merged_hash == bundle_hash(team)
        assert bundle_hash(household_bundle(s, mine.id) or {}) == bundle_hash(team)


def test_keep_hq_leaves_hqs_records(hq: Database) -> None:
    mine, _other = _two_teams(hq)
    with hq.session() as s:
        before = bundle_hash(household_bundle(s, mine.id) or {})
    cid = _conflict(hq, "both_changed", mine, details={"bundle": _team_version(hq, mine.id)})
    staff = operator_with_role(hq, "hq")
    view = conflicts.decide(hq, staff, cid, "keep_hq", "以指挥部复核结果为准")
    assert view.decision == "keep_hq"
    with hq.session() as s:
        assert bundle_hash(household_bundle(s, mine.id) or {}) == before
        assert s.get(m.ExchangeRecordState, mine.id) is None


def test_a_conflict_without_the_teams_records_cannot_take_them(hq: Database) -> None:
    mine, _other = _two_teams(hq)
    cid = _conflict(hq, "moved", mine, details={})
    staff = operator_with_role(hq, "hq")
    assert conflicts.conflict_details(hq, staff, cid).decisions == ["keep_hq"]
    with pytest.raises(ConflictError, match="保留指挥部的"):
        conflicts.decide(hq, staff, cid, "take_team", "试试")


@pytest.mark.parametrize("role", ["member", "leader", "auditor"])
def test_only_hq_staff_and_administrators_see_and_decide(hq: Database, role: str) -> None:
    mine, _other = _two_teams(hq)
    cid = _conflict(hq, "duplicate_id", mine)
    op = (
        OperatorRef(uuid.uuid4(), "audit", "审计员", role, None)
        if role == "auditor"
        else operator_with_role(hq, role)
    )
    with pytest.raises(PermissionDenied):
        conflicts.list_conflicts(hq, op)
    with pytest.raises(PermissionDenied):
        conflicts.decide(hq, op, cid, "accepted", "越权")
    with hq.session() as s:
        row = s.get(m.ExchangeConflict, cid)
        assert row is not None and row.status == "open"


def test_a_laptop_has_no_conflicts_to_decide(laptop: Database) -> None:
    with pytest.raises(NotInExchange):
        conflicts.list_conflicts(laptop, operator_with_role(laptop, "hq"))


def test_a_duplicate_id_with_the_teams_records_can_restore_them(hq: Database) -> None:
    """The merge keeps a household whose ID number another team holds without that number;
    taking the team's records puts it back."""
    mine, theirs = _two_teams(hq)
    with hq.session() as s:
        team = household_bundle(s, mine.id)
    assert team is not None
    person = team["person"][0]
    with hq.session() as s, s.begin():
        row = s.get(m.Person, uuid.UUID(person["id"]))
        assert row is not None
        row.id_number = None  # as merged
    cid = _conflict(
        hq, "duplicate_id", mine, other_team_id=theirs.team_id,
        details={"bundle": team, "id_number": "4101**********0012", "other_household": theirs.code},
    )  # fmt: skip
    staff = operator_with_role(hq, "hq")
    details = conflicts.conflict_details(hq, staff, cid)
    assert details.decisions == ["accepted", "take_team"]
    assert [(d.path, d.hq) for d in details.differences] == [
        (f"家庭成员 {person['name']} · 身份证号", "—")
    ]
    assert ("另一户", theirs.code) in details.facts
    conflicts.decide(hq, staff, cid, "take_team", "两组核实：同一人在两户各有房产")
    with hq.session() as s:
        restored = s.get(m.Person, uuid.UUID(person["id"]))
        assert restored is not None and restored.id_number == person["id_number"]


def test_compare_names_records_and_skips_bookkeeping() -> None:
    from relocation_desk.services.exchange.compare import compare

    hq = {
        "household": {"id": "h", "head_name": "程福", "row_version": 3, "updated_at": "x"},
        "person": [{"id": "a", "name": "程福", "phone": "1"}, {"id": "b", "name": "李梅"}],
    }
    team = {
        "household": {"id": "h", "head_name": "程福", "row_version": 5, "updated_at": "y"},
        "person": [{"id": "a", "name": "程福", "phone": "2"}],
        "structure": [{"id": "s", "label": "主房"}],
    }
    assert [(d.path, d.hq, d.team) for d in compare(hq, team)] == [
        ("家庭成员 程福 · 电话", "1", "2"),
        ("家庭成员 李梅", "有", "无"),
        ("房屋 主房", "无", "有"),
    ]
