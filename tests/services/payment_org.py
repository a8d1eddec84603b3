"""Signed households for payment tests: the notice village, with agreements signed directly."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select

from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database

from .notice_org import NoticeOrg, make_notice_org

SIGNED_ON = date(2026, 3, 10)
DEADLINE = date(2026, 3, 31)


def sign(
    db: Database,
    household_id: uuid.UUID,
    total_fen: int,
    *,
    signed_on: date = SIGNED_ON,
    kind: str = "main",
    seq: int | None = None,
) -> uuid.UUID:
    """A signed agreement row (the agreements service is not needed to test payments)."""
    with db.session() as s, s.begin():
        hh = s.get(m.Household, household_id)
        assert hh is not None
        calc_id = s.scalar(select(m.Calculation.id).where(m.Calculation.household_id == hh.id))
        sv = s.scalar(select(m.SchemeVersion.id))
        n = seq or (len(s.scalars(select(m.Agreement.id)).all()) + 1)
        parent = None
        if kind == "supplementary":
            parent = s.scalar(
                select(m.Agreement.id).where(
                    m.Agreement.household_id == hh.id, m.Agreement.kind == "main"
                )
            )
        aid = uuid.uuid4()
        s.add(
            m.Agreement(
                id=aid, project_id=hh.project_id, household_id=hh.id, kind=kind,
                parent_id=parent, seq_no=n, number=f"CD征〔2026〕第{n:05d}号", status="signed",
                scheme_version_id=sv, calculation_id=calc_id, compensation_method="money",
                total_fen=total_fen, content={}, signed_on=signed_on,
            )
        )  # fmt: skip
        hh.status = "signed"
    return aid


def make_payment_org(db: Database, n: int = 5, *, deadline: date | None = DEADLINE) -> NoticeOrg:
    org = make_notice_org(db, n)
    with db.session() as s, s.begin():
        hh = s.get(m.Household, org.households[0])
        assert hh is not None
        if deadline is not None:
            s.add(
                m.Setting(project_id=hh.project_id, key="sign_deadline", value=deadline.isoformat())
            )
        s.add(
            m.Setting(
                project_id=hh.project_id,
                key="decision_number_format",
                value="清政征补决〔{year}〕第{seq:03d}号",
            )
        )
        for hid in org.households:
            h = s.get(m.Household, hid)
            assert h is not None
            h.account_holder = "" if h.code.endswith("1") else f"{h.head_name}配偶"
    return org


def status_of(db: Database, household_id: uuid.UUID) -> str:
    with db.session() as s:
        return s.scalar(select(m.Household.status).where(m.Household.id == household_id)) or ""
