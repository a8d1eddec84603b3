"""Every sheet printed or exported from the demo project carries the 演示数据 mark, read back
from the real files (pdftotext, openpyxl); the same sheets of a real project do not."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, select

from relocation_desk.reports.agreement_pdf import render_agreement
from relocation_desk.reports.daily_pdf import write_daily_pdf
from relocation_desk.reports.daily_xlsx import write_daily_xlsx
from relocation_desk.reports.fairness import write_fairness_xlsx
from relocation_desk.reports.ledger_report import write_import_report
from relocation_desk.reports.ledger_xlsx import write_ledger
from relocation_desk.reports.notice_pdf import render_changes, render_round
from relocation_desk.reports.payment_register import write_payment_register
from relocation_desk.reports.resettlement_pdf import (
    write_confirmation,
    write_draw_sheet,
    write_order_slip,
)
from relocation_desk.reports.resettlement_xlsx import write_resettlement_report
from relocation_desk.services.agreements.service import AgreementService
from relocation_desk.services.calculation.fairness import fairness_report
from relocation_desk.services.ledger.export import open_ledger
from relocation_desk.services.ledger.resolve import ImportReport
from relocation_desk.services.notices.service import NoticeService
from relocation_desk.services.payments.register import payment_register
from relocation_desk.services.progress import daily_report
from relocation_desk.services.project_info import is_demo_project
from relocation_desk.services.resettlement.papers import order_slip
from relocation_desk.services.resettlement.summary import resettlement_summary
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database, open_database
from relocation_desk.storage.models_resettlement import ResettlementChoice, ResettlementOrder

from ..operators import operator_with_role

MARK = "演示数据"
DAY = date(2026, 11, 23)  # the conftest demo's "today"


def _pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return out.stdout


def _pages(path: Path) -> list[str]:
    return _pdf_text(path).split("\f")[:-1]


@pytest.fixture
def demo(tmp_path: Path, demo_db_path: Path) -> Iterator[Database]:
    path = tmp_path / "demo.sqlite"
    shutil.copy(demo_db_path, path)
    with open_database(path) as db:
        yield db


def _write_everything(db: Database, out: Path) -> tuple[list[Path], list[Path]]:
    """Every PDF and xlsx the reports package writes, from ``db``: (pdfs, workbooks)."""
    out.mkdir()
    hq = operator_with_role(db, "hq")
    with db.session() as s:
        agreement_id = s.scalar(
            select(m.Agreement.id).where(m.Agreement.status == "signed").limit(1)
        )
        round_id = s.scalar(
            select(m.NoticeRound.id).where(m.NoticeRound.previous_round_id.is_not(None)).limit(1)
        ) or s.scalar(select(m.NoticeRound.id).limit(1))
        ordered = s.scalar(select(ResettlementOrder.household_id).limit(1))
        chose = s.scalar(select(ResettlementChoice.household_id).limit(1))
    assert agreement_id and round_id and ordered and chose
    from relocation_desk.services.resettlement.papers import confirmation_sheet

    view = AgreementService(db, hq).get(agreement_id)
    render_agreement(view, out / "agreement.pdf")
    rnd = NoticeService(db, hq).get_round(round_id)
    render_round(rnd, out / "notice.pdf", paper="A4")
    render_changes(rnd, out / "changes.pdf", paper="A4")
    data = daily_report.build(db, DAY)
    write_daily_pdf(out / "daily.pdf", data)
    write_order_slip(out / "order.pdf", order_slip(db, ordered))
    write_confirmation(out / "confirmation.pdf", confirmation_sheet(db, chose))
    write_daily_xlsx(out / "daily.xlsx", data)
    write_fairness_xlsx(fairness_report(db, today=DAY), out / "fairness.xlsx")
    write_payment_register(payment_register(db, None, hq), out / "payments.xlsx")
    with open_ledger(db) as rows:
        write_ledger(out / "ledger.xlsx", rows, on=DAY)
    write_resettlement_report(out / "resettlement.xlsx", resettlement_summary(db))
    pdfs = sorted(out.glob("*.pdf"))
    return pdfs, sorted(out.glob("*.xlsx"))


def _sheet_marks(path: Path) -> dict[str, bool]:
    """Sheet → whether its title lines (the first two rows) show the mark."""
    wb = load_workbook(path, read_only=True)
    try:
        return {
            ws.title: any(
                isinstance(v, str) and MARK in v
                for row in ws.iter_rows(min_row=1, max_row=2, values_only=True)
                for v in row
            )
            for ws in wb.worksheets
        }
    finally:
        wb.close()


def test_every_pdf_page_and_every_sheet_of_the_demo_is_marked(
    demo: Database, tmp_path: Path
) -> None:
    assert is_demo_project(demo)
    pdfs, books = _write_everything(demo, tmp_path / "out")
    assert len(pdfs) == 6 and len(books) == 5
    for pdf in pdfs:
        pages = _pages(pdf)
        assert pages, pdf.name
        for n, page in enumerate(pages, start=1):
            assert MARK in page, f"{pdf.name} page {n}"
    for book in books:
        marks = _sheet_marks(book)
        assert marks and all(marks.values()), (book.name, marks)
        wb = load_workbook(book)  # the printed page header of every sheet
        assert all(MARK in (ws.oddHeader.center.text or "") for ws in wb.worksheets), book.name
        wb.close()
    # The table's own header stays where it was: the mark sits after a blank column.
    wb = load_workbook(tmp_path / "out" / "payments.xlsx", read_only=True)
    header = next(wb.worksheets[0].iter_rows(min_row=1, max_row=1, values_only=True))
    wb.close()
    assert header[0] == "户编号" and header[-2] is None and MARK in str(header[-1])


def test_the_same_sheets_of_a_real_project_are_not_marked(demo: Database, tmp_path: Path) -> None:
    with demo.session() as s, s.begin():
        s.execute(delete(m.Setting).where(m.Setting.key == "demo"))
    assert not is_demo_project(demo)
    pdfs, books = _write_everything(demo, tmp_path / "out")
    for pdf in pdfs:
        assert MARK not in _pdf_text(pdf), pdf.name
    for book in books:
        assert not any(_sheet_marks(book).values()), book.name


def test_the_import_report_of_a_demo_import_is_marked(tmp_path: Path) -> None:
    report = ImportReport(households=1, persons=2, rejected=[], warnings=[], demo=True)
    write_import_report(tmp_path / "r.xlsx", report, source="台账.xlsx")
    assert all(_sheet_marks(tmp_path / "r.xlsx").values())
    plain = ImportReport(households=1, persons=2, rejected=[], warnings=[])
    write_import_report(tmp_path / "p.xlsx", plain, source="台账.xlsx")
    assert not any(_sheet_marks(tmp_path / "p.xlsx").values())


def test_a_multi_page_marked_pdf_has_no_trailing_blank_page(demo: Database, tmp_path: Path) -> None:
    hq = operator_with_role(demo, "hq")
    with demo.session() as s:
        round_id = s.scalar(
            select(m.NoticeRound.id).order_by(m.NoticeRound.created_at.desc()).limit(1)
        )
    assert round_id is not None
    view = NoticeService(demo, hq).get_round(round_id)
    pages = render_round(view, tmp_path / "n.pdf", paper="A4")
    texts = _pages(tmp_path / "n.pdf")
    assert len(texts) == pages
    assert all(len(t.replace(MARK, "").strip()) > 40 for t in texts)  # each page has the list


@pytest.mark.parametrize("demo_flag", [True, False])
def test_the_draw_sheet_is_marked_for_the_demo_only(tmp_path: Path, demo_flag: bool) -> None:
    import uuid
    from datetime import UTC, datetime

    from relocation_desk.services.resettlement.ordering import DrawView
    from relocation_desk.services.resettlement.papers import DrawSheet

    at = datetime(2026, 12, 10, 2, 0, tzinfo=UTC)
    codes = ("T01-0001", "T01-0002", "T02-0001")
    view = DrawView(uuid.uuid4(), "drawn", codes, "a" * 64, "现场公开摇出的6位数字", "731904",
                    tuple(reversed(codes)), "b" * 64, at, at)  # fmt: skip
    names = {"T01-0001": "王明", "T01-0002": "李华", "T02-0001": "张强"}
    write_draw_sheet(tmp_path / "d.pdf", DrawSheet("城东片区征收项目", view, names, demo_flag))
    assert (MARK in _pdf_text(tmp_path / "d.pdf")) is demo_flag
