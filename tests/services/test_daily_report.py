"""Building, freezing and reading back the daily report to HQ."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
import sqlite3
import uuid
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest

from relocation_desk.services.progress import daily_report
from relocation_desk.services.progress.daily_report import DailyReportError
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database, open_database
from tests.operators import operator_with_role

from .notice_org import make_notice_org

CST = timezone(timedelta(hours=8))
DAY = date(2026, 11, 23)  # the demo's today; its cut-off is 17:00
AFTER_CUTOFF = datetime(2026, 11, 23, 18, 5, tzinfo=CST)


@pytest.fixture
def demo(demo_db_path: Path, tmp_path: Path) -> Path:
    path = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_db_path, path)
    return path


def _unfrozen(data: daily_report.DailyReportData) -> daily_report.DailyReportData:
    return dataclasses.replace(data, frozen_at=None, frozen_by="", content_hash="")


def _stored(path: Path, day: date) -> tuple[str, str]:
    conn = sqlite3.connect(path)
    try:
        row = conn.execute(
            "SELECT snapshot, content_hash FROM daily_report WHERE report_date = ?",
            (day.isoformat(),),
        ).fetchone()
    finally:
        conn.close()
    return row[0], row[1]


def test_report_has_every_breakdown(demo: Path) -> None:
    db = open_database(demo)
    try:
        data = daily_report.build(db, DAY)
    finally:
        db.close()
    conn = sqlite3.connect(demo)
    teams = conn.execute("SELECT count(*) FROM team").fetchone()[0]
    villages = conn.execute("SELECT count(DISTINCT village_id) FROM household").fetchone()[0]
    people = conn.execute("SELECT count(DISTINCT responsible_id) FROM household").fetchone()[0]
    households = conn.execute("SELECT count(*) FROM household").fetchone()[0]
    conn.close()
    assert data.scope_key == "project" and data.cutoff == datetime(2026, 11, 23, 17, tzinfo=CST)
    assert (len(data.teams), len(data.villages), len(data.persons)) == (teams, villages, people)
    assert [r.rank for r in data.teams] == list(range(1, teams + 1))
    assert data.total.households == households
    for rows in (data.teams, data.villages, data.persons):
        assert sum(r.figures.households for r in rows) == households
        assert sum(r.figures.signed for r in rows) == data.total.signed
    assert data.trend_days[-1] == DAY and len(data.trend_paid) == len(data.trend_days)
    assert data.trend_total[-1] == data.total.signed
    assert data.trend_paid[-1] == data.total.paid


def test_freeze_then_edit_keeps_the_frozen_report_and_moves_the_change(demo: Path) -> None:
    db = open_database(demo)
    try:
        built = daily_report.build(db, DAY)
        next_before = daily_report.build(db, DAY + timedelta(days=1)).total
        frozen = daily_report.freeze(
            db, DAY, operator=operator_with_role(db, "hq"), now=AFTER_CUTOFF
        )
        assert frozen.frozen and _unfrozen(frozen) == built
        snapshot, digest = _stored(demo, DAY)
        # The stored hash is the SHA-256 of the canonical JSON of the snapshot.
        canonical = json.dumps(
            json.loads(snapshot), ensure_ascii=False, sort_keys=True, separators=(",", ":")
        )
        assert hashlib.sha256(canonical.encode()).hexdigest() == digest == frozen.content_hash

        # After the cut-off a household is marked vacated, dated today, and another household
        # changes team: the frozen report does not move.
        conn = sqlite3.connect(demo)
        (hid,) = conn.execute(
            "SELECT id FROM household WHERE status = 'paid' ORDER BY code LIMIT 1"
        ).fetchone()
        conn.execute(
            "INSERT INTO milestone (id, household_id, kind, happened_on, note, created_at) "
            "VALUES (?, ?, 'vacated', ?, '', ?)",
            (uuid.uuid4().hex, hid, DAY.isoformat(), "2026-11-23 10:30:00.000000"),  # 18:30
        )
        conn.commit()
        conn.close()

        again = daily_report.load_frozen(db, DAY)
        assert again == frozen
        assert _stored(demo, DAY) == (snapshot, digest)
        # Built again for the same day and cut-off, the figures are still the frozen ones.
        assert daily_report.build(db, DAY) == built
        # The change is in the next day's figures, as today's news.
        next_after = daily_report.build(db, DAY + timedelta(days=1)).total
        assert next_after.vacated == next_before.vacated + 1
        assert next_after.vacated_today == next_before.vacated_today + 1

        with pytest.raises(DailyReportError, match="已于 2026-11-23 18:05 冻结"):
            daily_report.freeze(
                db,
                DAY,
                operator=operator_with_role(db, "hq"),
                now=AFTER_CUTOFF + timedelta(hours=1),
            )
        # Another scope of the same day is a report of its own.
        team = daily_report.freeze(
            db,
            DAY,
            team_id=uuid.UUID(built.teams[0].key),
            operator=operator_with_role(db, "hq"),
            now=AFTER_CUTOFF,
        )
        assert team.scope_name == built.teams[0].name
        assert team.total == built.teams[0].figures
        assert [r.key for r in team.teams] == [built.teams[0].key]
        assert {r.team for r in team.villages} == {built.teams[0].name}
    finally:
        db.close()


def test_freezing_before_the_cutoff_is_refused(demo: Path) -> None:
    db = open_database(demo)
    try:
        with pytest.raises(DailyReportError, match="截止时间是 17:00"):
            daily_report.freeze(
                db,
                DAY,
                operator=operator_with_role(db, "hq"),
                now=datetime(2026, 11, 23, 16, 59, tzinfo=CST),
            )
        assert daily_report.load_frozen(db, DAY) is None
    finally:
        db.close()


def test_tampered_snapshot_is_reported(demo: Path) -> None:
    db = open_database(demo)
    try:
        daily_report.freeze(db, DAY, operator=operator_with_role(db, "hq"), now=AFTER_CUTOFF)
        conn = sqlite3.connect(demo)
        snap = json.loads(conn.execute("SELECT snapshot FROM daily_report").fetchone()[0])
        snap["total"]["signed"] += 1
        conn.execute("UPDATE daily_report SET snapshot = ?", (json.dumps(snap),))
        conn.commit()
        conn.close()
        with pytest.raises(DailyReportError, match="校验值不符"):
            daily_report.load_frozen(db, DAY)
    finally:
        db.close()


def test_freeze_round_trip_on_both_backends(db: Database) -> None:
    org = make_notice_org(db, n=3)
    day = date(2026, 3, 10)
    with db.session() as s, s.begin():
        for i, hid in enumerate(org.households):
            household = s.get(m.Household, hid)
            household.created_at = datetime(2026, 3, 1, 1, tzinfo=UTC)
            household.has_cadre = i == 2
        for calc in s.query(m.Calculation):
            calc.computed_at = datetime(2026, 3, 2, 1, tzinfo=UTC)
    built = daily_report.build(db, day)
    assert built.cutoff.time() == time(18, 0)  # no report_cutoff setting: 18:00
    assert (built.total.households, built.total.calculated, built.total.cadre_total) == (3, 3, 1)
    frozen = daily_report.freeze(db, day, operator=org.hq, now=datetime(2026, 3, 11, tzinfo=UTC))
    assert frozen.frozen_by == org.hq.name
    assert daily_report.load_frozen(db, day) == frozen
    assert _unfrozen(frozen) == built
    with db.session() as s:
        audit = s.query(m.AuditLog).filter_by(entity="daily_report").one()
        assert audit.action == "freeze" and audit.after["content_hash"] == frozen.content_hash
