"""The scheme language as the services use it: scopes (one scheme per household, overlaps
refused at publishing, messages naming the schemes), the impact preview counting exactly what
recompute-all then changes, signed households keeping their calculation, and the agreement
citing the law of the scheme's land type."""

from __future__ import annotations

import copy
import json
import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from relocation_desk.services.agreements import content as ac
from relocation_desk.services.agreements.service import AgreementService
from relocation_desk.services.calculation.service import CalculationError, CalculationService
from relocation_desk.services.schemes.service import SchemeService, SchemeUserError
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database

from .calc_org import SCHEME_V1, CalcOrg, add_household, make_calc_org, publish, sign


def _versions(db: Database, hid: uuid.UUID) -> int:
    with db.session() as s:
        return (
            s.scalar(
                select(func.count())
                .select_from(m.Calculation)
                .where(m.Calculation.household_id == hid)
            )
            or 0
        )


def test_preview_counts_what_recompute_then_changes(db: Database) -> None:
    org = make_calc_org(db)
    hids = [add_household(db, org, f"T03-000{k}", legal_dm2=10000 * k) for k in (1, 2, 3)]
    calc = CalculationService(db, org.hq)
    for hid in hids:
        calc.compute(hid, as_of=date(2026, 3, 1))  # inside the signing window (to 06-30)
    schemes = SchemeService(db, org.hq)
    draft = schemes.new_draft(org.scheme_id)
    # An unchanged draft previewed after the window closed: the bonus line of every
    # household drops to 0, and the preview says so, item by item.
    later = date(2026, 7, 15)
    report = schemes.impact_preview(schemes.load(draft), as_of=later)
    assert report.changed == 3
    assert report.items == {"SIGN-BONUS": 3}
    assert report.item_names == {"SIGN-BONUS": "按期签约奖励"}
    assert report.delta_fen == -3 * 1000000
    summary = calc.recompute_all(as_of=later)
    assert summary.figures_changed == report.changed
    assert summary.items == report.items
    # Right after recomputing, nothing is left to change.
    again = schemes.impact_preview(schemes.load(draft), as_of=later)
    assert again.changed == 0 and again.items == {}


def test_a_signed_household_keeps_its_calculation(db: Database) -> None:
    org = make_calc_org(db)
    hid = add_household(db, org)
    calc = CalculationService(db, org.hq)
    first = calc.compute(hid, as_of=date(2026, 3, 1))
    sign(db, org, hid, first.id, date(2026, 3, 2))
    kept = calc.compute(hid, as_of=date(2026, 8, 1))  # signing date now enters the inputs
    assert kept.id == first.id and kept.status != "superseded"
    assert _versions(db, hid) == 1
    summary = calc.recompute_all(as_of=date(2026, 8, 1))
    assert summary.signed_kept == 1 and summary.changed == 0
    assert _versions(db, hid) == 1


def _scoped(name: str, villages: list[str]) -> dict[str, object]:
    data = copy.deepcopy(SCHEME_V1)
    data["name"] = name
    data["params"] = {"scope": {"villages": villages}}
    return data


def _add_scheme(db: Database, org: CalcOrg, data: dict[str, object]) -> uuid.UUID:
    sid = uuid.uuid4()
    with db.session() as s, s.begin():
        s.add(m.Scheme(id=sid, project_id=org.project_id, name=str(data["name"])))
    return sid


def test_publishing_an_overlapping_scope_is_refused_naming_both_schemes(
    db: Database, tmp_path: Path
) -> None:
    org = make_calc_org(db)  # 测试方案: no scope, the whole project
    path = tmp_path / "north.json"
    path.write_text(json.dumps(_scoped("城北方案", ["王庄村"]), ensure_ascii=False), "utf-8")
    schemes = SchemeService(db, org.hq)
    draft = schemes.import_file(path)
    with pytest.raises(SchemeUserError) as refused:
        schemes.publish(draft)
    text = refused.value.message
    assert "《城北方案》" in text and "《测试方案》第1版" in text and "重叠" in text


def test_each_household_takes_the_scheme_whose_scope_covers_it(db: Database) -> None:
    org = make_calc_org(db)
    # Narrow the project-wide scheme to 王庄村 and add one for 李庄村 with other rates.
    with db.session() as s, s.begin():
        s.query(m.RateItem).filter(m.RateItem.scheme_version_id == org.v1).delete()
        s.query(m.SchemeVersion).filter(m.SchemeVersion.id == org.v1).delete()
        li = m.Village(
            id=uuid.uuid4(), project_id=org.project_id, name="李庄村", team_id=org.team_id
        )
        s.add(li)
    publish(db, org.scheme_id, _scoped("测试方案", ["王庄村"]))
    other = _scoped("城南方案", ["李庄村"])
    other["items"][0]["rate_fen"] = 120000  # type: ignore[index]
    publish(db, _add_scheme(db, org, other), other)
    wang = add_household(db, org, "T03-0001", legal_dm2=10000, unlicensed_dm2=0)
    li_hh = add_household(db, org, "T03-0002", legal_dm2=10000, unlicensed_dm2=0)
    with db.session() as s, s.begin():
        hh = s.get(m.Household, li_hh)
        assert hh is not None
        hh.village_id = li.id
    calc = CalculationService(db, org.hq)
    as_of = date(2026, 3, 1)
    assert calc.compute(wang, as_of=as_of).lines[0].amount_fen == 110000 * 100
    south = calc.compute(li_hh, as_of=as_of)
    assert south.lines[0].amount_fen == 120000 * 100 and "城南方案" in south.scheme_label
    # A household of a village no scheme covers: the message says where and what to do.
    with db.session() as s, s.begin():
        zhao = m.Village(
            id=uuid.uuid4(), project_id=org.project_id, name="赵庄村", team_id=org.team_id
        )
        s.add(zhao)
        s.flush()
        hh = s.get(m.Household, li_hh)
        assert hh is not None
        hh.village_id = zhao.id
    with pytest.raises(CalculationError, match="没有适用于赵庄村的已发布补偿方案"):
        calc.compute(li_hh, as_of=as_of)


def test_signing_bonuses_come_from_the_scheme_whose_scope_covers_the_household(
    db: Database,
) -> None:
    org = make_calc_org(db)
    with db.session() as s, s.begin():
        s.query(m.RateItem).filter(m.RateItem.scheme_version_id == org.v1).delete()
        s.query(m.SchemeVersion).filter(m.SchemeVersion.id == org.v1).delete()
        li = m.Village(
            id=uuid.uuid4(), project_id=org.project_id, name="李庄村", team_id=org.team_id
        )
        s.add(li)
    publish(db, org.scheme_id, _scoped("测试方案", ["王庄村"]))  # bonus 10,000 元
    # 城南方案 takes effect later and pays another bonus: the newest scheme in force is not
    # the one a 王庄村 household falls under.
    south = _scoped("城南方案", ["李庄村"])
    south["effective_date"] = "2026-02-01"
    bonus = south["items"][5]["params"]  # type: ignore[index]
    bonus["windows"] = [{"from": "2026-02-01", "to": "2026-06-30", "rate_fen": 500000}]
    publish(db, _add_scheme(db, org, south), south)
    wang = add_household(db, org, "T03-0001")
    li_hh = add_household(db, org, "T03-0002")
    with db.session() as s, s.begin():
        hh = s.get(m.Household, li_hh)
        assert hh is not None
        hh.village_id = li.id
    agreements = AgreementService(db, org.clerk)
    day = date(2026, 3, 10)  # neither household has a calculation yet
    assert [(b.rate_fen, b.eligible) for b in agreements.bonus_eligibility(wang, day)] == [
        (1000000, True)
    ]
    assert [(b.rate_fen, b.eligible) for b in agreements.bonus_eligibility(li_hh, day)] == [
        (500000, True)
    ]
    assert agreements.state(wang, on=day).bonuses[0].rate_fen == 1000000
    # Before 城南方案 takes effect a 李庄村 household has no scheme, so no bonus to promise.
    assert agreements.bonus_eligibility(li_hh, date(2026, 1, 15)) == []


def _facts(land_type: str) -> ac.AgreementFacts:
    _template, values = ac.resolve_template(None, None)
    return ac.AgreementFacts(
        project_name="城北片区", household_code="T03-0001", head_name="王明",
        head_id_number="", address="王庄村", village="王庄村", group="一组", method="money",
        bank_name="", bank_account="", account_holder="", signers=(), lines=(), total_fen=100,
        calculation_id="c", calculation_version=1, scheme_version_id="v",
        scheme_label="城北方案 第1版", bonus_text="", values=values, land_type=land_type,
        provincial_rules="《河南省实施〈中华人民共和国土地管理法〉办法》",
    )  # fmt: skip


def test_the_agreement_cites_the_law_of_the_schemes_land() -> None:
    template, _values = ac.resolve_template(None, None)
    state = ac.build_main(_facts("state"), template)
    assert "《国有土地上房屋征收与补偿条例》" in state["preamble"]
    collective = ac.build_main(_facts("collective"), template)
    assert "《国有土地上房屋征收与补偿条例》" not in json.dumps(collective, ensure_ascii=False)
    assert "《中华人民共和国土地管理法》第四十七条、第四十八条" in collective["preamble"]
    assert "《河南省实施〈中华人民共和国土地管理法〉办法》" in collective["preamble"]
    assert collective["title"] == "城北片区集体土地上房屋征收补偿协议"
    for land in ("state", "collective"):
        assert ac.template_problems(ac.default_template(land)) == []
