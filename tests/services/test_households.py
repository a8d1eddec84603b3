"""The household service on SQLite and PostgreSQL: round trip, register columns, audit,
database checks, optimistic locking and attached files."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from relocation_desk.domain import idnumber
from relocation_desk.domain.household_form import (
    AttachmentForm,
    HouseholdForm,
    PersonForm,
    Severity,
    StructureForm,
)
from relocation_desk.domain.search import SearchPerson, household_search_text
from relocation_desk.services.households.service import (
    ConcurrentEdit,
    FileProblem,
    HouseholdService,
    ValidationFailed,
    operators,
)
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database

from .household_org import Org, full_width, id_number, make_org

HEAD_ID = id_number(1, check_x=True)  # ends in X
SPOUSE_ID = id_number(2, date(1982, 3, 9))


@pytest.fixture
def org(db: Database) -> Org:
    return make_org(db)


@pytest.fixture
def svc(db: Database, org: Org) -> HouseholdService:
    return HouseholdService(db, org.clerk)


def family(svc: HouseholdService, org: Org) -> HouseholdForm:
    form = svc.new_form(village_id=org.village)
    form.group_id = org.groups["一组"]
    form.address = " 王庄村一组12号 "
    form.persons = [
        PersonForm(
            name="𠮷祥",
            # Full-width digits and a lower-case x, as typed with a Chinese input method.
            id_number=full_width(HEAD_ID[:-1]) + "x",
            relation="户主",
            phone="138 1234 5678",
            is_cadre=True,
            cadre_note="村委委员",
        ),
        PersonForm(name="王㑇", id_number=SPOUSE_ID, relation="配偶", is_dibao=True),
        PersonForm(name="李 堃", relation="子", is_disabled=True, special_note="肢体残疾"),
    ]
    form.structures = [
        StructureForm(
            label="主房", structure_type="brick_concrete", legal_area="120.5",
            unlicensed_area="12", floors="2", build_year="1998", decoration="DEC-MID",
        ),
        StructureForm(label="偏房", structure_type="simple", unlicensed_area="18.25㎡"),
    ]  # fmt: skip
    form.attachments = [
        AttachmentForm(item_code="A-WELL-HAND", quantity="2"),
        AttachmentForm(item_code="A-TREE-S", name="用材树", unit="棵", quantity="12.5"),
    ]
    form.bank_name = "农商银行"
    form.bank_account = "6228 4800 1234 5678 9"
    form.account_holder = "𠮷祥"
    form.remarks = "门前有水塘"
    return form


def counts(db: Database) -> dict[str, int]:
    tables = (m.Household, m.Person, m.Structure, m.Attachment, m.AuditLog, m.StoredFile)
    with db.session() as s:
        return {t.__tablename__: s.scalar(select(func.count()).select_from(t)) or 0 for t in tables}


def audits(db: Database, household_id: uuid.UUID) -> list[m.AuditLog]:
    with db.session() as s:
        return list(
            s.scalars(
                select(m.AuditLog)
                .where(m.AuditLog.household_id == household_id)
                .order_by(m.AuditLog.at, m.AuditLog.entity)
            )
        )


# --- round trip ----------------------------------------------------------------------------


def test_new_save_load_round_trip(db: Database, org: Org, svc: HouseholdService) -> None:
    form = family(svc, org)
    assert form.code == "T07-0001"
    assert form.team_id == org.team7 and form.responsible_id == org.clerk.id
    saved = svc.save(form)
    assert (saved.code, saved.row_version) == ("T07-0001", 1)

    loaded = svc.load(saved.id)
    assert loaded.id == saved.id and loaded.row_version == 1
    assert (loaded.code, loaded.team_id, loaded.village_id) == ("T07-0001", org.team7, org.village)
    assert loaded.group_id == org.groups["一组"] and loaded.address == "王庄村一组12号"
    head, spouse, son = loaded.persons
    assert head.name == "𠮷祥" and len(head.name) == 2  # Ext-B kept whole
    assert head.id_number == HEAD_ID and HEAD_ID.endswith("X")
    assert head.phone == "13812345678" and head.is_cadre and head.cadre_note == "村委委员"
    assert (spouse.name, spouse.id_number, spouse.relation, spouse.is_dibao) == (
        "王㑇", SPOUSE_ID, "配偶", True,
    )  # fmt: skip
    assert (son.name, son.id_number, son.is_disabled, son.special_note) == (
        "李堃", "", True, "肢体残疾",
    )  # fmt: skip
    main, shed = loaded.structures
    assert (main.legal_area, main.unlicensed_area, main.floors, main.build_year) == (
        "120.50", "12.00", "2", "1998",
    )  # fmt: skip
    assert main.decoration == "DEC-MID" and main.label == "主房"
    assert (shed.structure_type, shed.legal_area, shed.unlicensed_area) == ("simple", "", "18.25")
    well, trees = loaded.attachments
    assert (well.item_code, well.name, well.unit, well.quantity) == (
        "A-WELL-HAND",
        "压水井",
        "口",
        "2",
    )
    assert (trees.name, trees.unit, trees.quantity) == ("用材树", "棵", "12.5")
    assert loaded.bank_account == "62284800123456789" and loaded.account_holder == "𠮷祥"

    with db.session() as s:
        hh = s.get(m.Household, saved.id)
        assert hh is not None
        assert hh.status == "registered" and hh.updated_by == org.clerk.id
        assert hh.total_fen is None
        rows = s.scalars(select(m.Person).where(m.Person.household_id == saved.id)).all()
        by_name = {p.name: p for p in rows}
        assert by_name["𠮷祥"].sex == idnumber.parse(HEAD_ID).sex
        assert by_name["王㑇"].sex == idnumber.parse(SPOUSE_ID).sex
        assert by_name["𠮷祥"].birth_date == date(1980, 5, 17) and by_name["𠮷祥"].is_head
        assert by_name["王㑇"].birth_date == date(1982, 3, 9)
        assert by_name["李堃"].id_number is None and by_name["李堃"].sex == ""  # NULL, not ""

    created = audits(db, saved.id)
    assert sorted((a.entity, a.action) for a in created) == sorted(
        [("household", "create")] + [("person", "create")] * 3
        + [("structure", "create")] * 2 + [("attachment", "create")] * 2
    )  # fmt: skip
    assert all(a.operator_id == org.clerk.id and a.operator_login == "zhangli" for a in created)

    # Saving what was loaded changes nothing: the version moves, no audit rows.
    again = svc.save(loaded)
    assert again.row_version == 2
    assert len(audits(db, saved.id)) == len(created)
    assert svc.load(saved.id).persons == loaded.persons


def test_register_columns_match_a_recomputation(
    db: Database, org: Org, svc: HouseholdService
) -> None:
    saved = svc.save(family(svc, org))
    form = svc.load(saved.id)
    form.persons[0].is_cadre = False
    form.persons.append(PersonForm(name="王小明", relation="孙子", phone="0371-6543 2100"))
    form.structures[1].unlicensed_area = "20"
    svc.save(form)

    h, p, st = m.Household.__table__.c, m.Person.__table__.c, m.Structure.__table__.c
    with db.engine.connect() as conn:
        row = conn.execute(select(h).where(h.id == saved.id)).one()
        persons = conn.execute(
            select(p.name, p.id_number, p.phone, p.relation, p.is_cadre, p.is_cadre_relative)
            .where(p.household_id == saved.id)
            .order_by(p.sort_order)
        ).all()
        areas = conn.execute(
            select(func.sum(st.legal_area_dm2), func.sum(st.unlicensed_area_dm2)).where(
                st.household_id == saved.id
            )
        ).one()
    head = next(x for x in persons if x.relation == "户主")
    assert row.head_name == head.name and row.head_id_number == head.id_number
    assert row.member_count == len(persons) == 4
    assert (row.legal_area_dm2, row.unlicensed_area_dm2) == tuple(areas) == (12_050, 3_200)
    assert row.has_cadre is False
    assert row.search_text == household_search_text(
        row.code, [SearchPerson(x.name, x.id_number, x.phone) for x in persons]
    )
    assert "0371-65432100" in row.search_text and "wxm" in row.search_text


# --- audit and history ---------------------------------------------------------------------


def test_changing_a_phone_audits_just_that_field(
    db: Database, org: Org, svc: HouseholdService
) -> None:
    saved = svc.save(family(svc, org))
    before = {a.id for a in audits(db, saved.id)}
    form = svc.load(saved.id)
    form.persons[0].phone = "139-1234-5678"
    svc.save(form)

    new = [a for a in audits(db, saved.id) if a.id not in before]
    assert len(new) == 1
    (row,) = new
    assert (row.entity, row.action, row.entity_id) == ("person", "update", str(form.persons[0].id))
    assert row.before == {"phone": "13812345678"} and row.after == {"phone": "13912345678"}
    assert row.household_id == saved.id and row.operator_login == "zhangli"

    latest = svc.history(saved.id)[0]
    assert latest.kind == "audit" and latest.who == "张丽"
    assert "𠮷祥" in latest.title
    assert latest.details == ("电话：13812345678 → 13912345678",)


def test_deleting_a_structure_is_audited(db: Database, org: Org, svc: HouseholdService) -> None:
    saved = svc.save(family(svc, org))
    form = svc.load(saved.id)
    gone = form.structures.pop(1)
    svc.save(form)
    with db.session() as s:
        left = s.scalars(select(m.Structure.id).where(m.Structure.household_id == saved.id)).all()
    assert left == [form.structures[0].id]
    deleted = [a for a in audits(db, saved.id) if a.action == "delete"]
    assert [(a.entity, a.entity_id) for a in deleted] == [("structure", str(gone.id))]
    assert deleted[0].before is not None and deleted[0].after is None
    assert deleted[0].before["unlicensed_area_dm2"] == 1_825
    entry = next(e for e in svc.history(saved.id) if e.title.startswith("删除"))
    assert "偏房" in entry.title and "无证面积：18.25㎡" in entry.details
    assert svc.load(saved.id).row_version == 2


def test_history_names_ids_and_lists_a_household_update(
    db: Database, org: Org, svc: HouseholdService
) -> None:
    saved = svc.save(family(svc, org))
    form = svc.load(saved.id)
    form.group_id = org.groups["二组"]
    form.address = "王庄村二组3号"
    svc.save(form)
    entries = svc.history(saved.id)
    assert entries == sorted(entries, key=lambda e: e.at, reverse=True)
    latest = entries[0]
    assert latest.title == "修改农户信息"
    assert latest.details == ("村民小组：一组 → 二组", "地址：王庄村一组12号 → 王庄村二组3号")
    created = next(e for e in entries if e.title == "新增农户 T07-0001")
    assert "户主：𠮷祥" in created.details and "村：王庄村" in created.details


# --- database checks ---------------------------------------------------------------------


def test_id_number_of_another_household_is_refused(
    db: Database, org: Org, svc: HouseholdService
) -> None:
    svc.save(family(svc, org))
    other = HouseholdService(db, org.other)
    form = other.new_form(village_id=org.other_village)
    assert form.code == "T03-0001"
    form.persons = [
        PersonForm(name="赵六", id_number=full_width(SPOUSE_ID), relation="户主"),
    ]
    problems = other.check(form)
    assert [(p.path, p.message) for p in problems if p.severity is Severity.ERROR] == [
        ("persons.0.id_number", "身份证号码已登记在 T07-0001 户（户主 𠮷祥）")
    ]
    before = counts(db)
    with pytest.raises(ValidationFailed) as info:
        other.save(form, confirmed=True)
    assert "T07-0001" in info.value.message and "𠮷祥" in info.value.message
    assert info.value.problems == problems
    assert counts(db) == before


def test_id_numbers_may_move_between_members_of_one_household(
    db: Database, org: Org, svc: HouseholdService
) -> None:
    saved = svc.save(family(svc, org))
    form = svc.load(saved.id)
    head, spouse = form.persons[0], form.persons[1]
    head.id_number, spouse.id_number = spouse.id_number, head.id_number
    assert svc.check(form) == []
    svc.save(form)
    loaded = svc.load(saved.id)
    assert (loaded.persons[0].id_number, loaded.persons[1].id_number) == (SPOUSE_ID, HEAD_ID)

    # A member removed and the number given to a new member in the same save.
    loaded.persons.pop(1)
    loaded.persons.append(PersonForm(name="王㑇", id_number=HEAD_ID, relation="配偶"))
    svc.save(loaded)
    again = svc.load(saved.id)
    assert [p.id_number for p in again.persons] == [SPOUSE_ID, "", HEAD_ID]
    with db.session() as s:
        assert s.get(m.Household, saved.id).head_id_number == SPOUSE_ID  # type: ignore[union-attr]


def test_duplicate_code_and_group_of_another_village(
    db: Database, org: Org, svc: HouseholdService
) -> None:
    svc.save(family(svc, org))
    form = family(svc, org)
    assert form.code == "T07-0002"
    form.code = "t07-0001"
    form.group_id = org.other_group
    form.persons = [PersonForm(name="孙七", relation="户主")]
    paths = {p.path: p.message for p in svc.check(form)}
    assert "T07-0001" in paths["code"] and "𠮷祥" in paths["code"]
    assert "group_id" in paths
    form.code = " "
    form.team_id = None
    paths = {p.path: p.message for p in svc.check(form)}
    assert {"code", "team_id"} <= paths.keys()


def test_long_text_is_a_problem_not_a_crash(org: Org, svc: HouseholdService) -> None:
    form = family(svc, org)
    form.address = "很长" * 101
    form.attachments[1].unit = "棵棵棵棵棵棵棵棵棵棵棵"
    paths = {p.path for p in svc.check(form) if p.severity is Severity.ERROR}
    assert paths == {"address", "attachments.1.unit"}


def test_large_area_needs_confirmation(db: Database, org: Org, svc: HouseholdService) -> None:
    form = family(svc, org)
    form.structures[0].legal_area = "6000"
    before = counts(db)
    with pytest.raises(ValidationFailed) as info:
        svc.save(form)
    assert [p.severity for p in info.value.problems] == [Severity.CONFIRM]
    assert "6000" in info.value.message
    assert counts(db) == before
    saved = svc.save(form, confirmed=True)
    assert svc.load(saved.id).structures[0].legal_area == "6000.00"


def test_unknown_scheme_item_is_a_warning(org: Org, svc: HouseholdService) -> None:
    form = family(svc, org)
    form.attachments[0].item_code = "A-GONE"
    form.structures[0].decoration = "DEC-GOLD"
    problems = svc.check(form)
    assert {(p.path, p.severity) for p in problems} == {
        ("attachments.0.item_code", Severity.WARNING),
        ("structures.0.decoration", Severity.WARNING),
    }
    svc.save(form)  # warnings do not stop a save


# --- optimistic locking ----------------------------------------------------------------------


def test_second_of_two_concurrent_edits_is_refused(
    db: Database, org: Org, svc: HouseholdService
) -> None:
    saved = svc.save(family(svc, org))
    teammate = replace(org.other, team_id=org.team7)  # only a team's own staff edit its households
    mine, theirs = svc.load(saved.id), HouseholdService(db, teammate).load(saved.id)
    mine.address = "第一次保存的地址"
    mine.persons[2].name = "李坤"
    svc.save(mine)
    theirs.remarks = "第二个窗口的备注"
    theirs.persons[2].name = "李昆"
    before = counts(db)
    with pytest.raises(ConcurrentEdit) as info:
        HouseholdService(db, teammate).save(theirs)
    assert "已被其他人修改" in info.value.message and "张丽" in info.value.message
    assert counts(db) == before
    now = svc.load(saved.id)
    assert (now.address, now.remarks, now.persons[2].name) == (
        "第一次保存的地址",
        "门前有水塘",
        "李坤",
    )
    assert now.row_version == 2


def test_saving_a_deleted_household_is_a_concurrent_edit(
    db: Database, org: Org, svc: HouseholdService
) -> None:
    form = family(svc, org)
    form.id, form.row_version = uuid.uuid4(), 1
    with pytest.raises(ConcurrentEdit, match="删除"):
        svc.save(form)
    with pytest.raises(LookupError):
        svc.load(form.id)


# --- forms, choices, operators ---------------------------------------------------------------


def test_new_form_takes_the_next_free_code(db: Database, org: Org) -> None:
    with db.session() as s, s.begin():
        for code in ("T07-0007", "T07-0123", "T07-12A", "T070-0999", "T03-0500"):
            s.add(
                m.Household(
                    project_id=org.project_id, code=code, team_id=org.team7,
                    village_id=org.village, status="registered",
                )
            )  # fmt: skip
    anonymous = HouseholdService(db, None)
    assert anonymous.new_form(team_id=org.team7).code == "T07-0124"
    assert anonymous.new_form(village_id=org.other_village).code == "T03-0501"
    blank = anonymous.new_form()
    assert (blank.code, blank.team_id, blank.responsible_id) == ("", None, None)
    assert [p.relation for p in blank.persons] == ["户主"]


def test_choices(org: Org, svc: HouseholdService) -> None:
    c = svc.choices()
    assert svc.choices() is c
    assert [v.name for v in c.villages] == ["李营村", "王庄村"]  # by pinyin
    assert [g.name for g in c.groups[org.village]] == ["一组", "二组", "十组"]
    assert [t.name for t in c.teams] == ["第三工作组", "第七工作组"]
    assert [(o.name, team) for o, team in c.operators] == [("王强", org.team3), ("张丽", org.team7)]
    assert c.relations[0] == "户主" and "儿媳" in c.relations
    assert ("brick_concrete", "砖混") in c.structure_types
    assert [(i.code, i.name, i.unit) for i in c.decorations] == [
        ("DEC-MID", "室内装修补偿（中档）", "㎡"),
        ("DEC-LOW", "室内装修补偿（普通）", "㎡"),
    ]
    assert [i.code for i in c.attachment_items] == ["A-WELL-HAND", "A-TREE-S"]


def test_operators(db: Database, org: Org) -> None:
    assert operators(db) == [org.other, org.clerk]  # by login


# --- files ---------------------------------------------------------------------------------


def test_add_file_copies_by_content(
    db: Database, org: Org, svc: HouseholdService, tmp_path: Path
) -> None:
    first = svc.save(family(svc, org))
    content = b"\xff\xd8\xff\xe0 photo of the well " * 1000
    photo = tmp_path / "井 照片.JPG"
    photo.write_bytes(content)
    row = svc.add_file(first.id, photo)
    assert row.sha256 == hashlib.sha256(content).hexdigest()
    assert (row.kind, row.original_name, row.size) == ("photo", "井 照片.JPG", len(content))
    assert row.path.read_bytes() == content
    assert row.path.name == f"{row.sha256}.jpg" and row.path.parent.name == row.sha256[:2]
    if db.path is not None:
        assert row.path.parents[1] == db.path.parent / "project-files"

    copy = tmp_path / "again.jpg"
    copy.write_bytes(content)
    assert svc.add_file(first.id, copy) == row  # already attached to this household
    second = svc.save(_other_family(svc, org))
    other_row = svc.add_file(second.id, photo, kind="scan")
    assert other_row.id != row.id and other_row.path == row.path
    # One copy, no temporary files left. (On PostgreSQL the file folder is shared by the
    # session's tests, so only this content's folder is looked at.)
    folder = row.path.parent
    assert [p for p in folder.iterdir() if p.name.startswith(row.sha256)] == [row.path]
    assert not [p for p in folder.iterdir() if p.name.startswith(".adding-")]
    assert svc.files(first.id) == [row]
    assert counts(db)["stored_file"] == 2
    entry = svc.history(first.id)[0]
    assert entry.title == "添加附件 井 照片.JPG" and "类型：照片" in entry.details


def _other_family(svc: HouseholdService, org: Org) -> HouseholdForm:
    form = svc.new_form(village_id=org.village)
    form.persons = [PersonForm(name="周八", relation="户主")]
    return form


def test_add_file_refuses_missing_folders_and_big_files(
    org: Org, svc: HouseholdService, tmp_path: Path
) -> None:
    saved = svc.save(_other_family(svc, org))
    with pytest.raises(FileProblem, match="找不到文件"):
        svc.add_file(saved.id, tmp_path / "nothing.jpg")
    with pytest.raises(FileProblem, match="文件夹"):
        svc.add_file(saved.id, tmp_path)
    big = tmp_path / "big.pdf"
    with big.open("wb") as f:
        f.truncate(50 * 1024 * 1024 + 1)
    with pytest.raises(FileProblem, match="50 MB") as info:
        svc.add_file(saved.id, big, kind="document")
    assert info.value.message == str(info.value)
    assert svc.files(saved.id) == []
