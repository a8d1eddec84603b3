"""The progress facts as the database works them out (``load_facts``: ids as text, each dated
fact's moment computed in SQL) against the same facts worked out here in plain Python from
the ORM, per household, on SQLite and PostgreSQL; and every figure the dashboard shows,
counted from the demo on PostgreSQL, equal to the same demo's figures on SQLite."""

from __future__ import annotations

import math
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from relocation_desk.services.progress import service as progress
from relocation_desk.services.progress.facts import NEVER, Facts, load_facts, update_facts
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database, open_database
from relocation_desk.storage.models_resettlement import ResettlementChoice

from ..pgcopy import copy_to_postgres
from ..pgserver import PostgresServer

DAY = date(2026, 11, 23)  # the demo's today


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def demo_on(
    request: pytest.FixtureRequest, demo_db_path: Path, tmp_path: Path
) -> Iterator[Database]:
    """The small demo on each backend (PostgreSQL: copied into a database of the test's own)."""
    path = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_db_path, path)
    lite = open_database(path)
    if request.param == "sqlite":
        yield lite
        lite.close()
        return
    server: PostgresServer = request.getfixturevalue("pg_server")
    name = server.create_database()
    pg = open_database(server.url(name), create=True)
    copy_to_postgres(lite, pg)
    lite.close()
    yield pg
    pg.close()
    server.drop_database(name)


def _at(value: datetime | None) -> float:
    return NEVER if value is None else value.timestamp()


def _fact(day: date | None, recorded: datetime | None, zone_offset: timedelta) -> float:
    """The rule of the facts' module docstring, in datetimes: max(recorded, local midnight)."""
    if day is None:
        return NEVER
    midnight = datetime.combine(day, time(0), tzinfo=UTC) - zone_offset
    if recorded is None or recorded < midnight:
        return midnight.timestamp()
    return recorded.timestamp()


def _expected(db: Database, offset: int) -> dict[uuid.UUID, dict[str, float]]:
    """Per household the moments (and signed amount) worked out row by row from the ORM."""
    zone = timedelta(seconds=offset)
    out: dict[uuid.UUID, dict[str, float]] = {}
    with db.session() as s:
        for h in s.scalars(select(m.Household)):
            out[h.id] = {
                "created": _at(h.created_at), "closed": _at(h.closed_at),
                "calculated": NEVER, "checked": NEVER, "noticed": NEVER, "signed": NEVER,
                "signed_fen": 0, "decided": NEVER, "vacated": NEVER, "demolished": NEVER,
                "chosen": NEVER,
            }  # fmt: skip
        for c in s.scalars(select(m.Calculation)):
            e = out[c.household_id]
            e["calculated"] = min(e["calculated"], _at(c.computed_at))
            if c.checked_at is not None:
                e["checked"] = min(e["checked"], max(_at(c.checked_at), _at(c.computed_at)))
        rounds = {
            r.id: _fact(r.posted_from, r.created_at, zone) for r in s.scalars(select(m.NoticeRound))
        }
        for row in s.scalars(select(m.NoticeRow).where(m.NoticeRow.change_mark != "removed")):
            e = out[row.household_id]
            e["noticed"] = min(e["noticed"], rounds[row.round_id])
        for a in s.scalars(
            select(m.Agreement).where(m.Agreement.kind == "main", m.Agreement.status == "signed")
        ):
            moment = _fact(a.signed_on, a.created_at, zone)
            e = out[a.household_id]
            if a.signed_on is not None and moment < e["signed"]:
                e["signed"], e["signed_fen"] = moment, a.total_fen
        for d in s.scalars(select(m.CompensationDecision)):
            out[d.household_id]["decided"] = _fact(d.decided_on, d.created_at, zone)
        for ms in s.scalars(select(m.Milestone)):
            if ms.kind in ("vacated", "demolished"):
                out[ms.household_id][ms.kind] = _fact(ms.happened_on, ms.created_at, zone)
        for rc in s.scalars(
            select(ResettlementChoice).where(ResettlementChoice.cancelled_at.is_(None))
        ):
            e = out[rc.household_id]
            e["chosen"] = min(e["chosen"], _at(rc.chosen_at))
    return out


def _same(a: float, b: float) -> bool:
    # PostgreSQL's moments are rounded to the millisecond (``_epoch``), SQLite's are exact.
    return a == b or (not math.isinf(a) and not math.isinf(b) and abs(a - b) <= 0.0005)


def test_facts_equal_a_row_by_row_count(demo_on: Database) -> None:
    facts = load_facts(demo_on)
    expected = _expected(demo_on, facts.settings.offset)
    assert len(facts) == len(expected) > 200
    kinds = {name: 0 for name in next(iter(expected.values()))}
    for i in range(len(facts)):
        want = expected[facts.household_id(i)]
        for name, value in want.items():
            got = getattr(facts, name)[i]
            assert _same(got, value), (facts.code[i], name, got, value)
            kinds[name] += value != NEVER and value != 0
    # The demo has every kind of fact (else this test would prove little).
    assert all(kinds.values()), kinds
    # The raw ids are the same 32 hex digits on both backends.
    assert all(len(raw) == 32 and isinstance(raw, str) for raw in facts.ids)


def _figures(db: Database, facts: Facts) -> list[object]:
    out: list[object] = []
    for day in (DAY - timedelta(days=k) for k in (0, 1, 5, 14, 30, 60)):
        counted = progress.tally(facts, day)
        out += [
            day, counted.total, counted.by_team, counted.by_village, counted.by_person,
            progress.ranking(facts, counted),
            progress.due_soon(db, day, days=14, facts=facts),
            progress.overdue(db, day, facts=facts),
        ]  # fmt: skip
    out.append(progress.trend_by_team(db, end=DAY, facts=facts))
    return out


@pytest.mark.postgres
def test_postgres_shows_the_same_figures_as_sqlite(
    demo_db_path: Path, tmp_path: Path, pg_url: object
) -> None:
    path = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_db_path, path)
    lite = open_database(path)
    pg = open_database(pg_url, create=True)  # type: ignore[arg-type]
    try:
        copy_to_postgres(lite, pg)
        on_lite, on_pg = load_facts(lite), load_facts(pg)
        assert on_lite.first_day == on_pg.first_day
        assert _figures(lite, on_lite) == _figures(pg, on_pg)
        # Some households read again (the dashboard's refresh after an edit) count the same.
        some = {on_pg.household_id(i) for i in range(0, len(on_pg), 7)}
        again = update_facts(pg, on_pg, some)
        assert _figures(pg, again) == _figures(pg, on_pg)
    finally:
        pg.close()
        lite.close()
