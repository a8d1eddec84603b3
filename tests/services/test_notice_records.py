"""What the notice windows list: rounds with prints, photos and open objections; the rounds a
household is on; how many households a notice would list; objections with attachments."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, update

from relocation_desk.domain.status import NoticeKind
from relocation_desk.services.notices.records import NoticeRecords
from relocation_desk.services.notices.service import NoticeError, NoticeService
from relocation_desk.storage import models as m

from .notice_org import make_notice_org, set_area

START = date(2026, 4, 1)


def _post(svc: NoticeService, org, start: date = START):  # type: ignore[no-untyped-def]
    return svc.post_or_reprint(
        org.village, NoticeKind.COMPENSATION, posted_from=start, objection_place="王庄村委会"
    )


def test_rounds_with_prints_photos_and_objections(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    org = make_notice_org(db)
    svc = NoticeService(db, org.clerk)
    records = NoticeRecords(db, org.clerk)
    assert records.rounds(org.village) == []
    first = _post(svc, org)
    set_area(db, org.households[0], 20000)
    second = _post(svc, org, date(2026, 4, 9))
    svc.record_print(second.id, copies=3)
    photo = tmp_path / "wall.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 a photo")
    svc.attach_photo(second.id, photo, date(2026, 4, 9))
    svc.record_objection(org.households[1], second.id, "合法面积", "少量了", date(2026, 4, 10))

    rounds = records.rounds(org.village)
    assert [r.round_no for r in rounds] == [2, 1]
    newest, oldest = rounds
    assert newest.id == second.id and oldest.id == first.id
    assert (newest.households, newest.print_count, newest.photos, newest.open_objections) == (
        5, 3, 1, 1,
    )  # fmt: skip
    assert (oldest.print_count, oldest.photos, oldest.open_objections) == (0, 0, 0)
    assert newest.title == "王庄村 补偿结果公示 第 2 轮"
    assert newest.objection_until == second.objection_until
    assert [p.original_name for p in records.round_photos(second.id)] == ["wall.jpg"]
    assert records.round_photos(second.id)[0].path.read_bytes() == photo.read_bytes()

    assert [r.round_no for r in records.rounds_of_household(org.households[0])] == [2, 1]


def test_scope_summary_counts_households_by_stage(db) -> None:  # type: ignore[no-untyped-def]
    org = make_notice_org(db)
    with db.session() as s, s.begin():
        s.execute(
            update(m.Household)
            .where(m.Household.id.in_(org.households[:2]))
            .values(status="calculated")
        )
    records = NoticeRecords(db, org.clerk)
    summary = records.scope_summary(org.village, None, NoticeKind.COMPENSATION)
    assert (summary.total, summary.at_stage, summary.waiting) == (5, 3, {"calculated": 2})
    assert records.scope_summary(org.village, org.group, NoticeKind.SURVEY).at_stage == 5
    signed = records.scope_summary(org.village, None, NoticeKind.SIGNED)
    assert signed.at_stage == 0 and sum(signed.waiting.values()) == 5


def test_objections_open_first_with_attachments(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    org = make_notice_org(db)
    svc = NoticeService(db, org.clerk)
    records = NoticeRecords(db, org.clerk)
    view = _post(svc, org)
    a = svc.record_objection(org.households[0], view.id, "合法面积", "少量了", START)
    b = svc.record_objection(org.households[1], view.id, "附属物", "水井", date(2026, 4, 3))
    c = svc.record_objection(org.households[2], view.id, "合计", "不对", date(2026, 4, 2))
    svc.decide_objection(c.id, upheld=False, reason="复核无误")

    scan = tmp_path / "deed.png"
    scan.write_bytes(b"\x89PNG scan")
    first = records.attach_objection_file(a.id, scan)
    assert records.attach_objection_file(a.id, scan) == first  # same content once
    files = records.objection_files(a.id)
    assert [f.original_name for f in files] == ["deed.png"]
    assert files[0].path.read_bytes() == scan.read_bytes()
    assert records.objection_files(b.id) == []
    with db.session() as s:
        audit = s.scalar(
            select(m.AuditLog).where(
                m.AuditLog.entity_id == str(first), m.AuditLog.action == "attach"
            )
        )
        assert audit is not None and audit.household_id == org.households[0]

    assert [o.id for o in records.objections(org.village)] == [a.id, b.id]
    everything = records.objections(org.village, include_decided=True)
    assert [o.id for o in everything] == [a.id, b.id, c.id]
    assert everything[2].status == "rejected" and everything[2].outcome_reason == "复核无误"

    with pytest.raises(NoticeError, match="找不到该异议"):
        records.attach_objection_file(uuid.uuid4(), scan)
