"""Importing messy village ledgers: every row's outcome, the stored values, the flags."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from relocation_desk.cli.main import main
from relocation_desk.reports.ledger_xlsx import write_ledger
from relocation_desk.services.ledger.export import open_ledger
from relocation_desk.services.ledger.importer import LedgerFileError, analyse, apply
from relocation_desk.storage import models as m
from relocation_desk.storage.db import open_database

from .ledger_books import messy_ledger, pid


@pytest.fixture
def messy(tmp_path: Path) -> tuple[Path, dict[tuple[str, int], str]]:
    path = tmp_path / "台账.xlsx"
    return path, messy_ledger(path)


def test_every_row_has_its_expected_outcome(messy, tmp_path: Path) -> None:
    path, expected = messy
    analysis = analyse(path)
    sheet = analysis.sheets[0]
    assert sheet.header is not None and sheet.header.header_rows == (4, 5)
    mapping = analysis.mapping()["张庄村一组"]
    assert mapping["legal_area"] == "G" and mapping["unlicensed_area"] == "H"
    assert mapping["survey_date"] == "K"  # a hidden column is still read
    assert [c.hidden for c in sheet.header.columns][-1] is True
    report = apply(analysis, tmp_path / "new.sqlite")
    got = {(o.sheet, o.row): o.outcome for o in report.outcomes}
    assert got == expected
    assert report.households == 8 and report.persons == 10
    assert report.created_database
    data = report.to_json()
    assert list(data) == ["households", "persons", "rejected", "warnings", "skipped", "sheets"]
    assert {(r["sheet"], r["row"]) for r in data["rejected"]} == {
        ("张庄村一组", 15),
        ("张庄村一组", 16),
    }
    for item in data["rejected"] + data["warnings"]:
        assert set(item) == {"sheet", "row", "reason"} and item["reason"]
    warned = {(w["sheet"], w["row"]) for w in data["warnings"]}
    # the first holder of a conflicting ID, float-lost ID, check digit, amount/area/date,
    # missing name, declared count, negative area, subtotal rows, footer
    assert {("张庄村一组", r) for r in (6, 9, 10, 11, 12, 14, 17, 19)} <= warned
    assert ("二组", 4) in warned and ("二组", 5) in warned


def test_values_are_stored_normalised_and_flagged(messy, tmp_path: Path) -> None:
    path, _expected = messy
    apply(analyse(path), tmp_path / "new.sqlite")
    db = open_database(tmp_path / "new.sqlite")
    try:
        with db.session() as s:
            hh = {h.head_name or h.code: h for h in s.scalars(select(m.Household))}
            assert s.scalar(select(m.Project.name)) == "城东新区张庄村房屋征收补偿台账"
            assert [t.code for t in s.scalars(select(m.Team))] == ["T01"]
            assert [v.name for v in s.scalars(select(m.Village))] == ["张庄村"]
            assert sorted(g.name for g in s.scalars(select(m.VillageGroup))) == ["一组", "二组"]
            wang = hh["王小明"]
            assert wang.code == "T01-0001" and wang.ledger_amount_fen == 123456789
            assert wang.member_count == 3 and wang.declared_member_count == 3
            assert wang.legal_area_dm2 == 12050 and wang.unlicensed_area_dm2 == 3000
            assert "wxm" in wang.search_text
            persons = s.scalars(
                select(m.Person)
                .where(m.Person.household_id == wang.id)
                .order_by(m.Person.sort_order)
            ).all()
            assert [p.name for p in persons] == ["王小明", "李芳", "王𠮷"]
            assert [p.relation for p in persons] == ["户主", "配偶", "子"]
            assert [p.id_number for p in persons] == [pid(1), pid(2), pid(3)]
            assert persons[0].phone == "13812345678"
            assert "调查日期：2026-03-05" in wang.remarks
            zhao = hh["赵四"]
            assert zhao.ledger_amount_fen == 12_300_000 and zhao.head_id_number == ""
            assert (
                s.scalar(select(m.Person.phone).where(m.Person.household_id == zhao.id))
                == "0371-65432100"
            )
            sun = hh["孙六"]
            assert sun.head_id_number == "410102197001011235"[:17] + sun.head_id_number[17:]
            assert sun.head_id_number.startswith("41010219700101123")
            assert sun.ledger_amount_fen is None and sun.legal_area_dm2 == 0
            zhou = hh["周八"]
            assert zhou.declared_member_count == 4 and zhou.member_count == 1
            wu = hh["吴九"]
            assert wu.ledger_amount_fen == 1_500_000 and wu.legal_area_dm2 == 8880
            assert wu.remarks == "一户一宅"
            assert hh["郑十"].declared_member_count == 3
            flags = {(f.household_id, f.field): f for f in s.scalars(select(m.DataFlag))}
            lost = flags[(zhao.id, "id_number")]
            assert lost.original_text == "4.10102198001011E+17" and lost.person_id is not None
            assert "丢失" in lost.reason and "张庄村一组 9" in lost.source
            assert flags[(sun.id, "ledger_amount")].original_text == "壹万元"
            assert flags[(sun.id, "legal_area")].original_text == "abc"
            assert flags[(sun.id, "survey_date")].original_text == "2026年2月30日"
            assert (zhou.id, "member_count") in flags
            assert (wang.id, "id_number") in flags  # the ID used again by another household
            nameless = next(
                h for h in hh.values() if h.head_name == "" and h.code.startswith("T01")
            )
            assert (nameless.id, "name") in flags
            assert s.scalar(select(func.count()).select_from(m.AuditLog)) == 8
    finally:
        db.close()


def test_reject_problems_instead_of_marking(messy, tmp_path: Path) -> None:
    path, _expected = messy
    report = apply(analyse(path), tmp_path / "new.sqlite", mark_for_correction=False)
    rejected = {(r["sheet"], r["row"]) for r in report.rejected}
    assert {("张庄村一组", r) for r in (9, 10, 11, 12)} <= rejected
    assert ("二组", 4) in rejected
    assert report.households == 3  # 王小明, 周八, 吴九


def test_dry_run_writes_nothing(messy, tmp_path: Path) -> None:
    path, _expected = messy
    report = apply(analyse(path), tmp_path / "new.sqlite", dry_run=True)
    assert report.households == 8
    assert not (tmp_path / "new.sqlite").exists()


def test_all_or_nothing(messy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, _expected = messy
    target = tmp_path / "new.sqlite"
    from relocation_desk.services.ledger import write as ledger_write

    def broken(*args, **kwargs):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(ledger_write, "register_columns", broken)
    with pytest.raises(RuntimeError):
        apply(analyse(path), target)
    assert not target.exists()  # the new database is removed again


def test_reimporting_the_ledger_updates_never_duplicates(messy, tmp_path: Path) -> None:
    path, _expected = messy
    target = tmp_path / "new.sqlite"
    apply(analyse(path), target)
    again = apply(analyse(path), target)
    # Every household is found again (by its head's ID number, else by head name, village
    # and group) and updated in place.
    assert (
        again.households == 8
        and again.rejected == apply(analyse(path), tmp_path / "x.sqlite").rejected
    )
    updated = [o for o in again.outcomes if o.outcome == "household"]
    assert all(o.reason.startswith("更新本项目已有的") for o in updated)
    db = open_database(target)
    try:
        with db.session() as s:
            codes = list(s.scalars(select(m.Household.code).order_by(m.Household.code)))
            assert len(codes) == 8 == len(set(codes))
            assert s.scalar(select(func.count()).select_from(m.Person)) == 10
            updates = s.scalar(
                select(func.count())
                .select_from(m.AuditLog)
                .where(m.AuditLog.action == "import_update")
            )
            assert updates == 8
    finally:
        db.close()


def test_mapping_override(messy, tmp_path: Path) -> None:
    path, _expected = messy
    analysis = analyse(path)
    report = apply(
        analysis, tmp_path / "n.sqlite", mapping_overrides={"二组": {"remarks": None}}, dry_run=True
    )
    assert report.households == 8


def _bad_files(tmp_path: Path) -> dict[str, Path]:
    files = {}
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    files["xls"] = xls
    enc = tmp_path / "secret.xlsx"
    enc.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100 + "EncryptedPackage".encode("utf-16-le")
    )
    files["encrypted"] = enc
    csv = tmp_path / "ledger.csv"
    csv.write_text("户主,身份证号码\n张三,410102198001011234\n", encoding="utf-8")
    files["csv"] = csv
    corrupt = tmp_path / "broken.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 this is not really a zip")
    files["corrupt"] = corrupt
    empty = tmp_path / "empty.xlsx"
    Workbook().save(empty)
    files["empty"] = empty
    noheader = tmp_path / "noheader.xlsx"
    wb = Workbook()
    wb.active.append([1, 2, 3])
    wb.save(noheader)
    files["noheader"] = noheader
    return files


@pytest.mark.parametrize("kind", ["xls", "encrypted", "csv", "corrupt", "empty", "noheader"])
def test_unreadable_files_give_one_clear_message(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _bad_files(tmp_path)[kind]
    with pytest.raises(LedgerFileError) as info:
        analyse(path)
    words = {"xls": "xls", "encrypted": "密码", "csv": "CSV", "corrupt": "损坏", "empty": "空",
             "noheader": "表头"}  # fmt: skip
    assert words[kind] in info.value.message
    target = tmp_path / "db.sqlite"
    assert main(["import-ledger", str(path), "--db", str(target)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("错误：") and err.count("\n") == 1
    assert not target.exists()


def test_cli_writes_json_and_xlsx_report(messy, tmp_path: Path) -> None:
    path, _expected = messy
    report = tmp_path / "r.json"
    assert main(["import-ledger", str(path), "--db", str(tmp_path / "x.sqlite"),
                 "--report", str(report)]) == 0  # fmt: skip
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["households"] == 8 and len(data["rejected"]) == 2
    from openpyxl import load_workbook

    wb = load_workbook(report.with_suffix(".xlsx"))
    rows = list(wb.worksheets[1].iter_rows(values_only=True))
    assert len(rows) == 1 + len(_outcomes_of(path))
    assert wb.worksheets[1]["A7"].fill.fgColor.rgb  # coloured by outcome


def _outcomes_of(path: Path) -> list[object]:
    return apply(analyse(path), path.with_suffix(".dry.sqlite"), dry_run=True).outcomes


def _snapshot(path: Path) -> dict[str, object]:
    db = open_database(path)
    try:
        with db.session() as s:
            hh = {
                h.code: (h.head_name, h.head_id_number, h.member_count, h.declared_member_count,
                         h.legal_area_dm2, h.unlicensed_area_dm2, h.ledger_amount_fen, h.address,
                         h.bank_account, h.deadline, h.remarks)
                for h in s.scalars(select(m.Household))
            }  # fmt: skip
            code = {h.id: h.code for h in s.scalars(select(m.Household))}
            persons = sorted(
                (code[p.household_id], p.sort_order, p.name, p.id_number, p.relation, p.sex,
                 p.birth_date, p.phone)
                for p in s.scalars(select(m.Person))
            )  # fmt: skip
            structures = sorted(
                (code[x.household_id], x.sort_order, x.label, x.structure_type, x.legal_area_dm2,
                 x.unlicensed_area_dm2, x.floors, x.build_year, x.decoration)
                for x in s.scalars(select(m.Structure))
            )  # fmt: skip
            attachments = sorted(
                (code[a.household_id], a.sort_order, a.item_code, a.name, a.unit, a.quantity_milli)
                for a in s.scalars(select(m.Attachment))
            )
            flags = sorted(
                (code[f.household_id], f.field, f.original_text, f.reason)
                for f in s.scalars(select(m.DataFlag))
            )
            places = sorted(
                (code[h.id], s.get(m.Village, h.village_id).name,
                 s.get(m.VillageGroup, h.group_id).name if h.group_id else None)
                for h in s.scalars(select(m.Household))
            )  # fmt: skip
        return {"households": hh, "persons": persons, "structures": structures,
                "attachments": attachments, "flags": flags, "places": places}  # fmt: skip
    finally:
        db.close()


def _export(db_path: Path, out: Path) -> None:
    db = open_database(db_path)
    try:
        with open_ledger(db) as rows:
            write_ledger(out, rows)
    finally:
        db.close()


def test_round_trip_of_an_imported_ledger(messy, tmp_path: Path) -> None:
    path, _expected = messy
    first = tmp_path / "first.sqlite"
    apply(analyse(path), first)
    _export(first, tmp_path / "out.xlsx")
    second = tmp_path / "second.sqlite"
    report = apply(analyse(tmp_path / "out.xlsx"), second)
    assert report.rejected == []
    assert _snapshot(first) == _snapshot(second)


def test_round_trip_of_the_demo_project(demo_db_path: Path, tmp_path: Path) -> None:
    source = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_db_path, source)
    _export(source, tmp_path / "out.xlsx")
    target = tmp_path / "again.sqlite"
    report = apply(analyse(tmp_path / "out.xlsx"), target)
    assert report.rejected == []
    before, after = _snapshot(source), _snapshot(target)
    for key in ("persons", "structures", "attachments", "places"):
        assert before[key] == after[key], key
    # remarks and the rest of the household columns come back as they were
    assert before["households"] == after["households"]


def test_a_roster_of_persons_grouped_by_household_code(tmp_path: Path) -> None:
    path = tmp_path / "花名册.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "李庄村"
    ws.append(["户号", "姓名", "与户主关系", "身份证号码", "联系电话"])
    ws.append(["A-1", "张一", "户主", pid(21), "13900000001"])
    ws.append(["A-1", "王二", "妻子", pid(22), None])
    ws.append(["A-2", "李三", "户主", pid(23), None])
    ws.append(["A-2", "李四", "长子", pid(24), None])
    ws.append(["A-3", "赵五", "女儿", pid(25), None])  # no head row listed
    wb.save(path)
    report = apply(analyse(path), tmp_path / "roster.sqlite")
    assert [o.outcome for o in report.outcomes] == [
        "skipped", "household", "member", "household", "member", "household"
    ]  # fmt: skip
    assert report.households == 3 and report.persons == 5
    db = open_database(tmp_path / "roster.sqlite")
    try:
        with db.session() as s:
            rows = s.execute(
                select(m.Household.head_name, m.Household.member_count).order_by(m.Household.code)
            ).all()
            assert [tuple(r) for r in rows] == [("张一", 2), ("李三", 2), ("赵五", 1)]
            assert s.scalar(select(m.Village.name)) == "李庄村"
            assert s.scalar(select(m.Person.relation).where(m.Person.name == "赵五")) == "女"
            flag = s.scalar(select(m.DataFlag).where(m.DataFlag.field == "relation"))
            assert flag is not None and "未列出户主" in flag.reason
    finally:
        db.close()


def test_lower_case_x_spaces_and_full_width_digits(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["户主", "身份证号码", "联系电话"])
    ws.append(["甲 乙", "410102 19700101 003x", "0371-6543 2100"])
    ws.append(["丙丁", "４１０１０２１９７００１０１００５Ｘ", "138 1234 5678"])
    wb.save(path)
    report = apply(analyse(path), tmp_path / "x.sqlite")
    assert report.households == 2
    db = open_database(tmp_path / "x.sqlite")
    try:
        with db.session() as s:
            rows = s.execute(select(m.Person.name, m.Person.id_number, m.Person.phone)).all()
    finally:
        db.close()
    got = {r.name: (r.id_number, r.phone) for r in rows}
    assert got["甲乙"] == ("41010219700101003X", "0371-65432100")
    flagged = [w["reason"] for w in report.warnings if w["row"] == 3]
    assert got["丙丁"][0] is None and any("校验位" in r for r in flagged)
    assert got["丙丁"][1] == "13812345678"


def test_compensation_method_column(tmp_path: Path) -> None:
    """补偿方式 as ledgers write it; a text that names no method is flagged, never guessed."""
    path = tmp_path / "m.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["户主", "身份证号码", "补偿方式"])
    ws.append(["甲一", pid(11), "货币补偿"])
    ws.append(["乙二", pid(12), "产权调换"])
    ws.append(["丙三", pid(13), "货币+安置房"])
    ws.append(["丁四", pid(14), "看情况"])
    ws.append(["戊五", pid(15), None])
    wb.save(path)
    report = apply(analyse(path), tmp_path / "m.sqlite")
    assert report.households == 5
    db = open_database(tmp_path / "m.sqlite")
    try:
        with db.session() as s:
            rows = s.execute(select(m.Household.head_name, m.Household.compensation_method))
            got = {name: method for name, method in rows}
    finally:
        db.close()
    assert got == {"甲一": "money", "乙二": "swap", "丙三": "mixed", "丁四": None, "戊五": None}
    reasons = [w["reason"] for w in report.warnings if w["row"] == 5]
    assert any("补偿方式“看情况”无法识别" in r for r in reasons)
