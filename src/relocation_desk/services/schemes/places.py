"""The villages and village groups (村/组) a project has, and the place names a scheme uses.

A scheme names places in its scope (``scope.villages``), in its 片区 (``zones``: villages or
``村/组``) and in village conditions of its items. The editor offers only the project's own
places (:func:`project_places`); a scheme file naming a place the project does not have is
refused on import (:func:`unknown_places`), since a misspelt village would silently leave its
households without a scheme.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...storage import models as m

__all__ = ["ProjectPlaces", "project_places", "scheme_place_names", "unknown_places"]


@dataclass(frozen=True)
class ProjectPlaces:
    """The project's villages in registration order, each with its groups."""

    groups: dict[str, list[str]] = field(default_factory=dict)  # village → its groups

    @property
    def villages(self) -> list[str]:
        return list(self.groups)

    def has(self, place: str) -> bool:
        """Whether ``place`` (``村`` or ``村/组``) is one of the project's."""
        village, _slash, group = place.partition("/")
        if village not in self.groups:
            return False
        return not group or group in self.groups[village]


def project_places(s: Session, project_id: uuid.UUID) -> ProjectPlaces:
    villages = s.execute(
        select(m.Village.id, m.Village.name)
        .where(m.Village.project_id == project_id)
        .order_by(m.Village.created_at, m.Village.name)
    ).all()
    names = {vid: name for vid, name in villages}
    groups: dict[str, list[str]] = {name: [] for _vid, name in villages}
    if names:
        for vid, group in s.execute(
            select(m.VillageGroup.village_id, m.VillageGroup.name)
            .where(m.VillageGroup.village_id.in_(list(names)))
            .order_by(m.VillageGroup.name)
        ):
            groups[names[vid]].append(group)
    return ProjectPlaces(groups)


def scheme_place_names(data: Mapping[str, Any]) -> list[str]:
    """Every village or ``村/组`` a scheme dict names (scope, 片区, village conditions), once,
    in the order they appear."""
    params = data.get("params")
    params = params if isinstance(params, Mapping) else {}
    found: list[str] = []
    scope = params.get("scope")
    if isinstance(scope, Mapping):
        found += _strings(scope.get("villages"))
    zones = params.get("zones")
    if isinstance(zones, Mapping):
        for members in zones.values():
            found += _strings(members)
    items = data.get("items")
    for item in items if isinstance(items, list) else []:
        item_params = item.get("params") if isinstance(item, Mapping) else None
        when = item_params.get("when") if isinstance(item_params, Mapping) else None
        for condition in when if isinstance(when, list) else []:
            if isinstance(condition, Mapping):
                found += _strings(condition.get("village"))
    return list(dict.fromkeys(p.strip() for p in found if p.strip()))


def unknown_places(data: Mapping[str, Any], places: ProjectPlaces) -> list[str]:
    """The places ``data`` names that the project does not have."""
    return [p for p in scheme_place_names(data) if not places.has(p)]


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list | tuple) else []
