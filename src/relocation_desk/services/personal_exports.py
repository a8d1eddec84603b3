"""Files that carry full personal data (ID numbers, bank accounts): no file without its audit row.

Every export or print of full personal data (the full ledger, an agreement PDF, the payment
register) is written through :func:`write_with_audit`:

1. the file is written under a temporary name in the target's folder;
2. in one transaction the audit row is added and flushed, then the temporary file is moved
   onto the target name, then the transaction commits.

So if writing the file fails, nothing is logged and no file is left; if the audit row cannot be
written (the database is busy, read-only, gone), the temporary file is removed and no file is
left; if moving the file fails, the transaction rolls back; if the commit itself fails after
the move, the moved file is removed. Either both the file and its audit row exist, or neither.

Shared by the service features; uses only the storage layer.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy.orm import Session

from ..storage.db import Database

__all__ = ["temporary_name", "write_with_audit"]

T = TypeVar("T")


def temporary_name(target: Path) -> Path:
    """Where the file is written before its audit row is committed (same folder, hidden)."""
    # The suffix stays last: writers may choose the format by it.
    return target.with_name(f".{target.stem}.{uuid.uuid4().hex[:12]}.part{target.suffix}")


def write_with_audit(
    db: Database,
    target: Path,
    write: Callable[[Path], T],
    audit: Callable[[Session, T], None],
) -> T:
    """Write ``target`` with ``write(path)`` and log it with ``audit(session, result)``, both
    or neither (see the module docstring). Returns what ``write`` returned."""
    target = Path(target)
    part = temporary_name(target)
    try:
        result = write(part)
    except BaseException:
        with contextlib.suppress(OSError):
            part.unlink(missing_ok=True)
        raise
    moved = False
    try:
        with db.session(immediate=True) as s, s.begin():
            audit(s, result)
            s.flush()
            os.replace(part, target)
            moved = True
    except BaseException:
        with contextlib.suppress(OSError):
            (target if moved else part).unlink(missing_ok=True)
        raise
    return result
