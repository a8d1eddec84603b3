"""HQ on the real PostgreSQL server: two HQ staff, each with a connection of their own (two
``Database`` objects, as two desktops), editing at once. Optimistic locking holds across
connections: the second save of the same household is refused with the message, nothing is
lost once it reloads; different households are both saved; one conflict decided twice at
once is decided once."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import URL

from relocation_desk.domain.household_form import PersonForm
from relocation_desk.services.exchange import conflicts
from relocation_desk.services.exchange.conflicts import ConflictError
from relocation_desk.services.exchange.identity import make_identity
from relocation_desk.services.households.service import (
    ConcurrentEdit,
    HouseholdService,
    OperatorRef,
)
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database, open_database
from tests.services.household_org import Org, id_number, make_org


@pytest.fixture
def desks(pg_url: URL) -> Iterator[tuple[Database, Database]]:
    first = open_database(pg_url, create=True)
    second = open_database(pg_url)
    assert first.engine is not second.engine
    yield first, second
    second.close()
    first.close()


def _hq_staff(db: Database, org: Org) -> tuple[OperatorRef, OperatorRef]:
    staff = []
    with db.session() as s, s.begin():
        for login, name in (("hq_li", "李主任"), ("hq_zhao", "赵科长")):
            op = m.Operator(
                id=uuid.uuid4(), project_id=org.project_id, login=login, name=name, role="hq"
            )
            s.add(op)
            staff.append(OperatorRef(op.id, login, name, "hq", None))
    return staff[0], staff[1]


def _household(svc: HouseholdService, org: Org, seq: int) -> uuid.UUID:
    form = svc.new_form(village_id=org.village)
    form.group_id = org.groups["一组"]
    form.address = f"王庄村一组{seq}号"
    form.persons = [
        PersonForm(name="王" + "一二三四五六七八九"[seq], id_number=id_number(seq), relation="户主")
    ]
    return svc.save(form).id


def _at_once(*saves: Callable[[], Any]) -> list[Any]:
    """Run the calls on threads released together; each result or the exception raised."""
    barrier = threading.Barrier(len(saves))
    results: list[Any] = [None] * len(saves)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = saves[i]()
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(saves))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def _households(db: Database) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(m.Household)) or 0


def test_the_same_household_second_save_is_refused_and_nothing_is_lost(
    desks: tuple[Database, Database],
) -> None:
    one, two = desks
    org = make_org(one)
    li, zhao = _hq_staff(one, org)
    mine, theirs = HouseholdService(one, li), HouseholdService(two, zhao)
    hid = _household(mine, org, 1)

    a, b = mine.load(hid), theirs.load(hid)
    a.address = "李主任改的地址"
    mine.save(a)
    b.remarks = "赵科长的备注"
    with pytest.raises(ConcurrentEdit) as refused:
        theirs.save(b)
    assert "已被其他人修改" in refused.value.message and "李主任" in refused.value.message
    now = theirs.load(hid)  # 赵科长 reloads: 李主任's address is there, nothing of his yet
    assert (now.address, now.remarks, now.row_version) == ("李主任改的地址", "", 2)
    now.remarks = "赵科长的备注"
    theirs.save(now)
    final = mine.load(hid)
    assert (final.address, final.remarks, final.row_version) == (
        "李主任改的地址",
        "赵科长的备注",
        3,
    )


def test_saves_of_the_same_household_at_the_same_moment_one_wins(
    desks: tuple[Database, Database],
) -> None:
    one, two = desks
    org = make_org(one)
    li, zhao = _hq_staff(one, org)
    mine, theirs = HouseholdService(one, li), HouseholdService(two, zhao)
    hid = _household(mine, org, 2)
    a, b = mine.load(hid), theirs.load(hid)
    a.address, b.address = "甲地址", "乙地址"
    a.persons[0].phone, b.persons[0].phone = "13800000001", "13800000002"

    results = _at_once(lambda: mine.save(a), lambda: theirs.save(b))
    refused = [r for r in results if isinstance(r, ConcurrentEdit)]
    saved = [r for r in results if not isinstance(r, Exception)]
    assert len(refused) == 1 and len(saved) == 1, results
    winner = a if results[0] is saved[0] else b
    final = mine.load(hid)
    # The winner's form as a whole, not a mix of both.
    assert (final.address, final.persons[0].phone) == (winner.address, winner.persons[0].phone)
    assert final.row_version == 2


def test_different_households_at_the_same_moment_are_both_saved(
    desks: tuple[Database, Database],
) -> None:
    one, two = desks
    org = make_org(one)
    li, zhao = _hq_staff(one, org)
    mine, theirs = HouseholdService(one, li), HouseholdService(two, zhao)
    first, second = _household(mine, org, 3), _household(mine, org, 4)
    a, b = mine.load(first), theirs.load(second)
    a.remarks, b.remarks = "李主任核过", "赵科长核过"

    def new_one() -> uuid.UUID:
        return _household(theirs, org, 5)

    results = _at_once(lambda: mine.save(a), lambda: theirs.save(b), new_one)
    assert not any(isinstance(r, Exception) for r in results), results
    assert mine.load(first).remarks == "李主任核过"
    assert mine.load(second).remarks == "赵科长核过"
    assert _households(one) == 3


def test_one_conflict_decided_by_two_at_once_is_decided_once(
    desks: tuple[Database, Database],
) -> None:
    one, two = desks
    org = make_org(one)
    li, zhao = _hq_staff(one, org)
    hid = _household(HouseholdService(one, li), org, 6)
    with one.session() as s, s.begin():
        make_identity(s, org.project_id, "hq")
        cid = uuid.uuid4()
        s.add(
            m.ExchangeConflict(
                id=cid, project_id=org.project_id, kind="duplicate_id", team_id=org.team7,
                other_team_id=org.team3, household_id=hid, key=f"duplicate_id:{hid.hex}",
            )
        )  # fmt: skip
    results = _at_once(
        lambda: conflicts.decide(one, li, cid, "accepted", "李主任核实"),
        lambda: conflicts.decide(two, zhao, cid, "accepted", "赵科长核实"),
    )
    refused = [r for r in results if isinstance(r, ConflictError)]
    decided = [r for r in results if isinstance(r, conflicts.ConflictView)]
    assert len(refused) == 1 and len(decided) == 1, results
    assert "已经处理过" in refused[0].message
    with one.session() as s:
        notes = s.scalars(
            select(m.AuditLog.after).where(
                m.AuditLog.action == "decide_conflict", m.AuditLog.entity_id == str(cid)
            )
        ).all()
    assert notes == [{"decision": "accepted", "note": decided[0].note}]
