"""One project clock (services/clock.py): "today" is the project's day in its time zone, for
payments, notices, recompute and the daily report alike, whatever the machine's zone.

The machine's clock is set by replacing ``clock.system_now`` (no sleeping, no real time):
2026-03-01 20:00 UTC is already 2026-03-02 04:00 in Shanghai.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import select

from relocation_desk.domain.status import NoticeKind
from relocation_desk.services import clock
from relocation_desk.services.notices.records import NoticeRecords
from relocation_desk.services.notices.service import NoticeService
from relocation_desk.services.payments.service import PaymentError, PaymentService
from relocation_desk.services.progress import daily_report
from relocation_desk.services.progress.facts import load_facts, moment_day
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database

from .payment_org import make_payment_org, sign

EVENING_UTC = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)  # 2026-03-02 04:00 in Shanghai
SHANGHAI_DAY = date(2026, 3, 2)


@pytest.fixture
def machine_clock(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Set the machine's clock: ``machine_clock(moment)``."""

    def set_to(moment: datetime) -> None:
        monkeypatch.setattr(clock, "system_now", lambda: moment)

    set_to(EVENING_UTC)
    return set_to


def _set_zone(db: Database, name: str) -> None:
    with db.session() as s, s.begin():
        project_id = s.scalar(select(m.Project.id))
        s.merge(m.Setting(project_id=project_id, key="time_zone", value=name))
    clock.forget_zone(db)


def test_today_is_the_projects_day_not_the_machines(sqlite_db: Database, machine_clock) -> None:  # type: ignore[no-untyped-def]
    make_payment_org(sqlite_db)
    assert EVENING_UTC.date() == date(2026, 3, 1)
    assert clock.project_today(sqlite_db) == SHANGHAI_DAY
    assert clock.project_today() == SHANGHAI_DAY  # no project: the default zone
    assert clock.project_now(sqlite_db).utcoffset() == timedelta(hours=8)
    assert clock.shown(EVENING_UTC, sqlite_db) == "2026-03-02 04:00"
    # Stored times are naive UTC in SQLite: shown as UTC converted.
    assert clock.shown(EVENING_UTC.replace(tzinfo=None), sqlite_db) == "2026-03-02 04:00"
    with sqlite_db.session() as s:
        assert clock.project_today(s) == SHANGHAI_DAY
    # A project in another zone has its own day, read from its setting.
    _set_zone(sqlite_db, "America/New_York")
    assert clock.project_today(sqlite_db) == date(2026, 3, 1)
    assert clock.shown(EVENING_UTC, sqlite_db) == "2026-03-01 15:00"
    machine_clock(datetime(2026, 3, 2, 4, 59, tzinfo=UTC))
    assert clock.project_today(sqlite_db) == date(2026, 3, 1)


def test_unknown_zone_setting_falls_back_to_shanghai(sqlite_db: Database, machine_clock) -> None:  # type: ignore[no-untyped-def]
    make_payment_org(sqlite_db)
    _set_zone(sqlite_db, "Mars/Olympus_Mons")
    assert clock.project_today(sqlite_db) == SHANGHAI_DAY
    assert clock.zone_named("Mars/Olympus_Mons") is None
    assert clock.zone_named("../../etc/passwd") is None
    assert clock.zone_named("Asia/Urumqi") is not None


def test_payments_take_the_projects_today(sqlite_db: Database, machine_clock) -> None:  # type: ignore[no-untyped-def]
    org = make_payment_org(sqlite_db)
    hid = org.households[0]
    sign(sqlite_db, hid, 1_000_000, signed_on=date(2026, 3, 1))
    pay = PaymentService(sqlite_db, org.clerk)
    # The machine's date is still 1 March, the project's is 2 March: paying today is fine.
    balance = pay.record_payment(hid, 100_000, SHANGHAI_DAY)
    assert balance.paid_fen == 100_000
    with pytest.raises(PaymentError, match="晚于今天"):
        pay.record_payment(hid, 100_000, SHANGHAI_DAY + timedelta(days=1))
    # Earlier that day (12:00 UTC is 20:00 in Shanghai, still 1 March) it was the future.
    machine_clock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    with pytest.raises(PaymentError, match="晚于今天"):
        pay.record_payment(hid, 100_000, SHANGHAI_DAY)


def test_notices_are_created_on_the_projects_day(sqlite_db: Database, machine_clock) -> None:  # type: ignore[no-untyped-def]
    org = make_payment_org(sqlite_db)
    svc = NoticeService(sqlite_db, org.clerk)
    start = clock.project_today(sqlite_db)  # what the post dialog and the CLI offer
    view = svc.post_round(
        org.village, NoticeKind.COMPENSATION, posted_from=start, objection_place="村委会"
    )
    assert view.posted_from == SHANGHAI_DAY
    assert view.created_on == SHANGHAI_DAY
    [summary] = NoticeRecords(sqlite_db, org.clerk).rounds(org.village)
    assert summary.created_on == SHANGHAI_DAY
    # The objection deadline counts from the posting: received today is within it.
    obj = svc.record_objection(org.households[0], view.id, "合法面积", "少量了", SHANGHAI_DAY)
    assert obj.deadline > SHANGHAI_DAY


def test_daily_report_days_follow_the_project_zone(sqlite_db: Database, machine_clock) -> None:  # type: ignore[no-untyped-def]
    org = make_payment_org(sqlite_db)
    sign(sqlite_db, org.households[0], 1_000_000, signed_on=date(2026, 3, 1))
    facts = load_facts(sqlite_db)
    cut = facts.cutoff(SHANGHAI_DAY)
    assert cut.utcoffset() == timedelta(hours=8) and cut.date() == SHANGHAI_DAY
    data = daily_report.build(sqlite_db, SHANGHAI_DAY)
    assert data.cutoff.utcoffset() == timedelta(hours=8)
    # In a zone 13 hours behind, the same cut-off time falls 13 hours later in UTC.
    _set_zone(sqlite_db, "America/New_York")
    facts = load_facts(sqlite_db)
    other = facts.cutoff(SHANGHAI_DAY)
    assert other.astimezone(UTC) - cut.astimezone(UTC) == timedelta(hours=13)
    assert daily_report.build(sqlite_db, SHANGHAI_DAY).cutoff.utcoffset() == timedelta(hours=-5)
    # The day a moment first counts in, with the zone's offset.
    cutoff = time(18, 0)
    moment = datetime(2026, 3, 1, 11, 0, tzinfo=UTC).timestamp()  # 19:00 Shanghai, 06:00 NY
    assert date.fromordinal(moment_day(moment, cutoff, 8 * 3600)) == SHANGHAI_DAY
    assert date.fromordinal(moment_day(moment, cutoff, -5 * 3600)) == date(2026, 3, 1)


def test_fixed_offset_zone_for_a_machine_without_the_zone_database(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def missing(name: str) -> None:
        raise clock.ZoneInfoNotFoundError(name)

    monkeypatch.setattr(clock, "ZoneInfo", missing)
    zone = clock.zone_named("Asia/Shanghai")
    assert zone is not None and zone.utcoffset(None) == timedelta(hours=8)
    assert clock.zone_named("Europe/Berlin") is None
    assert isinstance(clock.project_zone(None), timezone)
