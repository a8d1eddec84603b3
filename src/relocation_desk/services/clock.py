"""The project's clock: what "today" and "now" are for every date the program decides.

A project works in one time zone, the project setting ``time_zone`` (an IANA name, default
Asia/Shanghai), whatever zone the laptop's clock is set to: the date of a payment, a notice's
posting date and objection deadline, the day a recompute judges by, bonus windows, the daily
report and the dashboard all take "today" from here, so they agree with each other. Stored
times stay aware UTC; a time shown to people is converted to the project's zone
(:func:`shown`).

The machine's clock is read in exactly one place, :func:`system_now`; tests set the time by
replacing it. ``tests/test_tooling.py`` fails when ``date.today()`` or a naive
``datetime.now()`` appears anywhere else in ``src/``.

Uses the settings table only (``storage``); every layer above may use it.
"""

from __future__ import annotations

import uuid
import weakref
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..storage import models as m
from ..storage.db import Database

__all__ = [
    "DEFAULT_TIME_ZONE",
    "TIME_ZONE_SETTING",
    "forget_zone",
    "project_now",
    "project_today",
    "project_zone",
    "project_zone_value",
    "shown",
    "system_now",
    "utc_now",
    "zone_named",
]

DEFAULT_TIME_ZONE = "Asia/Shanghai"
TIME_ZONE_SETTING = "time_zone"
# Asia/Shanghai as a fixed offset, for a machine without the time-zone database (a Windows
# Python without ``tzdata``): China has kept UTC+8 without daylight saving since 1991.
_CHINA = timezone(timedelta(hours=8), "UTC+08:00")
_ZONES: weakref.WeakKeyDictionary[Database, tzinfo] = weakref.WeakKeyDictionary()

ClockSource = Session | Database | tzinfo | None


def system_now() -> datetime:
    """The machine's clock, aware UTC: the only place the program reads it."""
    return datetime.now(UTC)


def utc_now() -> datetime:
    """Now, aware UTC: for stored timestamps."""
    return system_now().astimezone(UTC)


def zone_named(name: str) -> tzinfo | None:
    """The time zone ``name`` (IANA, e.g. ``Asia/Shanghai``), or None if there is none."""
    name = name.strip()
    if not name or len(name) > 64 or name.startswith(("/", ".")) or ".." in name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        if name == DEFAULT_TIME_ZONE:
            return _CHINA
        return None


def project_zone_value(raw: Any) -> tzinfo:
    """A stored ``time_zone`` value as a zone; unset or malformed is the default."""
    if isinstance(raw, str):
        zone = zone_named(raw)
        if zone is not None:
            return zone
    return zone_named(DEFAULT_TIME_ZONE) or _CHINA


def _read_zone(s: Session, project_id: uuid.UUID | None = None) -> tzinfo:
    stmt = select(m.Setting.value).where(m.Setting.key == TIME_ZONE_SETTING)
    if project_id is not None:
        stmt = stmt.where(m.Setting.project_id == project_id)
    return project_zone_value(s.scalars(stmt.limit(1)).first())


def project_zone(source: ClockSource = None, project_id: uuid.UUID | None = None) -> tzinfo:
    """The project's time zone. ``source`` is an open session (read in it), a database (read
    once and remembered until :func:`forget_zone`), a zone (itself) or None (the default)."""
    if source is None:
        return project_zone_value(None)
    if isinstance(source, tzinfo):
        return source
    if isinstance(source, Session):
        return _read_zone(source, project_id)
    found = _ZONES.get(source)
    if found is None:
        with source.session() as s:
            found = _read_zone(s, project_id)
        _ZONES[source] = found
    return found


def forget_zone(db: Database) -> None:
    """Read the zone of ``db`` again next time (after its ``time_zone`` setting changed)."""
    _ZONES.pop(db, None)


def project_now(source: ClockSource = None) -> datetime:
    """Now, aware, in the project's time zone."""
    return system_now().astimezone(project_zone(source))


def project_today(source: ClockSource = None) -> date:
    """Today's date in the project's time zone."""
    return project_now(source).date()


def shown(moment: datetime, source: ClockSource = None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """``moment`` (aware; a naive one is taken as UTC, as stored) as people read it: in the
    project's time zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(project_zone(source)).strftime(fmt)
