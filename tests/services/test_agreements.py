"""Agreements: readiness, numbering, signing and its lock, reprints, supplementary agreements."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from relocation_desk.domain.household_form import PersonForm
from relocation_desk.services.agreements.service import AgreementError, AgreementService, NotReady
from relocation_desk.services.calculation.service import CalculationService
from relocation_desk.services.households.service import HouseholdService, ValidationFailed
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database

from .agreement_org import AS_OF, SIGN_DAY, compute_check, make_agreement_org, post
from .calc_org import publish, scheme_v2


def _set(db: Database, model, row_id, **values) -> None:  # type: ignore[no-untyped-def]
    with db.session() as s, s.begin():
        row = s.get(model, row_id)
        for k, v in values.items():
            setattr(row, k, v)


def _print(svc: AgreementService, hid, on=SIGN_DAY):  # type: ignore[no-untyped-def]
    return svc.print(hid, lambda view: None, on=on)


def test_ready_household_prints_every_art25_item(db: Database) -> None:
    org, (hid, _other) = make_agreement_org(db)
    svc = AgreementService(db, org.clerk)
    assert svc.readiness(hid, on=SIGN_DAY) == []
    view = _print(svc, hid)
    c = view.content
    assert view.number == "征补协〔2026〕第00001号" and view.status == "draft"
    items = [cl["item"] for cl in c["clauses"]]
    for item in ("补偿方式", "补偿金额和支付期限", "用于产权调换房屋的地点和面积", "搬迁费",
                 "临时安置费或者周转用房", "停产停业损失", "搬迁期限", "过渡方式和过渡期限"):  # fmt: skip
        assert item in items
    calc = next(iter(_calcs(db, hid)))
    assert c["total_fen"] == calc.total_fen == sum(ln["amount_fen"] for ln in c["lines"])
    assert "6228480000000001" in " ".join(cl["text"] for cl in c["clauses"])
    # Two adults sign; the child does not.
    assert [p["relation"] for p in c["signers"]] == ["户主", "子"]
    assert "签约奖励" in c["bonus_text"] or "奖励" in c["bonus_text"]


def test_numbers_are_gap_free_and_kept_by_the_draft(db: Database) -> None:
    org, (a, b) = make_agreement_org(db)
    with db.session() as s, s.begin():
        s.add(m.Setting(project_id=org.project_id, key="agreement_number_format",
                        value="CD征〔{year}〕第{seq:05d}号"))  # fmt: skip
    svc = AgreementService(db, org.clerk)
    first = _print(svc, a)
    again = _print(svc, a)
    second = _print(svc, b)
    assert first.number == again.number == "CD征〔2026〕第00001号"
    assert second.number == "CD征〔2026〕第00002号"
    assert again.revision == 1
    with db.session() as s:
        assert s.scalar(select(m.Agreement.print_count).where(m.Agreement.id == first.id)) == 2


@pytest.mark.parametrize(
    "breakage, expected",
    [
        ("bank", "收款账户"),
        ("head_id", "户主"),
        ("unchecked", "尚未复核"),
        ("not_posted", "尚未在公示中张榜"),
        ("no_calc", "还没有核算结果"),
    ],
)
def test_printing_is_refused_with_the_reason(db: Database, breakage: str, expected: str) -> None:
    org, (hid, _other) = make_agreement_org(db)
    if breakage == "bank":
        _set(db, m.Household, hid, bank_account="")
    elif breakage == "head_id":
        with db.session() as s, s.begin():
            head = s.scalars(select(m.Person).where(m.Person.household_id == hid,
                                                    m.Person.is_head.is_(True))).one()  # fmt: skip
            head.id_number = None
    elif breakage in ("unchecked", "not_posted"):
        with db.session() as s, s.begin():
            st = s.scalars(select(m.Structure).where(m.Structure.household_id == hid)).one()
            st.legal_area_dm2 += 100
        from relocation_desk.services.calculation.service import CalculationService

        view = CalculationService(db, org.clerk).compute(hid, as_of=AS_OF)
        if breakage == "not_posted":
            CalculationService(db, org.leader).check(view.id)
    elif breakage == "no_calc":
        with db.session() as s, s.begin():
            for c in s.scalars(select(m.Calculation).where(m.Calculation.household_id == hid)):
                c.status = "superseded"
    svc = AgreementService(db, org.clerk)
    problems = svc.readiness(hid, on=SIGN_DAY)
    assert any(expected in p for p in problems), problems
    with pytest.raises(NotReady) as info:
        _print(svc, hid)
    assert expected in info.value.message
    with db.session() as s:
        assert s.scalar(select(m.Agreement.id).where(m.Agreement.household_id == hid)) is None


def test_bonus_window_of_the_signing_day_must_match(db: Database) -> None:
    org, (hid, _other) = make_agreement_org(db)
    svc = AgreementService(db, org.clerk)
    problems = svc.readiness(hid, on=date(2026, 7, 5))  # after the bonus window
    assert any("签约奖励" in p for p in problems), problems
    status = svc.bonus_eligibility(hid, SIGN_DAY)
    assert [(b.eligible, b.rate_fen) for b in status] == [(True, 1000000)]
    assert [b.eligible for b in svc.bonus_eligibility(hid, date(2026, 7, 5))] == [False]


def test_sign_locks_the_agreement_and_the_household(db: Database) -> None:
    org, (hid, _other) = make_agreement_org(db)
    svc = AgreementService(db, org.clerk)
    with pytest.raises(AgreementError, match="还没有打印"):
        svc.sign(hid, SIGN_DAY, "王庄村委会")
    printed = _print(svc, hid)
    with pytest.raises(AgreementError, match="见证人"):
        svc.sign(hid, SIGN_DAY, " ")
    signed = svc.sign(hid, SIGN_DAY, "王庄村委会")
    assert signed.status == "signed" and signed.signed_on == SIGN_DAY
    assert signed.content == printed.content and signed.number == printed.number
    with db.session() as s:
        hh = s.get(m.Household, hid)
        assert hh is not None and hh.status == "signed"
        a = s.get(m.Agreement, signed.id)
        assert a is not None and a.payment_deadline == date(2026, 3, 25)
        actions = [
            r.action
            for r in s.scalars(
                select(m.AuditLog).where(m.AuditLog.entity == "agreement").order_by(m.AuditLog.at)
            )
        ]
    assert actions == ["create", "print", "sign"]
    # Reprints: the same content, marked and counted.
    r1 = _print(svc, hid)
    r2 = _print(svc, hid)
    assert (r1.reprint_no, r2.reprint_no) == (1, 2)
    assert r1.content == signed.content
    assert svc.state(hid, on=SIGN_DAY).reprints == 2
    # A new scheme version and a data change do not touch the signed agreement.
    publish(db, org.scheme_id, scheme_v2())
    with db.session() as s, s.begin():
        st = s.scalars(select(m.Structure).where(m.Structure.household_id == hid)).one()
        st.legal_area_dm2 += 1000
    compute_check(db, org, hid, as_of=date(2026, 8, 1))
    again = _print(svc, hid)
    assert again.content == signed.content and again.total_fen == signed.total_fen
    problems = svc.readiness(hid)
    assert len(problems) == 1 and "补充协议" in problems[0]


def test_household_editor_cannot_change_compensation_data_after_signing(db: Database) -> None:
    org, (hid, _other) = make_agreement_org(db)
    svc = AgreementService(db, org.clerk)
    _print(svc, hid)
    svc.sign(hid, SIGN_DAY, "王庄村委会")
    households = HouseholdService(db, org.clerk)
    form = households.load(hid)
    form.persons.append(PersonForm(name="新成员", relation="子"))
    with pytest.raises(ValidationFailed, match="补充协议"):
        households.save(form, confirmed=True)
    form = households.load(hid)
    form.structures[0].legal_area = "200"
    with pytest.raises(ValidationFailed, match="补充协议"):
        households.save(form, confirmed=True)
    form = households.load(hid)
    assert form.compensation_method == "money"
    form.compensation_method = "swap"
    with pytest.raises(ValidationFailed, match="补充协议") as refused:
        households.save(form, confirmed=True)
    assert [p.path for p in refused.value.problems] == ["compensation_method"]
    # Phone and remarks stay editable.
    form = households.load(hid)
    form.remarks = "已签约，待支付"
    form.persons[0].phone = "13800138000"
    households.save(form, confirmed=True)
    # An open supplementary agreement allows the change.
    main = svc.state(hid).main
    assert main is not None
    supp = svc.supplementary(main.id, "复核发现漏登附属物")
    form = households.load(hid)
    form.structures[0].legal_area = "130.50"
    households.save(form, confirmed=True)
    assert supp.number.endswith("第00001号") and "补" in supp.number
    # "Recompute all" leaves signed households alone, except one with an open supplementary
    # agreement: its new data need new figures.
    calc = CalculationService(db, org.clerk)
    summary = calc.recompute_all(as_of=SIGN_DAY)
    assert summary.signed_kept == 0 and summary.changed >= 1
    assert calc.current(hid).total_fen != main.total_fen  # type: ignore[union-attr]


def test_a_decided_household_is_locked_too(db: Database) -> None:
    org, (hid, _other) = make_agreement_org(db)
    with db.session() as s, s.begin():  # as holdouts.record_decision leaves it
        hh = s.get(m.Household, hid)
        assert hh is not None
        hh.status = "decision"
    households = HouseholdService(db, org.clerk)
    form = households.load(hid)
    form.structures[0].legal_area = "200"
    with pytest.raises(ValidationFailed, match="补偿决定"):
        households.save(form, confirmed=True)
    form = households.load(hid)
    form.remarks = "已作出补偿决定，待提存"
    households.save(form, confirmed=True)


def test_supplementary_agreement(db: Database) -> None:
    org, (hid, other) = make_agreement_org(db)
    svc = AgreementService(db, org.clerk)
    _print(svc, hid)
    main = svc.sign(hid, SIGN_DAY, "王庄村委会")
    with pytest.raises(AgreementError, match="原因"):
        svc.supplementary(main.id, "")
    supp = svc.supplementary(main.id, "复核发现漏登面积")
    assert supp.kind == "supplementary" and supp.parent_number == main.number
    with pytest.raises(AgreementError, match="未签订的补充协议"):
        svc.supplementary(main.id, "again")
    # Not ready until new figures are computed, checked and posted.
    assert any("新的核算结果" in p for p in svc.readiness(hid, on=SIGN_DAY))
    with db.session() as s, s.begin():
        st = s.scalars(select(m.Structure).where(m.Structure.household_id == hid)).one()
        st.legal_area_dm2 += 1000  # 10 ㎡ more: 10 × (1,100 + 250) 元
    compute_check(db, org, hid)
    assert any("公示" in p for p in svc.readiness(hid, on=SIGN_DAY))
    post(db, org)
    assert svc.readiness(hid, on=SIGN_DAY) == []
    view = _print(svc, hid)
    assert view.id == supp.id and view.number == supp.number
    assert view.content["difference_fen"] == 1350000
    assert view.total_fen == main.total_fen + 1350000
    assert {ch["name"] for ch in view.content["changes"]} == {
        "砖混结构房屋（合法面积）",
        "室内装修补偿（中档）",
    }
    signed = svc.sign(hid, date(2026, 3, 20), "王庄村委会")
    assert signed.id == supp.id and signed.status == "signed"
    # The main agreement is unchanged; the next supplementary number follows.
    assert svc.get(main.id).content == main.content
    second = svc.supplementary(main.id, "再次复核")
    assert second.number.endswith("第00002号")
    assert _print(svc, other).number.endswith("第00002号")  # main numbers: own sequence


def test_sign_first_lists_cadre_households(db: Database) -> None:
    org, (hid, _other) = make_agreement_org(db)
    svc = AgreementService(db, org.clerk)
    rows = svc.sign_first()
    assert [r.household_id for r in rows] == [hid]
    assert "村支书之孙" in rows[0].cadres and rows[0].signed_on is None
    _print(svc, hid)
    svc.sign(hid, SIGN_DAY, "王庄村委会")
    rows = svc.sign_first()
    assert rows[0].signed_on == SIGN_DAY and rows[0].number


def _calcs(db: Database, hid):  # type: ignore[no-untyped-def]
    with db.session() as s:
        return list(
            s.scalars(
                select(m.Calculation).where(
                    m.Calculation.household_id == hid, m.Calculation.status != "superseded"
                )
            )
        )


def test_project_template_setting_wins_and_is_checked(db: Database) -> None:
    from relocation_desk.services.agreements.content import default_template

    org, (hid, other) = make_agreement_org(db)
    template = default_template()
    template["title"] = "{project_name}国有土地上房屋征收补偿协议（{household_code}）"
    with db.session() as s, s.begin():
        s.add(m.Setting(project_id=org.project_id, key="agreement_template", value=template))
        s.add(m.Setting(project_id=org.project_id, key="agreement_values",
                        value={"authority": "清源县房屋征收与补偿办公室", "payment_days": 20}))  # fmt: skip
    svc = AgreementService(db, org.clerk)
    view = _print(svc, hid)
    assert view.content["title"] == "城东新区道路工程国有土地上房屋征收补偿协议（T03-0001）"
    assert "清源县房屋征收与补偿办公室" in view.content["parties"][0]
    assert view.content["payment_days"] == 20
    # A project template that drops an art. 25 item is refused, saying which.
    template["clauses"] = [c for c in template["clauses"] if c["item"] != "停产停业损失"]
    with db.session() as s, s.begin():
        row = s.get(m.Setting, (org.project_id, "agreement_template"))
        assert row is not None
        row.value = template
    problems = svc.readiness(other, on=SIGN_DAY)
    assert any("停产停业损失" in p and "agreement_template" in p for p in problems), problems


def test_demo_agreements_equal_their_posted_figures(demo_db_path, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The demo's signed agreements say what the service would print for them, and their
    figures are the posted ones."""
    import shutil

    from relocation_desk.domain.status import NoticeKind
    from relocation_desk.services.agreements import content as ac
    from relocation_desk.services.agreements.facts import gather
    from relocation_desk.services.notices.service import NoticeService
    from relocation_desk.storage.db import open_database

    copy = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_db_path, copy)
    db = open_database(copy)
    try:
        svc = AgreementService(db, None)
        notices = NoticeService(db, None)
        with db.session() as s:
            signed = list(s.scalars(select(m.Agreement).where(m.Agreement.status == "signed")))
            assert len(signed) > 50
            template, values = svc._template(s)
            for a in signed:
                hh = s.get(m.Household, a.household_id)
                assert hh is not None
                _problems, facts = gather(s, hh, a.signed_on, template, values)
                assert facts is not None
                fresh = ac.build_main(facts, template)
                assert ac.comparable(fresh) == ac.comparable(a.content), hh.code
        for a in signed[:40]:
            assert not notices.needs_renotice(a.household_id, NoticeKind.COMPENSATION)
    finally:
        db.close()
