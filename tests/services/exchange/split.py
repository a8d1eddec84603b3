"""A split project for the exchange tests: HQ's database and one laptop per team, as the
demo's ``--laptops`` split makes them, copied fresh for each test; HQ optionally on the
PostgreSQL server the suite starts."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Table, insert, select

from relocation_desk.services.households.service import OperatorRef
from relocation_desk.storage import models as m
from relocation_desk.storage.base import Base
from relocation_desk.storage.db import Database, open_database


def copy_split(source: Path, target: Path) -> tuple[Path, dict[str, Path]]:
    """Copy HQ's file and the laptops (with their files folders) to ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    hq = target / "hq.sqlite"
    shutil.copyfile(source / "hq.sqlite", hq)
    laptops = {}
    shutil.copytree(source / "laptops", target / "laptops")
    for path in sorted((target / "laptops").glob("*.sqlite")):
        laptops[path.stem] = path
    return hq, laptops


def _self_ordered(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows ordered so one pointing at another row of its table comes after it."""
    columns = [
        fk.parent.name for fk in table.foreign_keys if fk.column.table is table
    ]  # e.g. scheme_version.supersedes_id
    if not columns or not rows:
        return rows
    done: set[Any] = set()
    ids = {r["id"] for r in rows}
    ordered: list[dict[str, Any]] = []
    waiting = rows
    while waiting:
        later = [r for r in waiting if any(r[c] in ids and r[c] not in done for c in columns)]
        for r in waiting:
            if r not in later:
                ordered.append(r)
                done.add(r["id"])
        assert len(later) < len(waiting), f"a loop in {table.name}"
        waiting = later
    return ordered


def copy_to_server(sqlite_path: Path, url: URL) -> Database:
    """HQ's SQLite database copied row for row into an empty PostgreSQL database."""
    target = open_database(url, create=True)
    source = open_database(sqlite_path)
    try:
        with source.engine.connect() as src, target.engine.begin() as dst:
            for table in Base.metadata.sorted_tables:
                rows = [dict(r) for r in src.execute(select(table)).mappings()]
                rows = _self_ordered(table, rows)
                if table.name in ("audit_chain_head", "program_version"):  # opening wrote them
                    dst.execute(table.delete())
                if rows:
                    dst.execute(insert(table), rows)
    finally:
        source.close()
    return target


def tables_digest(db: Database) -> str:
    """A hash of every row of every table (ordered by primary key)."""
    digest = hashlib.sha256()
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            order = list(table.primary_key.columns)
            for row in conn.execute(select(table).order_by(*order)):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def team_operator(db: Database, role: str = "leader") -> OperatorRef:
    """An operator of the laptop's own team (``role`` if there is one)."""
    with db.session() as s:
        me = s.get(m.ExchangeIdentity, 1)
        assert me is not None and me.team_id is not None
        ops = list(
            s.scalars(
                select(m.Operator)
                .where(m.Operator.team_id == me.team_id, m.Operator.active.is_(True))
                .order_by(m.Operator.login)
            )
        )
        chosen = next((o for o in ops if o.role == role), ops[0])
        return OperatorRef(chosen.id, chosen.login, chosen.name, chosen.role, chosen.team_id)


def totals(db: Database, team_code: str | None = None) -> dict[str, int]:
    """Households, persons, calculations, agreements, payments and their amounts (one team's
    when ``team_code`` is given)."""
    from sqlalchemy import func

    H = m.Household
    out: dict[str, int] = {}
    with db.session() as s:
        where: list[Any] = []
        if team_code is not None:
            team = s.scalar(select(m.Team.id).where(m.Team.code == team_code))
            where.append(H.team_id == team)
        ids = select(H.id).where(*where)
        out["households"] = s.scalar(select(func.count()).select_from(H).where(*where)) or 0
        out["total_fen"] = s.scalar(select(func.sum(H.total_fen)).where(*where)) or 0
        for name, model, amount in (
            ("persons", m.Person, None),
            ("structures", m.Structure, None),
            ("calculations", m.Calculation, m.Calculation.total_fen),
            ("agreements", m.Agreement, m.Agreement.total_fen),
            ("payments", m.Payment, m.Payment.amount_fen),
            ("milestones", m.Milestone, None),
            ("objections", m.Objection, None),
        ):
            hid = model.household_id  # type: ignore[attr-defined]
            out[name] = s.scalar(select(func.count()).where(hid.in_(ids))) or 0
            if amount is not None:
                out[name + "_fen"] = s.scalar(select(func.sum(amount)).where(hid.in_(ids))) or 0
    return out
