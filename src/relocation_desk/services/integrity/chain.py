"""Checking the audit chain (domain/audit_chain.py): every row's hash from its content and
the row before, no gap in the numbering, the chain head at the last row, no row outside the
chain.

On SQLite the rows are read as stored (no type conversion: the canonical text is made of the
stored forms); on PostgreSQL through the column types, which give the same text.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import Connection, func, select

from ...domain.audit_chain import (
    GENESIS,
    canonical_row,
    json_text,
    json_value_text,
    row_hash,
    short_hash,
    time_text,
    uuid_text,
)
from ...i18n import _
from ...storage import models as m
from ..audit import read_head
from ..clock import TIME_ZONE_SETTING, project_zone, project_zone_value
from .report import Part

_COLUMNS = (
    "seq", "id", "at", "operator_id", "operator_login", "action", "entity", "entity_id",
    "household_id", "before", "after", "note", "seal", "prev_hash", "row_hash",
)  # fmt: skip
# Rows looked at by the quick check: the chain's end.
QUICK_TAIL = 2000


class Households:
    """Household codes by id (any id form), read once when first needed."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._codes: dict[str, str] | None = None
        self._zone: tzinfo | None = None

    @property
    def zone(self) -> tzinfo:
        """The project's time zone, for the times named in findings."""
        if self._zone is None:
            S: Any = m.Setting.__table__
            raw = self._conn.execute(
                select(S.c.value).where(S.c.key == TIME_ZONE_SETTING).limit(1)
            ).scalar()
            self._zone = project_zone_value(raw)
        return self._zone

    def code(self, household_id: Any) -> str:
        if household_id is None:
            return ""
        if self._codes is None:
            H: Any = m.Household.__table__
            self._codes = {
                uuid_text(i) or "": c for i, c in self._conn.execute(select(H.c.id, H.c.code))
            }
        return self._codes.get(uuid_text(household_id) or "", "")


def local_time(value: Any, zone: tzinfo | None = None) -> str:
    """A stored UTC time in the project's time zone ``zone`` (None: the default zone) for
    people (``YYYY-MM-DD HH:MM``)."""
    text = time_text(value)
    try:
        t = datetime.fromisoformat(text.replace(" ", "T") + "+00:00")
    except ValueError:
        return text
    return t.astimezone(project_zone(zone)).strftime("%Y-%m-%d %H:%M")


def _rows(conn: Connection, where_tail: int | None) -> tuple[Iterable[Sequence[Any]], bool]:
    """The chained rows in order (from ``seq > where_tail`` when given); True when raw."""
    if conn.dialect.name == "sqlite":
        sql = f"SELECT {', '.join(_COLUMNS)} FROM audit_log WHERE seq IS NOT NULL"
        if where_tail is not None:
            sql += f" AND seq > {int(where_tail)}"
        return conn.exec_driver_sql(sql + " ORDER BY seq"), True
    A: Any = m.AuditLog.__table__
    stmt = select(*(A.c[c] for c in _COLUMNS)).where(A.c.seq.is_not(None))
    if where_tail is not None:
        stmt = stmt.where(A.c.seq > where_tail)
    return conn.execute(stmt.order_by(A.c.seq)).yield_per(20000), False


def _describe(r: Sequence[Any], households: Households) -> str:
    code = households.code(r[8])
    return _(
        "第 {seq} 条审计记录（{at}，{who}，{entity}/{action}{household}）",
        seq=r[0],
        at=local_time(r[2], households.zone),
        who=r[4] or _("未记录操作员"),
        entity=r[6],
        action=r[5],
        household=f"，{code}" if code else "",
    )


def check_chain(conn: Connection, part: Part, *, quick: bool = False) -> None:
    """Check the chain (``quick``: only its last :data:`QUICK_TAIL` rows, its length and its
    head) and add what is broken to ``part``."""
    households = Households(conn)
    A: Any = m.AuditLog.__table__
    head = read_head(conn)
    start_seq = 0
    prev = GENESIS
    if quick:
        start_seq = max(0, head.seq - QUICK_TAIL)
        if start_seq:
            found = conn.execute(select(A.c.row_hash).where(A.c.seq == start_seq)).scalar()
            if found is None:
                part.add(
                    _("第 {seq} 条审计记录", seq=start_seq),
                    _("这条审计记录不见了（被删除）；请运行 relocation-desk check 查看全部"),
                )
                prev = ""
            else:
                prev = found
    rows, raw = _rows(conn, start_seq if quick else None)
    expected, last, last_row = start_seq + 1, start_seq, None
    for r in rows:
        part.checked += 1
        seq = int(r[0])
        if seq != expected:
            after = _describe(last_row, households) if last_row is not None else _("链的开头")
            part.add(
                _("第 {seq} 条审计记录", seq=expected)
                if seq - 1 == expected
                else _("第 {first} 至 {last} 条审计记录", first=expected, last=seq - 1),
                _("这些审计记录不见了（被删除）：它们在{after}之后、{at}之前",
                  after=after, at=local_time(r[2], households.zone)),
            )  # fmt: skip
        elif prev and r[13] != prev:
            part.add(
                _describe(r, households),
                _("它记下的前一条哈希与第 {prev} 条不符：前面的记录被改动、删除或插入过",
                  prev=seq - 1),
            )  # fmt: skip
        if not _hash_holds(r, raw):
            part.add(
                _describe(r, households),
                _("这条审计记录的内容与它的哈希不符：记录在程序之外被改动过"),
            )
        prev, expected, last, last_row = r[14], seq + 1, seq, r
    if head.seq != last or (last and head.row_hash != prev):
        if head.seq > last:
            what = _(
                "链头记到第 {head} 条，但日志只到第 {last} 条：最后 {n} 条审计记录被删除",
                head=head.seq, last=last, n=head.seq - last,
            )  # fmt: skip
        else:
            what = _(
                "链头（第 {head} 条，{hash}）与日志的最后一条（第 {last} 条）不符",
                head=head.seq, hash=short_hash(head.row_hash), last=last,
            )  # fmt: skip
        part.add(_("审计链头"), what)
    loose = conn.execute(
        select(func.count(), func.min(A.c.at)).select_from(A).where(A.c.seq.is_(None))
    ).one()
    if loose[0]:
        part.add(
            _("审计日志"),
            _("有 {n} 条审计记录不在链中（最早的在 {at}）：它们是在程序之外加入的",
              n=loose[0], at=local_time(loose[1], households.zone)),
        )  # fmt: skip


def _hash_holds(r: Sequence[Any], raw: bool) -> bool:
    text: Callable[[Any], str] = _raw_json if raw else json_value_text
    if row_hash(r[13], _canonical(r, text)) == r[14]:
        return True
    if raw:  # JSON written by another serialiser: compare as values
        try:
            return row_hash(r[13], _canonical(r, _reparsed_json)) == r[14]
        except ValueError:
            return False
    return False


def _canonical(r: Sequence[Any], text: Callable[[Any], str]) -> str:
    return canonical_row(
        r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], text(r[9]), text(r[10]), r[11], r[12]
    )


def _raw_json(value: Any) -> str:
    return "null" if value is None else json_text(value)


def _reparsed_json(value: Any) -> str:
    return "null" if value is None else json_value_text(json.loads(value))
