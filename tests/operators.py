"""Operators of a test database by role, as the services take them (``OperatorRef``)."""

from __future__ import annotations

from sqlalchemy import select

from relocation_desk.services.households.service import OperatorRef
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database


def operator_with_role(db: Database, role: str) -> OperatorRef:
    """The first active operator (by login) of ``role``: e.g. the demo's HQ staff."""
    with db.session() as s:
        o = s.scalars(
            select(m.Operator).where(m.Operator.role == role).order_by(m.Operator.login)
        ).first()
        assert o is not None, f"no {role} operator in this database"
        return OperatorRef(o.id, o.login, o.name, o.role, o.team_id)
