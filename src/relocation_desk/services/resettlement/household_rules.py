"""A household's resettlement rules and entitlement, read from the scheme version of its
current calculation (its ``resettlement`` params section, see ``domain/resettlement.py``).

When the section gives no ``entitlement`` but the scheme has a 产权调换 rate item, the item's
``area_per_person`` is the entitlement per person, so the area the calculation states and the
area the household may choose agree.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain import resettlement as rules_mod
from ...domain.errors import InputError
from ...i18n import _
from ...storage import models as m
from ..errors import ResettlementError

SWAP_METHODS = ("swap", "mixed")


@dataclass(frozen=True)
class HouseholdEntitlement:
    household_id: uuid.UUID
    code: str
    head_name: str
    members: int
    legal_area_dm2: int
    rules: rules_mod.ResettlementRules
    entitlement_dm2: int


def current_calculation(s: Session, household_id: uuid.UUID) -> m.Calculation | None:
    return s.scalar(
        select(m.Calculation)
        .where(m.Calculation.household_id == household_id, m.Calculation.status != "superseded")
        .order_by(m.Calculation.version_no.desc())
        .limit(1)
    )


def _params_with_item(version: m.SchemeVersion) -> dict[str, Any]:
    params = dict(version.params or {})
    section = params.get("resettlement")
    if isinstance(section, dict) and "entitlement" not in section:
        item = next((i for i in version.items if i.kind == "resettlement"), None)
        per = (item.params or {}).get("area_per_person") if item is not None else None
        if per is not None:
            section = dict(section)
            section["entitlement"] = {"basis": "per_person", "area_per_person": str(Decimal(per))}
            params["resettlement"] = section
    return params


def entitlement_of(s: Session, household_id: uuid.UUID) -> HouseholdEntitlement:
    """The household's rules and entitlement; ``ResettlementError`` says why there are none."""
    hh = s.get(m.Household, household_id)
    if hh is None:
        raise ResettlementError(_("找不到这一户；请刷新后重试"))
    calc = current_calculation(s, household_id)
    if calc is None:
        raise ResettlementError(
            _("{code} 还没有补偿核算；请先核算（选择产权调换）再选房", code=hh.code)
        )
    if calc.compensation_method not in SWAP_METHODS:
        raise ResettlementError(
            _("{code} 选择的是货币补偿，不参加选房；如改为产权调换，请重新核算", code=hh.code)
        )
    version = s.get(m.SchemeVersion, calc.scheme_version_id)
    assert version is not None
    try:
        rules = rules_mod.parse_rules(_params_with_item(version))
    except InputError as exc:
        raise ResettlementError(exc.reason) from exc
    ent = rules_mod.entitlement_dm2(
        rules, members=hh.member_count, legal_area_dm2=hh.legal_area_dm2
    )
    return HouseholdEntitlement(
        hh.id, hh.code, hh.head_name, hh.member_count, hh.legal_area_dm2, rules, ent
    )
