"""What the compensation engine needs to know about a household, and nothing more.

The services build a :class:`HouseholdInput` from the stored survey (persons, structures,
attachments, flags); the engine multiplies it by a scheme version. Everything is an exact
integer: areas in dm² (0.01 ㎡), attachment quantities in thousandths of their unit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..i18n import _
from .errors import InputError
from .status import CompensationMethod, StructureType

__all__ = [
    "AttachmentInput",
    "ChosenFlatInput",
    "HouseholdInput",
    "StructureInput",
    "household_to_dict",
]


def _check_count(value: Any, what: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{what} must be int, not {type(value).__name__}")
    if value < 0:
        raise InputError("negative", _("{what}不能为负数", what=what))


@dataclass(frozen=True)
class StructureInput:
    """One measured building: its type, its legal and unlicensed floor area (dm²), and the
    code of the scheme's decoration item that grades it ("" = not graded)."""

    structure_type: StructureType
    legal_area_dm2: int
    unlicensed_area_dm2: int = 0
    decoration: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "structure_type", StructureType(self.structure_type))
        _check_count(self.legal_area_dm2, _("合法面积"))
        _check_count(self.unlicensed_area_dm2, _("无证面积"))

    def area_dm2(self, legality: str) -> int:
        """Area for ``legal``, ``unlicensed`` or ``all``."""
        if legality == "legal":
            return self.legal_area_dm2
        if legality == "unlicensed":
            return self.unlicensed_area_dm2
        return self.legal_area_dm2 + self.unlicensed_area_dm2


@dataclass(frozen=True)
class AttachmentInput:
    """An attachment (附属物) counted against a per-item rate: quantity in thousandths."""

    item_code: str
    quantity_milli: int

    def __post_init__(self) -> None:
        _check_count(self.quantity_milli, _("附属物数量"))


@dataclass(frozen=True)
class ChosenFlatInput:
    """A resettlement flat the household has chosen, as its settlement needs it: its name on
    paper, contracted built area (dm²), market price per ㎡ (fen) and 楼层系数 (thousandths)."""

    label: str
    area_dm2: int
    unit_price_fen: int
    coefficient_milli: int = 1000

    def __post_init__(self) -> None:
        _check_count(self.area_dm2, _("安置房面积"))
        _check_count(self.unit_price_fen, _("安置房单价"))
        _check_count(self.coefficient_milli, _("楼层系数"))


@dataclass(frozen=True)
class HouseholdInput:
    """A household as the engine sees it.

    ``signed_on`` / ``vacated_on`` decide signing and vacating bonuses once they are known;
    ``resettlement_area_dm2`` is the flat area chosen for a swap (None: the full entitlement).
    ``chosen_flats`` are the resettlement flats chosen, in the order chosen: their price
    difference enters the calculation (see :mod:`.resettlement_lines`).
    ``vulnerable`` marks a 困难户 (低保, disability …) for the scheme's uplift.

    ``dibao``, ``disabled``, ``cadre`` (a member is a cadre or a cadre's relative), ``village``
    and ``group`` (names) are what a scheme's item conditions and scope may ask about; they
    reach the inputs hash through the conditions they decide, not as data of their own.
    """

    code: str
    member_count: int
    structures: tuple[StructureInput, ...] = ()
    attachments: tuple[AttachmentInput, ...] = ()
    vulnerable: bool = False
    compensation_method: CompensationMethod = CompensationMethod.MONEY
    signed_on: date | None = None
    vacated_on: date | None = None
    business_area_dm2: int = 0
    resettlement_area_dm2: int | None = None
    dibao: bool = False
    disabled: bool = False
    cadre: bool = False
    village: str = ""
    group: str = ""
    chosen_flats: tuple[ChosenFlatInput, ...] = ()

    def __post_init__(self) -> None:
        # Lists are accepted for convenience; stored as tuples so the input stays immutable.
        object.__setattr__(self, "structures", tuple(self.structures))
        object.__setattr__(self, "chosen_flats", tuple(self.chosen_flats))
        object.__setattr__(self, "attachments", tuple(self.attachments))
        object.__setattr__(
            self, "compensation_method", CompensationMethod(self.compensation_method)
        )
        _check_count(self.member_count, _("家庭人口"))
        _check_count(self.business_area_dm2, _("经营面积"))
        if self.resettlement_area_dm2 is not None:
            _check_count(self.resettlement_area_dm2, _("安置面积"))

    def area_dm2(self, legality: str, structure_type: StructureType | None = None) -> int:
        """Summed area of ``legality`` (``legal``/``unlicensed``/``all``), of one type or all."""
        return sum(
            s.area_dm2(legality)
            for s in self.structures
            if structure_type is None or s.structure_type is structure_type
        )


def household_to_dict(household: HouseholdInput) -> dict[str, Any]:
    """Canonical JSON-ready form (for hashing). Structures and attachments are sorted: their
    order on the survey form does not change any amount. Chosen flats keep their order (it
    decides which flat carries the excess) and appear only when there are any, so the hashes
    of households without a choice stay as they were."""

    def ordered(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted(rows, key=lambda r: sorted(r.items()))

    found: dict[str, Any] = {
        "code": household.code,
        "member_count": household.member_count,
        "structures": ordered(
            {
                "structure_type": s.structure_type.value,
                "legal_area_dm2": s.legal_area_dm2,
                "unlicensed_area_dm2": s.unlicensed_area_dm2,
                "decoration": s.decoration,
            }
            for s in household.structures
        ),
        "attachments": ordered(
            {"item_code": a.item_code, "quantity_milli": a.quantity_milli}
            for a in household.attachments
        ),
        "vulnerable": household.vulnerable,
        "compensation_method": household.compensation_method.value,
        "signed_on": household.signed_on.isoformat() if household.signed_on else None,
        "vacated_on": household.vacated_on.isoformat() if household.vacated_on else None,
        "business_area_dm2": household.business_area_dm2,
        "resettlement_area_dm2": household.resettlement_area_dm2,
    }
    if household.chosen_flats:
        found["chosen_flats"] = [
            {
                "label": f.label,
                "area_dm2": f.area_dm2,
                "unit_price_fen": f.unit_price_fen,
                "coefficient_milli": f.coefficient_milli,
            }
            for f in household.chosen_flats
        ]
    return found
