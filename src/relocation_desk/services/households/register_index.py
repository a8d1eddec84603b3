"""A compact in-memory index of the register: filter and sort 100,000 households in milliseconds.

One query loads, per household, the few values that filtering and sorting need (columnar
lists, not objects). Filtering is a substring scan over the per-household search strings of
``domain.search`` — it finds 1–2 character names that a trigram index cannot — plus equality
on the quick-filter columns. Sorting uses a permutation per column, computed once and kept, so
a later filter only has to keep the sorted order's members (linear, no re-sort).
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import compress, repeat
from operator import contains, eq
from typing import Any

from sqlalchemy import Uuid, bindparam, text

from ...domain.search import SEP, normalize_query
from ...domain.status import HouseholdStatus
from ...storage.db import Database

# Sortable columns, in the register's column order (see gui.register_model).
SORT_KEYS = (
    "code",
    "head",
    "id_number",
    "village",
    "group",
    "members",
    "legal_area",
    "unlicensed_area",
    "total",
    "status",
    "responsible",
    "updated",
)
_STATUS_RANK = {s.value: s.rank for s in HouseholdStatus}


@dataclass(frozen=True)
class QuickFilter:
    """Equality filters from the register's tool bar; None means "any"."""

    village_id: uuid.UUID | None = None
    group_id: uuid.UUID | None = None
    status: str | None = None
    responsible_id: uuid.UUID | None = None
    cadre_only: bool = False


def split_search_text(text: str) -> tuple[str, str]:
    """(the ASCII fields, the other fields) of a search text, each joined by SEP.

    A field with both (a Latin-letter name written with ·) goes into both parts.
    """
    fields = text.split(SEP)
    ascii_fields = [f for f in fields if f.isascii() or any(ch.isascii() for ch in f)]
    other_fields = [f for f in fields if not f.isascii()]
    return SEP.join(ascii_fields), SEP.join(other_fields)


def _split_all(texts: list[str]) -> tuple[list[str], list[str]]:
    pairs = [split_search_text(t) for t in texts]
    return [a for a, _n in pairs], [n for _a, n in pairs]


def _same(value: str) -> str:
    return value


# A field after the first that holds a digit: an ID number or a phone (names have none).
_WITH_DIGITS = re.compile(f"{SEP}[^{SEP}]*[0-9][^{SEP}]*")


def public_search_text(text: str) -> str:
    """The search text of a household whose personal data the viewer may not see in full:
    the code and the names only. ID numbers and phones (the fields with digits after the
    code) are left out, so typing one finds nothing (docs/personal-data.md)."""
    return _WITH_DIGITS.sub("", text)  # the first field (the code) has no SEP before it


def public_id_number(value: str | None) -> str:
    """A stored ID number as someone who may not see it in full sees it (sorting included)."""
    n = value or ""
    return f"{n[:6]}{'*' * 8}{n[-4:]}" if len(n) == 18 else "*" * len(n)


def key_of(value: uuid.UUID | str | None) -> str:
    """The index's key for an id: 32 hex digits, whatever the driver returned."""
    if value is None:
        return ""
    if isinstance(value, uuid.UUID):
        return value.hex
    return value.replace("-", "").lower()


class RegisterIndex:
    """Per-household filter and sort keys of one project, as parallel lists.

    Built in two steps so the window shows at once: the household keys in code order are read
    first (fast), and the filter and sort columns are loaded on a background thread; the first
    filter or sort waits for them if it comes earlier.
    """

    def __init__(
        self,
        db: Database,
        project_id: uuid.UUID,
        names: dict[str, str],
        full_teams: frozenset[str] | None = None,
    ) -> None:
        self._db = db
        self._project_id = project_id
        self._names = names  # village, group and operator names by key, for sorting
        # Keys of the teams whose households' ID numbers and phones the viewer may search
        # and sort by (None: every team); the others are indexed by code and names only.
        self._full_teams = full_teams
        self._lock = threading.Lock()
        self._cols: dict[str, list[Any]] = {}
        self._pos: dict[str, int] = {}
        self._perms: dict[str, list[int]] = {}
        self._ranks: dict[str, list[int]] = {}
        self._in_code_order = True
        self._last: tuple[str, QuickFilter, list[int]] | None = None  # the previous filter
        self._error: BaseException | None = None
        with db.engine.connect() as conn:
            ids = conn.execute(
                text("SELECT id FROM household WHERE project_id = :pid ORDER BY code").bindparams(
                    bindparam("pid", type_=Uuid())
                ),
                {"pid": project_id},
            ).all()  # fetchall: far cheaper than iterating 100,000 rows one by one
        # SQLite gives the stored hex text itself; other drivers give UUID objects.
        self.keys: list[str] = (
            [r[0] for r in ids]
            if ids and isinstance(ids[0][0], str)
            else [key_of(r[0]) for r in ids]
        )
        self._columns_loaded = threading.Event()
        self._generation = 0  # bumped by every refresh: sort orders computed before are stale
        self._loader = threading.Thread(target=self._load_columns, name="register-index")
        self._loader.daemon = True
        self._loader.start()

    # --- loading ------------------------------------------------------------------------
    # Plain SQL with untyped results: at 100,000 rows, SQLAlchemy's per-value processing
    # (UUID and datetime objects) would cost most of a second at every start. Ids stay
    # driver values turned into hex keys (``key_of``); only the ones shown become UUIDs.
    _COLUMNS = (
        "id, code, search_text, head_id_number, village_id, group_id, member_count, "
        "legal_area_dm2, unlicensed_area_dm2, total_fen, status, responsible_id, updated_at, "
        "has_cadre, team_id"
    )

    def _rows(self, where: str = "", ids: list[uuid.UUID] | None = None) -> list[Any]:
        sql = text(
            f"SELECT {self._COLUMNS} FROM household WHERE project_id = :pid {where} ORDER BY code"
        ).bindparams(bindparam("pid", type_=Uuid()))
        params: dict[str, Any] = {"pid": self._project_id}
        if ids is not None:
            sql = sql.bindparams(bindparam("ids", type_=Uuid(), expanding=True))
            params["ids"] = ids
        with self._db.engine.connect() as conn:
            return list(conn.execute(sql, params).all())

    def _load_columns(self) -> None:
        try:
            rows = self._rows()
            # SQLite hands back our stored hex text as is; other drivers give UUID objects.
            k = key_of if rows and not isinstance(rows[0][0], str) else _same
            full = self._full_teams
            if full is None:
                texts, numbers = [r[2] for r in rows], [r[3] for r in rows]
            else:
                seen = [k(r[14]) in full for r in rows]
                texts = [
                    r[2] if ok else public_search_text(r[2])
                    for r, ok in zip(rows, seen, strict=True)
                ]
                numbers = [
                    r[3] if ok else public_id_number(r[3]) for r, ok in zip(rows, seen, strict=True)
                ]
            cols = {
                "code": [r[1] for r in rows],
                "text": texts,
                "id_number": numbers,
                "village": [k(r[4]) for r in rows],
                "group": [k(r[5]) for r in rows],
                "members": [r[6] for r in rows],
                "legal": [r[7] for r in rows],
                "unlicensed": [r[8] for r in rows],
                "total": [r[9] for r in rows],
                "status": [r[10] for r in rows],
                "responsible": [k(r[11]) for r in rows],
                "updated": [r[12] for r in rows],
                "cadre": [bool(r[13]) for r in rows],
            }
            keys = [k(r[0]) for r in rows]
            with self._lock:
                self.keys = keys
                self._cols = cols
                self._pos = {key: i for i, key in enumerate(keys)}
                self._perms = {"code": list(range(len(keys)))}  # loaded in code order
                self._ranks = {}
                self._in_code_order = True
                self._last = None
        except BaseException as exc:  # re-raised in the thread that needs the columns
            self._error = exc
        finally:
            self._columns_loaded.set()
        if self._error is None:
            self._prepare_sorts()

    def _prepare_sorts(self) -> None:
        """Compute every column's sort order ahead of the first click (background thread)."""
        with self._lock:
            generation = self._generation
        if "ascii" not in self._cols:
            ascii_parts, name_parts = _split_all(self._cols["text"])
            with self._lock:
                if generation == self._generation and "ascii" not in self._cols:
                    self._cols["ascii"], self._cols["names"] = ascii_parts, name_parts
        for key in SORT_KEYS:
            with self._lock:
                generation, done = self._generation, key in self._perms
            if done:
                continue
            perm = self._compute_permutation(key)
            with self._lock:
                if generation == self._generation:  # no edit came in meanwhile
                    self._perms.setdefault(key, perm)

    def _ready(self) -> None:
        self._columns_loaded.wait()
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def refresh(self, household_ids: Iterable[uuid.UUID]) -> None:
        """Re-read some households after an edit (new ones are appended)."""
        self._ready()
        wanted = list(household_ids)
        if not wanted:
            return
        base_names = [n for n in self._cols if n not in ("ascii", "names")]
        for r in self._rows("AND id IN :ids", wanted):
            key = key_of(r[0])
            i = self._pos.get(key)
            if i is None:
                self._in_code_order = False
                i = len(self.keys)
                self.keys.append(key)
                self._pos[key] = i
                for column in self._cols.values():
                    column.append(None)
            text, number = r[2], r[3]
            if self._full_teams is not None and key_of(r[14]) not in self._full_teams:
                text, number = public_search_text(text), public_id_number(number)
            values = (r[1], text, number, key_of(r[4]), key_of(r[5]), *r[6:11], key_of(r[11]))
            for name, value in zip(base_names, (*values, r[12], bool(r[13])), strict=True):
                self._cols[name][i] = value
            if "ascii" in self._cols:
                self._cols["ascii"][i], self._cols["names"][i] = split_search_text(text)
        # Any order may have changed; rows appended out of code order need re-sorting too.
        with self._lock:
            self._generation += 1
            self._perms = {}
            self._ranks = {}
            self._last = None

    def __len__(self) -> int:
        return len(self.keys)

    def position(self, key: str) -> int | None:
        """The row number of a household key (None if unknown)."""
        self._ready()
        return self._pos.get(key)

    # --- filtering and sorting ----------------------------------------------------------
    # The loops below run in C (map, compress, operator functions): a Python-level loop over
    # 100,000 rows costs ~10 ms per condition, too much for a keystroke.
    def select(
        self,
        text: str = "",
        quick: QuickFilter = QuickFilter(),
        sort: str = "code",
        descending: bool = False,
    ) -> list[int]:
        """Row numbers (see ``keys``) of the households matching ``text`` and ``quick``,
        in the requested order."""
        self._ready()
        matches = self._matches(normalize_query(text), quick)
        perm = self._permutation(sort)
        if matches is None:
            chosen: list[int] = perm
        elif sort == "code" and self._in_code_order:  # matches come out in code order
            chosen = matches
        elif len(matches) * 16 < len(perm):
            chosen = sorted(matches, key=self._rank(sort).__getitem__)
        else:
            flags = bytearray(len(perm))
            for _ in map(flags.__setitem__, matches, repeat(1)):
                pass
            chosen = list(compress(perm, map(flags.__getitem__, perm)))
        return chosen[::-1] if descending else chosen

    def _matches(self, query: str, quick: QuickFilter) -> list[int] | None:
        """Row numbers (in code order) passing every filter; None when nothing filters."""
        c = self._cols
        tests: list[tuple[list[Any], Any]] = []
        if quick.village_id is not None:
            tests.append((c["village"], key_of(quick.village_id)))
        if quick.group_id is not None:
            tests.append((c["group"], key_of(quick.group_id)))
        if quick.status is not None:
            tests.append((c["status"], quick.status))
        if quick.responsible_id is not None:
            tests.append((c["responsible"], key_of(quick.responsible_id)))
        if quick.cadre_only:
            tests.append((c["cadre"], True))
        if not query and not tests:
            return None
        rows: list[int] | None = None  # None: every row, before the first condition
        # An ASCII query (pinyin, digits, codes) scans only the ASCII fields, a Chinese one
        # only the names: each scan reads a third of the text, and the ASCII one at 1 byte
        # a character even when a household's names hold Ext-B characters.
        searched = self._search_column(query)
        last = self._last
        if last is not None and last[1] == quick and query.startswith(last[0]) and last[0]:
            # Typing one more character: only what matched before can match now.
            rows, conditions = last[2], [(searched, query)]
        else:
            # SEP cannot be typed, so a text query never spans two fields.
            conditions = [*tests, (searched, query)] if query else tests
        for column, wanted in conditions:
            test = contains if column is searched else eq
            values = column if rows is None else map(column.__getitem__, rows)
            candidates = range(len(self.keys)) if rows is None else rows
            rows = list(compress(candidates, map(test, values, repeat(wanted))))
        assert rows is not None
        self._last = (query, quick, rows)
        return rows

    def _search_column(self, query: str) -> list[str]:
        c = self._cols
        if "ascii" not in c:  # built once, on first use (or by the loader thread)
            self._split_search_texts()
        return c["ascii"] if query.isascii() else c["names"]

    def _split_search_texts(self) -> None:
        self._cols["ascii"], self._cols["names"] = _split_all(self._cols["text"])

    def _rank(self, key: str) -> list[int]:
        """rank[row] = the row's position in the ``key`` order."""
        rank = self._ranks.get(key)
        if rank is None:
            perm = self._permutation(key)
            rank = [0] * len(perm)
            for pos, row in enumerate(perm):
                rank[row] = pos
            self._ranks[key] = rank
        return rank

    def _permutation(self, key: str) -> list[int]:
        with self._lock:
            perm = self._perms.get(key)
            generation = self._generation
        if perm is None:
            perm = self._compute_permutation(key)
            with self._lock:
                if generation == self._generation:
                    self._perms[key] = perm
        return perm

    def _compute_permutation(self, key: str) -> list[int]:
        # Python's sort is stable: sorting code order by a key breaks ties by code.
        n = len(self.keys)
        code = self._cols["code"]
        base = list(range(n)) if self._in_code_order else sorted(range(n), key=code.__getitem__)
        if key == "code":
            return base
        return sorted(base, key=self._sort_keys(key).__getitem__)

    def _sort_keys(self, key: str) -> list[Any]:
        """One sort key per row, compared in C (no per-row Python function)."""
        c = self._cols
        if key == "head":
            # The head's full pinyin is the 4th field of the search text (code, name,
            # initials, pinyin …): people expect names in pinyin order, not code-point order.
            return [t.split(SEP, 4)[3] if t.count(SEP) >= 3 else t for t in c["text"]]
        simple = {
            "id_number": "id_number",
            "members": "members",
            "legal_area": "legal",
            "unlicensed_area": "unlicensed",
            "updated": "updated",
        }
        if key in simple:
            return c[simple[key]]
        if key == "total":
            return [-1 if v is None else v for v in c["total"]]
        if key == "status":
            return list(map(_STATUS_RANK.get, c["status"], repeat(99)))
        if key in ("village", "group", "responsible"):
            return list(map(self._names.get, c[key], repeat("")))
        raise ValueError(f"unknown sort key {key!r}; expected one of {SORT_KEYS}")
