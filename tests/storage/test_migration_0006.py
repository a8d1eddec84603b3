"""Revision 0006 upgrades a 0005 database with an agreement in it: the agreement becomes a
desk agreement, imported (ledger) agreements may go without a scheme version and calculation
and desk ones may not; the downgrade refuses while imported agreements exist. On SQLite and
PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import URL
from sqlalchemy.exc import IntegrityError

from relocation_desk.storage import migrate
from relocation_desk.storage import models as m
from relocation_desk.storage.db import open_database
from relocation_desk.storage.engine import create_engine_for

from .factories import make_household, make_project

_COLUMNS = (
    ("id", sa.Uuid()), ("created_at", sa.DateTime(timezone=True)),
    ("updated_at", sa.DateTime(timezone=True)), ("project_id", sa.Uuid()),
    ("household_id", sa.Uuid()), ("kind", sa.String()), ("seq_no", sa.BigInteger()),
    ("number", sa.String()), ("status", sa.String()), ("scheme_version_id", sa.Uuid()),
    ("calculation_id", sa.Uuid()), ("compensation_method", sa.String()),
    ("total_fen", sa.BigInteger()), ("content", sa.JSON()), ("signed_on", sa.Date()),
    ("witnessed_by", sa.String()), ("print_count", sa.BigInteger()), ("seal", sa.String()),
)  # fmt: skip
# The agreement table as revision 0005 has it (the models have moved on).
AGREEMENT_0005 = sa.table("agreement", *(sa.column(n, t) for n, t in _COLUMNS))
AGREEMENT_0006 = sa.table(
    "agreement",
    *(sa.column(n, t) for n, t in _COLUMNS),
    sa.column("origin", sa.String()),
    sa.column("recorded_total_fen", sa.BigInteger()),
)


def _row(ids: dict[str, uuid.UUID], seq: int, **kw: object) -> dict[str, object]:
    now = datetime(2026, 10, 1, tzinfo=UTC)
    return {
        "id": uuid.uuid4(), "created_at": now, "updated_at": now, "project_id": ids["project"],
        "household_id": ids["household"], "kind": "main", "seq_no": seq,
        "number": f"征补协〔2026〕第{seq:05d}号", "status": "signed",
        "scheme_version_id": ids["version"], "calculation_id": ids["calc"],
        "compensation_method": "money", "total_fen": 1_000_000, "content": {},
        "signed_on": date(2026, 3, 10), "witnessed_by": "", "print_count": 1, "seal": "",
        **kw,
    }  # fmt: skip


def _check(target: Path | URL) -> None:
    engine = create_engine_for(target)
    try:
        migrate.upgrade(engine, "0005")
    finally:
        engine.dispose()
    ids: dict[str, uuid.UUID] = {}
    with open_database(target, migrate=False) as db, db.session() as s, s.begin():
        project, team, village = make_project(s)
        hh = make_household(s, project, team, village)
        scheme = m.Scheme(project_id=project.id, name="补偿方案")
        s.add(scheme)
        s.flush()
        sv = m.SchemeVersion(scheme_id=scheme.id, version_no=1, status="published",
                             effective_date=date(2026, 1, 1))  # fmt: skip
        s.add(sv)
        s.flush()
        calc = m.Calculation(household_id=hh.id, version_no=1, scheme_version_id=sv.id,
                             status="checked", compensation_method="money", inputs_hash="x",
                             total_fen=1_000_000)  # fmt: skip
        s.add(calc)
        s.flush()
        ids.update(project=project.id, household=hh.id, version=sv.id, calc=calc.id)
        first = _row(ids, 1)
        ids["agreement"] = first["id"]  # type: ignore[assignment]
        s.execute(AGREEMENT_0005.insert().values(first))
    engine = create_engine_for(target)
    try:
        migrate.upgrade(engine)
        with engine.connect() as conn:
            got = conn.execute(
                sa.select(
                    AGREEMENT_0006.c.origin,
                    AGREEMENT_0006.c.recorded_total_fen,
                    AGREEMENT_0006.c.total_fen,
                )
            ).one()
        assert tuple(got) == ("desk", None, 1_000_000)
        # A desk agreement still needs its scheme version and calculation.
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(AGREEMENT_0006.insert().values(_row(ids, 2, calculation_id=None)))
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(AGREEMENT_0006.insert().values(_row(ids, 3, scheme_version_id=None)))
        # One imported from a ledger has neither.
        imported = _row(ids, -1, origin="ledger", recorded_total_fen=2_000_000,
                        scheme_version_id=None, calculation_id=None)  # fmt: skip
        with engine.begin() as conn:
            conn.execute(AGREEMENT_0006.insert().values(imported))
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(AGREEMENT_0006.insert().values(_row(ids, 4, origin="village")))
        with pytest.raises(RuntimeError, match="imported from ledgers"), engine.begin() as conn:
            command.downgrade(migrate.alembic_config(conn), "0005")
        with engine.begin() as conn:
            conn.execute(AGREEMENT_0006.delete().where(AGREEMENT_0006.c.id == imported["id"]))
        with engine.begin() as conn:
            command.downgrade(migrate.alembic_config(conn), "0005")
        with engine.connect() as conn:
            names = {c["name"] for c in sa.inspect(conn).get_columns("agreement")}
            assert "origin" not in names and "recorded_total_fen" not in names
            assert (
                conn.execute(sa.select(sa.func.count()).select_from(AGREEMENT_0005)).scalar() == 1
            )
    finally:
        engine.dispose()


def test_0005_database_upgrades_on_sqlite(tmp_path: Path) -> None:
    _check(tmp_path / "p.sqlite")


@pytest.mark.postgres
def test_0005_database_upgrades_on_postgres(pg_url: URL) -> None:
    _check(pg_url)
