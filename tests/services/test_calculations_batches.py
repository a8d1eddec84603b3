"""The calculation service's batch machinery on both backends: a cancel in the middle of a
batch, the cached scheme book seeing a newly published version, the impact preview's
progress and cancel, and the time-ordered ids of new rows."""

from __future__ import annotations

import dataclasses
import threading
import uuid
from datetime import date

from sqlalchemy import func, select

from relocation_desk.domain.scheme_parse import parse_scheme
from relocation_desk.services.calculation.inputs import read_facts, read_facts_between
from relocation_desk.services.calculation.service import CalculationService
from relocation_desk.services.calculation.store import ordered_ids
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database

from .calc_org import add_household, make_calc_org, publish, scheme_v2

AS_OF = date(2026, 3, 1)
LATER = date(2026, 8, 1)  # scheme version 2 is in force


class _CancelAfter(threading.Event):
    """Reads as set from the ``n``-th look on (the user pressing Cancel mid-batch)."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.looks, self.n = 0, n

    def is_set(self) -> bool:
        self.looks += 1
        return self.looks >= self.n


def _versions(db: Database, hid: uuid.UUID) -> int:
    with db.session() as s:
        return int(
            s.scalar(select(func.count()).where(m.Calculation.household_id == hid)) or 0
        )  # fmt: skip


def test_cancel_in_the_middle_of_a_batch_commits_the_households_done(db: Database) -> None:
    org = make_calc_org(db)
    ids = [add_household(db, org, f"T03-{k:04d}", legal_dm2=10000 + k) for k in range(1, 13)]
    svc = CalculationService(db, org.clerk)
    for hid in ids:
        svc.compute(hid, as_of=AS_OF)
    publish(db, org.scheme_id, scheme_v2())
    seen: list[tuple[int, int]] = []
    # Look 1: before the first batch; looks 2 and 3: its first two households; look 4: stop.
    summary = svc.recompute_all(
        as_of=LATER, progress=lambda *p: seen.append(p), cancel=_CancelAfter(4), batch=5
    )
    assert summary.cancelled and (summary.changed, summary.unchanged) == (2, 0)
    assert seen == [(2, 12)]  # the part-batch was committed and reported
    assert sorted(_versions(db, hid) for hid in ids) == [1] * 10 + [2] * 2
    with db.session() as s:
        audits = s.scalars(
            select(m.AuditLog).where(m.AuditLog.action == "calculate").order_by(m.AuditLog.at)
        ).all()
        assert len(audits) == 12 + 2
        redone = [a for a in audits if a.before is not None]
        assert [a.after["version_no"] for a in redone] == [2, 2]
        assert all(a.before["version_no"] == 1 for a in redone)
        assert all(a.before is None for a in audits[:12])  # first versions: nothing before
    for hid in ids:
        current = svc.current(hid)
        with db.session() as s:
            total = s.scalar(select(m.Household.total_fen).where(m.Household.id == hid))
        assert current is not None and total == current.total_fen
    rest = svc.recompute_all(as_of=LATER, batch=5)
    assert (rest.changed, rest.unchanged, rest.cancelled) == (10, 2, False)


def test_a_service_sees_a_version_published_after_it_was_made(db: Database) -> None:
    org = make_calc_org(db)
    hid = add_household(db, org)
    svc = CalculationService(db, org.clerk)
    first = svc.compute(hid, as_of=LATER)  # only version 1 exists: it is in force
    assert first.scheme_version_id == org.v1
    v2 = publish(db, org.scheme_id, scheme_v2())
    second = svc.compute(hid, as_of=LATER)  # the same service object, its book refreshed
    assert second.created and second.scheme_version_id == v2 and "第2版" in second.scheme_label
    assert second.total_fen > first.total_fen
    assert svc.current(hid) == dataclasses.replace(second, created=False)  # as read back


def test_impact_preview_reports_progress_and_stops_when_cancelled(db: Database) -> None:
    org = make_calc_org(db)
    ids = [add_household(db, org, f"T03-{k:04d}", legal_dm2=9000 + k) for k in range(1, 4)]
    svc = CalculationService(db, org.clerk)
    for hid in ids:
        svc.compute(hid, as_of=AS_OF)
    new = parse_scheme(scheme_v2())
    seen: list[tuple[int, int]] = []
    full = svc.impact_preview(new, as_of=LATER, progress=lambda *p: seen.append(p))
    assert seen == [(3, 3)] and not full.cancelled
    assert [(t.households, t.changed) for t in full.teams] == [(3, 3)]
    stopped = svc.impact_preview(new, as_of=LATER, cancel=_CancelAfter(1))
    assert stopped.cancelled and stopped.teams == [] and stopped.signed_excluded == 0


def test_new_rows_get_increasing_version_7_ids() -> None:
    first = ordered_ids(1000)
    more = ordered_ids(3)
    together = first + more
    assert together == sorted(together) and len(set(together)) == len(together)
    assert {u.version for u in together} == {7}
    assert {u.variant for u in together} == {uuid.RFC_4122}
    assert [u.hex for u in together] == sorted(u.hex for u in together)  # SQLite's text order


def test_reading_a_stretch_of_ids_gives_what_reading_each_gives(db: Database) -> None:
    org = make_calc_org(db)
    ids = [add_household(db, org, f"T03-{k:04d}", legal_dm2=9000 + k) for k in range(1, 6)]
    svc = CalculationService(db, org.clerk)
    for hid in ids[:4]:
        svc.compute(hid, as_of=AS_OF)
    with db.session() as s:
        in_order = list(s.scalars(select(m.Household.id).order_by(m.Household.id)))
        one_by_one = {hid: read_facts(s, [hid])[hid] for hid in ids}
        assert read_facts(s, ids) == one_by_one
        wanted = [hid for hid in in_order if hid != ids[4]]  # one left out of the stretch
        assert read_facts_between(s, wanted) == {h: one_by_one[h] for h in wanted}
        shuffled = [in_order[2], in_order[0], in_order[4]]  # not in the database's order
        assert read_facts_between(s, shuffled) == {h: one_by_one[h] for h in shuffled}
    assert one_by_one[ids[0]].current is not None and one_by_one[ids[4]].current is None
