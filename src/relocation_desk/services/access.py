"""The permission check every use case makes before it touches data.

The rules are the table in ``domain.permissions``; this module applies them to an operator
(anything with ``role`` and ``team_id``, such as ``OperatorRef``) and to the team a household
or village belongs to, and raises :class:`~relocation_desk.services.errors.PermissionDenied`
with the table's Chinese reason. Each service calls it from one small helper of its own.

Shared by every service feature; it uses only the domain, the storage models and
``services.errors``.
"""

from __future__ import annotations

import uuid
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.permissions import Action, allowed, refusal
from ..storage import models as m
from ..storage.db import Database
from .errors import PermissionDenied

__all__ = [
    "Action",
    "Actor",
    "household_team",
    "may",
    "require",
    "require_for_household",
    "require_for_village",
    "require_once_staffed",
    "team_of_household",
    "team_of_village",
    "village_team",
]


class Actor(Protocol):
    """What the check needs to know of an operator."""

    @property
    def role(self) -> str: ...

    @property
    def team_id(self) -> uuid.UUID | None: ...


def _own(operator: Actor, team_id: uuid.UUID | None) -> bool:
    return team_id is not None and operator.team_id == team_id


def may(operator: Actor | None, action: Action, team_id: uuid.UUID | None = None) -> bool:
    """May ``operator`` do ``action`` on something of team ``team_id`` (None: no team, or a
    project-wide action)?"""
    return operator is not None and allowed(operator.role, action, _own(operator, team_id))


def require(operator: Actor | None, action: Action, team_id: uuid.UUID | None = None) -> None:
    """Raise ``PermissionDenied`` unless ``operator`` may do ``action`` for team ``team_id``."""
    if operator is not None and allowed(operator.role, action, _own(operator, team_id)):
        return
    role = operator.role if operator is not None else None
    own = operator is not None and _own(operator, team_id)
    raise PermissionDenied(refusal(role, action, own) or "", action.value)


def household_team(s: Session, household_id: uuid.UUID) -> uuid.UUID | None:
    """The work team a household belongs to (None if it has none or does not exist)."""
    return s.scalar(select(m.Household.team_id).where(m.Household.id == household_id))


def village_team(s: Session, village_id: uuid.UUID) -> uuid.UUID | None:
    """The work team responsible for a village (None if none is set)."""
    return s.scalar(select(m.Village.team_id).where(m.Village.id == village_id))


def require_for_household(
    s: Session, operator: Actor | None, action: Action, household_id: uuid.UUID
) -> None:
    """``require`` for a household, read in the caller's session (one indexed lookup)."""
    if operator is not None and allowed(operator.role, action, False):
        return  # allowed for every team: no need to read the household's team
    require(operator, action, household_team(s, household_id) if operator is not None else None)


def require_for_village(
    s: Session, operator: Actor | None, action: Action, village_id: uuid.UUID
) -> None:
    """``require`` for a village (notices are posted per village)."""
    if operator is not None and allowed(operator.role, action, False):
        return
    require(operator, action, village_team(s, village_id) if operator is not None else None)


def team_of_household(db: Database, household_id: uuid.UUID) -> uuid.UUID | None:
    """The household's team, for a dialog that greys out what the operator may not do."""
    with db.session() as s:
        return household_team(s, household_id)


def team_of_village(db: Database, village_id: uuid.UUID) -> uuid.UUID | None:
    """The village's team, for a dialog that greys out what the operator may not do."""
    with db.session() as s:
        return village_team(s, village_id)


def require_once_staffed(db: Database, operator: Actor | None, action: Action) -> None:
    """``require``, except in a database with no operators yet: a project being set up (by a
    ledger import, say), where nobody could sign in. From its first operator on, the check
    holds."""
    with db.session() as s:
        if s.scalar(select(m.Operator.id).limit(1)) is None:
            return
    require(operator, action)
