"""The audit rows of sign-in and password changes, written in the caller's transaction.

Never holds a password or a hash: only who, what, which login, and why.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from ...storage import models as m

ENTITY = "operator"


def record(
    s: Session,
    *,
    at: datetime,
    action: str,
    actor_id: uuid.UUID | None,
    actor_login: str,
    target_id: uuid.UUID | None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> None:
    """Add one audit row about an operator account (``target_id``) to ``s``."""
    s.add(
        m.AuditLog(
            id=uuid.uuid4(),
            at=at,
            operator_id=actor_id,
            operator_login=actor_login,
            action=action,
            entity=ENTITY,
            entity_id=str(target_id) if target_id is not None else "",
            household_id=None,
            before=None,
            after=after,
            note=note,
        )
    )
