"""HQ's database as it stands after some days of exchange, made with the real services (the
way ``docs/user-guide/exchange_scenes.py`` makes the guide's): the demo split into HQ and
one laptop per team (``split_demo``), every laptop's package written and merged at HQ. The
last team's package was written two days ago (the clock set back while it is written), so
HQ's dashboard names that team as late; one household was changed both on the first team's
laptop and at HQ, so that team's next package brought a real ``both_changed`` conflict.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select


@contextmanager
def clock_set_back(days: int) -> Iterator[None]:
    from relocation_desk.services import clock

    saved = clock.system_now
    clock.system_now = lambda: saved() - timedelta(days=days)  # type: ignore[assignment]
    try:
        yield
    finally:
        clock.system_now = saved  # type: ignore[assignment]


def _operator(db: Any, role: str, team_id: Any = None) -> Any:
    from relocation_desk.services.households.service import OperatorRef
    from relocation_desk.storage import models as m

    with db.session() as s:
        query = select(m.Operator).where(m.Operator.role == role, m.Operator.active.is_(True))
        if team_id is not None:
            query = query.where(m.Operator.team_id == team_id)
        op = s.scalars(query.order_by(m.Operator.login)).first()
        assert op is not None, f"no {role}"
        return OperatorRef(op.id, op.login, op.name, op.role, op.team_id)


def _own_team(db: Any) -> Any:
    from relocation_desk.storage import models as m

    with db.session() as s:
        me = s.get(m.ExchangeIdentity, 1)
        assert me is not None and me.team_id is not None
        return me.team_id


def _change_address(db: Any, operator: Any, household_id: Any, address: str) -> None:
    from relocation_desk.services.households.service import HouseholdService

    service = HouseholdService(db, operator)
    form = service.load(household_id)
    form.address = address
    service.save(form, confirmed=True)


def build_hq(folder: Path, households: int = 90) -> Path:
    """HQ's database file (see the module docstring), made in ``folder``."""
    from relocation_desk.services.exchange.demo_split import split_demo
    from relocation_desk.services.exchange.hq_import import import_package
    from relocation_desk.services.exchange.team_export import export_package
    from relocation_desk.storage import models as m
    from relocation_desk.storage.db import open_database

    summary = split_demo(
        folder / "指挥部.sqlite", folder / "laptops", households=households, seed=7,
        today=date.today(), teams=3,
    )  # fmt: skip
    codes = sorted(summary.laptops)
    hq = open_database(summary.hq)
    try:
        staff = _operator(hq, "hq")
        for code in codes:
            laptop = open_database(summary.laptops[code])
            try:
                leader = _operator(laptop, "leader", _own_team(laptop))
                out = folder / f"{code}-1.rdpkg"
                with clock_set_back(2 if code == codes[-1] else 0):
                    export_package(laptop, leader, out)
            finally:
                laptop.close()
            import_package(hq, staff, out)
        laptop = open_database(summary.laptops[codes[0]])
        try:
            team_id = _own_team(laptop)
            with laptop.session() as s:
                hid = s.scalars(
                    select(m.Household.id)
                    .where(m.Household.team_id == team_id)
                    .order_by(m.Household.code)
                ).first()
            _change_address(
                laptop, _operator(laptop, "member", team_id), hid, "前进屯村三组 18 号（新门牌）"
            )
            _change_address(hq, staff, hid, "前进屯村三组 18 号")
            out = folder / f"{codes[0]}-2.rdpkg"
            export_package(laptop, _operator(laptop, "leader", team_id), out)
        finally:
            laptop.close()
        import_package(hq, staff, out)
    finally:
        hq.close()
    return summary.hq
