"""A ledger's signed agreements, payments and milestones become real records, marked as
imported history: the balance, the daily report, sign-first, the signed notice and the
integrity check take them as they are; printing one is refused; a supplementary agreement
starts from the recorded amount."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select, update

from relocation_desk.domain.status import NoticeKind
from relocation_desk.services.agreements.service import AgreementError, AgreementService
from relocation_desk.services.households.service import OperatorRef
from relocation_desk.services.integrity import check_database
from relocation_desk.services.ledger.export import open_ledger
from relocation_desk.services.ledger.importer import analyse, apply
from relocation_desk.services.notices.rows import current_rows
from relocation_desk.services.payments.balance import household_balance, read_balances
from relocation_desk.services.progress import daily_report
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database

from .ledger_books import pid

CST = timezone(timedelta(hours=8))
HEADER = ["序号", "村", "户主姓名", "身份证号码", "合法面积", "台账补偿金额", "签约日期",
          "协议编号", "协议金额", "已支付金额", "支付日期", "腾房日期"]  # fmt: skip


def _ledger(
    tmp_path: Path, name: str = "台账.xlsx", paid_zhang2: int = 50_000, zhang3_signed: bool = False
) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(HEADER)
    # Signed with its own number, paid in full, vacated.
    ws.append([1, "张庄村", "张一", pid(81), 100, 310_000, "2026-09-01", "张庄协〔2026〕001号",
               300_000, 300_000, "2026-09-10", "2026-09-20"])  # fmt: skip
    # Signed without a number, partly paid.
    ws.append([2, "张庄村", "张二", pid(82), 80, 200_000, "2026年9月5日", None, 200_000,
               paid_zhang2, "2026.9.12", None])  # fmt: skip
    # Not signed yet.
    if zhang3_signed:  # a corrected ledger: signed and paid since
        ws.append([3, "张庄村", "张三", pid(83), 60, 90_000, "2026-10-02", "张庄协〔2026〕001号",
                   None, 90_000, "2026-10-03", None])  # fmt: skip
    else:
        ws.append([3, "张庄村", "张三", pid(83), 60, 90_000, None, None, None, None, None, None])
    path = tmp_path / name
    wb.save(path)
    return path


def _hq(db: Database) -> OperatorRef:
    """A 指挥部 operator of the imported project (prints and opens supplementary agreements)."""
    with db.session() as s, s.begin():
        o = m.Operator(project_id=s.scalar(select(m.Project.id)), team_id=None, login="hq1",
                       name="指挥部甲", role="hq")  # fmt: skip
        s.add(o)
        s.flush()
        return OperatorRef(o.id, o.login, o.name, o.role, o.team_id)


def _households(db: Database) -> dict[str, m.Household]:
    with db.session() as s:
        return {h.head_name: h for h in s.scalars(select(m.Household))}


def test_signed_agreements_and_payments_become_records(db: Database, tmp_path: Path) -> None:
    apply(analyse(_ledger(tmp_path)), db)
    hh = _households(db)
    with db.session() as s:
        agreements = {
            a.household_id: a for a in s.scalars(select(m.Agreement).order_by(m.Agreement.seq_no))
        }
        payments = list(s.scalars(select(m.Payment)))
        flags = {
            f.household_id: f
            for f in s.scalars(select(m.DataFlag).where(m.DataFlag.field == "history"))
        }
        audits = list(
            s.scalars(select(m.AuditLog).where(m.AuditLog.entity.in_(("agreement", "payment"))))
        )
        zhang1 = agreements[hh["张一"].id]
        assert (zhang1.origin, zhang1.status, zhang1.kind) == ("ledger", "signed", "main")
        assert zhang1.number == "张庄协〔2026〕001号" and zhang1.seq_no < 0  # outside the sequence
        assert zhang1.signed_on == date(2026, 9, 1)
        assert zhang1.recorded_total_fen == zhang1.total_fen == 30_000_000  # as recorded
        assert zhang1.calculation_id is None and zhang1.scheme_version_id is None
        assert zhang1.seal and zhang1.content["number_source"] == "ledger"
        zhang2 = agreements[hh["张二"].id]
        assert zhang2.content["number_source"] == "sequence" and zhang2.seq_no == 1
        assert zhang2.number == "征补协〔2026〕第00001号"
        assert zhang2.recorded_total_fen == 20_000_000
        assert hh["张三"].id not in agreements
        got = sorted((p.household_id == hh["张一"].id, p.amount_fen, p.paid_on, p.method)
                     for p in payments)  # fmt: skip
        assert got == [(False, 5_000_000, date(2026, 9, 12), "ledger"),
                       (True, 30_000_000, date(2026, 9, 10), "ledger")]  # fmt: skip
        assert all(p.seal and p.agreement_id == agreements[p.household_id].id for p in payments)
        assert {(a.entity, a.action) for a in audits} == {
            ("agreement", "sign"),
            ("payment", "create"),
        }
        assert all(a.seal for a in audits)
        # The 待核实 flag stays, now naming the records made from it.
        assert "已记为台账导入的历史协议 张庄协〔2026〕001号" in flags[hh["张一"].id].reason
        assert "支付记录 1 笔" in flags[hh["张一"].id].reason
        assert "按本项目协议编号规则编号" in flags[hh["张二"].id].reason
        assert flags[hh["张一"].id].resolved_at is None
    assert hh["张一"].status == "vacated"  # paid in full, then vacated
    assert hh["张二"].status == "signed"  # partly paid
    assert hh["张三"].status == "registered"
    # The full-ledger export names them.
    with open_ledger(db) as rows:
        exported = [r for r in rows.agreements() if r[1] == "张庄协〔2026〕001号"]
    assert [(r[3], r[7], r[10]) for r in exported] == [
        ("已签约（台账导入）", 30_000_000, "台账记载")
    ]
    # The integrity check accepts the sealed records.
    report = check_database(db, files=False)
    assert report.ok, [(p.title, p.problems) for p in report.parts if not p.ok]


def test_balance_daily_report_and_sign_first_include_them(db: Database, tmp_path: Path) -> None:
    apply(analyse(_ledger(tmp_path)), db)
    hh = _households(db)
    with db.session() as s, s.begin():
        s.execute(update(m.Person).where(m.Person.name == "张二").values(is_cadre=True))
        s.execute(update(m.Household).where(m.Household.id == hh["张二"].id).values(has_cadre=True))
    with db.session() as s:
        b = household_balance(s, s.get(m.Household, hh["张二"].id))
        assert (b.due_fen, b.paid_fen, b.outstanding_fen) == (20_000_000, 5_000_000, 15_000_000)
        project = s.scalar(select(m.Project.id))
        by_code = {x.head_name: x for x in read_balances(s, project)}
    assert set(by_code) == {"张一", "张二"}
    assert by_code["张一"].outstanding_fen == 0 and by_code["张二"].due_fen == 20_000_000
    today = datetime.now(CST).date()
    data = daily_report.build(db, today, cutoff=datetime.now(CST))
    assert (data.total.signed, data.total.paid, data.total.vacated) == (2, 1, 1)
    assert data.total.signed_fen == 50_000_000
    rows = AgreementService(db, None).sign_first()
    assert [(r.head_name, r.signed_on) for r in rows] == [("张二", date(2026, 9, 5))]
    with db.session() as s:
        village = s.scalar(select(m.Village.id))
        signed = current_rows(s, NoticeKind.SIGNED, village_id=village)
    shown = {r.code: r.data for r in signed.values()}
    assert shown[hh["张一"].code]["total_fen"] == 30_000_000
    assert "台账导入" in shown[hh["张一"].code]["status"]


def test_printing_an_imported_agreement_is_refused(db: Database, tmp_path: Path) -> None:
    apply(analyse(_ledger(tmp_path)), db)
    hh = _households(db)
    svc = AgreementService(db, _hq(db))
    with pytest.raises(
        AgreementError, match="历史协议由台账导入，本程序不重印；如需变更请签订补充协议"
    ):
        svc.prepare(hh["张一"].id)
    with pytest.raises(AgreementError, match="历史协议由台账导入"):
        svc.print_to_file(hh["张一"].id, tmp_path / "a.pdf", lambda v, p: p.write_bytes(b"x"))
    assert not (tmp_path / "a.pdf").exists()
    state = svc.state(hh["张一"].id)
    assert state.main is not None and state.main.origin == "ledger"
    assert state.main.recorded_total_fen == 30_000_000


def test_a_supplementary_agreement_needs_a_calculation_and_starts_from_the_record(
    db: Database, tmp_path: Path
) -> None:
    apply(analyse(_ledger(tmp_path)), db)
    hh = _households(db)
    svc = AgreementService(db, _hq(db))
    main = svc.state(hh["张二"].id).main
    assert main is not None
    with pytest.raises(AgreementError, match="请先录入补偿方案并核算该户"):
        svc.supplementary(main.id, "复核发现漏登附属物")
    with db.session() as s, s.begin():
        scheme = m.Scheme(project_id=s.scalar(select(m.Project.id)), name="补偿方案")
        s.add(scheme)
        s.flush()
        sv = m.SchemeVersion(scheme_id=scheme.id, version_no=1, status="published",
                             effective_date=date(2026, 1, 1))  # fmt: skip
        s.add(sv)
        s.flush()
        s.add(m.Calculation(household_id=hh["张二"].id, version_no=1, scheme_version_id=sv.id,
                            status="checked", compensation_method="money", inputs_hash="x",
                            total_fen=21_000_000))  # fmt: skip
    supp = svc.supplementary(main.id, "复核发现漏登附属物")
    assert supp.kind == "supplementary" and supp.total_fen == 20_000_000  # from the record


def test_reimport_keeps_signed_households_locked(db: Database, tmp_path: Path) -> None:
    apply(analyse(_ledger(tmp_path)), db)
    report = apply(analyse(_ledger(tmp_path, "台账2.xlsx", paid_zhang2=80_000)), db)
    by_row = {o.row: o for o in report.outcomes}
    assert by_row[3].outcome == "skipped" and "已签约" in by_row[3].reason
    with db.session() as s:
        assert len(s.scalars(select(m.Agreement)).all()) == 2
        assert len(s.scalars(select(m.Payment)).all()) == 2  # nothing recorded twice


def test_reimport_records_what_happened_since(db: Database, tmp_path: Path) -> None:
    apply(analyse(_ledger(tmp_path)), db)
    apply(analyse(_ledger(tmp_path, "台账2.xlsx", zhang3_signed=True)), db)
    hh = _households(db)
    assert hh["张三"].status == "paid"  # the ledger's amount (台账补偿金额) paid in full
    with db.session() as s:
        a = s.scalars(select(m.Agreement).where(m.Agreement.household_id == hh["张三"].id)).one()
        assert (a.origin, a.signed_on, a.recorded_total_fen) == (
            "ledger",
            date(2026, 10, 2),
            9_000_000,
        )
        # The ledger's number is taken by 张一's agreement: numbered from the sequence.
        assert (
            a.number == "征补协〔2026〕第00002号"
            and a.content["ledger_number"] == "张庄协〔2026〕001号"
        )
        pay = s.scalars(select(m.Payment).where(m.Payment.household_id == hh["张三"].id)).one()
        assert (pay.amount_fen, pay.paid_on, pay.agreement_id) == (
            9_000_000,
            date(2026, 10, 3),
            a.id,
        )
        flag = s.scalars(
            select(m.DataFlag).where(
                m.DataFlag.household_id == hh["张三"].id, m.DataFlag.field == "history"
            )
        ).one()
        assert "已被本项目其他协议使用" in flag.reason
    report = check_database(db, files=False)
    assert report.ok, [(p.title, p.problems) for p in report.parts if not p.ok]
