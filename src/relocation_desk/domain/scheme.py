"""Rate schedules (补偿方案) as data: a scheme version holds rate items the engine applies.

A scheme version is parsed from a plain dict (the services read the JSON file or the database
row; the domain never touches files) by :func:`.scheme_parse.parse_scheme`, which checks everything and
reports every problem at once in Chinese (:class:`SchemeError`). :func:`scheme_to_dict` gives
the canonical dict back (``parse_scheme(scheme_to_dict(s)) == s``), and :func:`content_hash`
fingerprints it, so a published version can be shown to be unchanged.

Each :class:`RateItem` has a :class:`RateKind` saying how its line is computed; the kind's
parameters live in ``params`` (validated, canonical, immutable). The parameters every kind
accepts are ``methods`` (the compensation methods the item applies to; default: all). The
per-kind parameters are described on :class:`RateKind`; the rules for reading them are in
:mod:`relocation_desk.domain.scheme_parse` (:func:`~relocation_desk.domain.scheme_parse.parse_scheme`).

Any item may carry ``when``, a list of conditions a household must meet for the item to
give it a line (:mod:`relocation_desk.domain.scheme_conditions`); scheme-wide settings
(scope, named dates, 片区, rounding, land type) are described in
:mod:`relocation_desk.domain.scheme_scope`. The format's reference for the people who write
schemes is ``docs/schemes.md``.

Items are evaluated in the scheme's order. A *derived* item (percent, vulnerable uplift by
percent, minimum guarantee) sees only the lines of items listed *before* it, so the order in
the scheme file is the order of calculation and nothing can depend on itself.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import Any

from ..i18n import _
from .errors import InputError
from .scheme_conditions import resolve_date
from .status import CompensationMethod, StructureType

__all__ = [
    "CATEGORY_LABELS",
    "AreaBasis",
    "Basis",
    "BonusWindow",
    "FrozenMap",
    "Legality",
    "Per",
    "RateItem",
    "RateKind",
    "Scheme",
    "SchemeError",
    "category_label",
    "content_hash",
    "find_window",
    "scheme_to_dict",
    "version_in_force",
]


class RateKind(StrEnum):
    """How a rate item turns household data into a line.

    ``rate_fen`` is the unit rate unless said otherwise. Parameters (besides ``methods``):

    * ``AREA`` — house value per ㎡: ``legality`` ``legal``/``unlicensed`` (required),
      ``structure_type`` (a :class:`StructureType` value; absent = every type). Quantity:
      the household's area of that legality (and type). Instead of its own rate it may take
      ``rate_of`` ``{"code", "percent"}``: a share of another (non-derived) area or
      decoration item's rate, with ``rate_rounding`` ``fen`` (default: the derived rate is
      rounded half-up to the fen first) or ``exact`` (the line is rounded, not the rate).
    * ``DECORATION`` — per ㎡ of the structures whose ``decoration`` is this item's code;
      ``legality`` ``legal``/``unlicensed``/``all`` (default ``all``) says which area counts.
      ``rate_of`` as for ``AREA``.
    * ``PER_ITEM`` — an attachment (附属物) counted in the item's unit; quantity from the
      survey's attachments with this item code.
    * ``PER_PERSON`` — rate × household members.
    * ``MONTHLY`` — rate × ``months`` × the ``per`` quantity (see :class:`Per`).
    * ``LUMP_SUM`` — rate × ``times`` (default 1) per household, e.g. moving out and in = 2.
    * ``PERCENT`` — ``percent`` (exact decimal text, e.g. ``"10"`` or ``"2.5"``) of the sum
      of earlier lines selected by ``basis`` (``categories`` and/or ``codes``);
      ``rate_fen`` must be 0 and ``unit`` ``%``.
    * ``BONUS_WINDOW`` — ``windows``: ``[{"from", "to", "rate_fen"}]`` (ISO dates, both
      inclusive, not overlapping); the window holding the date named by ``on`` (``signed``,
      default, or ``vacated``) gives the rate per ``per``; outside all windows the line is 0.
      ``rate_fen`` must be 0.
    * ``VULNERABLE_UPLIFT`` — only for vulnerable (困难) households: either ``per``
      (``household``/``person``, with ``rate_fen``) or ``percent`` of ``basis`` (``rate_fen``
      0; an empty basis means every earlier line).
    * ``MINIMUM_GUARANTEE`` — floor = ``rate_fen`` × ``per`` (``household``/``person``,
      default ``person``); if the earlier lines in ``basis`` (empty = all) sum to less, a
      top-up line brings them to the floor; otherwise no line.
    * ``RESETTLEMENT`` — property swap (产权调换): ``area_per_person`` (㎡, exact decimal
      text) × members is the area the household is entitled to; ``rate_fen`` is the price per
      ㎡ the household pays for the flat (安置房结算价), deducted as a negative line; with
      ``rate_fen`` 0 the line only states the area (amount 0). Applies to ``swap`` and
      ``mixed`` only. ``entitled`` ``legal_area`` instead of ``area_per_person`` entitles the
      household to its legal area, 1:1 (no invented per-person area is needed).
    """

    AREA = "per_area"
    DECORATION = "decoration"
    PER_ITEM = "per_item"
    PER_PERSON = "per_person"
    MONTHLY = "monthly"
    LUMP_SUM = "lump_sum"
    PERCENT = "percent"
    BONUS_WINDOW = "bonus_window"
    VULNERABLE_UPLIFT = "vulnerable_uplift"
    MINIMUM_GUARANTEE = "minimum_guarantee"
    RESETTLEMENT = "resettlement"


class Legality(StrEnum):
    LEGAL = "legal"  # 合法面积
    UNLICENSED = "unlicensed"  # 无证面积


class AreaBasis(StrEnum):
    """Which area a decoration item counts."""

    LEGAL = "legal"
    UNLICENSED = "unlicensed"
    ALL = "all"


class Per(StrEnum):
    """What a rate is multiplied by (``per`` parameter)."""

    HOUSEHOLD = "household"  # 1 户
    PERSON = "person"  # 家庭人口
    LEGAL_AREA = "legal_area"  # 合法面积 ㎡
    UNLICENSED_AREA = "unlicensed_area"  # 无证面积 ㎡
    TOTAL_AREA = "total_area"  # 合法 + 无证 ㎡
    BUSINESS_AREA = "business_area"  # 经营面积 ㎡


# Standard categories (short codes as stored) and their Chinese labels for notices and
# agreements. A scheme may add its own in ``params["category_names"]``.
CATEGORY_LABELS: dict[str, str] = {
    "house": "房屋补偿",
    "decoration": "装修补偿",
    "attachment": "附属物补偿",
    "moving": "搬迁费",
    "transition": "临时安置费",
    "business": "停产停业损失",
    "bonus": "奖励",
    "subsidy": "补助",
    "guarantee": "保障补足",
    "resettlement": "产权调换",
}


class FrozenMap(Mapping[str, Any]):
    """An immutable, hashable mapping (scheme parameters), so schemes can be compared and
    hashed and nobody can change a published version in memory."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        self._data: dict[str, Any] = dict(data or {})

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._data.items())))

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"


@dataclass(frozen=True)
class Basis:
    """Earlier lines a derived item adds up: by category or by item code (empty = all)."""

    categories: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()

    @property
    def everything(self) -> bool:
        return not self.categories and not self.codes

    def selects(self, category: str, code: str) -> bool:
        return self.everything or category in self.categories or code in self.codes


@dataclass(frozen=True)
class BonusWindow:
    start: date  # inclusive
    end: date  # inclusive
    rate_fen: int

    def contains(self, day: date) -> bool:
        """Whether ``day`` falls in the window: its first and its last day included."""
        return self.start <= day <= self.end


def find_window(windows: Sequence[BonusWindow], day: date) -> tuple[int, BonusWindow | None]:
    """The window ``day`` falls in and its index, or ``(-1, None)``. The one place the engine's
    line, the inputs hash and the agreement's reward status decide which window a day is in."""
    for index, window in enumerate(windows):
        if window.contains(day):
            return index, window
    return -1, None


@dataclass(frozen=True)
class RateItem:
    """One line of the rate schedule. ``params`` are canonical (see :class:`RateKind`)."""

    code: str
    name: str
    unit: str
    rate_fen: int
    kind: RateKind
    category: str
    params: Mapping[str, Any]
    # The scheme's named dates (params["dates"]), for windows written relative to them; the
    # scheme's content, not the item's, so outside equality and hashing.
    project_dates: Mapping[str, Any] = field(
        default_factory=lambda: FrozenMap(), compare=False, hash=False, repr=False
    )

    # Typed views of the parameters (parse_scheme has checked them). The ones the engine
    # asks for on every household are cached (outside the dataclass fields, so equality
    # and hashing are unaffected).
    @cached_property
    def methods(self) -> tuple[CompensationMethod, ...]:
        return tuple(CompensationMethod(m) for m in self.params["methods"])

    def applies_to(self, method: CompensationMethod) -> bool:
        return method in self.methods

    @property
    def legality(self) -> str:
        return str(self.params["legality"])

    @cached_property
    def structure_type(self) -> StructureType | None:
        value = self.params.get("structure_type")
        return None if value is None else StructureType(value)

    @property
    def per(self) -> Per:
        return Per(self.params["per"])

    @property
    def months(self) -> int:
        return int(self.params["months"])

    @property
    def times(self) -> int:
        return int(self.params["times"])

    @property
    def percent(self) -> Decimal | None:
        value = self.params.get("percent")
        return None if value is None else Decimal(value)

    @property
    def basis(self) -> Basis:
        raw = self.params.get("basis")
        if raw is None:
            return Basis()
        return Basis(tuple(raw["categories"]), tuple(raw["codes"]))

    @property
    def date_source(self) -> str:
        """``signed`` or ``vacated``: which date a bonus window is judged by."""
        return str(self.params["on"])

    @cached_property
    def windows(self) -> tuple[BonusWindow, ...]:
        dates = self.project_dates
        return tuple(
            BonusWindow(resolve_date(w["from"], dates), resolve_date(w["to"], dates), w["rate_fen"])
            for w in self.params["windows"]
        )

    @property
    def conditions(self) -> tuple[Mapping[str, Any], ...]:
        """The ``when`` conditions (empty: the item applies to every household)."""
        return tuple(self.params.get("when", ()))

    @property
    def entitled_by_legal_area(self) -> bool:
        return self.params.get("entitled") == "legal_area"

    @property
    def area_per_person_dm2(self) -> int:
        if "area_per_person" not in self.params:
            return 0
        return int(Decimal(self.params["area_per_person"]) * 100)


@dataclass(frozen=True)
class Scheme:
    """One version of a rate schedule (补偿方案), immutable once published."""

    name: str
    version_no: int
    effective_date: date
    items: tuple[RateItem, ...]
    params: Mapping[str, Any]

    def item(self, code: str) -> RateItem | None:
        return self._by_code.get(code)

    @cached_property
    def _by_code(self) -> dict[str, RateItem]:
        return {it.code: it for it in self.items}

    @cached_property
    def _content_hash(self) -> str:
        return hashlib.sha256(canonical_json(scheme_to_dict(self)).encode("utf-8")).hexdigest()


class SchemeError(InputError):
    """A scheme that cannot be used; ``problems`` lists every problem found (Chinese)."""

    def __init__(self, problems: Iterable[str], scheme_name: str = "") -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        self.scheme_name = scheme_name
        if scheme_name:
            reason = _(
                "补偿方案《{name}》有 {count} 处错误：{problems}",
                name=scheme_name,
                count=len(self.problems),
                problems="；".join(self.problems),
            )
        else:
            reason = _(
                "补偿方案有 {count} 处错误：{problems}",
                count=len(self.problems),
                problems="；".join(self.problems),
            )
        super().__init__("scheme_invalid", reason)


def category_label(scheme: Scheme, category: str) -> str:
    """The Chinese label of a category: the scheme's own name for it, else the standard one."""
    names = scheme.params.get("category_names") or {}
    if category in names:
        return str(names[category])
    return CATEGORY_LABELS.get(category, category)


def scheme_to_dict(scheme: Scheme) -> dict[str, Any]:
    """The canonical JSON-ready dict of ``scheme``; :func:`parse_scheme` reads it back."""
    return {
        "name": scheme.name,
        "version_no": scheme.version_no,
        "effective_date": scheme.effective_date.isoformat(),
        "params": thaw(scheme.params),
        "items": [
            {
                "code": it.code,
                "name": it.name,
                "unit": it.unit,
                "rate_fen": it.rate_fen,
                "kind": it.kind.value,
                "category": it.category,
                "params": thaw(it.params),
            }
            for it in scheme.items
        ],
    }


def canonical_json(value: Any) -> str:
    """One text per value: sorted keys, no spaces, UTF-8 characters kept."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_hash(scheme: Scheme) -> str:
    """SHA-256 (hex) of the canonical JSON of the scheme: equal content, equal hash."""
    return scheme._content_hash


def version_in_force(versions: Iterable[Scheme], on: date) -> Scheme | None:
    """The version in force on ``on``: the latest effective date not after ``on`` (the higher
    version number on a tie). For a signed household pass its signing date (DOMAIN rule 8)."""
    candidates = [v for v in versions if v.effective_date <= on]
    if not candidates:
        return None
    return max(candidates, key=lambda v: (v.effective_date, v.version_no))


def freeze(value: Any) -> Any:
    """JSON-like value → immutable (dict → FrozenMap, list → tuple)."""
    if isinstance(value, Mapping):
        return FrozenMap({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """Immutable value → plain JSON-like (FrozenMap → dict, tuple → list)."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [thaw(v) for v in value]
    return value
