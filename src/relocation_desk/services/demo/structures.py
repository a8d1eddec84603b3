"""Demo buildings and attachments, measured the way a survey team records them.

Structure types, decoration grades and attachment items come from the published scheme, so
every surveyed thing has a rate (the engine refuses data the scheme cannot price). Areas are
whole dm² (0.01 ㎡); attachment quantities are thousandths of the item's unit: walls in metres
with decimals, sheds and concrete yards in ㎡, wells, graves and trees counted.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ...domain.scheme import RateItem, RateKind, Scheme
from ...domain.status import StructureType
from . import data
from .plan import Weighted

STRUCTURE_COUNTS = Weighted(((1, 35), (2, 35), (3, 20), (4, 10)))
MAX_ATTACHMENTS = 8


@dataclass(frozen=True, slots=True)
class Building:
    label: str
    structure_type: str
    legal_area_dm2: int
    unlicensed_area_dm2: int
    floors: int
    build_year: int
    decoration: str


@dataclass(frozen=True, slots=True)
class Counted:
    item_code: str
    name: str
    unit: str
    quantity_milli: int


# Attachment items by a word in their name: (chance a household has one, quantity range in
# the item's unit, decimals kept). Items no word matches: 10 %, 1–2 of them.
_ATTACHMENT_HINTS: tuple[tuple[str, float, tuple[float, float], int], ...] = (
    ("压水井", 0.40, (1, 1), 0),
    ("机井", 0.05, (1, 1), 0),
    ("围墙", 0.60, (6, 90), 2),
    ("墙", 0.30, (4, 40), 2),
    ("双棺", 0.03, (1, 2), 0),
    ("坟", 0.07, (1, 3), 0),
    ("果树", 0.30, (1, 15), 0),
    ("树", 0.45, (1, 25), 0),
    ("旱厕", 0.35, (1, 1), 0),
    ("化粪池", 0.15, (1, 1), 0),
    ("棚", 0.25, (4, 45), 2),
    ("地坪", 0.50, (15, 220), 2),
    ("太阳能", 0.30, (1, 1), 0),
    ("空调", 0.35, (1, 3), 0),
)


class Property:
    """Generates buildings and attachments priced by ``scheme``."""

    def __init__(self, scheme: Scheme) -> None:
        priced: dict[str, set[str]] = {}
        general: set[str] = set()
        for it in scheme.items:
            if it.kind is RateKind.AREA:
                if it.structure_type is None:
                    general.add(it.legality)
                else:
                    priced.setdefault(it.structure_type.value, set()).add(it.legality)
        usable = {
            t.value
            for t in StructureType
            if {"legal", "unlicensed"} <= priced.get(t.value, set()) | general
        }
        if not usable:
            raise ValueError("the demo scheme prices no structure type for both legalities")
        self._types = {
            label: Weighted([p for p in pairs if p[0] in usable] or [(sorted(usable)[0], 1)])
            for label, pairs in data.STRUCTURE_TYPES.items()
        }
        grades = sorted(
            (it for it in scheme.items if it.kind is RateKind.DECORATION),
            key=lambda it: -it.rate_fen,
        )
        codes = [g.code for g in grades]
        if len(codes) >= 3:
            self._main_grade = Weighted(((codes[0], 15), (codes[1], 40), (codes[-1], 35), ("", 10)))
            self._side_grade = Weighted(((codes[1], 10), (codes[-1], 40), ("", 50)))
        elif codes:
            self._main_grade = Weighted(((codes[0], 80), ("", 20)))
            self._side_grade = Weighted(((codes[-1], 40), ("", 60)))
        else:
            self._main_grade = self._side_grade = Weighted((("", 1),))
        self._attachments = [
            _attachment_rule(it) for it in scheme.items if it.kind is RateKind.PER_ITEM
        ]

    def buildings(self, rng: random.Random) -> list[Building]:
        n = STRUCTURE_COUNTS.pick(rng)
        assert isinstance(n, int)
        out: list[Building] = []
        for label in data.STRUCTURE_LABELS[:n]:
            kind = self._types[label].pick(rng)
            assert isinstance(kind, str)
            if label == "主房":
                floors = 1 if rng.random() < 0.4 else 2 if rng.random() < 0.83 else 3
                footprint = rng.randint(6000, 14000)
                legal = max(4000, min(30000, footprint * floors - rng.randint(0, 1500)))
                unlicensed = 0 if rng.random() < 0.55 else rng.randint(500, 8000)
                grade = self._main_grade.pick(rng)
            else:
                floors = 1 if rng.random() < 0.9 else 2
                legal = rng.randint(800, 6000) if rng.random() < 0.6 else 0
                unlicensed = rng.randint(500, 5000) if legal == 0 or rng.random() < 0.25 else 0
                grade = self._side_grade.pick(rng)
            if kind == StructureType.SIMPLE.value:
                grade, floors = "", 1
            assert isinstance(grade, str)
            year = int(rng.triangular(1975, 2021, 1998))
            out.append(Building(label, kind, legal, unlicensed, floors, year, grade))
        return out

    def attachments(self, rng: random.Random) -> list[Counted]:
        out: list[Counted] = []
        for item, chance, (lo, hi), decimals in self._attachments:
            if rng.random() >= chance:
                continue
            if decimals:
                step = 10 ** (3 - decimals)
                milli = int(rng.uniform(lo, hi) * 1000) // step * step
            else:
                milli = rng.randint(int(lo), int(hi)) * 1000
            out.append(Counted(item.code, item.name, item.unit, max(milli, 1)))
        if len(out) > MAX_ATTACHMENTS:
            out = sorted(rng.sample(out, MAX_ATTACHMENTS), key=out.index)
        return out


def _attachment_rule(item: RateItem) -> tuple[RateItem, float, tuple[float, float], int]:
    for word, chance, span, decimals in _ATTACHMENT_HINTS:
        if word in item.name:
            return item, chance, span, decimals
    return item, 0.10, (1, 2), 0
