"""Revision 0002 upgrades a 0001 database with payments in it: payments under a decision,
reversals as columns (copied from their audit rows), on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import URL, inspect, select
from sqlalchemy.exc import IntegrityError

from relocation_desk.storage import migrate
from relocation_desk.storage import models as m
from relocation_desk.storage.db import open_database
from relocation_desk.storage.engine import create_engine_for

# The payment table as revision 0001 made it (the models have moved on).
PAYMENT_0001 = sa.table(
    "payment",
    *(
        sa.column(name, type_)
        for name, type_ in (
            ("id", sa.Uuid()), ("agreement_id", sa.Uuid()), ("household_id", sa.Uuid()),
            ("kind", sa.String()), ("amount_fen", sa.BigInteger()), ("paid_on", sa.Date()),
            ("payee", sa.String()), ("method", sa.String()), ("voucher_no", sa.String()),
            ("created_at", sa.DateTime(timezone=True)), ("created_by", sa.Uuid()),
        )
    ),
)  # fmt: skip

# The agreement table as revision 0001 made it.
AGREEMENT_0001 = sa.table(
    "agreement",
    *(
        sa.column(name, type_)
        for name, type_ in (
            ("id", sa.Uuid()), ("project_id", sa.Uuid()), ("household_id", sa.Uuid()),
            ("kind", sa.String()), ("seq_no", sa.BigInteger()), ("number", sa.String()),
            ("status", sa.String()), ("scheme_version_id", sa.Uuid()),
            ("calculation_id", sa.Uuid()), ("compensation_method", sa.String()),
            ("total_fen", sa.BigInteger()), ("content", sa.JSON()), ("signed_on", sa.Date()),
            ("witnessed_by", sa.String()), ("print_count", sa.BigInteger()),
            ("created_at", sa.DateTime(timezone=True)), ("updated_at", sa.DateTime(timezone=True)),
        )
    ),
)  # fmt: skip

DECISION_0001 = sa.table(
    "compensation_decision",
    *(
        sa.column(name, type_)
        for name, type_ in (
            ("id", sa.Uuid()), ("household_id", sa.Uuid()), ("number", sa.String()),
            ("decided_on", sa.Date()), ("total_fen", sa.BigInteger()),
            ("calculation_id", sa.Uuid()), ("content", sa.JSON()),
            ("created_at", sa.DateTime(timezone=True)),
        )
    ),
)  # fmt: skip


def _insert(
    conn: sa.Connection, tables: dict[str, sa.Table], table_name: str, /, **values: object
) -> None:
    """Insert a row into a table as the 0001 schema has it (reflected, so later columns of the
    models never reach it); NOT NULL columns not given get a plain value of their type."""
    table = tables[table_name]
    row: dict[str, object] = {}
    for col in table.columns:
        value = values.get(col.name, _MISSING)
        if value is _MISSING:
            if col.nullable or col.server_default is not None:
                continue
            value = _plain(col.type)
        if isinstance(value, uuid.UUID) and not isinstance(col.type, sa.Uuid):
            value = value.hex  # SQLite keeps UUIDs as 32 hex characters
        row[col.name] = value
    conn.execute(table.insert().values(**row))


_MISSING = object()


def _plain(type_: sa.types.TypeEngine[object]) -> object:
    if isinstance(type_, sa.Boolean):
        return False
    if isinstance(type_, sa.Integer):
        return 0
    if isinstance(type_, sa.DateTime):
        return datetime(2026, 1, 1)
    if isinstance(type_, sa.Date):
        return date(2026, 1, 1)
    if isinstance(type_, sa.JSON):
        return {}
    return ""


def _make_0001(target: Path | URL) -> dict[str, uuid.UUID]:
    """A database at revision 0001 with a signed agreement, three payments (one reversed, as
    the 0001 service recorded it: the link only in the audit row) and a decision household.
    Rows go in through the tables as 0001 made them: the models have moved on."""
    engine = create_engine_for(target)
    try:
        migrate.upgrade(engine, "0001")
        meta = sa.MetaData()
        meta.reflect(engine)
        tables = dict(meta.tables)
        keys = ("paid", "wrong", "reversal", "agreement", "decision", "project", "team",
                "village", "household", "holdout", "scheme", "version", "calc1", "calc2")  # fmt: skip
        ids = {k: uuid.uuid4() for k in keys}
        with engine.begin() as conn:

            def ins(table_name: str, /, **values: object) -> None:
                _insert(conn, tables, table_name, **values)

            ins("project", id=ids["project"], code="P1", name="城东新区道路工程")
            ins("team", id=ids["team"], project_id=ids["project"], code="T07", name="第七工作组")
            ins("village", id=ids["village"], project_id=ids["project"], name="王庄村",
                team_id=ids["team"])  # fmt: skip
            for key, code in (("household", "T07-0001"), ("holdout", "T07-0002")):
                ins("household", id=ids[key], project_id=ids["project"], code=code,
                    team_id=ids["team"], village_id=ids["village"], status="surveyed",
                    head_name="王㑇", member_count=1, row_version=1)  # fmt: skip
            ins("scheme", id=ids["scheme"], project_id=ids["project"], name="补偿方案")
            ins("scheme_version", id=ids["version"], scheme_id=ids["scheme"], version_no=1,
                status="published", effective_date=date(2026, 1, 1))  # fmt: skip
            for key, hh in (("calc1", "household"), ("calc2", "holdout")):
                ins("calculation", id=ids[key], household_id=ids[hh], version_no=1,
                    scheme_version_id=ids["version"], status="checked",
                    compensation_method="money", inputs_hash="x", total_fen=1_000_000)  # fmt: skip
            conn.execute(AGREEMENT_0001.insert().values(
                id=ids["agreement"], project_id=ids["project"], household_id=ids["household"],
                kind="main", seq_no=1, number="CD征〔2026〕第00001号", status="signed",
                scheme_version_id=ids["version"], calculation_id=ids["calc1"],
                compensation_method="money", total_fen=1_000_000, content={},
                signed_on=date(2026, 3, 10), witnessed_by="", print_count=0,
                created_at=datetime(2026, 3, 10, tzinfo=UTC),
                updated_at=datetime(2026, 3, 10, tzinfo=UTC),
            ))  # fmt: skip
            conn.execute(DECISION_0001.insert().values(
                id=ids["decision"], household_id=ids["holdout"], number="清政征补决〔2026〕第001号",
                decided_on=date(2026, 4, 2), total_fen=1_000_000, calculation_id=ids["calc2"],
                content={}, created_at=datetime(2026, 4, 2, tzinfo=UTC),
            ))  # fmt: skip
            at = datetime(2026, 3, 12, 8, tzinfo=UTC)
            for key, amount, voucher in (
                ("wrong", 600_000, "ZF-1"),
                ("reversal", -600_000, ""),
                ("paid", 1_000_000, "ZF-2"),
            ):
                conn.execute(PAYMENT_0001.insert().values(
                    id=ids[key], agreement_id=ids["agreement"], household_id=ids["household"],
                    kind="payment", amount_fen=amount, paid_on=date(2026, 3, 12), payee="王㑇",
                    method="transfer", voucher_no=voucher, created_at=at, created_by=None,
                ))  # fmt: skip
            ins("audit_log", id=uuid.uuid4(), at=at, action="reverse", entity="payment",
                entity_id=str(ids["reversal"]), household_id=ids["household"], before={},
                after={"reverses": str(ids["wrong"]), "reason": "金额录错"}, note="金额录错")  # fmt: skip
            # An audit row that does not describe a reversal of an existing entry is left alone.
            ins("audit_log", id=uuid.uuid4(), at=at, action="reverse", entity="payment",
                entity_id=str(ids["paid"]), household_id=ids["household"],
                after={"reverses": str(uuid.uuid4()), "reason": "?"})  # fmt: skip
    finally:
        engine.dispose()
    return ids


def _check_upgrade(target: Path | URL) -> None:
    ids = _make_0001(target)
    with open_database(target) as db:
        with db.engine.connect() as conn:
            newest = conn.scalar(sa.text("SELECT version_num FROM alembic_version"))
            assert (newest,) == migrate.head_revisions()
            columns = {c["name"]: c for c in inspect(conn).get_columns("payment")}
            assert columns["agreement_id"]["nullable"] and columns["decision_id"]["nullable"]
            assert {"reverses_id", "note"} <= set(columns)
            fks = {fk["referred_table"] for fk in inspect(conn).get_foreign_keys("payment")}
            assert {"agreement", "compensation_decision", "payment"} <= fks
        with db.session() as s:
            rows = {p.id: p for p in s.scalars(select(m.Payment))}
            assert len(rows) == 3
            assert rows[ids["reversal"]].reverses_id == ids["wrong"]
            assert rows[ids["reversal"]].note == "金额录错"
            assert rows[ids["paid"]].reverses_id is None and rows[ids["paid"]].note == ""
            assert rows[ids["wrong"]].agreement_id == ids["agreement"]
            assert all(p.decision_id is None for p in rows.values())
            assert (rows[ids["paid"]].voucher_no, rows[ids["paid"]].amount_fen) == (
                "ZF-2",
                1_000_000,
            )

        def add(**kw: object) -> None:
            with db.session() as s, s.begin():
                s.add(m.Payment(
                    household_id=ids["holdout"], kind="deposit", amount_fen=100,
                    paid_on=date(2026, 4, 3), payee="李", method="transfer", **kw,
                ))  # fmt: skip

        add(decision_id=ids["decision"])  # a payment under a decision now fits
        for kw in ({}, {"decision_id": ids["decision"], "agreement_id": ids["agreement"]},
                   {"decision_id": ids["decision"], "reverses_id": ids["wrong"]}):  # fmt: skip
            with pytest.raises(IntegrityError):  # neither, both, a second reversal
                add(**kw)


def test_0001_database_upgrades_on_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    _check_upgrade(path)
    backups = list((tmp_path / "backups").glob("old-*-before-0001.sqlite"))
    assert len(backups) == 1  # opened after an automatic backup


@pytest.mark.postgres
def test_0001_database_upgrades_on_postgres(pg_url: URL) -> None:
    _check_upgrade(pg_url)
