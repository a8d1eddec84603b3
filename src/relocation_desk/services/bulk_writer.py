"""Fast bulk loading for the demo generator: rows go to SQLite in big ``executemany`` batches.

SQLAlchemy Core's own ``insert()`` with a list of dicts runs every value through its type's
bind processor in Python (UUID → hex, aware datetime → UTC text …): measured 11 s for 300,000
persons. The demo generator therefore produces values already in the form SQLAlchemy stores
on SQLite, and this writer hands whole batches of tuples to the driver (3 s for the same rows):

* UUID columns: 32 lower-case hex digits (what ``sqlalchemy.Uuid`` stores on SQLite);
* date columns: ``YYYY-MM-DD``; datetime columns: UTC ``YYYY-MM-DD HH:MM:SS.ffffff``
  (what ``UtcDateTime`` stores);
* JSON columns: any JSON value; the column type's own bind processor serialises it, so the
  text is exactly what the ORM would write;
* booleans, integers and strings as they are.

Every column must be given or have a plain default in the model; a row with an unknown key is
refused, so a schema change cannot silently leave a column NULL. ``tests/services/test_demo.py``
reads the generated database back through the ORM to prove the values round-trip.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from datetime import date
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import JSON, Connection, Table
from sqlalchemy.sql.expression import FromClause

_MASK_62 = (1 << 62) - 1


class Ids:
    """Deterministic, creation-ordered UUIDs from a seeded generator, as stored (hex).

    Layout of RFC 9562 version 8 (custom): a 48-bit counter, the version, 74 random bits.
    The counter is ``block`` (12 bits: 0 for the project's own rows, 1 + team index for a
    team's) followed by 36 bits that start at ``base`` (random per seed) and count up. Keys
    that grow with insertion order are appended to the primary-key indexes instead of
    landing on random pages (the idea of UUIDv7): about a third less SQLite time for 100,000
    households. They stay unique across demos (other seeds, other bases and random bits) and
    mix freely with the random version 4 keys the application creates.
    """

    BASE_BITS = 35

    def __init__(self, rng: random.Random, *, base: int, block: int) -> None:
        if not 0 <= base < 1 << self.BASE_BITS or not 0 <= block < 1 << 12:
            raise ValueError("id base or block out of range")
        self._bits = rng.getrandbits
        self._counter = (block << 36) | base

    def new(self) -> str:
        self._counter += 1
        r = self._bits(74)
        return "%032x" % (
            (self._counter << 80) | (0x8 << 76) | ((r >> 62) << 64) | (0b10 << 62) | (r & _MASK_62)
        )


def uuid_text(hex32: str) -> str:
    """The canonical 8-4-4-4-12 text of a hex UUID (as ``str(uuid.UUID(...))`` gives it)."""
    h = hex32
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class Clock:
    """Dates and times of the demo, as stored values, all derived from one ``today``.

    Days are integers (``date.toordinal``). Times are working hours in the demo project's time
    zone (it stores none, so the default ``services.clock.DEFAULT_TIME_ZONE``, Asia/Shanghai:
    UTC+8 all year), stored as UTC as ``UtcDateTime`` stores them; the windows show them in
    the project's zone again (``clock.shown``), so the demo's work falls between 08:30 and 18:00.
    """

    UTC_OFFSET_HOURS = 8

    def __init__(self, today: date) -> None:
        self.today = today.toordinal()
        self._days: dict[int, str] = {}

    def day(self, ordinal: int) -> str:
        text = self._days.get(ordinal)
        if text is None:
            text = self._days[ordinal] = date.fromordinal(ordinal).isoformat()
        return text

    def date(self, ordinal: int) -> date:
        return date.fromordinal(ordinal)

    def at(self, ordinal: int, minute: int) -> str:
        """``minute`` of the local day (0–1439) on day ``ordinal``, as stored UTC text."""
        minute -= self.UTC_OFFSET_HOURS * 60
        if minute < 0:
            ordinal -= 1
            minute += 1440
        return f"{self.day(ordinal)} {minute // 60:02d}:{minute % 60:02d}:00.000000"

    def work_time(self, ordinal: int, rng: random.Random) -> str:
        """A random moment of the working day (08:30–17:59 local)."""
        return self.at(ordinal, 510 + int(rng.random() * 570))


class _TableSpec:
    __slots__ = (
        "column_set",
        "columns",
        "count",
        "defaults",
        "getter",
        "json_processors",
        "name",
        "rows",
        "sql",
    )

    def __init__(self, table: Table, conn: Connection) -> None:
        dialect = conn.dialect
        self.name = table.name
        self.columns = [c.name for c in table.columns]
        self.column_set = frozenset(self.columns)
        self.defaults: dict[str, Any] = {}
        for c in table.columns:
            default = c.default
            if default is not None and getattr(default, "is_scalar", False):
                self.defaults[c.name] = default.arg  # type: ignore[attr-defined]
            elif default is None and c.nullable:
                self.defaults[c.name] = None
        self.getter = itemgetter(*self.columns)
        self.json_processors: list[tuple[int, Callable[[Any], Any]]] = []
        for i, c in enumerate(table.columns):
            if isinstance(c.type, JSON):
                proc = c.type.bind_processor(dialect)  # type: ignore[no-untyped-call]
                if proc is not None:
                    self.json_processors.append((i, proc))
        quote = dialect.identifier_preparer.quote
        names = ", ".join(quote(n) for n in self.columns)
        marks = ", ".join("?" for _ in self.columns)
        self.sql = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})"
        self.rows: list[tuple[Any, ...]] = []
        self.count = 0


class BulkWriter:
    """Buffers rows per table and inserts them in batches on ``conn`` (one transaction is
    the caller's business). Parents must be flushed before children when foreign keys are
    enforced: call :meth:`flush_all` in dependency order, or load with checks deferred."""

    def __init__(self, conn: Connection, *, batch_size: int = 20_000) -> None:
        self._conn = conn
        self._batch = batch_size
        self._specs: dict[str, _TableSpec] = {}
        self._order: list[str] = []
        self._adders: dict[str, Callable[[dict[str, Any]], None]] = {}

    def _spec(self, clause: FromClause) -> _TableSpec:
        table = cast(Table, clause)
        spec = self._specs.get(table.name)
        if spec is None:
            spec = self._specs[table.name] = _TableSpec(table, self._conn)
            self._order.append(table.name)
        return spec

    def add(self, table: FromClause, row: dict[str, Any]) -> None:
        self.adder(table)(row)

    def adder(self, table: FromClause) -> Callable[[dict[str, Any]], None]:
        """A function that adds one row to ``table`` (faster than :meth:`add` in loops)."""
        spec = self._spec(table)
        adder = self._adders.get(spec.name)
        if adder is not None:
            return adder
        defaults, getter, columns = spec.defaults, spec.getter, spec.column_set
        processors, batch = spec.json_processors, self._batch
        width = len(spec.columns)

        def add(row: dict[str, Any]) -> None:
            if not row.keys() <= columns:
                raise ValueError(f"{spec.name}: unknown columns {sorted(set(row) - columns)}")
            try:
                values = getter(row if len(row) == width else {**defaults, **row})
            except KeyError as exc:
                raise ValueError(f"{spec.name}: no value for column {exc.args[0]!r}") from None
            if processors:
                mutable = list(values)
                for i, proc in processors:
                    mutable[i] = proc(mutable[i])
                values = tuple(mutable)
            rows = spec.rows
            rows.append(values)
            if len(rows) >= batch:
                self.flush(table)

        self._adders[spec.name] = add
        return add

    def tuple_adder(
        self, table: FromClause, columns: tuple[str, ...]
    ) -> Callable[[tuple[Any, ...]], None]:
        """A function that adds one row given as a tuple of *all* ``columns`` in that order:
        for the biggest tables, where building a dict per row costs more than the insert."""
        spec = self._spec(table)
        if sorted(columns) != sorted(spec.columns):
            raise ValueError(f"{spec.name}: tuple columns must be exactly {spec.columns}")
        if spec.json_processors:
            raise ValueError(f"{spec.name}: has JSON columns; add rows as dicts")
        order = [columns.index(c) for c in spec.columns]
        reorder = None if order == list(range(len(order))) else itemgetter(*order)
        batch = self._batch

        def add(values: tuple[Any, ...]) -> None:
            rows = spec.rows
            rows.append(values if reorder is None else reorder(values))
            if len(rows) >= batch:
                self.flush(table)

        return add

    def flush(self, table: FromClause) -> None:
        spec = self._spec(table)
        if spec.rows:
            self._conn.exec_driver_sql(spec.sql, spec.rows)
            spec.count += len(spec.rows)
            spec.rows = []

    def flush_all(self, tables: Iterable[FromClause]) -> None:
        for table in tables:
            self.flush(table)

    def counts(self) -> dict[str, int]:
        """Rows inserted so far (flushed), per table name, in first-use order."""
        return {name: self._specs[name].count for name in self._order}
