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

from .factories import make_household, make_project

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


def _make_0001(target: Path | URL) -> dict[str, uuid.UUID]:
    """A database at revision 0001 with a signed agreement, three payments (one reversed, as
    the 0001 service recorded it: the link only in the audit row) and a decision household."""
    engine = create_engine_for(target)
    try:
        migrate.upgrade(engine, "0001")
    finally:
        engine.dispose()
    ids = {k: uuid.uuid4() for k in ("paid", "wrong", "reversal", "agreement", "decision")}
    with open_database(target, migrate=False) as db, db.session() as s, s.begin():
        project, team, village = make_project(s)
        hh = make_household(s, project, team, village)
        holdout = make_household(s, project, team, village, code="T07-0002", id_number=None)
        ids["household"], ids["holdout"] = hh.id, holdout.id
        scheme = m.Scheme(project_id=project.id, name="补偿方案")
        s.add(scheme)
        s.flush()
        sv = m.SchemeVersion(scheme_id=scheme.id, version_no=1, status="published",
                             effective_date=date(2026, 1, 1))  # fmt: skip
        s.add(sv)
        s.flush()
        calcs = []
        for h in (hh, holdout):
            c = m.Calculation(household_id=h.id, version_no=1, scheme_version_id=sv.id,
                              status="checked", compensation_method="money", inputs_hash="x",
                              total_fen=1_000_000)  # fmt: skip
            s.add(c)
            calcs.append(c)
        s.flush()
        s.add(m.Agreement(
            id=ids["agreement"], project_id=project.id, household_id=hh.id, kind="main",
            seq_no=1, number="CD征〔2026〕第00001号", status="signed", scheme_version_id=sv.id,
            calculation_id=calcs[0].id, compensation_method="money", total_fen=1_000_000,
            content={}, signed_on=date(2026, 3, 10),
        ))  # fmt: skip
        s.add(m.CompensationDecision(
            id=ids["decision"], household_id=holdout.id, number="清政征补决〔2026〕第001号",
            decided_on=date(2026, 4, 2), total_fen=1_000_000, calculation_id=calcs[1].id,
        ))  # fmt: skip
        s.flush()
        at = datetime(2026, 3, 12, 8, tzinfo=UTC)
        for key, amount, voucher in (
            ("wrong", 600_000, "ZF-1"),
            ("reversal", -600_000, ""),
            ("paid", 1_000_000, "ZF-2"),
        ):
            s.execute(PAYMENT_0001.insert().values(
                id=ids[key], agreement_id=ids["agreement"], household_id=hh.id, kind="payment",
                amount_fen=amount, paid_on=date(2026, 3, 12), payee="王㑇", method="transfer",
                voucher_no=voucher, created_at=at, created_by=None,
            ))  # fmt: skip
        s.add(m.AuditLog(
            at=at, action="reverse", entity="payment", entity_id=str(ids["reversal"]),
            household_id=hh.id, before={},
            after={"reverses": str(ids["wrong"]), "reason": "金额录错"}, note="金额录错",
        ))  # fmt: skip
        # An audit row that does not describe a reversal of an existing entry is left alone.
        s.add(m.AuditLog(
            at=at, action="reverse", entity="payment", entity_id=str(ids["paid"]),
            household_id=hh.id, after={"reverses": str(uuid.uuid4()), "reason": "?"},
        ))  # fmt: skip
    return ids


def _check_upgrade(target: Path | URL) -> None:
    ids = _make_0001(target)
    with open_database(target) as db:
        with db.engine.connect() as conn:
            assert conn.scalar(sa.text("SELECT version_num FROM alembic_version")) == "0002"
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
