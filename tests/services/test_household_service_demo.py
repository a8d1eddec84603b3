"""The household service on a demo project (SQLite): it reads back what the demo wrote
unchanged, shows a case's whole history, and touches every big table through an index only."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from relocation_desk.domain.household_form import PersonForm, Severity
from relocation_desk.domain.money import format_fen
from relocation_desk.services.households.service import HouseholdService, operators
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database, open_database

# Tables that grow with the number of households: never scanned by the household service.
BIG_TABLES = {
    "household", "person", "structure", "attachment", "audit_log", "stored_file", "data_flag",
    "calculation", "calculation_line", "notice_row", "agreement", "payment", "milestone",
    "objection", "compensation_decision", "approval_request",
}  # fmt: skip


@pytest.fixture
def demo(demo_db_path: Path, tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_db_path, path)
    db = open_database(path)
    yield db
    db.close()


def _service(db: Database) -> HouseholdService:
    return HouseholdService(db, operators(db)[0])


def test_demo_households_load_and_save_unchanged(demo: Database) -> None:
    svc = _service(demo)
    with demo.session() as s:
        ids = s.scalars(select(m.Household.id).order_by(m.Household.code).limit(60)).all()
        audits_before = s.scalar(select(func.count()).select_from(m.AuditLog))
    for hid in ids:
        form = svc.load(hid)
        errors = [p for p in svc.check(form) if p.severity is not Severity.WARNING]
        assert errors == [], form.code
        saved = svc.save(form)
        assert saved.row_version == form.row_version + 1
    with demo.session() as s:
        # Loading gives back exactly what is stored: saving it again changes nothing.
        assert s.scalar(select(func.count()).select_from(m.AuditLog)) == audits_before


def test_history_of_a_paid_household(demo: Database) -> None:
    with demo.session() as s:
        payment = s.scalars(select(m.Payment).limit(1)).one()
    entries = _service(demo).history(payment.household_id)
    assert {"audit", "calculation", "notice", "agreement", "payment"} <= {e.kind for e in entries}
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)
    paid = [e for e in entries if e.kind == "payment"]
    assert any(format_fen(payment.amount_fen) in e.title for e in paid)
    notice = next(e for e in entries if e.kind == "notice")
    assert any(d.startswith("验证码：") for d in notice.details)
    with demo.session() as s:
        calcs = s.scalars(
            select(m.Calculation).where(m.Calculation.household_id == payment.household_id)
        ).all()
    calc_entries = [e for e in entries if e.kind == "calculation"]
    assert len(calc_entries) == len(calcs) + sum(c.checked_at is not None for c in calcs)
    assert all(e.who and e.title.startswith(("核算第", "复核核算第")) for e in calc_entries)
    assert entries[-1].kind == "audit" and entries[-1].title.startswith("新增农户")


def test_service_uses_indexes_only(demo: Database, tmp_path: Path) -> None:
    svc = _service(demo)
    with demo.session() as s:
        hid = s.scalars(
            select(m.Household.id)
            .where(m.Household.member_count >= 3, m.Household.legal_area_dm2 > 0)
            .order_by(m.Household.code)
            .limit(1)
        ).one()
    statements: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        statements.append((statement, parameters))

    event.listen(demo.engine, "before_cursor_execute", record)
    try:
        form = svc.load(hid)
        form.persons[0].phone = "13900001111"
        del form.persons[-1]
        form.persons.append(PersonForm(name="新成员", relation="其他"))
        form.structures.pop()
        svc.save(form)
        svc.history(hid)
        photo = tmp_path / "a.jpg"
        photo.write_bytes(b"jpeg")
        svc.add_file(hid, photo)
        svc.files(hid)
        svc.new_form(village_id=form.village_id)
    finally:
        event.remove(demo.engine, "before_cursor_execute", record)

    scans: list[str] = []
    planned = 0
    with demo.engine.connect() as conn:
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE")):
                continue
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            planned += 1
            for row in plan:
                detail: str = row[-1]
                words = detail.split()
                if words[0] != "SCAN" or words[1] not in BIG_TABLES:
                    continue
                # Foreign-key checks on delete show here too: every referencing column that
                # grows with the households has an index (stored_file.structure_id …).
                scans.append(f"{detail}  ←  {statement}")
    assert planned >= 15
    assert scans == []
