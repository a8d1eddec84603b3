"""Moving a project onto HQ's PostgreSQL server (``relocation-desk copy-to-server``).

The copy itself is ``storage.server_copy``; here the administrator's permission is checked
(the whole project, personal data included, changes place) and the server database's audit
chain gets a row saying where its data came from and who moved it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from ...storage import models as m
from ...storage.db import Database
from ...storage.server_copy import copy_to_server
from ..access import Action, Actor, require
from ..clock import utc_now

__all__ = ["move_to_server"]


def move_to_server(
    source: Database,
    target: Database,
    operator: Actor | None,
    progress: Callable[[int, int, str], None] | None = None,
) -> dict[str, int]:
    """Copy the project of ``source`` into the empty server database ``target``; returns the
    rows copied per table. Only an administrator may."""
    require(operator, Action.MANAGE_OPERATORS)
    counts = copy_to_server(source, target, progress)
    where = str(source.path) if source.path is not None else ""
    with target.session() as s, s.begin():
        s.add(
            m.AuditLog(
                id=uuid.uuid4(), at=utc_now(), operator_id=getattr(operator, "id", None),
                operator_login=str(getattr(operator, "login", "")), action="copy_to_server",
                entity="project", entity_id="", household_id=None, before=None,
                after={"from": where, "rows": sum(counts.values())}, note="",
            )
        )  # fmt: skip
    return counts
