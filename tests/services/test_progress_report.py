"""The progress protocol of long use cases: real fractions, and a cancel that saves nothing.

Each use case is run with a ``Progress`` that records every report and asks to stop at a
chosen report; afterwards the database holds exactly what it held before (rows counted per
table), and a file that was being written is not there."""

from __future__ import annotations

import shutil
import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from relocation_desk.domain.status import NoticeKind
from relocation_desk.reports.ledger_xlsx import write_ledger
from relocation_desk.reports.notice_pdf import render_round
from relocation_desk.services.ledger.export import LedgerRows, export_ledger
from relocation_desk.services.ledger.importer import analyse, apply
from relocation_desk.services.notices.service import NoticeService
from relocation_desk.services.progress import daily_report
from relocation_desk.services.progress_report import Cancelled, Progress
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database, open_database
from tests.operators import operator_with_role

from .ledger_books import big_ledger

TABLES = (m.NoticeRound, m.NoticeRow, m.AuditLog, m.Household, m.Person, m.Structure)
START = date(2026, 11, 23)


class Recorder(Progress):
    """Records each report; asks to stop at report number ``stop_at`` (None: never)."""

    def __init__(self, stop_at: int | None = None) -> None:
        self.reports: list[tuple[int, int, str]] = []
        self.refusals: list[str | None] = []
        super().__init__(self._record, cancel=threading.Event(), on_cancellable=self._refused)
        self.stop_at = stop_at

    def _record(self, done: int, total: int, label: str) -> None:
        self.reports.append((done, total, label))
        if self.stop_at is not None and len(self.reports) >= self.stop_at:
            self.cancel()

    def _refused(self, reason: str | None) -> None:
        self.refusals.append(reason)


def counts(db: Database) -> dict[str, object]:
    with db.session() as s:
        out: dict[str, object] = {
            t.__tablename__: s.scalar(select(func.count()).select_from(t)) for t in TABLES
        }
        out["statuses"] = sorted(
            s.execute(select(m.Household.status, func.count()).group_by(m.Household.status)).all()
        )
        return out


@pytest.fixture
def demo(tmp_path: Path, demo_db_path: Path) -> Database:
    target = tmp_path / "demo.sqlite"
    shutil.copy(demo_db_path, target)
    db = open_database(target)
    yield db
    db.close()


def biggest_village(db: Database):  # type: ignore[no-untyped-def]
    with db.session() as s:
        return s.execute(
            select(m.Village.id, m.Village.name)
            .join(m.Household, m.Household.village_id == m.Village.id)
            .group_by(m.Village.id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()


def test_a_posting_reports_its_steps_and_cannot_be_stopped_while_saving(demo) -> None:  # type: ignore[no-untyped-def]
    village_id, _name = biggest_village(demo)
    svc = NoticeService(demo, operator_with_role(demo, "hq"))
    p = Recorder()
    view = svc.post_round(
        village_id, NoticeKind.SURVEY, posted_from=START, objection_place="村委会", progress=p
    )
    labels = [label for _d, _t, label in p.reports]
    assert labels and all(labels)
    assert any("写入" in label for label in labels)
    assert all(0 <= d <= t for d, t, _l in p.reports)
    assert p.reports[-1][0] == p.reports[-1][1] == len(view.rows)  # all rows written
    assert p.refusals and p.refusals[-1]  # greyed out, with the reason, for the commit

    pdf = Recorder()
    out = demo.path.parent / "n.pdf"  # type: ignore[union-attr]
    pages = render_round(view, out, progress=pdf)
    page_reports = [(d, t) for d, t, _l in pdf.reports]
    assert page_reports[-1] == (pages, pages)
    assert [d for d, _t in page_reports] == sorted(d for d, _t in page_reports)


@pytest.mark.parametrize("stop_at", [1, 2, 3, 4])
def test_a_cancelled_posting_saves_nothing(demo, stop_at: int) -> None:  # type: ignore[no-untyped-def]
    village_id, _name = biggest_village(demo)
    svc = NoticeService(demo, operator_with_role(demo, "hq"))
    before = counts(demo)
    with pytest.raises(Cancelled):
        svc.post_round(
            village_id,
            NoticeKind.COMPENSATION,
            posted_from=START,
            objection_place="村委会",
            progress=Recorder(stop_at=stop_at),
        )
    assert counts(demo) == before
    # And the same posting, not cancelled, does change the database.
    svc.post_round(village_id, NoticeKind.COMPENSATION, posted_from=START, objection_place="村委会")
    assert counts(demo) != before


def test_a_cancelled_notice_pdf_leaves_no_file(demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    village_id, _name = biggest_village(demo)
    svc = NoticeService(demo, operator_with_role(demo, "hq"))
    view = svc.post_round(
        village_id, NoticeKind.SURVEY, posted_from=START, objection_place="村委会"
    )
    out = tmp_path / "cancelled.pdf"
    with pytest.raises(Cancelled):
        render_round(view, out, paper="A4", progress=Recorder(stop_at=1))
    assert not out.exists()


def test_a_cancelled_ledger_export_writes_no_file_and_no_audit_row(demo, tmp_path) -> None:  # type: ignore[no-untyped-def]
    hq = operator_with_role(demo, "hq")
    out = tmp_path / "台账.xlsx"
    before = counts(demo)
    p = Recorder(stop_at=3)

    def write(part: Path, rows: LedgerRows) -> dict[str, int]:
        return write_ledger(part, rows, progress=p)

    with pytest.raises(Cancelled):
        export_ledger(demo, out, write, hq, progress=p)
    assert not out.exists() and not list(tmp_path.glob("*.partial*"))
    assert counts(demo) == before
    # Done to the end: sheets counted one by one, the file and its audit row.
    done = Recorder()

    def write_all(part: Path, rows: LedgerRows) -> dict[str, int]:
        return write_ledger(part, rows, progress=done)

    export_ledger(demo, out, write_all, hq, progress=done)
    assert out.exists()
    sheets = [d for d, t, _l in done.reports if d == t]
    assert sheets and done.reports[-1][0] == done.reports[-1][1] == 7
    assert done.refusals[-1]  # the audit row and the file are saved without a cancel


@pytest.mark.parametrize("stop_at", [1, 3, 6])
def test_a_cancelled_ledger_import_saves_nothing(demo, tmp_path: Path, stop_at: int) -> None:  # type: ignore[no-untyped-def]
    book = tmp_path / "big.xlsx"
    big_ledger(book, 1200)
    analysis = analyse(book)
    hq = operator_with_role(demo, "hq")
    villages = {s.village for s in analysis.sheets if s.village}
    with demo.session() as s:
        team = s.scalar(select(m.Team.code).order_by(m.Team.code).limit(1))
    answers = dict.fromkeys(villages, team)
    before = counts(demo)
    p = Recorder(stop_at=stop_at)
    with pytest.raises(Cancelled):
        apply(analysis, demo, operator=hq, village_team=answers, progress=p)
    assert counts(demo) == before
    # Into a new file: a cancel removes the new database again.
    new = tmp_path / "new.sqlite"
    with pytest.raises(Cancelled):
        apply(analysis, new, village_team=answers, progress=Recorder(stop_at=stop_at))
    assert not new.exists()
    report = apply(analysis, demo, operator=hq, village_team=answers, progress=Recorder())
    assert report.households == 1200 and counts(demo) != before


def test_a_daily_report_reports_its_steps_and_stops(demo) -> None:  # type: ignore[no-untyped-def]
    p = Recorder()
    daily_report.build(demo, START, progress=p)
    assert [(d, t) for d, t, _l in p.reports] == [(0, 4), (1, 4), (2, 4), (3, 4)]
    with pytest.raises(Cancelled):
        daily_report.build(demo, START, progress=Recorder(stop_at=2))


def test_check_does_not_raise_once_cancelling_is_refused() -> None:
    p = Recorder()
    p.cancel()
    with pytest.raises(Cancelled):
        p.check()
    p.cannot_cancel("正在保存")
    p.check()  # the commit goes on
    assert not p.should_cancel and p.refusals == ["正在保存"]
    p.can_cancel()
    assert p.should_cancel and p.refusals == ["正在保存", None]
