"""Scheme versions as editable data, on both backends: drafts from the published version,
edits checked by parse_scheme (nothing saved when refused), publishing (HQ only, immutable
afterwards), discarding, export → import, bad files, and the impact preview of a draft."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from relocation_desk.domain.scheme import content_hash
from relocation_desk.domain.scheme_parse import parse_scheme
from relocation_desk.services.calculation.inputs import SchemeBook
from relocation_desk.services.calculation.service import CalculationService
from relocation_desk.services.errors import PermissionDenied
from relocation_desk.services.households.service import OperatorRef, operators, project_id_of
from relocation_desk.services.schemes.files import SchemeFileError
from relocation_desk.services.schemes.service import (
    DraftInvalid,
    ItemRow,
    SchemeService,
    SchemeUserError,
    VersionImmutable,
)
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database, open_database

from .calc_org import SCHEME_V1, CalcOrg, add_household, make_calc_org

AS_OF = date(2026, 3, 1)


def _rows(db: Database, version_id: object) -> list[tuple[str, int]]:
    with db.session() as s:
        return [
            (it.code, it.rate_fen)
            for it in s.scalars(
                select(m.RateItem)
                .where(m.RateItem.scheme_version_id == version_id)
                .order_by(m.RateItem.sort_order)
            )
        ]


def _draft(db: Database, org: CalcOrg) -> tuple[SchemeService, object]:
    svc = SchemeService(db, org.clerk)
    return svc, svc.new_draft(org.scheme_id)


def test_draft_copies_the_published_version(db: Database) -> None:
    org = make_calc_org(db)
    svc, draft = _draft(db, org)
    [scheme] = svc.list_schemes()
    assert [(v.version_no, v.status) for v in scheme.versions] == [(2, "draft"), (1, "published")]
    v2, v1 = scheme.versions
    assert v2.item_count == v1.item_count == len(SCHEME_V1["items"])
    assert v1.published_at is not None and v2.published_at is None and v2.published_by == ""
    assert _rows(db, draft) == _rows(db, org.v1)
    content = svc.load(draft)
    assert content.editable and content.version_no == 2
    assert content.effective_date == date(2026, 1, 1)
    # Drafts are not schemes anyone computes with.
    with db.session() as s:
        assert list(SchemeBook(s, project_id_of(s)).by_id) == [org.v1]


def test_one_draft_per_scheme_at_a_time(db: Database) -> None:
    org = make_calc_org(db)
    svc, _draft_id = _draft(db, org)
    with pytest.raises(SchemeUserError, match="已有草稿（第2版）"):
        svc.new_draft(org.scheme_id)


def test_edits_are_saved_in_order(db: Database) -> None:
    org = make_calc_org(db)
    svc, draft = _draft(db, org)
    content = svc.load(draft)
    content.items[0].rate_fen = 121000
    content.items[0].name = "砖混结构房屋（合法面积，新）"
    moved = content.items.pop(3)  # the well moves to the end
    content.items.append(moved)
    content.items.insert(
        4,
        ItemRow("A-WELL-DEEP", "机井", "口", 300000, "per_item", "attachment", {}),
    )
    content.effective_date = date(2026, 7, 1)
    content.notes = "第二版：砖混上调"
    content.params["issuer"] = "指挥部"
    summary = svc.save_draft(content)
    assert summary.item_count == len(SCHEME_V1["items"]) + 1
    codes = [c for c, _rate in _rows(db, draft)]
    assert codes[3:5] == ["MOVE", "A-WELL-DEEP"] and codes[-1] == "A-WELL-HAND"
    again = svc.load(draft)
    assert again.items[0].rate_fen == 121000 and again.items[0].name.endswith("新）")
    assert again.effective_date == date(2026, 7, 1)
    assert again.notes == "第二版：砖混上调" and again.params == {"issuer": "指挥部"}
    with db.session() as s:
        v = s.get(m.SchemeVersion, draft)
        assert v is not None and v.notes == "第二版：砖混上调"
        assert v.params == {"issuer": "指挥部", "notes": "第二版：砖混上调"}
    # The published version is untouched.
    assert _rows(db, org.v1)[0] == ("H-BC-L", 110000)


def test_an_invalid_edit_is_refused_and_nothing_is_saved(db: Database) -> None:
    org = make_calc_org(db)
    svc, draft = _draft(db, org)
    before = _rows(db, draft)
    content = svc.load(draft)
    content.items[0].rate_fen = 99000  # a valid change that must not be saved either
    content.items[1].params = {"legality": "legal", "structure_type": "brick_concrete"}
    content.items[2].code = "A-WELL-HAND"  # duplicate of item 4
    content.items[4].rate_fen = -5
    with pytest.raises(DraftInvalid) as caught:
        svc.save_draft(content)
    problems = caught.value.problems
    assert any("第2项（H-BC-U）与第1项（H-BC-L）重复" in p for p in problems)
    assert any("第4项（A-WELL-HAND）：项目编码与第3项重复" in p for p in problems)
    assert any("第5项（MOVE）：单价不能为负数" in p for p in problems)
    assert "草稿未保存" in caught.value.message
    assert _rows(db, draft) == before


def test_publish_needs_hq(db: Database) -> None:
    org = make_calc_org(db)
    _svc, draft = _draft(db, org)
    for op in (org.clerk, org.leader, None):
        with pytest.raises(PermissionDenied, match="发布补偿方案"):
            SchemeService(db, op).publish(draft)
    with db.session() as s:
        v = s.get(m.SchemeVersion, draft)
        assert v is not None and v.status == "draft"


def test_published_version_is_immutable(db: Database) -> None:
    org = make_calc_org(db)
    svc, draft = _draft(db, org)
    content = svc.load(draft)
    content.items[0].rate_fen = 130000
    content.effective_date = date(2026, 7, 1)
    svc.save_draft(content)
    published = SchemeService(db, org.hq).publish(draft)
    assert published.status == "published" and published.version_no == 2
    assert published.supersedes_id == org.v1 and published.published_by == "赵指挥"
    expected = content_hash(svc.scheme_of(draft))
    with db.session() as s:
        v = s.get(m.SchemeVersion, draft)
        assert v is not None and v.content_hash == expected and v.published_by == org.hq.id
        audit = s.scalars(
            select(m.AuditLog).where(m.AuditLog.entity_id == str(draft)).order_by(m.AuditLog.at)
        ).all()
        assert [a.action for a in audit] == ["create", "publish"]
        assert audit[1].after["content_hash"] == expected and audit[1].operator_id == org.hq.id
        # The calculations now see it.
        book = SchemeBook(s, project_id_of(s))
        found = book.in_force(date(2026, 7, 2))
        assert found is not None and found[0] == draft
    again = svc.load(draft)
    assert not again.editable
    again.items[0].rate_fen = 1
    with pytest.raises(VersionImmutable, match=r"第2版已于 .* 发布，不能再修改"):
        svc.save_draft(again)
    with pytest.raises(VersionImmutable, match="不能删除"):
        svc.discard(draft)
    with pytest.raises(VersionImmutable):
        SchemeService(db, org.hq).publish(draft)
    assert _rows(db, draft)[0] == ("H-BC-L", 130000)


def test_publish_refuses_an_earlier_effective_date(db: Database) -> None:
    org = make_calc_org(db)
    svc, draft = _draft(db, org)
    content = svc.load(draft)
    content.effective_date = date(2025, 12, 1)
    svc.save_draft(content)
    with pytest.raises(SchemeUserError, match="早于已发布的第1版"):
        SchemeService(db, org.hq).publish(draft)


def test_discard_deletes_the_draft_and_audits(db: Database) -> None:
    org = make_calc_org(db)
    svc, draft = _draft(db, org)
    svc.discard(draft)
    [scheme] = svc.list_schemes()
    assert [v.version_no for v in scheme.versions] == [1]
    assert _rows(db, draft) == []
    with db.session() as s:
        audit = s.scalars(select(m.AuditLog).where(m.AuditLog.action == "discard")).all()
        assert len(audit) == 1 and audit[0].before["version_no"] == 2
    svc.new_draft(org.scheme_id)  # a new draft may be made again


def test_export_import_round_trip_keeps_the_content_hash(
    db: Database, tmp_path: Path, sqlite_template: Path
) -> None:
    org = make_calc_org(db)
    svc = SchemeService(db, org.hq)
    path = tmp_path / "方案.json"
    svc.export_version(org.v1, path)
    text = path.read_text(encoding="utf-8")
    assert "砖混结构房屋（合法面积）" in text and "\n  " in text  # readable, indented
    data = json.loads(text)
    assert parse_scheme(data) == svc.scheme_of(org.v1)
    # Into another project's database: a new scheme, version 1, same content and hash.
    other_path = tmp_path / "other.sqlite"
    shutil.copyfile(sqlite_template, other_path)
    other = open_database(other_path)
    try:
        hq = _other_project(other)
        other_svc = SchemeService(other, hq)
        draft = other_svc.import_file(path)
        published = other_svc.publish(draft)
        with db.session() as s:
            original = s.get(m.SchemeVersion, org.v1)
            assert original is not None
            assert published.content_hash == original.content_hash
        assert published.version_no == 1 and published.scheme_name == "测试方案"
    finally:
        other.close()
    # Into the same scheme: the next version number.
    again = svc.import_file(path)
    assert svc.load(again).version_no == 2
    assert _rows(db, again) == _rows(db, org.v1)


def _other_project(db: Database) -> OperatorRef:
    import uuid

    pid, oid = uuid.uuid4(), uuid.uuid4()
    with db.session() as s, s.begin():
        s.add(m.Project(id=pid, code="P2", name="另一项目"))
        s.flush()
        s.add(m.Operator(id=oid, project_id=pid, login="hq2", name="钱指挥", role="hq"))
    return next(o for o in operators(db) if o.id == oid)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xff\xfe\x00garbage", "不是 UTF-8 编码的文本"),
        ('{"name": "方案", "items": [}'.encode(), "不是有效的 JSON：第 1 行第"),
        (b"[1, 2, 3]", "是 JSON，但不是补偿方案"),
        (b'{"name": "x"}', "是 JSON，但不是补偿方案"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(
    db: Database, tmp_path: Path, content: bytes, expected: str
) -> None:
    org = make_calc_org(db)
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(SchemeFileError, match=expected):
        SchemeService(db, org.hq).import_file(path)
    assert len(SchemeService(db, org.hq).list_schemes()[0].versions) == 1


def test_invalid_items_in_a_file_name_the_item_and_field(db: Database, tmp_path: Path) -> None:
    org = make_calc_org(db)
    data = json.loads(json.dumps(SCHEME_V1))
    data["name"] = "新方案"
    data["items"][0]["rate_fen"] = 1100.5
    data["items"][2]["params"] = {"legality": "everything"}
    path = tmp_path / "bad-items.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SchemeFileError) as caught:
        SchemeService(db, org.hq).import_file(path)
    problems = caught.value.problems
    assert any(
        p.startswith("第1项（H-BC-L）：单价 rate_fen 应为以分为单位的整数") for p in problems
    )
    assert any(p.startswith("第3项（DEC-MID）：面积类别 legality") for p in problems)
    assert [s.name for s in SchemeService(db, org.hq).list_schemes()] == ["测试方案"]


def test_percents_in_a_file_must_say_their_unit(db: Database, tmp_path: Path) -> None:
    org = make_calc_org(db)
    data = json.loads(json.dumps(SCHEME_V1))
    data["name"] = "新方案"
    data["items"][1]["params"]["rate_of"] = {"code": "H-BC-L", "percent": "0.4"}
    data["items"][1]["rate_fen"] = 0
    data["items"].append(
        {"code": "VACATE", "name": "腾房奖励", "unit": "%", "rate_fen": 0, "kind": "percent",
         "category": "bonus", "params": {"percent": "0.05", "basis": {"categories": ["house"]}}}
    )  # fmt: skip
    path = tmp_path / "shares.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    svc = SchemeService(db, org.hq)
    with pytest.raises(SchemeFileError) as caught:
        svc.import_file(path)
    assert caught.value.message.startswith("文件 shares.json 中的方案《新方案》有 2 处错误")
    assert caught.value.problems == (
        "第2项（H-BC-U）：折算比例 rate_of.percent 写的是“0.4”，看不出是 0.4 % 还是 40 %。"
        "比例一律写成百分数，写 5 % 表示百分之五；若确为千分之五请写 0.5 %。"
        "本项请写“40 %”或“0.4 %”",
        "第8项（VACATE）：比例 percent 写的是“0.05”，看不出是 0.05 % 还是 5 %。"
        "比例一律写成百分数，写 5 % 表示百分之五；若确为千分之五请写 0.5 %。"
        "本项请写“5 %”或“0.05 %”",
    )
    assert [s.name for s in svc.list_schemes()] == ["测试方案"]
    # Written with the unit (or a whole number) the file is read as it says.
    data["items"][1]["params"]["rate_of"]["percent"] = "40 %"
    data["items"][-1]["params"]["percent"] = "0.05 %"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    draft = svc.load(svc.import_file(path))
    assert draft.items[1].params["rate_of"]["percent"] == "40"
    assert draft.items[-1].params["percent"] == "0.05"
    # Exported, every percent carries its unit, so the file reads back the same.
    out = tmp_path / "out.json"
    svc.export_version(draft.version_id, out)
    written = json.loads(out.read_text(encoding="utf-8"))["items"]
    assert written[1]["params"]["rate_of"]["percent"] == "40 %"
    assert written[-1]["params"]["percent"] == "0.05 %"
    svc.discard(draft.version_id)
    again = svc.load(svc.import_file(out))
    assert again.items == draft.items


def test_a_file_naming_places_the_project_lacks_is_refused(db: Database, tmp_path: Path) -> None:
    org = make_calc_org(db)  # the project has one village, 王庄村, with no groups
    data = json.loads(json.dumps(SCHEME_V1))
    data["name"] = "城北方案"
    data["params"] = {
        "zones": {"一片区": ["王庄村", "张庄村", "王庄村/三组"]},
        "scope": {"villages": ["王庄村"], "zones": ["一片区"]},
    }
    data["items"][4]["params"]["when"] = [{"village": ["李庄村"]}]
    path = tmp_path / "north.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    svc = SchemeService(db, org.hq)
    with pytest.raises(SchemeFileError) as caught:
        svc.import_file(path)
    text = caught.value.message
    assert "方案《城北方案》用到了本项目没有的村或村/组，未导入" in text
    assert "“张庄村”“王庄村/三组”“李庄村”不是本项目的村（组）。本项目的村：王庄村。" in text
    assert [s.name for s in svc.list_schemes()] == ["测试方案"]
    with db.session() as s, s.begin():
        s.add(m.VillageGroup(village_id=org.village_id, name="三组"))
        for name in ("张庄村", "李庄村"):
            s.add(m.Village(project_id=org.project_id, name=name, team_id=org.team_id))
    assert svc.import_file(path) is not None


def test_a_minimum_guarantee_must_say_per_household_or_per_person(
    db: Database, tmp_path: Path
) -> None:
    org = make_calc_org(db)
    data = json.loads(json.dumps(SCHEME_V1))
    data["items"].append(
        {"code": "FLOOR", "name": "最低补偿保障", "unit": "户", "rate_fen": 20000000,
         "kind": "minimum_guarantee", "category": "guarantee", "params": {}}
    )  # fmt: skip
    path = tmp_path / "floor.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    svc = SchemeService(db, org.hq)
    with pytest.raises(SchemeFileError) as caught:
        svc.import_file(path)
    assert caught.value.problems == (
        "第8项（FLOOR）：最低补偿保障必须写明计量基数 per：household（按户，保障标准 = 单价）"
        "或 person（按人，保障标准 = 单价 × 家庭人口）",
    )
    assert "《测试方案》" in caught.value.message
    data["items"][-1]["params"]["per"] = "household"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    draft = svc.load(svc.import_file(path))
    assert draft.items[-1].params["per"] == "household"


def test_missing_file_is_a_user_error(db: Database, tmp_path: Path) -> None:
    org = make_calc_org(db)
    with pytest.raises(SchemeFileError, match="找不到文件"):
        SchemeService(db, org.hq).import_file(tmp_path / "nowhere.json")


def test_imported_new_scheme_discarded_leaves_nothing(db: Database, tmp_path: Path) -> None:
    org = make_calc_org(db)
    data = json.loads(json.dumps(SCHEME_V1))
    data["name"] = "补充方案"
    path = tmp_path / "new.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    svc = SchemeService(db, org.hq)
    draft = svc.import_file(path)
    assert [s.name for s in svc.list_schemes()] == ["测试方案", "补充方案"]
    svc.discard(draft)
    assert [s.name for s in svc.list_schemes()] == ["测试方案"]


def test_impact_preview_of_a_draft(db: Database) -> None:
    org = make_calc_org(db)
    hids = [add_household(db, org, f"T03-000{k}", legal_dm2=10000 * k) for k in (1, 2)]
    calc = CalculationService(db, org.clerk)
    for hid in hids:
        calc.compute(hid, as_of=AS_OF)
    svc, draft = _draft(db, org)
    content = svc.load(draft)
    content.items[0].rate_fen += 1000  # +10 元/㎡ legal brick-concrete
    report = svc.impact_preview(content, as_of=AS_OF)
    [team] = report.teams
    assert team.team_code == "T03" and team.households == 2 and team.changed == 2
    assert report.delta_fen == 1000 * 100 + 1000 * 200  # 100 ㎡ and 200 ㎡
    unchanged = svc.impact_preview(svc.load(draft), as_of=AS_OF)
    assert unchanged.changed == 0 and unchanged.delta_fen == 0
    content.items[0].rate_fen = -1
    with pytest.raises(DraftInvalid):
        svc.impact_preview(content, as_of=AS_OF)
