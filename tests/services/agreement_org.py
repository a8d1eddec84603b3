"""A village whose households are computed, checked and posted: ready for agreements."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select

from relocation_desk.domain import idnumber
from relocation_desk.domain.status import NoticeKind
from relocation_desk.services.calculation.service import CalculationService
from relocation_desk.services.notices.service import NoticeService
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database

from .calc_org import CalcOrg, add_household, make_calc_org

AS_OF = date(2026, 3, 1)  # inside the scheme's signing-bonus window (to 2026-06-30)
SIGN_DAY = date(2026, 3, 10)
HEAD_NAMES = ["王建国", "欧阳𠀀琎", "李䶮"]


def make_agreement_org(db: Database, n: int = 2) -> tuple[CalcOrg, list[uuid.UUID]]:
    org = make_calc_org(db)
    hids = []
    for i in range(n):
        hid = add_household(db, org, f"T03-{i + 1:04d}")
        hids.append(hid)
        with db.session() as s, s.begin():
            hh = s.get(m.Household, hid)
            assert hh is not None
            hh.bank_name, hh.bank_account, hh.account_holder = (
                "农业银行",
                "6228480000000001",
                "户主",
            )
            hh.address = f"王庄村{i + 1}号"
            persons = s.scalars(
                select(m.Person).where(m.Person.household_id == hid).order_by(m.Person.sort_order)
            ).all()
            head = persons[0]
            head.name = HEAD_NAMES[i % len(HEAD_NAMES)]
            head.id_number = idnumber.make("410102", date(1965, 1, 1 + i), 101 + 2 * i)
            head.birth_date = date(1965, 1, 1 + i)
            hh.head_name = head.name
            persons[1].name, persons[2].name = "王小明", "王𠮷"
            persons[1].birth_date = date(1990, 5, 5)  # adult
            persons[2].birth_date = date(2015, 5, 5)  # a child: does not sign
            persons[2].is_cadre_relative = i == 0
            persons[2].cadre_note = "村支书之孙" if i == 0 else ""
            hh.has_cadre = i == 0
    for hid in hids:
        compute_check(db, org, hid)
    post(db, org)
    return org, hids


def compute_check(db: Database, org: CalcOrg, hid: uuid.UUID, as_of: date = AS_OF) -> None:
    view = CalculationService(db, org.clerk).compute(hid, as_of=as_of)
    if view.status != "checked":
        CalculationService(db, org.leader).check(view.id)


def post(db: Database, org: CalcOrg) -> None:
    NoticeService(db, org.leader).post_or_reprint(
        org.village_id, NoticeKind.COMPENSATION, posted_from=date(2026, 3, 2),
        objection_place="王庄村委会",
    )  # fmt: skip
