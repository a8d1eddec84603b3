"""Operators of a split project's databases, signed in as the services take them."""

from __future__ import annotations

from sqlalchemy import select

from relocation_desk.services.households.service import OperatorRef
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database


def operator(db: Database, role: str, team_code: str | None = None) -> OperatorRef:
    """The first active operator of ``role`` (of team ``team_code`` when given)."""
    with db.session() as s:
        query = select(m.Operator).where(m.Operator.role == role, m.Operator.active.is_(True))
        if team_code is not None:
            query = query.join(m.Team, m.Team.id == m.Operator.team_id).where(
                m.Team.code == team_code
            )
        op = s.scalars(query.order_by(m.Operator.login)).first()
        assert op is not None, f"no {role} of {team_code}"
        return OperatorRef(op.id, op.login, op.name, op.role, op.team_id)
