"""Ledgers as villages keep them: sheets classified, a household needs a name or an ID
number, columns by meaning and content, the project's past, teams from villages."""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from relocation_desk.cli.main import main
from relocation_desk.services.errors import UserError
from relocation_desk.services.households.service import OperatorRef
from relocation_desk.services.ledger.importer import analyse, apply, unknown_villages
from relocation_desk.services.ledger.values import CellProblem, read_date
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database, open_database

from .household_org import make_org
from .ledger_books import pid
from .ledger_kinds import LEDGER, dated_spellings, kinds_workbook


@pytest.fixture
def kinds(tmp_path: Path) -> tuple[Path, dict[tuple[str, int], str]]:
    path = tmp_path / "张庄村台账.xlsx"
    return path, kinds_workbook(path)


def test_sheets_are_classified_with_their_reason(kinds) -> None:
    path, _expected = kinds
    analysis = analyse(path)
    got = {s.name: s.kind for s in analysis.sheets}
    assert got == {
        "填表说明": "notes",
        "汇总": "summary",
        "补偿标准": "rates",
        LEDGER: "households",
    }
    for s in analysis.sheets:
        assert s.kind_reason and s.describe().endswith(
            "不导入" if s.kind != "households" else "导入"
        )
    ledger = next(s for s in analysis.sheets if s.name == LEDGER)
    assert ledger.header is not None and ledger.header.header_rows == (3,)
    # The 填报单位 line is not part of the header.
    assert all("填报" not in c.header for c in ledger.header.columns)


def test_only_ledger_sheets_are_imported_and_every_row_is_reported(kinds, tmp_path: Path) -> None:
    path, expected = kinds
    report = apply(analyse(path), tmp_path / "new.sqlite")
    got = {(o.sheet, o.row): o.outcome for o in report.outcomes}
    assert {k: v for k, v in got.items() if k[0] == LEDGER} == expected
    # Every row of the other sheets is accounted for as skipped, with the sheet's kind.
    assert {r for (sheet, r) in got if sheet == "汇总"} == set(range(1, 8))
    assert {r for (sheet, r) in got if sheet == "补偿标准"} == set(range(1, 9))
    assert all(v == "skipped" for (sheet, _r), v in got.items() if sheet != LEDGER)
    assert report.households == 4 and report.persons == 5
    data = report.to_json()
    assert {(x["sheet"], x["row"]) for x in data["rejected"]} == {(LEDGER, 7)}
    assert "没有姓名，也没有身份证号码" in data["rejected"][0]["reason"]
    summary = next(x for x in data["sheets"] if x["sheet"] == "汇总")
    assert summary["kind"] == "汇总表" and not summary["imported"] and "户主" in summary["reason"]
    assert ("汇总", 3) in {(x["sheet"], x["row"]) for x in data["skipped"]}


def test_columns_by_meaning_each_field_from_one_column(kinds) -> None:
    path, _expected = kinds
    ledger = next(s for s in analyse(path).sheets if s.name == LEDGER)
    assert ledger.header is not None
    by_header = {c.header: c for c in ledger.header.columns}
    fields = ledger.header.fields()
    assert by_header["附属物(元)"].field is not None and not by_header["附属物(元)"].imported
    assert "金额" in by_header["附属物(元)"].note
    assert "item_name" not in fields
    assert by_header["家庭人口"].field == "member_count"
    assert by_header["登记人口"].field == "registered_count"
    assert not by_header["登记人口"].imported
    assert by_header["台账补偿金额"].field == "ledger_amount"
    assert by_header["核算补偿金额"].field == "computed_amount"
    assert not by_header["核算补偿金额"].imported
    for header, fld in (("调查日期", "survey_date"), ("签约日期", "signing_date"),
                        ("支付日期", "payment_date"), ("腾房日期", "vacating_date"),
                        ("拆除日期", "demolition_date"), ("已支付金额", "paid_amount")):  # fmt: skip
        assert fields[fld] == by_header[header].index


def test_two_columns_for_one_field_report_the_second(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["户主姓名", "身份证号码", "补偿金额", "补偿款"])
    ws.append(["王一", pid(1), 1000, 2000])
    ws.append(["王二", pid(2), 1000, 2000])
    wb.save(tmp_path / "a.xlsx")
    header = analyse(tmp_path / "a.xlsx").sheets[0].header
    assert header is not None
    second = header.columns[3]
    assert second.field == "ledger_amount" and not second.imported and "C列" in second.note


def test_mapping_is_shown_in_chinese_by_the_cli(kinds, tmp_path: Path, capsys) -> None:
    path, _expected = kinds
    report = tmp_path / "报告.json"
    code = main(["import-ledger", str(path), "--db", str(tmp_path / "n.sqlite"), "--dry-run",
                 "--report", str(report)])  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert "→ 签约日期" in out and "→ 调查日期" in out and "→ 台账补偿金额" in out
    assert "汇总表" in out and "补偿标准表" in out
    assert "ledger_amount" not in out and "survey_date" not in out
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["sheets"][0]["kind"] == "说明"


def test_unreadable_dates_and_missing_ids_are_reported(kinds, tmp_path: Path) -> None:
    path, _expected = kinds
    report = apply(analyse(path), tmp_path / "new.sqlite", dry_run=True)
    li = " ".join(w["reason"] for w in report.warnings if w["row"] == 6)
    assert "2026.9.31" in li and "10月底" in li
    assert "户主没有身份证号码" in li
    nameless = " ".join(w["reason"] for w in report.warnings if w["row"] == 10)
    assert "姓名为空" in nameless


def test_the_projects_past_is_imported_as_history_flagged(kinds, tmp_path: Path) -> None:
    path, _expected = kinds
    apply(analyse(path), tmp_path / "new.sqlite")
    db = open_database(tmp_path / "new.sqlite")
    try:
        with db.session() as s:
            wang = s.scalars(select(m.Household).where(m.Household.head_name == "王大明")).one()
            assert wang.ledger_amount_fen == 50_000_000  # the recorded amount, not recomputed
            stones = {
                x.kind: x.happened_on
                for x in s.scalars(select(m.Milestone).where(m.Milestone.household_id == wang.id))
            }
            assert stones == {"vacated": date(2026, 11, 1), "demolished": date(2026, 11, 20)}
            flag = s.scalars(
                select(m.DataFlag).where(
                    m.DataFlag.household_id == wang.id, m.DataFlag.field == "history"
                )
            ).one()
            assert "签约日期 2026-10-01" in flag.original_text
            assert "已支付金额 250,000.00 元" in flag.original_text
            assert "支付日期 2026-10-15" in flag.original_text
            assert flag.resolved_at is None and LEDGER in flag.source
            zhao = s.scalars(select(m.Household).where(m.Household.head_name == "赵五")).one()
            assert zhao.ledger_amount_fen == 7_000_000  # a formula cell's cached result
    finally:
        db.close()


@pytest.mark.parametrize(("value", "day"), dated_spellings())
def test_dates_in_ten_spellings(value: object, day: date) -> None:
    assert read_date(value) == day


@pytest.mark.parametrize("text", ["10月底", "2026.9.31", "26.3.5", "0026-03-05", "2026-13-01"])
def test_dates_that_cannot_be_read_say_why(text: str) -> None:
    with pytest.raises(CellProblem) as err:
        read_date(text)
    assert text in err.value.reason


# --- teams from villages -----------------------------------------------------------------------


def _village_ledger(path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(["序号", "村", "户主姓名", "身份证号码", "合法面积"])
    ws.append([1, "王庄村", "张一", pid(31), 100])
    ws.append([2, "李营村", "张二", pid(32), 100])
    ws.append([3, "新村", "张三", pid(33), 100])
    wb.save(path)


def _hq(db: Database, project_id: uuid.UUID) -> OperatorRef:
    op = uuid.uuid4()
    with db.session() as s, s.begin():
        s.add(m.Operator(id=op, project_id=project_id, login="hq1", name="指挥部", role="hq"))
    return OperatorRef(op, "hq1", "指挥部", "hq", None)


def test_each_household_goes_to_its_villages_team(db: Database, tmp_path: Path) -> None:
    org = make_org(db)
    hq = _hq(db, org.project_id)
    path = tmp_path / "v.xlsx"
    _village_ledger(path)
    analysis = analyse(path)
    assert unknown_villages(analysis, db) == ["新村"]
    report = apply(analysis, db, operator=hq)
    assert report.households == 2
    (rejected,) = report.rejected
    assert rejected["row"] == 4 and "新村" in rejected["reason"] and "工作组" in rejected["reason"]
    with db.session() as s:
        teams = dict(s.execute(select(m.Household.head_name, m.Household.team_id)).all())
    assert teams == {"张一": org.team7, "张二": org.team3}  # not the operator's team


def test_an_unknown_village_gets_the_team_the_user_names(db: Database, tmp_path: Path) -> None:
    org = make_org(db)
    hq = _hq(db, org.project_id)
    path = tmp_path / "v.xlsx"
    _village_ledger(path)
    with pytest.raises(UserError, match="T99"):
        apply(analyse(path), db, operator=hq, village_team={"新村": "T99"})
    report = apply(analyse(path), db, operator=hq, village_team={"新村": "T03"})
    assert report.households == 3 and not report.rejected
    with db.session() as s:
        zhang = s.scalars(select(m.Household).where(m.Household.head_name == "张三")).one()
        village = s.get(m.Village, zhang.village_id)
        assert zhang.team_id == org.team3 and village is not None
        assert village.name == "新村" and village.team_id == org.team3
        assert zhang.code.startswith("T03-")


def test_the_cli_reports_an_unknown_village(tmp_path: Path, capsys) -> None:
    first = tmp_path / "first.xlsx"
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["村", "户主姓名", "身份证号码"])
    wb.active.append(["王庄村", "李一", pid(41)])
    wb.save(first)
    target = tmp_path / "p.sqlite"
    assert main(["import-ledger", str(first), "--db", str(target)]) == 0
    path = tmp_path / "v.xlsx"
    _village_ledger(path)
    capsys.readouterr()
    assert main(["import-ledger", str(path), "--db", str(target), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "村“新村”不在本项目中" in out and "--village-team 新村=" in out
    assert "村“李营村”不在本项目中" in out
    assert "村“王庄村”不在本项目中" not in out
    code = main(["import-ledger", str(path), "--db", str(target), "--dry-run",
                 "--village-team", "新村=T01", "--village-team", "李营村=T01"])  # fmt: skip
    assert code == 0
    assert "不在本项目中" not in capsys.readouterr().out


# --- importing the corrected ledger again ----------------------------------------------------


def test_a_corrected_ledger_updates_and_signed_households_stay_locked(tmp_path: Path) -> None:
    from openpyxl import Workbook

    def ledger(amounts: tuple[int, int], area: float) -> Path:
        wb = Workbook()
        ws = wb.active
        ws.title = "台账"
        ws.append(["序号", "村", "户主姓名", "身份证号码", "合法面积", "补偿金额"])
        ws.append([1, "王庄村", "张一", pid(51), area, amounts[0]])
        ws.append([2, "王庄村", "张二", None, 80, amounts[1]])  # no ID: found by name
        path = tmp_path / f"l{amounts[0]}.xlsx"
        wb.save(path)
        return path

    target = tmp_path / "p.sqlite"
    apply(analyse(ledger((1000, 2000), 100)), target)
    db = open_database(target)
    try:
        with db.session() as s, s.begin():
            zhang2 = s.scalars(select(m.Household).where(m.Household.head_name == "张二")).one()
            zhang2.status = "signed"
    finally:
        db.close()
    report = apply(analyse(ledger((1500, 2500), 120.5)), target)
    by_row = {o.row: o for o in report.outcomes}
    assert by_row[2].outcome == "household" and "更新" in by_row[2].reason
    assert by_row[3].outcome == "skipped" and "已签约" in by_row[3].reason
    assert "台账补偿金额：台账 2,500.00，本项目 2,000.00" in by_row[3].reason
    assert ("台账", 3) in {(x["sheet"], x["row"]) for x in report.to_json()["skipped"]}
    db = open_database(target)
    try:
        with db.session() as s:
            rows = {h.head_name: h for h in s.scalars(select(m.Household))}
            assert len(rows) == 2
            assert rows["张一"].ledger_amount_fen == 150_000
            assert rows["张一"].legal_area_dm2 == 12050
            assert rows["张二"].ledger_amount_fen == 200_000  # locked: unchanged
    finally:
        db.close()


def test_reimport_on_both_databases(db: Database, tmp_path: Path) -> None:
    from openpyxl import Workbook

    def ledger(area: float, name: str) -> Path:
        wb = Workbook()
        ws = wb.active
        ws.append(["村", "户主姓名", "与户主关系", "身份证号码", "合法面积", "腾房日期"])
        ws.append(["王庄村", "张一", "户主", pid(61), area, "2026-11-01"])
        ws.append([None, name, "子", pid(62), None, None])
        path = tmp_path / f"r{area}.xlsx"
        wb.save(path)
        return path

    apply(analyse(ledger(100, "张小")), db)
    report = apply(analyse(ledger(90.5, "张晓")), db)
    assert report.households == 1 and not report.rejected
    with db.session() as s:
        hh = s.scalars(select(m.Household)).one()
        names = sorted(p.name for p in s.scalars(select(m.Person)))
        stones = s.scalars(select(m.Milestone)).all()
    assert hh.legal_area_dm2 == 9050 and hh.row_version == 2
    assert names == ["张一", "张晓"]  # the member matched by ID number, renamed
    assert len(stones) == 1 and stones[0].happened_on == date(2026, 11, 1)


def test_a_member_list_under_each_head(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "户表"
    ws.append(["序号", "户主姓名", "身份证号码", "合法面积", "补偿金额"])
    ws.append([1, "王大", pid(71), 100, 5000])
    ws.append([2, "李二", pid(72), 80, 4000])
    ws.append([3, "赵三", pid(73), 60, 3000])
    members = wb.create_sheet("家庭成员")
    members.append(["户主", "姓名", "与户主关系", "身份证号码"])
    members.append(["王大", "王大", "户主", pid(71)])
    members.append(["王大", "刘花", "妻", pid(74)])
    members.append(["王 大", "王小", "子", pid(75)])
    members.append(["李二", "李二", "户主", pid(72)])
    members.append(["钱四", "钱四", "户主", pid(76)])  # not on the household sheet
    wb.save(tmp_path / "m.xlsx")
    analysis = analyse(tmp_path / "m.xlsx")
    assert [s.kind for s in analysis.sheets] == ["households", "members"]
    report = apply(analysis, tmp_path / "m.sqlite")
    assert report.households == 3 and report.persons == 5
    by_row = {(o.sheet, o.row): o for o in report.outcomes}
    assert by_row[("家庭成员", 6)].outcome == "rejected"
    assert "钱四" in by_row[("家庭成员", 6)].reason
    db = open_database(tmp_path / "m.sqlite")
    try:
        with db.session() as s:
            counts = dict(s.execute(select(m.Household.head_name, m.Household.member_count)).all())
    finally:
        db.close()
    assert counts == {"王大": 3, "李二": 1, "赵三": 1}  # 赵三 is not on the list: kept as is


def test_a_formula_saved_without_its_result_is_reported(tmp_path: Path) -> None:
    import re
    import zipfile

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["户主姓名", "身份证号码", "合法面积", "补偿金额"])
    ws.append(["王一", pid(81), 100, "=C2*1000"])  # openpyxl saves the formula, no value
    ws.append(["王二", pid(82), 90, 5000])
    path = tmp_path / "f.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
    assert re.search(r"<c r=\"D2\"[^>]*><f>C2\*1000</f>(<v ?/>)?</c>", sheet)
    report = apply(analyse(path), tmp_path / "f.sqlite", dry_run=True)
    warned = {w["row"]: w["reason"] for w in report.warnings}
    assert "D列是公式" in warned[2] and 3 not in warned
    assert report.households == 2


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), 1e308, 10**400])
def test_numbers_that_are_no_day_are_a_problem_of_the_cell(value: float | int) -> None:
    """A number cell read as a date (Excel's day serial) outside any real day, even one no
    integer can hold, is the cell's problem to report, never a crash of the import."""
    with pytest.raises(CellProblem):
        read_date(value)
