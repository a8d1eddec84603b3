"""Reading the audit log for the audit viewer: filtered in the database, a page at a time.

A 100,000-household project has millions of rows, so nothing here loads the log: a page is
``ORDER BY seq DESC LIMIT n`` below the last ``seq`` shown (keyset paging on the chain's
unique index), with the filters in the ``WHERE``. Reading is allowed to the roles the
permission table gives ``view_audit_log`` (HQ, administrators, auditors); nobody can change the
log through the program.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import and_, or_, select

from ...domain.permissions import Action
from ...storage import models as m
from ...storage.db import Database
from ..access import Actor, require
from ..clock import project_zone

PAGE_SIZE = 200
# Project calendar days (China): a date filter means these local days.


@dataclass(frozen=True)
class AuditFilter:
    operator_login: str = ""  # exact login; "" for everyone
    household_code: str = ""  # exact household code; "" for all
    action: str = ""  # exact action; "" for all
    date_from: date | None = None  # local days, both ends included
    date_to: date | None = None
    personal_exports: bool = False  # only exports and prints that carry full personal data


@dataclass(frozen=True)
class AuditEntry:
    seq: int | None
    at: datetime
    operator_login: str
    action: str
    entity: str
    entity_id: str
    household_code: str
    note: str
    before: Any
    after: Any
    seal: str


def personal_export_clause() -> Any:
    """Audit rows of files or prints that carry full ID numbers or bank accounts: exports
    (ledger, payment register) and agreement prints."""
    a = m.AuditLog
    return or_(
        a.action == "export",
        and_(a.entity == "agreement", a.action.in_(("print", "reprint"))),
    )


def read_page(
    db: Database,
    operator: Actor | None,
    flt: AuditFilter,
    *,
    below_seq: int | None = None,
    limit: int = PAGE_SIZE,
) -> list[AuditEntry]:
    """The newest ``limit`` rows matching ``flt`` with ``seq`` below ``below_seq`` (None: from
    the newest), newest first. Rows outside the chain (written outside the program) are not
    listed: ``relocation-desk check`` names them."""
    require(operator, Action.VIEW_AUDIT_LOG)
    a, h = m.AuditLog, m.Household
    stmt = select(
        a.seq, a.at, a.operator_login, a.action, a.entity, a.entity_id, h.code, a.note,
        a.before, a.after, a.seal,
    ).outerjoin(h, h.id == a.household_id)  # fmt: skip
    with db.session() as s:
        zone = project_zone(s)
        if flt.household_code:
            hid = s.scalar(select(h.id).where(h.code == flt.household_code.strip()))
            if hid is None:
                return []
            stmt = stmt.where(a.household_id == hid)
        if flt.operator_login:
            stmt = stmt.where(a.operator_login == flt.operator_login)
        if flt.action:
            stmt = stmt.where(a.action == flt.action)
        if flt.date_from is not None:
            stmt = stmt.where(a.at >= _local_midnight(flt.date_from, zone))
        if flt.date_to is not None:
            stmt = stmt.where(a.at < _local_midnight(flt.date_to + timedelta(days=1), zone))
        if flt.personal_exports:
            stmt = stmt.where(personal_export_clause())
        if below_seq is not None:
            stmt = stmt.where(a.seq < below_seq)
        stmt = stmt.where(a.seq.is_not(None)).order_by(a.seq.desc()).limit(limit)
        return [AuditEntry(*row) for row in s.execute(stmt)]


def _local_midnight(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(0), zone).astimezone(UTC)


def filter_choices(db: Database, operator: Actor | None) -> tuple[list[tuple[str, str]], list[str]]:
    """The operators ((login, name), by login) and the actions that occur, for the filters."""
    require(operator, Action.VIEW_AUDIT_LOG)
    with db.session() as s:
        operators = [
            (login, name)
            for login, name in s.execute(
                select(m.Operator.login, m.Operator.name).order_by(m.Operator.login)
            )
        ]
        actions = sorted(a for a in s.scalars(select(m.AuditLog.action).distinct()) if a)
    return operators, actions
