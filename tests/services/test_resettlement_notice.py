"""选房结果公示 (``notice --kind resettlement``) and the 安置情况 column of other notices."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

from sqlalchemy import select

from relocation_desk.domain.status import NoticeKind
from relocation_desk.reports.notice_pdf import render_round
from relocation_desk.services.notices.service import NoticeService
from relocation_desk.services.resettlement.choosing import ChoiceService
from relocation_desk.services.resettlement.ordering import OrderService
from relocation_desk.storage.db import Database
from relocation_desk.storage.models_resettlement import ResettlementFlat

from .resettlement_org import add_building, add_swap_household, make_swap_org

DAY = date(2026, 12, 1)


def _flat(db: Database, number: str):
    with db.session() as s:
        return s.scalar(select(ResettlementFlat.id).where(ResettlementFlat.number == number))


def test_resettlement_round_rows_code_and_changes(db: Database, tmp_path: Path) -> None:
    org = make_swap_org(db)
    a, b, _c = (add_swap_household(db, org, f"T03-{i:04d}") for i in (1, 2, 3))
    add_building(db, org)
    OrderService(db, org.hq).issue_signed()
    choices = ChoiceService(db, org.clerk)
    choices.choose(a, _flat(db, "0301"))
    notices = NoticeService(db, org.hq)
    first = notices.post_or_reprint(org.village_id, NoticeKind.RESETTLEMENT, posted_from=DAY,
                                    objection_place="王庄村委会")  # fmt: skip
    assert first.title_kind == "选房结果公示"
    assert [r.data["code"] for r in first.rows] == ["T03-0001"]  # only households that chose
    row = first.rows[0].data
    assert row["resettlement"] == "幸福家园 1栋1单元0301 两室 90.00㎡"
    assert row["status"] == "选房顺序第1号"
    assert len(first.verification_code.replace("-", "")) == 16
    assert notices.verify(first.verification_code).matches
    # the same data reprints the same round
    again = notices.post_or_reprint(org.village_id, NoticeKind.RESETTLEMENT, posted_from=DAY,
                                    objection_place="王庄村委会")  # fmt: skip
    assert again.reprint and again.id == first.id

    choices.choose(a, _flat(db, "0203"))  # a second flat: the posted row no longer matches
    choices.choose(b, _flat(db, "0302"))
    result = notices.verify(first.verification_code)
    assert result.hash_ok and [d.field for d in result.differences] == ["resettlement"]
    second = notices.post_or_reprint(org.village_id, NoticeKind.RESETTLEMENT, posted_from=DAY,
                                     objection_place="王庄村委会")  # fmt: skip
    assert second.round_no == 2
    marks = {r.data["code"]: r.change_mark for r in second.rows}
    assert marks == {"T03-0001": "changed", "T03-0002": "new"}
    pdf = tmp_path / "resettlement.pdf"
    render_round(second, pdf, paper="A4")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert "安置情况" in text and "1栋1单元0302" in text and second.verification_code in text


def test_compensation_notice_shows_resettlement_only_where_chosen(db: Database) -> None:
    org = make_swap_org(db)
    a, _b = (add_swap_household(db, org, f"T03-{i:04d}") for i in (1, 2))
    add_building(db, org)
    OrderService(db, org.hq).issue_signed()
    ChoiceService(db, org.clerk).choose(a, _flat(db, "0101"))
    rnd = NoticeService(db, org.hq).post_or_reprint(
        org.village_id, NoticeKind.COMPENSATION, posted_from=DAY, objection_place="王庄村委会"
    )
    by_code = {r.data["code"]: r.data for r in rnd.rows}
    assert by_code["T03-0001"]["resettlement"].startswith("幸福家园 1栋1单元0101")
    assert "resettlement" not in by_code["T03-0002"]  # rows without a swap are as before
