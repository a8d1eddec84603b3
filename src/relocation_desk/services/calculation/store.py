"""Writing calculation versions and reading them back as views, for ``calculations.py``.

:func:`store` writes a batch of new versions in a few executemany statements on the session's
connection (Core, no unit of work): supersede the old versions, insert the new ones with
their lines and audit rows, update the households' totals and statuses. New rows get
time-ordered ids (:func:`ordered_ids`, RFC 9562 version 7): still random enough to merge many
laptops' databases, but a batch's rows go to the end of each primary-key index instead of to
a random page of a 2-million-entry index. :func:`view_of` makes the view of a version just
stored from memory; :func:`read_view` reads a stored one in two queries.
"""

from __future__ import annotations

import functools
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import Session, aliased

from ...domain import money
from ...domain.calculation import CalculationResult
from ...domain.scheme import Scheme
from ...domain.status import HouseholdStatus
from ...i18n import _
from ...storage import models as m
from ..audit import chain_rows
from ..households.service import OperatorRef
from .inputs import HouseholdFacts, version_label

__all__ = ["CalculationView", "LineView", "Outcome", "ordered_ids", "read_view", "store"]

_RECALCULATE_FROM = {
    HouseholdStatus.REGISTERED.value,
    HouseholdStatus.SURVEYED.value,
    HouseholdStatus.CHECKED.value,  # a new figure needs a new check
}


@dataclass(frozen=True)
class LineView:
    seq: int
    item_code: str
    item_name: str
    category: str
    quantity: str  # exact decimal text
    unit: str
    rate_fen: int
    amount_fen: int
    explanation: str
    approval_number: str | None  # SP-… when the line comes from an approved exception


@dataclass(frozen=True)
class CalculationView:
    id: uuid.UUID
    household_id: uuid.UUID
    household_code: str
    version_no: int
    status: str
    lines: tuple[LineView, ...]
    total_fen: int
    total_upper: str
    scheme_version_id: uuid.UUID
    scheme_label: str
    computed_by: str  # operator name ("" if unknown)
    computed_at: datetime
    checked_by: str
    checked_at: datetime | None
    created: bool = False  # True if this call stored a new version


@dataclass
class Outcome:
    """A household's new calculation, computed but not yet stored."""

    facts: HouseholdFacts
    version_id: uuid.UUID
    scheme: Scheme
    result: CalculationResult
    approval_keys: dict[int, str]  # line seq → approval request id
    hash: str
    # set by store():
    id: uuid.UUID | None = None
    version_no: int = 0


# --- time-ordered ids ------------------------------------------------------------------------

_ID_LOCK = threading.Lock()
_id_state = [0, 0]  # last millisecond, 74-bit counter


def ordered_ids(n: int) -> list[uuid.UUID]:
    """``n`` new version-7 UUIDs in increasing order: 48 bits of Unix milliseconds, then 74
    bits that start at a random value each millisecond and count up within it (RFC 9562,
    method 2), so ids made on different computers collide no more than random ones."""
    out = []
    with _ID_LOCK:
        last_ms, counter = _id_state
        ms = time.time_ns() // 1_000_000
        if ms > last_ms:
            last_ms, counter = ms, secrets.randbits(73)  # top bit clear: room to count
        for _k in range(n):
            counter += 1
            if counter >= 1 << 74:  # (never in practice) borrow the next millisecond
                last_ms, counter = last_ms + 1, secrets.randbits(73)
            value = (
                (last_ms << 80)
                | (0x7 << 76)
                | ((counter >> 62) << 64)
                | (0b10 << 62)
                | (counter & ((1 << 62) - 1))
            )
            out.append(uuid.UUID(int=value))
        _id_state[:] = [last_ms, counter]
    return out


# --- writing ---------------------------------------------------------------------------------


_CALC_COLUMNS = (
    "id", "household_id", "version_no", "scheme_version_id", "status", "compensation_method",
    "inputs_hash", "total_fen", "computed_at", "computed_by", "checked_at", "checked_by",
    "supersedes_id",
)  # fmt: skip
_LINE_COLUMNS = (
    "id", "calculation_id", "seq", "item_code", "item_name", "category", "unit", "quantity",
    "rate_fen", "amount_fen", "explanation", "approval_request_id",
)  # fmt: skip
_AUDIT_COLUMNS = (
    "id", "at", "operator_id", "operator_login", "action", "entity", "entity_id",
    "household_id", "before", "after", "note", "seal", "seq", "prev_hash", "row_hash",
)  # fmt: skip


def store(
    s: Session, outcomes: Sequence[Outcome], operator: OperatorRef | None, now: datetime
) -> None:
    """Insert the new versions with their lines, supersede the old ones, update the
    households and write the audit rows: a few statements for the whole batch. Sets each
    outcome's ``id`` and ``version_no``."""
    if not outcomes:
        return
    conn = s.connection()
    op_id = operator.id if operator is not None else None
    login = operator.login if operator is not None else ""
    n_lines = sum(len(o.result.lines) for o in outcomes)
    ids = iter(ordered_ids(2 * len(outcomes) + n_lines))
    calcs, lines, audits, supersede, moved, same = [], [], [], [], [], []
    calculated = HouseholdStatus.CALCULATED.value
    for o in outcomes:
        f, prev = o.facts, o.facts.current
        o.id = new_id = next(ids)
        o.version_no = version_no = (prev.version_no if prev else _max_version(s, f.id)) + 1
        total = o.result.total_fen
        calcs.append((
            new_id, f.id, version_no, o.version_id, "computed",
            f.input.compensation_method.value, o.hash, total, now, op_id, None, None,
            prev.id if prev else None,
        ))  # fmt: skip
        keys = o.approval_keys
        for ln in o.result.lines:
            key = keys.get(ln.seq) if keys else None
            lines.append((
                next(ids), new_id, ln.seq, ln.item_code, ln.item_name[:100], ln.category,
                ln.unit, str(ln.quantity), ln.rate_fen, ln.amount_fen, ln.explanation,
                uuid.UUID(key) if key else None,
            ))  # fmt: skip
        if prev is not None:
            supersede.append(("superseded", prev.id))
        if f.status in _RECALCULATE_FROM:
            moved.append((total, calculated, now, now, f.id))
        else:
            same.append((total, now, f.id))
        audits.append((
            next(ids), now, op_id, login, "calculate", "calculation", str(new_id), f.id,
            {"version_no": prev.version_no, "total_fen": prev.total_fen} if prev else None,
            {"version_no": version_no, "total_fen": total, "scheme": version_label(o.scheme)},
            f.code,
        ))  # fmt: skip
    # The audit rows take their places in the chain (services.audit) before they are written.
    chained = [dict(zip(_AUDIT_COLUMNS[:11], row, strict=True)) for row in audits]
    chain_rows(conn, chained)
    audits = [tuple(r[c] for c in _AUDIT_COLUMNS) for r in chained]
    if supersede:
        _executemany(conn, "supersede", supersede)
    _executemany(conn, "calculation", calcs)
    if lines:
        _executemany(conn, "line", lines)
    if moved:
        _executemany(conn, "household_moved", moved)
    if same:
        _executemany(conn, "household_total", same)
    _executemany(conn, "audit", audits)


def _statements() -> dict[str, tuple[Any, tuple[str, ...]]]:
    """The statements of :func:`store`, each with the names of its row values in order.
    ``updated_at`` is set here, as the column's onupdate would: the driver-level
    executemany runs no Python-side defaults."""
    C: Any = m.Calculation.__table__
    H: Any = m.Household.__table__
    L: Any = m.CalculationLine.__table__
    A: Any = m.AuditLog.__table__
    by_id = H.c.id == bindparam("b_id")
    return {
        "supersede": (
            update(C).where(C.c.id == bindparam("b_id")).values(status=bindparam("b_status")),
            ("b_status", "b_id"),
        ),
        "calculation": (insert(C), _CALC_COLUMNS),
        "line": (insert(L), _LINE_COLUMNS),
        "audit": (insert(A), _AUDIT_COLUMNS),
        "household_moved": (
            update(H)
            .where(by_id)
            .values(
                total_fen=bindparam("b_total"),
                status=bindparam("b_status"),
                status_changed_at=bindparam("b_at"),
                updated_at=bindparam("b_updated"),
            ),
            ("b_total", "b_status", "b_at", "b_updated", "b_id"),
        ),
        "household_total": (
            update(H)
            .where(by_id)
            .values(total_fen=bindparam("b_total"), updated_at=bindparam("b_updated")),
            ("b_total", "b_updated", "b_id"),
        ),
    }


@dataclass(frozen=True)
class _Prepared:
    sql: str
    binds: tuple[str, ...]  # parameter names in the statement's order
    positions: tuple[int, ...]  # where each is in a row
    processors: tuple[Callable[[Any], Any] | None, ...]
    positional: bool


# By kind of dialect (every engine has its own dialect object; the SQL and the conversions
# are the same for all of one kind).
_PREPARED: dict[tuple[str, str, str], dict[str, _Prepared]] = {}
_PREPARE_LOCK = threading.Lock()


def _prepared(dialect: Dialect, key: str) -> _Prepared:
    with _PREPARE_LOCK:
        found = _PREPARED.setdefault((dialect.name, dialect.driver, dialect.paramstyle), {})
        if not found:
            for name, (stmt, names) in _statements().items():
                compiled = stmt.compile(dialect=dialect, column_keys=list(names))
                binds = tuple(compiled.positiontup if compiled.positional else compiled.binds)
                if set(binds) != set(names):
                    raise ValueError(f"{name}: statement parameters {binds} are not {names}")
                found[name] = _Prepared(
                    compiled.string,
                    binds,
                    tuple(names.index(b) for b in binds),
                    tuple(
                        compiled.binds[b].type.dialect_impl(dialect).bind_processor(dialect)
                        for b in binds
                    ),
                    compiled.positional,
                )
        return found[key]


def _executemany(conn: Connection, key: str, rows: list[tuple[Any, ...]]) -> None:
    """``conn.execute(stmt, [dict(zip(names, row)) for row in rows])`` for one of
    :func:`_statements`, for thousands of rows: the statement is compiled once per dialect,
    each value is converted by its column type's own bind processor (as SQLAlchemy would),
    and the driver's executemany gets the rows. SQLAlchemy's per-row parameter handling
    costs ~10 µs a row, seconds for 800,000 calculation lines; compiling, ~0.7 ms a
    statement, most of computing one household."""
    p = _prepared(conn.dialect, key)
    columns = list(zip(*rows, strict=True))  # column-wise: the loops run in C
    converted_columns = []
    for k, process in zip(p.positions, p.processors, strict=True):
        values = columns[k]
        converted_columns.append(values if process is None else list(map(process, values)))
    converted: list[Any] = list(zip(*converted_columns, strict=True))
    if not p.positional:
        converted = [dict(zip(p.binds, row, strict=True)) for row in converted]
    conn.exec_driver_sql(p.sql, converted)


def _max_version(s: Session, household_id: uuid.UUID) -> int:
    C: Any = m.Calculation.__table__
    found = s.connection().scalar(
        select(func.max(C.c.version_no)).where(C.c.household_id == household_id)
    )
    return int(found or 0)


# --- views -----------------------------------------------------------------------------------


def view_of(o: Outcome, operator: OperatorRef | None, now: datetime) -> CalculationView:
    """The view of an outcome :func:`store` has just written (what :func:`read_view` would
    read back, without reading)."""
    assert o.id is not None
    numbers = {a.key: a.number for a in o.facts.approvals}
    keys = o.approval_keys
    lines = tuple(
        LineView(
            ln.seq, ln.item_code, ln.item_name[:100], ln.category, str(ln.quantity), ln.unit,
            ln.rate_fen, ln.amount_fen, ln.explanation,
            numbers.get(keys[ln.seq]) if ln.seq in keys else None,
        )
        for ln in o.result.lines
    )  # fmt: skip
    return CalculationView(
        id=o.id,
        household_id=o.facts.id,
        household_code=o.facts.code,
        version_no=o.version_no,
        status="computed",
        lines=lines,
        total_fen=o.result.total_fen,
        total_upper=money.to_chinese_upper(o.result.total_fen),
        scheme_version_id=o.version_id,
        scheme_label=version_label(o.scheme),
        computed_by=operator.name if operator is not None else "",
        computed_at=now,
        checked_by="",
        checked_at=None,
        created=True,
    )


@functools.cache
def _view_queries() -> tuple[Any, Any]:
    C: Any = m.Calculation.__table__
    L: Any = m.CalculationLine.__table__
    R: Any = m.ApprovalRequest.__table__
    SV: Any = m.SchemeVersion.__table__
    maker, checker = aliased(m.Operator.__table__), aliased(m.Operator.__table__)
    head = (
        select(
            C.c.household_id, m.Household.code, C.c.version_no, C.c.status, C.c.total_fen,
            C.c.scheme_version_id, m.Scheme.name, SV.c.version_no, SV.c.effective_date,
            maker.c.name, C.c.computed_at, checker.c.name, C.c.checked_at,
        )
        .select_from(C)
        .join(m.Household.__table__, m.Household.id == C.c.household_id, isouter=True)
        .join(SV, SV.c.id == C.c.scheme_version_id, isouter=True)
        .join(m.Scheme.__table__, m.Scheme.id == SV.c.scheme_id, isouter=True)
        .join(maker, maker.c.id == C.c.computed_by, isouter=True)
        .join(checker, checker.c.id == C.c.checked_by, isouter=True)
        .where(C.c.id == bindparam("b_calc"))
    )  # fmt: skip
    lines = (
        select(
            L.c.seq, L.c.item_code, L.c.item_name, L.c.category, L.c.quantity, L.c.unit,
            L.c.rate_fen, L.c.amount_fen, L.c.explanation, R.c.number,
        )
        .select_from(L)
        .join(R, R.c.id == L.c.approval_request_id, isouter=True)
        .where(L.c.calculation_id == bindparam("b_calc"))
        .order_by(L.c.seq)
    )  # fmt: skip
    return head, lines


def read_view(s: Session, calc_id: uuid.UUID) -> CalculationView:
    """A stored calculation version with its lines, in two queries."""
    conn = s.connection()
    head, line_query = _view_queries()
    params = {"b_calc": calc_id}
    (household_id, code, version_no, status, total, version_id, scheme_name, scheme_version,
     effective, computed_by, computed_at, checked_by, checked_at) = conn.execute(
        head, params
    ).one()  # fmt: skip
    lines = tuple(LineView(*r) for r in conn.execute(line_query, params).all())
    label = (
        _(
            "{name} 第{version}版（{effective} 起施行）",
            name=scheme_name or "",
            version=scheme_version,
            effective=effective.isoformat(),
        )
        if scheme_version is not None
        else ""
    )
    return CalculationView(
        id=calc_id,
        household_id=household_id,
        household_code=code or "",
        version_no=version_no,
        status=status,
        lines=lines,
        total_fen=total,
        total_upper=money.to_chinese_upper(total),
        scheme_version_id=version_id,
        scheme_label=label,
        computed_by=computed_by or "",
        computed_at=computed_at,
        checked_by=checked_by or "",
        checked_at=checked_at,
    )
