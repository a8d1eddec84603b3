"""A household and every record under it as plain JSON values: what a team sends HQ.

A *bundle* is ``{"household": {column: value}, "person": [rows], "structure": [rows], …}``:
the household row and its persons, structures, attachments, data flags, calculations and
their lines, objections, stored files, agreements, compensation decisions, payments,
milestones and resettlement orders and choices. Values are JSON: ids as 32 hex digits, times
as UTC ``YYYY-MM-DD HH:MM:SS.ffffff``, dates ISO, JSON columns as they are. Rows are sorted
by id, so the same records give the same bundle on a laptop's SQLite and on HQ's PostgreSQL,
and :func:`bundle_hash` tells whether a household changed.

Reading and writing go by whole tables for many households at once (a few ``IN`` queries and
``executemany`` inserts), since a team sends thousands of households in one package.

Uses only storage and domain.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Integer, Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.types import JSON, Uuid

from ...domain.audit_chain import time_text
from ...i18n import _
from ...storage import models as m
from ...storage.base import Base, UtcDateTime
from ...storage.engine import json_dumps
from .container import PackageRefused

__all__ = [
    "BUNDLE_TABLES",
    "BundleRefused",
    "apply_bundle",
    "bulk_insert",
    "bundle_hash",
    "decode_bundle",
    "decode_row",
    "delete_household_records",
    "encode_row",
    "household_bundle",
    "household_bundles",
    "insert_records",
    "refused_row",
    "write_households",
]

# The household's records in the order they are inserted (references point backwards); the
# household row itself comes first and is never deleted by a merge, only updated.
BUNDLE_TABLES: tuple[str, ...] = (
    "person",
    "structure",
    "attachment",
    "data_flag",
    "calculation",
    "calculation_line",
    "objection",
    "stored_file",
    "agreement",
    "compensation_decision",
    "payment",
    "milestone",
    "resettlement_order",
    "resettlement_choice",
)
# Rows of one table that point at another row of the same table: inserted after it.
_SELF_REFERENCES = {
    "calculation": "supersedes_id",
    "agreement": "parent_id",
    "payment": "reverses_id",
}
_CHUNK = 500  # ids per IN (…): well under SQLite's and PostgreSQL's parameter limits


class BundleRefused(PackageRefused):
    """A bundle in a package does not fit the tables (a column of another version, a value
    of the wrong kind): the whole package is refused."""


def _table(name: str) -> Table:
    table: Table = Base.metadata.tables[name]
    return table


@dataclass(frozen=True)
class _Codec:
    """How each column of one table travels: uuid, time, date, json, bool, int or text."""

    table: Table
    kinds: dict[str, str]

    @property
    def converters(self) -> list[tuple[str, Any]]:
        """(column, check-and-convert) for every column but JSON ones."""
        found = self.__dict__.get("_converters")
        if found is None:
            found = [(c, _CONVERTERS[k]) for c, k in self.kinds.items() if k != "json"]
            object.__setattr__(self, "_converters", found)
        return found

    @property
    def checks(self) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], list[Any]]:
        """The columns checked in place (text, int, bool: a package value is already the
        typed value) and (column, convert) for ids, times and dates."""
        found = self.__dict__.get("_checks")
        if found is None:
            by_kind: dict[str, tuple[str, ...]] = {
                k: tuple(c for c, kind in self.kinds.items() if kind == k)
                for k in ("text", "int", "bool")
            }
            converting = [(c, _CONVERTERS[k]) for c, k in self.kinds.items()
                          if k in ("uuid", "time", "date")]  # fmt: skip
            found = (by_kind["text"], by_kind["int"], by_kind["bool"], converting)
            object.__setattr__(self, "_checks", found)
        return found

    @classmethod
    def of(cls, name: str) -> _Codec:
        table = _table(name)
        kinds: dict[str, str] = {}
        for column in table.columns:
            t = column.type
            if isinstance(t, Uuid):
                kinds[column.name] = "uuid"
            elif isinstance(t, UtcDateTime):
                kinds[column.name] = "time"
            elif isinstance(t, Date):
                kinds[column.name] = "date"
            elif isinstance(t, JSON):
                kinds[column.name] = "json"
            elif isinstance(t, Boolean):
                kinds[column.name] = "bool"
            elif isinstance(t, Integer):
                kinds[column.name] = "int"
            else:
                kinds[column.name] = "text"
        return cls(table, kinds)


_CODECS: dict[str, _Codec] = {}


def codec(name: str) -> _Codec:
    found = _CODECS.get(name)
    if found is None:
        found = _CODECS[name] = _Codec.of(name)
    return found


def encode_row(name: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """A row read through Core (typed values) as plain JSON values."""
    out: dict[str, Any] = {}
    for column, kind in codec(name).kinds.items():
        value = row[column]
        if value is None or kind in ("json", "bool", "int", "text"):
            out[column] = value
        elif kind == "uuid":
            out[column] = value.hex
        elif kind == "time":
            out[column] = time_text(value)
        else:  # date
            out[column] = value.isoformat()
    return out


def decode_row(name: str, row: Any) -> dict[str, Any]:
    """A row from a package as typed values for Core; :class:`BundleRefused` when it does
    not fit the table."""
    if not isinstance(row, dict):
        raise refused_row(name, "row")
    c = codec(name)
    if row.keys() != c.kinds.keys():  # every column, no other: the same program version
        odd = sorted(set(row) ^ set(c.kinds))
        raise refused_row(name, odd[0])
    out = dict(row)
    texts, ints, flags, converting = c.checks
    try:
        for column in texts:
            value = out[column]
            if value is not None and type(value) is not str:
                raise TypeError
        for column in ints:
            value = out[column]
            if value is not None and (type(value) is not int or not _INT_MIN <= value < _INT_MAX):
                raise TypeError
        for column in flags:
            value = out[column]
            if value is not None and value is not True and value is not False:
                raise TypeError
        for column, convert in converting:
            value = out[column]
            if value is not None:
                out[column] = convert(value)
    except (TypeError, ValueError, OverflowError, AttributeError):
        raise refused_row(name, _first_unfit(c, row)) from None
    if out.get("id", 0) is None:
        raise refused_row(name, "id")
    return out


def _first_unfit(c: _Codec, row: Mapping[str, Any]) -> str:
    """The first column, in the table's order, whose value does not fit."""
    for column, convert in c.converters:
        value = row[column]
        if value is not None:
            try:
                convert(value)
            except (TypeError, ValueError, OverflowError, AttributeError):
                return column
    return ""


_UUID = uuid.UUID
_new_object = object.__new__
_set_slot = object.__setattr__
_SAFE_UNKNOWN = uuid.SafeUUID.unknown


def _uuid(value: Any) -> uuid.UUID:
    """``uuid.UUID(hex=value)`` (not a str: TypeError or AttributeError). The 32 plain hex
    digits every package writes skip the constructor's clean-up and checks (a package holds
    hundreds of thousands of ids): same value, same errors."""
    if type(value) is str and len(value) == 32 and value.isascii() and value.isalnum():
        number = int(value, 16)  # a letter past f: ValueError, as the constructor says
        made = _new_object(_UUID)
        _set_slot(made, "int", number)
        _set_slot(made, "is_safe", _SAFE_UNKNOWN)
        return made
    return _UUID(hex=value)


def _time(value: Any) -> datetime:
    if not isinstance(value, str) or len(value) > 40:
        raise TypeError
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _date(value: Any) -> date:
    if not isinstance(value, str) or len(value) != 10:
        raise TypeError
    return date.fromisoformat(value)


def _bool(value: Any) -> bool:
    if value is not True and value is not False:
        raise TypeError
    return bool(value)


_INT_MIN, _INT_MAX = -(2**63), 2**63


def _int(value: Any) -> int:
    if type(value) is not int or not _INT_MIN <= value < _INT_MAX:
        raise TypeError
    return value  # exactly an int


def _text(value: Any) -> str:
    if type(value) is not str:
        raise TypeError
    return value  # exactly a str


_CONVERTERS = {"uuid": _uuid, "time": _time, "date": _date, "bool": _bool, "int": _int,
               "text": _text}  # fmt: skip


def refused_row(table: str, column: str) -> BundleRefused:
    return BundleRefused(
        _("数据包中的记录格式不对（{table}.{column}），未导入任何内容。请确认双方使用同一版本的程序",
          table=table, column=column)
    )  # fmt: skip


# --- reading ----------------------------------------------------------------------------------


def _chunks(ids: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _rows_by_household(
    s: Session, name: str, household_ids: Sequence[uuid.UUID]
) -> list[Mapping[str, Any]]:
    table = _table(name)
    out: list[Mapping[str, Any]] = []
    for part in _chunks(household_ids):
        if name == "calculation_line":
            calc = _table("calculation")
            stmt = (
                select(table, calc.c.household_id.label("_household"))
                .join(calc, calc.c.id == table.c.calculation_id)
                .where(calc.c.household_id.in_(part))
            )
        elif name == "household":
            stmt = select(table).where(table.c.id.in_(part))
        else:
            stmt = select(table).where(table.c.household_id.in_(part))
        out.extend(dict(r) for r in s.execute(stmt).mappings())
    return out


def _raw_decoder(kind: str) -> Any:
    if kind == "json":
        return lambda v: None if v is None else json.loads(v)
    if kind == "bool":
        return lambda v: None if v is None else bool(v)
    return None


def _sqlite_rows(
    s: Session, name: str, household_ids: Sequence[uuid.UUID]
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(owner's id as 32 hex, encoded row) read as SQLite stores them: ids, times and dates
    are already in the encoded forms (see the module docstring), so nothing is converted but
    JSON text and 0/1 booleans. Several times faster than typed rows for a full export."""
    kinds = codec(name).kinds
    columns = list(kinds)
    decoders = [(i, d) for i, c in enumerate(columns) if (d := _raw_decoder(kinds[c]))]
    selected = ", ".join(f't."{c}"' for c in columns)
    if name == "calculation_line":
        source = "calculation_line t JOIN calculation c ON c.id = t.calculation_id"
        owner, key = "c.household_id", "c.household_id"
    elif name == "household":
        source, owner, key = "household t", "t.id", "t.id"
    else:
        source, owner, key = f'"{name}" t', "t.household_id", "t.household_id"
    conn = s.connection()
    for part in _chunks(household_ids):
        marks = ", ".join("?" * len(part))
        sql = f"SELECT {owner}, {selected} FROM {source} WHERE {key} IN ({marks})"
        for raw in conn.exec_driver_sql(sql, tuple(i.hex for i in part)):
            values = list(raw[1:])
            for i, decode in decoders:
                values[i] = decode(values[i])
            yield raw[0], dict(zip(columns, values, strict=True))


def _typed_rows(
    s: Session, name: str, household_ids: Sequence[uuid.UUID]
) -> Iterator[tuple[str, dict[str, Any]]]:
    for row in _rows_by_household(s, name, household_ids):
        if name == "calculation_line":
            owner = row["_household"]
        elif name == "household":
            owner = row["id"]
        else:
            owner = row["household_id"]
        yield owner.hex, encode_row(name, row)


def household_bundles(
    s: Session, household_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, dict[str, Any]]:
    """The bundles of these households (those that exist), by household id."""
    rows = _sqlite_rows if s.connection().dialect.name == "sqlite" else _typed_rows
    by_hex: dict[str, dict[str, Any]] = {}
    for owner, row in rows(s, "household", household_ids):
        by_hex[owner] = {"household": row}
    for name in BUNDLE_TABLES:
        for owner, row in rows(s, name, household_ids):
            bundle = by_hex.get(owner)
            if bundle is not None:
                bundle.setdefault(name, []).append(row)
    bundles: dict[uuid.UUID, dict[str, Any]] = {}
    for hid in household_ids:
        bundle = by_hex.get(hid.hex)
        if bundle is None:
            continue
        for name in BUNDLE_TABLES:
            if name in bundle:
                bundle[name].sort(key=lambda r: r["id"])
        bundles[hid] = bundle
    return bundles


def household_bundle(s: Session, household_id: uuid.UUID) -> dict[str, Any] | None:
    """One household's bundle, or None when there is no such household."""
    return household_bundles(s, [household_id]).get(household_id)


def bundle_hash(bundle: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the bundle's canonical JSON: equal records, equal hash."""
    text = json.dumps(bundle, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- writing ----------------------------------------------------------------------------------


def delete_household_records(s: Session, household_ids: Sequence[uuid.UUID]) -> None:
    """Delete every record under these households (not the household rows themselves)."""
    for name in reversed(BUNDLE_TABLES):
        table = _table(name)
        for part in _chunks(household_ids):
            if name == "calculation_line":
                calc = _table("calculation")
                sub = select(calc.c.id).where(calc.c.household_id.in_(part))
                s.execute(delete(table).where(table.c.calculation_id.in_(sub)))
            elif name in _SELF_REFERENCES:
                # Children first within the table, so no row loses the row it points to.
                column = table.c[_SELF_REFERENCES[name]]
                s.execute(delete(table).where(table.c.household_id.in_(part), column.is_not(None)))
                s.execute(delete(table).where(table.c.household_id.in_(part)))
            else:
                s.execute(delete(table).where(table.c.household_id.in_(part)))


def decode_bundle(bundle: Any) -> dict[str, list[dict[str, Any]]]:
    """A bundle from a package as typed rows per table; every row must belong to the bundle's
    household (a calculation line to one of its calculations)."""
    if not isinstance(bundle, dict) or not isinstance(bundle.get("household"), dict):
        raise refused_row("household", "row")
    unknown = set(bundle) - {"household", *BUNDLE_TABLES}
    if unknown:
        raise refused_row(sorted(unknown)[0], "*")
    household = decode_row("household", bundle["household"])
    out: dict[str, list[dict[str, Any]]] = {"household": [household]}
    hid = household["id"]
    calculations: set[uuid.UUID] = set()
    for name in BUNDLE_TABLES:
        rows = bundle.get(name, [])
        if not isinstance(rows, list):
            raise refused_row(name, "*")
        decoded = [decode_row(name, r) for r in rows]
        for r in decoded:
            if name == "calculation_line":
                if r["calculation_id"] not in calculations:
                    raise refused_row(name, "calculation_id")
            elif r.get("household_id") != hid:
                raise refused_row(name, "household_id")
        if name == "calculation":
            calculations = {r["id"] for r in decoded}
        out[name] = decoded
    return out


def _in_reference_order(name: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows ordered so a row pointing at another row of the table comes after it."""
    column = _SELF_REFERENCES.get(name)
    if column is None:
        return rows
    ids = {r["id"] for r in rows}
    placed: set[uuid.UUID] = set()
    ordered: list[dict[str, Any]] = []
    waiting = rows
    while waiting:
        later = []
        for r in waiting:
            target = r[column]
            if target is None or target not in ids or target in placed:
                ordered.append(r)
                placed.add(r["id"])
            else:
                later.append(r)
        if len(later) == len(waiting):  # a loop: the database will refuse it
            ordered.extend(later)
            break
        waiting = later
    return ordered


def bulk_insert(s: Session, name: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert typed rows into table ``name`` in the session's transaction: PostgreSQL's
    ``COPY`` (an executemany costs a round of the protocol per row), SQLite's executemany."""
    if not rows:
        return
    table = _table(name)
    conn = s.connection()
    if conn.dialect.name != "postgresql":
        for start in range(0, len(rows), 2000):
            s.execute(insert(table), list(rows[start : start + 2000]))
        return
    kinds = codec(name).kinds
    columns = list(kinds)
    as_json = [kinds[c] == "json" for c in columns]
    quoted = ", ".join(f'"{c}"' for c in columns)
    driver: Any = conn.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(f'COPY "{name}" ({quoted}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(
                [
                    json_dumps(row.get(c)) if j else row.get(c)
                    for c, j in zip(columns, as_json, strict=True)
                ]
            )


def write_households(
    s: Session, bundles: Sequence[Mapping[str, list[dict[str, Any]]]], *, new: bool
) -> None:
    """Insert (``new``) or update the household rows of decoded bundles."""
    households = [b["household"][0] for b in bundles]
    if not households:
        return
    table = _table("household")
    if new:
        bulk_insert(s, "household", households)
        return
    columns = [c.name for c in table.columns if c.name != "id"]
    stmt = (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values({c: bindparam(f"b_{c}") for c in columns})
    )
    params = [{f"b_{k}": v for k, v in h.items()} for h in households]
    for start in range(0, len(params), 2000):
        s.execute(stmt, params[start : start + 2000])


def insert_records(s: Session, bundles: Sequence[Mapping[str, list[dict[str, Any]]]]) -> None:
    """Insert every record of decoded bundles (not the household rows), table by table in
    bulk. The households exist; updated ones had their old records deleted
    (:func:`delete_household_records`)."""
    for name in BUNDLE_TABLES:
        rows = [r for b in bundles for r in b.get(name, [])]
        if not rows:
            continue
        bulk_insert(s, name, _in_reference_order(name, rows))


def apply_bundle(s: Session, bundle: Mapping[str, Any]) -> None:
    """Make one household's records exactly the bundle's (inserted or replaced)."""
    decoded = decode_bundle(bundle)
    hid = decoded["household"][0]["id"]
    exists = s.scalar(select(m.Household.id).where(m.Household.id == hid)) is not None
    if exists:
        delete_household_records(s, [hid])
    write_households(s, [decoded], new=not exists)
    insert_records(s, [decoded])
