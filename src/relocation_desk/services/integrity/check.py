"""The whole check (``relocation-desk check``) and the quick one run when a database opens.

Full: SQLite ``integrity_check`` and ``foreign_key_check``; the audit chain row by row; every
sealed record; the register's denormalised columns; every stored photo or file against its
SHA-256. On PostgreSQL the SQLite checks are skipped (and the report says so): the server
keeps its own pages and constraints.

Quick: the end of the audit chain (its last rows, its length, its head), the published scheme
versions and the number of rows outside the chain — well under a second on a 100,000-household
project, so the program can run it at every opening and warn.

Everything is read in one read transaction; nothing is written.
"""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from ...i18n import _
from ...storage import models as m
from ...storage.db import Database
from ..households.files import files_folder, stored_path
from .chain import check_chain
from .register import check_register
from .report import CheckReport, Part
from .seals import chain_seals, check_daily_reports, check_notices, check_records, check_schemes

_CHUNK = 1024 * 1024


def check_database(db: Database, *, files: bool = True) -> CheckReport:
    """Run every check on ``db`` and return what holds and what does not."""
    started = time.perf_counter()
    report = CheckReport()
    # SQLite's own checks run in C on their own connection and thread (the driver lets go of
    # the GIL), side by side with the checks below on the other core.
    sqlite_part: list[Part] = []
    worker = threading.Thread(target=lambda: sqlite_part.append(_sqlite_checks(db)), daemon=True)
    worker.start()
    with db.engine.connect() as conn, conn.begin():
        chain = Part(_("审计日志链"))
        check_chain(conn, chain)
        report.parts.append(chain)
        sealed = chain_seals(conn)
        records = Part(_("封存的记录（协议、支付、节点、补偿决定）"))
        check_records(conn, records, sealed)
        report.parts.append(records)
        schemes = Part(_("已发布的补偿方案"))
        with Session(bind=conn) as s:
            check_schemes(s, schemes, sealed)
        report.parts.append(schemes)
        notices = Part(_("已张贴的公示"))
        check_notices(conn, notices, sealed)
        report.parts.append(notices)
        reports = Part(_("已冻结的日报"))
        check_daily_reports(conn, reports, sealed)
        report.parts.append(reports)
        register = Part(_("登记册的汇总栏目"))
        check_register(conn, register)
        report.parts.append(register)
        stored = Part(_("照片和扫描件"))
        if files:
            _check_files(db, conn, stored)
        else:
            stored.skipped = _("按要求跳过")
        report.parts.append(stored)
    worker.join()
    if not sqlite_part:  # the thread failed: say so rather than pass silently
        failed = Part(_("数据库文件（SQLite 自检、外键）"))
        failed.add(_("数据库文件"), _("SQLite 自检没有完成；请再运行一次检查"))
        sqlite_part.append(failed)
    report.parts.insert(0, sqlite_part[0])
    report.seconds = time.perf_counter() - started
    return report


def quick_check(db: Database) -> CheckReport:
    """The end of the audit chain and the published schemes (see the module docstring)."""
    started = time.perf_counter()
    report = CheckReport()
    with db.engine.connect() as conn, conn.begin():
        chain = Part(_("审计日志链"))
        check_chain(conn, chain, quick=True)
        report.parts.append(chain)
        schemes = Part(_("已发布的补偿方案"))
        with Session(bind=conn) as s:
            check_schemes(s, schemes, chain_seals_of_schemes(conn))
        report.parts.append(schemes)
    report.seconds = time.perf_counter() - started
    return report


def chain_seals_of_schemes(conn: Connection) -> dict[tuple[str, str], str]:
    A: Any = m.AuditLog.__table__
    out: dict[tuple[str, str], str] = {}
    for entity_id, seal in conn.execute(
        select(A.c.entity_id, A.c.seal)
        .where(A.c.entity == "scheme_version", A.c.action == "publish", A.c.seal != "")
        .order_by(A.c.seq)
    ):
        out[("scheme_version", entity_id)] = seal
    return out


def _sqlite_checks(db: Database) -> Part:
    with db.engine.connect() as conn, conn.begin():
        return _sqlite(conn)


def _sqlite(conn: Connection) -> Part:
    part = Part(_("数据库文件（SQLite 自检、外键）"))
    if conn.dialect.name != "sqlite":
        part.skipped = _("PostgreSQL 数据库由服务器自己维护页面和外键，这一项只检查 SQLite 文件")
        return part
    for (line,) in conn.exec_driver_sql("PRAGMA integrity_check"):
        part.checked += 1
        if line != "ok":
            part.add(_("数据库文件"), _("SQLite 自检报告：{line}", line=line))
    for table, rowid, parent, _fk in conn.exec_driver_sql("PRAGMA foreign_key_check"):
        part.add(
            _("表 {table} 第 {rowid} 行", table=table, rowid=rowid),
            _("引用的 {parent} 记录不存在（外键断了）", parent=parent),
        )
    return part


def _check_files(db: Database, conn: Connection, part: Part) -> None:
    F: Any = m.StoredFile.__table__
    H: Any = m.Household.__table__
    folder = files_folder(db)
    rows = conn.execute(
        select(F.c.sha256, F.c.size, F.c.original_name, H.c.code).outerjoin(
            H, H.c.id == F.c.household_id
        )
    ).all()
    for sha, size, name, code in rows:
        part.checked += 1
        path = stored_path(folder, sha, name)
        where = f"{code} {name}" if code else name
        if not path.is_file():
            part.add(where, _("文件不见了：应在 {path}", path=path))
            continue
        if _sha256(path) != sha or path.stat().st_size != size:
            part.add(where, _("文件内容与登记的哈希不符（文件被改动或损坏）：{path}", path=path))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
