"""The chained audit log, sealed records and ``check`` (issue #14), on copies of the demo:
every kind of record changed with a raw SQLite UPDATE is named, and so is an audit row
edited, deleted or added outside the program."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from relocation_desk.domain.audit_chain import GENESIS, SEALED_COLUMNS, seal_hash
from relocation_desk.services import audit
from relocation_desk.services.calculation.inputs import SchemeBook
from relocation_desk.services.errors import TamperedRecord
from relocation_desk.services.households.service import project_id_of
from relocation_desk.services.integrity import CheckReport, check_database, quick_check
from relocation_desk.services.payments.service import PaymentService
from relocation_desk.services.progress import daily_report
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database, open_database
from tests.operators import operator_with_role

CST = timezone(timedelta(hours=8))
DAY = date(2026, 11, 23)  # the demo's today (conftest's demo_db_path)


@pytest.fixture
def demo(demo_db_path: Path, tmp_path: Path) -> Path:
    path = tmp_path / "d.sqlite"
    shutil.copyfile(demo_db_path, path)
    return path


@pytest.fixture
def db(demo: Path) -> Iterator[Database]:
    database = open_database(demo)
    yield database
    database.close()


def _problems(report: CheckReport) -> list[tuple[str, str, str]]:
    return [(part.title, p.where, p.what) for part in report.parts for p in part.problems]


def _run(path: Path, sql: str, *params: object) -> None:
    conn = sqlite3.connect(path)
    try:
        with conn:
            conn.execute(sql, params)
    finally:
        conn.close()


def _one(path: Path, sql: str, *params: object) -> tuple:  # type: ignore[type-arg]
    conn = sqlite3.connect(path)
    try:
        row = conn.execute(sql, params).fetchone()
    finally:
        conn.close()
    assert row is not None, sql
    return tuple(row)


def _check(path: Path) -> CheckReport:
    database = open_database(path)
    try:
        return check_database(database)
    finally:
        database.close()


def test_the_demo_checks_clean_and_its_chain_is_whole(db: Database) -> None:
    report = check_database(db)
    assert report.ok, _problems(report)
    with db.session() as s:
        n = s.scalar(select(func.count()).select_from(m.AuditLog))
        head = audit.read_head(s)
        assert head.seq == n and n > 0
        assert s.scalar(select(func.count()).where(m.AuditLog.seq.is_(None))) == 0
        # Every sealed kind is present in the demo, and sealed.
        for kind, model in audit.SEALED_MODELS.items():
            rows = s.scalars(select(model).where(model.seal != "")).all()
            assert rows, kind
            row = rows[0]
            values = {c: getattr(row, c) for c in SEALED_COLUMNS[kind]}
            assert seal_hash(kind, values) == row.seal
    assert quick_check(db).ok


@pytest.mark.parametrize(
    ("sql", "needle"),
    [
        # A signed agreement's total (+100,000 元), a payment's amount, a milestone's date, a
        # compensation decision's total: the household and the record are named.
        ("UPDATE agreement SET total_fen = total_fen + 10000000 WHERE id = "
         "(SELECT id FROM agreement WHERE status = 'signed' ORDER BY number LIMIT 1)", "签约协议"),
        ("UPDATE payment SET amount_fen = amount_fen + 1 WHERE id = "
         "(SELECT id FROM payment ORDER BY voucher_no LIMIT 1)", "支付记录"),
        ("UPDATE milestone SET happened_on = '2020-01-01' WHERE id = "
         "(SELECT id FROM milestone ORDER BY id LIMIT 1)", "进度节点"),
        ("UPDATE compensation_decision SET total_fen = total_fen - 1 WHERE id = "
         "(SELECT id FROM compensation_decision ORDER BY number LIMIT 1)", "补偿决定"),
    ],
)  # fmt: skip
def test_a_changed_sealed_record_is_named(demo: Path, sql: str, needle: str) -> None:
    _run(demo, sql)
    report = _check(demo)
    assert not report.ok
    found = _problems(report)
    assert len(found) == 1, found
    _title, where, what = found[0]
    assert needle in where and "封存值" in what
    assert where.split()[0].startswith("T"), where  # the household code comes first


def test_a_record_whose_seal_was_rewritten_too_is_caught_by_the_chain(
    db: Database, demo: Path
) -> None:
    op = operator_with_role(db, "hq")
    with db.session() as s:
        hh = s.scalars(
            select(m.Household).where(m.Household.status == "signed").order_by(m.Household.code)
        ).first()
        assert hh is not None
        code, hid = hh.code, hh.id
    PaymentService(db, op).record_payment(hid, 100, DAY, voucher_no="JC-1", today=DAY)
    (pid,) = _one(demo, "SELECT id FROM payment WHERE voucher_no = 'JC-1'")
    _run(demo, "UPDATE payment SET amount_fen = 100000 WHERE id = ?", pid)
    with db.session() as s:
        row = s.get(m.Payment, __import__("uuid").UUID(hex=pid))
        assert row is not None
        forged = seal_hash("payment", {c: getattr(row, c) for c in SEALED_COLUMNS["payment"]})
    _run(demo, "UPDATE payment SET seal = ? WHERE id = ?", forged, pid)
    found = _problems(_check(demo))
    assert len(found) == 1, found
    assert code in found[0][1] and "JC-1" in found[0][1] and "审计链" in found[0][2]
    # Deleting it is named as well: the chain recorded its making.
    _run(demo, "DELETE FROM payment WHERE id = ?", pid)
    found = _problems(_check(demo))
    assert any("不在数据库中" in what for _t, _w, what in found), found


def test_a_tampered_scheme_is_named_and_refused_by_the_calculation(
    db: Database, demo: Path
) -> None:
    _run(demo, "UPDATE rate_item SET rate_fen = rate_fen * 2 WHERE id = "
               "(SELECT id FROM rate_item ORDER BY code LIMIT 1)")  # fmt: skip
    found = _problems(_check(demo))
    assert len(found) == 1 and "第1版" in found[0][1], found
    assert not quick_check(db).ok
    with db.session() as s, pytest.raises(TamperedRecord, match=r"第1版.*不能用它核算"):
        SchemeBook(s, project_id_of(s))


def test_a_scheme_read_before_is_checked_again_when_its_rows_change(
    db: Database, demo: Path, tmp_path: Path
) -> None:
    """A parsed version is kept for speed; a copy of the file (same ids, same sealed hash)
    whose rates were edited must not be served from what was parsed before."""
    with db.session() as s:
        SchemeBook(s, project_id_of(s))  # parsed and kept, untampered
    copy = tmp_path / "copy.sqlite"
    shutil.copyfile(demo, copy)
    _run(copy, "UPDATE rate_item SET rate_fen = rate_fen + 1 WHERE id = "
               "(SELECT id FROM rate_item ORDER BY code LIMIT 1)")  # fmt: skip
    with open_database(copy) as other, other.session() as s, pytest.raises(TamperedRecord):
        SchemeBook(s, project_id_of(s))


def test_a_tampered_notice_row_names_the_household_and_field(demo: Path) -> None:
    code, rid = _one(
        demo,
        "SELECT json_extract(data, '$.code'), id FROM notice_row ORDER BY round_id, seq LIMIT 1",
    )
    _run(demo, "UPDATE notice_row SET data = json_set(data, '$.total_fen', 1) WHERE id = ?", rid)
    found = _problems(_check(demo))
    assert len(found) == 1, found
    _t, where, what = found[0]
    assert where.startswith(code) and "total_fen" in what


def test_a_tampered_frozen_daily_report_is_named(db: Database, demo: Path) -> None:
    frozen = daily_report.freeze(
        db,
        DAY,
        operator=operator_with_role(db, "hq"),
        now=datetime(2026, 11, 23, 18, 5, tzinfo=CST),
    )
    # Its anchor is the chain row that froze it; the PDF and the workbook print it.
    assert frozen.chain_seq == audit_head(db).seq and frozen.chain_hash
    assert _check(demo).ok
    _printed_anchor(frozen, demo.parent)
    _run(demo, "UPDATE daily_report SET snapshot = json_set(snapshot, '$.total.signed', 9999)")
    found = _problems(_check(demo))
    assert len(found) == 1 and DAY.isoformat() in found[0][1], found
    # Rewriting its hash as well does not help: the chain holds the seal of its freezing.
    snap = _one(demo, "SELECT snapshot FROM daily_report")[0]
    import json

    digest = daily_report.content_hash(json.loads(snap))
    _run(demo, "UPDATE daily_report SET content_hash = ?", digest)
    found = _problems(_check(demo))
    assert len(found) == 1 and "审计链" in found[0][2], found


def _printed_anchor(data: daily_report.DailyReportData, folder: Path) -> None:
    import subprocess

    from openpyxl import load_workbook

    from relocation_desk.reports.daily_pdf import write_daily_pdf
    from relocation_desk.reports.daily_xlsx import write_daily_xlsx

    write_daily_pdf(folder / "r.pdf", data)
    text = subprocess.run(
        ["pdftotext", str(folder / "r.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout.replace("\n", "")
    assert f"审计链第 {data.chain_seq} 条 {data.chain_hash[:16]}" in text, text[-300:]
    write_daily_xlsx(folder / "r.xlsx", data)
    cells = [
        v for ws in load_workbook(folder / "r.xlsx") for row in ws.iter_rows(values_only=True)
        for v in row if isinstance(v, str)
    ]  # fmt: skip
    assert any(f"第 {data.chain_seq} 条，哈希 {data.chain_hash}" in v for v in cells)


def audit_head(db: Database) -> audit.ChainHead:
    with db.session() as s:
        return audit.read_head(s)


def test_an_edited_audit_row_is_named(demo: Path) -> None:
    _run(demo, "UPDATE audit_log SET note = note || 'x' WHERE seq = 7")
    found = _problems(_check(demo))
    assert len(found) == 1, found
    assert "第 7 条审计记录" in found[0][1] and "被改动" in found[0][2]


def test_an_edited_audit_row_with_its_hash_recomputed_breaks_the_next_link(demo: Path) -> None:
    _run(demo, "UPDATE audit_log SET row_hash = ? WHERE seq = 7", "f" * 64)
    found = _problems(_check(demo))
    # Row 7's hash no longer fits its content, and row 8 no longer points at row 7.
    assert [w.split("（")[0] for _t, w, _x in found] == ["第 7 条审计记录", "第 8 条审计记录"]


def test_deleted_audit_rows_are_named(db: Database, demo: Path) -> None:
    last = audit_head(db).seq
    _run(demo, "DELETE FROM audit_log WHERE seq IN (11, 12)")
    found = _problems(_check(demo))
    assert len(found) == 1 and "第 11 至 12 条" in found[0][1], found
    _run(demo, "DELETE FROM audit_log WHERE seq = ?", last)
    found = _problems(_check(demo))
    assert any("最后 1 条审计记录被删除" in what for _t, _w, what in found), found
    quick = quick_check(db)
    assert not quick.ok


def test_a_row_added_outside_the_program_is_named(demo: Path) -> None:
    _run(
        demo,
        "INSERT INTO audit_log (id, at, operator_login, action, entity, entity_id, note, "
        "prev_hash, row_hash, seal) VALUES (?, '2026-11-23 01:00:00.000000', 'x', 'update', "
        "'household', '', '', '', '', '')",
        "0" * 32,
    )
    found = _problems(_check(demo))
    assert len(found) == 1 and "不在链中" in found[0][2], found


def test_a_wrong_register_column_is_named(demo: Path) -> None:
    code = _one(demo, "SELECT code FROM household WHERE total_fen IS NOT NULL ORDER BY code")[0]
    _run(demo, "UPDATE household SET total_fen = total_fen + 100, member_count = 99 WHERE code = ?",
         code)  # fmt: skip
    found = _problems(_check(demo))
    assert len(found) == 1, found
    assert found[0][1] == code and "补偿总额" in found[0][2] and "人口数" in found[0][2]


def test_a_stored_photo_changed_or_missing_is_named(db: Database, demo: Path) -> None:
    import hashlib

    from relocation_desk.services.households.files import files_folder, stored_path

    content = b"photo"
    sha = hashlib.sha256(content).hexdigest()
    code, hid = _one(demo, "SELECT code, id FROM household ORDER BY code LIMIT 1")
    _run(
        demo,
        "INSERT INTO stored_file (id, household_id, kind, original_name, sha256, size, added_at)"
        " VALUES (?, ?, 'photo', 'a.jpg', ?, ?, '2026-11-23 01:00:00.000000')",
        "1" * 32, hid, sha, len(content),
    )  # fmt: skip
    path = stored_path(files_folder(db), sha, "a.jpg")
    found = _problems(_check(demo))
    assert len(found) == 1 and found[0][1] == f"{code} a.jpg" and "不见了" in found[0][2]
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    assert _check(demo).ok
    path.write_bytes(b"PHOTO")
    found = _problems(_check(demo))
    assert len(found) == 1 and "哈希不符" in found[0][2], found


def test_service_writes_extend_the_chain_and_seal_what_they_make(db: Database) -> None:
    op = operator_with_role(db, "hq")
    before = audit_head(db)
    with db.session() as s:
        hh = s.scalars(
            select(m.Household).where(m.Household.status == "signed").order_by(m.Household.code)
        ).first()
        assert hh is not None
    PaymentService(db, op).record_payment(hh.id, 100, DAY, voucher_no="JC-2", today=DAY)
    after = audit_head(db)
    assert after.seq > before.seq and after.row_hash != before.row_hash
    with db.session() as s:
        p = s.scalars(select(m.Payment).where(m.Payment.voucher_no == "JC-2")).one()
        row = s.scalars(
            select(m.AuditLog).where(
                m.AuditLog.entity == "payment", m.AuditLog.entity_id == str(p.id)
            )
        ).one()
        assert p.seal and row.seal == p.seal and row.seq is not None
        assert audit.audit_seal(s, "payment", p.id, frozenset({"create"})) == p.seal
    assert check_database(db).ok


def test_core_append_and_an_empty_chain(tmp_path: Path) -> None:
    database = open_database(tmp_path / "new.sqlite", create=True)
    try:
        with database.session() as s:
            assert audit.read_head(s).row_hash == GENESIS
        with database.session() as s, s.begin():
            audit.append(
                s, [{"action": "export", "entity": "ledger"}, {"action": "x", "entity": "y"}]
            )
        with database.session() as s, s.begin():
            s.add(m.AuditLog(action="z", entity="y"))
        head = audit_head(database)
        assert head.seq == 3
        assert check_database(database).ok
    finally:
        database.close()


def test_an_upgraded_project_is_chained_sealed_and_checks_clean(demo: Path) -> None:
    """Revision 0004 on a project from before it: existing rows chained in (at, id) order,
    existing records sealed, the audit row of a payment's making given its seal."""
    from alembic import command

    from relocation_desk.storage import migrate
    from relocation_desk.storage.engine import create_engine_for

    engine = create_engine_for(demo)
    try:
        with engine.connect() as conn:
            # As storage.migrate.upgrade does: table rebuilds need foreign keys off.
            conn.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")  # type: ignore[union-attr]
            with conn.begin():
                command.downgrade(migrate.alembic_config(conn), "0003")
    finally:
        engine.dispose()
    (pid,) = _one(demo, "SELECT id FROM payment ORDER BY voucher_no LIMIT 1")
    entity_id = str(__import__("uuid").UUID(hex=pid))
    _run(
        demo,
        "INSERT INTO audit_log (id, at, operator_login, action, entity, entity_id, note) VALUES "
        "(?, '2026-11-20 02:00:00.000000', 'old', 'create', 'payment', ?, '')",
        "2" * 32, entity_id,
    )  # fmt: skip
    database = open_database(demo)  # migrates to the newest revision
    try:
        report = check_database(database)
        assert report.ok, _problems(report)
        with database.session() as s:
            n = s.scalar(select(func.count()).select_from(m.AuditLog))
            assert audit.read_head(s).seq == n
            first, second = s.execute(
                select(m.AuditLog.at, m.AuditLog.seq).order_by(m.AuditLog.seq).limit(2)
            ).all()
            assert first.at <= second.at
            seal = s.scalar(select(m.Payment.seal).where(m.Payment.voucher_no.is_not(None))
                            .order_by(m.Payment.voucher_no).limit(1))  # fmt: skip
            assert seal and audit.audit_seal(s, "payment", entity_id, frozenset({"create"})) == seal
    finally:
        database.close()
    # Changing the payment is now named through the chain's seal too.
    _run(demo, "UPDATE payment SET amount_fen = amount_fen + 1 WHERE id = ?", pid)
    assert len(_problems(_check(demo))) == 1


def test_concurrent_writers_extend_one_chain(new_db_target: Any) -> None:
    """Three writers at once, on SQLite and on PostgreSQL: the head lock serialises them,
    nothing fails, and the chain is one line."""
    db = open_database(new_db_target, create=True)
    try:
        _three_writers(db)
    finally:
        db.close()


def _three_writers(db: Database) -> None:

    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            for i in range(15):
                with db.session(immediate=True) as s, s.begin():
                    s.add(m.AuditLog(action="test", entity="concurrency", note=f"{k}-{i}"))
                    s.flush()
                    s.add(m.AuditLog(action="test", entity="concurrency", note=f"{k}-{i}b"))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert audit_head(db).seq == 90
    report = check_database(db)
    assert report.ok, _problems(report)


def test_every_core_write_of_audit_rows_goes_through_the_chain() -> None:
    """Audit rows written with Core, not the ORM (whose hook chains them), only where the
    chain is extended in the same place: services.audit itself, the calculation store
    (``chain_rows``), the demo's shards (chained when merged) and the split demo's laptops
    (their team's rows copied, then ``chain_unchained``). Reading the table is not writing."""
    import re

    import relocation_desk

    root = Path(relocation_desk.__file__).parent
    allowed = {
        "services/calculation/store.py",
        "services/demo/shard.py",
        "services/exchange/demo_split.py",
    }
    mentions = re.compile(
        r"insert\(m\.AuditLog|AuditLog\.__table__|INSERT\s+INTO\s+(\w+\.)?audit_log", re.IGNORECASE
    )
    found = set()
    for path in root.rglob("*.py"):
        rel = path.relative_to(root).as_posix()
        if rel.startswith(("storage/", "services/audit/", "services/integrity/")):
            continue  # the schema; the chain itself; the checks, which only read
        text = path.read_text(encoding="utf-8")
        if not mentions.search(text):
            continue
        if rel in allowed or re.search(r"insert", text, re.IGNORECASE):
            found.add(rel)  # a file that only reads the table (the team's export) inserts nothing
    assert found == allowed, found ^ allowed
    split = (root / "services/exchange/demo_split.py").read_text(encoding="utf-8")
    assert "chain_unchained(conn)" in split
    store = (root / "services/calculation/store.py").read_text(encoding="utf-8")
    assert "chain_rows(conn" in store
