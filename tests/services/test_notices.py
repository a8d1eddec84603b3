"""Posting, reprinting and verifying wall notices; objections and their deadline."""

from __future__ import annotations

from datetime import date

import pytest

from relocation_desk.domain.notice import normalise_code
from relocation_desk.domain.status import NoticeKind
from relocation_desk.services.notices.service import NoticeError, NoticeService

from .notice_org import make_notice_org, set_area

START = date(2026, 4, 1)


def _post(svc: NoticeService, org, **kw):  # type: ignore[no-untyped-def]
    return svc.post_or_reprint(
        org.village, NoticeKind.COMPENSATION, posted_from=START, objection_place="王庄村委会", **kw
    )


def test_post_freezes_public_rows_only(db) -> None:  # type: ignore[no-untyped-def]
    org = make_notice_org(db)
    svc = NoticeService(db, org.clerk)
    view = _post(svc, org)
    assert view.round_no == 1 and not view.reprint
    assert view.posted_to == date(2026, 4, 7)  # 7 days by default
    assert normalise_code(view.verification_code) == view.verification_code
    assert len(view.rows) == 5 and all(r.change_mark == "" for r in view.rows)
    text = repr([r.data for r in view.rows])
    for idn in org.ids:
        assert idn not in text
        assert idn[:6] + "********" + idn[-4:] in text
    assert "13800138000" not in text and "6222020000000000001" not in text
    vulnerable = next(r for r in view.rows if r.data["head_name"] == "李䶮")
    # The hardship line is merged into "other", never a column of its own.
    assert vulnerable.data["amounts"] == {"house": 12345601, "moving": 400000, "other": 800000}
    assert view.columns == ("house", "moving", "other")
    cadre = next(r for r in view.rows if r.data["head_name"] == "张𠮷祥")
    assert cadre.data["mark"] == "干部"


def test_reprint_change_verify_and_renotice(db) -> None:  # type: ignore[no-untyped-def]
    org = make_notice_org(db)
    svc = NoticeService(db, org.clerk)
    first = _post(svc, org)
    again = _post(svc, org)
    assert again.reprint and again.id == first.id and again.rows == first.rows
    assert not svc.needs_renotice(org.households[0])
    assert svc.verify("rdn:" + first.verification_code.lower()).matches

    set_area(db, org.households[3], 12345)
    result = svc.verify(first.verification_code)
    assert result.found and result.hash_ok and not result.matches
    assert [(d.household_id, d.field, d.posted, d.current) for d in result.differences] == [
        (org.households[3], "legal_area_dm2", 10003, 12345)
    ]
    assert svc.needs_renotice(org.households[3])
    assert not svc.needs_renotice(org.households[0])

    second = _post(svc, org)
    assert second.round_no == 2 and not second.reprint
    marks = {r.household_id: r.change_mark for r in second.rows}
    assert marks[org.households[3]] == "changed"
    assert sum(1 for v in marks.values() if v) == 1
    row = next(r for r in second.rows if r.household_id == org.households[3])
    assert row.data["changes"] == {"legal_area_dm2": [10003, 12345]}
    assert not svc.needs_renotice(org.households[3])
    assert svc.verify(second.verification_code).matches
    with pytest.raises(NoticeError):
        svc.post_round(org.village, NoticeKind.COMPENSATION, posted_from=START, objection_place=" ")


def test_objection_deadline_and_decisions(db) -> None:  # type: ignore[no-untyped-def]
    org = make_notice_org(db)
    svc = NoticeService(db, org.clerk)
    view = _post(svc, org)
    hid = org.households[0]
    obj = svc.record_objection(hid, view.id, "合法面积", "面积量少了", date(2026, 4, 5))
    assert obj.deadline == date(2026, 4, 20)  # 15 days to answer it
    with pytest.raises(NoticeError, match="截止"):
        svc.record_objection(hid, view.id, "合法面积", "晚了", date(2026, 4, 8))
    late = NoticeService(db, org.hq).record_objection(hid, view.id, "x", "晚了", date(2026, 4, 8))
    assert [o.id for o in svc.open_objections(org.village)] == [obj.id, late.id]
    with pytest.raises(NoticeError, match="理由"):
        svc.decide_objection(late.id, upheld=False, reason="")
    assert svc.decide_objection(late.id, upheld=False, reason="已复核无误").status == "rejected"
    assert not svc.needs_renotice(hid)
    decided = svc.decide_objection(obj.id, upheld=True, reason="复测")
    assert decided.needs_recalculation
    assert svc.needs_renotice(hid)
    assert svc.open_objections() == []


def test_survey_notice_and_print_count(db) -> None:  # type: ignore[no-untyped-def]
    org = make_notice_org(db)
    svc = NoticeService(db, org.clerk)
    view = svc.post_round(
        org.village, NoticeKind.SURVEY, group_id=org.group, posted_from=START, days=10,
        objection_place="村委会",
    )  # fmt: skip
    assert view.columns == () and "amounts" not in view.rows[0].data
    assert view.posted_to == date(2026, 4, 10)
    assert svc.record_print(view.id) == 1
    assert svc.record_print(view.id) == 2
    assert svc.verify(view.verification_code).hash_ok  # the print count is not hashed


def test_demo_rounds_verify(demo_db_path, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from relocation_desk.storage.db import open_database

    path = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_db_path, path)
    with open_database(path) as db:
        from sqlalchemy import select

        from relocation_desk.storage import models as m

        with db.session() as s:
            codes = list(s.scalars(select(m.NoticeRound.verification_code)))
        assert codes
        svc = NoticeService(db, None)
        for code in codes:
            r = svc.verify(code)
            assert r.found and r.hash_ok
