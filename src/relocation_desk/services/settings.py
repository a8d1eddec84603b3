"""Project settings (the ``setting`` table: one JSON value per key and project), read in one
place so every use case reads a setting the same way.

A malformed stored value counts as unset (the readers here never raise for it): settings are
typed by people and by older versions of the program, and a report must still open.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..storage import models as m

__all__ = [
    "DEMO_SETTING",
    "is_demo",
    "read_date",
    "setting_value",
    "setting_values",
    "sign_deadline",
]


def setting_values(s: Session, project_id: uuid.UUID, keys: Iterable[str]) -> dict[str, Any]:
    """The stored values of ``keys`` (keys not stored are missing from the result)."""
    return dict(
        s.execute(
            select(m.Setting.key, m.Setting.value).where(
                m.Setting.project_id == project_id, m.Setting.key.in_(tuple(keys))
            )
        ).all()
    )


def setting_value(s: Session, project_id: uuid.UUID, key: str) -> Any:
    """The stored value of ``key``, or None."""
    return s.scalar(
        select(m.Setting.value).where(m.Setting.project_id == project_id, m.Setting.key == key)
    )


def read_date(raw: Any) -> date | None:
    """A stored ISO date (``"2026-12-31"``), or None when unset or malformed."""
    if not isinstance(raw, str) or not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def sign_deadline(s: Session, project_id: uuid.UUID) -> date | None:
    """The general signing deadline (签约期限), after which unsigned households are holdouts."""
    return read_date(setting_value(s, project_id, "sign_deadline"))


DEMO_SETTING = "demo"  # written by services.demo: {"seed", "today", "households", "password"}


def is_demo(s: Session) -> bool:
    """Whether the database holds the made-up demo project: every sheet printed from it is
    marked 演示数据 (reports.demo_mark) and its window title 【演示】."""
    found = s.scalar(select(m.Setting.value).where(m.Setting.key == DEMO_SETTING).limit(1))
    return isinstance(found, dict)
