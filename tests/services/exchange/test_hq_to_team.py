"""HQ → team packages: what HQ owns reaches the laptop, once, and a package that is not the
next good one from HQ is refused whole with nothing changed."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from relocation_desk.services.calculation.approvals import ApprovalService
from relocation_desk.services.errors import PermissionDenied, UserError
from relocation_desk.services.exchange.container import Manifest, PackageRefused, write_package
from relocation_desk.services.exchange.hq_export import export_for_team
from relocation_desk.services.exchange.hq_import import import_package as merge
from relocation_desk.services.exchange.id_hashes import registered_elsewhere, warning_for
from relocation_desk.services.exchange.identity import hq_peer, signing_key
from relocation_desk.services.exchange.keys import generate_key
from relocation_desk.services.exchange.team_export import export_package as team_export
from relocation_desk.services.exchange.team_import import import_from_hq
from relocation_desk.services.integrity import check_database
from relocation_desk.services.schemes.service import SchemeService
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database, open_database

from .people import operator
from .split import copy_split, tables_digest


@pytest.fixture
def world(split_source: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    hq_path, laptops = copy_split(split_source, tmp_path / "project")
    hq = open_database(hq_path)
    t01 = open_database(laptops["T01"])
    yield hq, t01, laptops
    hq.close()
    t01.close()


def _send(hq: Database, tmp_path: Path, name: str = "hq.rdpkg", team: str = "T01") -> Path:
    out = tmp_path / name
    export_for_team(hq, operator(hq, "hq"), team, out)
    return out


def _receive(laptop: Database, path: Path):  # type: ignore[no-untyped-def]
    return import_from_hq(laptop, operator(laptop, "member", "T01"), path)


def test_the_same_package_twice_changes_nothing(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    hq, t01, _ = world
    first = _receive(t01, _send(hq, tmp_path))
    assert (first.sequence, first.already_imported) == (1, False)
    digest = tables_digest(t01)
    again = _receive(t01, tmp_path / "hq.rdpkg")
    assert again.already_imported and "已经导入过" in again.text
    assert tables_digest(t01) == digest
    second = _receive(t01, _send(hq, tmp_path, "hq2.rdpkg"))
    assert (second.sequence, second.already_imported) == (2, False)
    with t01.session() as s:
        peer = hq_peer(s)
        assert peer is not None and peer.received_sequence == 2
        assert s.scalar(select(func.count()).select_from(m.ExchangePackage).where(
            m.ExchangePackage.direction == "in", m.ExchangePackage.kind == "hq")) == 2  # fmt: skip
    assert check_database(t01).ok


def test_hqs_operators_settings_and_schemes_reach_the_laptop(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    hq, t01, _ = world
    head = operator(hq, "hq")
    leaving = operator(hq, "member", "T01")
    with hq.session() as s, s.begin():
        s.get(m.Operator, leaving.id).active = False  # type: ignore[union-attr]
        renamed = s.scalars(select(m.Operator).where(m.Operator.role == "leader")
                            .join(m.Team, m.Team.id == m.Operator.team_id)
                            .where(m.Team.code == "T01")).one()  # fmt: skip
        renamed.name = "欧阳㛃"
        renamed_id = renamed.id
        project_id = s.scalar(select(m.Project.id))
        setting = s.get(m.Setting, (project_id, "report_cutoff"))
        assert setting is not None
        setting.value = "18:30"
        scheme_id = s.scalar(select(m.Scheme.id))
    schemes = SchemeService(hq, head)
    draft = schemes.new_draft(scheme_id)  # type: ignore[arg-type]
    published = schemes.publish(draft)
    summary = _receive(t01, _send(hq, tmp_path))
    assert summary.schemes == 1 and summary.operators >= 2 and summary.settings == 1
    with t01.session() as s:
        assert s.get(m.Operator, leaving.id).active is False  # type: ignore[union-attr]
        assert s.get(m.Operator, renamed_id).name == "欧阳㛃"  # type: ignore[union-attr]
        assert s.get(m.Setting, (project_id, "report_cutoff")).value == "18:30"  # type: ignore[union-attr]
        version = s.get(m.SchemeVersion, published.id)
        assert version is not None and version.status == "published"
        assert s.scalar(select(func.count()).select_from(m.AuditLog).where(
            m.AuditLog.action == "import_package")) == 1  # fmt: skip
    report = check_database(t01)
    assert report.ok, [(p.title, p.problems) for p in report.parts if not p.ok]


def _forged(hq: Database, tmp_path: Path, name: str, **changes: object) -> Path:
    """A package signed with HQ's own key whose manifest says what ``changes`` say."""
    with hq.session() as s:
        me = s.get(m.ExchangeIdentity, 1)
        assert me is not None
        team_id = s.scalar(select(m.Team.id).where(m.Team.code == "T01"))
        fields = {
            "project_id": me.project_id.hex, "kind": "hq_to_team", "sender": "HQ",
            "sequence": 1, "created_at": datetime.now(UTC).isoformat(),
            "extra": {"team_id": team_id.hex, "team_code": "T01",  # type: ignore[union-attr]
                      "acks": {"sequence": 0, "audit_seq": 0}},
        }  # fmt: skip
        fields.update(changes)
        key = changes.pop("key", None) or signing_key(me)
        fields.pop("key", None)
    out = tmp_path / name
    settings = [{"report_cutoff": "03:00"}]
    entries = [("settings.json", json.dumps(settings[0]).encode() + b"\n")]
    write_package(out, Manifest(**fields), entries, key)  # type: ignore[arg-type]
    return out


def test_packages_that_are_not_hqs_next_are_refused_whole(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    hq, t01, _ = world
    one = _send(hq, tmp_path, "one.rdpkg")
    two = _send(hq, tmp_path, "two.rdpkg")
    _receive(t01, two)
    digest = tables_digest(t01)
    cases = {
        "older": (one, "比已经导入的第 2 号旧"),
        "forked": (_forged(hq, tmp_path, "fork.rdpkg", sequence=2), "重放"),
        "other project": (
            _forged(hq, tmp_path, "other.rdpkg", sequence=3, project_id=uuid.uuid4().hex),
            "另一个征收项目",
        ),
        "foreign key": (
            _forged(hq, tmp_path, "foreign.rdpkg", sequence=3, key=generate_key()),
            "未登记的密钥",
        ),
        "other team": (_send(hq, tmp_path, "t02.rdpkg", team="T02"), "T02"),
    }
    data = bytearray(_send(hq, tmp_path, "three.rdpkg").read_bytes())
    data[len(data) // 2] ^= 0x10
    (tmp_path / "flipped.rdpkg").write_bytes(bytes(data))
    cases["flipped byte"] = (tmp_path / "flipped.rdpkg", r"损坏|改动")
    for label, (path, message) in cases.items():
        with pytest.raises(PackageRefused, match=message):
            _receive(t01, path)
        assert tables_digest(t01) == digest, label


def test_a_team_package_is_not_imported_on_a_laptop(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _hq, t01, _laptops = world
    out = tmp_path / "team.rdpkg"
    team_export(t01, operator(t01, "leader", "T01"), out)
    with pytest.raises(PackageRefused):  # signed by the team's own key, which it does not trust
        _receive(t01, out)


def test_hqs_acknowledgement_and_decisions_reach_the_laptop(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    hq, t01, _ = world
    with t01.session() as s:
        household = s.scalars(select(m.Household.id).order_by(m.Household.code)).first()
        item = s.scalars(select(m.RateItem.code).order_by(m.RateItem.sort_order)).first()
    assert household is not None and item is not None
    request_id = ApprovalService(t01, operator(t01, "member", "T01")).request(
        household, item, 150000, "", "宅基地面积有争议，申请按实测面积补偿"
    )
    team_package = tmp_path / "team.rdpkg"
    sent = team_export(t01, operator(t01, "leader", "T01"), team_package)
    merge(hq, operator(hq, "hq"), team_package)
    ApprovalService(hq, operator(hq, "hq")).decide(request_id, True, "宅基地面积经复核属实")
    summary = _receive(t01, _send(hq, tmp_path))
    sent_manifest = getattr(sent, "manifest", sent)
    with t01.session() as s:
        peer = hq_peer(s)
        assert peer is not None
        assert peer.acked_sequence == sent_manifest.sequence == summary.acked_sequence
        assert peer.acked_audit_seq == sent_manifest.extra["audit_to_seq"]
        decided = s.get(m.ApprovalRequest, request_id)
        assert decided is not None and decided.status == "approved"
        assert decided.decision_reason == "宅基地面积经复核属实"
        assert summary.decisions == 1
        assert s.scalar(select(m.AuditLog.id).where(
            m.AuditLog.entity == "approval_request",
            m.AuditLog.entity_id == str(request_id), m.AuditLog.action == "decide"))  # fmt: skip
    assert check_database(t01).ok


def test_another_teams_id_numbers_reach_the_laptop_as_keyed_hashes(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    hq, t01, laptops = world
    t02 = open_database(laptops["T02"])
    try:
        with t02.session() as s:
            number = s.scalars(select(m.Person.id_number).where(m.Person.id_number.is_not(None))
                               .order_by(m.Person.id_number)).first()  # fmt: skip
            team_name = s.scalar(select(m.Team.name).where(m.Team.code == "T02"))
        out = tmp_path / "t02.rdpkg"
        team_export(t02, operator(t02, "leader", "T02"), out)
        merge(hq, operator(hq, "hq"), out)
    finally:
        t02.close()
    assert number is not None
    with t01.session() as s, s.begin():
        s.execute(delete(m.ForeignIdHash))  # what the laptop held before is replaced anyway
    assert warning_for(t01, number) is None
    summary = _receive(t01, _send(hq, tmp_path))
    assert summary.id_hashes >= 1
    with t01.session() as s:
        assert registered_elsewhere(s, number) == [("T02", team_name)]
        assert not s.scalar(select(func.count()).select_from(m.Person).where(
            m.Person.id_number == number))  # fmt: skip
        held = set(s.scalars(select(m.ForeignIdHash.id_hash)))
        assert number not in held and all(len(h) == 64 for h in held)
        own = s.scalars(select(m.Person.id_number).where(m.Person.id_number.is_not(None))).first()
        assert own is not None and registered_elsewhere(s, own) == []
    spaced = f"{number[:6]} {number[6:14]} {number[14:]}".replace("X", "x")
    warning = warning_for(t01, spaced)
    assert warning is not None and f"此身份证号已在{team_name}登记" in warning


def test_who_may_send_and_receive(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    hq, t01, _ = world
    with pytest.raises(PermissionDenied):
        export_for_team(hq, operator(hq, "member", "T01"), "T01", tmp_path / "x.rdpkg")
    out = _send(hq, tmp_path)
    with t01.session() as s:
        t02_member = s.scalars(select(m.Operator).where(m.Operator.role == "member")).first()
    with pytest.raises(UserError, match="工作组的项目文件"):
        export_for_team(t01, operator(t01, "hq"), "T01", tmp_path / "y.rdpkg")
    with pytest.raises(UserError, match="指挥部的项目库"):
        import_from_hq(hq, operator(hq, "hq"), out)
    assert t02_member is not None
    assert not (tmp_path / "x.rdpkg").exists() and not (tmp_path / "y.rdpkg").exists()


def _edit_address(db: Database, household_id: uuid.UUID, address: str, login: str) -> None:
    """Change a household's address as the editor does: the row and its audit row."""
    with db.session() as s, s.begin():
        h = s.get(m.Household, household_id)
        assert h is not None
        before = h.address
        h.address = address
        s.add(m.AuditLog(operator_login=login, action="update", entity="household",
                         entity_id=str(h.id), household_id=h.id, before={"address": before},
                         after={"address": address}))  # fmt: skip


def test_hqs_decision_to_keep_its_version_travels_back(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from relocation_desk.services.exchange.conflicts import decide, list_conflicts

    hq, t01, _ = world
    leader, head = operator(t01, "leader", "T01"), operator(hq, "hq")
    team_export(t01, leader, tmp_path / "t1.rdpkg")
    merge(hq, head, tmp_path / "t1.rdpkg")
    with t01.session() as s:
        household = s.scalars(select(m.Household.id).order_by(m.Household.code)).first()
    assert household is not None
    _edit_address(hq, household, "城东新区安置一区 3 栋（指挥部核实）", head.login)
    _edit_address(t01, household, "老街 12 号（工作组）", leader.login)
    team_export(t01, leader, tmp_path / "t2.rdpkg")
    merge(hq, head, tmp_path / "t2.rdpkg")
    open_ = [c for c in list_conflicts(hq, head) if c.household_id == household]
    assert [c.kind for c in open_] == ["both_changed"]
    decide(hq, head, open_[0].id, "keep_hq", "以指挥部现场核实的地址为准")
    summary = _receive(t01, _send(hq, tmp_path))
    assert (summary.conflict_decisions, summary.households_replaced) == (1, 1)
    with t01.session() as s:
        assert s.get(m.Household, household).address == "城东新区安置一区 3 栋（指挥部核实）"  # type: ignore[union-attr]
        kept = s.get(m.ExchangeConflict, open_[0].id)
        assert kept is not None and kept.decision == "keep_hq" and kept.status == "decided"
    report = check_database(t01)
    assert report.ok, [(p.title, p.problems) for p in report.parts if not p.ok]
    # The decision is applied once: a later edit on the laptop is not undone by HQ's next package.
    _edit_address(t01, household, "老街 12 号之一", leader.login)
    again = _receive(t01, _send(hq, tmp_path, "hq2.rdpkg"))
    assert again.households_replaced == 0
    with t01.session() as s:
        assert s.get(m.Household, household).address == "老街 12 号之一"  # type: ignore[union-attr]


@pytest.mark.postgres
def test_hq_on_postgresql_sends_its_package(split_source: Path, tmp_path: Path, pg_url) -> None:  # type: ignore[no-untyped-def]
    from .split import copy_to_server

    hq_file, laptops = copy_split(split_source, tmp_path / "project")
    hq = copy_to_server(hq_file, pg_url)
    t01, t02 = open_database(laptops["T01"]), open_database(laptops["T02"])
    try:
        team_export(t02, operator(t02, "leader", "T02"), tmp_path / "t02.rdpkg")
        merge(hq, operator(hq, "hq"), tmp_path / "t02.rdpkg")
        with t02.session() as s:
            number = s.scalars(select(m.Person.id_number).where(m.Person.id_number.is_not(None))
                               .order_by(m.Person.id_number)).first()  # fmt: skip
        with t01.session() as s, s.begin():
            s.execute(delete(m.ForeignIdHash))
        summary = _receive(t01, _send(hq, tmp_path))
        assert summary.sequence == 1 and summary.id_hashes >= 1
        with t01.session() as s:
            assert [code for code, _name in registered_elsewhere(s, number or "")] == ["T02"]
        assert _receive(t01, tmp_path / "hq.rdpkg").already_imported
        assert check_database(t01).ok
    finally:
        for db in (hq, t01, t02):
            db.close()
