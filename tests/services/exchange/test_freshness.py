"""How fresh each team's data is at HQ: on the dashboard's figures and the project's daily
report, counted in the project's calendar days; nothing of it on a laptop."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from relocation_desk.services.exchange.identity import make_identity, register_peer
from relocation_desk.services.exchange.keys import generate_key, public_key_bytes
from relocation_desk.services.progress import daily_report
from relocation_desk.services.progress.freshness import team_freshness
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database, open_database

CST = timezone(timedelta(hours=8))
DAY = date(2026, 11, 23)  # the demo's today


@pytest.fixture
def demo(demo_db_path: Path, tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_db_path, path)
    db = open_database(path)
    yield db
    db.close()


def _teams(db: Database) -> list[tuple[object, str, str]]:
    with db.session() as s:
        return [
            tuple(r)
            for r in s.execute(select(m.Team.id, m.Team.code, m.Team.name).order_by(m.Team.code))
        ]  # type: ignore[misc]


def _make_hq(db: Database, written: dict[int, datetime | None]) -> None:
    """HQ with every team's key; team number i last wrote a package at ``written[i]``."""
    teams = _teams(db)
    with db.session() as s, s.begin():
        project_id = s.scalar(select(m.Project.id))
        make_identity(s, project_id, "hq")
        for i, (tid, _code, _name) in enumerate(teams):
            if i not in written:
                continue  # never joined
            peer = register_peer(
                s, project_id, "team", public_key_bytes(generate_key()), team_id=tid
            )
            at = written[i]
            if at is not None:
                peer.sent_at_peer = at
                peer.received_at = at + timedelta(hours=3)
                peer.received_sequence = 4


def test_a_laptop_shows_no_freshness(demo: Database) -> None:
    assert team_freshness(demo, today=DAY) == {}
    assert daily_report.build(demo, DAY).freshness == ()


def test_days_since_each_team_last_wrote_in_the_projects_calendar(demo: Database) -> None:
    teams = _teams(demo)
    assert len(teams) >= 3
    _make_hq(
        demo,
        {
            0: datetime(2026, 11, 21, 20, 0, tzinfo=CST),  # two days ago
            # 00:30 in Beijing is still "yesterday" in UTC: counted as today
            1: datetime(2026, 11, 23, 0, 30, tzinfo=CST).astimezone(UTC),
        },
    )
    fresh = team_freshness(demo, today=DAY)
    assert list(fresh) == [t[0] for t in teams]  # every team, in code order
    first, second, third = (fresh[t[0]] for t in teams[:3])
    assert first.days == 2 and first.stale
    assert first.text == f"{teams[0][2]}：2 天未报送"
    assert first.received_at == datetime(2026, 11, 21, 23, 0, tzinfo=CST)
    assert second.days == 0 and not second.stale
    assert second.text == f"{teams[1][2]}：今天已报送"
    assert third.days is None and third.stale  # not even joined
    assert third.text == f"{teams[2][2]}：从未报送"


def test_the_projects_daily_report_carries_freshness_and_freezes_it(demo: Database) -> None:
    teams = _teams(demo)
    _make_hq(demo, {0: datetime(2026, 11, 16, 9, 0, tzinfo=CST), 1: None})  # 1: joined only
    data = daily_report.build(demo, DAY)
    texts = [f.text for f in data.freshness]
    assert texts[0] == f"{teams[0][2]}：7 天未报送"
    assert texts[1] == f"{teams[1][2]}：从未报送"
    snapshot = daily_report.to_snapshot(data)
    assert snapshot["freshness"][0]["days"] == 7
    back = daily_report.from_snapshot(snapshot)
    assert back.freshness == data.freshness
    # A team's own report ranks no other teams and says nothing of their packages.
    team_report = daily_report.build(demo, DAY, team_id=teams[0][0])  # type: ignore[arg-type]
    assert team_report.freshness == ()
    assert "freshness" not in daily_report.to_snapshot(team_report)
