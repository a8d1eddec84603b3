"""The demo project generator: deterministic, valid, and consistent with the order of work.

Checks use plain SQL on the generated file (independent of the generator's own code), plus a
read back through the ORM and a re-run of the engine on the stored survey data.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import sqlite3
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from relocation_desk.domain import idnumber
from relocation_desk.domain.engine import compute, inputs_hash
from relocation_desk.domain.household_input import AttachmentInput, HouseholdInput, StructureInput
from relocation_desk.domain.scheme import content_hash
from relocation_desk.domain.scheme_parse import parse_scheme
from relocation_desk.domain.search import SearchPerson, household_search_text
from relocation_desk.domain.status import HouseholdStatus
from relocation_desk.services.demo.generator import DemoSummary, DemoTargetExists, generate_demo
from relocation_desk.storage import models as m
from relocation_desk.storage.db import open_database

TODAY = date(2026, 5, 20)
N = 300
S = HouseholdStatus
ORDER = list(HouseholdStatus)
CALCULATED = {s.value for s in ORDER[ORDER.index(S.CALCULATED) :]}
CHECKED = {s.value for s in ORDER[ORDER.index(S.CHECKED) :]}
NOTICED = {s.value for s in ORDER[ORDER.index(S.NOTICED) :]}
SIGNED = {"signed", "paid", "vacated", "demolished"}
PAID = {"paid", "vacated", "demolished"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoSummary]:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    calls: list[tuple[int, int]] = []
    summary = generate_demo(
        path, households=N, seed=1, today=TODAY, progress=lambda d, t: calls.append((d, t))
    )
    assert calls[-1] == (N, N)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert len(calls) >= 50
    return path, summary


@pytest.fixture(scope="module")
def conn(demo: tuple[Path, DemoSummary]) -> Iterator[sqlite3.Connection]:
    c = sqlite3.connect(demo[0])
    try:
        yield c
    finally:
        c.close()


def q(conn: sqlite3.Connection, sql: str, *args: object) -> list[tuple]:  # type: ignore[type-arg]
    return conn.execute(sql, args).fetchall()


def table_digests(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as c:
        tables = [r[0] for r in q(c, "select name from sqlite_master where type='table'")]
        return {
            t: hashlib.sha256(
                repr(q(c, f'select * from "{t}" order by rowid')).encode()
            ).hexdigest()
            for t in tables
            # Not the demo's data: the schema revision, and which program opened it when.
            if t not in ("alembic_version", "program_version")
        }


# --- the file ----------------------------------------------------------------------------------


def test_summary_counts_match_the_file(
    demo: tuple[Path, DemoSummary], conn: sqlite3.Connection
) -> None:
    path, summary = demo
    assert summary.path == path and path.exists()
    assert not Path(str(path) + ".partial").exists()
    for table, count in summary.counts.items():
        assert q(conn, f'select count(*) from "{table}"')[0][0] == count, table
    assert summary.counts["household"] == N
    assert summary.seconds > 0


def test_integrity_and_foreign_keys(conn: sqlite3.Connection) -> None:
    assert q(conn, "pragma integrity_check") == [("ok",)]
    assert q(conn, "pragma foreign_key_check") == []
    names = {r[0] for r in q(conn, "select name from sqlite_master where type='index'")}
    assert "ix_person_household_id" in names and "ix_household_head_name" in names


def test_same_seed_and_day_give_identical_data(
    demo: tuple[Path, DemoSummary], tmp_path: Path
) -> None:
    again = tmp_path / "again.sqlite"
    generate_demo(again, households=N, seed=1, today=TODAY)
    assert table_digests(again) == table_digests(demo[0])


def test_worker_processes_give_identical_data(
    demo: tuple[Path, DemoSummary], tmp_path: Path
) -> None:
    split = tmp_path / "split.sqlite"
    summary = generate_demo(split, households=N, seed=1, today=TODAY, workers=2)
    assert summary.workers == 2
    assert summary.counts == demo[1].counts
    assert summary.engine_calls == demo[1].engine_calls
    assert table_digests(split) == table_digests(demo[0])
    assert sorted(f.name for f in tmp_path.iterdir()) == ["split.sqlite"]  # no scratch left


def test_a_failing_worker_is_reported(tmp_path: Path) -> None:
    from relocation_desk.services.demo import generator as d

    plan = d._Plan(20, 1, TODAY)
    unusable = tmp_path / "shard.sqlite"
    unusable.mkdir()  # a folder where the worker's scratch file should be
    child = d._Child(plan.job(str(unusable), (0,)))
    with pytest.raises(RuntimeError, match="worker process failed"):
        child.wait(d._Meter(20, None, [child]))


def test_another_seed_gives_other_data(demo: tuple[Path, DemoSummary], tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    generate_demo(other, households=N, seed=2, today=TODAY)
    a, b = table_digests(demo[0]), table_digests(other)
    for table in ("household", "person", "structure", "calculation", "agreement"):
        assert a[table] != b[table], table


def test_refuses_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "notes.sqlite"
    target.write_bytes(b"important")
    with pytest.raises(DemoTargetExists, match="已存在"):
        generate_demo(target, households=5, seed=1, today=TODAY)
    assert target.read_bytes() == b"important"
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    assert generate_demo(empty, households=5, seed=1, today=TODAY).counts["household"] == 5


def test_reads_back_through_the_orm(demo: tuple[Path, DemoSummary]) -> None:
    with open_database(demo[0]) as db, db.session() as s:
        h = s.scalars(select(m.Household).where(m.Household.status == "demolished")).first()
        assert h is not None
        assert isinstance(h.id, uuid.UUID) and h.id.version == 8
        assert h.created_at.tzinfo is not None and h.created_at < datetime.now(UTC)
        assert h.persons[0].is_head and h.persons[0].name == h.head_name
        assert isinstance(h.persons[0].birth_date, date)
        agreement = s.scalars(select(m.Agreement).where(m.Agreement.household_id == h.id)).one()
        assert agreement.content["total_fen"] == agreement.total_fen
        assert agreement.content["number"] == agreement.number
        audit = s.scalars(select(m.AuditLog).where(m.AuditLog.household_id == h.id)).one()
        assert audit.after["code"] == h.code and audit.entity_id == str(h.id)


# --- persons ---------------------------------------------------------------------------------


def test_id_numbers_are_valid_and_fit_sex_and_birth(conn: sqlite3.Connection) -> None:
    rows = q(conn, "select id_number, sex, birth_date from person")
    with_id = [r for r in rows if r[0] is not None]
    assert 0.005 < 1 - len(with_id) / len(rows) < 0.05  # ~2 % without an ID number
    assert len({r[0] for r in with_id}) == len(with_id)
    for number, sex, birth in with_id:
        parsed = idnumber.parse(number, today=TODAY)
        assert parsed.value == number
        assert parsed.sex == sex
        assert parsed.birth_date.isoformat() == birth
        assert 0 <= parsed.age_on(TODAY) <= 96


def test_every_household_has_exactly_one_head(conn: sqlite3.Connection) -> None:
    heads = q(
        conn,
        "select h.id, count(p.id), min(p.sort_order), min(p.relation) from household h "
        "left join person p on p.household_id = h.id and p.is_head group by h.id",
    )
    assert len(heads) == N
    assert all(r[1:] == (1, 0, "户主") for r in heads)
    sizes = [r[0] for r in q(conn, "select count(*) from person group by household_id")]
    assert min(sizes) >= 1 and max(sizes) <= 8 and 2.6 < sum(sizes) / len(sizes) < 3.6


def test_rare_and_supplementary_characters_are_present(conn: sqlite3.Connection) -> None:
    names = [r[0] for r in q(conn, "select name from person")]
    assert any(any(ord(ch) > 0xFFFF for ch in n) for n in names)
    assert any(any(ch in "㑇䶮喆堃昇琎淼犇垚燚焱昪珺玥祎旻玙琇甦" for ch in n) for n in names)


def test_denormalised_household_columns(conn: sqlite3.Connection) -> None:
    persons: dict[str, list[tuple]] = defaultdict(list)  # type: ignore[type-arg]
    for row in q(
        conn,
        "select household_id, name, id_number, phone, is_head, is_cadre, is_cadre_relative "
        "from person order by household_id, sort_order",
    ):
        persons[row[0]].append(row)
    areas = dict(
        (r[0], r[1:])
        for r in q(
            conn,
            "select household_id, sum(legal_area_dm2), sum(unlicensed_area_dm2) "
            "from structure group by household_id",
        )
    )
    totals = dict(
        q(
            conn,
            "select c.household_id, c.total_fen from calculation c where c.version_no = "
            "(select max(version_no) from calculation d where d.household_id = c.household_id)",
        )
    )
    for row in q(
        conn,
        "select id, code, head_name, head_id_number, member_count, legal_area_dm2, "
        "unlicensed_area_dm2, total_fen, has_cadre, search_text from household",
    ):
        hid, code, head_name, head_id, count, legal, unlicensed, total, cadre, text = row
        ps = persons[hid]
        head = next(p for p in ps if p[4])
        assert (head_name, head_id) == (head[1], head[2] or "")
        assert count == len(ps)
        assert (legal, unlicensed) == areas.get(hid, (0, 0))
        assert total == totals.get(hid)
        assert bool(cadre) == any(p[5] or p[6] for p in ps)
        expected = household_search_text(code, [SearchPerson(p[1], p[2], p[3]) for p in ps])
        assert text == expected


# --- the order of work -------------------------------------------------------------------------


def test_statuses_follow_a_realistic_funnel(conn: sqlite3.Connection) -> None:
    counts = dict(q(conn, "select status, count(*) from household group by status"))
    assert set(counts) <= {s.value for s in HouseholdStatus}
    assert len(counts) >= 9
    signed = sum(counts.get(s, 0) for s in SIGNED)
    assert 0.35 * N < signed < 0.65 * N


def test_calculations_match_statuses(conn: sqlite3.Connection) -> None:
    status = dict(q(conn, "select id, status from household"))
    calcs: dict[str, list[tuple]] = defaultdict(list)  # type: ignore[type-arg]
    for r in q(
        conn,
        "select household_id, version_no, status, computed_by, checked_by, total_fen, id, "
        "supersedes_id from calculation order by version_no",
    ):
        calcs[r[0]].append(r)
    for hid, st in status.items():
        cs = calcs.get(hid, [])
        assert bool(cs) == (st in CALCULATED), (st, cs)
        if not cs:
            continue
        current = cs[-1]
        assert [c[1] for c in cs] == list(range(1, len(cs) + 1))
        assert all(c[2] == "superseded" for c in cs[:-1])
        assert all(c[7] == prev[6] for prev, c in itertools.pairwise(cs))
        if st == "calculated":
            assert current[2] == "computed" and current[4] is None
        else:
            assert current[2] == "checked"
        for c in cs:
            assert c[4] is None or c[4] != c[3]  # checked by a second person


def test_lines_add_up_and_come_from_the_engine(conn: sqlite3.Connection) -> None:
    bad = q(
        conn,
        "select c.id from calculation c join calculation_line l on l.calculation_id = c.id "
        "group by c.id having sum(l.amount_fen) != c.total_fen",
    )
    assert bad == []
    scheme = _stored_scheme(conn)
    signed_on = dict(q(conn, "select household_id, signed_on from agreement"))
    rows = q(
        conn,
        "select c.household_id, c.version_no, c.compensation_method, c.computed_at, "
        "c.total_fen, c.inputs_hash, h.code from calculation c "
        "join household h on h.id = c.household_id order by h.code, c.version_no limit 120",
    )
    for hid, _version, method, computed_at, total, digest, code in rows:
        hh = _stored_input(conn, hid, code, method)
        days = [date.fromisoformat(computed_at[:10])]  # working hours: same day in UTC
        if hid in signed_on:  # a signing household gets the figures of its signing day
            hh = replace(hh, signed_on=date.fromisoformat(signed_on[hid]))
            days.append(date.fromisoformat(signed_on[hid]))
        found = {
            (compute(hh, scheme, as_of=day).total_fen, inputs_hash(hh, scheme, as_of=day))
            for day in days
        }
        assert (total, digest) in found, code


def _stored_scheme(conn: sqlite3.Connection):  # type: ignore[no-untyped-def]
    (name,) = q(conn, "select name from scheme")[0]
    version_no, effective, params, stored_hash, vid = q(
        conn, "select version_no, effective_date, params, content_hash, id from scheme_version"
    )[0]
    items = [
        {"code": c, "name": n, "unit": u, "rate_fen": r, "kind": k, "category": cat,
         "params": json.loads(p)}
        for c, n, u, r, k, cat, p in q(
            conn,
            "select code, name, unit, rate_fen, kind, category, params from rate_item "
            "where scheme_version_id = ? order by sort_order",
            vid,
        )
    ]  # fmt: skip
    scheme = parse_scheme(
        {"name": name, "version_no": version_no, "effective_date": effective,
         "params": json.loads(params), "items": items}
    )  # fmt: skip
    assert content_hash(scheme) == stored_hash
    return scheme


def _stored_input(conn: sqlite3.Connection, hid: str, code: str, method: str) -> HouseholdInput:
    structures = tuple(
        StructureInput(*r)
        for r in q(
            conn,
            "select structure_type, legal_area_dm2, unlicensed_area_dm2, decoration "
            "from structure where household_id = ? order by sort_order",
            hid,
        )
    )
    attachments = tuple(
        AttachmentInput(*r)
        for r in q(
            conn,
            "select item_code, quantity_milli from attachment where household_id = ? "
            "order by sort_order",
            hid,
        )
    )
    members, vulnerable = q(
        conn,
        "select count(*), max(is_dibao or is_disabled) from person where household_id = ?",
        hid,
    )[0]
    return HouseholdInput(
        code=code, member_count=members, structures=structures, attachments=attachments,
        vulnerable=bool(vulnerable), compensation_method=method,
    )  # fmt: skip


def test_notices_agreements_payments_and_milestones(conn: sqlite3.Connection) -> None:
    status = dict(q(conn, "select id, status from household"))
    noticed = {
        r[0]: r[1:]
        for r in q(
            conn,
            "select n.household_id, r.posted_from, r.posted_to, n.data from notice_row n "
            "join notice_round r on r.id = n.round_id",
        )
    }
    checked_on = dict(
        q(conn, "select household_id, min(substr(checked_at, 1, 10)) from calculation "
                "where version_no = 1 group by household_id")
    )  # fmt: skip
    agreements = {r[0]: r[1:] for r in q(conn, "select household_id, signed_on, total_fen, "
                  "calculation_id, seq_no, id from agreement")}  # fmt: skip
    calc_total = dict(q(conn, "select id, total_fen from calculation"))
    paid: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for hid, day, amount in q(conn, "select household_id, paid_on, amount_fen from payment"):
        paid[hid].append((day, amount))
    milestones: dict[str, dict[str, str]] = defaultdict(dict)
    for hid, kind, day in q(conn, "select household_id, kind, happened_on from milestone"):
        milestones[hid][kind] = day
    decisions = dict(q(conn, "select household_id, decided_on from compensation_decision"))
    deadline = json.loads(q(conn, "select value from setting where key = 'sign_deadline'")[0][0])

    for hid, st in status.items():
        assert (hid in noticed) == (st in NOTICED), st
        if hid in noticed:
            posted_from, _posted_to, data = noticed[hid]
            assert checked_on[hid] < posted_from
            public = json.loads(data)
            assert "*" in public["id_number"] or public["id_number"] == ""
            assert not {"phone", "bank_account", "is_dibao", "is_disabled"} & set(public)
        assert (hid in agreements) == (st in SIGNED), st
        if hid in agreements:
            signed_on, total, calc_id, _seq, _aid = agreements[hid]
            assert total == calc_total[calc_id]
            assert signed_on > noticed[hid][1]  # after the notice period
        assert bool(paid.get(hid)) == (st in PAID), st
        if st in PAID:
            assert sum(a for _, a in paid[hid]) == agreements[hid][1]
            assert min(d for d, _ in paid[hid]) > agreements[hid][0]
        expected = {"vacated": {"vacated"}, "demolished": {"vacated", "keys", "demolished"}}
        assert set(milestones.get(hid, {})) == expected.get(st, set()), st
        if hid in milestones:
            ms = milestones[hid]
            assert ms["vacated"] > min(d for d, _ in paid[hid])
            if "demolished" in ms:
                assert ms["vacated"] <= ms["keys"] <= ms["demolished"]
        assert (hid in decisions) == (st == "decision")
        if hid in decisions:
            assert decisions[hid] > deadline
    seqs = sorted((a[0], a[3]) for a in agreements.values())
    assert [s for _, s in sorted(seqs, key=lambda x: x[1])] == list(range(1, len(seqs) + 1))
    assert [s for _, s in seqs] == sorted(s for _, s in seqs)  # numbered in signing order


def test_dates_lie_in_the_eight_weeks_before_today(conn: sqlite3.Connection) -> None:
    first, last = q(conn, "select min(created_at), max(status_changed_at) from household")[0]
    assert first[:10] >= "2026-03-24" and last[:10] <= TODAY.isoformat()
    assert q(conn, "select max(paid_on) from payment")[0][0] <= TODAY.isoformat()
    assert q(conn, "select max(happened_on) from milestone")[0][0] <= TODAY.isoformat()
    assert q(conn, "select count(*) from household where status_changed_at < created_at") == [(0,)]


def test_cadre_households_sign_earlier(conn: sqlite3.Connection) -> None:
    rows = q(
        conn,
        "select h.has_cadre, avg(julianday(a.signed_on)), count(*) from agreement a "
        "join household h on h.id = a.household_id group by h.has_cadre",
    )
    by_flag = {bool(r[0]): r[1] for r in rows}
    assert by_flag[True] < by_flag[False]


def test_objections_and_approvals(conn: sqlite3.Connection) -> None:
    objections = q(conn, "select status, decided_by from objection")
    assert objections and {s for s, _ in objections} <= {"open", "rejected", "upheld"}
    assert all((by is None) == (s == "open") for s, by in objections)
    approvals = q(conn, "select status, decided_by is null from approval_request")
    assert all(undecided == (s == "pending") for s, undecided in approvals)
