"""Personal data by role (docs/personal-data.md): who sees full ID numbers, phones, bank accounts
and 低保/残疾 flags, what the register search finds, and files that carry full ID numbers only
together with their audit row."""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from relocation_desk.domain.household_form import PersonForm
from relocation_desk.reports.agreement_pdf import render_agreement
from relocation_desk.reports.ledger_xlsx import write_ledger
from relocation_desk.services.agreements.service import AgreementService
from relocation_desk.services.errors import PermissionDenied
from relocation_desk.services.households.register import Register
from relocation_desk.services.households.service import HouseholdService, OperatorRef
from relocation_desk.services.ledger.export import export_ledger
from relocation_desk.services.personal_exports import write_with_audit
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database
from tests.operators import operator_with_role

from .household_org import Org, id_number, make_org

OWN_ID, OTHER_ID = id_number(811), id_number(812)
OWN_PHONE, OTHER_PHONE = "13812345678", "13987654321"


def _household(
    db: Database, hq: OperatorRef, village: uuid.UUID, number: str, phone: str
) -> uuid.UUID:
    svc = HouseholdService(db, hq)
    form = svc.new_form(village_id=village)
    form.persons = [
        PersonForm(name="赵铁柱", id_number=number, relation="户主", phone=phone),
        PersonForm(name="钱秀英", relation="配偶", is_dibao=True, is_disabled=True),
    ]
    form.bank_account = "6222021234567890123"
    return svc.save(form, confirmed=True).id


@pytest.fixture
def homes(db: Database) -> tuple[Org, uuid.UUID, uuid.UUID]:
    org = make_org(db)
    hq = OperatorRef(uuid.uuid4(), "hq", "指挥部", "hq", None)
    with db.session() as s, s.begin():
        s.add(
            m.Operator(id=hq.id, project_id=org.project_id, login=hq.login, name=hq.name, role="hq")
        )
    own = _household(db, hq, org.village, OWN_ID, OWN_PHONE)  # the clerk's team (T07)
    other = _household(db, hq, org.other_village, OTHER_ID, OTHER_PHONE)  # team T03
    return org, own, other


def test_editor_form_masks_another_teams_household(
    db: Database, homes: tuple[Org, uuid.UUID, uuid.UUID]
) -> None:
    org, own, other = homes
    clerk = HouseholdService(db, org.clerk)
    mine = clerk.load(own)
    assert mine.persons[0].id_number == OWN_ID and mine.persons[0].phone == OWN_PHONE
    assert mine.persons[1].is_dibao and mine.bank_account == "6222021234567890123"
    theirs = clerk.load(other)
    head = theirs.persons[0]
    assert head.id_number == OTHER_ID[:6] + "*" * 8 + OTHER_ID[-4:]
    assert head.phone == "" and not theirs.persons[1].is_dibao
    assert not theirs.persons[1].is_disabled
    assert theirs.bank_account == "*" * 15 + "0123"
    # The masked form cannot be saved back over the real numbers.
    theirs.remarks = "改一下"
    with pytest.raises(PermissionDenied, match="其他工作组"):
        clerk.save(theirs, confirmed=True)
    # An auditor sees every team's household masked, HQ sees it in full.
    auditor = OperatorRef(uuid.uuid4(), "sj", "审计", "auditor", None)
    assert HouseholdService(db, auditor).load(own).persons[0].id_number != OWN_ID
    hq = OperatorRef(uuid.uuid4(), "hq", "指挥部", "hq", None)
    assert HouseholdService(db, hq).load(other).persons[0].id_number == OTHER_ID
    # Nor does the household's change history show them.

    def history_text(svc: HouseholdService) -> str:
        return " ".join(" ".join((e.title, *e.details)) for e in svc.history(other))

    assert OTHER_ID in history_text(HouseholdService(db, hq))
    theirs_history = history_text(clerk)
    assert OTHER_ID not in theirs_history and OTHER_PHONE not in theirs_history
    assert "（不显示）" in theirs_history


def test_register_search_never_matches_what_the_viewer_may_not_see(
    db: Database, homes: tuple[Org, uuid.UUID, uuid.UUID]
) -> None:
    org, own, other = homes
    member = Register(db, org.clerk)
    codes = {own: "", other: ""}
    for hid in codes:
        codes[hid] = member.rows([hid.hex])[0].code

    def found(register: Register, text: str) -> set[str]:
        return {register.rows([register.key(r)])[0].code for r in register.select(text)}

    assert found(member, OWN_ID) == {codes[own]}
    assert found(member, OWN_PHONE) == {codes[own]}
    # Another team's full ID, its phone, or a fragment of them find nothing.
    assert found(member, OTHER_ID) == set()
    assert found(member, OTHER_PHONE) == set()
    assert OWN_ID[12:] != OTHER_ID[12:] and found(member, OTHER_ID[12:]) == set()
    # Names and codes still find it, and the row shows the number masked.
    assert codes[other] in found(member, "赵铁柱")
    assert found(member, codes[other]) == {codes[other]}
    row = member.rows([other.hex])[0]
    assert row.head_id_number == OTHER_ID[:6] + "*" * 8 + OTHER_ID[-4:]
    assert member.rows([own.hex])[0].head_id_number == OWN_ID
    # After an edit the refreshed index keeps the rule.
    member.refresh([other])
    assert found(member, OTHER_ID) == set()
    # HQ finds both.
    hq = Register(db, OperatorRef(uuid.uuid4(), "hq", "指挥部", "hq", None))
    assert found(hq, OTHER_ID) == {codes[other]}


def test_member_gets_no_pdf_of_another_teams_agreement(
    db: Database, homes: tuple[Org, uuid.UUID, uuid.UUID], tmp_path: Path
) -> None:
    org, _own, other = homes
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "协议.pdf"
    with pytest.raises(PermissionDenied, match="打印协议"):
        AgreementService(db, org.clerk).print_to_file(other, out, render_agreement)
    assert list(folder.iterdir()) == []


def test_member_cannot_export_the_full_ledger(
    db: Database, homes: tuple[Org, uuid.UUID, uuid.UUID], tmp_path: Path
) -> None:
    org, _own, _other = homes
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "台账.xlsx"
    leader = replace(org.clerk, role="leader")
    for op in (org.clerk, leader, OperatorRef(uuid.uuid4(), "sj", "审计", "auditor", None)):
        with pytest.raises(PermissionDenied, match="导出完整台账"):
            export_ledger(db, out, write_ledger, op)
    assert list(folder.iterdir()) == []
    assert _exports(db) == 0


def _exports(db: Database) -> int:
    with db.session() as s:
        return (
            s.scalar(
                select(func.count()).select_from(m.AuditLog).where(m.AuditLog.action == "export")
            )
            or 0
        )


def _audit_row(s: Session, _result: object) -> None:
    s.add(
        m.AuditLog(
            id=uuid.uuid4(), operator_id=None, operator_login="hq", action="export",
            entity="ledger", entity_id="", household_id=None, before=None, after={},
            note="测试导出",
        )
    )  # fmt: skip


def test_file_and_audit_row_come_together(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "export.xlsx"
    write_with_audit(db, out, lambda p: p.write_bytes(b"data"), _audit_row)
    assert out.read_bytes() == b"data" and _exports(db) == 1
    assert [p.name for p in folder.iterdir()] == ["export.xlsx"]


def test_no_file_when_the_audit_row_cannot_be_written(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "export.xlsx"

    def broken(s: Session, _result: object) -> None:
        raise RuntimeError("database is locked")

    with pytest.raises(RuntimeError):
        write_with_audit(db, out, lambda p: p.write_bytes(b"data"), broken)
    assert list(folder.iterdir()) == [] and _exports(db) == 0


def test_no_audit_row_when_the_file_cannot_be_written(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "export.xlsx"

    def fails(p: Path) -> None:
        p.write_bytes(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_with_audit(db, out, fails, _audit_row)
    assert list(folder.iterdir()) == [] and _exports(db) == 0


def test_audit_row_rolled_back_when_the_file_cannot_be_moved(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "taken"
    out.mkdir()  # a folder where the file should go: the move fails after the audit row
    (out / "inside").write_text("x")
    with pytest.raises(OSError):
        write_with_audit(db, out, lambda p: p.write_bytes(b"data"), _audit_row)
    assert _exports(db) == 0
    assert sorted(p.name for p in folder.iterdir()) == ["taken"]


def test_scans_of_another_teams_household_are_not_listed(
    db: Database, homes: tuple[Org, uuid.UUID, uuid.UUID], tmp_path: Path
) -> None:
    org, _own, other = homes
    hq = HouseholdService(db, operator_with_role(db, "hq"))
    card, house = tmp_path / "身份证.jpg", tmp_path / "主房.jpg"
    card.write_bytes(b"\xff\xd8 id card")
    house.write_bytes(b"\xff\xd8 house")
    hq.add_file(other, card, "scan")
    hq.add_file(other, house, "photo")
    assert {f.kind for f in hq.files(other)} == {"scan", "photo"}
    assert [f.original_name for f in HouseholdService(db, org.clerk).files(other)] == ["主房.jpg"]
