"""The database side of a stored file: one ``stored_file`` row per content and owner (a
household, an approval request, an objection, a notice round), with its audit row.

The copy itself is made first and outside the transaction by :mod:`.household_files`
(``store_copy``); this records it, inside the caller's write transaction.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..storage import models as m


def record_file(
    s: Session,
    *,
    owner: dict[str, uuid.UUID],
    kind: str,
    original_name: str,
    sha256: str,
    size: int,
    operator: Any,
    household_id: uuid.UUID | None,
    taken_on: date | None = None,
    audit: dict[str, Any] | None = None,
    note: str | None = None,
) -> tuple[m.StoredFile, bool]:
    """The row for this content under ``owner`` (stored_file column → id): the one already
    there, or a new one with an audit row (who, when, what). Returns ``(row, created)``."""
    F = m.StoredFile
    existing = s.scalar(
        select(F)
        .where(*(getattr(F, column) == value for column, value in owner.items()))
        .where(F.sha256 == sha256)
        .order_by(F.added_at)
        .limit(1)
    )
    if existing is not None:
        return existing, False
    now = datetime.now(UTC)
    columns: dict[str, Any] = {"household_id": household_id, **owner}
    row = F(
        id=uuid.uuid4(),
        kind=kind,
        original_name=original_name[:255],
        sha256=sha256,
        size=size,
        taken_on=taken_on,
        added_at=now,
        added_by=operator.id if operator is not None else None,
        **columns,
    )
    s.add(row)
    s.flush()
    after: dict[str, Any] = {
        "original_name": row.original_name,
        "kind": kind,
        "size": size,
        "sha256": sha256,
        **{column: str(value) for column, value in owner.items() if column != "household_id"},
        **(audit or {}),
    }
    s.add(
        m.AuditLog(
            id=uuid.uuid4(),
            at=now,
            operator_id=row.added_by,
            operator_login=operator.login if operator is not None else "",
            action="attach",
            entity="stored_file",
            entity_id=str(row.id),
            household_id=household_id,
            before=None,
            after=after,
            note=note or row.original_name,
        )
    )
    return row, True
