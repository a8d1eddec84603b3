"""Progress figures: checked against counts written here in plain SQL over the demo project,
and the cut-off rule (a fact counts from max(its day, when it was recorded)) on both backends."""

from __future__ import annotations

import math
import shutil
import sqlite3
import uuid
from datetime import UTC, date, datetime, time, timedelta, timezone
from itertools import pairwise
from pathlib import Path

import pytest

from relocation_desk.services.progress import service as progress
from relocation_desk.services.progress.facts import cutoff_of
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database, open_database

from .notice_org import make_notice_org

CST = timezone(timedelta(hours=8))
DAYS = [date(2026, 10, 30), date(2026, 11, 12), date(2026, 11, 23)]


@pytest.fixture
def demo(demo_db_path: Path, tmp_path: Path) -> Path:
    path = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_db_path, path)
    return path


def _cut_text(day: date, cutoff: time = time(17, 0)) -> str:
    """The cut-off as the text SQLite stores UTC times in (demo: report_cutoff 17:00)."""
    moment = datetime.combine(day, cutoff, tzinfo=CST).astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


# The independent count: each figure as SQL over the stored rows, per team code.
_SQL = {
    "households": "SELECT t.code, count(*) FROM household h JOIN team t ON t.id = h.team_id "
    "WHERE h.created_at <= :cut GROUP BY t.code",
    "signed": "SELECT t.code, count(DISTINCT a.household_id) FROM agreement a "
    "JOIN household h ON h.id = a.household_id JOIN team t ON t.id = h.team_id "
    "WHERE a.kind = 'main' AND a.status = 'signed' AND a.signed_on <= :day "
    "AND a.created_at <= :cut AND h.created_at <= :cut GROUP BY t.code",
    "signed_fen": "SELECT t.code, sum(a.total_fen) FROM agreement a "
    "JOIN household h ON h.id = a.household_id JOIN team t ON t.id = h.team_id "
    "WHERE a.kind = 'main' AND a.status = 'signed' AND a.signed_on <= :day "
    "AND a.created_at <= :cut AND h.created_at <= :cut GROUP BY t.code",
    "paid_fen": "SELECT t.code, sum(p.amount_fen) FROM payment p "
    "JOIN household h ON h.id = p.household_id JOIN team t ON t.id = h.team_id "
    "WHERE p.paid_on <= :day AND p.created_at <= :cut AND h.created_at <= :cut GROUP BY t.code",
    "paid": "SELECT t.code, count(*) FROM agreement a "
    "JOIN household h ON h.id = a.household_id JOIN team t ON t.id = h.team_id "
    "WHERE a.kind = 'main' AND a.status = 'signed' AND a.signed_on <= :day "
    "AND a.created_at <= :cut AND h.created_at <= :cut AND ("
    " (SELECT coalesce(sum(p.amount_fen), 0) FROM payment p WHERE p.agreement_id = a.id"
    "  AND p.paid_on <= :day AND p.created_at <= :cut) >= a.total_fen"
    " OR EXISTS (SELECT 1 FROM payment p WHERE p.agreement_id = a.id AND p.kind = 'deposit'"
    "  AND p.paid_on <= :day AND p.created_at <= :cut)) GROUP BY t.code",
    "vacated": "SELECT t.code, count(*) FROM milestone x "
    "JOIN household h ON h.id = x.household_id JOIN team t ON t.id = h.team_id "
    "WHERE x.kind = 'vacated' AND x.happened_on <= :day AND x.created_at <= :cut "
    "AND h.created_at <= :cut GROUP BY t.code",
    "demolished": "SELECT t.code, count(*) FROM milestone x "
    "JOIN household h ON h.id = x.household_id JOIN team t ON t.id = h.team_id "
    "WHERE x.kind = 'demolished' AND x.happened_on <= :day AND x.created_at <= :cut "
    "AND h.created_at <= :cut GROUP BY t.code",
    "decisions": "SELECT t.code, count(*) FROM compensation_decision d "
    "JOIN household h ON h.id = d.household_id JOIN team t ON t.id = h.team_id "
    "WHERE d.decided_on <= :day AND d.created_at <= :cut AND h.created_at <= :cut "
    "GROUP BY t.code",
    "closed": "SELECT t.code, count(*) FROM household h JOIN team t ON t.id = h.team_id "
    "WHERE h.closed_at <= :cut AND h.created_at <= :cut GROUP BY t.code",
    "calculated": "SELECT t.code, count(*) FROM household h JOIN team t ON t.id = h.team_id "
    "WHERE h.created_at <= :cut AND EXISTS (SELECT 1 FROM calculation c "
    "WHERE c.household_id = h.id AND c.computed_at <= :cut) GROUP BY t.code",
    "computed_fen": "SELECT t.code, sum(c.total_fen) FROM calculation c "
    "JOIN household h ON h.id = c.household_id JOIN team t ON t.id = h.team_id "
    "WHERE h.created_at <= :cut AND c.computed_at <= :cut AND c.version_no = ("
    " SELECT max(c2.version_no) FROM calculation c2 WHERE c2.household_id = c.household_id"
    " AND c2.computed_at <= :cut) GROUP BY t.code",
    "noticed": "SELECT t.code, count(DISTINCT h.id) FROM notice_row r "
    "JOIN notice_round n ON n.id = r.round_id JOIN household h ON h.id = r.household_id "
    "JOIN team t ON t.id = h.team_id WHERE r.change_mark != 'removed' "
    "AND n.posted_from <= :day AND n.created_at <= :cut AND h.created_at <= :cut "
    "GROUP BY t.code",
    "objections_open": "SELECT t.code, count(*) FROM objection o "
    "JOIN household h ON h.id = o.household_id JOIN team t ON t.id = h.team_id "
    "WHERE o.received_on <= :day AND o.created_at <= :cut AND h.created_at <= :cut "
    "AND (o.decided_at IS NULL OR o.decided_at > :cut) GROUP BY t.code",
    "approvals_pending": "SELECT t.code, count(*) FROM approval_request r "
    "JOIN household h ON h.id = r.household_id JOIN team t ON t.id = h.team_id "
    "WHERE r.requested_at <= :cut AND h.created_at <= :cut "
    "AND (r.decided_at IS NULL OR r.decided_at > :cut) GROUP BY t.code",
    "cadre_total": "SELECT t.code, count(*) FROM household h JOIN team t ON t.id = h.team_id "
    "WHERE h.has_cadre AND h.created_at <= :cut GROUP BY t.code",
    "cadre_signed": "SELECT t.code, count(*) FROM household h JOIN team t ON t.id = h.team_id "
    "WHERE h.has_cadre AND h.created_at <= :cut AND EXISTS (SELECT 1 FROM agreement a "
    "WHERE a.household_id = h.id AND a.kind = 'main' AND a.status = 'signed' "
    "AND a.signed_on <= :day AND a.created_at <= :cut) GROUP BY t.code",
    # 限时: no household of the demo has its own deadline, so the signing deadline applies.
    "overdue": "SELECT t.code, count(*) FROM household h JOIN team t ON t.id = h.team_id "
    "WHERE h.created_at <= :cut AND :deadline < :day "
    "AND NOT EXISTS (SELECT 1 FROM agreement a WHERE a.household_id = h.id "
    " AND a.kind = 'main' AND a.status = 'signed' AND a.signed_on <= :day "
    " AND a.created_at <= :cut) "
    "AND NOT EXISTS (SELECT 1 FROM compensation_decision d WHERE d.household_id = h.id "
    " AND d.decided_on <= :day AND d.created_at <= :cut) GROUP BY t.code",
}


def _independent(path: Path, day: date) -> dict[str, dict[str, int]]:
    conn = sqlite3.connect(path)
    try:
        deadline = conn.execute("SELECT value FROM setting WHERE key = 'sign_deadline'").fetchone()
        params = {"day": day.isoformat(), "cut": _cut_text(day), "deadline": deadline[0][1:-1]}
        return {
            name: {code: int(n or 0) for code, n in conn.execute(sql, params)}
            for name, sql in _SQL.items()
        }
    finally:
        conn.close()


@pytest.mark.parametrize("day", DAYS)
def test_figures_match_an_independent_count(demo: Path, day: date) -> None:
    expected = _independent(demo, day)
    before = _independent(demo, day - timedelta(days=1))
    db = open_database(demo)
    try:
        facts = progress.load_facts(db)
        counted = progress.tally(facts, day)
    finally:
        db.close()
    codes = {tid: code for tid, (code, _name) in facts.teams.items()}
    assert counted.cutoff == datetime.combine(day, time(17, 0), tzinfo=CST)
    for name, per_team in expected.items():
        got = {codes[tid]: getattr(f, name) for tid, f in counted.by_team.items()}
        got = {code: n for code, n in got.items() if n}
        assert got == {code: n for code, n in per_team.items() if n}, name
        assert getattr(counted.total, name) == sum(per_team.values()), name
    # "Today" is what counts at this cut-off and did not at yesterday's.
    for name in ("signed", "paid", "vacated", "closed", "signed_fen", "paid_fen"):
        today = getattr(counted.total, f"{name}_today")
        assert today == sum(expected[name].values()) - sum(before[name].values()), name
    assert counted.total.households > 0 and counted.total.signed > 0
    # The breakdowns add up to the whole.
    for breakdown in (counted.by_team, counted.by_village, counted.by_person):
        assert sum(f.signed for f in breakdown.values()) == counted.total.signed
        assert sum(f.paid_fen for f in breakdown.values()) == counted.total.paid_fen
        assert sum(f.overdue for f in breakdown.values()) == counted.total.overdue


def test_person_breakdown_matches_sql(demo: Path) -> None:
    day = DAYS[-1]
    conn = sqlite3.connect(demo)
    rows = conn.execute(
        "SELECT h.responsible_id, count(*) FROM agreement a JOIN household h "
        "ON h.id = a.household_id WHERE a.kind = 'main' AND a.status = 'signed' "
        "AND a.signed_on <= ? AND a.created_at <= ? GROUP BY h.responsible_id",
        (day.isoformat(), _cut_text(day)),
    ).fetchall()
    conn.close()
    expected = {uuid.UUID(pid): n for pid, n in rows}
    db = open_database(demo)
    try:
        counted = progress.tally(progress.load_facts(db), day)
    finally:
        db.close()
    got = {pid: f.signed for pid, f in counted.by_person.items() if f.signed}
    assert got == expected


def test_trend_ranking_and_today(demo: Path) -> None:
    day = DAYS[-1]
    db = open_database(demo)
    try:
        points = progress.trend(db, end=day)
        figures = progress.today_figures(db, day)
        by_team = progress.trend_by_team(db, end=day)
        ranking = progress.team_ranking(db, day)
        one = ranking[-1]
        team_points = progress.trend(db, team_id=one.team_id, end=day)
        team_figures = progress.today_figures(db, day, team_id=one.team_id)
    finally:
        db.close()
    assert points[-1] == progress.TrendPoint(day, figures.signed, figures.paid, figures.vacated)
    assert points[-1].signed - points[-2].signed == figures.signed_today
    assert all(a.signed <= b.signed for a, b in pairwise(points))
    assert [p.day for p in points] == [p.day for p in next(iter(by_team.values()))]
    assert sum(series[-1].signed for series in by_team.values()) == figures.signed
    assert [r.signed_pct for r in ranking] == sorted((r.signed_pct for r in ranking), reverse=True)
    assert sum(r.households for r in ranking) == figures.households
    assert team_points == by_team[one.team]
    assert team_figures.signed == one.signed and team_figures.households == one.households
    assert one.signed_pct == round(one.signed * 100 / one.households, 1)


def test_deadlines_due_soon_and_overdue(demo: Path) -> None:
    day = DAYS[-1]
    conn = sqlite3.connect(demo)
    unsigned = [
        r[0]
        for r in conn.execute(
            "SELECT code FROM household WHERE status IN ('registered', 'surveyed') ORDER BY code"
        ).fetchall()[:3]
    ]
    conn.executemany(
        "UPDATE household SET deadline = ? WHERE code = ?",
        [((day + timedelta(days=3)).isoformat(), unsigned[0]),
         ((day - timedelta(days=2)).isoformat(), unsigned[1]),
         ((day - timedelta(days=2)).isoformat(), unsigned[2])],
    )  # fmt: skip
    # The third case was closed (销号) before the cut-off: met, so not overdue.
    conn.execute(
        "UPDATE household SET closed_at = ? WHERE code = ?",
        (_cut_text(day - timedelta(days=1)), unsigned[2]),
    )
    conn.commit()
    conn.close()
    db = open_database(demo)
    try:
        soon = progress.due_soon(db, day, days=7)
        late = progress.overdue(db, day)
    finally:
        db.close()
    assert [(r.code, r.days_left) for r in soon] == [(unsigned[0], 3)]
    assert isinstance(soon[0].household_id, uuid.UUID)
    assert soon[0].head_name and soon[0].team and soon[0].status_label in ("已登记", "已调查")
    late_codes = {r.code: r for r in late}
    assert late_codes[unsigned[1]].days_left == -2
    assert unsigned[0] not in late_codes and unsigned[2] not in late_codes
    # The rest are held to the signing deadline (2026-11-15: 8 days before).
    assert {r.days_left for r in late} == {-2, -8}
    assert [r.deadline for r in late] == sorted(r.deadline for r in late)


# --- the cut-off rule on both backends --------------------------------------------------------


def _at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=CST)


def _sign(db: Database, hid: uuid.UUID, seq: int, signed_on: date, recorded: datetime) -> uuid.UUID:
    with db.session() as s, s.begin():
        calc = s.query(m.Calculation).filter_by(household_id=hid).one()
        aid = uuid.uuid4()
        s.add(
            m.Agreement(
                id=aid, project_id=s.get(m.Household, hid).project_id, household_id=hid,
                kind="main", seq_no=seq, number=f"A{seq}", status="signed",
                scheme_version_id=calc.scheme_version_id, calculation_id=calc.id,
                compensation_method="money", total_fen=calc.total_fen, content={},
                signed_on=signed_on, created_at=recorded, updated_at=recorded,
            )
        )  # fmt: skip
    return aid


def test_cutoff_moves_late_records_to_the_next_day(db: Database) -> None:
    org = make_notice_org(db, n=4)
    day = date(2026, 3, 10)
    with db.session() as s, s.begin():
        project_id = s.query(m.Project.id).scalar()
        s.add(m.Setting(project_id=project_id, key="report_cutoff", value="18:00"))
        for hid in org.households:
            s.get(m.Household, hid).created_at = _at(date(2026, 3, 1), 9)
    h = org.households
    _sign(db, h[0], 1, day, _at(day, 10))  # in time
    _sign(db, h[1], 2, day, _at(day, 18, 30))  # dated today, typed after the cut-off
    _sign(db, h[2], 3, day - timedelta(days=1), _at(day, 9))  # yesterday's, typed today
    aid = _sign(db, h[3], 4, day - timedelta(days=1), _at(day - timedelta(days=1), 11))
    with db.session() as s, s.begin():
        s.add(
            m.Payment(
                agreement_id=aid, household_id=h[3], kind="payment", amount_fen=100,
                paid_on=day, payee="x", method="transfer", created_at=_at(day, 17, 59),
            )
        )  # fmt: skip
    assert cutoff_of(day, time(18, 0)) == _at(day, 18)
    facts = progress.load_facts(db)
    today = progress.tally(facts, day).total
    assert (today.signed, today.signed_today) == (3, 2)  # h0 and h2 today; h3 yesterday
    assert (today.paid_fen, today.paid_fen_today, today.paid) == (100, 100, 0)
    tomorrow = progress.tally(facts, day + timedelta(days=1)).total
    assert (tomorrow.signed, tomorrow.signed_today) == (4, 1)  # h1 moved to the next day
    yesterday = progress.tally(facts, day - timedelta(days=1)).total
    assert (yesterday.signed, yesterday.signed_today) == (1, 1)
    points = progress.trend(db, start=day - timedelta(days=1), end=day + timedelta(days=1))
    assert [p.signed for p in points] == [1, 3, 4]
    # An explicit earlier cut-off the same day.
    early = progress.tally(facts, day, _at(day, 9, 30)).total
    assert early.signed == 2  # h3 (yesterday) and h2 (typed at 09:00)
    with pytest.raises(ValueError):
        progress.tally(facts, day, _at(day + timedelta(days=1), 9))


def _audit(db: Database, hid: uuid.UUID | None, at: datetime, entity: str = "agreement") -> None:
    with db.session() as s, s.begin():
        s.add(m.AuditLog(at=at, action="create", entity=entity, household_id=hid))


def _figures_of(counted: progress.Tally) -> tuple[object, ...]:
    return counted.total, counted.by_team, counted.by_village, counted.by_person


def test_refresh_reads_only_what_changed_and_counts_as_a_full_read(db: Database) -> None:
    org = make_notice_org(db, n=4)
    day = date(2026, 3, 10)
    h = org.households
    with db.session() as s, s.begin():
        for hid in h:
            s.get(m.Household, hid).created_at = _at(date(2026, 3, 1), 9)
    _sign(db, h[0], 1, day, _at(day, 10))
    facts = progress.load_facts(db)
    counted = progress.tally(facts, day)
    assert counted.total.signed == 1
    assert progress.refresh_facts(db, facts) is facts  # nothing changed: kept as it is

    # A household the caller says it changed (not audited here) is read again.
    _sign(db, h[1], 2, day, _at(day, 11))
    fresh = progress.refresh_facts(db, facts, {h[1]})
    assert fresh is not facts and fresh.touched is not None and len(fresh.touched) == 1
    full = progress.load_facts(db)
    assert _figures_of(progress.retally(facts, fresh, counted)) == _figures_of(
        progress.tally(full, day)
    )
    assert progress.tally(fresh, day).total.signed == 2
    assert facts.signed.count(math.inf) == 3  # the facts before are left as they were

    # A change another process audited is found in the audit log.
    _sign(db, h[2], 3, day, _at(day, 12))
    _audit(db, h[2], datetime.now(UTC) + timedelta(seconds=1))
    newer = progress.refresh_facts(db, fresh)
    assert newer.touched is not None and len(newer.touched) == 1
    assert progress.tally(newer, day).total.signed == 3
    assert progress.trend(db, start=day, end=day, facts=newer)[0].signed == 3

    # Audit rows older than the last read (a merged laptop's) or of no household: read all.
    _audit(db, h[3], _at(day - timedelta(days=5), 9))
    assert progress.refresh_facts(db, newer).touched is None
    latest = progress.load_facts(db)
    _audit(db, None, datetime.now(UTC) + timedelta(seconds=2), entity="notice_round")
    assert progress.refresh_facts(db, latest).touched is None


def test_a_holdouts_deposit_under_a_decision_counts_as_paid(demo: Path) -> None:
    """A 补偿决定 sets what a holdout is owed; its deposit (提存) makes the household paid."""
    from relocation_desk.services.households.service import operators
    from relocation_desk.services.payments.service import PaymentService

    day = DAYS[-1]
    # Payments are counted from the day's cut-off after they were entered (now, by the clock).
    later = max(date.today(), day) + timedelta(days=1)
    with sqlite3.connect(demo) as conn:
        hid, total, decided = conn.execute(
            "SELECT household_id, total_fen, decided_on FROM compensation_decision"
            " ORDER BY number LIMIT 1"
        ).fetchone()
    db = open_database(demo)
    try:
        before = progress.today_figures(db, later)
        hq = next(o for o in operators(db) if o.role == "hq")
        PaymentService(db, hq).record_payment(
            uuid.UUID(hid), total // 2, date.fromisoformat(decided), today=day
        )
        half = progress.today_figures(db, later)
        PaymentService(db, hq).record_payment(
            uuid.UUID(hid), total - total // 2, date.fromisoformat(decided), kind="deposit",
            today=day,
        )  # fmt: skip
        after = progress.today_figures(db, later)
    finally:
        db.close()
    assert half.paid == before.paid  # half of the decided amount is not paid
    assert after.paid == before.paid + 1 and after.paid_fen == before.paid_fen + total
