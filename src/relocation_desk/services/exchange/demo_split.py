"""The demo as HQ and its teams' laptops hold it: ``demo --db HQ --laptops DIR``.

The project is generated once, as one database (``services.demo``, same seed, same rows), then
split the way the exchange would have made it:

- HQ's database gets the project, settings, teams, villages and groups, operators, the
  published scheme and the flat inventory (no households); it takes the identity ``hq`` and
  writes each team's join package, which registers the team's key (audited, as at a real HQ);
- each team's laptop ``DIR/<team code>.sqlite`` joins from its package (``join_project``:
  the same migrations, HQ's rows under HQ's ids, its own key, HQ's key trusted) and then
  holds the team's work as if done offline since: its households and every record under
  them, its notice rounds, daily reports and approval requests, and the audit rows of that
  work, chained after its join on the laptop's own chain. The keyed hashes of the other
  teams' ID numbers are added as HQ's next package would bring them.

Exporting every laptop and importing the packages at HQ gives back the one-database demo's
households, amounts and payments.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, insert, select

from ...domain.passwords import DEMO_PASSWORD
from ...i18n import _
from ...storage import models as m
from ...storage.base import Base
from ...storage.db import Database, open_database
from ..audit import chain_unchained
from ..demo.generator import DemoTargetExists, generate_demo
from .id_hashes import id_hash
from .join import join_project, write_join_package

__all__ = ["SplitSummary", "split_demo"]

_HASHES: Any = m.ForeignIdHash.__table__
# Rows HQ holds of the one-database demo (everything else is the teams' work).
_HQ_TABLES = ("project", "setting", "team", "operator", "village", "village_group", "scheme",
              "scheme_version", "rate_item", "resettlement_flat", "resettlement_counter",
              "resettlement_draw")  # fmt: skip
_H = "SELECT id FROM whole.household WHERE team_id = :team"
_R = "SELECT id FROM whole.notice_round WHERE village_id IN (SELECT id FROM whole.village WHERE team_id = :team)"
# A team's rows beyond what joining brought: table → WHERE on the whole demo's rows.
_TEAM_ROWS: dict[str, str] = {
    "resettlement_flat": "1",
    "resettlement_counter": "1",
    "resettlement_draw": "1",
    "daily_report": "team_id = :team",
    "household": "team_id = :team",
    "notice_round": f"id IN ({_R})",
    "approval_request": f"household_id IN ({_H})",
    "attachment": f"household_id IN ({_H})",
    "calculation": f"household_id IN ({_H})",
    "milestone": f"household_id IN ({_H})",
    "notice_row": f"round_id IN ({_R})",
    "person": f"household_id IN ({_H})",
    "resettlement_choice": f"household_id IN ({_H})",
    "resettlement_order": f"household_id IN ({_H})",
    "structure": f"household_id IN ({_H})",
    "agreement": f"household_id IN ({_H})",
    "calculation_line": f"calculation_id IN (SELECT id FROM whole.calculation WHERE household_id IN ({_H}))",
    "compensation_decision": f"household_id IN ({_H})",
    "data_flag": f"household_id IN ({_H})",
    "objection": f"household_id IN ({_H})",
    "payment": f"household_id IN ({_H})",
    "stored_file": f"household_id IN ({_H}) OR notice_round_id IN ({_R})",
}


@dataclass(frozen=True)
class SplitSummary:
    hq: Path
    laptops: dict[str, Path]  # team code → project file
    households: int
    hq_key_id: str
    counts: dict[str, int] = field(default_factory=dict)  # households per team code


def split_demo(
    hq_target: str | Path,
    laptops_dir: str | Path,
    *,
    households: int,
    seed: int = 1,
    today: date | None = None,
    password: str = DEMO_PASSWORD,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
    teams: int | None = None,
) -> SplitSummary:
    """Write HQ's database at ``hq_target`` and one laptop file per team in ``laptops_dir``
    (which must be empty or new). Every operator signs in with ``password``; ``teams`` as
    for ``generate_demo``."""
    hq = Path(hq_target).expanduser().absolute()
    folder = Path(laptops_dir).expanduser().absolute()
    if hq.exists() and (hq.is_dir() or hq.stat().st_size > 0):
        raise DemoTargetExists(
            _("文件 {path} 已存在且不是空文件；演示数据只能生成到新文件，请换一个文件名",
              path=hq), path=hq,
        )  # fmt: skip
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise DemoTargetExists(
            _("{path} 已存在且不是空文件夹；工作组的项目文件只能生成到新的或空的文件夹",
              path=folder), path=folder,
        )  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".rd-split-", dir=hq.parent))
    made: list[Path] = []
    try:
        whole = scratch / "whole.sqlite"
        generate_demo(whole, households=households, seed=seed, today=today,
                      progress=progress, workers=workers, password=password,
                      teams=teams)  # fmt: skip
        made.append(hq)
        db = open_database(hq, create=True)
        try:
            _copy(db, whole, {t: "1" for t in _HQ_TABLES}, None)
            team_ids, head = _teams_and_head(db)
            packages: dict[str, Path] = {}
            for code in team_ids:
                packages[code] = scratch / f"{code}.rdpkg"
                write_join_package(db, head, code, packages[code])
            with db.session() as s:
                me = s.get(m.ExchangeIdentity, 1)
                assert me is not None
                key, hq_key_id = bytes(me.id_hash_key), me.key_id
        finally:
            db.close()
        laptops: dict[str, Path] = {}
        counts: dict[str, int] = {}
        for code, team_id in team_ids.items():
            target = folder / f"{code}.sqlite"
            made.append(target)
            join_project(packages[code], target)
            laptop = open_database(target)
            try:
                counts[code] = _fill_laptop(laptop, whole, team_id, key)
            finally:
                laptop.close()
            laptops[code] = target
    except BaseException:
        for path in made:
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return SplitSummary(hq=hq, laptops=laptops, households=households, hq_key_id=hq_key_id,
                        counts=counts)  # fmt: skip


def _teams_and_head(db: Database) -> tuple[dict[str, str], Any]:
    """Team code → team id (as SQLite stores it), and HQ's head, who writes the packages."""
    with db.session() as s:
        teams = {code: tid.hex for code, tid in s.execute(
            select(m.Team.code, m.Team.id).order_by(m.Team.code))}  # fmt: skip
        op = s.scalars(
            select(m.Operator).where(m.Operator.role == "hq").order_by(m.Operator.login)
        ).first()
        assert op is not None, "the demo has HQ operators"
        head = SimpleNamespace(id=op.id, login=op.login, name=op.name, role=op.role,
                               team_id=op.team_id)  # fmt: skip
    return teams, head


def _copy(db: Database, whole: Path, where: dict[str, str], team: str | None) -> None:
    """Copy the whole demo's rows chosen by ``where`` (table → SQL condition) into ``db``, in
    reference order, then check every reference holds."""
    with db.engine.connect() as conn:
        driver = conn.connection.driver_connection
        assert driver is not None
        driver.execute("PRAGMA foreign_keys = OFF")
        driver.execute("ATTACH DATABASE ? AS whole", (str(whole),))
        try:
            with conn.begin():
                for table in Base.metadata.sorted_tables:
                    condition = where.get(table.name)
                    if condition is None:
                        continue
                    cols = ", ".join(f'"{c.name}"' for c in table.columns)
                    conn.exec_driver_sql(
                        f'INSERT INTO main."{table.name}" ({cols}) SELECT {cols} '
                        f'FROM whole."{table.name}" WHERE {condition} ORDER BY rowid',
                        {"team": team} if team is not None else {},
                    )
                if team is not None:
                    _copy_audit(conn, team)
            broken = conn.exec_driver_sql("PRAGMA main.foreign_key_check").all()
            if broken:
                raise RuntimeError(f"split demo left broken references: {broken[:5]}")
        finally:
            driver.execute("DETACH DATABASE whole")
            driver.execute("PRAGMA foreign_keys = ON")


def _copy_audit(conn: Connection, team: str) -> None:
    """The audit rows of the team's work, chained on the laptop after its join."""
    names = [c.name for c in m.AuditLog.__table__.columns if c.name not in
             ("seq", "prev_hash", "row_hash")]  # fmt: skip
    cols = ", ".join(f'"{n}"' for n in names)
    conn.exec_driver_sql(
        f"INSERT INTO main.audit_log ({cols}) SELECT {cols} FROM whole.audit_log "
        f"WHERE household_id IN ({_H}) ORDER BY seq",
        {"team": team},
    )
    chain_unchained(conn)


def _fill_laptop(db: Database, whole: Path, team: str, key: bytes) -> int:
    """The team's work and the keyed hashes of the other teams' ID numbers; returns the
    laptop's households."""
    _copy(db, whole, _TEAM_ROWS, team)
    with db.engine.connect() as conn:
        driver = conn.connection.driver_connection
        assert driver is not None
        driver.execute("ATTACH DATABASE ? AS whole", (str(whole),))
        try:
            with conn.begin():
                rows = conn.exec_driver_sql(
                    "SELECT p.id_number, t.code, t.name FROM whole.person p "
                    "JOIN whole.household h ON h.id = p.household_id "
                    "JOIN whole.team t ON t.id = h.team_id "
                    "WHERE h.team_id != ? AND p.id_number IS NOT NULL",
                    (team,),
                ).all()
                hashes = {(id_hash(key, n), code): name for n, code, name in rows}
                batch = [{"id_hash": h, "team_code": c, "team_name": name}
                         for (h, c), name in sorted(hashes.items())]  # fmt: skip
                for start in range(0, len(batch), 5000):
                    conn.execute(insert(_HASHES), batch[start : start + 5000])
                count = conn.exec_driver_sql("SELECT count(*) FROM main.household").scalar_one()
        finally:
            driver.execute("DETACH DATABASE whole")
    return int(count)
