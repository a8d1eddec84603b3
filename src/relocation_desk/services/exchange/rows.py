"""Table rows as plain JSON values and back, for the lines of a package.

A row travels as ``{column: value}`` with UUIDs as 32-digit hex, times as ISO 8601 with their
offset, dates as ``YYYY-MM-DD``, bytes as hex and JSON columns as they are; reading turns each
value back into the column's Python type, so a row inserted at the other end is the row that
was read here, key for key (every key is a UUID: HQ and the laptops share them).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, LargeBinary, Table, Uuid, select
from sqlalchemy.orm import Session

from ...i18n import _
from ...storage.base import UtcDateTime
from .container import PackageRefused

__all__ = ["dump_lines", "from_json", "load_lines", "read_rows", "to_json"]

MAX_LINE_BYTES = 64 * 1024**2


def to_json(table: Table, row: Mapping[str, Any]) -> dict[str, Any]:
    """The row's columns as JSON values."""
    out: dict[str, Any] = {}
    for col in table.columns:
        value = row[col.name]
        if value is None or isinstance(col.type, JSON):
            out[col.name] = value
        elif isinstance(value, uuid.UUID):
            out[col.name] = value.hex
        elif isinstance(value, datetime | date):
            out[col.name] = value.isoformat()
        elif isinstance(value, bytes | memoryview):
            out[col.name] = bytes(value).hex()
        else:
            out[col.name] = value
    return out


def from_json(table: Table, data: Mapping[str, Any]) -> dict[str, Any]:
    """A row dict for ``table`` from :func:`to_json`'s values; a value of the wrong shape
    refuses the package (its signature was good, so the sender's program is at fault)."""
    out: dict[str, Any] = {}
    try:
        for col in table.columns:
            if col.name not in data:
                continue
            value = data[col.name]
            kind = col.type
            if value is None or isinstance(kind, JSON):
                out[col.name] = value
            elif isinstance(kind, Uuid):
                out[col.name] = uuid.UUID(hex=str(value))
            elif isinstance(kind, LargeBinary):
                out[col.name] = bytes.fromhex(str(value))
            elif isinstance(kind, Date):
                out[col.name] = date.fromisoformat(str(value))
            elif isinstance(kind, UtcDateTime | DateTime):
                moment = datetime.fromisoformat(str(value))
                out[col.name] = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
            else:
                out[col.name] = value
    except (ValueError, TypeError, NotImplementedError):
        raise PackageRefused(
            _("数据包中 {table} 的一行数据格式不对，未导入任何内容。请向发送方重新索取",
              table=table.name)
        ) from None  # fmt: skip
    return out


def read_rows(s: Session, table: Table, *where: Any) -> list[dict[str, Any]]:
    """Rows of ``table`` (filtered by ``where``) as JSON values, in key order."""
    stmt = select(table).where(*where)
    if "id" in table.c:
        stmt = stmt.order_by(table.c.id)
    return [to_json(table, dict(r._mapping)) for r in s.execute(stmt)]


def dump_lines(items: Iterable[Mapping[str, Any]]) -> bytes:
    """JSON lines, one object a line. Keys keep their order: a sealed record's JSON column is
    sealed as written, so it must arrive as it was written."""
    import json

    return b"".join(
        json.dumps(i, ensure_ascii=False, separators=(",", ":")).encode() + b"\n" for i in items
    )


def load_lines(content: bytes, entry: str) -> Iterator[dict[str, Any]]:
    """The objects of a JSON-lines entry, each bounded like the manifest."""
    from ...domain import bounded_json

    for number, line in enumerate(content.splitlines(), 1):
        if not line.strip():
            continue
        try:
            if len(line) > MAX_LINE_BYTES:
                raise ValueError("line too long")
            item = bounded_json.loads(line.decode("utf-8"), max_depth=32)
        except ValueError:
            item = None
        if not isinstance(item, dict):
            raise PackageRefused(
                _("数据包的 {entry} 第 {n} 行格式不对，未导入任何内容。请向发送方重新索取",
                  entry=entry, n=number)
            )  # fmt: skip
        yield item
